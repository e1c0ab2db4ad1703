#include "flowfeat/pipeline/pipeline.hpp"

#include <tbb/concurrent_queue.h>
#include <tbb/flow_graph.h>
#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include <atomic>
#include <chrono>
#include <numeric>
#include <tuple>
#include <utility>
#include <vector>

#include "capture_stage.hpp"
#include "enrich_stage.hpp"
#include "flow_shard.hpp"
#include "format_stage.hpp"
#include "pipeline_setup.hpp"
#include "sink_stage.hpp"
#include "slot.hpp"
#include "stage_errors.hpp"
#include "standardize_stage.hpp"
#include "window_stage.hpp"

namespace flowfeat {

using namespace pipeline_detail;

std::uint64_t PipelineSummary::packets_ignored_total() const noexcept {
  return std::accumulate(packets_ignored.begin(), packets_ignored.end(), std::uint64_t{0});
}

namespace {

constexpr std::uint64_t kProgressEverySlots = 32;  // about 64 k packets

std::uint64_t system_wall_clock_ms() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
}

std::unique_ptr<RotatingFileSink> make_file_sink(const Config& config, const OutputLayout& layout,
                                                 const std::function<std::uint64_t()>& clock) {
  try {
    return std::make_unique<RotatingFileSink>(rotation_options(config.output), layout, clock);
  } catch (const std::exception& e) {
    throw PipelineSetupError(std::string("output.directory: ") + e.what());
  }
}

}  // namespace

class Pipeline::Impl {
 public:
  Impl(const Config& config, Metrics& metrics, PipelineOptions options)
      : config_(config),
        metrics_(metrics),
        options_(with_defaults(std::move(options))),
        shards_(shard_count(config.pipeline)),
        truth_(load_ground_truth(config.labels)),
        encoder_(make_encoder(config.features)),
        layout_(output_layout(config, truth_ ? &*truth_ : nullptr, encoder_)),
        schema_(layout_.schema()),
        errors_(metrics),
        window_(window_options(config.window), shards_, errors_, metrics),
        enrich_(truth_ ? &*truth_ : nullptr, encoder_, metrics),
        standardize_(make_quantile_flags(config.features), make_standardizer(config, options_.write_files),
                     standardized_fields(config.standardize),
                     {.state_file = options_.write_files ? state_file_path(config) : std::filesystem::path(),
                      .save_interval_ms = config.standardize.save_interval_ms},
                     options_.wall_clock, metrics),
        sink_(options_.write_files ? make_file_sink(config, layout_, options_.wall_clock) : nullptr,
              options_.consumer, options_.wall_clock, metrics),
        format_(sink_.formatter()),
        depth_shards_(metrics.queue_depth("flow")),
        depth_enrich_(metrics.queue_depth("enrich")),
        depth_standardize_(metrics.queue_depth("standardize")),
        depth_sink_(metrics.queue_depth("sink")) {
    const FlowTableOptions table_options = flow_table_options(config.flows, shards_);
    for (std::size_t i = 0; i < shards_; ++i) {
      flow_shards_.push_back(std::make_unique<FlowShard>(i, shards_, table_options, metrics));
    }
    for (std::uint32_t i = 0; i < config.pipeline.queue_batches; ++i) {
      slots_.push_back(std::make_unique<Slot>(shards_));
      free_slots_.push(slots_.back().get());
    }
  }

  PipelineSummary run(PacketSource& source);
  void request_stop() noexcept { stop_.store(true, std::memory_order_relaxed); }
  void request_rotation() noexcept { rotate_.store(true, std::memory_order_relaxed); }

  const Schema& schema() const noexcept { return schema_; }
  std::size_t shards() const noexcept { return shards_; }

 private:
  static PipelineOptions with_defaults(PipelineOptions options) {
    if (!options.wall_clock) options.wall_clock = system_wall_clock_ms;
    return options;
  }

  void read(PacketSource& source, CaptureStage& capture, tbb::flow::broadcast_node<Slot*>& entry);
  Slot* take_slot(PacketSource& source, CaptureStage& capture, bool& more);
  PipelineSummary summarize(const CaptureStage& capture, double seconds) const;

  Config config_;
  Metrics& metrics_;
  PipelineOptions options_;
  std::size_t shards_;
  std::optional<GroundTruth> truth_;
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
  std::vector<std::unique_ptr<Slot>> slots_;
  tbb::concurrent_bounded_queue<Slot*> free_slots_;
  std::vector<Slot*> ready_;  // window stage scratch
  std::atomic<std::uint64_t> active_flows_{0};
  std::atomic<bool> stop_{false};
  std::atomic<bool> rotate_{false};
  bool ran_ = false;
};

// The graph: entry broadcasts each slot to every flow shard (serial nodes); the window node joins
// the shards' outputs in sequence; enrichment runs on several slots at once; a sequencer puts them
// back in order for the serial quantile/standardize node; formatting the rows runs on several
// slots at once again, and a second sequencer orders them for the serial sink. The sink gives the slot back to
// the pool, so at most queue_batches slots are anywhere in the graph. The reading runs on the
// calling thread, a master of the arena, whose other threads run the nodes.
PipelineSummary Pipeline::Impl::run(PacketSource& source) {
  if (ran_) throw std::logic_error("Pipeline::run called twice");
  ran_ = true;
  const auto started = std::chrono::steady_clock::now();
  CaptureStage capture(options_.decoder.value_or(decoder_options(config_.flows)), config_.flows.dpi_enabled,
                       options_.source_name, metrics_);
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
          window_.arrive(slot, ready_);
          for (Slot* done : ready_) {
            depth_shards_.add(-1);
            active_flows_.store(window_.active_flows(), std::memory_order_relaxed);
            depth_enrich_.add(1);
            std::get<0>(ports).try_put(done);
          }
        });
    for (std::size_t i = 0; i < shards_; ++i) {
      FlowShard& shard = *flow_shards_[i];
      shard_nodes.push_back(std::make_unique<function_node<Slot*, Slot*>>(g, serial, [this, &shard](Slot* slot) {
        errors_.guard("flow", [&] { shard.process(*slot); });
        return slot;
      }));
      make_edge(entry, *shard_nodes.back());
      make_edge(*shard_nodes.back(), window_node);
    }
    function_node<Slot*, Slot*> enrich_node(g, unlimited, [this](Slot* slot) {
      depth_enrich_.add(-1);
      errors_.guard("enrich", [&] { enrich_.process(*slot); });
      depth_standardize_.add(1);
      return slot;
    });
    sequencer_node<Slot*> in_order(g, [](Slot* const& slot) { return static_cast<std::size_t>(slot->sequence); });
    function_node<Slot*, Slot*> standardize_node(g, serial, [this](Slot* slot) {
      depth_standardize_.add(-1);
      errors_.guard("standardize", [&] { standardize_.process(*slot); });
      return slot;
    });
    function_node<Slot*, Slot*> format_node(g, unlimited, [this](Slot* slot) {
      errors_.guard("format", [&] { format_.process(*slot); });
      depth_sink_.add(1);
      return slot;
    });
    // Formatting runs on several slots at once, and a serial node frees itself before it passes its
    // output on (the next output can overtake): order is restored before the sink.
    sequencer_node<Slot*> to_sink_in_order(g, [](Slot* const& slot) { return static_cast<std::size_t>(slot->sequence); });
    function_node<Slot*> sink_node(g, serial, [this](Slot* slot) {
      depth_sink_.add(-1);
      errors_.guard("sink", [&] { sink_.process(*slot); });
      free_slots_.push(slot);
    });
    make_edge(output_port<0>(window_node), enrich_node);
    make_edge(enrich_node, in_order);
    make_edge(in_order, standardize_node);
    make_edge(standardize_node, format_node);
    make_edge(format_node, to_sink_in_order);
    make_edge(to_sink_in_order, sink_node);

    g.reserve_wait();  // the reading below puts from outside the graph's tasks
    read(source, capture, entry);
    g.release_wait();
    g.wait_for_all();
  });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (errors_.failed()) throw PipelineError(errors_.first_error());
  return summarize(capture, seconds);
}

void Pipeline::Impl::read(PacketSource& source, CaptureStage& capture, tbb::flow::broadcast_node<Slot*>& entry) {
  std::uint64_t sequence = 0;
  bool more = true;
  while (more && !stop_.load(std::memory_order_relaxed) && !errors_.failed()) {
    Slot* slot = take_slot(source, capture, more);
    if (slot == nullptr) continue;
    slot->reset(sequence++);
    slot->rotate_output = rotate_.exchange(false, std::memory_order_relaxed);
    more = capture.fill(source, *slot);
    slot->wall_ms = options_.wall_clock();
    capture.publish();
    if (options_.progress && sequence % kProgressEverySlots == 0) {
      options_.progress(source.stats(), capture.stats().packets_read, active_flows_.load(std::memory_order_relaxed));
    }
    depth_shards_.add(1);
    entry.try_put(slot);
  }
  // The end of the stream travels like data, behind every slot sent before it.
  Slot* last = nullptr;
  free_slots_.pop(last);
  last->reset(sequence);
  last->end_of_stream = true;
  last->watermark_ms = capture.stream_time_ms();
  last->wall_ms = options_.wall_clock();
  capture.publish();
  depth_shards_.add(1);
  entry.try_put(last);
  if (options_.progress) options_.progress(source.stats(), capture.stats().packets_read, 0);
}

Slot* Pipeline::Impl::take_slot(PacketSource& source, CaptureStage& capture, bool& more) {
  Slot* slot = nullptr;
  if (options_.admission == Admission::kWait) {
    free_slots_.pop(slot);
    return slot;
  }
  if (free_slots_.try_pop(slot)) return slot;
  more = capture.drop_one(source);
  return nullptr;
}

PipelineSummary Pipeline::Impl::summarize(const CaptureStage& capture, double seconds) const {
  PipelineSummary summary;
  summary.shards = shards_;
  const CaptureStats& c = capture.stats();
  summary.packets_read = c.packets_read;
  summary.packets_decoded = c.packets_decoded;
  summary.packets_ignored = c.packets_ignored;
  summary.packets_dropped = c.packets_dropped;
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
  summary.records = sink_.records();
  if (const SinkStats* files = sink_.file_stats()) summary.files = *files;
  if (const Standardizer* s = standardize_.standardizer()) summary.standardizer_samples = s->samples();
  summary.seconds = seconds;
  return summary;
}

Pipeline::Pipeline(const Config& config, Metrics& metrics, PipelineOptions options)
    : impl_(std::make_unique<Impl>(config, metrics, std::move(options))) {}
Pipeline::~Pipeline() = default;
const Schema& Pipeline::schema() const noexcept { return impl_->schema(); }
std::size_t Pipeline::shards() const noexcept { return impl_->shards(); }
PipelineSummary Pipeline::run(PacketSource& source) { return impl_->run(source); }
void Pipeline::request_stop() noexcept { impl_->request_stop(); }
void Pipeline::request_rotation() noexcept { impl_->request_rotation(); }

Schema output_schema(const Config& config) {
  standardized_fields(config.standardize);  // throws on a column that does not exist
  const std::optional<GroundTruth> truth = load_ground_truth(config.labels);
  return output_layout(config, truth ? &*truth : nullptr, make_encoder(config.features)).schema();
}

}  // namespace flowfeat
