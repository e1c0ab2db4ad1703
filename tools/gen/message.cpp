#include "message.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace flowfeat::gen {
namespace {

// Page-like text for HTTP bodies and mail, so that text bodies look like text to an inspector.
constexpr std::string_view kText =
    "<div class=\"item\"><h2>Lorem ipsum dolor sit amet</h2><p>Consectetur adipiscing elit, sed do "
    "eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud "
    "exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat.</p><a href=\"/articles/"
    "2023/11/duis-aute-irure\">Duis aute irure dolor</a> in reprehenderit in voluptate velit esse "
    "cillum dolore eu fugiat nulla pariatur.</div>\n";

// High-entropy bytes for encrypted payloads: a fixed table, identical for every seed, so that
// bulk data costs no random draws.
const std::array<std::uint8_t, 65536>& binary_table() {
  static const auto table = [] {
    std::array<std::uint8_t, 65536> t{};
    std::uint64_t x = 0x9e3779b97f4a7c15u;
    for (std::size_t i = 0; i < t.size(); i += 8) {
      // splitmix64
      x += 0x9e3779b97f4a7c15u;
      std::uint64_t z = x;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
      z ^= z >> 31;
      for (std::size_t b = 0; b < 8; ++b) t[i + b] = static_cast<std::uint8_t>(z >> (8 * b));
    }
    return t;
  }();
  return table;
}

void copy_cyclic(const std::uint8_t* table, std::size_t table_size, std::size_t offset, std::uint8_t* out,
                 std::size_t n) {
  while (n > 0) {
    const std::size_t at = offset % table_size;
    const std::size_t step = std::min(n, table_size - at);
    std::memcpy(out, table + at, step);
    out += step;
    offset += step;
    n -= step;
  }
}

}  // namespace

Message& Message::add(std::string_view literal) {
  if (literal.empty()) return *this;
  chunks_.push_back(Chunk{literal.size(), literals_.size(), false, Filler::kText});
  literals_.append(literal);
  size_ += literal.size();
  return *this;
}

Message& Message::add_filler(std::size_t length, Filler kind) {
  if (length == 0) return *this;
  chunks_.push_back(Chunk{length, 0, true, kind});
  size_ += length;
  return *this;
}

Message& Message::append(const Message& other) {
  for (const Chunk& c : other.chunks_) {
    if (c.is_filler) {
      add_filler(c.length, c.filler);
    } else {
      add(std::string_view(other.literals_).substr(c.literal_offset, c.length));
    }
  }
  return *this;
}

std::size_t Message::read(std::uint8_t* out, std::size_t max) {
  std::size_t copied = 0;
  while (copied < max && chunk_ < chunks_.size()) {
    const Chunk& c = chunks_[chunk_];
    const std::size_t n = std::min(max - copied, c.length - chunk_offset_);
    if (!c.is_filler) {
      std::memcpy(out + copied, literals_.data() + c.literal_offset + chunk_offset_, n);
    } else if (c.filler == Filler::kText) {
      copy_cyclic(reinterpret_cast<const std::uint8_t*>(kText.data()), kText.size(), chunk_offset_, out + copied, n);
    } else {
      copy_cyclic(binary_table().data(), binary_table().size(), chunk_ * 4099 + chunk_offset_, out + copied, n);
    }
    copied += n;
    chunk_offset_ += n;
    if (chunk_offset_ == c.length) {
      ++chunk_;
      chunk_offset_ = 0;
    }
  }
  position_ += copied;
  return copied;
}

}  // namespace flowfeat::gen
