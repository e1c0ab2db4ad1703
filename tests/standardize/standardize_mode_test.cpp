#include "flowfeat/standardize/standardize_mode.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace flowfeat {
namespace {

TEST(StandardizeModeTest, NamesRoundTrip) {
  for (const StandardizeMode mode : {StandardizeMode::kRunning, StandardizeMode::kFrozen, StandardizeMode::kEwm}) {
    EXPECT_EQ(parse_standardize_mode(to_string(mode)), mode) << to_string(mode);
  }
  EXPECT_EQ(to_string(StandardizeMode::kRunning), "running");
  EXPECT_EQ(to_string(StandardizeMode::kFrozen), "frozen");
  EXPECT_EQ(to_string(StandardizeMode::kEwm), "ewm");
}

TEST(StandardizeModeTest, RejectsOtherSpellings) {
  for (const std::string text : {"", "Running", "EWM", "run", "frozen ", "ewma"}) {
    EXPECT_EQ(parse_standardize_mode(text), std::nullopt) << "'" << text << "'";
  }
}

}  // namespace
}  // namespace flowfeat
