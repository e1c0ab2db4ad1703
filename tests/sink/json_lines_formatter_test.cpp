#include "flowfeat/sink/json_lines_formatter.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "csv_text.hpp"
#include "feature_samples.hpp"
#include "flowfeat/sink/csv_row_formatter.hpp"
#include "flowfeat/sink/schema.hpp"
#include "json_line.hpp"

namespace flowfeat {
namespace {

namespace fs = std::filesystem;
using testing::JsonLineParser;
using testing::JsonMember;
using testing::sample_feature;

std::string format(const RecordFormatter& formatter, const FeatureRecord& record) {
  std::string text(formatter.max_record_bytes(), '\0');
  text.resize(static_cast<std::size_t>(formatter.format(record, text.data()) - text.data()));
  return text;
}

// The object of one formatted line, checked to be exactly one line.
std::vector<JsonMember> parse_line(const std::string& line) {
  EXPECT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "more than one line";
  return JsonLineParser::parse(std::string_view(line).substr(0, line.size() - 1));
}

TEST(JsonLinesFormatter, NoFileHeader) { EXPECT_TRUE(JsonLinesFormatter(OutputLayout{}).file_header().empty()); }

TEST(JsonLinesFormatter, KeysAreTheColumnsAndValuesMatchTheCsvRow) {
  const OutputLayout layout = OutputLayout::full_default();
  const Schema schema = layout.schema();
  const JsonLinesFormatter json(layout);
  const CsvRowFormatter csv(layout);
  for (std::uint64_t i = 0; i < 25; ++i) {
    const FeatureRecord record = sample_feature(i);
    const std::vector<JsonMember> members = parse_line(format(json, record));
    const auto row = testing::parse_csv_text(format(csv, record)).at(0);
    ASSERT_EQ(members.size(), schema.size());
    ASSERT_EQ(row.size(), schema.size());
    for (std::size_t c = 0; c < schema.size(); ++c) {
      const Column& column = schema[c];
      EXPECT_EQ(members[c].key, column.name);
      // Both formats print numbers with the same code, so the texts are equal; the CSV round
      // trip test checks them against the record.
      const auto expected_kind =
          column.type == ColumnType::kString ? JsonMember::Kind::kString : JsonMember::Kind::kNumber;
      EXPECT_EQ(members[c].kind, expected_kind) << column.name;
      EXPECT_EQ(members[c].value, row[c]) << column.name;
    }
  }
}

TEST(JsonLinesFormatter, TextIsEscapedPerRfc8259) {
  OutputLayout layout;
  layout.fans = false;
  layout.derived = false;
  layout.attack_cat = true;
  FeatureRecord record = sample_feature(0);
  const char name[] = "q\"b\\s/\n\r\t\x01\x1f\x7f caf\xc3\xa9";
  testing::set_text(record.flow.application_name, name);
  testing::set_text(record.verdict.attack_category, "\b\f");
  const std::string line = format(JsonLinesFormatter(layout), record);
  EXPECT_NE(line.find(R"("application_name":"q\"b\\s/\n\r\t\u0001\u001f)"
                      "\x7f caf\xc3\xa9\""),
            std::string::npos)
      << line;
  EXPECT_NE(line.find(R"("attack_cat":"\u0008\u000c","sensor":"sensor"})"), std::string::npos) << line;
  const std::vector<JsonMember> members = parse_line(line);
  const Schema schema = layout.schema();
  EXPECT_EQ(members.at(*schema.index_of("application_name")).value, name);
  EXPECT_EQ(members.at(*schema.index_of("attack_cat")).value, "\b\f");
  EXPECT_EQ(members.at(*schema.index_of("src_ip")).value, "192.168.121.5");
  EXPECT_EQ(members.at(*schema.index_of("dst_ip")).value, "2001:db8::8:800:200c:417a");
}

TEST(JsonLinesFormatter, KeysAreEscapedToo) {
  OutputLayout layout;
  layout.encoding_columns = {"tab\there", "back\\slash", "Class D (multicast)"};
  const std::vector<JsonMember> members = parse_line(format(JsonLinesFormatter(layout), sample_feature(1)));
  const Schema schema = layout.schema();
  ASSERT_EQ(members.size(), schema.size());
  for (std::size_t c = 0; c < schema.size(); ++c) {
    EXPECT_EQ(members[c].key, schema[c].name);
  }
}

TEST(JsonLinesFormatter, NonFiniteNumbersAreNull) {
  OutputLayout layout;
  layout.standardized_columns = {"a", "b"};
  FeatureRecord record = sample_feature(2);
  record.derived_value(DerivedFeature::kFanRatioSrc) = std::numeric_limits<double>::quiet_NaN();
  record.derived_value(DerivedFeature::kFanTotalSrc) = std::numeric_limits<double>::infinity();
  record.derived_value(DerivedFeature::kPotentialScan) = -std::numeric_limits<double>::quiet_NaN();
  record.standardized[0] = -std::numeric_limits<double>::infinity();
  record.standardized[1] = std::numeric_limits<double>::max() * 2.0;  // overflows to inf
  record.flow.bidirectional_ps.mean = std::numeric_limits<double>::quiet_NaN();
  const std::vector<JsonMember> members = parse_line(format(JsonLinesFormatter(layout), record));
  const Schema schema = layout.schema();
  for (const char* name : {"fan_ratio_src", "fan_total_src", "potential_scan", "a_z", "b_z", "bidirectional_mean_ps"}) {
    EXPECT_EQ(members.at(*schema.index_of(name)).kind, JsonMember::Kind::kNull) << name;
  }
  EXPECT_EQ(members.at(*schema.index_of("fan_ratio_dst")).kind, JsonMember::Kind::kNumber);
}

TEST(JsonLinesFormatter, CountsAndFlagsHeldInDoublesAreIntegers) {
  OutputLayout layout;
  FeatureRecord record = sample_feature(2);
  record.derived_value(DerivedFeature::kConnectionIntensity) = 12345678901.0;
  record.derived_value(DerivedFeature::kProtocolAnomaly) = 1.0;
  record.derived_value(DerivedFeature::kFlowEfficiency) = 3.0;  // a ratio: shortest float form
  const std::vector<JsonMember> members = parse_line(format(JsonLinesFormatter(layout), record));
  const Schema schema = layout.schema();
  EXPECT_EQ(members.at(*schema.index_of("connection_intensity")).value, "12345678901");
  EXPECT_EQ(members.at(*schema.index_of("protocol_anomaly")).value, "1");
  EXPECT_EQ(members.at(*schema.index_of("flow_efficiency")).value, "3");
}

TEST(JsonLinesFormatter, TheWorstRecordFitsTheBound) {
  OutputLayout layout = OutputLayout::full_default();
  for (std::size_t i = layout.encoding_columns.size(); i < 64; ++i)
    layout.encoding_columns.push_back("e\\" + std::to_string(i));
  FeatureRecord record = sample_feature(1);
  record.flow.application_name.fill('\x01');
  record.verdict.attack_category.fill('\x02');
  record.flow.src_ip = testing::ip(AF_INET6, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe");
  record.derived.fill(-2.2250738585072014e-308);
  record.standardized.fill(-2.2250738585072014e-308);
  const JsonLinesFormatter formatter(layout);
  const auto buffer = std::make_unique<char[]>(formatter.max_record_bytes());  // ASan guards the end
  const char* end = formatter.format(record, buffer.get());
  const auto size = static_cast<std::size_t>(end - buffer.get());
  EXPECT_LE(size, formatter.max_record_bytes());
  EXPECT_EQ(parse_line(std::string(buffer.get(), size)).size(), layout.schema().size());
}

// An independent JSON reader, when the machine has one.
TEST(JsonLinesFormatter, PythonJsonModuleReadsTheLines) {
  if (std::system("python3 -c 'import json' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "no python3";
  }
  const OutputLayout layout = OutputLayout::full_default();
  const JsonLinesFormatter formatter(layout);
  const fs::path path = fs::temp_directory_path() / ("flowfeat-jsonl-" + std::to_string(::getpid()) + ".jsonl");
  {
    std::ofstream out(path, std::ios::binary);
    for (std::uint64_t i = 0; i < 30; ++i) {
      FeatureRecord record = sample_feature(i);
      testing::set_text(record.flow.application_name, i % 2 ? "esc\"\\\x01\t\xc3\xa9" : "Unknown");
      out << format(formatter, record);
    }
  }
  // Every line an object with one distinct key per column, and 30 lines.
  const std::string command =
      "python3 -c 'import json,sys\n"
      "lines = open(sys.argv[1], encoding=\"utf-8\").read().split(\"\\n\")\n"
      "assert lines[-1] == \"\" and len(lines) == 31\n"
      "for l in lines[:-1]:\n"
      "    o = json.loads(l)\n"
      "    assert isinstance(o, dict) and len(o) == int(sys.argv[2])\n' " +
      path.string() + " " + std::to_string(layout.schema().size());
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  fs::remove(path);
}

}  // namespace
}  // namespace flowfeat
