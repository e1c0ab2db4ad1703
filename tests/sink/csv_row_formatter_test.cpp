#include "flowfeat/sink/csv_row_formatter.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "csv_text.hpp"
#include "feature_samples.hpp"
#include "flowfeat/sink/schema.hpp"

namespace flowfeat {
namespace {

using testing::sample_feature;

std::string format(const RecordFormatter& formatter, const FeatureRecord& record) {
  std::string text(formatter.max_record_bytes(), '\0');
  text.resize(static_cast<std::size_t>(formatter.format(record, text.data()) - text.data()));
  return text;
}

// The record's value in each flow-record column, as text where it is text, else parsed back.
void expect_flow_fields(const std::vector<std::string>& row, const FlowRecord& r) {
  const Schema schema = Schema::flow_record();
  ASSERT_GE(row.size(), schema.size());
  const auto field = [&](const char* name) -> const std::string& { return row.at(schema.index_of(name).value()); };
  EXPECT_EQ(field("src_ip"), r.src_ip.to_string());
  EXPECT_EQ(field("dst_ip"), r.dst_ip.to_string());
  EXPECT_EQ(testing::parse_uint(field("src_port")), r.src_port);
  EXPECT_EQ(testing::parse_uint(field("dst_port")), r.dst_port);
  EXPECT_EQ(testing::parse_uint(field("protocol")), r.protocol);
  EXPECT_EQ(testing::parse_uint(field("ip_version")), r.ip_version);
  EXPECT_EQ(testing::parse_uint(field("vlan_id")), r.vlan_id);
  EXPECT_EQ(testing::parse_uint(field("tunnel_id")), static_cast<std::uint64_t>(r.tunnel));
  // A name that fills its array has no terminator: it ends at the array.
  EXPECT_EQ(field("application_name"),
            std::string(r.application_name.data(), ::strnlen(r.application_name.data(), r.application_name.size())));
  EXPECT_EQ(testing::parse_uint(field("bidirectional_packets")), r.bidirectional_packets);
  EXPECT_EQ(testing::parse_uint(field("bidirectional_bytes")), r.bidirectional_bytes);
  EXPECT_EQ(testing::parse_uint(field("bidirectional_first_seen_ms")), r.bidirectional_first_seen_ms);
  EXPECT_EQ(testing::parse_uint(field("bidirectional_last_seen_ms")), r.bidirectional_last_seen_ms);
  EXPECT_EQ(testing::parse_uint(field("bidirectional_duration_ms")),
            r.bidirectional_last_seen_ms - r.bidirectional_first_seen_ms);
  EXPECT_EQ(testing::parse_uint(field("src2dst_packets")), r.src2dst_packets);
  EXPECT_EQ(testing::parse_uint(field("src2dst_bytes")), r.src2dst_bytes);
  EXPECT_EQ(testing::parse_uint(field("dst2src_packets")), r.dst2src_packets);
  EXPECT_EQ(testing::parse_uint(field("dst2src_bytes")), r.dst2src_bytes);
  const std::pair<std::string, const MeanStddev*> stats[] = {
      {"bidirectional_%_ps", &r.bidirectional_ps},       {"src2dst_%_ps", &r.src2dst_ps},
      {"dst2src_%_ps", &r.dst2src_ps},                   {"bidirectional_%_piat_ms", &r.bidirectional_piat_ms},
      {"src2dst_%_piat_ms", &r.src2dst_piat_ms},         {"dst2src_%_piat_ms", &r.dst2src_piat_ms}};
  for (const auto& [pattern, value] : stats) {
    const std::size_t at = pattern.find('%');
    const std::string mean = pattern.substr(0, at) + "mean" + pattern.substr(at + 1);
    const std::string stddev = pattern.substr(0, at) + "stddev" + pattern.substr(at + 1);
    testing::expect_same_double(field(mean.c_str()), value->mean, mean);
    testing::expect_same_double(field(stddev.c_str()), value->stddev, stddev);
  }
  EXPECT_EQ(testing::parse_uint(field("expiration_id")), static_cast<std::uint64_t>(r.expiration));
}

OutputLayout flow_only() {
  OutputLayout layout;
  layout.fans = false;
  layout.derived = false;
  return layout;
}

std::vector<FlowRecord> awkward_flows() {
  std::vector<FlowRecord> flows;
  for (const char* name : {"Unknown", "a,b", "say \"hi\"", "two\nlines", "cr\rhere", "", "plain space"}) {
    FlowRecord flow = testing::sample_flow();
    testing::set_text(flow.application_name, name);
    flows.push_back(flow);
  }
  FlowRecord unterminated = testing::sample_flow();
  unterminated.application_name.fill('x');
  flows.push_back(unterminated);
  FlowRecord v6 = testing::sample_flow();
  v6.src_ip = testing::ip(AF_INET6, "::ffff:10.0.0.1");
  v6.dst_ip = IpAddress{};
  flows.push_back(v6);
  return flows;
}

TEST(CsvRowFormatter, HeaderIsTheSchemaHeader) {
  const OutputLayout layout = OutputLayout::full_default();
  EXPECT_EQ(CsvRowFormatter(layout).file_header(), layout.schema().csv_header() + "\n");
  EXPECT_EQ(CsvRowFormatter(flow_only()).file_header(), Schema::flow_record().csv_header() + ",sensor\n");
}

TEST(CsvRowFormatter, FlowColumnsHoldTheFlowsValues) {
  const std::vector<FlowRecord> flows = awkward_flows();
  const CsvRowFormatter flow_formatter(flow_only());
  const CsvRowFormatter full_formatter(OutputLayout::full_default());
  for (std::size_t i = 0; i < flows.size(); ++i) {
    FeatureRecord record = sample_feature(i);
    record.flow = flows[i];
    const std::string flow_line = format(flow_formatter, record);
    ASSERT_EQ(flow_line.back(), '\n');
    const auto flow_rows = testing::parse_csv_text(flow_line);
    ASSERT_EQ(flow_rows.size(), 1u) << flow_line;
    ASSERT_EQ(flow_rows[0].size(), Schema::flow_record().size() + 1) << flow_line;
    expect_flow_fields(flow_rows[0], flows[i]);
    EXPECT_EQ(flow_rows[0].back(), flow_only().sensor);
    // The full record starts with the same text.
    const std::string flow_part = flow_line.substr(0, flow_line.size() - flow_only().sensor.size() - 1);
    EXPECT_EQ(format(full_formatter, record).substr(0, flow_part.size()), flow_part);
  }
}

TEST(CsvRowFormatter, FloatsAreShortestRoundTrip) {
  FeatureRecord record = sample_feature(0);
  record.flow = testing::sample_flow();
  const Schema schema = Schema::flow_record();
  const auto row = testing::parse_csv_text(format(CsvRowFormatter(flow_only()), record)).at(0);
  EXPECT_EQ(row[*schema.index_of("bidirectional_mean_ps")], "68");
  EXPECT_EQ(row[*schema.index_of("bidirectional_stddev_ps")], "0.5");
  EXPECT_EQ(row[*schema.index_of("src2dst_mean_ps")], "4379.692307692308");
  EXPECT_EQ(row[*schema.index_of("dst2src_mean_ps")], "0.30000000000000004");
  EXPECT_EQ(row[*schema.index_of("dst2src_mean_piat_ms")], "0");
  EXPECT_EQ(row[*schema.index_of("bidirectional_bytes")], "18446744073709551615");
}

TEST(CsvRowFormatter, AddressesAreWrittenAsToStringWritesThem) {
  // As given, and in the canonical text of RFC 5952 (the longest run of zeros shortened).
  const std::tuple<int, const char*, const char*> addresses[] = {
      {AF_INET, "0.0.0.0", "0.0.0.0"},
      {AF_INET, "9.10.99.100", "9.10.99.100"},
      {AF_INET, "255.255.255.255", "255.255.255.255"},
      {AF_INET6, "::", "::"},
      {AF_INET6, "::1", "::1"},
      {AF_INET6, "::ffff:10.0.0.1", "::ffff:10.0.0.1"},
      {AF_INET6, "1:0:0:1:0:0:0:1", "1:0:0:1::1"},
      {AF_INET6, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"}};
  const CsvRowFormatter formatter(flow_only());
  for (const auto& [family, given, canonical] : addresses) {
    FeatureRecord record = sample_feature(0);
    record.flow.src_ip = testing::ip(family, given);
    const auto row = testing::parse_csv_text(format(formatter, record)).at(0);
    EXPECT_EQ(row[0], canonical);
    EXPECT_EQ(row[0], record.flow.src_ip.to_string());
  }
  FeatureRecord none = sample_feature(0);
  none.flow.src_ip = IpAddress{};
  EXPECT_EQ(testing::parse_csv_text(format(formatter, none)).at(0)[0], "");
}

TEST(CsvRowFormatter, ApplicationNameQuotedOnlyWhenNeeded) {
  const std::pair<const char*, const char*> names[] = {{"Unknown", ",Unknown,"},
                                                       {"a,b", ",\"a,b\","},
                                                       {"say \"hi\"", ",\"say \"\"hi\"\"\","},
                                                       {"two\nlines", ",\"two\nlines\","},
                                                       {"plain space", ",plain space,"}};
  for (const auto& [name, written] : names) {
    FeatureRecord record = sample_feature(0);
    testing::set_text(record.flow.application_name, name);
    const std::string line = format(CsvRowFormatter(flow_only()), record);
    EXPECT_NE(line.find(written), std::string::npos) << line;
  }
}

TEST(CsvRowFormatter, RowsRoundTripToTheRecordValues) {
  const OutputLayout layout = OutputLayout::full_default();
  const Schema schema = layout.schema();
  std::vector<std::string> names;
  for (const Column& column : schema.columns()) names.push_back(column.name);
  const CsvRowFormatter formatter(layout);
  for (std::uint64_t i = 0; i < 25; ++i) {
    const FeatureRecord record = sample_feature(i);
    const std::string line = format(formatter, record);
    ASSERT_EQ(line.back(), '\n');
    const auto rows = testing::parse_csv_text(line);
    ASSERT_EQ(rows.size(), 1u) << line;
    ASSERT_EQ(rows[0].size(), schema.size()) << line;
    expect_flow_fields(rows[0], record.flow);
    const std::size_t base = Schema::flow_record().size();
    testing::expect_feature_fields(rows[0], base, record, layout, names);
  }
}

TEST(CsvRowFormatter, AttackCategoryIsQuotedWhenNeeded) {
  OutputLayout layout = flow_only();
  layout.attack_cat = true;
  FeatureRecord record = sample_feature(0);
  testing::set_text(record.verdict.attack_category, "Shell,\"code\"");
  const std::string line = format(CsvRowFormatter(layout), record);
  EXPECT_EQ(line.substr(line.size() - 25), ",\"Shell,\"\"code\"\"\",sensor\n");
  record.verdict.attack_category.fill('y');  // no terminator: cut at the array
  const std::vector<std::string> row = testing::parse_csv_text(format(CsvRowFormatter(layout), record)).at(0);
  EXPECT_EQ(row.at(row.size() - 2), std::string(32, 'y'));
}

TEST(CsvRowFormatter, CountsAndFlagsHeldInDoublesPrintAsIntegers) {
  OutputLayout layout = flow_only();
  layout.derived = true;
  layout.standardized_columns = {"a", "b"};
  const Schema schema = layout.schema();
  FeatureRecord record = sample_feature(3);
  auto set = [&](DerivedFeature feature, double value) { record.derived_value(feature) = value; };
  set(DerivedFeature::kFanTotalSrc, 3.0);
  set(DerivedFeature::kFanTotalDst, 1e19);
  set(DerivedFeature::kConnectionAsymmetry, 2.5);  // not whole: keeps its fraction
  set(DerivedFeature::kConnectionIntensity, -1.0);
  set(DerivedFeature::kIpClassMismatch, 1.0);
  set(DerivedFeature::kPotentialScan, -0.0);
  set(DerivedFeature::kPotentialDdos, std::numeric_limits<double>::quiet_NaN());
  set(DerivedFeature::kFanRatioSrc, 2.0);  // a ratio stays a float, written shortest
  set(DerivedFeature::kFanRatioDst, std::numeric_limits<double>::infinity());
  record.standardized[0] = 0.1;
  record.standardized[1] = -std::numeric_limits<double>::infinity();
  const auto row = testing::parse_csv_text(format(CsvRowFormatter(layout), record)).at(0);
  ASSERT_EQ(row.size(), schema.size());
  auto field = [&](const char* name) { return row.at(*schema.index_of(name)); };
  EXPECT_EQ(field("fan_total_src"), "3");
  EXPECT_EQ(field("fan_total_dst"), "10000000000000000000");
  EXPECT_EQ(field("connection_asymmetry"), "2.5");
  EXPECT_EQ(field("connection_intensity"), "-1");
  EXPECT_EQ(field("ip_class_mismatch"), "1");
  EXPECT_EQ(field("potential_scan"), "0");
  EXPECT_EQ(field("potential_ddos"), "nan");
  EXPECT_EQ(field("fan_ratio_src"), "2");
  EXPECT_EQ(field("fan_ratio_dst"), "inf");
  EXPECT_EQ(field("a_z"), "0.1");
  EXPECT_EQ(field("b_z"), "-inf");
}

TEST(CsvRowFormatter, EncodingBitsFollowTheColumnOrder) {
  OutputLayout layout = flow_only();
  layout.encoding_columns = {"e0", "e1", "e2", "e3"};
  FeatureRecord record = sample_feature(0);
  record.one_hot = 0b1010 | (std::uint64_t{1} << 63);  // bits beyond the columns are ignored
  const std::string line = format(CsvRowFormatter(layout), record);
  EXPECT_EQ(line.substr(line.size() - 16), ",0,1,0,1,sensor\n");
}

// The worst record each column can hold, for the buffer bound.
FeatureRecord worst_record() {
  FeatureRecord record = sample_feature(1);
  record.flow.src_ip = testing::ip(AF_INET6, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe");
  record.flow.dst_ip = testing::ip(AF_INET6, "1111:2222:3333:4444:5555:6666:7777:8888");
  record.flow.application_name.fill('"');
  record.verdict.attack_category.fill('\x01');
  for (std::uint64_t* value : {&record.flow.bidirectional_packets, &record.flow.bidirectional_bytes,
                               &record.flow.src2dst_bytes, &record.flow.dst2src_bytes}) {
    *value = std::numeric_limits<std::uint64_t>::max();
  }
  record.flow.bidirectional_first_seen_ms = 0;
  record.flow.bidirectional_last_seen_ms = std::numeric_limits<std::uint64_t>::max();
  for (MeanStddev* stats :
       {&record.flow.bidirectional_ps, &record.flow.src2dst_ps, &record.flow.dst2src_ps,
        &record.flow.bidirectional_piat_ms, &record.flow.src2dst_piat_ms, &record.flow.dst2src_piat_ms}) {
    *stats = {-std::numeric_limits<double>::min(), -2.2250738585072014e-300};
  }
  record.fans = {4294967295u, 4294967295u, 4294967295u, 4294967295u};
  record.derived.fill(-2.2250738585072014e-308);
  record.standardized.fill(-2.2250738585072014e-308);
  return record;
}

TEST(CsvRowFormatter, TheWorstRecordFitsTheBound) {
  OutputLayout layout = OutputLayout::full_default();
  layout.standardized_columns.clear();
  for (std::size_t i = 0; i < kMaxStandardizedColumns; ++i)
    layout.standardized_columns.push_back("s" + std::to_string(i));
  for (std::size_t i = layout.encoding_columns.size(); i < 64; ++i)
    layout.encoding_columns.push_back("e" + std::to_string(i));
  const CsvRowFormatter formatter(layout);
  // Exactly the bound, on the heap: ASan reports a write past it.
  const auto buffer = std::make_unique<char[]>(formatter.max_record_bytes());
  const char* end = formatter.format(worst_record(), buffer.get());
  const auto size = static_cast<std::size_t>(end - buffer.get());
  EXPECT_LE(size, formatter.max_record_bytes());
  EXPECT_GT(size, formatter.max_record_bytes() / 2) << "bound far from the worst case";
  EXPECT_EQ(testing::parse_csv_text(std::string(buffer.get(), size)).at(0).size(), layout.schema().size());
}

}  // namespace
}  // namespace flowfeat
