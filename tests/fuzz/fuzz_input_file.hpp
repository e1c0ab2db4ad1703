#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

// The parsers of untrusted files take a path: each fuzz input is written to one file in memory
// (/dev/shm when there is one) that the target reads back, named after the process so parallel
// fuzzing jobs do not share it.
class FuzzInputFile {
 public:
  explicit FuzzInputFile(const char* name) {
    const char* folder = ::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    path_ = std::string(folder) + "/flowfeat-fuzz-" + std::to_string(::getpid()) + "-" + name;
  }
  ~FuzzInputFile() { std::remove(path_.c_str()); }

  // Replaces the file's content with the input; returns its path.
  const std::string& write(const std::uint8_t* data, std::size_t size) const {
    std::FILE* file = std::fopen(path_.c_str(), "wb");
    if (file == nullptr) __builtin_trap();
    if (size != 0 && std::fwrite(data, 1, size, file) != size) __builtin_trap();
    std::fclose(file);
    return path_;
  }

 private:
  std::string path_;
};
