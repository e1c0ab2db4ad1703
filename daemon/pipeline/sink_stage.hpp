#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "flowfeat/metrics/metrics.hpp"
#include "flowfeat/sink/kafka/kafka_sink.hpp"
#include "flowfeat/sink/rotating_file_sink.hpp"
#include "sink_hold.hpp"
#include "slot.hpp"

namespace flowfeat::pipeline_detail {

// The end of the graph: hands each record, in order, to the rotating files and to Kafka (as the
// rows the format stage made of it) and/or to a consumer callback, and publishes the output
// metrics. Owned by one serial graph node; not thread-safe.
class SinkStage {
 public:
  using Consumer = std::function<void(const FeatureRecord&)>;
  using WallClock = std::function<std::uint64_t()>;

  // files and kafka may be null; consumer may be empty.
  SinkStage(std::unique_ptr<RotatingFileSink> files, std::unique_ptr<KafkaSink> kafka, Consumer consumer,
            WallClock clock, Metrics& metrics);

  void process(Slot& slot);

  // The formats whose rows the sinks take, for the format stage.
  std::vector<OutputFormat> row_formats() const;

  const SinkStats* file_stats() const noexcept { return files_ ? &files_->stats() : nullptr; }
  const KafkaStats* kafka_stats() const noexcept { return kafka_ ? &kafka_->stats() : nullptr; }
  std::uint64_t records() const noexcept { return records_; }

 private:
  void publish(const Slot& slot);
  void publish_files();
  void publish_kafka();

  std::unique_ptr<RotatingFileSink> files_;
  std::unique_ptr<KafkaSink> kafka_;
  std::vector<RecordSink*> sinks_;  // the two above, those that exist
  Consumer consumer_;
  WallClock clock_;
  std::uint64_t records_ = 0;

  // The handles of the output metrics, fetched once.
  struct FileMetrics {
    explicit FileMetrics(Metrics& metrics);
    Counter& records_written;
    Counter& records_dropped;
    Counter& bytes;
    Counter& files_rotated;
    Counter& write_errors;
    Gauge& write_blocked;
  };
  struct KafkaMetrics {
    explicit KafkaMetrics(Metrics& metrics);
    Counter& produced;
    Counter& delivered;
    Counter& failed;
    Counter& undelivered;
    Counter& dropped;
    Counter& records_dropped;
    Counter& message_bytes;
    Counter& sent_bytes;
    Counter& retries;
    Counter& disconnects;
    Gauge& queued;
    Gauge& brokers_up;
    Gauge& rtt;
  };
  FileMetrics file_metrics_;
  KafkaMetrics kafka_metrics_;
  SinkStats published_;
  KafkaStats published_kafka_;
  Gauge& watermark_;
  Gauge& lag_;
  SinkHold hold_;
};

}  // namespace flowfeat::pipeline_detail
