#pragma once

#include <atomic>
#include <exception>
#include <mutex>
#include <string>
#include <string_view>

#include "flowfeat/metrics/metrics.hpp"

namespace flowfeat::pipeline_detail {

// Where graph nodes report what they throw: an exception escaping a node body would cancel the graph
// silently. The first error is kept for main; every error is counted; once one happened the stages
// stop working on data but keep passing slots on, so the graph still drains and ends.
// Thread-safe.
class StageErrors {
 public:
  explicit StageErrors(Metrics& metrics) : metrics_(metrics) {}

  // Runs work, catching and recording whatever it throws as an error of stage. Skips work once an
  // error happened.
  template <typename Work>
  void guard(std::string_view stage, Work&& work) noexcept {
    if (failed()) return;
    try {
      work();
    } catch (const std::exception& e) {
      record(stage, e.what());
    } catch (...) {
      record(stage, "unknown exception");
    }
  }

  void record(std::string_view stage, std::string_view message) noexcept {
    try {
      metrics_.stage_errors(stage).increment();
      const std::lock_guard lock(mutex_);
      if (first_.empty()) first_ = std::string(stage) + " stage: " + std::string(message);
    } catch (...) {
      // Out of memory while reporting: the failed flag below still stops the work.
    }
    failed_.store(true, std::memory_order_release);
  }

  bool failed() const noexcept { return failed_.load(std::memory_order_acquire); }

  std::string first_error() const {
    const std::lock_guard lock(mutex_);
    return first_;
  }

 private:
  Metrics& metrics_;
  mutable std::mutex mutex_;
  std::string first_;
  std::atomic<bool> failed_{false};
};

}  // namespace flowfeat::pipeline_detail
