#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace flowfeat::gen {

// The bytes one side sends in one turn of a TCP dialogue: literal protocol bytes (headers, TLS
// records) interleaved with bulk filler, so that a 20 MB body costs a few bytes of memory.
// Read front to back with read().
class Message {
 public:
  enum class Filler : std::uint8_t { kText, kBinary };

  Message() = default;
  explicit Message(std::string_view literal) { add(literal); }

  Message& add(std::string_view literal);
  Message& add_filler(std::size_t length, Filler kind);
  // Appends all of other's bytes (other must be unread).
  Message& append(const Message& other);

  std::size_t size() const noexcept { return size_; }
  bool done() const noexcept { return position_ == size_; }

  // Copies the next bytes, at most max of them, to out; returns how many were copied.
  std::size_t read(std::uint8_t* out, std::size_t max);

 private:
  struct Chunk {
    std::size_t length;
    std::size_t literal_offset;  // into literals_; unused for filler
    bool is_filler;
    Filler filler;
  };

  std::string literals_;
  std::vector<Chunk> chunks_;
  std::size_t size_ = 0;
  std::size_t position_ = 0;
  std::size_t chunk_ = 0;         // chunk holding position_
  std::size_t chunk_offset_ = 0;  // position_ within that chunk
};

}  // namespace flowfeat::gen
