#pragma once

#include <array>
#include <cstddef>
#include <stdexcept>
#include <string_view>

#include "flowfeat/metrics/metric_catalog.hpp"

// The metric catalog itself, shared by the registry and the documentation. Private to the metrics
// module.
namespace flowfeat::metrics_detail {

inline constexpr std::array<std::string_view, 3> kDropPlaces{"kernel", "interface", "queue"};
inline constexpr std::array<std::string_view, 3> kEndReasons{"idle", "active", "evicted"};
inline constexpr std::array<std::string_view, 2> kLabelValues{"0", "1"};
inline constexpr std::array<std::string_view, 5> kKafkaMessageStates{"produced", "delivered", "failed", "undelivered",
                                                                     "dropped"};

inline constexpr MetricType kCounter = MetricType::kCounter;
inline constexpr MetricType kGauge = MetricType::kGauge;

inline constexpr std::array<MetricDescription, 38> kCatalog{{
    {"flowfeat_build_info", kGauge, "version", {}, "Always 1; the version label names the running flowfeat build"},
    {"flowfeat_packets_received_total", kCounter, "source", {}, "Packets read from a capture source"},
    {"flowfeat_received_bytes_total",
     kCounter,
     "source",
     {},
     "Bytes read from a capture source, original wire length of each packet"},
    {"flowfeat_packets_ignored_total",
     kCounter,
     "reason",
     {},
     "Packets that update no flow (too short, non-first fragment, not IP, ...), by reason"},
    {"flowfeat_packets_dropped_total", kCounter, "place", kDropPlaces,
     "Packets lost before decoding: by the kernel, by the interface, or at a full queue"},
    {"flowfeat_capture_frames_total", kCounter, "capture", {},
     "Frames a live capture thread read from its kernel ring (capture = interface/thread)"},
    {"flowfeat_capture_lost_total", kCounter, "capture", {},
     "Frames a live capture thread lost: dropped by the kernel at a full ring, or at a full queue with capture.on_full: drop"},
    {"flowfeat_capture_loss_ratio", kGauge, "capture", {},
     "Share of a live capture thread's frames lost since it started: lost / (read + dropped by the kernel)"},
    {"flowfeat_capture_ring_fill_ratio", kGauge, "capture", {},
     "Estimated share of a live capture thread's kernel ring held by frames not yet read, at its last batch (0..1)"},
    {"flowfeat_capture_backlog_seconds", kGauge, "capture", {},
     "Age of the oldest frame a live capture thread had not read yet, at its last batch: how far it is behind"},
    {"flowfeat_flows_active", kGauge, "", {}, "Flows currently open in the flow tables"},
    {"flowfeat_flows_created_total", kCounter, "", {}, "Flows started"},
    {"flowfeat_flows_ended_total", kCounter, "reason", kEndReasons,
     "Flows ended: idle timeout or end of input (idle), active timeout (active), evicted from a full table "
     "(evicted)"},
    {"flowfeat_records_written_total", kCounter, "", {}, "Feature records written to the output"},
    {"flowfeat_records_dropped_total", kCounter, "reason", {}, "Feature records not written, by reason"},
    {"flowfeat_output_files_rotated_total",
     kCounter,
     "",
     {},
     "Output files completed by rotation and renamed to their final name"},
    {"flowfeat_output_bytes_total", kCounter, "", {}, "Bytes written to output files"},
    {"flowfeat_output_write_errors_total",
     kCounter,
     "",
     {},
     "Output file operations (write, flush, rename) that failed"},
    {"flowfeat_output_write_blocked",
     kGauge,
     "",
     {},
     "1 while writing a record file fails and the run waits for it to work again (output.on_write_error: wait), "
     "holding the reader back; 0 otherwise"},
    {"flowfeat_queue_depth", kGauge, "stage", {}, "Items waiting in the input queue of a pipeline stage"},
    {"flowfeat_stream_lag_seconds", kGauge, "", {},
     "How far the records are behind the wall clock (live capture, paced replay): now minus the time the watermark was due, in seconds; 0 for files read as fast as possible"},
    {"flowfeat_stream_watermark_seconds",
     kGauge,
     "",
     {},
     "Packet time the stream has reached, in seconds since the Unix epoch"},
    {"flowfeat_host_window_flows", kGauge, "", {}, "Flow starts held in the fan-in/fan-out window"},
    {"flowfeat_host_window_hosts", kGauge, "", {}, "Distinct hosts with peers in the fan-in/fan-out window"},
    {"flowfeat_host_window_held_records",
     kGauge,
     "",
     {},
     "Ended flow records waiting for their fan metrics to become final"},
    {"flowfeat_host_window_overflows_total",
     kCounter,
     "",
     {},
     "Flows whose fan metrics were finalized early because the window reached its bound"},
    {"flowfeat_standardizer_samples",
     kGauge,
     "",
     {},
     "Records the standardizer's running mean and deviation are computed from"},
    {"flowfeat_stage_errors_total", kCounter, "stage", {}, "Errors caught in a pipeline stage"},
    {"flowfeat_stage_cpu_seconds_total",
     kCounter,
     "stage",
     {},
     "CPU time spent in a pipeline stage's work, by stage: capture (reading and decoding), flow, window, enrich, "
     "standardize, format, sink"},
    {"flowfeat_records_labeled_total", kCounter, "label", kLabelValues,
     "Records labeled from the ground truth: 1 matched a ground-truth row, 0 did not"},
    {"flowfeat_kafka_messages_total", kCounter, "state", kKafkaMessageStates,
     "Kafka messages (one per record): produced into the local queue, delivered (acknowledged with acks=all), "
     "failed (refused by the cluster or timed out), undelivered (still queued when the flush timeout ran out at "
     "the end), dropped (never produced: the queue stayed full)"},
    {"flowfeat_kafka_message_bytes_total", kCounter, "", {},
     "Bytes of the Kafka messages produced (keys and values, before compression)"},
    {"flowfeat_kafka_sent_bytes_total", kCounter, "", {},
     "Bytes sent to the Kafka brokers: compressed batches, retries and protocol requests included"},
    {"flowfeat_kafka_retries_total", kCounter, "", {},
     "Produce requests sent to a Kafka broker again (a broker restarting, a connection lost)"},
    {"flowfeat_kafka_disconnects_total", kCounter, "", {},
     "Connections to a Kafka broker that were lost (a broker stopping or crashing, a network fault)"},
    {"flowfeat_kafka_queue_messages", kGauge, "", {},
     "Kafka messages waiting for delivery: in the producer's local queue or in flight"},
    {"flowfeat_kafka_brokers_up", kGauge, "", {}, "Kafka brokers with an open connection"},
    {"flowfeat_kafka_rtt_seconds", kGauge, "", {},
     "Mean round trip of requests to the Kafka brokers that are up, in seconds"},
}};

// Position of a family in kCatalog. Used in constant expressions, where a misspelt name fails the
// build.
constexpr std::size_t index_of(std::string_view name) {
  for (std::size_t i = 0; i < kCatalog.size(); ++i) {
    if (kCatalog[i].name == name) return i;
  }
  throw std::logic_error("no such metric family");
}

}  // namespace flowfeat::metrics_detail
