#pragma once

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <vector>

#include "flowfeat/config/config.hpp"
#include "flowfeat/core/numeric_field.hpp"
#include "flowfeat/enrich/ground_truth.hpp"
#include "flowfeat/enrich/one_hot_encoder.hpp"
#include "flowfeat/flow/flow_table.hpp"
#include "flowfeat/sink/output_layout.hpp"
#include "flowfeat/sink/kafka/kafka_options.hpp"
#include "flowfeat/sink/rotating_file_sink.hpp"
#include "flowfeat/window/host_window.hpp"

// From the configuration to the options and parts of each stage. Every function throws
// PipelineSetupError with a message naming the key or file at fault.
namespace flowfeat::pipeline_detail {

std::size_t shard_count(const PipelineConfig& pipeline);

// Each shard's table bound: max_flows shared out, so the whole stays within it.
FlowTableOptions flow_table_options(const FlowConfig& flows, std::size_t shards);

HostWindowOptions window_options(const WindowConfig& window);

// Empty when no ground-truth file is configured. Malformed rows are logged and skipped.
std::optional<GroundTruth> load_ground_truth(const LabelsConfig& labels);

OneHotEncoder make_encoder(const FeaturesConfig& features);

// The fields behind standardize.columns; empty when standardization is off.
std::vector<NumericField> standardized_fields(const StandardizeConfig& standardize);

OutputLayout output_layout(const Config& config, const GroundTruth* truth, const OneHotEncoder& encoder);

// The record files of output. may_wait: output.on_write_error applies (a replay); otherwise the
// sink drops on a write error (a live capture cannot hold the kernel's ring back). stopping bounds
// a wait once a stop is requested; may be null.
RotationOptions rotation_options(const OutputConfig& output, bool may_wait, const std::atomic<bool>* stopping);

// sensor.id, or the host name when it is empty (cut and cleaned to a sensor id).
std::string sensor_id(const SensorConfig& sensor);

// 16 random hex digits naming one run of the daemon (the Kafka run header).
std::string run_id();

// The Kafka sink of output.kafka, with the schema's headers. never_drop for replays (wait, never
// drop); stopping is read while the sink waits.
KafkaSinkOptions kafka_options(const Config& config, const Schema& schema, bool never_drop,
                               const std::atomic<bool>* stopping);

}  // namespace flowfeat::pipeline_detail
