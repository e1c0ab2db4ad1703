#include "flowfeat/core/numeric_field.hpp"

#include <gtest/gtest.h>

#include "flowfeat/core/standardized_columns.hpp"

namespace flowfeat {
namespace {

TEST(NumericField, ReadsEachSource) {
  FeatureRecord r;
  r.flow.bidirectional_first_seen_ms = 1000;
  r.flow.bidirectional_last_seen_ms = 1750;
  r.flow.dst2src_piat_ms.stddev = 2.5;
  r.fans.fan_in_src = 7;
  r.derived_value(DerivedFeature::kFlowRegularity) = -0.25;
  EXPECT_EQ(NumericField::find("bidirectional_duration_ms")->read(r), 750.0);
  EXPECT_EQ(NumericField::find("dst2src_stddev_piat_ms")->read(r), 2.5);
  EXPECT_EQ(NumericField::find("fan_in_src")->read(r), 7.0);
  EXPECT_EQ(NumericField::find("flow_regularity")->read(r), -0.25);
}

TEST(NumericField, RejectsNonNumericAndUnknownNames) {
  EXPECT_FALSE(NumericField::find("src_ip"));
  EXPECT_FALSE(NumericField::find("application_name"));
  EXPECT_FALSE(NumericField::find("fan_out"));
  EXPECT_FALSE(NumericField::find(""));
}

TEST(NumericField, EveryDefaultStandardizedColumnResolves) {
  for (const std::string& name : default_standardized_columns()) {
    EXPECT_TRUE(NumericField::find(name)) << name;
  }
  EXPECT_EQ(default_standardized_columns().size(), 37u);
}

TEST(NumericField, NamesListsWhatFindAccepts) {
  const auto names = NumericField::names();
  EXPECT_EQ(names.size(), 21u + 4u + kDerivedFeatureCount);
  for (std::string_view name : names) EXPECT_TRUE(NumericField::find(name)) << name;
}

}  // namespace
}  // namespace flowfeat
