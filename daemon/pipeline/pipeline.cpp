#include "flowfeat/pipeline/pipeline.hpp"

#include <tbb/concurrent_queue.h>
#include <tbb/flow_graph.h>
#include <tbb/global_control.h>
#include <tbb/task_arena.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <numeric>
#include <optional>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "capture_stage.hpp"
#include "flowfeat/core/clock_now.hpp"
#include "enrich_stage.hpp"
#include "flow_shard.hpp"
#include "format_stage.hpp"
#include "pipeline_setup.hpp"
#include "sink_stage.hpp"
#include "slot.hpp"
#include "stage_cpu.hpp"
#include "stage_errors.hpp"
#include "standardize_stage.hpp"
#include "standardize_stage_setup.hpp"
#include "stream_stamper.hpp"
#include "window_stage.hpp"

namespace flowfeat {

using namespace pipeline_detail;

std::uint64_t PipelineSummary::packets_ignored_total() const noexcept {
  return std::accumulate(packets_ignored.begin(), packets_ignored.end(), std::uint64_t{0});
}

double PipelineSummary::capture_loss_ratio() const noexcept {
  const std::uint64_t lost = kernel_drops + packets_dropped;
  const std::uint64_t offered = packets_read + kernel_drops;
  return offered != 0 ? static_cast<double>(lost) / static_cast<double>(offered) : 0.0;
}

std::uint64_t PipelineSummary::records_lost() const noexcept {
  return (files ? files->records_dropped : 0) + (kafka ? kafka->lost() : 0);
}

namespace {

constexpr std::uint64_t kProgressEverySlots = 32;  // about 64 k packets

std::shared_ptr<const GroundTruth> shared_ground_truth(const LabelsConfig& labels) {
  std::optional<GroundTruth> truth = load_ground_truth(labels);
  if (!truth) return nullptr;
  return std::make_shared<const GroundTruth>(std::move(*truth));
}

std::unique_ptr<RotatingFileSink> make_file_sink(const Config& config, const OutputLayout& layout,
                                                 const std::function<std::uint64_t()>& clock, bool write_files,
                                                 Admission admission, const std::atomic<bool>* stopping) {
  if (!write_files || !config.output.files) return nullptr;
  try {
    return std::make_unique<RotatingFileSink>(
        rotation_options(config.output, admission == Admission::kWait, stopping), layout, clock);
  } catch (const std::exception& e) {
    throw PipelineSetupError(std::string("output.directory: ") + e.what());
  }
}

std::unique_ptr<KafkaSink> make_kafka_sink(const Config& config, const Schema& schema, Admission admission,
                                           const std::atomic<bool>* stopping) {
  if (!config.output.kafka.enabled) return nullptr;
  try {
    return std::make_unique<KafkaSink>(kafka_options(config, schema, admission == Admission::kWait, stopping));
  } catch (const KafkaSettingsError& e) {
    throw PipelineSetupError(e.what());
  } catch (const KafkaUnavailableError& e) {
    throw OutputUnavailableError(e.what());
  }
}

}  // namespace

class Pipeline::Impl {
 public:
  Impl(const Config& config, Metrics& metrics, PipelineOptions options)
      : Impl(config, metrics, std::move(options), shared_ground_truth(config.labels)) {}

  PipelineSummary run(const std::vector<PipelineInput>& inputs);
  void request_stop() noexcept { stop_.store(true, std::memory_order_relaxed); }
  void request_rotation() noexcept { rotate_.store(true, std::memory_order_relaxed); }
  void reload_labels();
  std::uint64_t last_progress_ms() const noexcept { return last_progress_ms_.load(std::memory_order_relaxed); }

  const Schema& schema() const noexcept { return schema_; }
  const OutputLayout& layout() const noexcept { return layout_; }
  std::size_t shards() const noexcept { return shards_; }
  const std::string& source_name() const noexcept { return options_.source_name; }

 private:
  Impl(const Config& config, Metrics& metrics, PipelineOptions options, std::shared_ptr<const GroundTruth> truth)
      : config_(config),
        metrics_(metrics),
        options_(with_defaults(std::move(options))),
        shards_(shard_count(config.pipeline)),
        labels_have_attack_cat_(truth && truth->has_attack_cat()),
        encoder_(make_encoder(config.features)),
        layout_(output_layout(config, truth.get(), encoder_)),
        schema_(layout_.schema()),
        errors_(metrics),
        window_(window_options(config.window), layout_.fans, shards_, errors_, metrics),
        enrich_(truth, layout_.derived ? &encoder_ : nullptr, metrics),
        standardize_(make_standardize_stage(config, layout_, *options_.keep_state, options_.wall_clock, metrics)),
        sink_(make_file_sink(config, layout_, options_.wall_clock, options_.write_files, options_.admission, &stop_),
              make_kafka_sink(config, schema_, options_.admission, &stop_), options_.consumer, options_.wall_clock,
              metrics),
        format_(layout_, sink_.row_formats()),
        depth_shards_(metrics.queue_depth("flow")),
        depth_enrich_(metrics.queue_depth("enrich")),
        depth_standardize_(metrics.queue_depth("standardize")),
        depth_sink_(metrics.queue_depth("sink")),
        cpu_(metrics),
        wait_for_slot_(options_.admission == Admission::kWait || config.capture.on_full == "wait") {
    const FlowTableOptions table_options = flow_table_options(config.flows, shards_);
    for (std::size_t i = 0; i < shards_; ++i) {
      flow_shards_.push_back(std::make_unique<FlowShard>(i, shards_, table_options, metrics));
    }
    for (std::uint32_t i = 0; i < config.pipeline.queue_batches; ++i) {
      slots_.push_back(std::make_unique<Slot>(shards_));
      free_slots_.push(slots_.back().get());
    }
  }

  static PipelineOptions with_defaults(PipelineOptions options) {
    if (!options.wall_clock) options.wall_clock = wall_clock_ms;
    if (!options.keep_state) options.keep_state = options.write_files;
    return options;
  }

  using Entry = tbb::flow::broadcast_node<Slot*>;
  void capture(PacketSource& source, CaptureStage& stage, Entry& entry);
  Slot* take_slot(PacketSource& source, CaptureStage& stage, ReadResult& last);
  void submit(Slot& slot, PacketSource& source, CaptureStage& stage, ReadResult last, Entry& entry);
  void submit_end(Entry& entry);
  PipelineSummary summarize(const std::vector<std::unique_ptr<CaptureStage>>& stages, double seconds) const;

  Config config_;
  Metrics& metrics_;
  PipelineOptions options_;
  std::size_t shards_;
  bool labels_have_attack_cat_;
  OneHotEncoder encoder_;
  OutputLayout layout_;
  Schema schema_;
  StageErrors errors_;
  std::vector<std::unique_ptr<FlowShard>> flow_shards_;
  WindowStage window_;
  EnrichStage enrich_;
  StandardizeStage standardize_;
  SinkStage sink_;
  FormatStage format_;
  Gauge& depth_shards_;
  Gauge& depth_enrich_;
  Gauge& depth_standardize_;
  Gauge& depth_sink_;
  StageCpu cpu_;
  std::vector<std::unique_ptr<Slot>> slots_;
  tbb::concurrent_bounded_queue<Slot*> free_slots_;
  std::vector<Slot*> ready_;  // window stage scratch
  std::atomic<std::uint64_t> active_flows_{0};
  std::atomic<std::uint64_t> last_progress_ms_{steady_clock_ms()};
  std::mutex submit_mutex_;  // orders the slots of the capture threads into the graph
  StreamStamper stamper_;
  std::atomic<bool> stop_{false};
  // End of input: slots the window has handed on and the sink has finished (sequence + 1 of the
  // last), and whether the last record has gone (submit_end waits on them).
  std::atomic<std::uint64_t> windowed_through_{0};
  std::atomic<std::uint64_t> sunk_through_{0};
  std::atomic<bool> stream_ended_{false};
  std::atomic<bool> rotate_{false};
  bool ran_ = false;
  bool wait_for_slot_;  // a capture thread waits for a free slot, or (capture.on_full: drop) drops
};

// The graph: entry broadcasts each slot to every flow shard (serial nodes); the window node joins
// the shards' outputs in sequence; enrichment runs on several slots at once; a sequencer puts them
// back in order for the serial quantile/standardize node; formatting the rows runs on several
// slots at once again, and a second sequencer orders them for the serial sink. The sink gives the slot back to
// the pool, so at most queue_batches slots are anywhere in the graph. The reading runs on the
// calling thread, a master of the arena, whose other threads run the nodes.
PipelineSummary Pipeline::Impl::run(const std::vector<PipelineInput>& inputs) {
  if (ran_) throw std::logic_error("Pipeline::run called twice");
  if (inputs.empty()) throw std::invalid_argument("Pipeline::run needs at least one input");
  ran_ = true;
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::unique_ptr<CaptureStage>> stages;
  for (const PipelineInput& input : inputs) {
    stages.push_back(std::make_unique<CaptureStage>(options_.decoder.value_or(decoder_options(config_.flows)),
                                                    config_.flows.dpi_enabled, input.name, input.capture,
                                                    metrics_));
  }
  // oneTBB allows one worker fewer than cores by default, counting the reading thread as busy with
  // tasks; it is not, so the shards get a worker each whatever the core count.
  const tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism, shards_ + 1);
  tbb::task_arena arena(static_cast<int>(shards_) + 1, 1);
  arena.execute([&] {
    using namespace tbb::flow;
    graph g;
    broadcast_node<Slot*> entry(g);
    std::vector<std::unique_ptr<function_node<Slot*, Slot*>>> shard_nodes;
    multifunction_node<Slot*, std::tuple<Slot*>> window_node(
        g, serial, [this](Slot* slot, multifunction_node<Slot*, std::tuple<Slot*>>::output_ports_type& ports) {
          ready_.clear();
          cpu_.charge(PipelineStage::kWindow, [&] { window_.arrive(slot, ready_); });
          for (Slot* done : ready_) {
            depth_shards_.add(-1);
            active_flows_.store(window_.active_flows(), std::memory_order_relaxed);
            depth_enrich_.add(1);
            const bool end_of_input = done->end_of_input;
            const std::uint64_t sequence = done->sequence;
            if (done->end_of_stream) stream_ended_.store(true, std::memory_order_release);
            std::get<0>(ports).try_put(done);  // done may be back in the pool from here on
            if (end_of_input) {
              windowed_through_.store(sequence + 1, std::memory_order_release);
              windowed_through_.notify_all();
            }
          }
        });
    for (std::size_t i = 0; i < shards_; ++i) {
      FlowShard& shard = *flow_shards_[i];
      shard_nodes.push_back(std::make_unique<function_node<Slot*, Slot*>>(g, serial, [this, &shard](Slot* slot) {
        cpu_.charge(PipelineStage::kFlow, [&] { errors_.guard("flow", [&] { shard.process(*slot); }); });
        return slot;
      }));
      make_edge(entry, *shard_nodes.back());
      make_edge(*shard_nodes.back(), window_node);
    }
    function_node<Slot*, Slot*> enrich_node(g, unlimited, [this](Slot* slot) {
      depth_enrich_.add(-1);
      cpu_.charge(PipelineStage::kEnrich, [&] { errors_.guard("enrich", [&] { enrich_.process(*slot); }); });
      depth_standardize_.add(1);
      return slot;
    });
    sequencer_node<Slot*> in_order(g, [](Slot* const& slot) { return static_cast<std::size_t>(slot->sequence); });
    function_node<Slot*, Slot*> standardize_node(g, serial, [this](Slot* slot) {
      depth_standardize_.add(-1);
      cpu_.charge(PipelineStage::kStandardize,
                   [&] { errors_.guard("standardize", [&] { standardize_.process(*slot); }); });
      return slot;
    });
    function_node<Slot*, Slot*> format_node(g, unlimited, [this](Slot* slot) {
      cpu_.charge(PipelineStage::kFormat, [&] { errors_.guard("format", [&] { format_.process(*slot); }); });
      depth_sink_.add(1);
      return slot;
    });
    // Formatting runs on several slots at once, and a serial node frees itself before it passes its
    // output on (the next output can overtake): order is restored before the sink.
    sequencer_node<Slot*> to_sink_in_order(g, [](Slot* const& slot) { return static_cast<std::size_t>(slot->sequence); });
    function_node<Slot*> sink_node(g, serial, [this](Slot* slot) {
      depth_sink_.add(-1);
      cpu_.charge(PipelineStage::kSink, [&] { errors_.guard("sink", [&] { sink_.process(*slot); }); });
      last_progress_ms_.store(steady_clock_ms(), std::memory_order_relaxed);
      const std::uint64_t sequence = slot->sequence;
      free_slots_.push(slot);
      sunk_through_.store(sequence + 1, std::memory_order_release);
      sunk_through_.notify_all();
    });
    make_edge(output_port<0>(window_node), enrich_node);
    make_edge(enrich_node, in_order);
    make_edge(in_order, standardize_node);
    make_edge(standardize_node, format_node);
    make_edge(format_node, to_sink_in_order);
    make_edge(to_sink_in_order, sink_node);

    g.reserve_wait();  // the reading below puts from outside the graph's tasks
    if (inputs.size() == 1) {
      capture(*inputs[0].source, *stages[0], entry);
    } else {
      std::vector<std::jthread> threads;
      for (std::size_t i = 0; i < inputs.size(); ++i) {
        threads.emplace_back([&, i] { capture(*inputs[i].source, *stages[i], entry); });
      }
    }
    if (options_.progress) options_.progress(inputs[0].source->stats(), stages[0]->stats().packets_read, 0);
    submit_end(entry);
    g.release_wait();
    g.wait_for_all();
  });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (errors_.failed()) throw PipelineError(errors_.first_error());
  PipelineSummary summary = summarize(stages, seconds);
  if (const std::optional<std::string> mismatch = summary.labels.time_mismatch()) {
    spdlog::warn("labels.file: {}", *mismatch);
  }
  return summary;
}

// One capture thread: fills slots from its source and hands them to the graph until the source ends
// or a stop is requested. A quiet source still sends its (possibly empty) slot, which carries the
// time reached through the graph: idle flows end and held records leave on a quiet link.
void Pipeline::Impl::capture(PacketSource& source, CaptureStage& stage, Entry& entry) {
  errors_.guard("capture", [&] {
    ReadResult last = ReadResult::kPacket;
    while (last != ReadResult::kEnd && !stop_.load(std::memory_order_relaxed) && !errors_.failed()) {
      Slot* slot = take_slot(source, stage, last);
      if (slot == nullptr) continue;
      slot->reset();
      cpu_.charge(PipelineStage::kCapture, [&] { last = stage.fill(source, *slot); });
      submit(*slot, source, stage, last, entry);
    }
    stage.publish(source.stats());  // frames dropped after the last slot
  });
}

// With no free slot a capture thread waits (the kernel's ring holds a live link's frames meanwhile,
// and drops only what overflows it, counted by the kernel), or, with capture.on_full: drop, reads
// on and drops what finds no slot.
Slot* Pipeline::Impl::take_slot(PacketSource& source, CaptureStage& stage, ReadResult& last) {
  Slot* slot = nullptr;
  if (wait_for_slot_) {
    free_slots_.pop(slot);
    return slot;
  }
  if (free_slots_.try_pop(slot)) return slot;
  last = stage.drop_one(source);
  if (last == ReadResult::kQuiet) std::this_thread::yield();
  return nullptr;
}

void Pipeline::Impl::submit(Slot& slot, PacketSource& source, CaptureStage& stage, ReadResult last, Entry& entry) {
  const SourceStats& source_stats = source.stats();
  std::lock_guard lock(submit_mutex_);
  stamper_.stamp(slot, last == ReadResult::kQuiet ? source.quiet_time_ms() : 0);
  slot.rotate_output = rotate_.exchange(false, std::memory_order_relaxed);
  slot.wall_ms = options_.wall_clock();
  slot.due_wall_ms = source.due_wall_ms(slot.watermark_ms).value_or(0);
  stage.publish(source_stats);
  if (options_.progress && stamper_.slots() % kProgressEverySlots == 0) {
    options_.progress(source_stats, stage.stats().packets_read, active_flows_.load(std::memory_order_relaxed));
  }
  depth_shards_.add(1);
  entry.try_put(&slot);
}

// The end of the input travels like data, behind every slot sent before it. The records it
// releases leave a slot's worth at a time (WindowStage), so further end slots follow, each once the
// window has handed on the one before, until the window has handed on the last record. At most
// two of them are past the window at once: a full table's records are never all in the graph.
void Pipeline::Impl::submit_end(Entry& entry) {
  const auto wait_until_beyond = [](const std::atomic<std::uint64_t>& through, std::uint64_t sequence) {
    std::uint64_t seen = through.load(std::memory_order_acquire);
    while (seen <= sequence) {
      through.wait(seen, std::memory_order_acquire);
      seen = through.load(std::memory_order_acquire);
    }
  };
  std::optional<std::uint64_t> previous;
  for (;;) {
    Slot* last = nullptr;
    free_slots_.pop(last);
    last->reset();
    std::uint64_t sequence = 0;
    {
      std::lock_guard lock(submit_mutex_);
      stamper_.stamp_end(*last);
      last->wall_ms = options_.wall_clock();
      sequence = last->sequence;
      depth_shards_.add(1);
      entry.try_put(last);
    }
    wait_until_beyond(windowed_through_, sequence);
    if (stream_ended_.load(std::memory_order_acquire) || errors_.failed()) return;
    if (previous) wait_until_beyond(sunk_through_, *previous);
    previous = sequence;
  }
}

void Pipeline::Impl::reload_labels() {
  if (config_.labels.file.empty()) throw PipelineSetupError("labels.file: no ground-truth file is configured");
  std::shared_ptr<const GroundTruth> fresh = shared_ground_truth(config_.labels);
  if (fresh->has_attack_cat() != labels_have_attack_cat_) {
    throw PipelineSetupError("labels.file " + config_.labels.file +
                             ": its attack_cat column came or went, which would change the output columns; "
                             "restart to change them");
  }
  enrich_.replace_truth(std::move(fresh));
}

PipelineSummary Pipeline::Impl::summarize(const std::vector<std::unique_ptr<CaptureStage>>& stages,
                                          double seconds) const {
  PipelineSummary summary;
  summary.shards = shards_;
  for (const auto& stage : stages) {
    const CaptureStats& c = stage->stats();
    summary.packets_read += c.packets_read;
    summary.packets_decoded += c.packets_decoded;
    for (std::size_t i = 0; i < c.packets_ignored.size(); ++i) summary.packets_ignored[i] += c.packets_ignored[i];
    summary.packets_dropped += c.packets_dropped;
    summary.kernel_drops += c.kernel_drops;
    summary.interface_drops += c.interface_drops;
    summary.ring_fill_peak = std::max(summary.ring_fill_peak, c.ring_fill_peak);
    summary.backlog_peak_ms = std::max(summary.backlog_peak_ms, c.backlog_peak_ms);
  }
  for (const auto& shard : flow_shards_) {
    const FlowTableStats& s = shard->stats();
    summary.flows.packets += s.packets;
    summary.flows.flows_created += s.flows_created;
    summary.flows.flows_ended_idle += s.flows_ended_idle;
    summary.flows.flows_ended_active += s.flows_ended_active;
    summary.flows.flows_evicted += s.flows_evicted;
    summary.flows.dpi_allocation_failures += s.dpi_allocation_failures;
  }
  summary.flows.peak_active_flows = window_.peak_active_flows();
  summary.window = window_.stats();
  summary.labels = enrich_.label_stats();
  summary.records = sink_.records();
  if (const SinkStats* files = sink_.file_stats()) summary.files = *files;
  if (const KafkaStats* kafka = sink_.kafka_stats()) summary.kafka = *kafka;
  if (const Standardizer* s = standardize_.standardizer()) summary.standardizer_samples = s->samples();
  summary.seconds = seconds;
  summary.stage_cpu_seconds = cpu_.seconds();
  return summary;
}

Pipeline::Pipeline(const Config& config, Metrics& metrics, PipelineOptions options)
    : impl_(std::make_unique<Impl>(config, metrics, std::move(options))) {}
Pipeline::~Pipeline() = default;
const Schema& Pipeline::schema() const noexcept { return impl_->schema(); }
const OutputLayout& Pipeline::layout() const noexcept { return impl_->layout(); }
std::size_t Pipeline::shards() const noexcept { return impl_->shards(); }
PipelineSummary Pipeline::run(PacketSource& source) { return impl_->run({{&source, impl_->source_name()}}); }
PipelineSummary Pipeline::run(const std::vector<PipelineInput>& inputs) { return impl_->run(inputs); }
void Pipeline::reload_labels() { impl_->reload_labels(); }
std::uint64_t Pipeline::last_progress_ms() const noexcept { return impl_->last_progress_ms(); }
void Pipeline::request_stop() noexcept { impl_->request_stop(); }
void Pipeline::request_rotation() noexcept { impl_->request_rotation(); }

void check_outputs(const Config& config) {
  const KafkaConfig& kafka = config.output.kafka;
  if (!config.output.files && !kafka.enabled) {
    throw PipelineSetupError("output.files: false and output.kafka.enabled: false; the records would go nowhere");
  }
  if (!kafka.enabled) return;
  if (kafka.brokers.empty()) throw PipelineSetupError("output.kafka.brokers: Kafka is enabled but no broker is given");
  try {
    // The headers do not matter to the settings; the schema (which reads labels.file) is not needed.
    check_kafka_settings(kafka_options(config, Schema(), true, nullptr));
  } catch (const KafkaSettingsError& e) {
    throw PipelineSetupError(e.what());
  }
}

OutputLayout record_layout(const Config& config) {
  standardized_fields(config.standardize);  // throws on a column that does not exist
  const std::optional<GroundTruth> truth = load_ground_truth(config.labels);
  return output_layout(config, truth ? &*truth : nullptr, make_encoder(config.features));
}

Schema output_schema(const Config& config) { return record_layout(config).schema(); }

}  // namespace flowfeat
