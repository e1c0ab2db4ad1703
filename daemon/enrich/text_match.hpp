#pragma once

#include <algorithm>
#include <string_view>

// Comparisons of ground-truth texts: header names and protocol names match ignoring ASCII case.
namespace flowfeat::enrich_detail {

inline char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

inline bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

}  // namespace flowfeat::enrich_detail
