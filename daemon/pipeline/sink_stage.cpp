#include "sink_stage.hpp"

#include <string_view>
#include <utility>

namespace flowfeat::pipeline_detail {
namespace {

double delta(std::uint64_t current, std::uint64_t before) { return static_cast<double>(current - before); }

}  // namespace

SinkStage::SinkStage(std::unique_ptr<RotatingFileSink> files, std::unique_ptr<KafkaSink> kafka, Consumer consumer,
                     WallClock clock, Metrics& metrics)
    : files_(std::move(files)),
      kafka_(std::move(kafka)),
      consumer_(std::move(consumer)),
      clock_(std::move(clock)),
      file_metrics_(metrics),
      kafka_metrics_(metrics),
      watermark_(metrics.watermark_seconds()),
      lag_(metrics.stream_lag_seconds()) {
  if (files_) {
    sinks_.push_back(files_.get());
    // A waiting sink blocks this thread, so the gauge is set from inside the wait, not by publish().
    files_->set_wait_observer([&gauge = file_metrics_.write_blocked](bool waiting) { gauge.set(waiting ? 1 : 0); });
  }
  if (kafka_) sinks_.push_back(kafka_.get());
}

SinkStage::FileMetrics::FileMetrics(Metrics& metrics)
    : records_written(metrics.records_written()),
      records_dropped(metrics.records_dropped("write_error")),
      bytes(metrics.output_bytes()),
      files_rotated(metrics.output_files_rotated()),
      write_errors(metrics.output_write_errors()),
      write_blocked(metrics.output_write_blocked()) {}

SinkStage::KafkaMetrics::KafkaMetrics(Metrics& metrics)
    : produced(metrics.kafka_messages("produced")),
      delivered(metrics.kafka_messages("delivered")),
      failed(metrics.kafka_messages("failed")),
      undelivered(metrics.kafka_messages("undelivered")),
      dropped(metrics.kafka_messages("dropped")),
      records_dropped(metrics.records_dropped("kafka")),
      message_bytes(metrics.kafka_message_bytes()),
      sent_bytes(metrics.kafka_sent_bytes()),
      retries(metrics.kafka_retries()),
      disconnects(metrics.kafka_disconnects()),
      queued(metrics.kafka_queue_messages()),
      brokers_up(metrics.kafka_brokers_up()),
      rtt(metrics.kafka_rtt_seconds()) {}

std::vector<OutputFormat> SinkStage::row_formats() const {
  std::vector<OutputFormat> formats;
  for (const RecordSink* sink : sinks_) formats.push_back(sink->row_format());
  return formats;
}

void SinkStage::process(Slot& slot) {
  hold_.wait();
  for (RecordSink* sink : sinks_) {
    // The format stage made the rows of every format a sink takes.
    const FormattedRows& rows = slot.rows[static_cast<std::size_t>(sink->row_format())];
    for (std::size_t i = 0; i < slot.records.size(); ++i) sink->write(slot.records[i], rows.row(i));
    if (slot.end_of_stream) {
      sink->close();
    } else if (slot.rotate_output) {
      sink->rotate();
    } else {
      sink->tick();
    }
  }
  if (consumer_) {
    for (const FeatureRecord& record : slot.records) consumer_(record);
  }
  records_ += slot.records.size();
  publish(slot);
}

void SinkStage::publish(const Slot& slot) {
  if (files_) publish_files();
  if (kafka_) publish_kafka();
  if (slot.watermark_ms != 0) watermark_.set(static_cast<double>(slot.watermark_ms) / 1000.0);
  // Only a stream paced by the wall clock (live, paced replay) can be late; a file read as fast as
  // possible has no schedule.
  if (slot.due_wall_ms != 0) {
    lag_.set((static_cast<double>(clock_()) - static_cast<double>(slot.due_wall_ms)) / 1000.0);
  }
}

void SinkStage::publish_files() {
  const SinkStats& now = files_->stats();
  FileMetrics& m = file_metrics_;
  m.records_written.increment(delta(now.records_written, published_.records_written));
  m.records_dropped.increment(delta(now.records_dropped, published_.records_dropped));
  m.bytes.increment(delta(now.bytes_written, published_.bytes_written));
  m.files_rotated.increment(delta(now.files_finished, published_.files_finished));
  m.write_errors.increment(delta(now.write_errors, published_.write_errors));
  published_ = now;
}

void SinkStage::publish_kafka() {
  const KafkaStats& now = kafka_->stats();
  const KafkaStats& before = published_kafka_;
  KafkaMetrics& m = kafka_metrics_;
  m.produced.increment(delta(now.produced, before.produced));
  m.delivered.increment(delta(now.delivered, before.delivered));
  m.failed.increment(delta(now.failed, before.failed));
  m.undelivered.increment(delta(now.undelivered, before.undelivered));
  m.dropped.increment(delta(now.dropped, before.dropped));
  m.records_dropped.increment(delta(now.lost(), before.lost()));
  m.message_bytes.increment(delta(now.message_bytes, before.message_bytes));
  m.sent_bytes.increment(delta(now.sent_bytes, before.sent_bytes));
  m.retries.increment(delta(now.retries, before.retries));
  m.disconnects.increment(delta(now.disconnects, before.disconnects));
  m.queued.set(static_cast<double>(now.queued));
  m.brokers_up.set(static_cast<double>(now.brokers_up));
  m.rtt.set(now.rtt_seconds);
  published_kafka_ = now;
}

}  // namespace flowfeat::pipeline_detail
