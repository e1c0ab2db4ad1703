#include "gzip_member_encoder.hpp"

#include <new>
#include <stdexcept>
#include <string>

namespace flowfeat::detail {
namespace {

constexpr int kGzipWindowBits = 15 + 16;  // 32 KiB window, gzip wrapper instead of zlib's
constexpr int kMemLevel = 8;              // zlib's default

}  // namespace

GzipMemberEncoder::GzipMemberEncoder(int level, std::size_t max_input) : max_input_(max_input) {
  if (level < 0 || level > 9) {
    throw std::invalid_argument("gzip level must be 0-9, not " + std::to_string(level));
  }
  if (deflateInit2(&stream_, level, Z_DEFLATED, kGzipWindowBits, kMemLevel, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::bad_alloc();
  }
  // deflateBound covers the gzip header and trailer of a stream initialised as above.
  out_capacity_ = deflateBound(&stream_, static_cast<uLong>(max_input));
  out_ = std::make_unique_for_overwrite<char[]>(out_capacity_);
}

GzipMemberEncoder::~GzipMemberEncoder() { deflateEnd(&stream_); }

std::span<const char> GzipMemberEncoder::encode(const char* data, std::size_t size) noexcept {
  if (size > max_input_ || deflateReset(&stream_) != Z_OK) {
    return {};
  }
  // zlib's interface is not const-correct; it only reads next_in.
  stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
  stream_.avail_in = static_cast<uInt>(size);
  stream_.next_out = reinterpret_cast<Bytef*>(out_.get());
  stream_.avail_out = static_cast<uInt>(out_capacity_);
  if (deflate(&stream_, Z_FINISH) != Z_STREAM_END) {
    return {};
  }
  return {out_.get(), out_capacity_ - stream_.avail_out};
}

}  // namespace flowfeat::detail
