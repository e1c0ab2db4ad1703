#pragma once

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "flowfeat/core/ip_address.hpp"

// Value-to-text primitives shared by the CSV and JSON Lines formatters. Each writes at out, which
// must have room for the bound given beside it, and returns the end of what it wrote.
namespace flowfeat::detail {

inline constexpr std::size_t kMaxUintChars = 20;    // 18446744073709551615
inline constexpr std::size_t kMaxDoubleChars = 24;  // -2.2250738585072014e-308
inline constexpr std::size_t kMaxIpChars = INET6_ADDRSTRLEN - 1;

inline char* put_uint(char* out, std::uint64_t value) noexcept {
  return std::to_chars(out, out + kMaxUintChars, value).ptr;
}

// A whole number below 2^53 in magnitude, in exactly the text std::to_chars(double) gives it:
// its shortest round-trip digits are its own digits without the trailing zeros (a double that close
// to zero is at most 1 from the next one), written fixed, or in scientific notation when that is
// strictly shorter (1e+06, 5.8e+07; 10000 stays). Counts and rates that come out whole skip the
// general conversion, which costs about 550 instructions a value.
inline char* put_small_whole_double(char* out, double value) noexcept {
  if (value == 0.0) {
    if (std::signbit(value)) *out++ = '-';
    *out++ = '0';
    return out;
  }
  if (value < 0.0) *out++ = '-';
  char digits[kMaxUintChars];
  const char* end = std::to_chars(digits, digits + sizeof digits, static_cast<std::uint64_t>(std::fabs(value))).ptr;
  const auto length = static_cast<std::size_t>(end - digits);
  std::size_t significant = length;
  while (digits[significant - 1] == '0') --significant;
  // d[.ddd]e+XX: the exponent (length - 1 < 16) takes two digits.
  const std::size_t scientific = significant + (significant > 1 ? 1 : 0) + 4;
  if (scientific >= length) {
    std::memcpy(out, digits, length);
    return out + length;
  }
  *out++ = digits[0];
  if (significant > 1) {
    *out++ = '.';
    std::memcpy(out, digits + 1, significant - 1);
    out += significant - 1;
  }
  const std::size_t exponent = length - 1;
  *out++ = 'e';
  *out++ = '+';
  *out++ = static_cast<char>('0' + exponent / 10);
  *out++ = static_cast<char>('0' + exponent % 10);
  return out;
}

// Shortest round-trip form, so a reader gets the exact double back. Non-finite values come out
// as to_chars writes them (nan, inf, -inf).
inline char* put_double(char* out, double value) noexcept {
  constexpr double kExactWholes = 9007199254740992.0;  // 2^53
  if (std::fabs(value) < kExactWholes && std::trunc(value) == value) return put_small_whole_double(out, value);
  return std::to_chars(out, out + kMaxDoubleChars + 8, value).ptr;
}

// A count or flag carried in a double, written as an integer. A value that is not a whole number in
// range keeps its double form rather than losing digits silently.
inline char* put_whole(char* out, double value) noexcept {
  if (value >= 0.0 && value < 18446744073709551616.0) {
    const auto whole = static_cast<std::uint64_t>(value);
    if (static_cast<double>(whole) == value) {
      return put_uint(out, whole);
    }
  }
  return put_double(out, value);
}

// Same text as IpAddress::to_string(), written in place; nothing for a missing address. IPv4 is
// formatted here because glibc's inet_ntop goes through sprintf, which dominated the cost of a
// row; IPv6 keeps inet_ntop for its zero-run and embedded-IPv4 rules.
inline char* put_ip(char* out, const IpAddress& ip) noexcept {
  if (ip.version == 4) {
    for (int i = 0; i < 4; ++i) {
      if (i > 0) {
        *out++ = '.';
      }
      out = std::to_chars(out, out + 3, ip.bytes[i]).ptr;
    }
    return out;
  }
  if (ip.version != 6 || ::inet_ntop(AF_INET6, ip.bytes.data(), out, INET6_ADDRSTRLEN) == nullptr) {
    return out;
  }
  return out + std::strlen(out);
}

// Text of a fixed-size NUL-terminated array; a name filling the array without a terminator must
// not run past it.
template <std::size_t N>
std::string_view fixed_text(const std::array<char, N>& text) noexcept {
  return {text.data(), ::strnlen(text.data(), N)};
}

inline constexpr std::size_t csv_text_bound(std::size_t chars) noexcept { return 2 * chars + 2; }

// RFC 4180: quote only a field holding a comma, quote or line break; double inner quotes.
inline char* put_csv_text(char* out, std::string_view text) noexcept {
  // One pass over the text; find_first_of would call memchr once per special character.
  const bool needs_quotes =
      std::any_of(text.begin(), text.end(), [](char c) { return c == ',' || c == '"' || c == '\n' || c == '\r'; });
  if (!needs_quotes) {
    std::memcpy(out, text.data(), text.size());
    return out + text.size();
  }
  *out++ = '"';
  for (const char c : text) {
    if (c == '"') {
      *out++ = '"';
    }
    *out++ = c;
  }
  *out++ = '"';
  return out;
}

inline constexpr std::size_t json_text_bound(std::size_t chars) noexcept { return 6 * chars + 2; }

// A JSON string (RFC 8259): quotes, backslash and control characters escaped; other bytes, UTF-8
// included, pass through unchanged.
inline char* put_json_text(char* out, std::string_view text) noexcept {
  static constexpr char kHex[] = "0123456789abcdef";
  *out++ = '"';
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      *out++ = '\\';
      *out++ = c;
    } else if (byte >= 0x20) {
      *out++ = c;
    } else if (c == '\n') {
      *out++ = '\\';
      *out++ = 'n';
    } else if (c == '\r') {
      *out++ = '\\';
      *out++ = 'r';
    } else if (c == '\t') {
      *out++ = '\\';
      *out++ = 't';
    } else {
      std::memcpy(out, "\\u00", 4);
      out[4] = kHex[byte >> 4];
      out[5] = kHex[byte & 0xf];
      out += 6;
    }
  }
  *out++ = '"';
  return out;
}

}  // namespace flowfeat::detail
