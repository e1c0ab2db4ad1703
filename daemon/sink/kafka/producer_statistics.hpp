#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace flowfeat::kafka_detail {

// What the sink reads of librdkafka's statistics (its STATISTICS.md JSON, emitted every
// statistics.interval.ms).
struct ProducerStatistics {
  std::uint64_t sent_bytes = 0;  // tx_bytes: everything sent to the brokers
  std::uint64_t retries = 0;     // brokers[*].txretries, summed
  std::uint64_t disconnects = 0; // brokers[*].disconnects, summed: connections lost
  std::uint64_t brokers_up = 0;  // brokers[*] with state "UP" and a node id (bootstrap entries excluded)
  double rtt_seconds = 0.0;      // mean of brokers[*].rtt.avg over the brokers up with samples
};

// nullopt when the text is not statistics JSON.
std::optional<ProducerStatistics> parse_producer_statistics(std::string_view json) noexcept;

}  // namespace flowfeat::kafka_detail
