#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "flowfeat/core/feature_record.hpp"
#include "flowfeat/core/flow_record.hpp"
#include "flowfeat/core/packet_batch.hpp"
#include "flowfeat/sink/record_formatter.hpp"

namespace flowfeat::pipeline_detail {

// What one flow shard made of one slot's packets: the flows it created and the flows it ended.
struct ShardOutput {
  std::vector<FlowStart> starts;
  std::vector<FlowRecord> ends;
  std::uint64_t active_flows = 0;  // flows open in the shard after the slot

  void clear() noexcept {
    starts.clear();
    ends.clear();
  }

  // Clears, and gives back the memory of a burst (a table's flows ending at once) rather than keep
  // it with the slot for good.
  void release_burst() noexcept {
    constexpr std::size_t kKept = 16384;
    if (ends.capacity() > kKept) std::vector<FlowRecord>().swap(ends);
    if (starts.capacity() > kKept) std::vector<FlowStart>().swap(starts);
    clear();
  }
};

// Records formatted one row after another; text is kept (and grows) with the slot.
struct FormattedRows {
  std::vector<char> text;
  std::vector<std::size_t> ends;  // end of record i's row in text

  std::string_view row(std::size_t i) const noexcept {
    const std::size_t start = i == 0 ? 0 : ends[i - 1];
    return {text.data() + start, ends[i] - start};
  }
};

// The unit of work that travels through the graph: a batch of decoded packets on the way in, the
// records it released on the way out. A fixed pool of slots circulates, which bounds the memory and
// is the graph's backpressure: the capture stage takes a free slot before it reads, the sink stage
// gives it back. Each field has one writer at a time: the capture stage until the slot enters the
// graph, shard i its shard_outputs[i], then the window, enrich, standardize and sink stages in turn.
struct Slot {
  std::uint64_t sequence = 0;        // 0, 1, 2, ... in capture order; orders the serial stages
  bool end_of_input = false;         // no packets, no more to come: every flow ends (set by the stamper)
  bool end_of_stream = false;        // the last slot: its records are the last, everything is flushed
                                     // (set by the window stage on the last end-of-input slot)
  bool rotate_output = false;        // the sink finishes its current file after this slot's records
  std::uint64_t watermark_ms = 0;    // stream time reached: no later packet is older
  std::uint64_t wall_ms = 0;         // wall clock when the slot entered the graph
  std::uint64_t due_wall_ms = 0;     // wall clock at which the watermark was due (live, paced); 0 = not paced
  PacketBatch packets;
  std::vector<ShardOutput> shard_outputs;
  std::uint32_t shards_done = 0;     // counted by the window stage
  std::vector<FeatureRecord> records;
  // The records formatted by the format stage, by OutputFormat, for the sinks that take that format.
  std::array<FormattedRows, kOutputFormatCount> rows;

  explicit Slot(std::size_t shards) : shard_outputs(shards) {}

  void reset() noexcept {
    sequence = 0;
    end_of_input = false;
    end_of_stream = false;
    rotate_output = false;
    watermark_ms = 0;
    wall_ms = 0;
    due_wall_ms = 0;
    packets.clear();
    for (ShardOutput& out : shard_outputs) out.release_burst();
    shards_done = 0;
    records.clear();
    for (FormattedRows& formatted : rows) formatted.ends.clear();
  }
};

}  // namespace flowfeat::pipeline_detail
