#include "flowfeat/sink/schema.hpp"

#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace flowfeat {
namespace {

// FEATURES.md section 2, groups 1-4, copied by hand: the schema must not drift from the document.
const std::vector<std::string> kDocumentedColumns = {"src_ip",
                                                     "dst_ip",
                                                     "src_port",
                                                     "dst_port",
                                                     "protocol",
                                                     "ip_version",
                                                     "vlan_id",
                                                     "tunnel_id",
                                                     "application_name",
                                                     "bidirectional_packets",
                                                     "bidirectional_bytes",
                                                     "bidirectional_first_seen_ms",
                                                     "bidirectional_last_seen_ms",
                                                     "bidirectional_duration_ms",
                                                     "src2dst_packets",
                                                     "src2dst_bytes",
                                                     "dst2src_packets",
                                                     "dst2src_bytes",
                                                     "bidirectional_mean_ps",
                                                     "bidirectional_stddev_ps",
                                                     "src2dst_mean_ps",
                                                     "src2dst_stddev_ps",
                                                     "dst2src_mean_ps",
                                                     "dst2src_stddev_ps",
                                                     "bidirectional_mean_piat_ms",
                                                     "bidirectional_stddev_piat_ms",
                                                     "src2dst_mean_piat_ms",
                                                     "src2dst_stddev_piat_ms",
                                                     "dst2src_mean_piat_ms",
                                                     "dst2src_stddev_piat_ms",
                                                     "expiration_id"};

TEST(Schema, FlowRecordColumnsAreTheDocumentedOnesInOrder) {
  const Schema schema = Schema::flow_record();
  std::vector<std::string> names;
  for (const Column& column : schema.columns()) {
    names.push_back(column.name);
  }
  EXPECT_EQ(names, kDocumentedColumns);
}

TEST(Schema, NamesAreUniqueAndEveryColumnIsDescribed) {
  const Schema schema = Schema::flow_record();
  std::set<std::string> seen;
  for (const Column& column : schema.columns()) {
    EXPECT_TRUE(seen.insert(column.name).second) << column.name;
    EXPECT_FALSE(column.description.empty()) << column.name;
    EXPECT_EQ(column.description.find('\n'), std::string::npos) << column.name;
  }
}

TEST(Schema, TypesMatchTheRecordFields) {
  const Schema schema = Schema::flow_record();
  for (const Column& column : schema.columns()) {
    ColumnType expected = ColumnType::kUint;
    if (column.name == "src_ip" || column.name == "dst_ip" || column.name == "application_name") {
      expected = ColumnType::kString;
    } else if (column.name.find("_mean_") != std::string::npos ||
               column.name.find("_stddev_") != std::string::npos) {
      expected = ColumnType::kFloat;
    }
    EXPECT_EQ(column.type, expected) << column.name;
  }
}

TEST(Schema, GroupsFollowTheDocumentedOrder) {
  const Schema schema = Schema::flow_record();
  EXPECT_EQ(schema[*schema.index_of("application_name")].group, ColumnGroup::kIdentity);
  EXPECT_EQ(schema[*schema.index_of("bidirectional_packets")].group, ColumnGroup::kCounters);
  EXPECT_EQ(schema[*schema.index_of("dst2src_stddev_piat_ms")].group, ColumnGroup::kStatistics);
  EXPECT_EQ(schema[*schema.index_of("expiration_id")].group, ColumnGroup::kExpiration);
  for (std::size_t i = 1; i < schema.size(); ++i) {
    EXPECT_LE(schema[i - 1].group, schema[i].group) << schema[i].name;
  }
}

TEST(Schema, AppendAddsLaterGroupsAfterTheRecordColumns) {
  Schema schema = Schema::flow_record();
  const std::size_t base = schema.size();
  schema.append({"fan_out_src", ColumnType::kUint, ColumnGroup::kFan, "distinct peers of src"});
  ASSERT_EQ(schema.size(), base + 1);
  EXPECT_EQ(schema.index_of("fan_out_src"), base);
  EXPECT_EQ(schema.index_of("no_such_column"), std::nullopt);
}

TEST(Schema, AppendRejectsDuplicateEmptyAndUnquotableNames) {
  Schema schema = Schema::flow_record();
  EXPECT_THROW(schema.append({"src_ip", ColumnType::kString, ColumnGroup::kLabel, "again"}),
               std::invalid_argument);
  EXPECT_THROW(schema.append({"", ColumnType::kUint, ColumnGroup::kLabel, "empty"}),
               std::invalid_argument);
  EXPECT_THROW(schema.append({"a,b", ColumnType::kUint, ColumnGroup::kLabel, "comma"}),
               std::invalid_argument);
  EXPECT_EQ(schema, Schema::flow_record());
}

TEST(Schema, CsvHeaderJoinsNamesWithCommas) {
  std::string expected;
  for (const std::string& name : kDocumentedColumns) {
    expected += (expected.empty() ? "" : ",") + name;
  }
  EXPECT_EQ(Schema::flow_record().csv_header(), expected);
}

TEST(Schema, TextHasOneLinePerColumnWithNameTypeDescription) {
  const Schema schema = Schema::flow_record();
  std::istringstream text(schema.to_text());
  std::string line;
  std::size_t i = 0;
  while (std::getline(text, line)) {
    ASSERT_LT(i, schema.size());
    std::istringstream fields(line);
    std::string name;
    std::string type;
    std::string description;
    fields >> name >> type >> std::ws;
    std::getline(fields, description);
    EXPECT_EQ(name, schema[i].name);
    EXPECT_EQ(type, to_string(schema[i].type));
    EXPECT_EQ(description, schema[i].description);
    ++i;
  }
  EXPECT_EQ(i, schema.size());
}

TEST(Schema, MarkdownHasHeaderSeparatorAndOneRowPerColumn) {
  Schema schema = Schema::flow_record();
  schema.append({"label", ColumnType::kString, ColumnGroup::kLabel, "class a|b"});
  std::istringstream table(schema.to_markdown());
  std::vector<std::string> lines;
  for (std::string line; std::getline(table, line);) {
    lines.push_back(line);
  }
  ASSERT_EQ(lines.size(), schema.size() + 2);
  EXPECT_EQ(lines[0], "| # | column | type | group | description |");
  EXPECT_EQ(lines[2].rfind("| 1 | `src_ip` | string | identity | ", 0), 0u) << lines[2];
  EXPECT_EQ(lines.back(), "| 32 | `label` | string | label | class a\\|b |");
}

}  // namespace
}  // namespace flowfeat
