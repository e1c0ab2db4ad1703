#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "flowfeat/core/encoding_columns.hpp"
#include "flowfeat/core/standardized_columns.hpp"

namespace flowfeat {

// How packets become flows (record specification §1).
struct FlowConfig {
  std::uint64_t idle_timeout_ms = 60'000;     // flows.idle_timeout (seconds in YAML)
  std::uint64_t active_timeout_ms = 120'000;  // flows.active_timeout (seconds in YAML)
  std::uint64_t max_flows = 1'000'000;        // flows.max_flows: table bound; the least recently seen is evicted
  bool decode_tunnels = true;                 // flows.decode_tunnels: GTP-U, TZSP, CAPWAP
  bool dpi_enabled = true;                    // flows.dpi.enabled: nDPI application_name
  std::uint32_t dpi_packets = 20;             // flows.dpi.packets: packets inspected before guessing
  bool reference_quirks = false;              // flows.reference_quirks: reproduce the reference's known bugs

  friend bool operator==(const FlowConfig&, const FlowConfig&) = default;
};

// Where packets come from.
struct InputConfig {
  std::vector<std::string> files;  // input.files: pcap/pcapng files or folders, read as one stream
  std::string progress = "auto";   // input.progress: auto (only on a terminal), always, never
  double replay_speed = 0.0;       // input.replay_speed: 0 = as fast as possible, X = X times the recorded pace

  friend bool operator==(const InputConfig&, const InputConfig&) = default;
};

// Live capture from network interfaces.
struct CaptureConfig {
  std::vector<std::string> interfaces;  // capture.interfaces: empty = read input.files instead
  std::uint32_t threads = 1;            // capture.threads: per interface, joined in one fanout group
  bool fanout_defrag = true;            // capture.fanout_defrag
  std::uint32_t snaplen = 65535;        // capture.snaplen: bytes kept of each frame
  std::uint32_t buffer_mib = 64;        // capture.buffer_mib: kernel ring per thread
  bool promiscuous = true;              // capture.promiscuous
  bool immediate = false;               // capture.immediate
  std::string filter;                   // capture.filter: BPF expression
  std::uint64_t timeout_ms = 100;       // capture.timeout (seconds in YAML): poll interval and tick period
  std::string on_full = "wait";         // capture.on_full: wait (frames stay in the kernel ring), drop

  friend bool operator==(const CaptureConfig&, const CaptureConfig&) = default;
};

// How the work is spread over threads.
struct PipelineConfig {
  std::uint32_t workers = 0;         // pipeline.workers: flow shards and worker threads; 0 = one per core
  std::uint32_t queue_batches = 8;  // pipeline.queue_batches: packet batches in flight (backpressure bound)

  friend bool operator==(const PipelineConfig&, const PipelineConfig&) = default;
};

// The fan-in/fan-out window (record specification §3).
struct WindowConfig {
  std::uint64_t span_ms = 10'000;        // window.span (seconds in YAML): flows starting within ±span/2
  std::uint64_t max_flows = 4'000'000;   // window.max_flows: flow starts held at most

  friend bool operator==(const WindowConfig&, const WindowConfig&) = default;
};

// Ground-truth labels (record specification §4).
struct LabelsConfig {
  std::string file;                    // labels.file: ground-truth CSV; empty = no label column
  std::string format = "custom";       // labels.format: custom, unsw-nb15, cic-ids (presets of the public data sets)
  bool header = true;                  // labels.header: false = labels.columns.* are 1-based column numbers
  std::string src_ip = "srcip";        // labels.columns.*: header names of the 5-tuple and verdict
  std::string src_port = "sport";
  std::string dst_ip = "dstip";
  std::string dst_port = "dsport";
  std::string protocol = "proto";
  std::string label = "Label";
  std::string attack_cat = "attack_cat";
  std::string start_time;              // labels.columns.start_time, end_time: the row's interval; empty = none
  std::string end_time;
  std::string time_format = "unix";    // labels.time_format: unix (seconds), unix_ms, or a strptime pattern
  std::string time_zone;               // labels.time_zone: of local times; empty = the format's own (UTC for custom)
  std::uint64_t time_tolerance_ms = 5'000;  // labels.time_tolerance: slack around a row's interval
  // labels.benign_values: text labels that mean benign; any other text is an attack category.
  std::vector<std::string> benign_values = {"BENIGN", "Benign", "normal", "0"};

  friend bool operator==(const LabelsConfig&, const LabelsConfig&) = default;
};

// Encodings and derived features (record specification §5, §6).
struct FeaturesConfig {
  std::vector<std::uint8_t> protocols{kDefaultOneHotProtocols.begin(),
                                      kDefaultOneHotProtocols.end()};  // features.protocols: one-hot set
  std::uint64_t quantile_warmup = 1000;  // features.quantile_warmup: records before quantile flags are raised

  friend bool operator==(const FeaturesConfig&, const FeaturesConfig&) = default;
};

// Online standardization (record specification §7).
struct StandardizeConfig {
  std::string mode = "running";                                   // standardize.mode: running, frozen, ewm, off
  std::vector<std::string> columns = default_standardized_columns();  // standardize.columns
  std::uint64_t half_life_records = 10'000;                       // standardize.half_life (ewm), records
  std::string state_file;             // standardize.state_file; empty = <output.directory>/standardizer.state
  std::uint64_t save_interval_ms = 60'000;  // standardize.save_interval (seconds in YAML)

  friend bool operator==(const StandardizeConfig&, const StandardizeConfig&) = default;
};

// Records streamed into Apache Kafka, one message per record (output.kafka.*).
struct KafkaConfig {
  bool enabled = false;                  // output.kafka.enabled
  std::string brokers;                   // output.kafka.brokers: host:port,... (bootstrap.servers)
  std::string topic = "flowfeat";        // output.kafka.topic
  std::string key = "src_ip";            // output.kafka.key: src_ip, dst_ip, flow, none
  std::string compression = "lz4";       // output.kafka.compression: zstd, lz4, snappy, gzip, none
  std::uint64_t linger_ms = 20;          // output.kafka.linger (seconds in YAML): batching delay
  std::uint64_t batch_bytes = 1u << 20;  // output.kafka.batch_bytes: largest batch of messages
  std::uint64_t queue_messages = 100'000;  // output.kafka.queue_messages: local producer queue bound
  std::uint64_t max_wait_ms = 1'000;     // output.kafka.max_wait (seconds): live capture's wait for queue room
  std::uint64_t connect_timeout_ms = 30'000;  // output.kafka.connect_timeout (seconds)
  std::uint64_t flush_timeout_ms = 30'000;    // output.kafka.flush_timeout (seconds)
  // output.kafka.properties: librdkafka properties, "name=value", applied over the settings above.
  std::vector<std::string> properties;

  friend bool operator==(const KafkaConfig&, const KafkaConfig&) = default;
};

// Where records go.
struct OutputConfig {
  bool files = true;                          // output.files: rotating record files in output.directory
  std::string columns = "all";                // output.columns: all, flow (the flow record and labels only)
  std::string on_write_error = "wait";        // output.on_write_error: wait (replays), drop
  std::string directory = "flowfeat-output";  // output.directory
  std::string format = "csv";                 // output.format: csv, jsonl
  std::string compression = "none";           // output.compression: none, gzip
  std::uint64_t rotate_bytes = 256ull << 20;  // output.rotate_bytes: 0 = no size rotation
  std::uint64_t rotate_age_ms = 3'600'000;    // output.rotate_age (seconds in YAML): 0 = no age rotation
  std::uint64_t keep_files = 0;               // output.keep_files: finished files kept, 0 = all
  std::uint64_t keep_bytes = 0;               // output.keep_bytes: bytes of finished files kept, 0 = all
  KafkaConfig kafka;

  friend bool operator==(const OutputConfig&, const OutputConfig&) = default;
};

// What names this sensor in its records.
struct SensorConfig {
  std::string id;  // sensor.id: the sensor column and Kafka header; empty = the host name

  friend bool operator==(const SensorConfig&, const SensorConfig&) = default;
};

// Prometheus endpoint.
struct MetricsConfig {
  bool enabled = true;                  // metrics.enabled
  std::string listen = "127.0.0.1:9877";  // metrics.listen: address:port of the /metrics endpoint
  std::uint32_t request_timeout_s = 5;    // metrics.request_timeout: a request not all in by then is cut
  std::uint32_t inactivity_timeout_s = 10;  // metrics.inactivity_timeout: a silent connection is closed after it
  std::uint32_t max_connections = 1000;   // metrics.max_connections: open at once
  std::uint32_t max_connections_per_client = 16;  // metrics.max_connections_per_client: per address
  std::string tls_cert_file;              // metrics.tls.cert_file: PEM; empty = plain HTTP
  std::string tls_key_file;               // metrics.tls.key_file: PEM
  std::map<std::string, std::string> basic_auth;  // metrics.basic_auth: user -> crypt(3) hash; empty = none
  std::string web_config_file;            // metrics.web_config_file: exporter-toolkit layout, instead of the above

  friend bool operator==(const MetricsConfig&, const MetricsConfig&) = default;
};

// The process itself.
struct ProcessConfig {
  std::string user;   // process.user: switch to this user once the capture is open; empty = stay
  std::string group;  // process.group: and this group; empty = the user's primary group

  friend bool operator==(const ProcessConfig&, const ProcessConfig&) = default;
};

struct LoggingConfig {
  std::string level = "info";  // logging.level: trace, debug, info, warn, error

  friend bool operator==(const LoggingConfig&, const LoggingConfig&) = default;
};

// The whole validated configuration; immutable once loaded. Built by load_config_file() or
// load_config_text() (config_loader.hpp), which check every key and range.
struct Config {
  FlowConfig flows;
  InputConfig input;
  CaptureConfig capture;
  PipelineConfig pipeline;
  WindowConfig window;
  LabelsConfig labels;
  FeaturesConfig features;
  StandardizeConfig standardize;
  OutputConfig output;
  SensorConfig sensor;
  MetricsConfig metrics;
  ProcessConfig process;
  LoggingConfig logging;

  friend bool operator==(const Config&, const Config&) = default;
};

}  // namespace flowfeat
