#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "flowfeat/sink/kafka/kafka_options.hpp"
#include "flowfeat/sink/record_sink.hpp"

namespace flowfeat {

// The options do not make a producer: a property librdkafka does not know or refuses, or settings
// it will not combine. The message names the property.
class KafkaSettingsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A replay found no broker within connect_timeout, or its topic does not exist and the cluster does
// not create topics. The message names the brokers or the topic.
class KafkaUnavailableError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Builds the producer the options describe without connecting to anything; throws
// KafkaSettingsError as the KafkaSink constructor does (--check-config).
void check_kafka_settings(const KafkaSinkOptions& options);

// Streams records into one Kafka topic through librdkafka: one message per record, its JSON Lines
// row without the line end as the value, the key and headers (sensor, schema_version,
// schema_fingerprint, run, flow_id) the options ask for. The producer is idempotent with acks=all, so a
// broker that restarts or a connection that breaks makes it retry without losing or duplicating a
// message. Delivery reports, the producer's log and its statistics are served on the owning thread
// (in write(), tick() and close()), so nothing here runs on librdkafka's threads.
//
// Owned by one thread (the serial sink stage); not thread-safe.
class KafkaSink final : public RecordSink {
 public:
  // Creates the producer and asks the brokers for the topic: a replay (never_drop) waits up to
  // connect_timeout for an answer, logging that it waits, then throws KafkaUnavailableError; a live
  // capture warns and goes on (records wait in the queue). Throws KafkaSettingsError for bad settings.
  explicit KafkaSink(KafkaSinkOptions options);
  ~KafkaSink() override;

  KafkaSink(const KafkaSink&) = delete;
  KafkaSink& operator=(const KafkaSink&) = delete;

  OutputFormat row_format() const noexcept override { return OutputFormat::kJsonLines; }
  void write(const FeatureRecord& record, std::string_view row) override;
  void tick() override;
  void rotate() override {}
  // Waits up to flush_timeout for every message to be delivered; what is still queued then is
  // purged, counted as undelivered and logged with its number.
  void close() override;

  const KafkaStats& stats() const noexcept;

 private:
  class Producer;
  std::unique_ptr<Producer> producer_;
};

}  // namespace flowfeat
