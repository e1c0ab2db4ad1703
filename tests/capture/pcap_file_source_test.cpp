#include "flowfeat/capture/pcap_file_source.hpp"
#include "test_data.hpp"

#include <gtest/gtest.h>
#include <pcap/pcap.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace flowfeat {
namespace {

namespace fs = std::filesystem;

// A scratch directory removed with everything in it when the test ends.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "flowfeat-capture-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed for " + pattern);
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  fs::path operator/(const fs::path& name) const { return path_ / name; }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Routes spdlog's default logger into a string for the life of the object.
class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(stream_);
    sink->set_pattern("%l %v");
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture_test", std::move(sink)));
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  std::string text() const { return stream_.str(); }

 private:
  std::ostringstream stream_;
  std::shared_ptr<spdlog::logger> previous_;
};

struct Frame {
  std::int64_t sec = 0;
  std::uint32_t frac = 0;  // µs or ns, as the file's precision says
  std::vector<std::uint8_t> bytes;
  std::uint32_t wire_length = 0;  // 0: same as bytes.size()
};

// A frame whose every byte is id, so the order of a stream can be read back from the data.
Frame frame(std::uint8_t id, std::int64_t sec = 1'700'000'000, std::uint32_t frac = 0,
            std::size_t size = 60) {
  return Frame{sec, frac, std::vector<std::uint8_t>(size, id), 0};
}

void write_pcap(const fs::path& path, const std::vector<Frame>& frames,
                u_int precision = PCAP_TSTAMP_PRECISION_MICRO, int link_type = DLT_EN10MB) {
  pcap_t* dead = pcap_open_dead_with_tstamp_precision(link_type, 65535, precision);
  if (dead == nullptr) {
    throw std::runtime_error("pcap_open_dead failed");
  }
  pcap_dumper_t* dumper = pcap_dump_open(dead, path.c_str());
  if (dumper == nullptr) {
    const std::string error = pcap_geterr(dead);
    pcap_close(dead);
    throw std::runtime_error("pcap_dump_open " + path.string() + ": " + error);
  }
  for (const Frame& f : frames) {
    pcap_pkthdr header{};
    header.ts.tv_sec = static_cast<time_t>(f.sec);
    header.ts.tv_usec = static_cast<suseconds_t>(f.frac);
    header.caplen = static_cast<bpf_u_int32>(f.bytes.size());
    header.len = f.wire_length != 0 ? f.wire_length : header.caplen;
    pcap_dump(reinterpret_cast<u_char*>(dumper), &header, f.bytes.data());
  }
  pcap_dump_close(dumper);
  pcap_close(dead);
}

// libpcap 1.10 cannot write pcapng, so this builds a minimal one (SHB, IDB with if_tsresol = 9,
// one EPB per frame) in host byte order, which the byte-order magic declares to the reader.
void write_pcapng_ns(const fs::path& path, const std::vector<Frame>& frames, std::uint16_t link_type) {
  std::vector<std::uint8_t> out;
  auto u16 = [&out](std::uint16_t v) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(&v);
    out.insert(out.end(), p, p + sizeof v);
  };
  auto u32 = [&out](std::uint32_t v) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(&v);
    out.insert(out.end(), p, p + sizeof v);
  };
  u32(0x0A0D0D0A);  // section header block
  u32(28);
  u32(0x1A2B3C4D);
  u16(1);
  u16(0);
  u32(0xFFFFFFFF);  // section length unknown
  u32(0xFFFFFFFF);
  u32(28);

  u32(1);  // interface description block
  u32(32);
  u16(link_type);
  u16(0);
  u32(65535);
  u16(9);  // if_tsresol: 10^-9
  u16(1);
  out.insert(out.end(), {9, 0, 0, 0});  // one value byte, padded to 4
  u16(0);  // opt_endofopt
  u16(0);
  u32(32);

  for (const Frame& f : frames) {
    const auto caplen = static_cast<std::uint32_t>(f.bytes.size());
    const std::uint32_t padded = (caplen + 3u) & ~3u;
    const std::uint32_t total = 32 + padded;
    const std::uint64_t ts = static_cast<std::uint64_t>(f.sec) * 1'000'000'000u + f.frac;
    u32(6);  // enhanced packet block
    u32(total);
    u32(0);
    u32(static_cast<std::uint32_t>(ts >> 32));
    u32(static_cast<std::uint32_t>(ts));
    u32(caplen);
    u32(f.wire_length != 0 ? f.wire_length : caplen);
    out.insert(out.end(), f.bytes.begin(), f.bytes.end());
    out.insert(out.end(), padded - caplen, 0);
    u32(total);
  }
  std::ofstream file(path, std::ios::binary);
  file.write(reinterpret_cast<const char*>(out.data()), static_cast<std::streamsize>(out.size()));
  if (!file) {
    throw std::runtime_error("cannot write " + path.string());
  }
}

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary);
  file << text;
  if (!file) {
    throw std::runtime_error("cannot write " + path.string());
  }
}

struct Read {
  std::int64_t ts_sec;
  std::int64_t ts_usec;
  std::uint32_t captured_length;
  std::uint32_t wire_length;
  int link_type;
  std::vector<std::uint8_t> bytes;
};

std::vector<Read> read_all(PcapFileSource& source) {
  std::vector<Read> reads;
  RawPacket packet;
  while (source.next(packet)) {
    reads.push_back(Read{packet.ts_sec, packet.ts_usec, packet.captured_length, packet.wire_length,
                         packet.link_type,
                         std::vector<std::uint8_t>(packet.data, packet.data + packet.captured_length)});
  }
  return reads;
}

// The id byte of every frame read, in order.
std::vector<std::uint8_t> ids(const std::vector<Read>& reads) {
  std::vector<std::uint8_t> out;
  for (const Read& r : reads) {
    out.push_back(r.bytes.empty() ? 0 : r.bytes.front());
  }
  return out;
}

std::uint64_t size_of(const fs::path& path) { return static_cast<std::uint64_t>(fs::file_size(path)); }

TEST(PcapFileSource, MicrosecondFileYieldsNanosecondTimestamps) {
  TempDir dir;
  const fs::path file = dir / "us.pcap";
  Frame big = frame(2, 1'700'000'001, 999'999, 100);
  big.wire_length = 1500;
  write_pcap(file, {frame(1, 1'700'000'000, 123), big});

  PcapFileSource source({file});
  const auto reads = read_all(source);

  ASSERT_EQ(reads.size(), 2u);
  EXPECT_EQ(reads[0].ts_sec, 1'700'000'000);
  EXPECT_EQ(reads[0].ts_usec, 123);
  EXPECT_EQ(reads[0].link_type, DLT_EN10MB);
  EXPECT_EQ(reads[0].bytes, std::vector<std::uint8_t>(60, 1));
  EXPECT_EQ(reads[1].ts_sec, 1'700'000'001);
  EXPECT_EQ(reads[1].ts_usec, 999'999);
  EXPECT_EQ(reads[1].captured_length, 100u);
  EXPECT_EQ(reads[1].wire_length, 1500u);

  const SourceStats& stats = source.stats();
  EXPECT_EQ(stats.packets, 2u);
  EXPECT_EQ(stats.bytes, 60u + 1500u);
  EXPECT_EQ(stats.files_opened, 1u);
  EXPECT_EQ(stats.input_bytes_total, size_of(file));
  EXPECT_EQ(stats.input_bytes_read, stats.input_bytes_total);
  EXPECT_FALSE(source.had_unreadable_input());
}

// Packet times are read to the microsecond, as the reference reads them.
TEST(PcapFileSource, NanosecondFileIsReadToTheMicrosecond) {
  TempDir dir;
  const fs::path file = dir / "ns.pcap";
  write_pcap(file, {frame(1, 1'700'000'000, 123'456'789)}, PCAP_TSTAMP_PRECISION_NANO);

  PcapFileSource source({file});
  const auto reads = read_all(source);

  ASSERT_EQ(reads.size(), 1u);
  EXPECT_EQ(reads[0].ts_sec, 1'700'000'000);
  EXPECT_EQ(reads[0].ts_usec, 123'456);
}

TEST(PcapFileSource, PcapngFileIsReadWithItsLinkType) {
  TempDir dir;
  const fs::path file = dir / "ns.pcapng";
  write_pcapng_ns(file, {frame(7, 1'700'000'000, 5'000), frame(8, 1'700'000'002, 999'999'999, 61)},
                  DLT_LINUX_SLL);

  PcapFileSource source({file});
  const auto reads = read_all(source);

  ASSERT_EQ(reads.size(), 2u);
  EXPECT_EQ(reads[0].ts_sec, 1'700'000'000);
  EXPECT_EQ(reads[0].ts_usec, 5);
  EXPECT_EQ(reads[0].link_type, DLT_LINUX_SLL);
  EXPECT_EQ(reads[1].ts_sec, 1'700'000'002);
  EXPECT_EQ(reads[1].ts_usec, 999'999);
  EXPECT_EQ(reads[1].bytes, std::vector<std::uint8_t>(61, 8));
  EXPECT_FALSE(source.had_unreadable_input());
}

TEST(PcapFileSource, FilesFormOneStreamInTheGivenOrder) {
  TempDir dir;
  // Named against the order they are given in, so a sort by name would show.
  const fs::path first = dir / "b.pcap";
  const fs::path second = dir / "a.pcap";
  write_pcap(first, {frame(1), frame(2)}, PCAP_TSTAMP_PRECISION_MICRO, DLT_EN10MB);
  write_pcap(second, {frame(3, 1'700'000'005, 7'000)}, PCAP_TSTAMP_PRECISION_NANO, DLT_RAW);

  PcapFileSource source({first, second});
  EXPECT_EQ(source.files(), (std::vector<fs::path>{first, second}));
  const auto reads = read_all(source);

  EXPECT_EQ(ids(reads), (std::vector<std::uint8_t>{1, 2, 3}));
  ASSERT_EQ(reads.size(), 3u);
  EXPECT_EQ(reads[1].link_type, DLT_EN10MB);
  EXPECT_EQ(reads[2].link_type, DLT_RAW);
  EXPECT_EQ(reads[2].ts_usec, 7);
  EXPECT_EQ(source.stats().files_opened, 2u);
  EXPECT_EQ(source.stats().input_bytes_total, size_of(first) + size_of(second));
  EXPECT_EQ(source.stats().input_bytes_read, source.stats().input_bytes_total);
}

TEST(PcapFileSource, FilesAreOpenedOneAtATime) {
  TempDir dir;
  write_pcap(dir / "1.pcap", {frame(1)});
  write_pcap(dir / "2.pcap", {frame(2)});

  PcapFileSource source({dir / "1.pcap", dir / "2.pcap"});
  EXPECT_EQ(source.stats().files_opened, 0u);
  RawPacket packet;
  ASSERT_TRUE(source.next(packet));
  EXPECT_EQ(source.stats().files_opened, 1u);
  ASSERT_TRUE(source.next(packet));
  EXPECT_EQ(source.stats().files_opened, 2u);
  EXPECT_FALSE(source.next(packet));
  EXPECT_FALSE(source.next(packet));  // stays at the end
}

// The end of each file that gave packets is told once when another follows, so the pipeline cuts
// its batch there as separate runs of the files would; not after an empty or unreadable file, not
// after the last.
TEST(PcapFileSource, TellsTheEndOfEachFileBeforeTheNext) {
  TempDir dir;
  write_pcap(dir / "1.pcap", {frame(1), frame(2)});
  write_pcap(dir / "2.pcap", {});
  write_text(dir / "3.pcap", "not a capture");
  write_pcap(dir / "4.pcap", {frame(3)});
  write_pcap(dir / "5.pcap", {frame(4)});

  PcapFileSource source({dir / "1.pcap", dir / "2.pcap", dir / "3.pcap", dir / "4.pcap", dir / "5.pcap"});
  RawPacket packet;
  std::vector<std::string> results;
  for (ReadResult result = ReadResult::kPacket; result != ReadResult::kEnd;) {
    result = source.read(packet);
    results.push_back(result == ReadResult::kPacket ? std::to_string(packet.data[0])
                      : result == ReadResult::kFileEnded ? "|"
                      : result == ReadResult::kEnd ? "end" : "quiet");
  }
  EXPECT_EQ(results, (std::vector<std::string>{"1", "2", "|", "3", "|", "4", "end"}));
}

TEST(PcapFileSource, DirectoryExpandsRecursivelySortedByPath) {
  TempDir dir;
  const fs::path captures = dir / "captures";
  fs::create_directories(captures / "b");
  fs::create_directories(captures / "a" / "deep");
  write_pcap(captures / "c.pcap", {frame(5)});
  write_pcap(captures / "b" / "x.pcap", {frame(4)});
  write_pcap(captures / "a" / "z.pcap", {frame(3)});
  write_pcap(captures / "a" / "deep" / "y.pcap", {frame(2)});
  write_pcap(captures / "a.pcap", {frame(1)});
  write_pcap(dir / "extra.pcap", {frame(6)});

  PcapFileSource source({captures, dir / "extra.pcap"});
  const std::vector<fs::path> expected{
      captures / "a" / "deep" / "y.pcap", captures / "a" / "z.pcap", captures / "a.pcap",
      captures / "b" / "x.pcap",          captures / "c.pcap",        dir / "extra.pcap"};
  EXPECT_EQ(source.files(), expected);
  EXPECT_EQ(ids(read_all(source)), (std::vector<std::uint8_t>{2, 3, 1, 4, 5, 6}));
  EXPECT_FALSE(source.had_unreadable_input());
}

TEST(PcapFileSource, SymlinkedDirectoryIsNotEnteredButSymlinkedFileIsRead) {
  TempDir dir;
  const fs::path captures = dir / "captures";
  fs::create_directories(captures);
  write_pcap(dir / "outside.pcap", {frame(9)});
  fs::create_symlink(dir / "outside.pcap", captures / "link.pcap");
  fs::create_directory_symlink(captures, captures / "loop");

  PcapFileSource source({captures});
  EXPECT_EQ(source.files(), (std::vector<fs::path>{captures / "link.pcap"}));
  EXPECT_EQ(ids(read_all(source)), (std::vector<std::uint8_t>{9}));
}

TEST(PcapFileSource, EmptyDirectoryYieldsNothingAndWarns) {
  TempDir dir;
  fs::create_directories(dir / "empty");
  LogCapture log;

  PcapFileSource source({dir / "empty"});
  RawPacket packet;
  EXPECT_FALSE(source.next(packet));
  EXPECT_NE(log.text().find("warning"), std::string::npos) << log.text();
  EXPECT_NE(log.text().find((dir / "empty").string()), std::string::npos) << log.text();
  EXPECT_FALSE(source.had_unreadable_input());
}

TEST(PcapFileSource, NoInputEndsAtOnce) {
  PcapFileSource source({});
  RawPacket packet;
  EXPECT_FALSE(source.next(packet));
  EXPECT_EQ(source.stats().packets, 0u);
  EXPECT_FALSE(source.had_unreadable_input());
}

// Cut points inside the last record: in its data, and inside its 16-byte record header.
class TruncatedPcap : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(TruncatedPcap, KeepsCompletePacketsWarnsAndGoesOn) {
  TempDir dir;
  const fs::path cut = dir / "cut.pcap";
  const fs::path after = dir / "after.pcap";
  write_pcap(cut, {frame(1), frame(2), frame(3), frame(4), frame(5)});
  write_pcap(after, {frame(6)});
  const std::uint64_t full = size_of(cut);
  fs::resize_file(cut, full - GetParam());
  LogCapture log;

  PcapFileSource source({cut, after});
  const auto reads = read_all(source);

  EXPECT_EQ(ids(reads), (std::vector<std::uint8_t>{1, 2, 3, 4, 6}));
  EXPECT_EQ(source.stats().files_truncated, 1u);
  EXPECT_EQ(source.stats().files_failed, 0u);
  EXPECT_EQ(source.stats().files_opened, 2u);
  EXPECT_TRUE(source.had_unreadable_input());
  EXPECT_EQ(source.stats().input_bytes_read, source.stats().input_bytes_total);
  const std::string text = log.text();
  EXPECT_NE(text.find("warning " + cut.string()), std::string::npos) << text;
  EXPECT_NE(text.find("4 complete packets"), std::string::npos) << text;
}

// Each frame is 16 header + 60 data bytes: cut 30 bytes into the data, or 4 bytes into the header.
INSTANTIATE_TEST_SUITE_P(CutPoints, TruncatedPcap, ::testing::Values(30u, 72u));

TEST(PcapFileSource, TruncatedPcapngKeepsCompletePackets) {
  TempDir dir;
  const fs::path cut = dir / "cut.pcapng";
  write_pcapng_ns(cut, {frame(1), frame(2), frame(3)}, DLT_EN10MB);
  fs::resize_file(cut, size_of(cut) - 10);
  LogCapture log;

  PcapFileSource source({cut});
  EXPECT_EQ(ids(read_all(source)), (std::vector<std::uint8_t>{1, 2}));
  EXPECT_EQ(source.stats().files_truncated, 1u);
  EXPECT_TRUE(source.had_unreadable_input());
  EXPECT_NE(log.text().find("2 complete packets"), std::string::npos) << log.text();
}

TEST(PcapFileSource, MalformedRecordIsCountedAsCorrupt) {
  TempDir dir;
  const fs::path bad = dir / "bad.pcap";
  write_pcap(bad, {frame(1), frame(2), frame(3)});
  {
    // The second record's caplen (file header 24 + record 76 + 8) set far past any snaplen.
    std::fstream file(bad, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(24 + 76 + 8);
    const std::uint32_t huge = 0x7FFFFFFF;
    file.write(reinterpret_cast<const char*>(&huge), sizeof huge);
  }
  write_pcap(dir / "good.pcap", {frame(4)});
  LogCapture log;

  PcapFileSource source({bad, dir / "good.pcap"});
  EXPECT_EQ(ids(read_all(source)), (std::vector<std::uint8_t>{1, 4}));
  EXPECT_EQ(source.stats().files_corrupt, 1u);
  EXPECT_EQ(source.stats().files_truncated, 0u);
  EXPECT_TRUE(source.had_unreadable_input());
  EXPECT_NE(log.text().find("error " + bad.string()), std::string::npos) << log.text();
}

TEST(PcapFileSource, TextFileNamedPcapIsReportedAndSkipped) {
  TempDir dir;
  write_pcap(dir / "1.pcap", {frame(1)});
  write_text(dir / "2.pcap", "this is not a capture, just some notes\n");
  write_pcap(dir / "3.pcap", {frame(3)});
  LogCapture log;

  PcapFileSource source({dir.path()});
  EXPECT_EQ(ids(read_all(source)), (std::vector<std::uint8_t>{1, 3}));
  EXPECT_EQ(source.stats().files_failed, 1u);
  EXPECT_EQ(source.stats().files_opened, 2u);
  EXPECT_TRUE(source.had_unreadable_input());
  EXPECT_EQ(source.stats().input_bytes_read, source.stats().input_bytes_total);
  const std::string text = log.text();
  EXPECT_NE(text.find("error skipping " + (dir / "2.pcap").string()), std::string::npos) << text;
}

TEST(PcapFileSource, EmptyFileIsReportedAndSkipped) {
  TempDir dir;
  write_text(dir / "empty.pcap", "");
  write_pcap(dir / "ok.pcap", {frame(1)});
  LogCapture log;

  PcapFileSource source({dir / "empty.pcap", dir / "ok.pcap"});
  EXPECT_EQ(ids(read_all(source)), (std::vector<std::uint8_t>{1}));
  EXPECT_EQ(source.stats().files_failed, 1u);
  EXPECT_NE(log.text().find((dir / "empty.pcap").string()), std::string::npos) << log.text();
}

TEST(PcapFileSource, MissingPathIsReportedAndSkipped) {
  TempDir dir;
  write_pcap(dir / "ok.pcap", {frame(1)});
  const fs::path missing = dir / "no-such-file.pcap";
  LogCapture log;

  PcapFileSource source({missing, dir / "ok.pcap"});
  EXPECT_EQ(ids(read_all(source)), (std::vector<std::uint8_t>{1}));
  EXPECT_EQ(source.stats().files_failed, 1u);
  EXPECT_EQ(source.stats().files_opened, 1u);
  EXPECT_TRUE(source.had_unreadable_input());
  EXPECT_EQ(source.stats().input_bytes_total, size_of(dir / "ok.pcap"));
  EXPECT_NE(log.text().find("error skipping " + missing.string()), std::string::npos) << log.text();
}

TEST(PcapFileSource, UnlistableDirectoryIsReported) {
  if (::geteuid() == 0) {
    GTEST_SKIP() << "root can list a directory without read permission";
  }
  TempDir dir;
  const fs::path locked = dir / "locked";
  fs::create_directories(locked);
  write_pcap(locked / "hidden.pcap", {frame(1)});
  write_pcap(dir / "ok.pcap", {frame(2)});
  fs::permissions(locked, fs::perms::none);
  LogCapture log;

  PcapFileSource source({dir.path()});
  EXPECT_EQ(ids(read_all(source)), (std::vector<std::uint8_t>{2}));
  EXPECT_EQ(source.stats().files_failed, 1u);
  EXPECT_NE(log.text().find(locked.string()), std::string::npos) << log.text();
  fs::permissions(locked, fs::perms::owner_all);
}

// Damaged files may store any fraction; it is kept as stored and time_ms() treats it as the
// reference does.
TEST(PcapFileSource, OutOfRangeFractionIsKeptAsStored) {
  TempDir dir;
  const fs::path file = dir / "odd.pcap";
  write_pcap(file, {frame(1, 1'700'000'000, 2'500'000)});  // 2.5 s written as microseconds

  PcapFileSource source({file});
  const auto reads = read_all(source);

  ASSERT_EQ(reads.size(), 1u);
  EXPECT_EQ(reads[0].ts_sec, 1'700'000'000);
  EXPECT_EQ(reads[0].ts_usec, 2'500'000);
}

TEST(PcapFileSource, ProgressAdvancesWithinAFile) {
  TempDir dir;
  const fs::path file = dir / "many.pcap";
  std::vector<Frame> frames(5000, frame(1));
  write_pcap(file, frames);

  PcapFileSource source({file});
  const std::uint64_t total = source.stats().input_bytes_total;
  ASSERT_EQ(total, size_of(file));
  RawPacket packet;
  std::uint64_t packets = 0;
  std::uint64_t mid_file_reading = 0;
  while (source.next(packet)) {
    if (++packets == 2500) {
      mid_file_reading = source.stats().input_bytes_read;
    }
  }
  EXPECT_EQ(packets, 5000u);
  EXPECT_GT(mid_file_reading, 0u);
  EXPECT_LT(mid_file_reading, total);
  EXPECT_EQ(source.stats().input_bytes_read, total);
}

TEST(PcapFileSource, MovedSourceContinuesWhereItWas) {
  TempDir dir;
  write_pcap(dir / "a.pcap", {frame(1), frame(2)});

  PcapFileSource original({dir / "a.pcap"});
  RawPacket packet;
  ASSERT_TRUE(original.next(packet));
  PcapFileSource moved(std::move(original));
  ASSERT_TRUE(moved.next(packet));
  EXPECT_EQ(packet.data[0], 2);
  EXPECT_FALSE(moved.next(packet));
  EXPECT_EQ(moved.stats().packets, 2u);
}

// Opens every file under FLOWFEAT_PCAP_DIR (real captures, some deliberately malformed) and reads it
// to the end: nothing may crash, and every file must end up either read or counted as failed.
TEST(PcapFileSource, RealCapturesReadWithoutCrashing) {
  const std::string root = testing::pcap_dir();
  if (root.empty()) {
    GTEST_SKIP() << "FLOWFEAT_PCAP_DIR is not set; point it at a folder of real captures to run this";
  }
  LogCapture log;  // keeps the expected stream of per-file errors out of the test output

  PcapFileSource source({fs::path(root)});
  ASSERT_FALSE(source.files().empty()) << root << " holds no files";
  RawPacket packet;
  std::uint64_t bad_packets = 0;
  while (source.next(packet)) {
    if (packet.captured_length > 0 && packet.data == nullptr) {
      ++bad_packets;
    }
  }
  const SourceStats& stats = source.stats();
  EXPECT_EQ(bad_packets, 0u);
  EXPECT_EQ(stats.files_opened + stats.files_failed, source.files().size());
  EXPECT_GT(stats.files_opened, 0u);
  EXPECT_GT(stats.packets, 0u);
  EXPECT_EQ(stats.input_bytes_read, stats.input_bytes_total);
  std::cout << "read " << stats.packets << " packets from " << stats.files_opened << " of "
            << source.files().size() << " files; failed " << stats.files_failed << ", truncated "
            << stats.files_truncated << ", corrupt " << stats.files_corrupt << '\n';
}

}  // namespace
}  // namespace flowfeat
