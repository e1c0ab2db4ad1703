#include "field_text.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>

namespace flowfeat {
namespace {

std::string library_text(double value) {
  char buffer[64];
  return std::string(buffer, std::to_chars(buffer, buffer + sizeof buffer, value).ptr);
}

std::string put_double_text(double value) {
  char buffer[64];
  return std::string(buffer, detail::put_double(buffer, value));
}

// Every value must come out exactly as std::to_chars writes it: the files' bytes do not change.
void expect_same_text(double value) {
  ASSERT_EQ(put_double_text(value), library_text(value)) << "bits " << std::bit_cast<std::uint64_t>(value);
}

TEST(PutDouble, WholeNumbersAreWrittenAsToCharsWritesThem) {
  for (std::int64_t i = -100000; i <= 1000000; ++i) expect_same_text(static_cast<double>(i));
  // Every digit count, trailing zeros from none to all: the fixed/scientific choice turns on them.
  for (std::uint64_t power = 1, exponent = 0; exponent <= 15; ++exponent, power *= 10) {
    for (std::uint64_t lead = 1; lead <= 99; ++lead) {
      for (std::uint64_t tail : {0ull, 1ull, 5ull, 10ull, 25ull, 100ull, 999ull}) {
        const double value = static_cast<double>(lead * power + tail);
        expect_same_text(value);
        expect_same_text(-value);
      }
    }
  }
  expect_same_text(9007199254740991.0);   // 2^53 - 1, the largest taking the short path
  expect_same_text(9007199254740992.0);   // 2^53
  expect_same_text(-9007199254740991.0);
  expect_same_text(1e16);
  expect_same_text(1e22);
  std::mt19937_64 random(20261204);
  for (int i = 0; i < 2'000'000; ++i) {
    const int bits = static_cast<int>(random() % 54);
    const std::uint64_t magnitude = bits == 0 ? 0 : random() >> (64 - bits);
    const double value = static_cast<double>(magnitude);
    expect_same_text(random() % 2 ? value : -value);
  }
}

TEST(PutDouble, ZeroKeepsItsSign) {
  EXPECT_EQ(put_double_text(0.0), "0");
  EXPECT_EQ(put_double_text(-0.0), "-0");
  expect_same_text(-0.0);
}

TEST(PutDouble, FractionsAndSpecialValuesTakeTheGeneralConversion) {
  for (double value : {0.5, -0.25, 1.0 / 3.0, 57.999942000058006, 1e-300, 4.9e-324, 1.7976931348623157e308,
                       -2.2250738585072014e-308, 4503599627370495.5, std::nan(""), HUGE_VAL, -HUGE_VAL}) {
    expect_same_text(value);
  }
  std::mt19937_64 random(7);
  for (int i = 0; i < 1'000'000; ++i) {
    const double value = std::bit_cast<double>(random());
    if (!std::isnan(value)) expect_same_text(value);
  }
}

}  // namespace
}  // namespace flowfeat
