#pragma once

#include <zlib.h>

#include <cstddef>
#include <memory>
#include <span>

namespace flowfeat::detail {

// Compresses each chunk it is given into one complete gzip member (RFC 1952). Members appended to
// one file make a valid .gz that gzip -d, zcat and gzread read whole, and a file cut after any
// member stays valid. The deflate state and output buffer are allocated once. Owned by one
// thread; not thread-safe.
class GzipMemberEncoder {
 public:
  // Room for chunks of up to max_input bytes. Throws std::invalid_argument for a level outside
  // 0-9, std::bad_alloc when zlib cannot allocate.
  GzipMemberEncoder(int level, std::size_t max_input);
  ~GzipMemberEncoder();

  GzipMemberEncoder(const GzipMemberEncoder&) = delete;
  GzipMemberEncoder& operator=(const GzipMemberEncoder&) = delete;

  // The member holding data (size <= max_input); valid until the next call. Empty only if zlib
  // fails, which with a sufficient output buffer it does not.
  std::span<const char> encode(const char* data, std::size_t size) noexcept;

 private:
  z_stream stream_{};
  std::unique_ptr<char[]> out_;
  std::size_t out_capacity_ = 0;
  std::size_t max_input_ = 0;
};

}  // namespace flowfeat::detail
