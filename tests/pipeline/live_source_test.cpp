#include "flowfeat/pipeline/pipeline.hpp"
#include "flowfeat/core/clock_now.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <limits>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "flowfeat/capture/paced_source.hpp"
#include "memory_source.hpp"
#include "scripted_source.hpp"
#include "temp_folder.hpp"

namespace flowfeat {
namespace {

using namespace std::chrono_literals;
using testing::MemorySource;
using testing::ScriptedSource;
using testing::TempFolder;

constexpr std::int64_t kStart = 1'700'000'000;
constexpr std::uint64_t kStartMs = static_cast<std::uint64_t>(kStart) * 1000;
// How long a test waits for something that happens at once when the code works; it only runs out
// when a test is about to fail.
constexpr auto kPatience = 5s;

Config live_config(std::uint32_t workers) {
  Config config;
  config.output.directory = "unused";
  config.pipeline.workers = workers;
  config.flows.idle_timeout_ms = 5'000;
  config.flows.active_timeout_ms = 30'000;
  config.features.quantile_warmup = 100;
  return config;
}

// A UDP query from 10.0.0.<host>:<sport> to 10.0.0.99:53, or its reply.
std::vector<std::uint8_t> query(std::uint8_t host, std::uint16_t sport) {
  return testing::udp_frame(host, sport, 53, testing::dns_query_payload(host));
}
std::vector<std::uint8_t> reply(std::uint8_t host, std::uint16_t sport) {
  return testing::udp_frame(0x0a000063u, 0x0a000000u | host, 53, sport, testing::dns_query_payload(host));
}

// The records a consumer got (on the sink's thread), for another thread to wait on.
class RecordLog {
 public:
  void add(const FeatureRecord& record) {
    {
      std::lock_guard lock(mutex_);
      records_.push_back(record);
    }
    changed_.notify_all();
  }
  // True when at least count records came within timeout.
  bool wait_for(std::size_t count, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return records_.size() >= count; });
  }
  std::vector<FeatureRecord> records() const {
    std::lock_guard lock(mutex_);
    return records_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<FeatureRecord> records_;
};

// Holds a source's reading thread until the test opens it.
class Gate {
 public:
  void open() {
    {
      std::lock_guard lock(mutex_);
      open_ = true;
    }
    opened_.notify_all();
  }
  // True when opened within timeout.
  bool wait(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return opened_.wait_for(lock, timeout, [&] { return open_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable opened_;
  bool open_ = false;
};

// Waits until condition holds (polling), at most timeout.
template <typename Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

struct IdleRun {
  std::vector<FeatureRecord> records;
  std::size_t records_before_end = 0;  // given to the consumer before the source returned kEnd
  bool source_waited_in_vain = false;  // the source gave up waiting for the record
  double watermark_seconds = 0;
};

// One flow (a query and its reply, 0.5 s apart), then a quiet read reaching quiet_ms; the source
// then waits (up to patience) for the flow's record before it ends. The record can reach the
// consumer before the end only if the quiet read's stream time ended the flow: nothing else moves
// time on, and at the end every flow is flushed anyway.
IdleRun run_idle_script(std::uint64_t quiet_ms, std::chrono::milliseconds patience) {
  RecordLog log;
  ScriptedSource source;
  IdleRun run;
  std::atomic<std::size_t> before_end{0};
  source.frame(kStart, 0, query(1, 4000))
      .frame(kStart, 500'000, reply(1, 4000))
      .quiet(quiet_ms)
      .then([&] { run.source_waited_in_vain = !log.wait_for(1, patience); });
  Metrics metrics(MetricsOptions{.enabled = false});
  Pipeline pipeline(live_config(2), metrics, {.write_files = false, .consumer = [&](const FeatureRecord& r) {
                                                if (!source.ended()) ++before_end;
                                                log.add(r);
                                              }});
  pipeline.run(source);
  run.records = log.records();
  run.records_before_end = before_end.load();
  run.watermark_seconds = metrics.watermark_seconds().value();
  return run;
}

TEST(LiveSource, AQuietReadEndsAnIdleFlowWhileTheSourceIsStillOpen) {
  const std::uint64_t last_packet_ms = kStartMs + 500;
  const IdleRun run = run_idle_script(last_packet_ms + 60'000, kPatience);
  ASSERT_EQ(run.records.size(), 1u);
  EXPECT_FALSE(run.source_waited_in_vain);
  EXPECT_EQ(run.records_before_end, 1u) << "the record came only with the end of the stream";
  EXPECT_EQ(run.records[0].flow.expiration, ExpirationReason::kIdle);
  EXPECT_EQ(run.records[0].flow.bidirectional_packets, 2u);
  EXPECT_EQ(run.records[0].flow.bidirectional_last_seen_ms, last_packet_ms);
  EXPECT_DOUBLE_EQ(run.watermark_seconds, static_cast<double>(last_packet_ms + 60'000) / 1000.0)
      << "the quiet read's stream time did not become the watermark";
}

TEST(LiveSource, AQuietReadBeforeTheIdleTimeoutKeepsTheFlowOpen) {
  // The control of the test above: the same script, with a stream time short of the idle timeout.
  const std::uint64_t last_packet_ms = kStartMs + 500;
  const IdleRun run = run_idle_script(last_packet_ms + 4'000, 200ms);
  ASSERT_EQ(run.records.size(), 1u);
  EXPECT_TRUE(run.source_waited_in_vain);
  EXPECT_EQ(run.records_before_end, 0u);
  EXPECT_EQ(run.records[0].flow.bidirectional_packets, 2u);
}

struct Traffic {
  MemorySource all;
  MemorySource halves[2];  // the same frames split by conversation
  std::size_t conversations = 0;
};

// UDP conversations with ports of their own, some hundreds of them open at once over about a
// minute, frames in time order.
Traffic split_traffic(unsigned seed, int conversations) {
  struct Frame {
    std::int64_t us;
    int conversation;
    std::vector<std::uint8_t> bytes;
  };
  std::mt19937 random(seed);
  std::vector<Frame> frames;
  std::int64_t start = 0;
  for (int i = 0; i < conversations; ++i) {
    start += std::uniform_int_distribution<std::int64_t>(0, 40'000)(random);
    const std::uint32_t client = 0x0a000000u | std::uniform_int_distribution<std::uint32_t>(1, 60)(random);
    const std::uint32_t server = 0xc0a80000u | std::uniform_int_distribution<std::uint32_t>(1, 12)(random);
    const auto sport = static_cast<std::uint16_t>(10'000 + i);
    const int packets = std::uniform_int_distribution<int>(1, 9)(random);
    std::int64_t t = start;
    for (int p = 0; p < packets; ++p) {
      const bool back = p % 2 == 1;
      frames.push_back({t, i,
                        testing::udp_frame(back ? server : client, back ? client : server, back ? 53 : sport,
                                           back ? sport : 53, testing::dns_query_payload(static_cast<std::uint8_t>(p)))});
      t += std::uniform_int_distribution<std::int64_t>(100, 400'000)(random);
    }
  }
  std::stable_sort(frames.begin(), frames.end(), [](const Frame& a, const Frame& b) { return a.us < b.us; });
  Traffic traffic;
  traffic.conversations = static_cast<std::size_t>(conversations);
  for (const Frame& f : frames) {
    traffic.all.add(kStart + f.us / 1'000'000, f.us % 1'000'000, f.bytes);
    traffic.halves[f.conversation % 2].add(kStart + f.us / 1'000'000, f.us % 1'000'000, f.bytes);
  }
  return traffic;
}

using PortsKey = std::pair<std::uint16_t, std::uint16_t>;

TEST(LiveSource, TwoCaptureThreadsGiveEveryPacketOnce) {
  Traffic traffic = split_traffic(11, 3000);
  // Frames of two threads meet batch by batch and times are raised to the newest seen, so how far
  // apart one conversation's packets look depends on the threads' timing. Timeouts beyond the
  // traffic's length keep each conversation one flow however the threads run.
  Config config = live_config(2);
  config.flows.idle_timeout_ms = 86'400'000;
  config.flows.active_timeout_ms = 86'400'000;

  const auto packets_by_flow = [](const std::vector<FeatureRecord>& records) {
    std::map<PortsKey, std::uint64_t> packets;
    for (const FeatureRecord& r : records) packets[{r.flow.src_port, r.flow.dst_port}] += r.flow.bidirectional_packets;
    return packets;
  };

  std::vector<FeatureRecord> single;
  {
    Metrics metrics(MetricsOptions{.enabled = false});
    Pipeline pipeline(config, metrics,
                      {.write_files = false, .consumer = [&](const FeatureRecord& r) { single.push_back(r); }});
    pipeline.run(traffic.all);
  }
  ASSERT_EQ(single.size(), traffic.conversations);

  std::vector<FeatureRecord> split;
  Metrics metrics(MetricsOptions{.enabled = false});
  Pipeline pipeline(config, metrics,
                    {.write_files = false, .consumer = [&](const FeatureRecord& r) { split.push_back(r); }});
  const PipelineSummary summary =
      pipeline.run(std::vector<PipelineInput>{{&traffic.halves[0], "left"}, {&traffic.halves[1], "right"}});

  EXPECT_EQ(summary.packets_read, traffic.all.size());
  EXPECT_EQ(summary.packets_decoded, traffic.all.size());
  EXPECT_EQ(metrics.packets_received("left").value(), static_cast<double>(traffic.halves[0].size()));
  EXPECT_EQ(metrics.packets_received("right").value(), static_cast<double>(traffic.halves[1].size()));
  EXPECT_EQ(summary.records, single.size());
  ASSERT_EQ(split.size(), single.size());
  std::uint64_t packets = 0;
  for (const FeatureRecord& r : split) packets += r.flow.bidirectional_packets;
  EXPECT_EQ(packets, traffic.all.size());
  EXPECT_TRUE(packets_by_flow(split) == packets_by_flow(single)) << "a flow lost or gained packets";
  std::vector<std::uint64_t> ids;
  for (const FeatureRecord& r : split) ids.push_back(r.flow.flow_id);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end()) << "two flows share an id";
}

// due_wall_ms of the scripted sources below: the stream runs at half speed from a wall-clock origin.
std::uint64_t half_speed_due(std::uint64_t stream_ms) { return 1'900'000'000'000 + (stream_ms - kStartMs) * 2; }

TEST(LiveSource, LagIsTheWallClockMinusTheDueTimeOfTheWatermark) {
  std::atomic<std::uint64_t> wall{0};
  Metrics metrics(MetricsOptions{.enabled = false});
  Gauge& lag = metrics.stream_lag_seconds();
  ScriptedSource source;
  source.set_schedule(half_speed_due);
  bool first_seen = false;
  bool second_seen = false;
  source.then([&] { wall = half_speed_due(kStartMs + 3'000) + 1'500; })
      .frame(kStart, 0, query(1, 4000))
      .frame(kStart + 1, 0, reply(1, 4000))
      .quiet(kStartMs + 3'000)
      .then([&] {
        first_seen = eventually([&] { return lag.value() == 1.5; }, kPatience);
        wall = half_speed_due(kStartMs + 20'000) + 250;
      })
      .quiet(kStartMs + 20'000)  // ends the flow: its record reaches the consumer, which moves the clock
      .then([&] { second_seen = eventually([&] { return lag.value() == 1.25; }, kPatience); });
  // The lag is how late the records are when they leave, so the clock is read after the consumer.
  Pipeline pipeline(live_config(2), metrics,
                    {.write_files = false,
                     .consumer = [&](const FeatureRecord&) { wall += 1'000; },
                     .wall_clock = [&] { return wall.load(); }});
  pipeline.run(source);
  EXPECT_TRUE(first_seen) << "lag " << lag.value() << ", expected 1.5";
  EXPECT_TRUE(second_seen) << "lag " << lag.value() << ", expected 1.25";
  EXPECT_DOUBLE_EQ(lag.value(), 1.25) << "the end of the stream is not a paced slot";
}

TEST(LiveSource, LagStaysZeroForAStreamNotPacedByTheWallClock) {
  Traffic traffic = split_traffic(12, 300);
  ScriptedSource quiet_source;
  quiet_source.frame(kStart, 0, query(1, 4000)).quiet(kStartMs + 60'000).frame(kStart + 61, 0, query(1, 4000));
  for (PacketSource* source : std::vector<PacketSource*>{&traffic.all, &quiet_source}) {
    Metrics metrics(MetricsOptions{.enabled = false});
    Pipeline pipeline(live_config(2), metrics,
                      {.write_files = false, .wall_clock = [] { return std::uint64_t{4'000'000'000'000}; }});
    pipeline.run(*source);
    EXPECT_EQ(metrics.stream_lag_seconds().value(), 0.0);
    EXPECT_GT(metrics.watermark_seconds().value(), static_cast<double>(kStart));
  }
}

TEST(LiveSource, KernelAndInterfaceDropsReachTheMetricsAndTheSummary) {
  Metrics metrics(MetricsOptions{.enabled = false});
  Counter& kernel = metrics.packets_dropped("kernel");
  Counter& interface = metrics.packets_dropped("interface");
  double kernel_after_first_quiet = -1;
  ScriptedSource left;
  left.frame(kStart, 0, query(1, 4000))
      .drops(3, 1)
      .quiet(kStartMs + 100)
      .then([&] { kernel_after_first_quiet = kernel.value(); })
      .frame(kStart, 200'000, reply(1, 4000))
      .drops(4, 0);
  ScriptedSource right;
  right.drops(0, 2).frame(kStart, 50'000, query(2, 4001)).quiet(kStartMs + 100).drops(11, 5);
  Pipeline pipeline(live_config(2), metrics, {.write_files = false});
  const PipelineSummary summary = pipeline.run(std::vector<PipelineInput>{{&left, "eth0"}, {&right, "eth1"}});
  EXPECT_GE(kernel_after_first_quiet, 3.0) << "drops were not published with the slot they came with";
  EXPECT_EQ(summary.kernel_drops, 18u);
  EXPECT_EQ(summary.interface_drops, 8u);
  EXPECT_EQ(kernel.value(), 18.0);
  EXPECT_EQ(interface.value(), 8.0);
  EXPECT_EQ(summary.packets_dropped, 0u) << "source drops are not queue drops";
  EXPECT_EQ(metrics.packets_dropped("queue").value(), 0.0);
  EXPECT_EQ(summary.packets_read, 3u);
  EXPECT_EQ(metrics.packets_received("eth0").value(), 2.0);
  EXPECT_EQ(metrics.packets_received("eth1").value(), 1.0);
}

// A ground-truth file naming the flow 10.0.0.1:4000 -> 10.0.0.99:53 with attack category, or
// without the attack_cat column when category is empty.
void write_truth(const std::filesystem::path& path, const std::string& category) {
  testing::write_text(path, category.empty() ? "srcip,sport,dstip,dsport,proto,Label\n10.0.0.1,4000,10.0.0.99,53,udp,1\n"
                                             : "srcip,sport,dstip,dsport,proto,attack_cat,Label\n"
                                               "10.0.0.1,4000,10.0.0.99,53,udp," + category + ",1\n");
}

TEST(LiveSource, ReloadedLabelsApplyToTheRecordsEnrichedAfterwards) {
  TempFolder folder;
  const std::filesystem::path truth = folder.path() / "truth.csv";
  write_truth(truth, "Exploits");
  Config config = live_config(2);
  config.labels.file = truth.string();

  // The same 5-tuple three times, each an idle flow ended by a quiet read; the source waits at a
  // gate after the first and the second.
  Gate first_gate, second_gate;
  bool first_opened = false, second_opened = false;
  ScriptedSource source;
  for (int i = 0; i < 3; ++i) {
    const std::int64_t at = kStart + 120 * i;
    source.frame(at, 0, query(1, 4000)).frame(at, 300'000, reply(1, 4000));
    source.quiet(static_cast<std::uint64_t>(at) * 1000 + 60'000);
    if (i == 0) source.then([&] { first_opened = first_gate.wait(kPatience); });
    if (i == 1) source.then([&] { second_opened = second_gate.wait(kPatience); });
  }
  RecordLog log;
  Metrics metrics(MetricsOptions{.enabled = false});
  Pipeline pipeline(config, metrics,
                    {.write_files = false, .consumer = [&](const FeatureRecord& r) { log.add(r); }});
  std::exception_ptr run_error;
  std::thread runner([&] {
    try {
      pipeline.run(source);
    } catch (...) {
      run_error = std::current_exception();
    }
  });

  EXPECT_TRUE(log.wait_for(1, kPatience));
  // Files that do not load, or would drop the attack_cat column, are refused; the labels stay.
  std::filesystem::remove(truth);
  EXPECT_THROW(pipeline.reload_labels(), PipelineSetupError);
  write_truth(truth, "");
  try {
    pipeline.reload_labels();
    ADD_FAILURE() << "a file without attack_cat was taken";
  } catch (const PipelineSetupError& e) {
    EXPECT_NE(std::string(e.what()).find("attack_cat"), std::string::npos) << e.what();
  }
  first_gate.open();

  EXPECT_TRUE(log.wait_for(2, kPatience));
  write_truth(truth, "Worms");
  EXPECT_NO_THROW(pipeline.reload_labels());
  second_gate.open();
  runner.join();
  if (run_error) std::rethrow_exception(run_error);

  EXPECT_TRUE(first_opened);
  EXPECT_TRUE(second_opened);
  const std::vector<FeatureRecord> records = log.records();
  ASSERT_EQ(records.size(), 3u);
  for (const FeatureRecord& r : records) EXPECT_EQ(r.verdict.label, 1);
  EXPECT_EQ(records[0].verdict.attack_cat(), "Exploits");
  EXPECT_EQ(records[1].verdict.attack_cat(), "Exploits") << "a refused file changed the labels";
  EXPECT_EQ(records[2].verdict.attack_cat(), "Worms") << "the reloaded file was not used";
}

TEST(LiveSource, ReloadWithoutALabelsFileIsRefused) {
  Metrics metrics(MetricsOptions{.enabled = false});
  Pipeline pipeline(live_config(1), metrics, {.write_files = false});
  EXPECT_THROW(pipeline.reload_labels(), PipelineSetupError);
}

TEST(LiveSource, ProgressMovesDuringTheRunEvenOnAQuietLink) {
  Metrics metrics(MetricsOptions{.enabled = false});
  Pipeline pipeline(live_config(2), metrics, {.write_files = false});
  const std::uint64_t built = pipeline.last_progress_ms();
  std::uint64_t after_packets = 0, after_quiet = 0;
  ScriptedSource source;
  source.then([] { std::this_thread::sleep_for(3ms); })
      .frame(kStart, 0, query(1, 4000))
      .quiet(kStartMs + 1'000)
      .then([&] {
        eventually([&] { return pipeline.last_progress_ms() > built; }, kPatience);
        after_packets = pipeline.last_progress_ms();
        std::this_thread::sleep_for(3ms);
      })
      .quiet(kStartMs + 2'000)  // an empty slot
      .then([&] {
        eventually([&] { return pipeline.last_progress_ms() > after_packets; }, kPatience);
        after_quiet = pipeline.last_progress_ms();
      });
  pipeline.run(source);
  EXPECT_GT(after_packets, built);
  EXPECT_GT(after_quiet, after_packets) << "a quiet slot did not count as progress";
}

TEST(LiveSource, ABatchGoesOnOnceTheSourcesBatchDelayHasPassed) {
  // A link with a steady trickle of frames, never quiet for a whole poll interval: the frames read
  // must still enter the graph within about the source's batch delay, not wait for a full batch.
  Metrics metrics(MetricsOptions{.enabled = false});
  Counter& received = metrics.packets_received("trickle");
  double received_after_trickle = -1;
  ScriptedSource source;
  source.set_batch_delay(20);
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 40; ++i) {
    source.then([] { std::this_thread::sleep_for(4ms); })
        .frame(kStart, i * 4'000, query(static_cast<std::uint8_t>(1 + i % 5), static_cast<std::uint16_t>(4000 + i)));
  }
  source.then([&] { received_after_trickle = received.value(); });
  Pipeline pipeline(live_config(1), metrics, {.write_files = false, .source_name = "trickle"});
  pipeline.run(source);
  const auto trickle_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  ASSERT_GE(trickle_ms, 160);
  EXPECT_GT(received_after_trickle, 0.0) << "no batch went on during " << trickle_ms << " ms of frames 4 ms apart, "
                                          << "with a batch delay of 20 ms";
  EXPECT_EQ(received.value(), 40.0);
}

TEST(LiveSource, APacedReplayGivesTheFlowsOfAPlainReplay) {
  // The paced replay ends idle flows on quiet reads, the plain one on later packets; the flows, their
  // fan metrics and labels must not depend on that.
  Traffic traffic = split_traffic(13, 1500);
  const Config config = live_config(2);
  const auto run = [&](PacketSource& source) {
    std::map<std::uint64_t, FeatureRecord> by_id;
    Metrics metrics(MetricsOptions{.enabled = false});
    Pipeline pipeline(config, metrics, {.write_files = false, .consumer = [&](const FeatureRecord& r) {
                                          by_id.emplace(r.flow.flow_id, r);
                                        }});
    pipeline.run(source);
    return by_id;
  };
  const std::map<std::uint64_t, FeatureRecord> plain = run(traffic.all);
  traffic.all.rewind();
  std::uint64_t now_us = 0;
  PacedSource paced(traffic.all, 1.0, 100,
                    PacingClock{.monotonic_us = [&] { return now_us; },
                                .wall_ms = [&] { return now_us / 1000; },
                                .sleep_us = [&](std::uint64_t us) { now_us += us; }});
  const std::map<std::uint64_t, FeatureRecord> paced_records = run(paced);
  ASSERT_EQ(paced_records.size(), plain.size());
  std::uint64_t first_ms = std::numeric_limits<std::uint64_t>::max(), last_ms = 0;
  for (const auto& [id, expected] : plain) {
    first_ms = std::min(first_ms, expected.flow.bidirectional_first_seen_ms);
    last_ms = std::max(last_ms, expected.flow.bidirectional_last_seen_ms);
    const auto found = paced_records.find(id);
    ASSERT_NE(found, paced_records.end()) << "flow " << id;
    const FeatureRecord& got = found->second;
    EXPECT_EQ(got.flow.bidirectional_packets, expected.flow.bidirectional_packets) << "flow " << id;
    EXPECT_EQ(got.flow.bidirectional_bytes, expected.flow.bidirectional_bytes) << "flow " << id;
    EXPECT_EQ(got.flow.bidirectional_first_seen_ms, expected.flow.bidirectional_first_seen_ms) << "flow " << id;
    EXPECT_EQ(got.flow.bidirectional_last_seen_ms, expected.flow.bidirectional_last_seen_ms) << "flow " << id;
    EXPECT_EQ(got.flow.expiration, expected.flow.expiration) << "flow " << id;
    EXPECT_EQ(got.fans, expected.fans) << "flow " << id;
  }
  EXPECT_GE(now_us / 1000 + 1, last_ms - first_ms) << "the replay was not paced";
}

}  // namespace
}  // namespace flowfeat

namespace flowfeat {
namespace {

TEST(LiveSource, EachCaptureThreadReportsItsLossRingAndBacklog) {
  Metrics metrics(MetricsOptions{.enabled = false});
  ScriptedSource late;
  // Every frame of this thread was due 5 s before it is read: it is 5 s behind its link.
  late.set_schedule([](std::uint64_t) { return wall_clock_ms() - 5000; });
  late.frame(kStart, 0, query(1, 4000)).drops(3, 0).frame(kStart, 100'000, reply(1, 4000)).quiet(kStartMs + 200);
  ScriptedSource punctual;
  punctual.frame(kStart, 50'000, query(2, 4001)).quiet(kStartMs + 100).drops(1, 0);
  Pipeline pipeline(live_config(2), metrics, {.write_files = false});
  const PipelineSummary summary =
      pipeline.run(std::vector<PipelineInput>{{&late, "eth0", "eth0/0"}, {&punctual, "eth0", "eth0/1"}});
  EXPECT_EQ(metrics.capture_frames("eth0/0").value(), 2.0);
  EXPECT_EQ(metrics.capture_frames("eth0/1").value(), 1.0);
  EXPECT_EQ(metrics.capture_lost("eth0/0").value(), 3.0);
  EXPECT_EQ(metrics.capture_lost("eth0/1").value(), 1.0);
  EXPECT_DOUBLE_EQ(metrics.capture_loss_ratio("eth0/0").value(), 3.0 / 5.0);
  EXPECT_DOUBLE_EQ(metrics.capture_loss_ratio("eth0/1").value(), 1.0 / 2.0);
  EXPECT_DOUBLE_EQ(summary.capture_loss_ratio(), 4.0 / 7.0);
  EXPECT_GE(summary.backlog_peak_ms, 4900u);
  EXPECT_LE(summary.backlog_peak_ms, 6000u);
  EXPECT_EQ(metrics.capture_backlog("eth0/0").value(), 0.0) << "a quiet source has nothing waiting";
  EXPECT_EQ(metrics.capture_backlog("eth0/1").value(), 0.0);
}

}  // namespace
}  // namespace flowfeat
