#pragma once

#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

namespace flowfeat::pipeline_detail {

// A test hook that stalls the sink as a slow disk or broker would: when the environment variable
// FLOWFEAT_TEST_HOLD_SINK_WHILE names a file, the sink stage waits before each batch for as long as
// that file exists (at most ten minutes at a time). The live tests use it to hold the whole graph
// and check that the capture threads wait and the kernel's ring keeps the frames. Unset, it costs
// one branch a batch.
class SinkHold {
 public:
  SinkHold() {
    if (const char* path = std::getenv("FLOWFEAT_TEST_HOLD_SINK_WHILE"); path != nullptr) path_ = path;
  }

  void wait() const {
    if (path_.empty()) return;
    struct stat info {};
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::minutes(10);
    while (::stat(path_.c_str(), &info) == 0 && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

 private:
  std::string path_;
};

}  // namespace flowfeat::pipeline_detail
