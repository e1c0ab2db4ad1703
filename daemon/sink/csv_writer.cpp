#include "flowfeat/sink/csv_writer.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>
#include <tuple>
#include <utility>

#include "flowfeat/sink/schema.hpp"

namespace flowfeat {
namespace {

// Sizes of the variable-length fields, to check kMaxRowBytes at compile time: 31 columns, of
// which 2 addresses, 1 quoted name (every char doubled), 12 doubles and 16 integers.
constexpr std::size_t kMaxDoubleChars = 24;  // "-2.2250738585072014e-308"
constexpr std::size_t kMaxUintChars = 20;
constexpr std::size_t kMaxNameChars = std::tuple_size_v<decltype(FlowRecord::application_name)>;
static_assert(31 + 2 * INET6_ADDRSTRLEN + 2 * kMaxNameChars + 2 + 12 * kMaxDoubleChars +
                  16 * kMaxUintChars <
              CsvWriter::kMaxRowBytes);

[[noreturn]] void throw_io_error(int error, const char* what, const std::filesystem::path& path) {
  throw std::system_error(error, std::generic_category(), std::string(what) + " " + path.string());
}

char* put_uint(char* out, std::uint64_t value) noexcept {
  return std::to_chars(out, out + kMaxUintChars, value).ptr;
}

char* put_double(char* out, double value) noexcept {
  return std::to_chars(out, out + kMaxDoubleChars + 8, value).ptr;
}

// Same text as IpAddress::to_string(), written straight into the row. IPv4 is formatted here
// because glibc's inet_ntop goes through sprintf, which dominated the cost of a row; IPv6 keeps
// inet_ntop for its zero-run and embedded-IPv4 rules.
char* put_ip(char* out, const IpAddress& ip) noexcept {
  if (ip.version == 4) {
    for (int i = 0; i < 4; ++i) {
      if (i > 0) {
        *out++ = '.';
      }
      out = std::to_chars(out, out + 3, ip.bytes[i]).ptr;
    }
    return out;
  }
  if (ip.version != 6 || ::inet_ntop(AF_INET6, ip.bytes.data(), out, INET6_ADDRSTRLEN) == nullptr) {
    return out;
  }
  return out + std::strlen(out);
}

// RFC 4180: quote only a field holding a comma, quote or line break; double inner quotes.
char* put_text(char* out, std::string_view text) noexcept {
  // One pass over the name; find_first_of would call memchr once per special character.
  const bool needs_quotes = std::any_of(text.begin(), text.end(), [](char c) {
    return c == ',' || c == '"' || c == '\n' || c == '\r';
  });
  if (!needs_quotes) {
    std::memcpy(out, text.data(), text.size());
    return out + text.size();
  }
  *out++ = '"';
  for (const char c : text) {
    if (c == '"') {
      *out++ = '"';
    }
    *out++ = c;
  }
  *out++ = '"';
  return out;
}

char* put_stats(char* out, const MeanStddev& stats) noexcept {
  out = put_double(out, stats.mean);
  *out++ = ',';
  out = put_double(out, stats.stddev);
  return out;
}

// Column order is Schema::flow_record(); the round-trip test holds the two together.
char* format_row(char* out, const FlowRecord& r) noexcept {
  out = put_ip(out, r.src_ip);
  *out++ = ',';
  out = put_ip(out, r.dst_ip);
  *out++ = ',';
  out = put_uint(out, r.src_port);
  *out++ = ',';
  out = put_uint(out, r.dst_port);
  *out++ = ',';
  out = put_uint(out, r.protocol);
  *out++ = ',';
  out = put_uint(out, r.ip_version);
  *out++ = ',';
  out = put_uint(out, r.vlan_id);
  *out++ = ',';
  out = put_uint(out, static_cast<std::uint8_t>(r.tunnel));
  *out++ = ',';
  // strnlen: a name filling the array without a terminator must not run past it.
  out = put_text(out, std::string_view(r.application_name.data(),
                                       ::strnlen(r.application_name.data(), kMaxNameChars)));
  *out++ = ',';
  out = put_uint(out, r.bidirectional_packets);
  *out++ = ',';
  out = put_uint(out, r.bidirectional_bytes);
  *out++ = ',';
  out = put_uint(out, r.bidirectional_first_seen_ms);
  *out++ = ',';
  out = put_uint(out, r.bidirectional_last_seen_ms);
  *out++ = ',';
  out = put_uint(out, r.bidirectional_duration_ms());
  *out++ = ',';
  out = put_uint(out, r.src2dst_packets);
  *out++ = ',';
  out = put_uint(out, r.src2dst_bytes);
  *out++ = ',';
  out = put_uint(out, r.dst2src_packets);
  *out++ = ',';
  out = put_uint(out, r.dst2src_bytes);
  *out++ = ',';
  out = put_stats(out, r.bidirectional_ps);
  *out++ = ',';
  out = put_stats(out, r.src2dst_ps);
  *out++ = ',';
  out = put_stats(out, r.dst2src_ps);
  *out++ = ',';
  out = put_stats(out, r.bidirectional_piat_ms);
  *out++ = ',';
  out = put_stats(out, r.src2dst_piat_ms);
  *out++ = ',';
  out = put_stats(out, r.dst2src_piat_ms);
  *out++ = ',';
  out = put_uint(out, static_cast<std::uint8_t>(r.expiration));
  *out++ = '\n';
  return out;
}

}  // namespace

CsvWriter::CsvWriter(std::filesystem::path path, std::size_t buffer_bytes)
    : path_(std::move(path)) {
  if (buffer_bytes < 2 * kMaxRowBytes) {
    throw std::invalid_argument("CsvWriter buffer must hold at least " +
                                std::to_string(2 * kMaxRowBytes) + " bytes");
  }
  const std::string header = Schema::flow_record().csv_header() + '\n';
  capacity_ = std::max(buffer_bytes, header.size() + kMaxRowBytes);
  buffer_ = std::make_unique_for_overwrite<char[]>(capacity_);

  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) {
    throw_io_error(errno, "cannot open", path_);
  }
  std::memcpy(buffer_.get(), header.data(), header.size());
  used_ = header.size();
}

CsvWriter::~CsvWriter() {
  try {
    close();
  } catch (...) {
    // A destructor cannot report; callers wanting the error call close() first.
  }
}

void CsvWriter::write(const FlowRecord& record) {
  if (fd_ < 0) {
    throw std::logic_error("CsvWriter::write after close: " + path_.string());
  }
  if (capacity_ - used_ < kMaxRowBytes) {
    flush();
  }
  used_ = static_cast<std::size_t>(format_row(buffer_.get() + used_, record) - buffer_.get());
  ++records_;
}

void CsvWriter::flush() {
  if (fd_ < 0 || used_ == 0) {
    return;
  }
  // The buffer is dropped even on failure: retrying a half-written row would corrupt the file.
  const std::size_t size = std::exchange(used_, 0);
  write_out(buffer_.get(), size);
}

void CsvWriter::write_out(const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd_, data, size);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw_io_error(errno, "cannot write", path_);
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

void CsvWriter::close() {
  if (fd_ < 0) {
    return;
  }
  int error = 0;
  try {
    flush();
  } catch (const std::system_error& e) {
    error = e.code().value();
  }
  // close(2) may report a deferred write error (NFS, quota); the descriptor is gone either way.
  if (::close(std::exchange(fd_, -1)) != 0 && error == 0) {
    error = errno;
  }
  buffer_.reset();
  if (error != 0) {
    throw_io_error(error, "cannot write", path_);
  }
}

}  // namespace flowfeat
