#pragma once

#include <spdlog/sinks/base_sink.h>

#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace flowfeat::python {

// The library's log messages, kept until Python takes them: pipeline threads must not call into
// Python, so the Python side drains this buffer and hands the messages to its logging module.
class LogBuffer final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  struct Entry {
    int level;  // as Python's logging numbers them: 10 debug, 20 info, 30 warning, 40 error, 50 critical
    std::string message;
  };

  // The messages since the last call, oldest first; a note of how many were left out when more
  // than kCapacity came in between.
  std::vector<Entry> take();

  static constexpr std::size_t kCapacity = 10000;

 protected:
  void sink_it_(const spdlog::details::log_msg& message) override;
  void flush_() override {}

 private:
  std::deque<Entry> entries_;
  std::size_t left_out_ = 0;
};

}  // namespace flowfeat::python
