#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "flowfeat/capture/packet_source.hpp"
#include "flowfeat/config/config.hpp"
#include "flowfeat/core/feature_record.hpp"
#include "flowfeat/decode/decode_status.hpp"
#include "flowfeat/decode/decoder.hpp"
#include "flowfeat/enrich/label_match_stats.hpp"
#include "flowfeat/flow/flow_table.hpp"
#include "flowfeat/metrics/metrics.hpp"
#include "flowfeat/pipeline/pipeline_stage.hpp"
#include "flowfeat/sink/kafka/kafka_options.hpp"
#include "flowfeat/sink/output_layout.hpp"
#include "flowfeat/sink/rotating_file_sink.hpp"
#include "flowfeat/sink/schema.hpp"
#include "flowfeat/window/host_window.hpp"

namespace flowfeat {

// The pipeline could not be built from the configuration: a ground-truth or state file that does
// not load, an output folder that cannot be written, a column that does not exist. The message
// names the configuration key or the file.
class PipelineSetupError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An output the run needs cannot be reached: no Kafka broker answered a replay within
// output.kafka.connect_timeout, or its topic does not exist. The message names the brokers or topic.
class OutputUnavailableError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A stage failed while running; the message names the stage and the first error.
class PipelineError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// How the sinks treat a stall: a replay waits for the disk or the broker; a live capture's sinks
// wait a bounded time (output.on_write_error, output.kafka.max_wait), then drop and count. A live
// capture thread with no free batch waits too (frames stay in the kernel's ring) unless
// capture.on_full is drop.
enum class Admission : std::uint8_t { kWait, kDropWhenFull };

// Called now and then during a run (about every 64 k packets), e.g. for a progress bar.
using PipelineProgress =
    std::function<void(const SourceStats&, std::uint64_t packets, std::uint64_t active_flows)>;

struct PipelineOptions {
  std::optional<DecoderOptions> decoder{};  // default: what the configuration asks for
  bool write_files = true;                // record files (when output.files)
  // Load the state file (standardizer statistics and quantiles) at start and save it; default: as
  // write_files.
  std::optional<bool> keep_state{};
  std::function<void(const FeatureRecord&)> consumer{};  // also gets every record, in output order
  Admission admission = Admission::kWait;
  std::string source_name = "file";       // the source label of the packet metrics
  std::function<std::uint64_t()> wall_clock{};  // ms since the epoch; default: the system clock
  PipelineProgress progress{};
};

// One capture input of a run: a source, read by a capture thread of its own, the name its packet
// metrics carry (the source label: "file", an interface name) and, for a live capture thread, the
// label of its health metrics ("<interface>/<thread>").
struct PipelineInput {
  PacketSource* source = nullptr;
  std::string name;
  std::string capture{};
};

// What one run read and produced.
struct PipelineSummary {
  std::size_t shards = 0;
  std::uint64_t packets_read = 0;
  std::uint64_t packets_decoded = 0;
  std::array<std::uint64_t, kDecodeStatusCount> packets_ignored{};  // by DecodeStatus
  std::uint64_t packets_dropped = 0;                                 // graph full (live sources)
  std::uint64_t kernel_drops = 0;     // reported by live sources: the kernel's ring was full
  std::uint64_t interface_drops = 0;  // reported by live sources: the interface dropped
  double ring_fill_peak = 0.0;        // live: the fullest any capture thread's kernel ring was seen
  std::uint64_t backlog_peak_ms = 0;  // live, paced: the oldest a frame waited before it was read
  FlowTableStats flows;        // summed over the shards; peak_active_flows as seen between batches
  HostWindowStats window;
  std::uint64_t records = 0;   // records that reached the sink stage
  std::optional<SinkStats> files;  // when writing files
  std::optional<KafkaStats> kafka;  // when streaming into Kafka
  std::uint64_t standardizer_samples = 0;
  LabelMatchStats labels;  // how the records matched the ground truth, when labels.file is set
  double seconds = 0.0;
  std::array<double, kPipelineStageCount> stage_cpu_seconds{};  // by PipelineStage

  std::uint64_t packets_ignored_total() const noexcept;
  // Frames lost before decoding (by the kernel, or at a full queue) over the frames offered.
  double capture_loss_ratio() const noexcept;
  // Records that reached the sink stage but not every output: not written to a file, not delivered.
  std::uint64_t records_lost() const noexcept;
};

// The streaming pipeline: a capture thread reads and decodes packets into batches and feeds a oneTBB
// flow graph — S flow shards (by a symmetric hash of the flow key), the host window (fan metrics),
// enrichment (labels, encodings, derived features; parallel), quantile flags and standardization,
// and the sink (rotating files and/or a callback). Records come out in an order fixed by the packets
// alone, so the output is the same whatever the number of shards and workers (docs/ARCHITECTURE.md).
// Built and run by one thread; request_stop() may be called from any thread.
class Pipeline {
 public:
  // Builds every stage: loads the ground truth and the standardizer state, checks the output folder
  // and the configured columns. Throws PipelineSetupError naming what is wrong.
  Pipeline(const Config& config, Metrics& metrics, PipelineOptions options = {});
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // The columns of the records written.
  const Schema& schema() const noexcept;

  // The column groups of the records, from which schema() is made (what record formatters take).
  const OutputLayout& layout() const noexcept;

  // Flow shards (= worker threads of the graph).
  std::size_t shards() const noexcept;

  // Reads source to its end (or until request_stop()), then ends every flow and drains every stage,
  // finishing the files and saving the state. Call once. Throws PipelineError when a stage failed
  // (after draining). The source's packet metrics carry options.source_name.
  PipelineSummary run(PacketSource& source);

  // Same with several inputs, each read by a capture thread of its own (the calling thread when
  // there is one); the stream ends when every input has ended. Their frames meet batch by batch:
  // packet times are kept monotonic over all of them, so a batch delayed behind another thread's
  // may see its times raised to that thread's (by at most the sources' batch delay).
  PipelineSummary run(const std::vector<PipelineInput>& inputs);

  // Stops reading; run() then drains and returns as at the end of input. Thread- and signal-safe.
  void request_stop() noexcept;

  // Finishes the current record file once the records of the packets read so far are in it; the
  // request travels through the graph with the next batch. Thread- and signal-safe.
  void request_rotation() noexcept;

  // Loads labels.file again and uses it for the records enriched from then on. Keeps the labels in
  // use and throws PipelineSetupError when the file does not load, or when its columns would change
  // the output columns (attack_cat appearing or going). Any thread; not signal-safe.
  void reload_labels();

  // Steady-clock ms at which a batch last left the graph (or the pipeline was built): a run that
  // makes progress moves it at least every capture timeout, even on a quiet link.
  std::uint64_t last_progress_ms() const noexcept;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// The decoder options a configuration asks for.
DecoderOptions decoder_options(const FlowConfig& flows);

// Checks the outputs of a configuration beyond their keys: some output is on, Kafka has brokers and
// librdkafka accepts its settings and properties (--check-config). Connects to nothing. Throws
// PipelineSetupError naming the key.
void check_outputs(const Config& config);

// The column groups a configuration produces; reads the ground-truth file's header when one is
// configured. Throws PipelineSetupError as the constructor does.
OutputLayout record_layout(const Config& config);

// The columns a configuration produces (--print-schema): record_layout(config).schema().
Schema output_schema(const Config& config);

}  // namespace flowfeat
