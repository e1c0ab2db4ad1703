#pragma once

#include <functional>
#include <memory>

#include "flowfeat/metrics/metrics.hpp"
#include "flowfeat/sink/rotating_file_sink.hpp"
#include "slot.hpp"

namespace flowfeat::pipeline_detail {

// The end of the graph: hands each record, in order, to the rotating files (as the row the format
// stage made of it) and/or to a consumer callback, and publishes the output metrics. Owned by one serial graph node; not thread-safe.
class SinkStage {
 public:
  using Consumer = std::function<void(const FeatureRecord&)>;
  using WallClock = std::function<std::uint64_t()>;

  // files may be null (records only go to consumer); consumer may be empty.
  SinkStage(std::unique_ptr<RotatingFileSink> files, Consumer consumer, WallClock clock, Metrics& metrics);

  void process(Slot& slot);

  const SinkStats* file_stats() const noexcept { return files_ ? &files_->stats() : nullptr; }

  // The formatter of the files' rows, for the format stage; null when no files are written.
  const RecordFormatter* formatter() const noexcept { return files_ ? &files_->formatter() : nullptr; }
  std::uint64_t records() const noexcept { return records_; }

 private:
  void publish(const Slot& slot);

  std::unique_ptr<RotatingFileSink> files_;
  Consumer consumer_;
  WallClock clock_;
  std::uint64_t records_ = 0;
  SinkStats published_;
  Counter& records_written_;
  Counter& records_dropped_;
  Counter& output_bytes_;
  Counter& files_rotated_;
  Counter& write_errors_;
  Gauge& watermark_;
  Gauge& lag_;
};

}  // namespace flowfeat::pipeline_detail
