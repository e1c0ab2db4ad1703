#include "producer_settings.hpp"

#include <string>

#include "flowfeat/sink/kafka/kafka_sink.hpp"

namespace flowfeat::kafka_detail {
namespace {

void set(rd_kafka_conf_t* conf, const std::string& name, const std::string& value, const std::string& origin) {
  char error[512];
  const rd_kafka_conf_res_t result = rd_kafka_conf_set(conf, name.c_str(), value.c_str(), error, sizeof error);
  if (result == RD_KAFKA_CONF_OK) return;
  const char* why = result == RD_KAFKA_CONF_UNKNOWN ? "librdkafka knows no such property" : error;
  throw KafkaSettingsError(origin + ": " + why);
}

}  // namespace

Conf producer_conf(const KafkaSinkOptions& options) {
  Conf conf(rd_kafka_conf_new());
  rd_kafka_conf_t* c = conf.get();
  set(c, "bootstrap.servers", options.brokers, "output.kafka.brokers");
  set(c, "enable.idempotence", "true", "enable.idempotence");
  set(c, "acks", "all", "acks");
  set(c, "compression.type", options.compression, "output.kafka.compression");
  set(c, "linger.ms", std::to_string(options.linger_ms), "output.kafka.linger");
  set(c, "batch.size", std::to_string(options.batch_bytes), "output.kafka.batch_bytes");
  set(c, "queue.buffering.max.messages", std::to_string(options.queue_messages), "output.kafka.queue_messages");
  // The queue is bounded by messages; librdkafka's default byte bound (1 GiB) stays above it.
  set(c, "queue.buffering.max.kbytes", "2097151", "queue.buffering.max.kbytes");
  // A replay's messages wait for the brokers as long as it takes (the sink bounds the wait at a stop).
  if (options.never_drop) set(c, "message.timeout.ms", "0", "message.timeout.ms");
  set(c, "statistics.interval.ms", "1000", "statistics.interval.ms");
  set(c, "log.queue", "true", "log.queue");
  for (const std::string& property : options.properties) {
    const std::size_t equals = property.find('=');
    const std::string name = property.substr(0, equals);
    const std::string value = equals == std::string::npos ? "" : property.substr(equals + 1);
    set(c, name, value, "output.kafka.properties." + name);
  }
  return conf;
}

Handle make_producer(Conf conf) {
  char error[512];
  rd_kafka_t* handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), error, sizeof error);
  if (handle == nullptr) throw KafkaSettingsError(std::string("output.kafka: librdkafka refuses the settings: ") + error);
  conf.release();  // the handle owns it now
  return Handle(handle);
}

}  // namespace flowfeat::kafka_detail
