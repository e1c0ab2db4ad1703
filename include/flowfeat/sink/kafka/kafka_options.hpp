#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace flowfeat {

// What a record's message key is: consumers that aggregate by host read one host's records from one
// partition with src_ip (or dst_ip); flow spreads evenly; none lets the producer spread them.
enum class KafkaKey : std::uint8_t { kSrcIp, kDstIp, kFlow, kNone };

struct KafkaSinkOptions {
  std::string brokers;               // bootstrap.servers, "host:port,..."
  std::string topic = "flowfeat";
  KafkaKey key = KafkaKey::kSrcIp;
  std::string compression = "lz4";   // compression.type
  std::uint64_t linger_ms = 20;      // linger.ms
  std::uint64_t batch_bytes = 1u << 20;        // batch.size
  std::uint64_t queue_messages = 100'000;      // queue.buffering.max.messages
  std::vector<std::string> properties;         // "name=value", applied over everything above

  // A replay never gives up a record: it waits for the brokers at the start (connect_timeout, then
  // KafkaUnavailableError), waits for room in a full queue, and its messages never time out. A live
  // capture waits at most max_wait_ms for room, then drops the record and counts it.
  bool never_drop = true;
  std::uint64_t max_wait_ms = 1'000;
  std::uint64_t connect_timeout_ms = 30'000;
  std::uint64_t flush_timeout_ms = 30'000;   // close(): how long undelivered messages may still take

  // Once set (a stop was requested), a write waiting for room and close() give up after
  // flush_timeout_ms; may be null.
  const std::atomic<bool>* stopping = nullptr;

  // Headers of every message.
  std::string sensor;              // "sensor"
  std::string schema_version;      // "schema_version"
  std::string schema_fingerprint;  // "schema_fingerprint"
  std::string run;                 // "run": tells the runs of one sensor apart (flow ids restart)
};

// What the sink did so far. After close(): produced == delivered + failed + undelivered.
struct KafkaStats {
  std::uint64_t produced = 0;       // messages handed to the producer
  std::uint64_t delivered = 0;      // acknowledged by every in-sync replica (acks=all)
  std::uint64_t failed = 0;         // delivery failed for good (an error from the cluster, a timeout)
  std::uint64_t undelivered = 0;    // still queued when close() ran out of flush_timeout, purged
  std::uint64_t dropped = 0;        // never produced: a live capture's queue stayed full, a record too large
  std::uint64_t message_bytes = 0;  // keys and values produced, before compression
  // From the producer's statistics (once a second):
  std::uint64_t sent_bytes = 0;     // bytes sent to the brokers, compressed, retries and requests included
  std::uint64_t retries = 0;        // produce requests sent again
  std::uint64_t disconnects = 0;    // connections to a broker lost
  std::uint64_t brokers_up = 0;     // brokers with an open connection
  double rtt_seconds = 0.0;         // mean round trip of requests to the brokers up
  std::uint64_t queued = 0;         // messages waiting for delivery now (local queue and in flight)

  std::uint64_t lost() const noexcept { return failed + undelivered + dropped; }
};

}  // namespace flowfeat
