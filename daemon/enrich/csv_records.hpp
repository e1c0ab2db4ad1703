#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

namespace flowfeat::enrich_detail {

// Splits CSV records (RFC 4180: quoted fields may hold commas, doubled quotes and line breaks) from
// a stream read in large blocks, dropping a leading UTF-8 byte order mark, CR before LF, blank
// lines and spaces or tabs around fields. Fields are views, valid until the next call: a line
// without quotes (nearly every line of a ground-truth file) is split in place, without a copy.
class CsvRecords {
 public:
  explicit CsvRecords(std::istream& in);

  // False at the end of input. Otherwise fields holds the record, or error says why it cannot be split.
  bool next(std::vector<std::string_view>& fields, std::string& error);

  // Line (1-based) on which the last record returned by next() starts.
  std::uint64_t record_line() const noexcept { return record_line_; }

  bool failed() const { return in_.bad(); }

 private:
  bool next_line(std::string_view& line);
  void read_more();
  bool split_quoted(std::string_view line, std::vector<std::string_view>& fields, std::string& error);

  std::istream& in_;
  std::string data_;  // read, from pos_ on not yet split
  std::size_t pos_ = 0;
  std::size_t block_bytes_;  // of the next read
  bool end_of_input_ = false;
  std::deque<std::string> unquoted_;  // the fields of a record with quotes, unescaped
  std::uint64_t line_ = 0;
  std::uint64_t record_line_ = 0;
};

}  // namespace flowfeat::enrich_detail
