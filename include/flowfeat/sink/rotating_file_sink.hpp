#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "flowfeat/core/feature_record.hpp"
#include "flowfeat/sink/file_ops.hpp"
#include "flowfeat/sink/output_layout.hpp"
#include "flowfeat/sink/record_formatter.hpp"
#include "flowfeat/sink/record_sink.hpp"

namespace flowfeat {

namespace detail {
class GzipMemberEncoder;
}

enum class Compression : std::uint8_t { kNone, kGzip };

// What a failed write (full disk, quota, device error) does: drop the records it could not write,
// or wait until writing works again, holding the caller back.
enum class OnWriteError : std::uint8_t { kDrop, kWait };

struct RotationOptions {
  std::filesystem::path directory;
  std::string base_name = "flows";  // file names "<base>-<UTC yyyymmddThhmmss>-<seq>.<ext>"
  OutputFormat format = OutputFormat::kCsv;
  Compression compression = Compression::kNone;
  // A file is finished once its records (uncompressed, CSV header included) reach this many bytes,
  // so it exceeds the limit by less than one record; 0 = no size rotation.
  std::uint64_t max_file_bytes = std::uint64_t{256} << 20;
  // A file is finished once this long has passed since its first record (WallClock); 0 = no age
  // rotation. Checked on write() and tick().
  std::uint64_t max_file_age_ms = 3'600'000;
  // Retention of finished files of this base name and extension, 0 = unlimited. The newest file
  // is always kept, even when it alone exceeds keep_bytes.
  std::uint64_t keep_files = 0;
  std::uint64_t keep_bytes = 0;
  // Records are formatted into a buffer written out (and with gzip compressed as one member) when
  // it holds this many bytes: the unit of a system call and of loss on a write error.
  std::size_t chunk_bytes = std::size_t{1} << 20;
  int gzip_level = 6;  // 0-9: 1 fastest, 9 smallest, 0 stored

  OnWriteError on_write_error = OnWriteError::kDrop;
  // kWait retries a failed write after wait_first_ms, doubling up to wait_max_ms.
  std::uint64_t wait_first_ms = 50;
  std::uint64_t wait_max_ms = 1000;
  // Once set (a stop was requested), kWait retries for at most stop_wait_ms more in all, then the
  // sink drops as kDrop does, so a stop ends the run; may be null.
  const std::atomic<bool>* stopping = nullptr;
  std::uint64_t stop_wait_ms = 10'000;
  // Sleeps the sink's thread between retries; empty = the thread really sleeps (tests inject one).
  std::function<void(std::uint64_t ms)> sleep;
};

struct SinkStats {
  std::uint64_t records_written = 0;  // records in chunks written out successfully
  std::uint64_t records_dropped = 0;  // lost to a write error, or received during an outage or after close()
  std::uint64_t bytes_written = 0;    // bytes written out to files (compressed when gzip)
  std::uint64_t files_finished = 0;   // files renamed to their final name
  std::uint64_t files_deleted = 0;    // finished files removed by retention
  std::uint64_t write_errors = 0;     // failed creates, writes, fsyncs, renames
  std::uint64_t outages = 0;          // periods of failed writing (dropping or waiting), each logged once
  std::uint64_t files_recovered = 0;  // an earlier run's leftovers cut back and renamed at startup
  std::uint64_t files_set_aside = 0;  // an earlier run's leftovers moved into recovered/ at startup
};

// Writes feature records to rotating files in one directory: CSV (header first in every file) or
// JSON Lines, optionally gzip, one gzip member per chunk. A file is written as the hidden
// ".<name>.partial" and, when finished (size, age, rotate(), close()), flushed, fsynced, renamed to
// its final name and the directory fsynced: a reader globbing "<base>-*" sees only whole files.
// Each chunk's write-back is started as soon as it is written, so that fsync waits for little.
// Final names sort in creation order: the sequence number continues after the highest one of the
// directory's files of this base and extension. Files with no record are never left behind.
//
// At construction, before any new file, the hidden files a killed run of this base and extension
// left behind are recovered (recover_leftovers): cut back to their last complete record and
// renamed, removed when they hold none, or moved into the subfolder "recovered" when that is not
// safe. The open .partial file is locked (flock), so a starting sink never takes it for a leftover.
//
// I/O errors (full disk, quota, device errors) never throw. With OnWriteError::kDrop the file is
// cut back to its last complete chunk and finished if it holds records, the records of the failed
// chunk are dropped and counted, a warning is logged once per outage, and records arriving during
// the outage are dropped and counted. Writing is retried with a new file at most once per second of
// WallClock. With OnWriteError::kWait the call that failed (a write, or creating a file) does not
// return: what reached the file of the failed chunk is cut off and the same chunk written again,
// with a backoff, until it works; a warning is logged when the wait starts, an info when it ends,
// and the wait observer told both. After a stop, the wait is bounded (stop_wait_ms), then the sink
// drops as kDrop does for the rest of its life. Either way no record is ever written twice or half.
// A failed fsync or close of a finished file is counted and logged but the file is still published
// (its contents are whole; only its durability is in doubt); a failed rename leaves the records in
// the hidden .partial file; with kWait neither begins an outage. A record is counted written once
// its chunk reached the file, so after close() records_written + records_dropped is the number of
// write() calls.
//
// Owned by one thread (the serial sink stage); not thread-safe.
class RotatingFileSink final : public RecordSink {
 public:
  using WallClock = std::function<std::uint64_t()>;  // ms since the Unix epoch; injected so tests never sleep

  // Creates the directory if missing and checks it takes a new file. Throws std::system_error
  // naming the directory when it cannot be created, opened or written; std::invalid_argument for
  // an empty or path-like base_name, chunk_bytes of 0 or above 64 MiB, a bad gzip_level, or a
  // layout OutputLayout::schema() rejects. ops must outlive the sink.
  RotatingFileSink(RotationOptions options, OutputLayout layout, WallClock clock, FileOps& ops = FileOps::system());

  // Finishes the current file as close() does.
  ~RotatingFileSink() override;

  RotatingFileSink(const RotatingFileSink&) = delete;
  RotatingFileSink& operator=(const RotatingFileSink&) = delete;
  RotatingFileSink(RotatingFileSink&&) = delete;
  RotatingFileSink& operator=(RotatingFileSink&&) = delete;

  // Appends one record, starting a file if none is open and finishing it when it reaches the size
  // or age limit. Never throws on I/O errors; a record written after close() is dropped.
  void write(const FeatureRecord& record);

  // Same with the record already formatted (one line, LF included, as the formatter of this
  // layout and format writes it), so formatting can run on other threads. A row longer than any
  // record of the layout is dropped and counted.
  void write_row(std::string_view row);

  // RecordSink: the row as write_row() takes it.
  OutputFormat row_format() const noexcept override { return options_.format; }
  void write(const FeatureRecord&, std::string_view row) override { write_row(row); }

  // The formatter that writes this sink's rows; stateless, so other threads may use it.
  const RecordFormatter& formatter() const noexcept { return *formatter_; }

  // Finishes the current file if it has reached the age limit; call it when no records arrive.
  void tick() override;

  // Finishes the current file now; the next record starts a new one.
  void rotate() override;

  // Finishes the current file. Idempotent.
  void close() override;

  const SinkStats& stats() const noexcept { return stats_; }

  // Called with true when a write starts waiting for writing to work again (OnWriteError::kWait),
  // with false when the wait ends; on the sink's thread, which is blocked in between.
  void set_wait_observer(std::function<void(bool waiting)> observer) { wait_observer_ = std::move(observer); }

  // Final paths of the files this sink finished and retention has not deleted, oldest first.
  std::vector<std::filesystem::path> finished_files() const { return finished_; }

 private:
  template <typename Put>
  void append(Put put);
  bool open_file(std::uint64_t now_ms);
  int create_file(std::uint64_t now_ms);
  bool flush_chunk();
  int write_chunk(std::span<const char> bytes);
  int rewrite_chunk(std::span<const char> bytes);
  template <typename Attempt>
  int wait_until_it_works(int error, const std::filesystem::path& path, Attempt attempt);
  bool may_wait() const noexcept;
  bool may_keep_waiting();
  void pause(std::uint64_t ms);
  void start_waiting(int error, const std::filesystem::path& path);
  void stop_waiting(int error, const std::filesystem::path& path);
  void finish_file();
  void seal_file();
  void discard_file();
  void fail(int error, const char* what);
  void fail_without_file(int error, const char* what, const std::filesystem::path& path);
  void apply_retention(const std::string& newest);
  void recover_leftovers_of_earlier_runs();
  void continue_sequence_after(std::string_view name) noexcept;
  bool is_own_file(std::string_view name) const noexcept;
  bool age_reached(std::uint64_t now_ms) const noexcept;

  RotationOptions options_;
  std::unique_ptr<RecordFormatter> formatter_;
  WallClock clock_;
  FileOps& ops_;
  std::unique_ptr<detail::GzipMemberEncoder> gzip_;
  std::string extension_;  // ".csv", ".jsonl.gz", ...
  int dir_fd_ = -1;

  std::unique_ptr<char[]> buffer_;
  std::size_t capacity_ = 0;
  std::size_t used_ = 0;
  std::uint64_t buffered_records_ = 0;

  int fd_ = -1;  // the open .partial file, -1 when none
  std::string name_;
  std::string partial_name_;
  std::uint64_t file_records_ = 0;      // records in written chunks of the open file
  std::uint64_t file_bytes_ = 0;        // formatted bytes of the open file, header and buffer included
  std::uint64_t committed_offset_ = 0;  // end of the last chunk written whole
  std::uint64_t file_started_ms_ = 0;
  std::uint64_t next_seq_ = 1;

  bool in_outage_ = false;
  std::uint64_t last_attempt_ms_ = 0;
  std::uint64_t dropped_at_outage_start_ = 0;
  bool closed_ = false;

  std::function<void(bool)> wait_observer_;
  std::uint64_t waited_ms_ = 0;             // slept in the current wait
  std::uint64_t waited_after_stop_ms_ = 0;  // slept in waits since the stop request
  bool gave_up_waiting_ = false;            // a stop ended a wait: from then on, kDrop

  SinkStats stats_;
  std::vector<std::filesystem::path> finished_;
};

}  // namespace flowfeat
