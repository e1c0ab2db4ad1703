#pragma once

#include <sys/types.h>

#include <cstddef>

namespace flowfeat {

// The system calls RotatingFileSink makes on the contents of its files, behind a seam so tests can
// simulate a full disk or a failing device without root. The base class calls the system; its
// functions are safe to call from any thread.
class FileOps {
 public:
  virtual ~FileOps() = default;

  // As write(2): bytes written (possibly fewer than size), or -1 with errno set.
  virtual ssize_t write(int fd, const void* data, std::size_t size) noexcept;

  // As fsync(2): 0, or -1 with errno set.
  virtual int fsync(int fd) noexcept;

  // A shared instance of the base class, for callers that do not inject one.
  static FileOps& system() noexcept;
};

}  // namespace flowfeat
