// The Kafka sink's parts that need no broker: message keys, the producer's statistics, settings
// checked by librdkafka, and the delivery accounting when no broker answers. The tests against a
// real broker are the *_test.sh scripts beside this file.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>

#include "flowfeat/sink/kafka/kafka_sink.hpp"
#include "message_key.hpp"
#include "producer_statistics.hpp"

namespace flowfeat {
namespace {

using kafka_detail::kMaxKeyChars;
using kafka_detail::message_key;
using kafka_detail::parse_producer_statistics;

IpAddress ip(int family, const char* text) {
  std::uint8_t bytes[16] = {};
  EXPECT_EQ(::inet_pton(family, text, bytes), 1) << text;
  return family == AF_INET ? IpAddress::v4(bytes) : IpAddress::v6(bytes);
}

FlowRecord sample_flow() {
  FlowRecord flow;
  flow.src_ip = ip(AF_INET, "10.1.2.3");
  flow.dst_ip = ip(AF_INET6, "2001:db8::ffff:1");
  flow.src_port = 51234;
  flow.dst_port = 443;
  flow.protocol = 6;
  return flow;
}

std::string key_of(const FlowRecord& flow, KafkaKey key) {
  char out[kMaxKeyChars];
  return std::string(message_key(flow, key, out));
}

TEST(KafkaMessageKey, IsTheChosenColumnsAsTheRecordWritesThem) {
  const FlowRecord flow = sample_flow();
  EXPECT_EQ(key_of(flow, KafkaKey::kSrcIp), "10.1.2.3");
  EXPECT_EQ(key_of(flow, KafkaKey::kDstIp), "2001:db8::ffff:1");
  EXPECT_EQ(key_of(flow, KafkaKey::kFlow), "10.1.2.3,51234,2001:db8::ffff:1,443,6");
  EXPECT_EQ(key_of(flow, KafkaKey::kNone), "");
}

TEST(KafkaMessageKey, TheLongestKeyFits) {
  FlowRecord flow;
  flow.src_ip = ip(AF_INET6, "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255");
  flow.dst_ip = flow.src_ip;
  flow.src_port = 65535;
  flow.dst_port = 65535;
  flow.protocol = 255;
  EXPECT_LE(key_of(flow, KafkaKey::kFlow).size(), kMaxKeyChars);
}

TEST(KafkaStatistics, ReadsBytesRetriesBrokersUpAndRoundTrip) {
  const auto stats = parse_producer_statistics(R"({
    "name": "rdkafka#producer-1", "type": "producer", "tx_bytes": 123456, "msg_cnt": 7,
    "brokers": {
      "127.0.0.1:9092/bootstrap": {"nodeid": -1, "state": "UP", "txretries": 1, "rtt": {"avg": 9000, "cnt": 3}},
      "127.0.0.1:9092/1": {"nodeid": 1, "state": "UP", "txretries": 4, "disconnects": 2, "rtt": {"avg": 2000, "cnt": 10}},
      "127.0.0.1:9094/2": {"nodeid": 2, "state": "UP", "txretries": 0, "rtt": {"avg": 4000, "cnt": 5}},
      "127.0.0.1:9096/3": {"nodeid": 3, "state": "DOWN", "txretries": 2, "rtt": {"avg": 0, "cnt": 0}}
    }})");
  ASSERT_TRUE(stats.has_value());
  EXPECT_EQ(stats->sent_bytes, 123456u);
  EXPECT_EQ(stats->retries, 7u);     // every broker entry's retries
  EXPECT_EQ(stats->disconnects, 2u);
  EXPECT_EQ(stats->brokers_up, 2u);  // the bootstrap entry and the broker down do not count
  EXPECT_DOUBLE_EQ(stats->rtt_seconds, 0.003);
}

TEST(KafkaStatistics, RefusesWhatIsNotStatistics) {
  EXPECT_FALSE(parse_producer_statistics("").has_value());
  EXPECT_FALSE(parse_producer_statistics("[1,2]").has_value());
  EXPECT_FALSE(parse_producer_statistics(R"({"tx_bytes": "many"})").has_value());
  EXPECT_FALSE(parse_producer_statistics(R"({"brokers": {"b": {"nodeid": "x"}}})").has_value());
  EXPECT_TRUE(parse_producer_statistics(R"({"tx_bytes": 5})").has_value());
}

KafkaSinkOptions no_broker_options() {
  KafkaSinkOptions options;
  options.brokers = "127.0.0.1:1";  // nothing listens on port 1
  options.topic = "records";
  options.sensor = "test-sensor";
  options.schema_version = "1";
  options.schema_fingerprint = "0123456789abcdef";
  return options;
}

std::string settings_error(const KafkaSinkOptions& options) {
  try {
    check_kafka_settings(options);
  } catch (const KafkaSettingsError& e) {
    return e.what();
  }
  return "";
}

TEST(KafkaSettings, LibrdkafkaChecksEveryProperty) {
  KafkaSinkOptions options = no_broker_options();
  EXPECT_EQ(settings_error(options), "");
  options.properties = {"security.protocol=SSL", "socket.keepalive.enable=true"};
  EXPECT_EQ(settings_error(options), "");

  options.properties = {"no.such.property=1"};
  EXPECT_EQ(settings_error(options), "output.kafka.properties.no.such.property: librdkafka knows no such property");
  options.properties = {"socket.timeout.ms=soon"};
  const std::string bad_value = settings_error(options);
  EXPECT_NE(bad_value.find("output.kafka.properties.socket.timeout.ms: "), std::string::npos) << bad_value;
  EXPECT_NE(bad_value.find("Invalid value"), std::string::npos) << bad_value;  // librdkafka says why
  // Settings that librdkafka accepts one by one but not together.
  options.properties = {"acks=1"};
  EXPECT_NE(settings_error(options).find("output.kafka"), std::string::npos);
}

TEST(KafkaSink, AReplayWaitsForTheBrokersThenNamesThem) {
  KafkaSinkOptions options = no_broker_options();
  options.connect_timeout_ms = 500;
  const auto started = std::chrono::steady_clock::now();
  try {
    KafkaSink sink(options);
    FAIL() << "no error without a broker";
  } catch (const KafkaUnavailableError& e) {
    EXPECT_NE(std::string(e.what()).find("127.0.0.1:1"), std::string::npos) << e.what();
  }
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(450));
}

FeatureRecord record_with_id(std::uint64_t id) {
  FeatureRecord record;
  record.flow = sample_flow();
  record.flow.flow_id = id;
  return record;
}

// A live capture with no broker: the queue fills, the records beyond it are dropped after
// max_wait, and at the end what is queued is undelivered; each record is counted exactly once.
TEST(KafkaSink, LiveAccountingWithoutABrokerLosesNothingUncounted) {
  KafkaSinkOptions options = no_broker_options();
  options.never_drop = false;
  options.queue_messages = 5;
  options.max_wait_ms = 20;
  options.flush_timeout_ms = 200;
  KafkaSink sink(options);  // warns and goes on
  for (std::uint64_t i = 0; i < 8; ++i) sink.write(record_with_id(i), "{\"n\":1}\n");
  sink.tick();
  sink.close();
  const KafkaStats& s = sink.stats();
  EXPECT_EQ(s.produced, 5u);
  EXPECT_EQ(s.dropped, 3u);
  EXPECT_EQ(s.delivered, 0u);
  EXPECT_EQ(s.produced, s.delivered + s.failed + s.undelivered);
  EXPECT_EQ(s.lost(), 8u);
  EXPECT_EQ(s.queued, 0u);
  sink.write(record_with_id(9), "{}\n");  // after close: counted, not sent
  EXPECT_EQ(sink.stats().dropped, 4u);
}

// A replay stopped while its queue is full (no broker): the write gives up after the flush
// timeout instead of waiting for ever, and the record is counted.
TEST(KafkaSink, AStopBoundsTheWaitOfAReplay) {
  KafkaSinkOptions options = no_broker_options();
  options.never_drop = false;  // so that it starts without a broker; the wait below is the replay's
  options.queue_messages = 1;
  options.flush_timeout_ms = 300;
  std::atomic<bool> stopping{true};
  options.stopping = &stopping;
  KafkaSink sink(options);
  sink.write(record_with_id(1), "{}\n");
  const auto started = std::chrono::steady_clock::now();
  sink.write(record_with_id(2), "{}\n");
  const auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_GE(waited, std::chrono::milliseconds(250));
  EXPECT_LT(waited, std::chrono::seconds(5));
  EXPECT_EQ(sink.stats().dropped, 1u);
  sink.close();
  EXPECT_EQ(sink.stats().lost(), 2u);
}

}  // namespace
}  // namespace flowfeat
