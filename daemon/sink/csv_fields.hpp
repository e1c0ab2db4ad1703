#pragma once

#include <cstdint>
#include <string_view>

#include "field_text.hpp"
#include "flowfeat/core/ip_address.hpp"

namespace flowfeat::detail {

// Appends the fields of one CSV row: each value followed by a comma, the last comma turned into
// the line end. Writes into a caller buffer sized by the formatter's bound; no checks.
class CsvFields {
 public:
  explicit CsvFields(char* out) noexcept : out_(out) {}

  void ip(const IpAddress& address) noexcept { next(put_ip(out_, address)); }
  void text(std::string_view text) noexcept { next(put_csv_text(out_, text)); }
  void uint(std::uint64_t value) noexcept { next(put_uint(out_, value)); }
  void real(double value) noexcept { next(put_double(out_, value)); }
  void whole(double value) noexcept { next(put_whole(out_, value)); }
  void flag_in_double(double value) noexcept { whole(value); }
  void flag(bool set) noexcept {
    *out_ = set ? '1' : '0';
    next(out_ + 1);
  }

  // Ends the row with LF in place of the last comma; at least one field must have been written.
  char* end_line() noexcept {
    out_[-1] = '\n';
    return out_;
  }

 private:
  void next(char* end) noexcept {
    *end = ',';
    out_ = end + 1;
  }

  char* out_;
};

}  // namespace flowfeat::detail
