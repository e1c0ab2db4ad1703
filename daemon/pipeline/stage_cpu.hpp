#pragma once

#include <time.h>

#include <array>
#include <atomic>
#include <cstdint>

#include "flowfeat/metrics/metrics.hpp"
#include "flowfeat/pipeline/pipeline_stage.hpp"

namespace flowfeat::pipeline_detail {

// The CPU time each stage spends on its work: the running thread's own CPU clock, read before and
// after the stage handles a slot (two readings per slot of up to 2048 packets, far below a percent
// of the work). Kept as a total per stage and as flowfeat_stage_cpu_seconds_total{stage}.
class StageCpu {
 public:
  explicit StageCpu(Metrics& metrics) {
    for (std::size_t i = 0; i < kPipelineStageCount; ++i) {
      counters_[i] = &metrics.stage_cpu_seconds(kPipelineStageNames[i]);
    }
  }

  // Runs work on the calling thread and charges its CPU time to stage.
  template <class Work>
  void charge(PipelineStage stage, Work&& work) {
    const std::uint64_t started = thread_cpu_ns();
    work();
    const std::uint64_t spent = thread_cpu_ns() - started;
    const auto i = static_cast<std::size_t>(stage);
    nanoseconds_[i].fetch_add(spent, std::memory_order_relaxed);
    counters_[i]->increment(static_cast<double>(spent) * 1e-9);
  }

  std::array<double, kPipelineStageCount> seconds() const noexcept {
    std::array<double, kPipelineStageCount> out{};
    for (std::size_t i = 0; i < kPipelineStageCount; ++i) {
      out[i] = static_cast<double>(nanoseconds_[i].load(std::memory_order_relaxed)) * 1e-9;
    }
    return out;
  }

 private:
  static std::uint64_t thread_cpu_ns() noexcept {
    timespec now{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<std::uint64_t>(now.tv_sec) * 1'000'000'000u + static_cast<std::uint64_t>(now.tv_nsec);
  }

  std::array<std::atomic<std::uint64_t>, kPipelineStageCount> nanoseconds_{};
  std::array<Counter*, kPipelineStageCount> counters_{};
};

}  // namespace flowfeat::pipeline_detail
