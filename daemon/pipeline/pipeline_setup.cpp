#include "pipeline_setup.hpp"

#include <spdlog/spdlog.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <random>
#include <exception>
#include <string>
#include <system_error>
#include <thread>

#include "flowfeat/core/clock_now.hpp"
#include "flowfeat/core/sensor_id.hpp"
#include "flowfeat/pipeline/pipeline.hpp"

namespace flowfeat::pipeline_detail {

std::size_t shard_count(const PipelineConfig& pipeline) {
  if (pipeline.workers != 0) return pipeline.workers;
  return std::max<std::size_t>(1, std::thread::hardware_concurrency());
}

FlowTableOptions flow_table_options(const FlowConfig& flows, std::size_t shards) {
  return {.idle_timeout_ms = flows.idle_timeout_ms,
          .active_timeout_ms = flows.active_timeout_ms,
          .max_flows = std::max<std::uint64_t>(1, flows.max_flows / shards),
          .dpi_enabled = flows.dpi_enabled,
          .dpi_packets = flows.dpi_packets};
}

HostWindowOptions window_options(const WindowConfig& window) {
  return {.half_span_ms = window.span_ms / 2, .max_window_flows = window.max_flows};
}

GroundTruthFormat ground_truth_format(const std::string& name) {
  if (name == "unsw-nb15") return GroundTruthFormat::kUnswNb15;
  if (name == "cic-ids") return GroundTruthFormat::kCicIds;
  return GroundTruthFormat::kCustom;
}

std::optional<GroundTruth> load_ground_truth(const LabelsConfig& labels) {
  if (labels.file.empty()) return std::nullopt;
  GroundTruthOptions options;
  options.format = ground_truth_format(labels.format);
  options.header = labels.header;
  options.columns = {.src_ip = labels.src_ip,
                     .src_port = labels.src_port,
                     .dst_ip = labels.dst_ip,
                     .dst_port = labels.dst_port,
                     .protocol = labels.protocol,
                     .label = labels.label,
                     .attack_cat = labels.attack_cat,
                     .start_time = labels.start_time,
                     .end_time = labels.end_time,
                     .benign_values = labels.benign_values};
  options.time_format = labels.time_format;
  options.time_zone = labels.time_zone;
  options.time_tolerance_ms = labels.time_tolerance_ms;
  try {
    GroundTruth truth = GroundTruth::load(labels.file, options);
    const GroundTruthReport& report = truth.report();
    for (const std::string& problem : report.problems) spdlog::warn("labels.file: {}", problem);
    if (report.malformed > report.problems.size()) {
      spdlog::warn("labels.file: {} more malformed rows", report.malformed - report.problems.size());
    }
    for (const std::string& warning : report.warnings) spdlog::warn("labels.file: {}", warning);
    if (report.unknown_protocol != 0) {
      spdlog::warn("labels.file: {} rows name a protocol flowfeat does not know (no flow of theirs can match)",
                   report.unknown_protocol);
    }
    spdlog::info("ground truth {} ({}): {} rows loaded, {} malformed skipped; matching by 5-tuple{}", labels.file,
                 report.notes.empty() ? "" : report.notes.front(), report.loaded, report.malformed,
                 truth.has_times() ? " and time" : "");
    return truth;
  } catch (const GroundTruthError& e) {
    throw PipelineSetupError(std::string("labels.file: ") + e.what());
  }
}

OneHotEncoder make_encoder(const FeaturesConfig& features) {
  try {
    return OneHotEncoder(features.protocols);
  } catch (const std::invalid_argument& e) {
    throw PipelineSetupError(std::string("features.protocols: ") + e.what());
  }
}

std::vector<NumericField> standardized_fields(const StandardizeConfig& standardize) {
  std::vector<NumericField> fields;
  if (standardize.mode == "off") return fields;
  for (const std::string& name : standardize.columns) {
    const std::optional<NumericField> field = NumericField::find(name);
    if (!field) {
      std::string known;
      for (std::string_view n : NumericField::names()) known += (known.empty() ? "" : ", ") + std::string(n);
      throw PipelineSetupError("standardize.columns: \"" + name + "\" is not a numeric column (allowed: " + known +
                               ")");
    }
    fields.push_back(*field);
  }
  return fields;
}

OutputLayout output_layout(const Config& config, const GroundTruth* truth, const OneHotEncoder& encoder) {
  OutputLayout layout;
  const bool all = config.output.columns == "all";
  layout.fans = all;
  layout.label = truth != nullptr;
  layout.attack_cat = truth != nullptr && truth->has_attack_cat();
  if (all) layout.encoding_columns = encoder.column_names();
  layout.derived = all;
  if (all && config.standardize.mode != "off") layout.standardized_columns = config.standardize.columns;
  layout.sensor = sensor_id(config.sensor);
  return layout;
}

std::string sensor_id(const SensorConfig& sensor) {
  if (!sensor.id.empty()) return sensor.id;
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "flowfeat";
  std::string id(name, std::min(std::strlen(name), kMaxSensorIdChars));
  for (char& c : id) {
    if (!is_sensor_id(std::string_view(&c, 1))) c = '-';
  }
  return id;
}

KafkaSinkOptions kafka_options(const Config& config, const Schema& schema, bool never_drop,
                               const std::atomic<bool>* stopping) {
  const KafkaConfig& kafka = config.output.kafka;
  KafkaSinkOptions options;
  options.brokers = kafka.brokers;
  options.topic = kafka.topic;
  options.key = kafka.key == "dst_ip" ? KafkaKey::kDstIp
                : kafka.key == "flow" ? KafkaKey::kFlow
                : kafka.key == "none" ? KafkaKey::kNone
                                      : KafkaKey::kSrcIp;
  options.compression = kafka.compression;
  options.linger_ms = kafka.linger_ms;
  options.batch_bytes = kafka.batch_bytes;
  options.queue_messages = kafka.queue_messages;
  options.properties = kafka.properties;
  options.never_drop = never_drop;
  options.max_wait_ms = kafka.max_wait_ms;
  options.connect_timeout_ms = kafka.connect_timeout_ms;
  options.flush_timeout_ms = kafka.flush_timeout_ms;
  options.stopping = stopping;
  options.sensor = sensor_id(config.sensor);
  options.schema_version = std::string(kRecordSchemaVersion);
  options.schema_fingerprint = schema.fingerprint();
  options.run = run_id();
  return options;
}

std::string run_id() {
  std::random_device entropy;
  const std::uint64_t id = (std::uint64_t{entropy()} << 32) ^ entropy() ^ wall_clock_ms();
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(id));
  return text;
}

RotationOptions rotation_options(const OutputConfig& output, bool may_wait, const std::atomic<bool>* stopping) {
  RotationOptions options;
  options.directory = output.directory;
  options.format = output.format == "jsonl" ? OutputFormat::kJsonLines : OutputFormat::kCsv;
  options.compression = output.compression == "gzip" ? Compression::kGzip : Compression::kNone;
  options.max_file_bytes = output.rotate_bytes;
  options.max_file_age_ms = output.rotate_age_ms;
  options.keep_files = output.keep_files;
  options.keep_bytes = output.keep_bytes;
  options.on_write_error = may_wait && output.on_write_error == "wait" ? OnWriteError::kWait : OnWriteError::kDrop;
  options.stopping = stopping;
  return options;
}

}  // namespace flowfeat::pipeline_detail

namespace flowfeat {

DecoderOptions decoder_options(const FlowConfig& flows) {
  return {.decode_tunnels = flows.decode_tunnels,
          .reference_quirks = flows.reference_quirks ? std::uint8_t{kAllReferenceQuirks} : std::uint8_t{0}};
}

}  // namespace flowfeat
