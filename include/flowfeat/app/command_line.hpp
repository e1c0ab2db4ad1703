#pragma once

#include <optional>
#include <string>
#include <vector>

#include "flowfeat/app/usage_error.hpp"
#include "flowfeat/config/config.hpp"
#include "flowfeat/config/config_error.hpp"

namespace flowfeat {

// The daemon's command line as given. Values that override configuration keys stay text here and are
// checked by apply_overrides(), against the same types and ranges as the YAML file.
struct CommandLine {
  std::optional<std::string> config_file;       // --config FILE, or the FILE after --check-config
  std::vector<std::string> read_paths;          // --read FILE|DIR..., in order; replaces input.files
  std::vector<std::string> interfaces;          // --interface IF...; replaces capture.interfaces
  std::optional<std::string> capture_threads;   // --capture-threads N
  std::optional<std::string> filter;            // --filter EXPR
  std::optional<std::string> replay_speed;      // --replay-speed X
  std::optional<std::string> state_file;        // --state-file FILE
  std::optional<std::string> user;              // --user NAME
  std::optional<std::string> output_directory;  // --output DIR
  std::optional<std::string> idle_timeout;      // --idle-timeout SECONDS
  std::optional<std::string> active_timeout;    // --active-timeout SECONDS
  std::optional<std::string> max_flows;         // --max-flows N
  std::optional<std::string> progress;          // --progress auto|always|never
  std::optional<std::string> workers;           // --workers N
  std::optional<std::string> format;            // --format csv|jsonl
  std::optional<std::string> labels_file;       // --labels FILE
  std::optional<std::string> labels_format;     // --labels-format custom|unsw-nb15|cic-ids
  std::optional<std::string> metrics_listen;    // --metrics-listen HOST:PORT
  std::optional<std::string> kafka_brokers;     // --kafka-brokers HOST:PORT,...; turns the Kafka sink on
  std::optional<std::string> kafka_topic;       // --kafka-topic NAME
  std::optional<std::string> sensor_id;         // --sensor-id NAME
  bool no_files = false;                        // --no-files
  bool no_dpi = false;                          // --no-dpi
  bool no_metrics = false;                      // --no-metrics
  bool check_config = false;                    // --check-config: validate, then exit
  bool print_schema = false;                    // --print-schema
  bool version = false;                         // --version
  bool help = false;                            // --help, -h

  friend bool operator==(const CommandLine&, const CommandLine&) = default;
};

// Parses the arguments that follow the program name. Options also take their value as
// --option=VALUE; --read takes every following argument up to the next one starting with '-'.
// Throws UsageError for an unknown option, a missing or empty value, a value-taking option given
// twice, or an argument that belongs to no option.
CommandLine parse_command_line(const std::vector<std::string>& args);

// Same, from main()'s arguments; argv[0] is skipped.
CommandLine parse_command_line(int argc, const char* const* argv);

// The --help text.
std::string usage_text();

// base with the command-line values applied over it: --read replaces input.files and --interface
// capture.interfaces (either one also empties the other: the command line picks the source); the
// other options replace their single key. Throws ConfigError (source "command line") listing every invalid value,
// each named by its option ("--max-flows: \"0\" is out of range (allowed: 1..100000000)").
Config apply_overrides(Config base, const CommandLine& command_line);

}  // namespace flowfeat
