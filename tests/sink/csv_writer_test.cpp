#include "flowfeat/sink/csv_writer.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "csv_text.hpp"
#include "flowfeat/sink/schema.hpp"

namespace flowfeat {
namespace {

namespace fs = std::filesystem;

using Row = std::vector<std::string>;

// Reads back what CsvWriter wrote; every line, the last included, must end with LF.
std::vector<Row> parse_csv(const std::string& text) {
  EXPECT_TRUE(text.empty() || text.back() == '\n') << "last line not terminated";
  return testing::parse_csv_text(text);
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

IpAddress ip(int family, const char* text) {
  std::uint8_t bytes[16] = {};
  EXPECT_EQ(::inet_pton(family, text, bytes), 1) << text;
  return family == AF_INET ? IpAddress::v4(bytes) : IpAddress::v6(bytes);
}

void set_name(FlowRecord& record, const char* name) {
  ASSERT_LT(std::strlen(name), record.application_name.size());
  std::strcpy(record.application_name.data(), name);
}

FlowRecord sample_record() {
  FlowRecord r;
  r.src_ip = ip(AF_INET, "192.168.121.5");
  r.dst_ip = ip(AF_INET, "224.0.0.5");
  r.src_port = 65535;
  r.dst_port = 443;
  r.protocol = 6;
  r.ip_version = 4;
  r.vlan_id = 4095;
  r.tunnel = TunnelType::kTzsp;
  set_name(r, "TLS.Google");
  r.bidirectional_packets = 13;
  r.bidirectional_bytes = std::numeric_limits<std::uint64_t>::max();
  r.bidirectional_first_seen_ms = 1518622219014;
  r.bidirectional_last_seen_ms = 1518622238733;
  r.src2dst_packets = 7;
  r.src2dst_bytes = 0;
  r.dst2src_packets = 6;
  r.dst2src_bytes = 1;
  r.bidirectional_ps = {68.0, 0.5};
  r.src2dst_ps = {4379.692307692308, 27.999999999999996};
  r.dst2src_ps = {0.1 + 0.2, std::nextafter(1.0, 2.0)};
  r.bidirectional_piat_ms = {std::numeric_limits<double>::denorm_min(),
                             std::numeric_limits<double>::max()};
  r.src2dst_piat_ms = {-std::numeric_limits<double>::min(), 1e22};
  r.dst2src_piat_ms = {0.0, 3079.781323405933};
  r.expiration = ExpirationReason::kEvicted;
  return r;
}

class CsvWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("flowfeat-sink-" + std::to_string(::getpid()) + "-" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes the records and returns the parsed file, header row first.
  std::vector<Row> write_and_parse(const std::vector<FlowRecord>& records,
                                   std::size_t buffer = CsvWriter::kDefaultBufferBytes) {
    const fs::path path = dir_ / "flows.csv";
    CsvWriter writer(path, buffer);
    for (const FlowRecord& record : records) {
      writer.write(record);
    }
    writer.close();
    EXPECT_EQ(writer.records_written(), records.size());
    return parse_csv(read_file(path));
  }

  fs::path dir_;
};

std::uint64_t parse_uint(const std::string& text) {
  std::size_t used = 0;
  const auto value = std::stoull(text, &used, 10);
  EXPECT_EQ(used, text.size()) << text;
  return value;
}

// Bit-for-bit equality: shortest round-trip output must give back the exact double.
void expect_same_double(const std::string& text, double expected) {
  char* end = nullptr;
  const double parsed = std::strtod(text.c_str(), &end);
  EXPECT_EQ(*end, '\0') << text;
  EXPECT_EQ(std::bit_cast<std::uint64_t>(parsed), std::bit_cast<std::uint64_t>(expected))
      << text << " != " << expected;
}

TEST_F(CsvWriterTest, HeaderIsTheSchema) {
  const auto rows = write_and_parse({});
  ASSERT_EQ(rows.size(), 1u);
  const Schema schema = Schema::flow_record();
  ASSERT_EQ(rows[0].size(), schema.size());
  for (std::size_t i = 0; i < schema.size(); ++i) {
    EXPECT_EQ(rows[0][i], schema[i].name);
  }
  EXPECT_EQ(read_file(dir_ / "flows.csv"), schema.csv_header() + "\n");
}

TEST_F(CsvWriterTest, RecordRoundTrips) {
  const FlowRecord r = sample_record();
  const auto rows = write_and_parse({r});
  ASSERT_EQ(rows.size(), 2u);
  const Schema schema = Schema::flow_record();
  const Row& row = rows[1];
  ASSERT_EQ(row.size(), schema.size());
  auto field = [&](const char* name) -> const std::string& {
    const auto index = schema.index_of(name);
    EXPECT_TRUE(index.has_value()) << name;
    return row.at(index.value_or(0));
  };
  EXPECT_EQ(field("src_ip"), "192.168.121.5");
  EXPECT_EQ(field("dst_ip"), "224.0.0.5");
  EXPECT_EQ(parse_uint(field("src_port")), r.src_port);
  EXPECT_EQ(parse_uint(field("dst_port")), r.dst_port);
  EXPECT_EQ(parse_uint(field("protocol")), r.protocol);
  EXPECT_EQ(parse_uint(field("ip_version")), r.ip_version);
  EXPECT_EQ(parse_uint(field("vlan_id")), r.vlan_id);
  EXPECT_EQ(parse_uint(field("tunnel_id")), 3u);
  EXPECT_EQ(field("application_name"), "TLS.Google");
  EXPECT_EQ(parse_uint(field("bidirectional_packets")), r.bidirectional_packets);
  EXPECT_EQ(field("bidirectional_bytes"), "18446744073709551615");
  EXPECT_EQ(parse_uint(field("bidirectional_first_seen_ms")), r.bidirectional_first_seen_ms);
  EXPECT_EQ(parse_uint(field("bidirectional_last_seen_ms")), r.bidirectional_last_seen_ms);
  EXPECT_EQ(parse_uint(field("bidirectional_duration_ms")), 19719u);
  EXPECT_EQ(parse_uint(field("src2dst_packets")), r.src2dst_packets);
  EXPECT_EQ(parse_uint(field("src2dst_bytes")), r.src2dst_bytes);
  EXPECT_EQ(parse_uint(field("dst2src_packets")), r.dst2src_packets);
  EXPECT_EQ(parse_uint(field("dst2src_bytes")), r.dst2src_bytes);
  const std::pair<const char*, const MeanStddev*> stats[] = {{"bidirectional", &r.bidirectional_ps},
                                                             {"src2dst", &r.src2dst_ps},
                                                             {"dst2src", &r.dst2src_ps}};
  for (const auto& [scope, value] : stats) {
    expect_same_double(field((std::string(scope) + "_mean_ps").c_str()), value->mean);
    expect_same_double(field((std::string(scope) + "_stddev_ps").c_str()), value->stddev);
  }
  const std::pair<const char*, const MeanStddev*> piats[] = {
      {"bidirectional", &r.bidirectional_piat_ms},
      {"src2dst", &r.src2dst_piat_ms},
      {"dst2src", &r.dst2src_piat_ms}};
  for (const auto& [scope, value] : piats) {
    expect_same_double(field((std::string(scope) + "_mean_piat_ms").c_str()), value->mean);
    expect_same_double(field((std::string(scope) + "_stddev_piat_ms").c_str()), value->stddev);
  }
  EXPECT_EQ(parse_uint(field("expiration_id")), 2u);
}

TEST_F(CsvWriterTest, FloatsAreShortestRoundTrip) {
  const auto rows = write_and_parse({sample_record()});
  ASSERT_EQ(rows.size(), 2u);
  const Schema schema = Schema::flow_record();
  EXPECT_EQ(rows[1][*schema.index_of("bidirectional_mean_ps")], "68");
  EXPECT_EQ(rows[1][*schema.index_of("bidirectional_stddev_ps")], "0.5");
  EXPECT_EQ(rows[1][*schema.index_of("src2dst_mean_ps")], "4379.692307692308");
  EXPECT_EQ(rows[1][*schema.index_of("dst2src_mean_ps")], "0.30000000000000004");
  EXPECT_EQ(rows[1][*schema.index_of("dst2src_mean_piat_ms")], "0");
}

TEST_F(CsvWriterTest, Ipv6AndMissingAddresses) {
  FlowRecord r = sample_record();
  r.src_ip = ip(AF_INET6, "fe80::1");
  r.dst_ip = ip(AF_INET6, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff");
  FlowRecord none = sample_record();
  none.src_ip = IpAddress{};
  const auto rows = write_and_parse({r, none});
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1][0], "fe80::1");
  EXPECT_EQ(rows[1][1], "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff");
  EXPECT_EQ(rows[1][0], r.src_ip.to_string());
  EXPECT_EQ(rows[2][0], "");
}

TEST_F(CsvWriterTest, AddressesAreWrittenAsToStringWritesThem) {
  const char* v4[] = {"0.0.0.0", "1.2.3.4", "9.10.99.100", "255.255.255.255", "10.0.200.7"};
  const char* v6[] = {"::",
                      "::1",
                      "fe80::1",
                      "::ffff:10.0.0.1",
                      "2001:db8::8:800:200c:417a",
                      "1:0:0:1:0:0:0:1",
                      "1:2:3:4:5:6:7:8"};
  std::vector<FlowRecord> records;
  for (const char* text : v4) {
    FlowRecord r = sample_record();
    r.src_ip = ip(AF_INET, text);
    records.push_back(r);
  }
  for (const char* text : v6) {
    FlowRecord r = sample_record();
    r.src_ip = ip(AF_INET6, text);
    records.push_back(r);
  }
  const auto rows = write_and_parse(records);
  ASSERT_EQ(rows.size(), records.size() + 1);
  for (std::size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(rows[i + 1][0], records[i].src_ip.to_string());
  }
  EXPECT_EQ(rows[3][0], "9.10.99.100");
}

TEST_F(CsvWriterTest, ApplicationNameQuotedOnlyWhenNeeded) {
  const char* names[] = {"Unknown",  "a,b", "say \"hi\"", "two\nlines",
                         "cr\rhere", "",    "plain space"};
  std::vector<FlowRecord> records;
  for (const char* name : names) {
    FlowRecord r = sample_record();
    set_name(r, name);
    records.push_back(r);
  }
  const auto rows = write_and_parse(records);
  ASSERT_EQ(rows.size(), std::size(names) + 1);
  const std::size_t column = *Schema::flow_record().index_of("application_name");
  for (std::size_t i = 0; i < std::size(names); ++i) {
    ASSERT_EQ(rows[i + 1].size(), Schema::flow_record().size()) << names[i];
    EXPECT_EQ(rows[i + 1][column], names[i]);
  }
  const std::string text = read_file(dir_ / "flows.csv");
  EXPECT_NE(text.find(",Unknown,"), std::string::npos);
  EXPECT_NE(text.find(",\"a,b\","), std::string::npos);
  EXPECT_NE(text.find(",\"say \"\"hi\"\"\","), std::string::npos);
  EXPECT_NE(text.find(",\"two\nlines\","), std::string::npos);
  EXPECT_NE(text.find(",plain space,"), std::string::npos);
}

TEST_F(CsvWriterTest, UnterminatedNameIsCutAtTheArray) {
  FlowRecord r = sample_record();
  r.application_name.fill('x');
  const auto rows = write_and_parse({r});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][*Schema::flow_record().index_of("application_name")],
            std::string(r.application_name.size(), 'x'));
}

TEST_F(CsvWriterTest, ManyRowsThroughASmallBuffer) {
  std::vector<FlowRecord> records;
  for (std::uint64_t i = 0; i < 5000; ++i) {
    FlowRecord r = sample_record();
    r.bidirectional_packets = i;
    r.src2dst_ps.mean = static_cast<double>(i) / 7.0;
    records.push_back(r);
  }
  const auto rows = write_and_parse(records, 2 * CsvWriter::kMaxRowBytes);
  ASSERT_EQ(rows.size(), records.size() + 1);
  const Schema schema = Schema::flow_record();
  for (std::size_t i = 0; i < records.size(); ++i) {
    ASSERT_EQ(rows[i + 1].size(), schema.size());
    ASSERT_EQ(parse_uint(rows[i + 1][*schema.index_of("bidirectional_packets")]), i);
    expect_same_double(rows[i + 1][*schema.index_of("src2dst_mean_ps")],
                       records[i].src2dst_ps.mean);
  }
}

TEST_F(CsvWriterTest, UnopenablePathThrowsWithThePath) {
  const fs::path path = dir_ / "missing-folder" / "flows.csv";
  try {
    CsvWriter writer(path);
    FAIL() << "no exception";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::no_such_file_or_directory);
    EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << e.what();
  }
  EXPECT_THROW(CsvWriter{dir_}, std::system_error);  // a folder
}

TEST_F(CsvWriterTest, WriteErrorThrowsWithThePath) {
  const fs::path full = "/dev/full";
  if (!fs::exists(full)) {
    GTEST_SKIP() << "no /dev/full";
  }
  CsvWriter writer(full, 2 * CsvWriter::kMaxRowBytes);
  try {
    for (int i = 0; i < 100; ++i) {
      writer.write(sample_record());
    }
    FAIL() << "no exception";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code(), std::errc::no_space_on_device);
    EXPECT_NE(std::string(e.what()).find("/dev/full"), std::string::npos) << e.what();
  }
  writer.write(sample_record());  // buffered: no error until the next flush
  EXPECT_THROW(writer.close(), std::system_error);
  EXPECT_NO_THROW(writer.close());
}

TEST_F(CsvWriterTest, DestructorSwallowsCloseErrors) {
  if (!fs::exists("/dev/full")) {
    GTEST_SKIP() << "no /dev/full";
  }
  EXPECT_NO_THROW({
    CsvWriter writer("/dev/full");
    writer.write(sample_record());
  });
}

TEST_F(CsvWriterTest, CloseIsIdempotentAndWriteAfterCloseIsAnError) {
  const fs::path path = dir_ / "flows.csv";
  CsvWriter writer(path);
  writer.write(sample_record());
  writer.close();
  const std::string once = read_file(path);
  writer.close();
  EXPECT_EQ(read_file(path), once);
  EXPECT_THROW(writer.write(sample_record()), std::logic_error);
  EXPECT_EQ(parse_csv(once).size(), 2u);
}

TEST_F(CsvWriterTest, DestructorFlushes) {
  const fs::path path = dir_ / "flows.csv";
  {
    CsvWriter writer(path);
    writer.write(sample_record());
    writer.write(sample_record());
  }
  EXPECT_EQ(parse_csv(read_file(path)).size(), 3u);
}

TEST_F(CsvWriterTest, ExistingFileIsTruncated) {
  const fs::path path = dir_ / "flows.csv";
  std::ofstream(path) << std::string(100000, 'z');
  write_and_parse({sample_record()});
  EXPECT_EQ(parse_csv(read_file(path)).size(), 2u);
}

}  // namespace
}  // namespace flowfeat
