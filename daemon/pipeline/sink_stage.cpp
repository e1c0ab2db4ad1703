#include "sink_stage.hpp"

#include <string_view>
#include <utility>

namespace flowfeat::pipeline_detail {

SinkStage::SinkStage(std::unique_ptr<RotatingFileSink> files, Consumer consumer, WallClock clock, Metrics& metrics)
    : files_(std::move(files)),
      consumer_(std::move(consumer)),
      clock_(std::move(clock)),
      records_written_(metrics.records_written()),
      records_dropped_(metrics.records_dropped("write_error")),
      output_bytes_(metrics.output_bytes()),
      files_rotated_(metrics.output_files_rotated()),
      write_errors_(metrics.output_write_errors()),
      watermark_(metrics.watermark_seconds()),
      lag_(metrics.stream_lag_seconds()) {}

void SinkStage::process(Slot& slot) {
  std::size_t row_start = 0;
  for (std::size_t i = 0; i < slot.records.size(); ++i) {
    if (files_) {
      // The format stage made every row (it has the formatter whenever there are files).
      files_->write_row(std::string_view(slot.text.data() + row_start, slot.row_ends[i] - row_start));
      row_start = slot.row_ends[i];
    }
    if (consumer_) consumer_(slot.records[i]);
  }
  records_ += slot.records.size();
  if (files_) {
    if (slot.end_of_stream) {
      files_->close();
    } else if (slot.rotate_output) {
      files_->rotate();
    } else {
      files_->tick();
    }
  }
  publish(slot);
}

void SinkStage::publish(const Slot& slot) {
  if (files_) {
    const SinkStats& now = files_->stats();
    const auto delta = [](std::uint64_t current, std::uint64_t before) { return static_cast<double>(current - before); };
    records_written_.increment(delta(now.records_written, published_.records_written));
    records_dropped_.increment(delta(now.records_dropped, published_.records_dropped));
    output_bytes_.increment(delta(now.bytes_written, published_.bytes_written));
    files_rotated_.increment(delta(now.files_finished, published_.files_finished));
    write_errors_.increment(delta(now.write_errors, published_.write_errors));
    published_ = now;
  }
  if (slot.watermark_ms != 0) watermark_.set(static_cast<double>(slot.watermark_ms) / 1000.0);
  // Only a stream paced by the wall clock (live, paced replay) can be late; a file read as fast as
  // possible has no schedule.
  if (slot.due_wall_ms != 0) {
    lag_.set((static_cast<double>(clock_()) - static_cast<double>(slot.due_wall_ms)) / 1000.0);
  }
}

}  // namespace flowfeat::pipeline_detail
