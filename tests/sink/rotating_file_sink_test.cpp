#include "flowfeat/sink/rotating_file_sink.hpp"

#include <glob.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <limits>
#include <memory>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "csv_text.hpp"
#include "feature_samples.hpp"
#include "flowfeat/sink/csv_row_formatter.hpp"
#include "json_line.hpp"

namespace flowfeat {
namespace {

namespace fs = std::filesystem;
using testing::sample_feature;

constexpr std::uint64_t kStartMs = 1704164645000;  // 2024-01-02T03:04:05Z
constexpr const char* kStamp = "20240102T030405";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Every entry of the folder, hidden ones included, sorted.
std::vector<std::string> entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// What a reader globbing the output sees.
std::vector<std::string> glob_names(const fs::path& dir, const std::string& pattern) {
  glob_t found{};
  std::vector<std::string> names;
  if (::glob((dir / pattern).c_str(), 0, nullptr, &found) == 0) {
    for (std::size_t i = 0; i < found.gl_pathc; ++i) names.push_back(fs::path(found.gl_pathv[i]).filename().string());
  }
  ::globfree(&found);
  return names;
}

std::string gunzip(const fs::path& path) {
  gzFile file = ::gzopen(path.c_str(), "rb");
  EXPECT_NE(file, nullptr) << path;
  if (file == nullptr) return {};
  std::string text;
  char buffer[65536];
  int n = 0;
  while ((n = ::gzread(file, buffer, sizeof(buffer))) > 0) text.append(buffer, static_cast<std::size_t>(n));
  int error = Z_OK;
  const char* message = ::gzerror(file, &error);
  EXPECT_EQ(n, 0) << path << ": " << message;
  EXPECT_EQ(error, Z_OK) << path << ": " << message;
  EXPECT_EQ(::gzclose(file), Z_OK) << path;
  return text;
}

// Offsets where the gzip members of the bytes end; fails the test on a broken member.
std::vector<std::size_t> member_ends(const std::string& bytes) {
  std::vector<std::size_t> ends;
  z_stream stream{};
  EXPECT_EQ(inflateInit2(&stream, 15 + 16), Z_OK);
  std::string out(1 << 16, '\0');
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data() + pos));
    stream.avail_in = static_cast<uInt>(bytes.size() - pos);
    int rc = Z_OK;
    do {
      stream.next_out = reinterpret_cast<Bytef*>(out.data());
      stream.avail_out = static_cast<uInt>(out.size());
      rc = inflate(&stream, Z_NO_FLUSH);
    } while (rc == Z_OK);
    if (rc != Z_STREAM_END) {
      ADD_FAILURE() << "broken gzip member at offset " << pos << ": " << rc;
      break;
    }
    pos = bytes.size() - stream.avail_in;
    ends.push_back(pos);
    inflateReset(&stream);
  }
  inflateEnd(&stream);
  return ends;
}

// Routes the default spdlog logger into a string for the test's lifetime.
class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_st>(stream_);
    auto logger = std::make_shared<spdlog::logger>("capture", sink);
    logger->set_pattern("%l %v");
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger);
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  // Lines logged at the level ("warning", "info").
  int count(const std::string& level) const {
    std::istringstream lines(stream_.str());
    int n = 0;
    for (std::string line; std::getline(lines, line);) n += line.rfind(level + " ", 0) == 0 ? 1 : 0;
    return n;
  }
  std::string text() const { return stream_.str(); }

 private:
  std::ostringstream stream_;
  std::shared_ptr<spdlog::logger> previous_;
};

// A disk with free_bytes of space left: a write beyond it is cut short, the next fails with
// ENOSPC. Space freed by truncating is not given back; the test sets free_bytes when "space
// returns".
class FullDisk : public FileOps {
 public:
  std::uint64_t free_bytes = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t write_calls = 0;

  ssize_t write(int fd, const void* data, std::size_t size) noexcept override {
    ++write_calls;
    if (free_bytes == 0) {
      errno = ENOSPC;
      return -1;
    }
    const auto allowed = static_cast<std::size_t>(std::min<std::uint64_t>(size, free_bytes));
    const ssize_t written = ::write(fd, data, allowed);
    if (written > 0) free_bytes -= static_cast<std::uint64_t>(written);
    return written;
  }
};

class RotatingFileSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("flowfeat-rotating-" + std::to_string(::getpid()) + "-" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    layout_ = OutputLayout::full_default();
    const Schema schema = layout_.schema();
    for (const Column& column : schema.columns()) names_.push_back(column.name);
    id_column_ = *schema.index_of("bidirectional_packets");
  }
  void TearDown() override {
    std::error_code ec;
    fs::permissions(dir_, fs::perms::owner_all, ec);
    fs::remove_all(dir_, ec);
  }

  RotationOptions options(OutputFormat format = OutputFormat::kCsv,
                          Compression compression = Compression::kNone) const {
    RotationOptions o;
    o.directory = dir_;
    o.format = format;
    o.compression = compression;
    o.max_file_bytes = 0;
    o.max_file_age_ms = 0;
    return o;
  }

  RotatingFileSink::WallClock clock() {
    return [this] { return now_; };
  }

  // Final output files of the "flows" base, oldest first.
  std::vector<std::string> outputs() const { return glob_names(dir_, "flows-*"); }

  // The records of a CSV file: checks the header line, every row whole, and returns the ids.
  std::vector<std::uint64_t> csv_ids(const std::string& text) {
    const std::string header = layout_.schema().csv_header() + "\n";
    EXPECT_EQ(text.substr(0, header.size()), header);
    EXPECT_TRUE(text.empty() || text.back() == '\n') << "file ends inside a row";
    const auto rows = testing::parse_csv_text(text);
    std::vector<std::uint64_t> ids;
    for (std::size_t i = 1; i < rows.size(); ++i) {
      EXPECT_EQ(rows[i].size(), names_.size()) << "row " << i;
      if (rows[i].size() != names_.size()) continue;
      const std::uint64_t id = testing::parse_uint(rows[i][id_column_]);
      ids.push_back(id);
    }
    return ids;
  }

  // Ids of every output CSV file, in file order.
  std::vector<std::uint64_t> all_csv_ids() {
    std::vector<std::uint64_t> ids;
    for (const std::string& name : outputs()) {
      const std::vector<std::uint64_t> file_ids = csv_ids(read_file(dir_ / name));
      EXPECT_FALSE(file_ids.empty()) << name << " holds no record";
      ids.insert(ids.end(), file_ids.begin(), file_ids.end());
    }
    return ids;
  }

  std::size_t row_size(const FeatureRecord& record) const {
    const CsvRowFormatter formatter(layout_);
    std::string row(formatter.max_record_bytes(), '\0');
    return static_cast<std::size_t>(formatter.format(record, row.data()) - row.data());
  }

  std::vector<std::string> partials() const {
    std::vector<std::string> found;
    for (const std::string& name : entries(dir_)) {
      if (name.size() > 8 && name.substr(name.size() - 8) == ".partial") found.push_back(name);
    }
    return found;
  }

  fs::path dir_;
  OutputLayout layout_;
  std::vector<std::string> names_;
  std::size_t id_column_ = 0;
  std::uint64_t now_ = kStartMs;
};

std::vector<std::uint64_t> iota(std::uint64_t from, std::uint64_t to) {
  std::vector<std::uint64_t> ids;
  for (std::uint64_t i = from; i < to; ++i) ids.push_back(i);
  return ids;
}

TEST_F(RotatingFileSinkTest, CsvFileHasTheHeaderAndRowsThatRoundTrip) {
  RotatingFileSink sink(options(), layout_, clock());
  for (std::uint64_t i = 0; i < 40; ++i) sink.write(sample_feature(i));
  sink.close();
  ASSERT_EQ(outputs(), std::vector<std::string>{std::string("flows-") + kStamp + "-000001.csv"});
  const std::string text = read_file(dir_ / outputs()[0]);
  EXPECT_EQ(csv_ids(text), iota(0, 40));
  const auto rows = testing::parse_csv_text(text);
  ASSERT_EQ(rows.size(), 41u);
  for (std::uint64_t i = 0; i < 40; ++i) {
    testing::expect_feature_fields(rows[i + 1], Schema::flow_record().size(), sample_feature(i), layout_, names_);
  }
  EXPECT_EQ(sink.stats().records_written, 40u);
  EXPECT_EQ(sink.stats().records_dropped, 0u);
  EXPECT_EQ(sink.stats().files_finished, 1u);
  EXPECT_EQ(sink.stats().bytes_written, text.size());
  EXPECT_EQ(sink.finished_files(), std::vector<fs::path>{dir_ / outputs()[0]});
  EXPECT_TRUE(partials().empty());
}

TEST_F(RotatingFileSinkTest, PreformattedRowsGiveTheSameFile) {
  std::string by_record;
  {
    RotatingFileSink sink(options(), layout_, clock());
    for (std::uint64_t i = 0; i < 40; ++i) sink.write(sample_feature(i));
    sink.close();
    by_record = read_file(dir_ / outputs().at(0));
    fs::remove(dir_ / outputs().at(0));
  }
  RotatingFileSink sink(options(), layout_, clock());
  std::string row(sink.formatter().max_record_bytes(), '\0');
  for (std::uint64_t i = 0; i < 40; ++i) {
    const char* end = sink.formatter().format(sample_feature(i), row.data());
    sink.write_row(std::string_view(row.data(), static_cast<std::size_t>(end - row.data())));
  }
  sink.write_row(std::string(sink.formatter().max_record_bytes() + 1, 'x'));  // no row of this layout
  sink.close();
  ASSERT_EQ(outputs().size(), 1u);
  EXPECT_EQ(read_file(dir_ / outputs()[0]), by_record);
  EXPECT_EQ(sink.stats().records_written, 40u);
  EXPECT_EQ(sink.stats().records_dropped, 1u);
}

TEST_F(RotatingFileSinkTest, NoRecordNoFile) {
  RotatingFileSink sink(options(), layout_, clock());
  sink.rotate();
  sink.tick();
  sink.close();
  EXPECT_TRUE(entries(dir_).empty()) << "probe or empty file left behind";
  EXPECT_EQ(sink.stats().files_finished, 0u);
}

TEST_F(RotatingFileSinkTest, OpenFileIsHiddenFromReadersUntilFinished) {
  RotatingFileSink sink(options(), layout_, clock());
  sink.write(sample_feature(1));
  EXPECT_TRUE(outputs().empty());
  EXPECT_TRUE(glob_names(dir_, "*").empty()) << "a plain * glob skips dot files too";
  EXPECT_EQ(entries(dir_), std::vector<std::string>{std::string(".flows-") + kStamp + "-000001.csv.partial"});
  sink.close();
  EXPECT_EQ(outputs().size(), 1u);
  EXPECT_TRUE(partials().empty());
}

TEST_F(RotatingFileSinkTest, DestructorFinishesTheFile) {
  {
    RotatingFileSink sink(options(), layout_, clock());
    sink.write(sample_feature(7));
  }
  EXPECT_EQ(all_csv_ids(), std::vector<std::uint64_t>{7});
  EXPECT_TRUE(partials().empty());
}

TEST_F(RotatingFileSinkTest, CloseIsIdempotentAndLaterRecordsAreDropped) {
  RotatingFileSink sink(options(), layout_, clock());
  sink.write(sample_feature(1));
  sink.close();
  const std::string once = read_file(dir_ / outputs().at(0));
  sink.close();
  sink.write(sample_feature(2));
  sink.rotate();
  sink.tick();
  EXPECT_EQ(outputs().size(), 1u);
  EXPECT_EQ(read_file(dir_ / outputs().at(0)), once);
  EXPECT_EQ(sink.stats().records_written, 1u);
  EXPECT_EQ(sink.stats().records_dropped, 1u);
}

TEST_F(RotatingFileSinkTest, RotatesBySize) {
  RotationOptions o = options();
  o.max_file_bytes = CsvRowFormatter(layout_).file_header().size() + 2 * row_size(sample_feature(0)) + 100;
  RotatingFileSink sink(o, layout_, clock());
  for (std::uint64_t i = 0; i < 30; ++i) sink.write(sample_feature(i));
  sink.close();
  const std::vector<std::string> files = outputs();
  ASSERT_GT(files.size(), 2u);
  EXPECT_EQ(sink.stats().files_finished, files.size());
  std::vector<std::uint64_t> ids;
  for (std::size_t f = 0; f < files.size(); ++f) {
    char seq[24];
    std::snprintf(seq, sizeof(seq), "%06zu", f + 1);
    EXPECT_EQ(files[f], std::string("flows-") + kStamp + "-" + seq + ".csv") << "names sort in creation order";
    const std::string text = read_file(dir_ / files[f]);
    const std::vector<std::uint64_t> file_ids = csv_ids(text);
    ids.insert(ids.end(), file_ids.begin(), file_ids.end());
    if (f + 1 < files.size() && !file_ids.empty()) {
      // Finished by the record that reached the limit: at the limit with it, below without it.
      const std::size_t last_row = row_size(sample_feature(file_ids.back()));
      EXPECT_GE(text.size(), o.max_file_bytes) << files[f];
      EXPECT_LT(text.size() - last_row, o.max_file_bytes) << files[f];
    }
  }
  EXPECT_EQ(ids, iota(0, 30));
}

TEST_F(RotatingFileSinkTest, RotatesByAgeOnWriteAndOnTick) {
  RotationOptions o = options();
  o.max_file_age_ms = 1000;
  RotatingFileSink sink(o, layout_, clock());
  sink.write(sample_feature(0));
  now_ += 500;
  sink.write(sample_feature(1));
  now_ += 499;  // 999 ms after the first record
  sink.write(sample_feature(2));
  sink.tick();
  EXPECT_TRUE(outputs().empty());
  now_ += 1;
  sink.write(sample_feature(3));  // the file is a second old: finished before this record
  ASSERT_EQ(outputs().size(), 1u);
  EXPECT_EQ(csv_ids(read_file(dir_ / outputs()[0])), iota(0, 3));
  now_ += 999;
  sink.tick();
  EXPECT_EQ(outputs().size(), 1u);
  now_ += 1;
  sink.tick();  // no record arrives, yet the file is finished on time
  ASSERT_EQ(outputs().size(), 2u);
  EXPECT_EQ(outputs()[1], std::string("flows-20240102T030406-000002.csv"));
  EXPECT_EQ(csv_ids(read_file(dir_ / outputs()[1])), std::vector<std::uint64_t>{3});
  EXPECT_TRUE(partials().empty());
  sink.close();
  EXPECT_EQ(sink.stats().files_finished, 2u);
}

TEST_F(RotatingFileSinkTest, RotateFinishesTheFileNow) {
  RotatingFileSink sink(options(), layout_, clock());
  sink.write(sample_feature(0));
  sink.rotate();
  sink.write(sample_feature(1));
  sink.write(sample_feature(2));
  sink.close();
  ASSERT_EQ(outputs().size(), 2u);
  EXPECT_EQ(csv_ids(read_file(dir_ / outputs()[0])), std::vector<std::uint64_t>{0});
  EXPECT_EQ(csv_ids(read_file(dir_ / outputs()[1])), (std::vector<std::uint64_t>{1, 2}));
}

TEST_F(RotatingFileSinkTest, ExistingNamesAreSkipped) {
  const std::string taken = std::string("flows-") + kStamp + "-000001.csv";
  std::ofstream(dir_ / taken) << "someone else's";
  std::ofstream(dir_ / (std::string(".flows-") + kStamp + "-000002.csv.partial")) << "a crashed run's";
  RotatingFileSink sink(options(), layout_, clock());
  sink.write(sample_feature(0));
  sink.close();
  const std::vector<std::string> files = outputs();
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[1], std::string("flows-") + kStamp + "-000003.csv");
  EXPECT_EQ(read_file(dir_ / taken), "someone else's");
}

TEST_F(RotatingFileSinkTest, JsonLinesFilesHoldOneObjectPerLine) {
  RotationOptions o = options(OutputFormat::kJsonLines);
  o.chunk_bytes = 4096;
  RotatingFileSink sink(o, layout_, clock());
  for (std::uint64_t i = 0; i < 30; ++i) sink.write(sample_feature(i));
  sink.close();
  ASSERT_EQ(outputs(), std::vector<std::string>{std::string("flows-") + kStamp + "-000001.jsonl"});
  const std::string text = read_file(dir_ / outputs()[0]);
  std::istringstream lines(text);
  std::uint64_t id = 0;
  for (std::string line; std::getline(lines, line); ++id) {
    const auto members = testing::JsonLineParser::parse(line);
    ASSERT_EQ(members.size(), names_.size());
    for (std::size_t c = 0; c < names_.size(); ++c) EXPECT_EQ(members[c].key, names_[c]);
    EXPECT_EQ(members[id_column_].value, std::to_string(id));
  }
  EXPECT_EQ(id, 30u);
  EXPECT_EQ(text.back(), '\n');
}

TEST_F(RotatingFileSinkTest, GzipDecompressesToExactlyTheUncompressedOutput) {
  for (const OutputFormat format : {OutputFormat::kCsv, OutputFormat::kJsonLines}) {
    SCOPED_TRACE(std::string(file_extension(format)));
    fs::remove_all(dir_);
    RotationOptions plain_options = options(format);
    plain_options.directory = dir_ / "plain";
    RotationOptions gzip_options = options(format, Compression::kGzip);
    gzip_options.chunk_bytes = 8192;  // several members
    {
      RotatingFileSink plain(plain_options, layout_, clock());
      RotatingFileSink gzip(gzip_options, layout_, clock());
      for (std::uint64_t i = 0; i < 60; ++i) {
        plain.write(sample_feature(i));
        gzip.write(sample_feature(i));
      }
      plain.close();
      gzip.close();
      EXPECT_EQ(gzip.stats().records_written, 60u);
    }
    const std::string extension = "." + std::string(file_extension(format));
    const std::vector<std::string> gz_files = glob_names(dir_, "flows-*" + extension + ".gz");
    ASSERT_EQ(gz_files.size(), 1u);
    const std::string expected =
        read_file(plain_options.directory / glob_names(plain_options.directory, "flows-*").at(0));
    const fs::path gz_path = dir_ / gz_files[0];
    EXPECT_EQ(gunzip(gz_path), expected);

    const std::string bytes = read_file(gz_path);
    const std::vector<std::size_t> ends = member_ends(bytes);
    EXPECT_GT(ends.size(), 3u) << "one member per chunk";
    ASSERT_FALSE(ends.empty());
    EXPECT_EQ(ends.back(), bytes.size());

    // Cut after the first member: still a valid .gz holding whole lines.
    const fs::path cut = dir_ / "cut.gz";
    std::ofstream(cut, std::ios::binary) << bytes.substr(0, ends[0]);
    const std::string prefix = gunzip(cut);
    ASSERT_FALSE(prefix.empty());
    EXPECT_EQ(prefix.back(), '\n');
    EXPECT_EQ(expected.substr(0, prefix.size()), prefix);
    EXPECT_LT(prefix.size(), expected.size());
  }
}

TEST_F(RotatingFileSinkTest, RetentionKeepsTheNewestFilesByCount) {
  std::ofstream(dir_ / "flows-notes.csv") << "not ours";
  std::ofstream(dir_ / "other-20240101T000000-000001.csv") << "other base";
  std::ofstream(dir_ / "flows-20240101T000000-000001.jsonl") << "other format";
  std::ofstream(dir_ / "flows-20240101T000000-000001.csv") << "an older run's";
  RotationOptions o = options();
  o.keep_files = 2;
  RotatingFileSink sink(o, layout_, clock());
  for (std::uint64_t i = 0; i < 5; ++i) {
    sink.write(sample_feature(i));
    sink.rotate();
  }
  sink.close();
  const std::vector<std::string> kept = glob_names(dir_, "flows-2*.csv");
  // Numbering continues after the older run's file.
  EXPECT_EQ(kept, (std::vector<std::string>{std::string("flows-") + kStamp + "-000005.csv",
                                            std::string("flows-") + kStamp + "-000006.csv"}));
  EXPECT_EQ(csv_ids(read_file(dir_ / kept.at(0))), std::vector<std::uint64_t>{3});
  EXPECT_EQ(csv_ids(read_file(dir_ / kept.at(1))), std::vector<std::uint64_t>{4});
  EXPECT_EQ(sink.stats().files_deleted, 4u) << "the older run's file counts too";
  EXPECT_EQ(sink.finished_files(), (std::vector<fs::path>{dir_ / kept[0], dir_ / kept[1]}));
  for (const char* other :
       {"flows-notes.csv", "other-20240101T000000-000001.csv", "flows-20240101T000000-000001.jsonl"}) {
    EXPECT_TRUE(fs::exists(dir_ / other)) << other;
  }
}

TEST_F(RotatingFileSinkTest, RetentionKeepsTheNewestFilesByBytes) {
  RotationOptions o = options();
  // Every file holds one record of the same size.
  const std::uint64_t file_size = CsvRowFormatter(layout_).file_header().size() + row_size(sample_feature(5));
  o.keep_bytes = file_size * 5 / 2;
  {
    RotatingFileSink sink(o, layout_, clock());
    for (int i = 0; i < 6; ++i) {
      sink.write(sample_feature(5));
      sink.rotate();
    }
    EXPECT_EQ(sink.stats().files_deleted, 4u);
  }
  const std::vector<std::string> kept = outputs();
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0], std::string("flows-") + kStamp + "-000005.csv");
  EXPECT_EQ(fs::file_size(dir_ / kept[0]), file_size);

  // A limit below one file keeps the newest file alone.
  o.keep_bytes = 1;
  RotatingFileSink sink(o, layout_, clock());
  sink.write(sample_feature(5));
  sink.close();
  EXPECT_EQ(outputs(), std::vector<std::string>{std::string("flows-") + kStamp + "-000007.csv"});
}

TEST_F(RotatingFileSinkTest, DiskFullIsCountedLoggedOnceAndRecoveredFrom) {
  LogCapture log;
  FullDisk disk;
  RotationOptions o = options();
  o.chunk_bytes = 4096;
  disk.free_bytes = 10000;  // room for two chunks and part of a third
  RotatingFileSink sink(o, layout_, clock(), disk);

  std::uint64_t next = 0;
  while (sink.stats().write_errors == 0 && next < 1000) sink.write(sample_feature(next++));
  ASSERT_EQ(sink.stats().write_errors, 1u);
  const std::uint64_t written = sink.stats().records_written;
  EXPECT_GT(written, 0u);
  EXPECT_EQ(sink.stats().records_dropped, next - written) << "the failed chunk's records";
  EXPECT_GT(sink.stats().records_dropped, 0u);
  EXPECT_EQ(log.count("warning"), 1) << log.text();
  EXPECT_EQ(sink.stats().outages, 1u);

  // The file was cut back to its last whole chunk and finished.
  ASSERT_EQ(outputs().size(), 1u);
  EXPECT_TRUE(partials().empty());
  const std::string first = read_file(dir_ / outputs()[0]);
  EXPECT_EQ(first.size(), sink.stats().bytes_written);
  EXPECT_EQ(csv_ids(first), iota(0, written));
  EXPECT_EQ(sink.stats().files_finished, 1u);

  // Within a second of the failure nothing is tried: records are dropped at once.
  const std::uint64_t calls = disk.write_calls;
  for (int i = 0; i < 10; ++i) sink.write(sample_feature(next++));
  EXPECT_EQ(disk.write_calls, calls);
  EXPECT_EQ(sink.stats().records_dropped, next - written);

  // A second later the disk is still full: one attempt, no file left, no new log line.
  now_ += 1000;
  sink.write(sample_feature(next++));
  sink.write(sample_feature(next++));
  EXPECT_GT(disk.write_calls, calls);
  EXPECT_EQ(outputs().size(), 1u);
  EXPECT_TRUE(partials().empty());
  EXPECT_EQ(log.count("warning"), 1) << log.text();
  EXPECT_EQ(sink.stats().records_dropped, next - written);

  // Space returns; the next attempt is due a second after the last one.
  disk.free_bytes = std::numeric_limits<std::uint64_t>::max();
  now_ += 999;
  sink.write(sample_feature(next++));
  EXPECT_EQ(sink.stats().records_dropped, next - written);
  now_ += 1;
  const std::uint64_t resumed_from = next;
  for (int i = 0; i < 20; ++i) sink.write(sample_feature(next++));
  sink.close();

  EXPECT_EQ(log.count("warning"), 1) << log.text();
  EXPECT_EQ(log.count("info"), 1) << log.text();
  EXPECT_EQ(sink.stats().outages, 1u);
  ASSERT_EQ(outputs().size(), 2u);
  EXPECT_TRUE(partials().empty());
  EXPECT_EQ(csv_ids(read_file(dir_ / outputs()[1])), iota(resumed_from, next));
  const std::vector<std::uint64_t> ids = all_csv_ids();
  EXPECT_EQ(std::set<std::uint64_t>(ids.begin(), ids.end()).size(), ids.size()) << "a record written twice";
  EXPECT_EQ(sink.stats().records_written, ids.size());
  EXPECT_EQ(sink.stats().records_written + sink.stats().records_dropped, next);
}

TEST_F(RotatingFileSinkTest, DiskFullBeforeTheFirstChunkLeavesNoFile) {
  LogCapture log;
  FullDisk disk;
  disk.free_bytes = 100;  // not even the header
  RotationOptions o = options();
  o.chunk_bytes = 4096;
  RotatingFileSink sink(o, layout_, clock(), disk);
  for (std::uint64_t i = 0; i < 20; ++i) sink.write(sample_feature(i));
  sink.close();
  EXPECT_TRUE(entries(dir_).empty());
  EXPECT_EQ(sink.stats().records_written, 0u);
  EXPECT_EQ(sink.stats().records_dropped, 20u);
  EXPECT_EQ(sink.stats().files_finished, 0u);
  EXPECT_EQ(log.count("warning"), 1) << log.text();
}

TEST_F(RotatingFileSinkTest, DiskFullWhileClosingKeepsTheWholeChunks) {
  LogCapture log;
  FullDisk disk;
  RotationOptions o = options();
  o.chunk_bytes = 4096;
  RotatingFileSink sink(o, layout_, clock(), disk);
  std::uint64_t next = 0;
  while (sink.stats().bytes_written == 0) sink.write(sample_feature(next++));
  sink.write(sample_feature(next++));
  disk.free_bytes = 10;  // the last, partial chunk gets 10 bytes in, then ENOSPC
  sink.close();
  const std::uint64_t written = sink.stats().records_written;
  EXPECT_EQ(sink.stats().records_dropped, next - written);
  EXPECT_GT(sink.stats().records_dropped, 0u);
  ASSERT_EQ(outputs().size(), 1u);
  EXPECT_EQ(csv_ids(read_file(dir_ / outputs()[0])), iota(0, written));
  EXPECT_TRUE(partials().empty());
  EXPECT_EQ(log.count("warning"), 1) << log.text();
}

TEST_F(RotatingFileSinkTest, GzipFileCutByAFullDiskStaysValid) {
  LogCapture log;
  FullDisk disk;
  RotationOptions o = options(OutputFormat::kCsv, Compression::kGzip);
  o.chunk_bytes = 8192;
  RotatingFileSink sink(o, layout_, clock(), disk);
  std::uint64_t next = 0;
  while (sink.stats().bytes_written == 0) sink.write(sample_feature(next++));
  while (sink.stats().bytes_written < 2 * 1024) sink.write(sample_feature(next++));
  disk.free_bytes = 300;  // the next member is cut off inside
  while (sink.stats().write_errors == 0) sink.write(sample_feature(next++));
  sink.close();
  ASSERT_EQ(outputs().size(), 1u);
  const fs::path path = dir_ / outputs()[0];
  EXPECT_EQ(fs::file_size(path), sink.stats().bytes_written);
  EXPECT_EQ(csv_ids(gunzip(path)), iota(0, sink.stats().records_written));
}

// Options that wait on a write error, sleeping through the given function.
RotationOptions waiting(RotationOptions o, std::function<void(std::uint64_t)> sleep) {
  o.on_write_error = OnWriteError::kWait;
  o.sleep = std::move(sleep);
  return o;
}

TEST_F(RotatingFileSinkTest, WaitModeRetriesTheSameChunkUntilSpaceReturnsAndLosesNothing) {
  LogCapture log;
  FullDisk disk;
  disk.free_bytes = 10000;  // two chunks and part of a third
  std::vector<std::uint64_t> sleeps;
  RotationOptions o = options();
  o.chunk_bytes = 4096;
  o = waiting(o, [&](std::uint64_t ms) {
    sleeps.push_back(ms);
    now_ += ms;
    if (sleeps.size() == 7) disk.free_bytes = std::numeric_limits<std::uint64_t>::max();
  });
  RotatingFileSink sink(o, layout_, clock(), disk);
  std::vector<bool> waits;
  sink.set_wait_observer([&](bool waiting) { waits.push_back(waiting); });
  for (std::uint64_t i = 0; i < 200; ++i) sink.write(sample_feature(i));
  sink.close();

  EXPECT_EQ(sleeps, (std::vector<std::uint64_t>{50, 100, 200, 400, 800, 1000, 1000})) << "backoff, doubling to 1 s";
  EXPECT_EQ(waits, (std::vector<bool>{true, false}));
  EXPECT_EQ(sink.stats().records_written, 200u);
  EXPECT_EQ(sink.stats().records_dropped, 0u);
  EXPECT_EQ(sink.stats().write_errors, 7u) << "the first failure and six retries";
  EXPECT_EQ(sink.stats().outages, 1u);
  // One file, every record once and whole: the partial write of the failed chunk was cut off.
  ASSERT_EQ(outputs().size(), 1u);
  EXPECT_TRUE(partials().empty());
  EXPECT_EQ(all_csv_ids(), iota(0, 200));
  EXPECT_EQ(fs::file_size(dir_ / outputs()[0]), sink.stats().bytes_written);
  EXPECT_EQ(log.count("warning"), 1) << log.text();
  EXPECT_NE(log.text().find("disk full writing " + (dir_ / ".flows-").string()), std::string::npos) << log.text();
  EXPECT_NE(log.text().find("waiting for space (output.on_write_error: wait)"), std::string::npos) << log.text();
  EXPECT_EQ(log.count("info"), 1) << log.text();
  EXPECT_NE(log.text().find("writing works again after waiting 3.5 s"), std::string::npos) << log.text();
}

TEST_F(RotatingFileSinkTest, WaitModeRewritesAWholeGzipMember) {
  LogCapture log;
  FullDisk disk;
  disk.free_bytes = 3000;  // the first member is cut off inside
  int sleeps = 0;
  RotationOptions o = options(OutputFormat::kCsv, Compression::kGzip);
  o.chunk_bytes = 8192;
  o = waiting(o, [&](std::uint64_t) {
    if (++sleeps == 2) disk.free_bytes = std::numeric_limits<std::uint64_t>::max();
  });
  RotatingFileSink sink(o, layout_, clock(), disk);
  for (std::uint64_t i = 0; i < 150; ++i) sink.write(sample_feature(i));
  sink.close();
  EXPECT_EQ(sleeps, 2);
  EXPECT_EQ(sink.stats().records_dropped, 0u);
  ASSERT_EQ(outputs().size(), 1u);
  const fs::path path = dir_ / outputs()[0];
  EXPECT_EQ(fs::file_size(path), sink.stats().bytes_written);
  EXPECT_EQ(csv_ids(gunzip(path)), iota(0, 150));
}

TEST_F(RotatingFileSinkTest, StopDuringAWaitEndsItAfterTheStopWaitAndDropsFromThenOn) {
  LogCapture log;
  FullDisk disk;
  disk.free_bytes = 10000;
  std::atomic<bool> stopping{false};
  std::uint64_t slept = 0;
  std::uint64_t slept_after_stop = 0;
  RotationOptions o = options();
  o.chunk_bytes = 4096;
  o.stopping = &stopping;
  o = waiting(o, [&](std::uint64_t ms) {
    slept += ms;
    if (stopping) slept_after_stop += ms;
    if (slept >= 60'000) stopping = true;  // a minute of waiting, then SIGTERM
  });
  RotatingFileSink sink(o, layout_, clock(), disk);
  std::vector<bool> waits;
  sink.set_wait_observer([&](bool waiting) { waits.push_back(waiting); });
  std::uint64_t next = 0;
  while (sink.stats().records_dropped == 0 && next < 1000) sink.write(sample_feature(next++));

  ASSERT_TRUE(stopping);
  EXPECT_EQ(slept_after_stop, o.stop_wait_ms) << "retried for the stop wait, no longer";
  EXPECT_EQ(waits, (std::vector<bool>{true, false}));
  const std::uint64_t written = sink.stats().records_written;
  EXPECT_GT(written, 0u);
  EXPECT_EQ(sink.stats().records_dropped, next - written) << "the failed chunk's records";
  EXPECT_EQ(log.count("error"), 1) << log.text();

  // From now on the sink drops as in drop mode: no more waiting, even on a new failure.
  const std::uint64_t slept_before = slept;
  for (int i = 0; i < 10; ++i) sink.write(sample_feature(next++));
  now_ += 1000;
  for (int i = 0; i < 10; ++i) sink.write(sample_feature(next++));
  sink.close();
  EXPECT_EQ(slept, slept_before);
  EXPECT_EQ(waits.size(), 2u);
  EXPECT_EQ(sink.stats().records_written, written);
  EXPECT_EQ(sink.stats().records_written + sink.stats().records_dropped, next);
  EXPECT_EQ(all_csv_ids(), iota(0, written));
  EXPECT_TRUE(partials().empty());
}

TEST_F(RotatingFileSinkTest, StopRequestedBeforeTheFailureStillWaitsTheStopWait) {
  FullDisk disk;
  disk.free_bytes = 0;
  const std::atomic<bool> stopping{true};
  std::uint64_t slept = 0;
  RotationOptions o = options();
  o.stopping = &stopping;
  o.stop_wait_ms = 500;
  o = waiting(o, [&](std::uint64_t ms) { slept += ms; });
  RotatingFileSink sink(o, layout_, clock(), disk);
  for (std::uint64_t i = 0; i < 5; ++i) sink.write(sample_feature(i));
  sink.close();
  EXPECT_EQ(slept, 500u) << "50 + 100 + 200 + the 150 left";
  EXPECT_EQ(sink.stats().records_dropped, 5u);
  EXPECT_TRUE(entries(dir_).empty());
}

// fsync fails once with EIO.
class FailingFsync : public FileOps {
 public:
  int failures_left = 1;
  int fsync(int fd) noexcept override {
    if (failures_left > 0) {
      --failures_left;
      errno = EIO;
      return -1;
    }
    return ::fsync(fd);
  }
};

TEST_F(RotatingFileSinkTest, WaitModeDropsNothingAfterAFailedFsync) {
  LogCapture log;
  FailingFsync ops;
  RotationOptions o = waiting(options(), [](std::uint64_t) { ADD_FAILURE() << "nothing to wait for"; });
  RotatingFileSink sink(o, layout_, clock(), ops);
  sink.write(sample_feature(0));
  sink.rotate();  // its fsync fails: the file is published all the same
  sink.write(sample_feature(1));  // within the second: dropped in drop mode, written here
  sink.close();
  EXPECT_EQ(sink.stats().records_dropped, 0u);
  EXPECT_EQ(sink.stats().write_errors, 1u);
  EXPECT_EQ(all_csv_ids(), (std::vector<std::uint64_t>{0, 1}));
  EXPECT_EQ(log.count("warning"), 1) << log.text();
}

TEST_F(RotatingFileSinkTest, DropModeNeverWaits) {
  FullDisk disk;
  disk.free_bytes = 10000;
  RotationOptions o = options();
  o.chunk_bytes = 4096;
  o.on_write_error = OnWriteError::kDrop;
  o.sleep = [](std::uint64_t) { ADD_FAILURE() << "drop mode slept"; };
  RotatingFileSink sink(o, layout_, clock(), disk);
  int observed = 0;
  sink.set_wait_observer([&](bool) { ++observed; });
  for (std::uint64_t i = 0; i < 200; ++i) sink.write(sample_feature(i));
  sink.close();
  EXPECT_EQ(observed, 0);
  EXPECT_GT(sink.stats().records_dropped, 0u);
  EXPECT_EQ(sink.stats().records_written + sink.stats().records_dropped, 200u);
  EXPECT_EQ(all_csv_ids(), iota(0, sink.stats().records_written));
}

TEST_F(RotatingFileSinkTest, CreatesAMissingDirectory) {
  RotationOptions o = options();
  o.directory = dir_ / "a" / "b";
  RotatingFileSink sink(o, layout_, clock());
  EXPECT_TRUE(fs::is_directory(o.directory));
  EXPECT_TRUE(entries(o.directory).empty()) << "the probe file is removed";
}

TEST_F(RotatingFileSinkTest, DirectoryThatCannotBeCreatedIsNamedInTheError) {
  std::ofstream(dir_ / "file") << "x";
  RotationOptions o = options();
  o.directory = dir_ / "file" / "out";
  try {
    RotatingFileSink sink(o, layout_, clock());
    FAIL() << "no exception";
  } catch (const std::system_error& e) {
    EXPECT_NE(std::string(e.what()).find(o.directory.string()), std::string::npos) << e.what();
  }
}

TEST_F(RotatingFileSinkTest, UnwritableDirectoryIsNamedInTheError) {
  // Root ignores permission bits, so a read-only folder cannot be simulated for it.
  if (::geteuid() == 0) {
    GTEST_SKIP() << "running as root: permissions are not enforced";
  }
  const fs::path read_only = dir_ / "read-only";
  fs::create_directories(read_only);
  ASSERT_EQ(::chmod(read_only.c_str(), 0500), 0);
  RotationOptions o = options();
  o.directory = read_only;
  try {
    RotatingFileSink sink(o, layout_, clock());
    FAIL() << "no exception";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::permission_denied);
    EXPECT_NE(std::string(e.what()).find(read_only.string()), std::string::npos) << e.what();
  }
  ::chmod(read_only.c_str(), 0700);
}

TEST_F(RotatingFileSinkTest, InvalidOptionsAreRejected) {
  for (const char* base : {"", "a/b", ".", ".."}) {
    RotationOptions o = options();
    o.base_name = base;
    EXPECT_THROW({ RotatingFileSink sink(o, layout_, clock()); }, std::invalid_argument) << base;
  }
  RotationOptions chunk = options();
  chunk.chunk_bytes = 0;
  EXPECT_THROW({ RotatingFileSink sink(chunk, layout_, clock()); }, std::invalid_argument);
  RotationOptions backoff = options();
  backoff.wait_first_ms = 0;
  EXPECT_THROW({ RotatingFileSink sink(backoff, layout_, clock()); }, std::invalid_argument);
  backoff.wait_first_ms = 2000;  // above wait_max_ms
  EXPECT_THROW({ RotatingFileSink sink(backoff, layout_, clock()); }, std::invalid_argument);
  RotationOptions level = options(OutputFormat::kCsv, Compression::kGzip);
  level.gzip_level = 10;
  EXPECT_THROW({ RotatingFileSink sink(level, layout_, clock()); }, std::invalid_argument);
  OutputLayout wide = layout_;
  wide.encoding_columns.resize(65, "x");
  EXPECT_THROW({ RotatingFileSink sink(options(), wide, clock()); }, std::invalid_argument);
  EXPECT_THROW({ RotatingFileSink sink(options(), layout_, nullptr); }, std::invalid_argument);
  EXPECT_TRUE(entries(dir_).empty());
}

}  // namespace
}  // namespace flowfeat
