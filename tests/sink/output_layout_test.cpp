#include "flowfeat/sink/output_layout.hpp"
#include "flowfeat/core/encoding_columns.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "flowfeat/core/feature_record.hpp"

namespace flowfeat {
namespace {

std::vector<std::string> names_of(const Schema& schema) {
  std::vector<std::string> names;
  for (const Column& column : schema.columns()) {
    names.push_back(column.name);
  }
  return names;
}

const std::vector<std::string> kSeedEncodings = encoding_columns(kDefaultOneHotProtocols);

TEST(OutputLayout, FullDefaultHasEveryGroupInOrder) {
  const OutputLayout layout = OutputLayout::full_default();
  EXPECT_TRUE(layout.fans && layout.label && layout.attack_cat && layout.derived);
  EXPECT_EQ(layout.standardized_columns.size(), 37u);
  const Schema schema = layout.schema();
  const std::size_t base = Schema::flow_record().size();
  ASSERT_EQ(schema.size(), base + 4 + 2 + kSeedEncodings.size() + kDerivedFeatureCount + 37 + 1);
  const std::vector<std::string> names = names_of(schema);
  const std::vector<std::string> fans(names.begin() + static_cast<std::ptrdiff_t>(base),
                                      names.begin() + static_cast<std::ptrdiff_t>(base + 4));
  EXPECT_EQ(fans, (std::vector<std::string>{"fan_out_src", "fan_in_dst", "fan_in_src", "fan_out_dst"}));
  EXPECT_EQ(names[base + 4], "label");
  EXPECT_EQ(names[base + 5], "attack_cat");
  for (std::size_t i = 0; i < kSeedEncodings.size(); ++i) {
    EXPECT_EQ(names[base + 6 + i], kSeedEncodings[i]);
  }
  const std::size_t derived = base + 6 + kSeedEncodings.size();
  for (std::size_t i = 0; i < kDerivedFeatureCount; ++i) {
    EXPECT_EQ(names[derived + i], kDerivedFeatures[i].name);
  }
  for (std::size_t i = 0; i < 37; ++i) {
    EXPECT_EQ(names[derived + kDerivedFeatureCount + i], layout.standardized_columns[i] + "_z");
  }
  EXPECT_EQ(names[derived + kDerivedFeatureCount], "bidirectional_packets_z");
  EXPECT_EQ(names[names.size() - 2], "flow_regularity_z");
  EXPECT_EQ(names.back(), "sensor");
  for (std::size_t i = 1; i < schema.size(); ++i) {
    EXPECT_LE(schema[i - 1].group, schema[i].group) << schema[i].name;
  }
}

TEST(OutputLayout, TypesFollowTheValues) {
  const Schema schema = OutputLayout::full_default().schema();
  auto type_of = [&](const char* name) {
    const auto index = schema.index_of(name);
    EXPECT_TRUE(index.has_value()) << name;
    return schema[index.value_or(0)].type;
  };
  EXPECT_EQ(type_of("fan_in_dst"), ColumnType::kUint);
  EXPECT_EQ(type_of("label"), ColumnType::kUint);
  EXPECT_EQ(type_of("attack_cat"), ColumnType::kString);
  EXPECT_EQ(type_of("src_ip_class_Class D (multicast)"), ColumnType::kUint);
  EXPECT_EQ(type_of("fan_ratio_src"), ColumnType::kFloat);        // kRatio
  EXPECT_EQ(type_of("connection_intensity"), ColumnType::kUint);  // kCount
  EXPECT_EQ(type_of("potential_scan"), ColumnType::kUint);        // kFlag
  EXPECT_EQ(type_of("fan_total_src_z"), ColumnType::kFloat);
  EXPECT_EQ(schema[*schema.index_of("label")].group, ColumnGroup::kLabel);
  EXPECT_EQ(schema[*schema.index_of("protocol_other")].group, ColumnGroup::kEncoding);
  EXPECT_EQ(schema[*schema.index_of("flow_efficiency")].group, ColumnGroup::kDerived);
  EXPECT_EQ(schema[*schema.index_of("flow_efficiency_z")].group, ColumnGroup::kStandardized);
}

TEST(OutputLayout, EveryColumnIsDescribedOnOneLine) {
  const Schema schema = OutputLayout::full_default().schema();
  for (const Column& column : schema.columns()) {
    EXPECT_FALSE(column.description.empty()) << column.name;
    EXPECT_EQ(column.description.find('\n'), std::string::npos) << column.name;
    EXPECT_NE(column.description, "one-hot encoding column, 1 or 0") << column.name << " has the generic text";
  }
  EXPECT_NE(schema[*schema.index_of("dst_ip_class_Class E (reserved)")].description.find("240-255"), std::string::npos);
  EXPECT_NE(schema[*schema.index_of("src_port_class_Dynamic")].description.find("49152-65535"), std::string::npos);
  EXPECT_NE(schema[*schema.index_of("protocol_47")].description.find("47"), std::string::npos);
}

TEST(OutputLayout, GroupsCanBeLeftOut) {
  OutputLayout layout;
  layout.fans = false;
  layout.derived = false;
  Schema flow_and_sensor = Schema::flow_record();
  flow_and_sensor.append(layout.schema().columns().back());
  EXPECT_EQ(layout.schema(), flow_and_sensor);

  layout.attack_cat = true;
  layout.encoding_columns = {"custom_bit"};
  layout.standardized_columns = {"src2dst_bytes"};
  const std::vector<std::string> names = names_of(layout.schema());
  const std::vector<std::string> tail(names.end() - 4, names.end());
  EXPECT_EQ(tail, (std::vector<std::string>{"attack_cat", "custom_bit", "src2dst_bytes_z", "sensor"}));
  EXPECT_EQ(layout.schema()[names.size() - 3].description, "one-hot encoding column, 1 or 0");
}

TEST(OutputLayout, SensorIsTheLastColumnAndMustBeASensorId) {
  OutputLayout layout;
  layout.sensor = "tap-3.dc1:eth0";
  EXPECT_EQ(layout.schema().columns().back().name, "sensor");
  EXPECT_EQ(layout.schema().columns().back().group, ColumnGroup::kSensor);
  for (const std::string& bad : std::vector<std::string>{"", "has space", "comma,", "quote\"", std::string(65, 'x')}) {
    layout.sensor = bad;
    EXPECT_THROW(layout.schema(), std::invalid_argument) << bad;
  }
}

TEST(OutputLayout, FingerprintTellsLayoutsApart) {
  OutputLayout layout = OutputLayout::full_default();
  const std::string full = layout.schema().fingerprint();
  EXPECT_EQ(full.size(), 16u);
  EXPECT_EQ(full, OutputLayout::full_default().schema().fingerprint());  // stable
  layout.sensor = "another";
  EXPECT_EQ(layout.schema().fingerprint(), full);  // the sensor's value is not the layout
  layout.attack_cat = false;
  EXPECT_NE(layout.schema().fingerprint(), full);
  layout.attack_cat = true;
  std::swap(layout.standardized_columns[0], layout.standardized_columns[1]);
  EXPECT_NE(layout.schema().fingerprint(), full);
}

TEST(OutputLayout, RejectsWhatARecordCannotCarry) {
  OutputLayout layout;
  layout.encoding_columns.resize(65);
  for (std::size_t i = 0; i < layout.encoding_columns.size(); ++i) {
    layout.encoding_columns[i] = "bit_" + std::to_string(i);
  }
  EXPECT_THROW(layout.schema(), std::invalid_argument);
  layout.encoding_columns.resize(64);
  EXPECT_NO_THROW(layout.schema());

  layout.standardized_columns.assign(kMaxStandardizedColumns + 1, "x");
  EXPECT_THROW(layout.schema(), std::invalid_argument);

  OutputLayout duplicate;
  duplicate.standardized_columns = {"src2dst_bytes", "src2dst_bytes"};
  EXPECT_THROW(duplicate.schema(), std::invalid_argument);

  OutputLayout clash;
  clash.encoding_columns = {"label"};
  clash.label = true;
  EXPECT_THROW(clash.schema(), std::invalid_argument);

  OutputLayout comma;
  comma.encoding_columns = {"a,b"};
  EXPECT_THROW(comma.schema(), std::invalid_argument);
}

}  // namespace
}  // namespace flowfeat
