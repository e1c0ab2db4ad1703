#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>

#include "flowfeat/core/flow_record.hpp"
#include "flowfeat/sink/record_writer.hpp"

namespace flowfeat {

// Writes flow records to a CSV file: the header of Schema::flow_record() first, then one row per
// record in that column order. Integers in decimal, floats in shortest round-trip form
// (std::to_chars), application_name quoted per RFC 4180 only when it contains a comma, quote, CR
// or LF; lines end with LF. Rows are formatted into one buffer written out when nearly full, so
// a row costs no allocation and no system call. Owned by one thread; not thread-safe.
class CsvWriter final : public RecordWriter {
 public:
  static constexpr std::size_t kDefaultBufferBytes = std::size_t{1} << 20;
  // Upper bound of one formatted row; the buffer is flushed when less than this is left.
  static constexpr std::size_t kMaxRowBytes = 1024;

  // Creates or truncates the file and queues the header. Throws std::system_error naming the path
  // if the file cannot be opened; std::invalid_argument if buffer_bytes < 2 * kMaxRowBytes.
  explicit CsvWriter(std::filesystem::path path, std::size_t buffer_bytes = kDefaultBufferBytes);

  // Closes the file; errors are swallowed (call close() to see them).
  ~CsvWriter() override;

  CsvWriter(const CsvWriter&) = delete;
  CsvWriter& operator=(const CsvWriter&) = delete;
  CsvWriter(CsvWriter&&) = delete;
  CsvWriter& operator=(CsvWriter&&) = delete;

  // Throws std::system_error naming the path when flushing the buffer fails, std::logic_error
  // after close().
  void write(const FlowRecord& record) override;

  // Writes out buffered rows without closing. Throws std::system_error naming the path.
  void flush();

  // Flushes and closes the file. Idempotent. Throws std::system_error naming the path if the last
  // write or the close fails; the descriptor is released either way.
  void close() override;

  const std::filesystem::path& path() const noexcept { return path_; }
  std::uint64_t records_written() const noexcept { return records_; }

 private:
  void write_out(const char* data, std::size_t size);

  std::filesystem::path path_;
  int fd_ = -1;
  std::unique_ptr<char[]> buffer_;
  std::size_t capacity_ = 0;
  std::size_t used_ = 0;
  std::uint64_t records_ = 0;
};

}  // namespace flowfeat
