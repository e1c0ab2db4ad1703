#include "flowfeat/sink/rotating_file_sink.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>

#include "flowfeat/sink/leftover_recovery.hpp"
#include "gzip_member_encoder.hpp"

namespace flowfeat {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kRetryIntervalMs = 1000;
constexpr std::size_t kMaxChunkBytes = std::size_t{64} << 20;
constexpr int kMaxNameAttempts = 1000;
constexpr std::size_t kStampChars = 15;  // yyyymmddThhmmss

// "yyyymmddThhmmss" of a WallClock time, UTC.
std::string utc_stamp(std::uint64_t now_ms) {
  const auto seconds = static_cast<std::time_t>(now_ms / 1000);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char text[32];
  const std::size_t size = std::strftime(text, sizeof(text), "%Y%m%dT%H%M%S", &utc);
  return std::string(text, size);
}

bool all_digits(std::string_view text) noexcept {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void validate(const RotationOptions& options) {
  if (options.directory.empty()) {
    throw std::invalid_argument("output directory is empty");
  }
  const std::string& base = options.base_name;
  if (base.empty() || base == "." || base == ".." ||
      base.find_first_of(std::string_view("/\0", 2)) != std::string::npos) {
    throw std::invalid_argument("output base name must be a plain file name prefix, not '" + base + "'");
  }
  if (options.wait_first_ms == 0 || options.wait_max_ms < options.wait_first_ms) {
    throw std::invalid_argument("output write retry backoff must start at 1 ms or more and not exceed its maximum");
  }
  if (options.chunk_bytes == 0 || options.chunk_bytes > kMaxChunkBytes) {
    throw std::invalid_argument("output chunk size must be 1 to " + std::to_string(kMaxChunkBytes) + " bytes, not " +
                                std::to_string(options.chunk_bytes));
  }
}

}  // namespace

RotatingFileSink::RotatingFileSink(RotationOptions options, OutputLayout layout, WallClock clock, FileOps& ops)
    : options_(std::move(options)), clock_(std::move(clock)), ops_(ops) {
  validate(options_);
  if (!clock_) {
    throw std::invalid_argument("RotatingFileSink needs a clock");
  }
  formatter_ = make_record_formatter(options_.format, layout);
  extension_ = "." + std::string(file_extension(options_.format));
  if (options_.compression == Compression::kGzip) {
    extension_ += ".gz";
  }
  // The header, then records until the chunk size is passed by at most one record.
  capacity_ = options_.chunk_bytes + formatter_->file_header().size() + formatter_->max_record_bytes();
  buffer_ = std::make_unique_for_overwrite<char[]>(capacity_);
  if (options_.compression == Compression::kGzip) {
    gzip_ = std::make_unique<detail::GzipMemberEncoder>(options_.gzip_level, capacity_);
  }

  const std::string directory = options_.directory.string();
  std::error_code ec;
  fs::create_directories(options_.directory, ec);
  if (ec) {
    throw std::system_error(ec, "cannot create output directory " + directory);
  }
  dir_fd_ = ::open(options_.directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd_ < 0) {
    throw std::system_error(errno, std::generic_category(), "cannot open output directory " + directory);
  }
  // Creating a file is what writing will need; a read-only or foreign directory fails here, at
  // startup, rather than at the first record.
  const std::string probe = "." + options_.base_name + ".probe-" + std::to_string(::getpid());
  const int probe_fd = ::openat(dir_fd_, probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (probe_fd < 0) {
    const int error = errno;
    ::close(std::exchange(dir_fd_, -1));
    throw std::system_error(error, std::generic_category(), "cannot write to output directory " + directory);
  }
  ::close(probe_fd);
  ::unlinkat(dir_fd_, probe.c_str(), 0);

  // Leftovers first: the sequence below must count the files they become.
  recover_leftovers_of_earlier_runs();

  // Sequence numbers continue after the directory's newest file, so a restart within the same
  // second still names its files after the earlier run's.
  for (fs::directory_iterator it(options_.directory, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (is_own_file(name)) {
      continue_sequence_after(name);
    }
  }
}

void RotatingFileSink::recover_leftovers_of_earlier_runs() {
  LeftoverRecoveryOptions recovery;
  recovery.directory_fd = dir_fd_;
  recovery.directory = options_.directory;
  recovery.is_own_name = [this](std::string_view name) { return is_own_file(name); };
  recovery.csv_header = formatter_->file_header();
  recovery.gzip = options_.compression == Compression::kGzip;
  for (const LeftoverOutcome& outcome : recover_leftovers(recovery, ops_)) {
    stats_.write_errors += outcome.io_errors;
    if (outcome.action == LeftoverAction::kFinalized) {
      ++stats_.files_recovered;
    } else if (outcome.action == LeftoverAction::kSetAside) {
      ++stats_.files_set_aside;
    }
    // A leftover set aside keeps its name: new files never take it, so it can be put back.
    continue_sequence_after(outcome.final_name);
  }
}

void RotatingFileSink::continue_sequence_after(std::string_view name) noexcept {
  const std::size_t first = options_.base_name.size() + 1 + kStampChars + 1;
  std::uint64_t seq = 0;
  const auto [ptr, error] = std::from_chars(name.data() + first, name.data() + name.size() - extension_.size(), seq);
  if (error == std::errc() && seq >= next_seq_) {
    next_seq_ = seq + 1;
  }
}

RotatingFileSink::~RotatingFileSink() { close(); }

void RotatingFileSink::write(const FeatureRecord& record) {
  append([&](char* out) { return static_cast<std::size_t>(formatter_->format(record, out) - out); });
}

void RotatingFileSink::write_row(std::string_view row) {
  if (row.size() > formatter_->max_record_bytes()) {
    ++stats_.records_dropped;  // not a row of this layout; the caller's bug, never half a row in a file
    return;
  }
  append([&](char* out) {
    std::memcpy(out, row.data(), row.size());
    return row.size();
  });
}

template <typename Put>
void RotatingFileSink::append(Put put) {
  if (closed_) {
    ++stats_.records_dropped;
    return;
  }
  const std::uint64_t now = clock_();
  if (fd_ >= 0 && age_reached(now)) {
    finish_file();
  }
  const bool retrying = in_outage_;
  if (retrying) {
    // now < last_attempt_ms_: the wall clock was set back; do not wait for it to catch up.
    if (now >= last_attempt_ms_ && now - last_attempt_ms_ < kRetryIntervalMs) {
      ++stats_.records_dropped;
      return;
    }
    last_attempt_ms_ = now;
  }
  if (fd_ < 0 && !open_file(now)) {
    ++stats_.records_dropped;
    return;
  }
  const std::size_t size = put(buffer_.get() + used_);
  used_ += size;
  file_bytes_ += size;
  ++buffered_records_;
  // After an outage one record is written out at once: it tells whether writing works again.
  if ((retrying || used_ >= options_.chunk_bytes) && !flush_chunk()) {
    return;
  }
  if (retrying) {
    in_outage_ = false;
    spdlog::info("output {}: writing works again; {} records dropped during the outage", options_.directory.string(),
                 stats_.records_dropped - dropped_at_outage_start_);
  }
  if (options_.max_file_bytes != 0 && file_bytes_ >= options_.max_file_bytes) {
    finish_file();
  }
}

void RotatingFileSink::tick() {
  if (fd_ >= 0 && age_reached(clock_())) {
    finish_file();
  }
}

void RotatingFileSink::rotate() { finish_file(); }

void RotatingFileSink::close() {
  if (closed_) {
    return;
  }
  finish_file();
  closed_ = true;
  if (dir_fd_ >= 0) {
    ::close(std::exchange(dir_fd_, -1));
  }
}

bool RotatingFileSink::age_reached(std::uint64_t now_ms) const noexcept {
  return options_.max_file_age_ms != 0 && now_ms >= file_started_ms_ &&
         now_ms - file_started_ms_ >= options_.max_file_age_ms;
}

bool RotatingFileSink::open_file(std::uint64_t now_ms) {
  int error = create_file(now_ms);
  if (error != 0 && may_wait()) {
    error = wait_until_it_works(error, options_.directory, [&] { return create_file(now_ms); });
  }
  if (error != 0) {
    fail_without_file(error, error == EEXIST ? "no free file name in" : "cannot create a file in", options_.directory);
    return false;
  }
  return true;
}

// Creates and opens the next .partial file; 0, or the errno of the failure.
int RotatingFileSink::create_file(std::uint64_t now_ms) {
  const std::string stamp = utc_stamp(now_ms);
  for (int attempt = 0; attempt < kMaxNameAttempts; ++attempt) {
    char seq[24];
    std::snprintf(seq, sizeof(seq), "%06llu", static_cast<unsigned long long>(next_seq_++));
    std::string name = options_.base_name + "-" + stamp + "-" + seq + extension_;
    struct stat existing {};
    if (::fstatat(dir_fd_, name.c_str(), &existing, AT_SYMLINK_NOFOLLOW) == 0) {
      continue;
    }
    std::string partial = "." + name + ".partial";
    const int fd = ::openat(dir_fd_, partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
      if (errno == EEXIST) {
        continue;
      }
      return errno;
    }
    // The lock tells a sink starting in the same directory that this file is alive, not a
    // leftover; where flock is not supported, writing goes on without it.
    ::flock(fd, LOCK_EX | LOCK_NB);
    fd_ = fd;
    name_ = std::move(name);
    partial_name_ = std::move(partial);
    file_records_ = 0;
    committed_offset_ = 0;
    file_started_ms_ = now_ms;
    const std::string_view header = formatter_->file_header();
    std::copy(header.begin(), header.end(), buffer_.get());  // the JSON Lines header is empty, its data null
    used_ = header.size();
    file_bytes_ = header.size();
    return 0;
  }
  return EEXIST;
}

bool RotatingFileSink::flush_chunk() {
  if (fd_ < 0 || used_ == 0) {
    return true;
  }
  std::span<const char> bytes(buffer_.get(), used_);
  if (gzip_) {
    bytes = gzip_->encode(bytes.data(), bytes.size());
    if (bytes.empty()) {
      fail(EIO, "cannot compress");
      return false;
    }
  }
  int error = write_chunk(bytes);
  if (error != 0 && may_wait()) {
    error = wait_until_it_works(error, options_.directory / partial_name_, [&] { return rewrite_chunk(bytes); });
  }
  if (error != 0) {
    fail(error, "cannot write");
    return false;
  }
  // Starts the chunk's write-back now, so that the fsync that finishes the file waits for the last
  // chunk only, not for the whole file (a hint: its failure changes nothing, fsync reports errors).
  ::sync_file_range(fd_, static_cast<off_t>(committed_offset_), static_cast<off_t>(bytes.size()),
                    SYNC_FILE_RANGE_WRITE);
  committed_offset_ += bytes.size();
  stats_.bytes_written += bytes.size();
  stats_.records_written += buffered_records_;
  file_records_ += buffered_records_;
  buffered_records_ = 0;
  used_ = 0;
  return true;
}

// Writes the bytes at the file's current offset; 0, or the errno of the failure.
int RotatingFileSink::write_chunk(std::span<const char> bytes) {
  for (std::size_t done = 0; done < bytes.size();) {
    const ssize_t n = ops_.write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return n < 0 ? errno : ENOSPC;
    }
    done += static_cast<std::size_t>(n);
  }
  return 0;
}

// Writes the chunk again after a failed attempt: what reached the file of it is cut off first, so
// no record is written twice or half.
int RotatingFileSink::rewrite_chunk(std::span<const char> bytes) {
  const auto committed = static_cast<off_t>(committed_offset_);
  if (::ftruncate(fd_, committed) != 0 || ::lseek(fd_, committed, SEEK_SET) != committed) {
    return errno;
  }
  return write_chunk(bytes);
}

bool RotatingFileSink::may_wait() const noexcept {
  return options_.on_write_error == OnWriteError::kWait && !gave_up_waiting_;
}

// Repeats the attempt, sleeping with a backoff, until it works (0) or a stop ends the waiting (the
// last errno). error is the errno of the attempt that failed first.
template <typename Attempt>
int RotatingFileSink::wait_until_it_works(int error, const fs::path& path, Attempt attempt) {
  start_waiting(error, path);
  std::uint64_t backoff = options_.wait_first_ms;
  while (error != 0 && may_keep_waiting()) {
    ++stats_.write_errors;  // the attempt that just failed; the last one is counted by fail()
    pause(backoff);
    backoff = std::min(backoff * 2, options_.wait_max_ms);
    error = attempt();
  }
  stop_waiting(error, path);
  return error;
}

// Waiting goes on as long as it takes, unless a stop was requested: then for stop_wait_ms more,
// counted over every wait, so a stop still ends the run.
bool RotatingFileSink::may_keep_waiting() {
  if (options_.stopping == nullptr || !options_.stopping->load(std::memory_order_relaxed) ||
      waited_after_stop_ms_ < options_.stop_wait_ms) {
    return true;
  }
  gave_up_waiting_ = true;
  return false;
}

void RotatingFileSink::pause(std::uint64_t ms) {
  if (options_.stopping != nullptr && options_.stopping->load(std::memory_order_relaxed)) {
    ms = std::min(ms, options_.stop_wait_ms - waited_after_stop_ms_);
    waited_after_stop_ms_ += ms;
  }
  waited_ms_ += ms;
  if (options_.sleep) {
    options_.sleep(ms);
  } else {
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  }
}

void RotatingFileSink::start_waiting(int error, const fs::path& path) {
  ++stats_.outages;
  waited_ms_ = 0;
  if (error == ENOSPC || error == EDQUOT) {
    spdlog::warn("disk full writing {}: waiting for space (output.on_write_error: wait)", path.string());
  } else {
    spdlog::warn("output {}: {}; retrying until it works (output.on_write_error: wait)", path.string(),
                 std::generic_category().message(error));
  }
  if (wait_observer_) {
    wait_observer_(true);
  }
}

void RotatingFileSink::stop_waiting(int error, const fs::path& path) {
  const double seconds = static_cast<double>(waited_ms_) / 1000.0;
  if (error == 0) {
    spdlog::info("output {}: writing works again after waiting {:.1f} s", path.string(), seconds);
  } else {
    spdlog::error("output {}: stop requested and writing still fails after waiting {:.1f} s; records that cannot "
                  "be written are dropped and counted from now on",
                  path.string(), seconds);
  }
  if (wait_observer_) {
    wait_observer_(false);
  }
}

void RotatingFileSink::finish_file() {
  if (fd_ < 0 || !flush_chunk()) {
    return;
  }
  if (file_records_ == 0) {
    discard_file();
  } else {
    seal_file();
  }
}

void RotatingFileSink::seal_file() {
  const fs::path partial_path = options_.directory / partial_name_;
  // An fsync or close failure leaves the file's durability in doubt, not its contents: it is
  // still published, and the error counted and logged.
  if (ops_.fsync(fd_) != 0) {
    fail_without_file(errno, "cannot fsync", partial_path);
  }
  if (::close(std::exchange(fd_, -1)) != 0) {
    fail_without_file(errno, "cannot close", partial_path);
  }
  if (::renameat(dir_fd_, partial_name_.c_str(), dir_fd_, name_.c_str()) != 0) {
    // The records stay in the hidden file, for an operator to recover; readers never see it.
    fail_without_file(errno, "cannot rename", partial_path);
    return;
  }
  if (ops_.fsync(dir_fd_) != 0) {
    fail_without_file(errno, "cannot fsync", options_.directory);
  }
  ++stats_.files_finished;
  finished_.push_back(options_.directory / name_);
  apply_retention(name_);
}

void RotatingFileSink::discard_file() {
  ::close(std::exchange(fd_, -1));
  ::unlinkat(dir_fd_, partial_name_.c_str(), 0);
}

// A write to the open file failed: its buffered records are lost, what reached the file of them is
// cut off, and the file is published if it holds records.
void RotatingFileSink::fail(int error, const char* what) {
  const fs::path path = options_.directory / partial_name_;
  fail_without_file(error, what, path);
  stats_.records_dropped += std::exchange(buffered_records_, 0);
  used_ = 0;
  // Cut what reached the file of the failed chunk, so the file ends with a whole record.
  if (::ftruncate(fd_, static_cast<off_t>(committed_offset_)) != 0) {
    // A half-written chunk may remain: the file is never published and stays hidden.
    fail_without_file(errno, "cannot truncate", path);
    ::close(std::exchange(fd_, -1));
  } else if (file_records_ > 0) {
    seal_file();
  } else {
    discard_file();
  }
}

void RotatingFileSink::fail_without_file(int error, const char* what, const fs::path& path) {
  ++stats_.write_errors;
  last_attempt_ms_ = clock_();
  if (may_wait()) {
    // Waiting, nothing is dropped: this is a finished file's fsync, close or rename, whose records
    // are written; no outage begins.
    spdlog::warn("output {} {}: {}", what, path.string(), std::generic_category().message(error));
    return;
  }
  if (in_outage_) {
    return;
  }
  in_outage_ = true;
  ++stats_.outages;
  dropped_at_outage_start_ = stats_.records_dropped;
  spdlog::warn("output {} {}: {}; records are dropped until writing works again (retried once a second)", what,
               path.string(), std::generic_category().message(error));
}

bool RotatingFileSink::is_own_file(std::string_view name) const noexcept {
  const std::string& base = options_.base_name;
  // <base>-<stamp>-<at least 6 digits><extension>
  if (name.size() < base.size() + 1 + kStampChars + 1 + 6 + extension_.size() || name.substr(0, base.size()) != base ||
      name[base.size()] != '-' || name.substr(name.size() - extension_.size()) != extension_) {
    return false;
  }
  const std::string_view stamp = name.substr(base.size() + 1, kStampChars);
  const std::string_view rest = name.substr(base.size() + 1 + kStampChars);
  const std::string_view seq = rest.substr(1, rest.size() - 1 - extension_.size());
  return all_digits(stamp.substr(0, 8)) && stamp[8] == 'T' && all_digits(stamp.substr(9)) && rest[0] == '-' &&
         all_digits(seq);
}

void RotatingFileSink::apply_retention(const std::string& newest) {
  if (options_.keep_files == 0 && options_.keep_bytes == 0) {
    return;
  }
  std::vector<std::pair<std::string, std::uint64_t>> files;
  std::error_code ec;
  for (fs::directory_iterator it(options_.directory, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    std::error_code size_error;
    if (!is_own_file(name) || !it->is_regular_file(size_error)) {
      continue;
    }
    const std::uint64_t size = it->file_size(size_error);
    if (!size_error) {
      files.emplace_back(std::move(name), size);
    }
  }
  if (ec) {
    spdlog::warn("output {}: cannot list for retention: {}", options_.directory.string(), ec.message());
    ++stats_.write_errors;
    return;
  }
  std::sort(files.begin(), files.end());
  std::uint64_t count = files.size();
  std::uint64_t total = 0;
  for (const auto& file : files) {
    total += file.second;
  }
  for (const auto& [name, size] : files) {
    const bool over = (options_.keep_files != 0 && count > options_.keep_files) ||
                      (options_.keep_bytes != 0 && total > options_.keep_bytes);
    if (!over) {
      break;
    }
    if (name == newest) {
      continue;
    }
    if (::unlinkat(dir_fd_, name.c_str(), 0) != 0) {
      spdlog::warn("output {}: cannot delete {}: {}", options_.directory.string(), name,
                   std::generic_category().message(errno));
      ++stats_.write_errors;
      continue;
    }
    --count;
    total -= size;
    ++stats_.files_deleted;
    std::erase_if(finished_, [&name](const fs::path& path) { return path.filename() == name; });
  }
}

}  // namespace flowfeat
