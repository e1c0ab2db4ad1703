#include "csv_records.hpp"

#include <algorithm>
#include <cstring>

namespace flowfeat::enrich_detail {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
// Reads start small (most files are, and a block is zero-filled) and grow to a size that makes the
// system calls of a file of millions of rows few.
constexpr std::size_t kFirstBlockBytes = std::size_t{64} << 10;
constexpr std::size_t kLargestBlockBytes = std::size_t{4} << 20;

bool is_space(char c) noexcept { return c == ' ' || c == '\t'; }

std::string_view trimmed(std::string_view text) noexcept {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

bool is_blank(std::string_view line) noexcept { return std::all_of(line.begin(), line.end(), is_space); }

void trim_right(std::string& text) {
  while (!text.empty() && is_space(text.back())) text.pop_back();
}

}  // namespace

CsvRecords::CsvRecords(std::istream& in) : in_(in), block_bytes_(kFirstBlockBytes) {}

void CsvRecords::read_more() {
  data_.erase(0, pos_);  // what was split is no longer needed: views are valid until the next call
  pos_ = 0;
  const std::size_t kept = data_.size();
  data_.resize(kept + block_bytes_);
  in_.read(data_.data() + kept, static_cast<std::streamsize>(block_bytes_));
  block_bytes_ = std::min(block_bytes_ * 2, kLargestBlockBytes);
  const auto got = static_cast<std::size_t>(in_.gcount());
  data_.resize(kept + got);
  if (got == 0) end_of_input_ = true;
}

bool CsvRecords::next_line(std::string_view& line) {
  for (;;) {
    const char* start = data_.data() + pos_;
    const std::size_t available = data_.size() - pos_;
    const auto* newline = static_cast<const char*>(std::memchr(start, '\n', available));
    if (newline != nullptr || (end_of_input_ && available != 0)) {
      const std::size_t length = newline != nullptr ? static_cast<std::size_t>(newline - start) : available;
      line = {start, length};
      pos_ += newline != nullptr ? length + 1 : length;
      if (++line_ == 1 && line.starts_with(kUtf8Bom)) line.remove_prefix(kUtf8Bom.size());
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      return true;
    }
    if (end_of_input_) return false;
    read_more();
  }
}

bool CsvRecords::next(std::vector<std::string_view>& fields, std::string& error) {
  fields.clear();
  error.clear();
  unquoted_.clear();
  std::string_view line;
  do {
    if (!next_line(line)) return false;
  } while (is_blank(line));
  record_line_ = line_;
  if (line.find('"') != std::string_view::npos) return split_quoted(line, fields, error);
  for (;;) {
    const std::size_t comma = line.find(',');
    fields.push_back(trimmed(line.substr(0, comma)));
    if (comma == std::string_view::npos) return true;
    line.remove_prefix(comma + 1);
  }
}

bool CsvRecords::split_quoted(std::string_view line, std::vector<std::string_view>& fields, std::string& error) {
  enum class State : std::uint8_t { kStart, kUnquoted, kQuoted, kAfterQuote };
  State state = State::kStart;
  std::string field;
  const auto finish = [&] {
    unquoted_.push_back(std::move(field));
    field.clear();
  };
  std::size_t i = 0;
  for (;;) {
    if (i == line.size()) {
      if (state == State::kQuoted) {
        if (!next_line(line)) {
          error = "unterminated quoted field";
          break;
        }
        field += '\n';
        i = 0;
        continue;
      }
      if (state == State::kUnquoted) trim_right(field);
      finish();
      break;
    }
    const char c = line[i++];
    switch (state) {
      case State::kStart:
        if (c == '"') {
          state = State::kQuoted;
        } else if (c == ',') {
          finish();
        } else if (!is_space(c)) {
          field += c;
          state = State::kUnquoted;
        }
        break;
      case State::kUnquoted:
        if (c == ',') {
          trim_right(field);
          finish();
          state = State::kStart;
        } else {
          field += c;
        }
        break;
      case State::kQuoted:
        if (c != '"') {
          field += c;
        } else if (i < line.size() && line[i] == '"') {
          field += '"';
          ++i;
        } else {
          state = State::kAfterQuote;
        }
        break;
      case State::kAfterQuote:
        if (c == ',') {
          finish();
          state = State::kStart;
        } else if (!is_space(c)) {
          error = "text after the closing quote of a field";
          return true;
        }
        break;
    }
  }
  for (const std::string& f : unquoted_) fields.emplace_back(f);
  return true;
}

}  // namespace flowfeat::enrich_detail
