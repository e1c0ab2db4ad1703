#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "../field_text.hpp"
#include "flowfeat/core/ip_address.hpp"
#include "flowfeat/sink/arrow/record_batch_builder.hpp"

// The column buffers of one record batch and the two visitors of sink/record_fields.hpp that fill
// them: one that learns each column's type, one that appends a record's values.
namespace flowfeat::arrow_detail {

// The type of integer field T in a batch: its own width up to 16 bits, int64 beyond.
template <class T>
constexpr ArrowColumnType integer_type() noexcept {
  if constexpr (sizeof(T) == 1) {
    return ArrowColumnType::kUint8;
  } else if constexpr (sizeof(T) == 2) {
    return ArrowColumnType::kUint16;
  } else {
    return ArrowColumnType::kInt64;
  }
}

// Records the type of every field, in order, from the calls a record's fields make.
class TypeProbe {
 public:
  std::vector<ArrowColumnType> types;

  void ip(const IpAddress&) { types.push_back(ArrowColumnType::kUtf8); }
  void text(std::string_view) { types.push_back(ArrowColumnType::kDictionary); }
  template <class T>
  void uint(T) {
    types.push_back(integer_type<T>());
  }
  void real(double) { types.push_back(ArrowColumnType::kFloat64); }
  void whole(double) { types.push_back(ArrowColumnType::kInt64); }
  void flag_in_double(double) { types.push_back(ArrowColumnType::kBool); }
  void flag(bool) { types.push_back(ArrowColumnType::kBool); }
};

// Text values with their offsets: a utf8 array's buffers.
struct TextBuffers {
  std::vector<std::int32_t> offsets{0};
  std::vector<char> bytes;

  void append(std::string_view text) {
    bytes.insert(bytes.end(), text.begin(), text.end());
    offsets.push_back(static_cast<std::int32_t>(bytes.size()));
  }
};

// A string's hash and equality that also take string_views, so a lookup builds no string.
struct TextHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const noexcept { return std::hash<std::string_view>{}(text); }
};

// The values of one column of the batch being built. Which members are in use depends on type.
struct ColumnBuffers {
  explicit ColumnBuffers(ArrowColumnType column_type) : type(column_type) {}

  ArrowColumnType type;
  std::vector<unsigned char> values;   // fixed-width values; bool: bits, least significant first
  TextBuffers text;                    // utf8 values; a dictionary's distinct values
  std::vector<std::int32_t> codes;     // a dictionary's indices into text
  std::unordered_map<std::string, std::int32_t, TextHash, std::equal_to<>> code_of;  // dictionary
  std::vector<unsigned char> validity;  // one bit a row, once some row is null; empty while none is
  std::size_t nulls = 0;

  // Whether the value of row is there: a count or flag carried in a double that is not one (nan, a
  // fraction) is null, as JSON Lines writes null for it. Called for every row of such a column.
  void set_valid(bool valid, std::size_t row) {
    if (validity.empty()) {
      if (valid) return;
      validity.assign(row / 8 + 1, 0xff);  // the rows before were all valid
      validity.back() = static_cast<unsigned char>((1u << (row % 8)) - 1);
    } else if (row % 8 == 0) {
      validity.push_back(0);
    }
    if (valid) {
      validity.back() = static_cast<unsigned char>(validity.back() | (1u << (row % 8)));
    } else {
      ++nulls;
    }
  }

  template <class T>
  void append_fixed(T value) {
    const std::size_t at = values.size();
    values.resize(at + sizeof(T));
    std::memcpy(values.data() + at, &value, sizeof(T));
  }

  void append_bit(bool set, std::size_t row) {
    if (row % 8 == 0) values.push_back(0);
    if (set) values.back() = static_cast<unsigned char>(values.back() | (1u << (row % 8)));
  }

  void append_code(std::string_view value) {
    auto it = code_of.find(value);
    if (it == code_of.end()) {
      it = code_of.emplace(std::string(value), static_cast<std::int32_t>(code_of.size())).first;
      text.append(value);
    }
    codes.push_back(it->second);
  }
};

// Appends one record's values, one field after the other, to the columns of the batch.
class ArrowFields {
 public:
  ArrowFields(std::vector<ColumnBuffers>& columns, std::size_t row) noexcept : column_(columns.data()), row_(row) {}

  void ip(const IpAddress& address) {
    char text[detail::kMaxIpChars + 1];
    (column_++)->text.append({text, static_cast<std::size_t>(detail::put_ip(text, address) - text)});
  }
  void text(std::string_view value) { (column_++)->append_code(value); }
  template <class T>
  void uint(T value) {
    if constexpr (integer_type<T>() == ArrowColumnType::kInt64) {
      // Counters and times stay far below 2^63; one that does not fit is null, not negative.
      const bool valid = static_cast<std::uint64_t>(value) <= static_cast<std::uint64_t>(INT64_MAX);
      column_->set_valid(valid, row_);
      (column_++)->append_fixed(valid ? static_cast<std::int64_t>(value) : std::int64_t{0});
    } else {
      (column_++)->append_fixed(value);
    }
  }
  void real(double value) { (column_++)->append_fixed(value); }
  void whole(double value) {
    // A whole number in int64's range; anything else (never made by the stages) is null.
    const bool valid = value >= -9223372036854775808.0 && value < 9223372036854775808.0 && std::trunc(value) == value;
    column_->set_valid(valid, row_);
    (column_++)->append_fixed(valid ? static_cast<std::int64_t>(value) : std::int64_t{0});
  }
  void flag_in_double(double value) {
    const bool valid = value == 0.0 || value == 1.0;
    column_->set_valid(valid, row_);
    (column_++)->append_bit(value == 1.0, row_);
  }
  void flag(bool set) { (column_++)->append_bit(set, row_); }

 private:
  ColumnBuffers* column_;
  std::size_t row_;
};

}  // namespace flowfeat::arrow_detail
