#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace flowfeat::testing {

// Splits CSV text (RFC 4180 quoting, LF or CRLF line ends, quoted fields may hold newlines) into
// rows of fields. Throws std::runtime_error on an unterminated quoted field.
inline std::vector<std::vector<std::string>> parse_csv_text(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      if (!field.empty() && field.back() == '\r') field.pop_back();
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
    } else {
      field += c;
    }
  }
  if (quoted) throw std::runtime_error("unterminated quoted field");
  if (!row.empty() || !field.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace flowfeat::testing
