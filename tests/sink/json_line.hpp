#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

// A strict reader of the JSON Lines the sink writes: one object of scalar members per line.
namespace flowfeat::testing {

struct JsonMember {
  enum class Kind { kString, kNumber, kNull, kTrue, kFalse };
  std::string key;
  Kind kind = Kind::kNull;
  std::string value;  // unescaped text of a string, the literal text of a number
};

// Parses a line (without its LF) holding exactly one JSON object whose values are scalars, by the
// grammar of RFC 8259. Throws std::runtime_error naming the offset of the first deviation.
class JsonLineParser {
 public:
  static std::vector<JsonMember> parse(std::string_view line) {
    JsonLineParser parser(line);
    std::vector<JsonMember> members = parser.object();
    parser.whitespace();
    if (parser.pos_ != line.size()) parser.error("text after the object");
    return members;
  }

 private:
  explicit JsonLineParser(std::string_view text) : text_(text) {}

  [[noreturn]] void error(const char* what) const {
    throw std::runtime_error(std::string(what) + " at offset " + std::to_string(pos_) + " of: " + std::string(text_));
  }
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  void expect(char c) {
    if (peek() != c) error((std::string("expected '") + c + "'").c_str());
    ++pos_;
  }
  void whitespace() {
    while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\r' || peek() == '\n')) ++pos_;
  }

  std::vector<JsonMember> object() {
    std::vector<JsonMember> members;
    whitespace();
    expect('{');
    whitespace();
    if (peek() == '}') {
      ++pos_;
      return members;
    }
    while (true) {
      whitespace();
      JsonMember member;
      member.key = string();
      whitespace();
      expect(':');
      whitespace();
      value(member);
      members.push_back(std::move(member));
      whitespace();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      expect('}');
      return members;
    }
  }

  void value(JsonMember& member) {
    const char c = peek();
    if (c == '"') {
      member.kind = JsonMember::Kind::kString;
      member.value = string();
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      member.kind = JsonMember::Kind::kNumber;
      member.value = number();
    } else if (literal("null")) {
      member.kind = JsonMember::Kind::kNull;
    } else if (literal("true")) {
      member.kind = JsonMember::Kind::kTrue;
    } else if (literal("false")) {
      member.kind = JsonMember::Kind::kFalse;
    } else {
      error("expected a scalar value");
    }
  }

  bool literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  std::size_t digits() {
    const std::size_t start = pos_;
    while (peek() >= '0' && peek() <= '9') ++pos_;
    return pos_ - start;
  }

  // -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
  std::string number() {
    const std::size_t start = pos_;
    if (peek() == '-') ++pos_;
    if (peek() == '0') {
      ++pos_;
    } else if (digits() == 0) {
      error("number without digits");
    }
    if (peek() == '.') {
      ++pos_;
      if (digits() == 0) error("no digits after the decimal point");
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      if (digits() == 0) error("no digits in the exponent");
    }
    return std::string(text_.substr(start, pos_ - start));
  }

  std::uint32_t hex4() {
    std::uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = peek();
      value <<= 4;
      if (c >= '0' && c <= '9') {
        value |= static_cast<std::uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        value |= static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        value |= static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        error("bad \\u escape");
      }
      ++pos_;
    }
    return value;
  }

  static void append_utf8(std::string& out, std::uint32_t code) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xc0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3f));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xe0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (code & 0x3f));
    } else {
      out += static_cast<char>(0xf0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3f));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (code & 0x3f));
    }
  }

  std::string string() {
    expect('"');
    std::string out;
    while (true) {
      if (at_end()) error("unterminated string");
      const char c = text_[pos_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20) error("raw control character in a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      const char e = peek();
      ++pos_;
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          std::uint32_t code = hex4();
          if (code >= 0xd800 && code < 0xdc00) {
            if (!literal("\\u")) error("lone high surrogate");
            const std::uint32_t low = hex4();
            if (low < 0xdc00 || low >= 0xe000) error("bad low surrogate");
            code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
          } else if (code >= 0xdc00 && code < 0xe000) {
            error("lone low surrogate");
          }
          append_utf8(out, code);
          break;
        }
        default:
          error("unknown escape");
      }
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace flowfeat::testing
