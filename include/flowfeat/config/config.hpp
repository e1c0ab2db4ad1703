#pragma once

#include <cstdint>
#include <string>
#include <vector>

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

  friend bool operator==(const InputConfig&, const InputConfig&) = default;
};

// Where records go.
struct OutputConfig {
  std::string directory = "flowfeat-output";  // output.directory
  std::string format = "csv";                 // output.format: csv

  friend bool operator==(const OutputConfig&, const OutputConfig&) = default;
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
  OutputConfig output;
  LoggingConfig logging;

  friend bool operator==(const Config&, const Config&) = default;
};

}  // namespace flowfeat
