#include "flowfeat/metrics/metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/labels.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <exception>
#include <map>
#include <mutex>
#include <stdexcept>
#include <utility>
#include <vector>

#include "http/http_endpoint.hpp"
#include "metric_cells.hpp"
#include "metric_table.hpp"

namespace flowfeat {
namespace {

using metrics_detail::index_of;
using metrics_detail::kCatalog;

constexpr std::size_t kBuildInfo = index_of("flowfeat_build_info");
constexpr std::size_t kPacketsReceived = index_of("flowfeat_packets_received_total");
constexpr std::size_t kBytesReceived = index_of("flowfeat_received_bytes_total");
constexpr std::size_t kPacketsIgnored = index_of("flowfeat_packets_ignored_total");
constexpr std::size_t kPacketsDropped = index_of("flowfeat_packets_dropped_total");
constexpr std::size_t kCaptureFrames = index_of("flowfeat_capture_frames_total");
constexpr std::size_t kCaptureLost = index_of("flowfeat_capture_lost_total");
constexpr std::size_t kCaptureLossRatio = index_of("flowfeat_capture_loss_ratio");
constexpr std::size_t kCaptureRingFill = index_of("flowfeat_capture_ring_fill_ratio");
constexpr std::size_t kCaptureBacklog = index_of("flowfeat_capture_backlog_seconds");
constexpr std::size_t kFlowsActive = index_of("flowfeat_flows_active");
constexpr std::size_t kFlowsCreated = index_of("flowfeat_flows_created_total");
constexpr std::size_t kFlowsEnded = index_of("flowfeat_flows_ended_total");
constexpr std::size_t kRecordsWritten = index_of("flowfeat_records_written_total");
constexpr std::size_t kRecordsDropped = index_of("flowfeat_records_dropped_total");
constexpr std::size_t kOutputFilesRotated = index_of("flowfeat_output_files_rotated_total");
constexpr std::size_t kOutputBytes = index_of("flowfeat_output_bytes_total");
constexpr std::size_t kOutputWriteErrors = index_of("flowfeat_output_write_errors_total");
constexpr std::size_t kOutputWriteBlocked = index_of("flowfeat_output_write_blocked");
constexpr std::size_t kQueueDepth = index_of("flowfeat_queue_depth");
constexpr std::size_t kStreamLag = index_of("flowfeat_stream_lag_seconds");
constexpr std::size_t kWatermark = index_of("flowfeat_stream_watermark_seconds");
constexpr std::size_t kHostWindowFlows = index_of("flowfeat_host_window_flows");
constexpr std::size_t kHostWindowHosts = index_of("flowfeat_host_window_hosts");
constexpr std::size_t kHostWindowHeldRecords = index_of("flowfeat_host_window_held_records");
constexpr std::size_t kHostWindowOverflows = index_of("flowfeat_host_window_overflows_total");
constexpr std::size_t kStandardizerSamples = index_of("flowfeat_standardizer_samples");
constexpr std::size_t kStageErrors = index_of("flowfeat_stage_errors_total");
constexpr std::size_t kStageCpuSeconds = index_of("flowfeat_stage_cpu_seconds_total");
constexpr std::size_t kRecordsLabeled = index_of("flowfeat_records_labeled_total");
constexpr std::size_t kKafkaMessages = index_of("flowfeat_kafka_messages_total");
constexpr std::size_t kKafkaMessageBytes = index_of("flowfeat_kafka_message_bytes_total");
constexpr std::size_t kKafkaSentBytes = index_of("flowfeat_kafka_sent_bytes_total");
constexpr std::size_t kKafkaRetries = index_of("flowfeat_kafka_retries_total");
constexpr std::size_t kKafkaDisconnects = index_of("flowfeat_kafka_disconnects_total");
constexpr std::size_t kKafkaQueueMessages = index_of("flowfeat_kafka_queue_messages");
constexpr std::size_t kKafkaBrokersUp = index_of("flowfeat_kafka_brokers_up");
constexpr std::size_t kKafkaRtt = index_of("flowfeat_kafka_rtt_seconds");

// Unlabeled families take no value; labeled ones a non-empty value, from their fixed set if any.
void check_label_value(const MetricDescription& family, std::string_view value) {
  if (family.label.empty()) return;
  const std::string where = std::string(family.name) + ": label " + std::string(family.label);
  if (value.empty()) throw std::invalid_argument(where + " needs a non-empty value");
  if (family.label_values.empty() || std::ranges::find(family.label_values, value) != family.label_values.end()) {
    return;
  }
  std::string allowed;
  for (std::string_view v : family.label_values) {
    allowed += allowed.empty() ? "" : ", ";
    allowed += v;
  }
  throw std::invalid_argument(where + " cannot be \"" + std::string(value) + "\" (allowed: " + allowed + ")");
}

// One handle and the cell it points at, kept together at a fixed address.
template <typename Metric, typename Handle>
struct Slot {
  explicit Slot(Metric& metric) : cell{metric}, handle{cell} {}
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;

  typename Handle::Cell cell;
  Handle handle;
};

// The families of one metric type by catalog position, and the handles handed out for them.
template <typename Metric, typename Handle>
class SeriesSet {
 public:
  void add_family(std::size_t family, prometheus::Family<Metric>& registered) { families_[family] = &registered; }

  // The handle of (family, value), created on first use. Not synchronized: the caller locks.
  Handle& get(std::size_t family, std::string_view value) {
    if (families_[family] == nullptr)
      throw std::logic_error(std::string(kCatalog[family].name) + ": wrong metric type");
    check_label_value(kCatalog[family], value);
    auto [position, inserted] = slots_.try_emplace({family, std::string(value)});
    if (inserted) {
      prometheus::Labels labels;
      if (!value.empty()) labels.emplace(std::string(kCatalog[family].label), std::string(value));
      position->second = std::make_unique<Slot<Metric, Handle>>(families_[family]->Add(labels));
    }
    return position->second->handle;
  }

 private:
  std::array<prometheus::Family<Metric>*, kCatalog.size()> families_{};
  std::map<std::pair<std::size_t, std::string>, std::unique_ptr<Slot<Metric, Handle>>> slots_;
};

}  // namespace

struct Metrics::Impl {
  explicit Impl(const MetricsOptions& options) {
    for (std::size_t i = 0; i < kCatalog.size(); ++i) {
      const MetricDescription& family = kCatalog[i];
      const std::string name(family.name);
      const std::string help(family.help);
      if (family.type == MetricType::kCounter) {
        counters.add_family(i, prometheus::BuildCounter().Name(name).Help(help).Register(*registry));
      } else {
        gauges.add_family(i, prometheus::BuildGauge().Name(name).Help(help).Register(*registry));
      }
      // A scrape shows 0 from the start instead of nothing, so rates work from the first sample.
      if (family.label.empty()) create(i, "");
      for (std::string_view value : family.label_values) create(i, value);
    }
    gauges.get(kBuildInfo, options.version.empty() ? FLOWFEAT_VERSION : options.version).set(1.0);
    if (options.enabled) {
      endpoint = std::make_unique<metrics_detail::HttpEndpoint>(options.listen_address, options.limits,
                                                                options.security, [this] { return text(); });
    }
  }

  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  void create(std::size_t family, std::string_view value) {
    if (kCatalog[family].type == MetricType::kCounter) {
      counters.get(family, value);
    } else {
      gauges.get(family, value);
    }
  }

  std::string text() const { return prometheus::TextSerializer().Serialize(registry->Collect()); }

  Counter& counter(std::size_t family, std::string_view value) {
    std::lock_guard lock(mutex);
    return counters.get(family, value);
  }

  Gauge& gauge(std::size_t family, std::string_view value) {
    std::lock_guard lock(mutex);
    return gauges.get(family, value);
  }

  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  std::mutex mutex;  // guards the series sets; the metrics themselves are atomic
  SeriesSet<prometheus::Counter, Counter> counters;
  SeriesSet<prometheus::Gauge, Gauge> gauges;
  // Declared after the registry, so serving stops before the registry goes away.
  std::unique_ptr<metrics_detail::HttpEndpoint> endpoint;
};

Metrics::Metrics(MetricsOptions options) : impl_(std::make_unique<Impl>(options)) {}

Metrics::~Metrics() = default;

std::uint16_t Metrics::port() const noexcept { return impl_->endpoint ? impl_->endpoint->port() : 0; }

std::string Metrics::text() const { return impl_->text(); }

void Metrics::reload_security(const EndpointSecurity& security) {
  if (impl_->endpoint) impl_->endpoint->reload(security);
}

Counter& Metrics::packets_received(std::string_view source) { return impl_->counter(kPacketsReceived, source); }
Counter& Metrics::bytes_received(std::string_view source) { return impl_->counter(kBytesReceived, source); }
Counter& Metrics::packets_ignored(std::string_view reason) { return impl_->counter(kPacketsIgnored, reason); }
Counter& Metrics::packets_dropped(std::string_view place) { return impl_->counter(kPacketsDropped, place); }
Counter& Metrics::capture_frames(std::string_view capture) { return impl_->counter(kCaptureFrames, capture); }
Counter& Metrics::capture_lost(std::string_view capture) { return impl_->counter(kCaptureLost, capture); }
Gauge& Metrics::capture_loss_ratio(std::string_view capture) { return impl_->gauge(kCaptureLossRatio, capture); }
Gauge& Metrics::capture_ring_fill(std::string_view capture) { return impl_->gauge(kCaptureRingFill, capture); }
Gauge& Metrics::capture_backlog(std::string_view capture) { return impl_->gauge(kCaptureBacklog, capture); }
Gauge& Metrics::flows_active() { return impl_->gauge(kFlowsActive, ""); }
Counter& Metrics::flows_created() { return impl_->counter(kFlowsCreated, ""); }
Counter& Metrics::flows_ended(std::string_view reason) { return impl_->counter(kFlowsEnded, reason); }
Counter& Metrics::records_written() { return impl_->counter(kRecordsWritten, ""); }
Counter& Metrics::records_dropped(std::string_view reason) { return impl_->counter(kRecordsDropped, reason); }
Counter& Metrics::output_files_rotated() { return impl_->counter(kOutputFilesRotated, ""); }
Counter& Metrics::output_bytes() { return impl_->counter(kOutputBytes, ""); }
Counter& Metrics::output_write_errors() { return impl_->counter(kOutputWriteErrors, ""); }
Gauge& Metrics::output_write_blocked() { return impl_->gauge(kOutputWriteBlocked, ""); }
Gauge& Metrics::queue_depth(std::string_view stage) { return impl_->gauge(kQueueDepth, stage); }
Gauge& Metrics::stream_lag_seconds() { return impl_->gauge(kStreamLag, ""); }
Gauge& Metrics::watermark_seconds() { return impl_->gauge(kWatermark, ""); }
Gauge& Metrics::host_window_flows() { return impl_->gauge(kHostWindowFlows, ""); }
Gauge& Metrics::host_window_hosts() { return impl_->gauge(kHostWindowHosts, ""); }
Gauge& Metrics::host_window_held_records() { return impl_->gauge(kHostWindowHeldRecords, ""); }
Counter& Metrics::host_window_overflows() { return impl_->counter(kHostWindowOverflows, ""); }
Gauge& Metrics::standardizer_samples() { return impl_->gauge(kStandardizerSamples, ""); }
Counter& Metrics::stage_errors(std::string_view stage) { return impl_->counter(kStageErrors, stage); }
Counter& Metrics::stage_cpu_seconds(std::string_view stage) { return impl_->counter(kStageCpuSeconds, stage); }
Counter& Metrics::records_labeled(std::string_view label) { return impl_->counter(kRecordsLabeled, label); }
Counter& Metrics::kafka_messages(std::string_view state) { return impl_->counter(kKafkaMessages, state); }
Counter& Metrics::kafka_message_bytes() { return impl_->counter(kKafkaMessageBytes, ""); }
Counter& Metrics::kafka_sent_bytes() { return impl_->counter(kKafkaSentBytes, ""); }
Counter& Metrics::kafka_retries() { return impl_->counter(kKafkaRetries, ""); }
Counter& Metrics::kafka_disconnects() { return impl_->counter(kKafkaDisconnects, ""); }
Gauge& Metrics::kafka_queue_messages() { return impl_->gauge(kKafkaQueueMessages, ""); }
Gauge& Metrics::kafka_brokers_up() { return impl_->gauge(kKafkaBrokersUp, ""); }
Gauge& Metrics::kafka_rtt_seconds() { return impl_->gauge(kKafkaRtt, ""); }

}  // namespace flowfeat
