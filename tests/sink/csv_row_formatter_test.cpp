#include "flowfeat/sink/csv_row_formatter.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "csv_text.hpp"
#include "feature_samples.hpp"
#include "flowfeat/sink/csv_writer.hpp"
#include "flowfeat/sink/schema.hpp"

namespace flowfeat {
namespace {

namespace fs = std::filesystem;
using testing::sample_feature;

std::string format(const RecordFormatter& formatter, const FeatureRecord& record) {
  std::string text(formatter.max_record_bytes(), '\0');
  text.resize(static_cast<std::size_t>(formatter.format(record, text.data()) - text.data()));
  return text;
}

// The data lines CsvWriter writes for the flows, header dropped.
std::vector<std::string> csv_writer_lines(const std::vector<FlowRecord>& flows) {
  const fs::path path = fs::temp_directory_path() / ("flowfeat-csv-row-" + std::to_string(::getpid()) + ".csv");
  {
    CsvWriter writer(path);
    for (const FlowRecord& flow : flows) {
      writer.write(flow);
    }
    writer.close();
  }
  std::ifstream in(path, std::ios::binary);
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  fs::remove(path);
  std::vector<std::string> lines;
  std::size_t start = text.find('\n') + 1;
  while (start < text.size()) {
    // Quoted names may hold LF; a row ends at the LF after the last column, found by parsing.
    std::size_t end = start;
    std::size_t fields = 1;
    bool quoted = false;
    for (; end < text.size(); ++end) {
      const char c = text[end];
      if (c == '"') quoted = !quoted;
      if (!quoted && c == ',') ++fields;
      if (!quoted && c == '\n') break;
    }
    EXPECT_EQ(fields, Schema::flow_record().size());
    lines.push_back(text.substr(start, end + 1 - start));
    start = end + 1;
  }
  return lines;
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

TEST(CsvRowFormatter, FlowColumnsAreByteForByteWhatCsvWriterWrites) {
  const std::vector<FlowRecord> flows = awkward_flows();
  const std::vector<std::string> expected = csv_writer_lines(flows);
  ASSERT_EQ(expected.size(), flows.size());
  const CsvRowFormatter flow_formatter(flow_only());
  const CsvRowFormatter full_formatter(OutputLayout::full_default());
  for (std::size_t i = 0; i < flows.size(); ++i) {
    FeatureRecord record = sample_feature(i);
    record.flow = flows[i];
    const std::string flow_part = expected[i].substr(0, expected[i].size() - 1) + ",";
    EXPECT_EQ(format(flow_formatter, record), flow_part + flow_only().sensor + "\n");
    const std::string full = format(full_formatter, record);
    EXPECT_EQ(full.substr(0, flow_part.size()), flow_part);
  }
}

TEST(CsvRowFormatter, RowsRoundTripToTheRecordValues) {
  const OutputLayout layout = OutputLayout::full_default();
  const Schema schema = layout.schema();
  std::vector<std::string> names;
  for (const Column& column : schema.columns()) names.push_back(column.name);
  const CsvRowFormatter formatter(layout);
  std::vector<FlowRecord> flows;
  for (std::uint64_t i = 0; i < 25; ++i) flows.push_back(sample_feature(i).flow);
  const std::vector<std::string> flow_lines = csv_writer_lines(flows);
  ASSERT_EQ(flow_lines.size(), flows.size());
  for (std::uint64_t i = 0; i < 25; ++i) {
    const FeatureRecord record = sample_feature(i);
    const std::string line = format(formatter, record);
    ASSERT_EQ(line.back(), '\n');
    const auto rows = testing::parse_csv_text(line);
    ASSERT_EQ(rows.size(), 1u) << line;
    ASSERT_EQ(rows[0].size(), schema.size()) << line;
    const auto flow_fields = testing::parse_csv_text(flow_lines[i]).at(0);
    const std::size_t base = Schema::flow_record().size();
    for (std::size_t c = 0; c < base; ++c) {
      EXPECT_EQ(rows[0][c], flow_fields[c]) << names[c];
    }
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
