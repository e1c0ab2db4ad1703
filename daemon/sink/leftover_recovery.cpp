#include "flowfeat/sink/leftover_recovery.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>
#include <system_error>
#include <utility>

namespace flowfeat {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kPartialSuffix = ".partial";
constexpr const char* kRecoveredFolder = "recovered";
constexpr std::size_t kBlockBytes = std::size_t{64} << 10;
constexpr int kGzipWindowBits = 15 + 16;  // gzip wrapper, as the sink writes
constexpr int kMaxSetAsideNames = 1000;

std::string errno_text(int error) { return std::generic_category().message(error); }

// Closes a descriptor at scope exit.
class UniqueFd {
 public:
  explicit UniqueFd(int fd = -1) noexcept : fd_(fd) {}
  ~UniqueFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const noexcept { return fd_; }
  void reset(int fd) noexcept {
    close();
    fd_ = fd;
  }
  // Closes now; 0, or -1 with errno set.
  int close() noexcept { return fd_ < 0 ? 0 : ::close(std::exchange(fd_, -1)); }

 private:
  int fd_;
};

// As pread(2), retried on EINTR.
ssize_t read_at(int fd, unsigned char* data, std::size_t size, std::uint64_t offset) noexcept {
  ssize_t n = 0;
  do {
    n = ::pread(fd, data, size, static_cast<off_t>(offset));
  } while (n < 0 && errno == EINTR);
  return n;
}

// renameat that never replaces an existing target: 0, or -1 with errno (EEXIST when taken).
int rename_no_replace(int from_dir, const char* from, int to_dir, const char* to) noexcept {
  if (::renameat2(from_dir, from, to_dir, to, RENAME_NOREPLACE) == 0) {
    return 0;
  }
  if (errno != EINVAL && errno != ENOSYS) {
    return -1;
  }
  // The file system cannot refuse atomically: check, then rename.
  struct stat existing {};
  if (::fstatat(to_dir, to, &existing, AT_SYMLINK_NOFOLLOW) == 0) {
    errno = EEXIST;
    return -1;
  }
  return ::renameat(from_dir, from, to_dir, to);
}

// The text of a file as it is read (inflated when gzip): where its records end, and whether it
// starts with the expected header. In CSV a line break inside a quoted field (an attack_cat may
// hold one) is no record end; JSON Lines escapes line breaks inside strings.
class TextTracker {
 public:
  explicit TextTracker(std::string_view csv_header) noexcept : header_(csv_header), csv_(!csv_header.empty()) {}

  void feed(const unsigned char* bytes, std::size_t size) noexcept {
    const char* data = reinterpret_cast<const char*>(bytes);
    if (header_matches_ && compared_ < header_.size()) {
      const std::size_t n = std::min(size, header_.size() - compared_);
      header_matches_ = std::memcmp(data, header_.data() + compared_, n) == 0;
      compared_ += n;
    }
    for (std::size_t i = 0; i < size; ++i) {
      if (data[i] == '"' && csv_) {
        in_quotes_ = !in_quotes_;  // a doubled quote inside a field toggles twice
      } else if (data[i] == '\n' && !in_quotes_) {
        ++lines_;
        through_last_line_ = size_ + i + 1;
      }
    }
    size_ += size;
  }

  // What was seen so far is the header, or starts with it, or is the beginning of it.
  bool header_matches() const noexcept { return header_matches_; }
  // Bytes through the end of the last whole line (record, or the CSV header).
  std::uint64_t through_last_line() const noexcept { return through_last_line_; }
  bool ends_with_line() const noexcept { return size_ != 0 && through_last_line_ == size_; }
  // Whole records, header excluded: a text with a whole line starts with the header.
  std::uint64_t records() const noexcept { return csv_ && lines_ != 0 ? lines_ - 1 : lines_; }

 private:
  std::string_view header_;
  bool csv_;
  std::size_t compared_ = 0;
  bool header_matches_ = true;
  bool in_quotes_ = false;
  std::uint64_t lines_ = 0;
  std::uint64_t size_ = 0;
  std::uint64_t through_last_line_ = 0;
};

// What reading a leftover found.
struct Scan {
  enum class Verdict : std::uint8_t { kWhole, kForeignHeader, kCorrupt, kReadError };
  Verdict verdict = Verdict::kWhole;
  std::uint64_t keep_bytes = 0;  // file bytes through its last complete record
  std::uint64_t records = 0;     // complete records in them, header excluded
  int error = 0;                 // errno of a read error
};

Scan scan_plain(int fd, std::string_view header) {
  Scan scan;
  TextTracker text(header);
  const auto block = std::make_unique_for_overwrite<unsigned char[]>(kBlockBytes);
  for (std::uint64_t offset = 0;;) {
    const ssize_t n = read_at(fd, block.get(), kBlockBytes, offset);
    if (n < 0) {
      scan.verdict = Scan::Verdict::kReadError;
      scan.error = errno;
      return scan;
    }
    if (n == 0) {
      break;
    }
    text.feed(block.get(), static_cast<std::size_t>(n));
    offset += static_cast<std::uint64_t>(n);
  }
  if (!text.header_matches()) {
    scan.verdict = Scan::Verdict::kForeignHeader;
    return scan;
  }
  scan.keep_bytes = text.through_last_line();
  scan.records = text.records();
  return scan;
}

// Inflates member by member; the file is kept through the last complete member after which the
// text ends with a whole line. Whatever follows (a member cut short, garbage) is cut.
Scan scan_gzip(int fd, std::string_view header) {
  Scan scan;
  z_stream stream{};
  if (inflateInit2(&stream, kGzipWindowBits) != Z_OK) {
    scan.verdict = Scan::Verdict::kReadError;
    scan.error = ENOMEM;
    return scan;
  }
  const std::unique_ptr<z_stream, int (*)(z_stream*)> end_inflate(&stream, inflateEnd);
  TextTracker text(header);
  const auto in = std::make_unique_for_overwrite<unsigned char[]>(kBlockBytes);
  const auto out = std::make_unique_for_overwrite<unsigned char[]>(kBlockBytes);
  std::uint64_t read_end = 0;  // file offset after the bytes read so far
  bool at_eof = false;
  bool corrupt = false;
  bool member_ended = false;
  for (;;) {
    if (stream.avail_in == 0 && !at_eof) {
      const ssize_t n = read_at(fd, in.get(), kBlockBytes, read_end);
      if (n < 0) {
        scan.verdict = Scan::Verdict::kReadError;
        scan.error = errno;
        return scan;
      }
      at_eof = n == 0;
      read_end += static_cast<std::uint64_t>(n);
      stream.next_in = in.get();
      stream.avail_in = static_cast<uInt>(n);
    }
    stream.next_out = out.get();
    stream.avail_out = static_cast<uInt>(kBlockBytes);
    const int rc = inflate(&stream, Z_NO_FLUSH);
    text.feed(out.get(), kBlockBytes - stream.avail_out);
    if (rc == Z_STREAM_END) {
      member_ended = true;
      if (text.ends_with_line()) {
        scan.keep_bytes = read_end - stream.avail_in;
        scan.records = text.records();
      }
      inflateReset(&stream);
    } else if (rc == Z_BUF_ERROR && stream.avail_in == 0) {
      if (at_eof) {
        break;  // the end of the file, or a member cut short
      }
    } else if (rc != Z_OK) {
      corrupt = true;  // garbage, or a member whose check fails
      break;
    }
  }
  if (!text.header_matches()) {
    scan.verdict = Scan::Verdict::kForeignHeader;
  } else if (!member_ended && corrupt) {
    scan.verdict = Scan::Verdict::kCorrupt;
  } else if (member_ended && scan.keep_bytes == 0) {
    scan.verdict = Scan::Verdict::kCorrupt;  // whole members, none ending with a whole line: not the sink's
  }
  return scan;
}

// Handles the leftovers of one directory, one at a time.
class Recovery {
 public:
  Recovery(const LeftoverRecoveryOptions& options, FileOps& ops) : options_(options), ops_(ops) {}

  // What was done with the leftover; nullopt when another writer holds it open.
  std::optional<LeftoverOutcome> recover(const std::string& partial, std::string final_name) {
    LeftoverOutcome outcome;
    outcome.final_name = std::move(final_name);
    // O_NOFOLLOW: a symbolic link is not the sink's file; it fails to open and is set aside.
    UniqueFd fd(::openat(options_.directory_fd, partial.c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC));
    if (fd.get() < 0) {
      set_aside(partial, "cannot be opened: " + errno_text(errno), outcome);
      return outcome;
    }
    // The sink locks the file it writes; a lock held means a live writer, not a killed one.
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK) {
      return std::nullopt;
    }
    struct stat info {};
    if (::fstat(fd.get(), &info) != 0) {
      set_aside(partial, "cannot be read: " + errno_text(errno), outcome);
      return outcome;
    }
    if (!S_ISREG(info.st_mode)) {
      set_aside(partial, "not a regular file", outcome);
      return outcome;
    }
    const auto file_bytes = static_cast<std::uint64_t>(info.st_size);
    const Scan scan =
        options_.gzip ? scan_gzip(fd.get(), options_.csv_header) : scan_plain(fd.get(), options_.csv_header);
    switch (scan.verdict) {
      case Scan::Verdict::kWhole:
        break;
      case Scan::Verdict::kForeignHeader:
        set_aside(partial, "its CSV header is not the current layout's", outcome);
        return outcome;
      case Scan::Verdict::kCorrupt:
        set_aside(partial, "its gzip data is corrupt before its first complete record", outcome);
        return outcome;
      case Scan::Verdict::kReadError:
        set_aside(partial, "cannot be read: " + errno_text(scan.error), outcome);
        return outcome;
    }
    if (scan.records == 0) {
      remove(partial, file_bytes, outcome);
    } else {
      finalize(fd, partial, scan, file_bytes, outcome);
    }
    return outcome;
  }

 private:
  void finalize(UniqueFd& fd, const std::string& partial, const Scan& scan, std::uint64_t file_bytes,
                LeftoverOutcome& outcome) {
    const int dir = options_.directory_fd;
    struct stat existing {};
    if (::fstatat(dir, outcome.final_name.c_str(), &existing, AT_SYMLINK_NOFOLLOW) == 0) {
      set_aside(partial, "its final name " + outcome.final_name + " is taken", outcome);
      return;
    }
    std::string notes;
    if (scan.keep_bytes < file_bytes && ::ftruncate(fd.get(), static_cast<off_t>(scan.keep_bytes)) != 0) {
      set_aside(partial, "cannot be cut back to its last complete record: " + errno_text(errno), outcome);
      return;
    }
    // As for a file the sink finishes: a failed fsync leaves durability in doubt, not the contents.
    if (ops_.fsync(fd.get()) != 0) {
      note_error(notes, "fsync", errno, outcome);
    }
    // Renamed while still open, so the lock keeps another starting sink away until it is done.
    const fs::path path = options_.directory / partial;
    const int renamed = rename_no_replace(dir, partial.c_str(), dir, outcome.final_name.c_str());
    const int rename_error = errno;
    if (fd.close() != 0) {
      note_error(notes, "close", errno, outcome);
    }
    if (renamed != 0) {
      if (rename_error == EEXIST) {
        set_aside(partial, "its final name " + outcome.final_name + " is taken", outcome);
        return;
      }
      ++outcome.io_errors;
      outcome.action = LeftoverAction::kLeftInPlace;
      spdlog::warn("output {}: left by an earlier run, cut back to {} records but cannot be renamed to {}: {}{}",
                   path.string(), scan.records, outcome.final_name, errno_text(rename_error), notes);
      return;
    }
    if (ops_.fsync(dir) != 0) {
      note_error(notes, "fsync the directory", errno, outcome);
    }
    outcome.action = LeftoverAction::kFinalized;
    outcome.records_kept = scan.records;
    outcome.bytes_cut = file_bytes - scan.keep_bytes;
    spdlog::warn("output {}: left by an earlier run, finished as {}: {} records kept, {} bytes cut{}", path.string(),
                 outcome.final_name, outcome.records_kept, outcome.bytes_cut, notes);
  }

  void remove(const std::string& partial, std::uint64_t file_bytes, LeftoverOutcome& outcome) {
    const fs::path path = options_.directory / partial;
    if (::unlinkat(options_.directory_fd, partial.c_str(), 0) != 0) {
      ++outcome.io_errors;
      outcome.action = LeftoverAction::kLeftInPlace;
      spdlog::warn("output {}: left by an earlier run with no complete record, cannot be removed: {}", path.string(),
                   errno_text(errno));
      return;
    }
    std::string notes;
    if (ops_.fsync(options_.directory_fd) != 0) {
      note_error(notes, "fsync the directory", errno, outcome);
    }
    outcome.action = LeftoverAction::kRemoved;
    outcome.bytes_cut = file_bytes;
    spdlog::warn("output {}: left by an earlier run with no complete record, removed: 0 records kept, {} bytes cut{}",
                 path.string(), file_bytes, notes);
  }

  // Moves the leftover, unchanged, into the recovered folder under its own name; ".1", ".2"...
  // is appended only when an earlier leftover of that name is already there.
  void set_aside(const std::string& partial, const std::string& reason, LeftoverOutcome& outcome) {
    const fs::path path = options_.directory / partial;
    const fs::path folder = options_.directory / kRecoveredFolder;
    int error = open_recovered_folder();
    std::string target = partial;
    for (int attempt = 1; error == 0; ++attempt) {
      if (rename_no_replace(options_.directory_fd, partial.c_str(), recovered_fd_.get(), target.c_str()) == 0) {
        break;
      }
      error = errno;
      if (error == EEXIST && attempt < kMaxSetAsideNames) {
        error = 0;
        target = partial + "." + std::to_string(attempt);
      }
    }
    if (error != 0) {
      ++outcome.io_errors;
      outcome.action = LeftoverAction::kLeftInPlace;
      spdlog::warn("output {}: left by an earlier run, {}; cannot be moved into {}: {}; left in place", path.string(),
                   reason, folder.string(), errno_text(error));
      return;
    }
    std::string notes;
    if (ops_.fsync(recovered_fd_.get()) != 0) {
      note_error(notes, "fsync " + folder.string(), errno, outcome);
    }
    if (ops_.fsync(options_.directory_fd) != 0) {
      note_error(notes, "fsync the directory", errno, outcome);
    }
    outcome.action = LeftoverAction::kSetAside;
    spdlog::warn("output {}: left by an earlier run, {}; set aside as {}{}", path.string(), reason,
                 (folder / target).string(), notes);
  }

  // 0 once the recovered folder is open, else the errno.
  int open_recovered_folder() {
    if (recovered_fd_.get() >= 0) {
      return 0;
    }
    if (::mkdirat(options_.directory_fd, kRecoveredFolder, 0755) != 0 && errno != EEXIST) {
      return errno;
    }
    recovered_fd_.reset(
        ::openat(options_.directory_fd, kRecoveredFolder, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    return recovered_fd_.get() >= 0 ? 0 : errno;
  }

  static void note_error(std::string& notes, const std::string& what, int error, LeftoverOutcome& outcome) {
    ++outcome.io_errors;
    notes += "; cannot " + what + ": " + errno_text(error);
  }

  const LeftoverRecoveryOptions& options_;
  FileOps& ops_;
  UniqueFd recovered_fd_;
};

// The final name of a leftover of the sink, or nullopt for any other file.
std::optional<std::string> final_name_of(std::string_view name, const LeftoverRecoveryOptions& options) {
  if (name.size() <= 1 + kPartialSuffix.size() || name.front() != '.' || !name.ends_with(kPartialSuffix)) {
    return std::nullopt;
  }
  const std::string_view final_name = name.substr(1, name.size() - 1 - kPartialSuffix.size());
  if (!options.is_own_name(final_name)) {
    return std::nullopt;
  }
  return std::string(final_name);
}

}  // namespace

std::vector<LeftoverOutcome> recover_leftovers(const LeftoverRecoveryOptions& options, FileOps& ops) {
  std::vector<std::pair<std::string, std::string>> leftovers;  // .partial name, final name
  std::error_code ec;
  for (fs::directory_iterator it(options.directory, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (std::optional<std::string> final_name = final_name_of(name, options)) {
      leftovers.emplace_back(std::move(name), std::move(*final_name));
    }
  }
  if (ec) {
    spdlog::warn("output {}: cannot list for files left by an earlier run: {}", options.directory.string(),
                 ec.message());
  }
  std::sort(leftovers.begin(), leftovers.end());
  std::vector<LeftoverOutcome> outcomes;
  Recovery recovery(options, ops);
  for (auto& [partial, final_name] : leftovers) {
    if (std::optional<LeftoverOutcome> outcome = recovery.recover(partial, std::move(final_name))) {
      outcomes.push_back(std::move(*outcome));
    }
  }
  return outcomes;
}

}  // namespace flowfeat
