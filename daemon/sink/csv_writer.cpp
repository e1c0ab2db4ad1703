#include "flowfeat/sink/csv_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>
#include <tuple>
#include <utility>

#include "csv_fields.hpp"
#include "field_text.hpp"
#include "flowfeat/sink/schema.hpp"
#include "record_fields.hpp"

namespace flowfeat {
namespace {

// Sizes of the variable-length fields, to check kMaxRowBytes at compile time: 31 columns, of
// which 2 addresses, 1 quoted name (every char doubled), 12 doubles and 16 integers.
constexpr std::size_t kMaxNameChars = std::tuple_size_v<decltype(FlowRecord::application_name)>;
static_assert(31 + 2 * detail::kMaxIpChars + detail::csv_text_bound(kMaxNameChars) + 12 * detail::kMaxDoubleChars +
                  16 * detail::kMaxUintChars <
              CsvWriter::kMaxRowBytes);

[[noreturn]] void throw_io_error(int error, const char* what, const std::filesystem::path& path) {
  throw std::system_error(error, std::generic_category(), std::string(what) + " " + path.string());
}

// Column order is Schema::flow_record(); the round-trip test holds the two together.
char* format_row(char* out, const FlowRecord& r) noexcept {
  detail::CsvFields fields(out);
  detail::put_flow_fields(fields, r);
  return fields.end_line();
}

}  // namespace

CsvWriter::CsvWriter(std::filesystem::path path, std::size_t buffer_bytes) : path_(std::move(path)) {
  if (buffer_bytes < 2 * kMaxRowBytes) {
    throw std::invalid_argument("CsvWriter buffer must hold at least " + std::to_string(2 * kMaxRowBytes) + " bytes");
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
