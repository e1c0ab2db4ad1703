#include "producer_statistics.hpp"

#include <nlohmann/json.hpp>

namespace flowfeat::kafka_detail {

std::optional<ProducerStatistics> parse_producer_statistics(std::string_view json) noexcept try {
  const nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return std::nullopt;
  ProducerStatistics stats;
  stats.sent_bytes = doc.value("tx_bytes", std::uint64_t{0});
  const auto brokers = doc.find("brokers");
  if (brokers == doc.end() || !brokers->is_object()) return stats;
  double rtt_sum = 0.0;
  std::uint64_t rtt_samples = 0;
  for (const auto& broker : brokers->items()) {
    const nlohmann::json& b = broker.value();
    if (!b.is_object()) continue;
    stats.retries += b.value("txretries", std::uint64_t{0});
    stats.disconnects += b.value("disconnects", std::uint64_t{0});
    if (b.value("nodeid", -1) < 0 || b.value("state", std::string()) != "UP") continue;
    ++stats.brokers_up;
    const auto rtt = b.find("rtt");
    if (rtt != b.end() && rtt->is_object() && rtt->value("cnt", 0) > 0) {
      rtt_sum += rtt->value("avg", 0.0) / 1e6;  // microseconds
      ++rtt_samples;
    }
  }
  if (rtt_samples != 0) stats.rtt_seconds = rtt_sum / static_cast<double>(rtt_samples);
  return stats;
} catch (const nlohmann::json::exception&) {  // a member of another type than documented
  return std::nullopt;
}

}  // namespace flowfeat::kafka_detail
