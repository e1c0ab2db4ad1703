#include "flowfeat/sink/file_ops.hpp"

#include <unistd.h>

namespace flowfeat {

ssize_t FileOps::write(int fd, const void* data, std::size_t size) noexcept { return ::write(fd, data, size); }

int FileOps::fsync(int fd) noexcept { return ::fsync(fd); }

FileOps& FileOps::system() noexcept {
  // Stateless, so sharing one instance is no shared mutable state.
  static FileOps ops;
  return ops;
}

}  // namespace flowfeat
