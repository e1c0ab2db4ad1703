#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "field_text.hpp"
#include "flowfeat/core/ip_address.hpp"

namespace flowfeat::detail {

// Appends the members of one JSON object on one line. keys[i] is the text before value i: '{' or
// ',' then the escaped, quoted column name and ':'; precomputed so a record only copies them.
// Non-finite numbers become null. Writes into a caller buffer sized by the formatter's bound.
class JsonFields {
 public:
  JsonFields(char* out, const std::string* keys) noexcept : out_(out), key_(keys) {}

  void ip(const IpAddress& address) noexcept {
    key();
    *out_++ = '"';
    out_ = put_ip(out_, address);
    *out_++ = '"';
  }
  void text(std::string_view text) noexcept {
    key();
    out_ = put_json_text(out_, text);
  }
  void uint(std::uint64_t value) noexcept {
    key();
    out_ = put_uint(out_, value);
  }
  void real(double value) noexcept {
    key();
    out_ = std::isfinite(value) ? put_double(out_, value) : null();
  }
  void whole(double value) noexcept {
    key();
    out_ = std::isfinite(value) ? put_whole(out_, value) : null();
  }
  void flag_in_double(double value) noexcept { whole(value); }
  void flag(bool set) noexcept {
    key();
    *out_++ = set ? '1' : '0';
  }

  char* end_line() noexcept {
    *out_++ = '}';
    *out_++ = '\n';
    return out_;
  }

 private:
  void key() noexcept {
    std::memcpy(out_, key_->data(), key_->size());
    out_ += key_->size();
    ++key_;
  }
  char* null() noexcept {
    std::memcpy(out_, "null", 4);
    return out_ + 4;
  }

  char* out_;
  const std::string* key_;
};

}  // namespace flowfeat::detail
