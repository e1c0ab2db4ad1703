#include "flowfeat/sink/leftover_recovery.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "csv_text.hpp"
#include "feature_samples.hpp"
#include "flowfeat/sink/rotating_file_sink.hpp"
#include "temp_folder.hpp"

namespace flowfeat {
namespace {

namespace fs = std::filesystem;
using testing::read_text;
using testing::sample_feature;
using testing::TempFolder;
using testing::write_text;

constexpr std::uint64_t kStartMs = 1704164645000;  // 2024-01-02T03:04:05Z
constexpr const char* kStamp = "20240102T030405";
constexpr const char* kEarlierStamp = "20240101T000000";

// Every byte count passed to write(2): the sink writes one chunk (one gzip member) per call.
class RecordingOps : public FileOps {
 public:
  std::vector<std::size_t> writes;
  ssize_t write(int fd, const void* data, std::size_t size) noexcept override {
    const ssize_t n = ::write(fd, data, size);
    if (n > 0) writes.push_back(static_cast<std::size_t>(n));
    return n;
  }
};

// A disk whose fsyncs always succeed at once, for tests that start many sinks.
class NoSyncOps : public FileOps {
 public:
  int fsync(int) noexcept override { return 0; }
};

// Routes the default spdlog logger into a string for the test's lifetime.
class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    auto logger =
        std::make_shared<spdlog::logger>("capture", std::make_shared<spdlog::sinks::ostream_sink_st>(stream_));
    logger->set_pattern("%l %v");
    spdlog::set_default_logger(logger);
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  std::vector<std::string> warnings() const {
    std::vector<std::string> found;
    std::istringstream lines(stream_.str());
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("warning ", 0) == 0) found.push_back(line);
    }
    return found;
  }

 private:
  std::ostringstream stream_;
  std::shared_ptr<spdlog::logger> previous_;
};

// The text of concatenated gzip members; fails the test on anything else.
std::string gunzip(const std::string& bytes) {
  std::string text;
  z_stream stream{};
  EXPECT_EQ(inflateInit2(&stream, 15 + 16), Z_OK);
  std::string out(1 << 16, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  while (stream.avail_in > 0) {
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    const int rc = inflate(&stream, Z_NO_FLUSH);
    text.append(out.data(), out.size() - stream.avail_out);
    if (rc == Z_STREAM_END) {
      inflateReset(&stream);
    } else if (rc != Z_OK) {
      ADD_FAILURE() << "not whole gzip members: " << rc;
      break;
    }
  }
  inflateEnd(&stream);
  return text;
}

// A file as a real sink wrote it.
struct WrittenFile {
  std::string name;                     // its final name
  std::string bytes;                    // as on disk
  std::string text;                     // uncompressed
  std::vector<std::size_t> chunk_ends;  // offsets where its chunks (gzip members) end
};

class LeftoverRecoveryTest : public ::testing::Test {
 protected:
  RotationOptions options(OutputFormat format = OutputFormat::kCsv,
                          Compression compression = Compression::kNone) const {
    RotationOptions o;
    o.directory = out_.path();
    o.format = format;
    o.compression = compression;
    o.max_file_bytes = 0;
    o.max_file_age_ms = 0;
    o.chunk_bytes = 4096;
    return o;
  }

  RotatingFileSink::WallClock clock() {
    return [this] { return now_; };
  }

  // Records 0..count-1 written by a sink of these options in a folder of its own.
  WrittenFile write_file(RotationOptions o, std::uint64_t count, const OutputLayout& layout) {
    TempFolder source;
    o.directory = source.path();
    RecordingOps ops;
    {
      RotatingFileSink sink(o, layout, clock(), ops);
      for (std::uint64_t i = 0; i < count; ++i) sink.write(sample_feature(i));
    }
    WrittenFile file;
    for (const auto& entry : fs::directory_iterator(source.path())) file.name = entry.path().filename().string();
    file.bytes = read_text(source / file.name);
    file.text = o.compression == Compression::kGzip ? gunzip(file.bytes) : file.bytes;
    std::size_t end = 0;
    for (const std::size_t size : ops.writes) file.chunk_ends.push_back(end += size);
    EXPECT_EQ(end, file.bytes.size());
    return file;
  }
  WrittenFile write_file(RotationOptions o, std::uint64_t count) { return write_file(std::move(o), count, layout_); }

  // What a killed run leaves: the hidden file of that final name holding bytes.
  void leave(const std::string& final_name, const std::string& bytes) const {
    write_text(out_ / ("." + final_name + ".partial"), bytes);
  }

  // A sink that starts on the output folder and writes nothing.
  SinkStats start(const RotationOptions& o) {
    RotatingFileSink sink(o, layout_, clock());
    sink.close();
    return sink.stats();
  }

  // Names in a folder, hidden ones included, sorted; empty when it does not exist.
  static std::vector<std::string> entries(const fs::path& dir) {
    std::vector<std::string> names;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      names.push_back(it->path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  // Offsets in the uncompressed text where the header and each record end: entry k is the size
  // of a file holding records 0..k-1.
  std::vector<std::size_t> record_ends(OutputFormat format, std::uint64_t count) const {
    const auto formatter = make_record_formatter(format, layout_);
    std::string row(formatter->max_record_bytes(), '\0');
    std::vector<std::size_t> ends{formatter->file_header().size()};
    for (std::uint64_t i = 0; i < count; ++i) {
      const char* end = formatter->format(sample_feature(i), row.data());
      ends.push_back(ends.back() + static_cast<std::size_t>(end - row.data()));
    }
    return ends;
  }

  std::string csv_header() const {
    return std::string(make_record_formatter(OutputFormat::kCsv, layout_)->file_header());
  }

  static std::string earlier_name(const char* seq, const char* extension) {
    return std::string("flows-") + kEarlierStamp + "-" + seq + extension;
  }

  LogCapture quiet_;  // the warnings of tests that do not look at them
  TempFolder out_;
  OutputLayout layout_ = OutputLayout::full_default();
  std::uint64_t now_ = kStartMs;
};

TEST_F(LeftoverRecoveryTest, UncompressedFileCutMidRecordKeepsItsWholeRecords) {
  for (const OutputFormat format : {OutputFormat::kCsv, OutputFormat::kJsonLines}) {
    const std::string extension = "." + std::string(file_extension(format));
    SCOPED_TRACE(extension);
    LogCapture log;
    const WrittenFile whole = write_file(options(format), 20);
    const std::vector<std::size_t> ends = record_ends(format, 20);
    ASSERT_EQ(ends.back(), whole.bytes.size());
    // Three bytes short of its end, the last record is cut after its attack_cat "two\nlines": in
    // CSV a line break inside a quoted field, which ends no record.
    const std::size_t cut = ends[20] - 3;
    const std::string name = earlier_name("000003", extension.c_str());
    leave(name, whole.bytes.substr(0, cut));

    const SinkStats stats = start(options(format));

    ASSERT_EQ(entries(out_.path()), std::vector<std::string>{name});
    EXPECT_EQ(read_text(out_ / name), whole.bytes.substr(0, ends[19]));
    EXPECT_EQ(stats.files_recovered, 1u);
    EXPECT_EQ(stats.files_set_aside, 0u);
    EXPECT_EQ(stats.write_errors, 0u);
    const std::vector<std::string> warnings = log.warnings();
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find((out_ / ("." + name + ".partial")).string()), std::string::npos) << warnings[0];
    EXPECT_NE(warnings[0].find("19 records kept, " + std::to_string(cut - ends[19]) + " bytes cut"), std::string::npos)
        << warnings[0];
    fs::remove(out_ / name);
  }
}

TEST_F(LeftoverRecoveryTest, CsvRecordWithALineBreakInAFieldIsNoCutPoint) {
  const WrittenFile whole = write_file(options(), 5);
  const std::vector<std::size_t> ends = record_ends(OutputFormat::kCsv, 5);
  const std::string last_record = whole.bytes.substr(ends[4]);
  const std::size_t inner_break = last_record.find('\n');
  ASSERT_LT(inner_break + 1, last_record.size()) << "record 4 holds a line break inside a field";
  leave(whole.name, whole.bytes.substr(0, ends[4] + inner_break + 1));
  EXPECT_EQ(start(options()).files_recovered, 1u);
  EXPECT_EQ(read_text(out_ / whole.name), whole.bytes.substr(0, ends[4]));
}

TEST_F(LeftoverRecoveryTest, GzipFileCutMidMemberKeepsItsWholeMembers) {
  LogCapture log;
  const RotationOptions o = options(OutputFormat::kCsv, Compression::kGzip);
  const WrittenFile whole = write_file(o, 60);
  const std::size_t members = whole.chunk_ends.size();
  ASSERT_GE(members, 3u);
  const std::size_t kept = whole.chunk_ends[members - 2];
  const std::size_t cut = (kept + whole.chunk_ends[members - 1]) / 2;
  const std::string name = earlier_name("000001", ".csv.gz");
  leave(name, whole.bytes.substr(0, cut));

  const SinkStats stats = start(o);

  ASSERT_EQ(entries(out_.path()), std::vector<std::string>{name});
  const std::string recovered = read_text(out_ / name);
  EXPECT_EQ(recovered, whole.bytes.substr(0, kept));
  const std::string text = gunzip(recovered);
  const std::vector<std::size_t> ends = record_ends(OutputFormat::kCsv, 60);
  const auto records = std::find(ends.begin(), ends.end(), text.size()) - ends.begin();
  ASSERT_LT(records, 60) << "the text ends with a whole record, not the last";
  EXPECT_EQ(text, whole.text.substr(0, text.size()));
  EXPECT_EQ(stats.files_recovered, 1u);
  const std::vector<std::string> warnings = log.warnings();
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find(std::to_string(records) + " records kept, " + std::to_string(cut - kept) + " bytes cut"),
            std::string::npos)
      << warnings[0];
}

TEST_F(LeftoverRecoveryTest, GzipGarbageTailIsCut) {
  LogCapture log;
  const RotationOptions o = options(OutputFormat::kJsonLines, Compression::kGzip);
  const WrittenFile whole = write_file(o, 30);
  const std::string garbage = "no gzip member\n";
  const std::string name = earlier_name("000001", ".jsonl.gz");
  leave(name, whole.bytes + garbage);

  EXPECT_EQ(start(o).files_recovered, 1u);

  EXPECT_EQ(read_text(out_ / name), whole.bytes);
  const std::vector<std::string> warnings = log.warnings();
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("30 records kept, " + std::to_string(garbage.size()) + " bytes cut"), std::string::npos)
      << warnings[0];
}

TEST_F(LeftoverRecoveryTest, LeftoverWithNoCompleteRecordIsRemoved) {
  LogCapture log;
  const std::string header = csv_header();
  const std::vector<std::size_t> ends = record_ends(OutputFormat::kCsv, 1);
  const std::string one_record = write_file(options(), 1).bytes;
  leave(earlier_name("000001", ".csv"), "");
  leave(earlier_name("000002", ".csv"), header.substr(0, 10));
  leave(earlier_name("000003", ".csv"), header);
  leave(earlier_name("000004", ".csv"), one_record.substr(0, ends[0] + 40));
  const SinkStats csv = start(options());
  EXPECT_TRUE(entries(out_.path()).empty());
  EXPECT_EQ(csv.files_recovered, 0u);
  EXPECT_EQ(csv.files_set_aside, 0u);
  EXPECT_EQ(log.warnings().size(), 4u);

  const std::string json_line = write_file(options(OutputFormat::kJsonLines), 1).bytes;
  leave(earlier_name("000001", ".jsonl"), json_line.substr(0, json_line.size() - 1));
  const RotationOptions gzip = options(OutputFormat::kCsv, Compression::kGzip);
  const WrittenFile gzipped = write_file(gzip, 1);
  leave(earlier_name("000001", ".csv.gz"), gzipped.bytes.substr(0, gzipped.bytes.size() - 1));
  EXPECT_EQ(start(options(OutputFormat::kJsonLines)).files_recovered, 0u);
  EXPECT_EQ(start(gzip).files_recovered, 0u);
  EXPECT_TRUE(entries(out_.path()).empty());
  EXPECT_EQ(log.warnings().size(), 6u);
}

TEST_F(LeftoverRecoveryTest, HeaderOfAnotherLayoutIsSetAside) {
  OutputLayout other = layout_;
  other.fans = false;
  for (const Compression compression : {Compression::kNone, Compression::kGzip}) {
    SCOPED_TRACE(compression == Compression::kGzip ? "gzip" : "plain");
    LogCapture log;
    const RotationOptions o = options(OutputFormat::kCsv, compression);
    const WrittenFile foreign = write_file(o, 5, other);
    const std::string partial = "." + foreign.name + ".partial";
    leave(foreign.name, foreign.bytes);

    const SinkStats stats = start(o);

    EXPECT_EQ(entries(out_.path()), std::vector<std::string>{"recovered"});
    ASSERT_EQ(entries(out_ / "recovered"), std::vector<std::string>{partial});
    EXPECT_EQ(read_text(out_ / "recovered" / partial), foreign.bytes) << "set aside unchanged";
    EXPECT_EQ(stats.files_set_aside, 1u);
    EXPECT_EQ(stats.files_recovered, 0u);
    const std::vector<std::string> warnings = log.warnings();
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find((out_ / "recovered" / partial).string()), std::string::npos) << warnings[0];
    fs::remove_all(out_ / "recovered");
  }
}

TEST_F(LeftoverRecoveryTest, TakenFinalNameIsSetAside) {
  const WrittenFile whole = write_file(options(), 3);
  write_text(out_ / whole.name, "someone else's");
  const std::string leftover = whole.bytes.substr(0, whole.bytes.size() - 5);
  leave(whole.name, leftover);

  const SinkStats stats = start(options());

  EXPECT_EQ(read_text(out_ / whole.name), "someone else's");
  EXPECT_EQ(read_text(out_ / "recovered" / ("." + whole.name + ".partial")), leftover);
  EXPECT_EQ(stats.files_set_aside, 1u);
  EXPECT_EQ(stats.files_recovered, 0u);
}

TEST_F(LeftoverRecoveryTest, GzipCorruptBeforeItsFirstMemberEndsIsSetAside) {
  const RotationOptions o = options(OutputFormat::kCsv, Compression::kGzip);
  const WrittenFile whole = write_file(o, 60);
  std::string flipped = whole.bytes;
  flipped[whole.chunk_ends[0] / 2] = static_cast<char>(flipped[whole.chunk_ends[0] / 2] ^ 0x55);
  leave(earlier_name("000001", ".csv.gz"), flipped);
  leave(earlier_name("000002", ".csv.gz"), "not gzip at all\n");

  const SinkStats stats = start(o);

  EXPECT_EQ(entries(out_.path()), std::vector<std::string>{"recovered"});
  EXPECT_EQ(read_text(out_ / "recovered" / ("." + earlier_name("000001", ".csv.gz") + ".partial")), flipped);
  EXPECT_EQ(stats.files_set_aside, 2u);
  EXPECT_EQ(stats.files_recovered, 0u);
}

TEST_F(LeftoverRecoveryTest, UnreadableLeftoverIsSetAside) {
  const std::string partial = "." + earlier_name("000001", ".csv") + ".partial";
  fs::create_directory(out_ / partial);
  EXPECT_EQ(start(options()).files_set_aside, 1u);
  EXPECT_EQ(entries(out_.path()), std::vector<std::string>{"recovered"});
  EXPECT_TRUE(fs::is_directory(out_ / "recovered" / partial));
}

TEST_F(LeftoverRecoveryTest, SettingAsideNeverReplacesAnEarlierFileSetAside) {
  const std::string partial = "." + earlier_name("000001", ".csv") + ".partial";
  fs::create_directory(out_ / "recovered");
  write_text(out_ / "recovered" / partial, "set aside before");
  write_text(out_ / partial, "not this layout's header\n");

  EXPECT_EQ(start(options()).files_set_aside, 1u);

  EXPECT_EQ(read_text(out_ / "recovered" / partial), "set aside before");
  EXPECT_EQ(read_text(out_ / "recovered" / (partial + ".1")), "not this layout's header\n");
}

TEST_F(LeftoverRecoveryTest, LeftoversOfOtherFilesAreUntouched) {
  const std::string header = csv_header();
  const std::vector<std::string> others = {
      "." + std::string("other-") + kEarlierStamp + "-000001.csv.partial",  // another base name
      "." + earlier_name("000001", ".jsonl") + ".partial",                  // another format
      "." + earlier_name("000001", ".csv.gz") + ".partial",                 // compressed
      ".flows-notes.csv.partial",                                           // no sink's name
      earlier_name("000001", ".csv") + ".partial",                          // not hidden
  };
  for (const std::string& name : others) write_text(out_ / name, header);

  const SinkStats stats = start(options());

  std::vector<std::string> expected = others;
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(entries(out_.path()), expected);
  for (const std::string& name : others) EXPECT_EQ(read_text(out_ / name), header) << name;
  EXPECT_EQ(stats.files_recovered, 0u);
  EXPECT_EQ(stats.files_set_aside, 0u);
}

TEST_F(LeftoverRecoveryTest, NewFilesAreNumberedAfterRecoveredOnes) {
  // Same stamp as the new files: only the sequence number orders them.
  const WrittenFile whole = write_file(options(), 3);
  const std::string recovered = std::string("flows-") + kStamp + "-000041.csv";
  leave(recovered, whole.bytes);
  {
    RotatingFileSink sink(options(), layout_, clock());
    sink.write(sample_feature(7));
    sink.close();
    EXPECT_EQ(sink.finished_files(), std::vector<fs::path>{out_ / (std::string("flows-") + kStamp + "-000042.csv")});
  }
  EXPECT_EQ(read_text(out_ / recovered), whole.bytes);

  // A file set aside keeps its name free too, so it can be put back.
  write_text(out_ / ("." + std::string("flows-") + kStamp + "-000050.csv.partial"), "foreign\n");
  RotatingFileSink sink(options(), layout_, clock());
  EXPECT_EQ(sink.stats().files_set_aside, 1u);
  sink.write(sample_feature(8));
  sink.close();
  EXPECT_EQ(sink.finished_files(), std::vector<fs::path>{out_ / (std::string("flows-") + kStamp + "-000051.csv")});
}

TEST_F(LeftoverRecoveryTest, StatsCountEveryLeftover) {
  LogCapture log;
  const WrittenFile whole = write_file(options(), 4);
  OutputLayout other = layout_;
  other.derived = false;
  const WrittenFile foreign = write_file(options(), 2, other);
  leave(earlier_name("000001", ".csv"), whole.bytes);
  leave(earlier_name("000002", ".csv"), whole.bytes.substr(0, whole.bytes.size() - 1));
  leave(earlier_name("000003", ".csv"), foreign.bytes);
  leave(earlier_name("000004", ".csv"), csv_header());

  RotatingFileSink sink(options(), layout_, clock());
  const SinkStats stats = sink.stats();
  EXPECT_EQ(stats.files_recovered, 2u);
  EXPECT_EQ(stats.files_set_aside, 1u);
  EXPECT_EQ(stats.files_finished, 0u) << "files of an earlier run are not this sink's";
  EXPECT_EQ(stats.write_errors, 0u);
  EXPECT_EQ(stats.records_written, 0u);
  EXPECT_EQ(log.warnings().size(), 4u) << "one line per leftover";
  EXPECT_EQ(entries(out_.path()),
            (std::vector<std::string>{earlier_name("000001", ".csv"), earlier_name("000002", ".csv"), "recovered"}));
}

TEST_F(LeftoverRecoveryTest, RetentionCountsRecoveredFiles) {
  const WrittenFile whole = write_file(options(), 2);
  leave(earlier_name("000001", ".csv"), whole.bytes);
  RotationOptions o = options();
  o.keep_files = 2;
  RotatingFileSink sink(o, layout_, clock());
  for (std::uint64_t i = 0; i < 2; ++i) {
    sink.write(sample_feature(i));
    sink.rotate();
  }
  sink.close();
  EXPECT_EQ(sink.stats().files_recovered, 1u);
  EXPECT_EQ(sink.stats().files_deleted, 1u);
  EXPECT_FALSE(fs::exists(out_ / earlier_name("000001", ".csv"))) << "the oldest file goes first";
  EXPECT_EQ(sink.finished_files().size(), 2u);
}

TEST_F(LeftoverRecoveryTest, FileOfALiveWriterIsNoLeftover) {
  RotatingFileSink writer(options(), layout_, clock());
  writer.write(sample_feature(1));  // the open file holds no whole chunk yet
  const std::vector<std::string> open_file = entries(out_.path());
  ASSERT_EQ(open_file.size(), 1u);

  const SinkStats starter = start(options());

  EXPECT_EQ(entries(out_.path()), open_file);
  EXPECT_EQ(starter.files_recovered + starter.files_set_aside, 0u);
  writer.close();
  ASSERT_EQ(writer.finished_files().size(), 1u);
  EXPECT_EQ(testing::parse_csv_text(read_text(writer.finished_files()[0])).size(), 2u) << "the header and the record";
}

// Where to cut a file whose last chunk starts at last_chunk. In the last chunk of a gzip file: every
// byte of its first and last 64 (member header, deflate block starts, trailer) and every 3rd in
// between. In an uncompressed file, where only line breaks matter: each line break and the byte
// after it, and every 5th byte of the last chunk. Before the last chunk, every 101st byte.
std::vector<std::size_t> cuts(const std::string& bytes, std::size_t last_chunk, bool gzip) {
  std::vector<std::size_t> offsets;
  for (std::size_t cut = 0; cut <= bytes.size(); ++cut) {
    bool take = cut % 101 == 0 || cut == bytes.size();
    if (gzip) {
      take = take || (cut >= last_chunk && (cut < last_chunk + 64 || cut + 64 > bytes.size() || cut % 3 == 0));
    } else {
      take = take || (cut < bytes.size() && bytes[cut] == '\n') || (cut > 0 && bytes[cut - 1] == '\n') ||
             (cut >= last_chunk && cut % 5 == 0);
    }
    if (take) offsets.push_back(cut);
  }
  return offsets;
}

// A kill can leave any prefix of a file: each recovers to the records of the chunks (gzip) or
// lines (uncompressed) it holds whole.
TEST_F(LeftoverRecoveryTest, EveryCutOfARealFileRecoversToAPrefixOfItsRecords) {
  LogCapture log;  // one line per cut
  NoSyncOps no_sync;
  for (const OutputFormat format : {OutputFormat::kCsv, OutputFormat::kJsonLines}) {
    for (const Compression compression : {Compression::kNone, Compression::kGzip}) {
      RotationOptions o = options(format, compression);
      o.chunk_bytes = 2048;
      const WrittenFile whole = write_file(o, 12);
      SCOPED_TRACE(whole.name);
      const std::vector<std::size_t> ends = record_ends(format, 12);
      ASSERT_EQ(ends.back(), whole.text.size());
      const std::size_t chunks = whole.chunk_ends.size();
      ASSERT_GE(chunks, 3u);
      const bool gzip = compression == Compression::kGzip;
      const std::size_t last_chunk = whole.chunk_ends[chunks - 2];
      std::vector<std::size_t> text_at_chunk_end;
      for (const std::size_t end : whole.chunk_ends) {
        text_at_chunk_end.push_back(gzip ? gunzip(whole.bytes.substr(0, end)).size() : end);
      }
      for (const std::size_t cut : cuts(whole.bytes, last_chunk, gzip)) {
        leave(whole.name, whole.bytes.substr(0, cut));
        SinkStats stats;
        {
          RotatingFileSink sink(o, layout_, clock(), no_sync);
          stats = sink.stats();
        }
        // What the cut holds whole: chunks when gzip, records otherwise.
        std::size_t text_kept = 0;
        if (gzip) {
          for (std::size_t c = 0; c < chunks; ++c) {
            if (whole.chunk_ends[c] <= cut) text_kept = text_at_chunk_end[c];
          }
        } else {
          for (const std::size_t end : ends) {
            if (end <= cut) text_kept = end;
          }
        }
        const auto records = text_kept == 0 ? 0 : std::find(ends.begin(), ends.end(), text_kept) - ends.begin();
        ASSERT_LT(records, static_cast<std::ptrdiff_t>(ends.size())) << "cut at " << cut;
        if (records == 0) {
          EXPECT_TRUE(entries(out_.path()).empty()) << "cut at " << cut;
          EXPECT_EQ(stats.files_recovered + stats.files_set_aside, 0u) << "cut at " << cut;
        } else {
          ASSERT_EQ(entries(out_.path()), std::vector<std::string>{whole.name}) << "cut at " << cut;
          const std::string bytes = read_text(out_ / whole.name);
          EXPECT_EQ(gzip ? gunzip(bytes) : bytes, whole.text.substr(0, text_kept)) << "cut at " << cut;
          EXPECT_EQ(bytes, whole.bytes.substr(0, bytes.size())) << "cut at " << cut;
          EXPECT_EQ(stats.files_recovered, 1u) << "cut at " << cut;
        }
        if (HasFailure()) return;
        fs::remove(out_ / whole.name);
      }
    }
  }
}

}  // namespace
}  // namespace flowfeat
