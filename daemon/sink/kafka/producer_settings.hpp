#pragma once

#include <librdkafka/rdkafka.h>

#include <memory>

#include "flowfeat/sink/kafka/kafka_options.hpp"

namespace flowfeat::kafka_detail {

struct ConfDeleter {
  void operator()(rd_kafka_conf_t* conf) const noexcept { rd_kafka_conf_destroy(conf); }
};
using Conf = std::unique_ptr<rd_kafka_conf_t, ConfDeleter>;

struct HandleDeleter {
  void operator()(rd_kafka_t* handle) const noexcept { rd_kafka_destroy(handle); }
};
using Handle = std::unique_ptr<rd_kafka_t, HandleDeleter>;

// The producer configuration of the options: no loss and no duplicate (enable.idempotence, acks=all),
// the compression and batching asked for, the options' queue bound, the log on the main queue, a
// statistics report every second; a replay's messages never time out. output.kafka.properties
// come last, each checked by librdkafka. Throws KafkaSettingsError naming the property.
Conf producer_conf(const KafkaSinkOptions& options);

// A producer from the configuration (which it takes). Throws KafkaSettingsError when librdkafka
// refuses the combination of settings.
Handle make_producer(Conf conf);

}  // namespace flowfeat::kafka_detail
