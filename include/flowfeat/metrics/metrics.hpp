#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "flowfeat/metrics/counter.hpp"
#include "flowfeat/metrics/gauge.hpp"
#include "flowfeat/metrics/metrics_options.hpp"

namespace flowfeat {

// The daemon's Prometheus metrics: the registry of every family in metric_catalog() and, when
// enabled, the HTTP endpoint serving it at /metrics. Created once at startup and shared; every
// member is thread-safe. Stages fetch their handles at startup (a mutex guards the lookup), keep
// plain counters on their own thread and publish them through the handles once per batch.
//
// The same family and label value always give the same handle; handles stay valid as long as this
// object. Unlabeled families and labels with a fixed set of values are present at 0 from the start.
// Asking for a label value outside a fixed set, or an empty one, throws std::invalid_argument
// naming the family and the value (a programming error, found at startup).
class Metrics {
 public:
  // Starts the HTTP endpoint when options.enabled. Throws std::runtime_error naming the address and
  // the reason when it cannot listen there (malformed, in use, not a local address), or the file
  // and the reason when the TLS files or password hashes do not work.
  explicit Metrics(MetricsOptions options);
  ~Metrics();

  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // The port the endpoint listens on (the real one when listen_address asked for port 0); 0 when
  // disabled.
  std::uint16_t port() const noexcept;

  // Serves from now on with this certificate, key and users (certificate rotation on SIGHUP): new
  // connections get them; open ones are closed. Throws std::runtime_error as the constructor does,
  // and the previous settings go on serving. Nothing when disabled.
  void reload_security(const EndpointSecurity& security);

  // The registry in the Prometheus text exposition format, as a scrape sees it (tests, and a dump
  // at shutdown).
  std::string text() const;

  Counter& packets_received(std::string_view source);  // flowfeat_packets_received_total{source}
  Counter& bytes_received(std::string_view source);    // flowfeat_received_bytes_total{source}
  Counter& packets_ignored(std::string_view reason);   // flowfeat_packets_ignored_total{reason}
  Counter& packets_dropped(std::string_view place);    // flowfeat_packets_dropped_total{place=kernel|interface|queue}
  Counter& capture_frames(std::string_view capture);   // flowfeat_capture_frames_total{capture}
  Counter& capture_lost(std::string_view capture);     // flowfeat_capture_lost_total{capture}
  Gauge& capture_loss_ratio(std::string_view capture); // flowfeat_capture_loss_ratio{capture}
  Gauge& capture_ring_fill(std::string_view capture);  // flowfeat_capture_ring_fill_ratio{capture}
  Gauge& capture_backlog(std::string_view capture);    // flowfeat_capture_backlog_seconds{capture}
  Gauge& flows_active();                               // flowfeat_flows_active
  Counter& flows_created();                            // flowfeat_flows_created_total
  Counter& flows_ended(std::string_view reason);       // flowfeat_flows_ended_total{reason=idle|active|evicted}
  Counter& records_written();                          // flowfeat_records_written_total
  Counter& records_dropped(std::string_view reason);   // flowfeat_records_dropped_total{reason}
  Counter& output_files_rotated();                     // flowfeat_output_files_rotated_total
  Counter& output_bytes();                             // flowfeat_output_bytes_total
  Counter& output_write_errors();                      // flowfeat_output_write_errors_total
  Gauge& output_write_blocked();                       // flowfeat_output_write_blocked
  Gauge& queue_depth(std::string_view stage);          // flowfeat_queue_depth{stage}
  Gauge& stream_lag_seconds();                         // flowfeat_stream_lag_seconds
  Gauge& watermark_seconds();                          // flowfeat_stream_watermark_seconds
  Gauge& host_window_flows();                          // flowfeat_host_window_flows
  Gauge& host_window_hosts();                          // flowfeat_host_window_hosts
  Gauge& host_window_held_records();                   // flowfeat_host_window_held_records
  Counter& host_window_overflows();                    // flowfeat_host_window_overflows_total
  Gauge& standardizer_samples();                       // flowfeat_standardizer_samples
  Counter& stage_errors(std::string_view stage);       // flowfeat_stage_errors_total{stage}
  Counter& stage_cpu_seconds(std::string_view stage);  // flowfeat_stage_cpu_seconds_total{stage}
  Counter& records_labeled(std::string_view label);    // flowfeat_records_labeled_total{label="0"|"1"}
  Counter& kafka_messages(std::string_view state);     // flowfeat_kafka_messages_total{state}
  Counter& kafka_message_bytes();                      // flowfeat_kafka_message_bytes_total
  Counter& kafka_sent_bytes();                         // flowfeat_kafka_sent_bytes_total
  Counter& kafka_retries();                            // flowfeat_kafka_retries_total
  Counter& kafka_disconnects();                        // flowfeat_kafka_disconnects_total
  Gauge& kafka_queue_messages();                       // flowfeat_kafka_queue_messages
  Gauge& kafka_brokers_up();                           // flowfeat_kafka_brokers_up
  Gauge& kafka_rtt_seconds();                          // flowfeat_kafka_rtt_seconds

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace flowfeat
