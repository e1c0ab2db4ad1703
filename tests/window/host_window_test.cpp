#include "flowfeat/window/host_window.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <ostream>
#include <queue>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "fan_reference.hpp"

namespace flowfeat {

void PrintTo(const FanMetrics& f, std::ostream* os) {
  *os << "{out_src " << f.fan_out_src << ", in_dst " << f.fan_in_dst << ", in_src " << f.fan_in_src << ", out_dst "
      << f.fan_out_dst << "}";
}

namespace {

using testing::FanInput;
using testing::parse_ip;

FanMetrics fans(std::uint32_t out_src, std::uint32_t in_dst, std::uint32_t in_src, std::uint32_t out_dst) {
  return {out_src, in_dst, in_src, out_dst};
}

FlowStart start(std::uint64_t flow_id, std::uint64_t time_ms, std::string_view src, std::string_view dst) {
  return {flow_id, time_ms, parse_ip(src), parse_ip(dst)};
}

FlowRecord record_of(const FlowStart& s) {
  FlowRecord r;
  r.flow_id = s.flow_id;
  r.src_ip = s.src_ip;
  r.dst_ip = s.dst_ip;
  r.bidirectional_first_seen_ms = s.time_ms;
  r.bidirectional_last_seen_ms = s.time_ms;
  return r;
}

// Collects what one window emits, call by call.
struct Collector {
  std::vector<FeatureRecord> records;
  std::vector<std::uint64_t> ids() const {
    std::vector<std::uint64_t> out;
    for (const FeatureRecord& r : records) out.push_back(r.flow.flow_id);
    return out;
  }
  const FeatureRecord& by_id(std::uint64_t flow_id) const {
    for (const FeatureRecord& r : records) {
      if (r.flow.flow_id == flow_id) return r;
    }
    throw std::out_of_range("flow " + std::to_string(flow_id) + " was not emitted");
  }
  HostWindow::Emit emit() {
    return [this](const FeatureRecord& r) { records.push_back(r); };
  }
};

// Feeds the starts, ends every flow at once and finishes: the fans of a closed set of flows.
Collector run_closed(HostWindowOptions options, const std::vector<FlowStart>& starts) {
  HostWindow window(options);
  Collector out;
  for (const FlowStart& s : starts) window.add_start(s);
  for (const FlowStart& s : starts) window.add_end(record_of(s));
  window.finish(out.emit());
  return out;
}

TEST(HostWindow, WindowBoundsAtHalfSpanAreInclusive) {
  const Collector out = run_closed({.half_span_ms = 5000}, {
                                                               start(1, 4999, "10.0.0.1", "10.0.0.5"),
                                                               start(2, 5000, "10.0.0.1", "10.0.0.3"),
                                                               start(3, 10000, "10.0.0.1", "10.0.0.2"),
                                                               start(4, 15000, "10.0.0.1", "10.0.0.4"),
                                                               start(5, 15001, "10.0.0.1", "10.0.0.6"),
                                                           });
  ASSERT_EQ(out.records.size(), 5u);
  EXPECT_EQ(out.by_id(3).fans, fans(3, 1, 0, 0));  // flows 2..4: 5000 and 15000 are in, 4999 and 15001 out
  EXPECT_EQ(out.by_id(1).fans, fans(2, 1, 0, 0));  // [0, 9999]: flows 1, 2
  EXPECT_EQ(out.by_id(2).fans, fans(3, 1, 0, 0));  // [0, 10000]: flows 1..3
  EXPECT_EQ(out.by_id(4).fans, fans(3, 1, 0, 0));  // [10000, 20000]: flows 3..5
  EXPECT_EQ(out.by_id(5).fans, fans(2, 1, 0, 0));  // [10001, 20001]: flows 4, 5
}

TEST(HostWindow, EqualTimestampsShareAWindowEvenWithZeroHalfSpan) {
  HostWindow window({.half_span_ms = 0});
  Collector out;
  const std::vector<FlowStart> starts = {
      start(1, 100, "10.0.0.1", "10.0.0.2"),
      start(2, 100, "10.0.0.1", "10.0.0.3"),
      start(3, 100, "10.0.0.3", "10.0.0.1"),
      start(4, 101, "10.0.0.1", "10.0.0.4"),
  };
  for (const FlowStart& s : starts) window.add_start(s);
  for (const FlowStart& s : starts) window.add_end(record_of(s));
  window.advance(100, out.emit());
  EXPECT_TRUE(out.records.empty());  // 100 + 0 is not below the watermark yet
  window.advance(101, out.emit());
  EXPECT_EQ(out.ids(), (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_EQ(out.by_id(1).fans, fans(2, 1, 1, 0));
  EXPECT_EQ(out.by_id(2).fans, fans(2, 1, 1, 1));
  EXPECT_EQ(out.by_id(3).fans, fans(1, 1, 1, 2));
  window.finish(out.emit());
  EXPECT_EQ(out.by_id(4).fans, fans(1, 1, 0, 0));  // alone at 101
}

TEST(HostWindow, StartsEarlierThanTheHalfSpanDoNotWrap) {
  const Collector out = run_closed({.half_span_ms = 5000}, {
                                                               start(1, 0, "10.0.0.1", "10.0.0.2"),
                                                               start(2, 3000, "10.0.0.1", "10.0.0.3"),
                                                               start(3, 5000, "10.0.0.1", "10.0.0.4"),
                                                               start(4, 5001, "10.0.0.1", "10.0.0.5"),
                                                               start(5, 10001, "10.0.0.3", "10.0.0.1"),
                                                           });
  EXPECT_EQ(out.by_id(1).fans, fans(3, 1, 0, 0));  // [0, 5000]
  EXPECT_EQ(out.by_id(4).fans, fans(3, 1, 1, 0));  // [1, 10001]: flows 2..5
  EXPECT_EQ(out.by_id(5).fans, fans(1, 1, 0, 1));  // [5001, 15001]: flows 4, 5
}

TEST(HostWindow, HalfSpanAtTheTopOfTheRangeHoldsEveryFlowUntilFinish) {
  HostWindow window({.half_span_ms = std::numeric_limits<std::uint64_t>::max()});
  Collector out;
  const std::uint64_t late = std::numeric_limits<std::uint64_t>::max() - 1;
  window.add_start(start(1, 0, "10.0.0.1", "10.0.0.2"));
  window.add_start(start(2, late, "10.0.0.1", "10.0.0.3"));
  window.add_end(record_of(start(1, 0, "10.0.0.1", "10.0.0.2")));
  window.advance(std::numeric_limits<std::uint64_t>::max(), out.emit());
  EXPECT_TRUE(out.records.empty());
  window.add_end(record_of(start(2, late, "10.0.0.1", "10.0.0.3")));
  window.finish(out.emit());
  ASSERT_EQ(out.ids(), (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(out.by_id(1).fans, fans(2, 1, 0, 0));
  EXPECT_EQ(out.by_id(2).fans, fans(2, 1, 0, 0));
}

TEST(HostWindow, SelfLoopMakesTheHostItsOwnPeer) {
  HostWindow window({.half_span_ms = 10});
  Collector out;
  const FlowStart loop = start(1, 0, "10.0.0.1", "10.0.0.1");
  const FlowStart onward = start(2, 1, "10.0.0.1", "10.0.0.2");
  window.add_start(loop);
  window.add_start(onward);
  window.add_end(record_of(loop));
  window.add_end(record_of(onward));
  window.advance(12, out.emit());
  ASSERT_EQ(out.ids(), (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(out.by_id(1).fans, fans(2, 1, 1, 2));
  EXPECT_EQ(out.by_id(2).fans, fans(2, 1, 1, 0));
  window.advance(100, out.emit());
  EXPECT_EQ(window.stats().window_flows, 0u);
  EXPECT_EQ(window.stats().hosts, 0u);
}

TEST(HostWindow, Ipv6AddressWithTheBytesOfAnIpv4AddressIsAnotherHost) {
  const Collector out = run_closed({}, {
                                           start(1, 0, "10.0.0.1", "2001:db8::1"),
                                           start(2, 0, "a00:1::", "2001:db8::1"),  // bytes 0a 00 00 01 0...
                                           start(3, 0, "10.0.0.9", "10.0.0.1"),
                                       });
  ASSERT_EQ(parse_ip("a00:1::").bytes, parse_ip("10.0.0.1").bytes);
  EXPECT_EQ(out.by_id(1).fans, fans(1, 2, 1, 0));
  EXPECT_EQ(out.by_id(2).fans, fans(1, 2, 0, 0));
  EXPECT_EQ(out.by_id(3).fans, fans(1, 1, 0, 1));
}

TEST(HostWindow, RecordsWaitForFinalFansAndLeaveInFlowIdOrder) {
  HostWindow window({.half_span_ms = 1000});
  Collector out;
  const FlowStart a = start(10, 0, "10.0.0.1", "10.0.0.2");
  const FlowStart b = start(20, 500, "10.0.0.2", "10.0.0.3");
  const FlowStart c = start(30, 2000, "10.0.0.3", "10.0.0.1");
  window.add_start(a);
  window.add_start(b);
  window.add_start(c);
  FlowRecord ended_b = record_of(b);
  ended_b.src_port = 443;
  ended_b.bidirectional_packets = 7;
  ended_b.bidirectional_bytes = 900;
  window.add_end(ended_b);
  window.add_end(record_of(a));

  window.advance(1000, out.emit());  // 0 + 1000 is not below 1000: a's window may still grow
  EXPECT_TRUE(out.records.empty());
  EXPECT_EQ(window.stats().held_records, 2u);
  window.advance(1501, out.emit());
  ASSERT_EQ(out.ids(), (std::vector<std::uint64_t>{10, 20}));
  EXPECT_EQ(out.by_id(10).fans, fans(1, 1, 0, 1));
  EXPECT_EQ(out.by_id(20).fans, fans(1, 1, 1, 0));

  const FeatureRecord& emitted = out.by_id(20);
  EXPECT_EQ(emitted.flow.src_ip, b.src_ip);
  EXPECT_EQ(emitted.flow.src_port, 443);
  EXPECT_EQ(emitted.flow.bidirectional_packets, 7u);
  EXPECT_EQ(emitted.flow.bidirectional_bytes, 900u);
  EXPECT_EQ(emitted.verdict.label, 0);
  EXPECT_EQ(emitted.one_hot, 0u);
  EXPECT_TRUE(std::all_of(emitted.derived.begin(), emitted.derived.end(), [](double v) { return v == 0.0; }));
  EXPECT_TRUE(std::all_of(emitted.standardized.begin(), emitted.standardized.end(), [](double v) { return v == 0.0; }));

  // c is still open when its fans become final: they wait for its record, which waits for the next call.
  window.advance(5000, out.emit());
  EXPECT_EQ(out.records.size(), 2u);
  EXPECT_EQ(window.stats().held_records, 0u);
  window.add_end(record_of(c));
  EXPECT_EQ(out.records.size(), 2u);
  window.advance(5000, out.emit());
  ASSERT_EQ(out.records.size(), 3u);
  EXPECT_EQ(out.by_id(30).fans, fans(1, 1, 0, 0));  // [1000, 3000]: b at 500 is out
}

TEST(HostWindow, FinishEmitsEverythingLeftInFlowIdOrder) {
  HostWindow window({.half_span_ms = 5000});
  Collector out;
  const std::vector<FlowStart> starts = {start(3, 0, "10.0.0.1", "10.0.0.2"), start(4, 10, "10.0.0.2", "10.0.0.1"),
                                         start(8, 20, "10.0.0.1", "10.0.0.3")};
  for (const FlowStart& s : starts) window.add_start(s);
  window.add_end(record_of(starts[2]));
  window.add_end(record_of(start(5, 15, "10.0.0.7", "10.0.0.8")));  // start never announced
  window.add_end(record_of(starts[0]));
  window.add_end(record_of(starts[1]));
  window.advance(20, out.emit());
  EXPECT_TRUE(out.records.empty());
  window.finish(out.emit());
  ASSERT_EQ(out.ids(), (std::vector<std::uint64_t>{3, 4, 5, 8}));
  EXPECT_EQ(out.by_id(3).fans, fans(2, 1, 1, 1));
  EXPECT_EQ(out.by_id(4).fans, fans(1, 1, 1, 2));
  EXPECT_EQ(out.by_id(5).fans, fans(0, 0, 0, 0));
  EXPECT_EQ(out.by_id(8).fans, fans(2, 1, 1, 0));
  const HostWindowStats& stats = window.stats();
  EXPECT_EQ(stats.starts, 3u);
  EXPECT_EQ(stats.records_in, 4u);
  EXPECT_EQ(stats.records_out, 4u);
  EXPECT_EQ(stats.window_flows, 0u);
  EXPECT_EQ(stats.hosts, 0u);
  EXPECT_EQ(stats.held_records, 0u);
}

TEST(HostWindow, RejectsAWindowBoundOutOfRange) {
  EXPECT_THROW(HostWindow({.max_window_flows = 0}), std::invalid_argument);
  EXPECT_THROW(HostWindow({.max_window_flows = std::uint64_t{1} << 32}), std::invalid_argument);
  EXPECT_NO_THROW(HostWindow({.max_window_flows = 1}));
}

// A random stream: flows in start order (sparse increasing ids), each with an end time, over a small
// host pool (IPv4 and IPv6, including two addresses that share their bytes) so peers repeat.
struct Stream {
  std::vector<FlowStart> starts;
  std::vector<std::uint64_t> end_ms;

  std::vector<FanInput> fan_inputs() const {
    std::vector<FanInput> inputs;
    for (const FlowStart& s : starts) inputs.push_back({s.time_ms, s.src_ip, s.dst_ip});
    return inputs;
  }
};

Stream random_stream(std::mt19937_64& rng, std::size_t flows, std::size_t hosts, std::uint64_t half_span_ms,
                     std::uint64_t flows_per_window) {
  std::vector<IpAddress> pool = {parse_ip("10.0.0.1"), parse_ip("a00:1::"), parse_ip("2001:db8::1")};
  for (std::size_t i = pool.size(); i < hosts; ++i) {
    const std::uint8_t bytes[4] = {192, 168, static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)};
    pool.push_back(IpAddress::v4(bytes));
  }
  // Skewed host choice so some hosts are busy and self-loops happen.
  std::geometric_distribution<std::size_t> skewed(3.0 / static_cast<double>(hosts));
  const auto host = [&] { return pool[skewed(rng) % pool.size()]; };
  const std::uint64_t max_gap = std::max<std::uint64_t>(1, 4 * half_span_ms / flows_per_window);
  std::uniform_int_distribution<std::uint64_t> gap(0, max_gap);
  std::uniform_int_distribution<int> percent(0, 99);
  std::uniform_int_distribution<std::uint64_t> duration(0, 3 * half_span_ms + 10);

  Stream stream;
  std::uint64_t time_ms = std::uniform_int_distribution<int>(0, 1)(rng) == 0 ? 0 : 1'700'000'000'000;
  std::uint64_t flow_id = 0;
  for (std::size_t i = 0; i < flows; ++i) {
    const int p = percent(rng);
    if (p < 1) {
      time_ms += 2 * half_span_ms + 1 + gap(rng);  // a quiet spell: the window empties
    } else if (p >= 30) {
      time_ms += gap(rng);  // else an equal timestamp
    }
    flow_id += 1 + gap(rng) % 3;
    stream.starts.push_back({flow_id, time_ms, host(), host()});
    stream.end_ms.push_back(time_ms + duration(rng));
  }
  return stream;
}

struct Emission {
  std::uint64_t flow_id;
  FanMetrics fans;
  std::size_t call;

  friend bool operator==(const Emission&, const Emission&) = default;
};

// Plays a stream like the pipeline would: starts in order, ends once their time has come, in shuffled
// batches, and advance() at random watermarks that keep the promise. Checks each call's order and that
// nothing leaves before its fans are final nor stays after; returns every emission.
// The schedule (when ends are delivered, when and where advance() is called) comes from schedule_seed,
// the order of ends within each delivery from shuffle_seed.
std::vector<Emission> play(const Stream& stream, HostWindowOptions options, std::uint64_t schedule_seed,
                           std::uint64_t shuffle_seed, std::size_t* max_window_flows_seen = nullptr) {
  std::mt19937_64 rng(schedule_seed);
  std::mt19937_64 shuffle_rng(shuffle_seed);
  std::uniform_int_distribution<int> percent(0, 99);
  HostWindow window(options);
  std::vector<Emission> emitted;
  std::size_t call = 0;
  std::uint64_t watermark_ms = 0;
  bool finishing = false;
  // Under overflow, fans are finalized early on purpose and their records may leave early.
  const bool exact = options.max_window_flows >= stream.starts.size();
  // Start times of the delivered records not yet due, to tell how many each advance() must have emitted.
  std::priority_queue<std::uint64_t, std::vector<std::uint64_t>, std::greater<>> not_due;
  std::size_t due_total = 0;
  const HostWindow::Emit emit = [&](const FeatureRecord& r) {
    if (!emitted.empty() && emitted.back().call == call) {
      EXPECT_LT(emitted.back().flow_id, r.flow.flow_id) << "call " << call;
    }
    if (!finishing && exact) {
      EXPECT_LT(r.flow.bidirectional_first_seen_ms, watermark_ms);
      EXPECT_GT(watermark_ms - r.flow.bidirectional_first_seen_ms, options.half_span_ms);
    }
    emitted.push_back({r.flow.flow_id, r.fans, call});
  };

  std::vector<std::size_t> open;  // started, not ended yet
  std::vector<std::size_t> due;
  const auto deliver_due = [&](std::uint64_t now_ms, bool everything) {
    due.clear();
    std::erase_if(open, [&](std::size_t i) {
      const bool ended = everything || stream.end_ms[i] <= now_ms;
      if (ended) due.push_back(i);
      return ended;
    });
    std::shuffle(due.begin(), due.end(), shuffle_rng);
    for (std::size_t i : due) {
      window.add_end(record_of(stream.starts[i]));
      not_due.push(stream.starts[i].time_ms);
    }
  };
  const auto advance = [&] {
    ++call;
    window.advance(watermark_ms, emit);
    while (!not_due.empty() && not_due.top() < watermark_ms && watermark_ms - not_due.top() > options.half_span_ms) {
      not_due.pop();
      ++due_total;
    }
    if (exact) {
      EXPECT_EQ(emitted.size(), due_total) << "after advance(" << watermark_ms << ")";
    }
  };

  const std::size_t n = stream.starts.size();
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t now_ms = stream.starts[i].time_ms;
    window.add_start(stream.starts[i]);
    open.push_back(i);
    if (max_window_flows_seen)
      *max_window_flows_seen = std::max<std::size_t>(*max_window_flows_seen, window.stats().window_flows);
    if (percent(rng) < 20) deliver_due(now_ms, false);
    if (percent(rng) < 10) {
      const std::uint64_t next_ms = i + 1 < n ? stream.starts[i + 1].time_ms : now_ms + 3 * options.half_span_ms;
      watermark_ms = std::uniform_int_distribution<std::uint64_t>(std::max(watermark_ms, now_ms), next_ms)(rng);
      advance();
    }
  }
  deliver_due(0, true);
  if (percent(rng) < 50) {
    watermark_ms = std::max(watermark_ms, stream.starts.back().time_ms + options.half_span_ms + 1);
    advance();
  }
  finishing = true;
  ++call;
  window.finish(emit);

  const HostWindowStats& stats = window.stats();
  EXPECT_EQ(stats.starts, n);
  EXPECT_EQ(stats.records_in, n);
  EXPECT_EQ(stats.records_out, n);
  EXPECT_EQ(stats.window_flows, 0u);
  EXPECT_EQ(stats.hosts, 0u);
  EXPECT_EQ(stats.held_records, 0u);
  return emitted;
}

// Each flow exactly once, with the expected fans.
void expect_fans(const Stream& stream, const std::vector<Emission>& emitted, const std::vector<FanMetrics>& expected) {
  ASSERT_EQ(emitted.size(), stream.starts.size());
  std::vector<Emission> by_id = emitted;
  std::sort(by_id.begin(), by_id.end(), [](const Emission& a, const Emission& b) { return a.flow_id < b.flow_id; });
  for (std::size_t i = 0; i < by_id.size(); ++i) {
    ASSERT_EQ(by_id[i].flow_id, stream.starts[i].flow_id) << "missing or repeated flow";
    EXPECT_EQ(by_id[i].fans, expected[i]) << "flow " << by_id[i].flow_id << " at " << stream.starts[i].time_ms;
  }
}

TEST(HostWindow, MatchesBruteForceOnRandomStreams) {
  const std::uint64_t half_spans[] = {0, 1, 7, 5000};
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed);
    const std::uint64_t half_span_ms = half_spans[seed % 4];
    const Stream stream = random_stream(rng, 1500, 3 + seed % 8, half_span_ms, 40);
    const std::vector<Emission> emitted = play(stream, {.half_span_ms = half_span_ms}, seed * 7919, seed);
    expect_fans(stream, emitted, testing::brute_force_fans(stream.fan_inputs(), half_span_ms));
  }
}

TEST(HostWindow, OutputDependsOnlyOnWhatIsFedBetweenAdvances) {
  std::mt19937_64 rng(99);
  const Stream stream = random_stream(rng, 3000, 12, 200, 50);
  for (std::uint64_t bound : {std::uint64_t{4'000'000}, std::uint64_t{16}}) {
    SCOPED_TRACE("max_window_flows " + std::to_string(bound));
    // One schedule, so the same starts and ends fall between the same advance() calls; only the order
    // of the ends within each delivery differs.
    const HostWindowOptions options{.half_span_ms = 200, .max_window_flows = bound};
    const std::vector<Emission> first = play(stream, options, 5, 1);
    const std::vector<Emission> second = play(stream, options, 5, 2);
    EXPECT_EQ(first, second);
  }
}

TEST(FanReference, SlidingAgreesWithBruteForce) {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    std::mt19937_64 rng(seed);
    const std::uint64_t half_span_ms = seed == 1 ? 0 : 100 * seed;
    const Stream stream = random_stream(rng, 2000, 10 * seed, half_span_ms, 60);
    const std::vector<FanInput> inputs = stream.fan_inputs();
    EXPECT_EQ(testing::sliding_fans(inputs, half_span_ms), testing::brute_force_fans(inputs, half_span_ms))
        << "seed " << seed;
  }
  // Input order does not matter to either.
  const std::vector<FanInput> unordered = {testing::fan_input(50, "10.0.0.1", "10.0.0.2"),
                                           testing::fan_input(0, "10.0.0.1", "10.0.0.3"),
                                           testing::fan_input(40, "10.0.0.4", "10.0.0.1")};
  const std::vector<FanMetrics> expected = {fans(2, 1, 1, 0), fans(2, 1, 1, 0), fans(1, 1, 0, 2)};
  EXPECT_EQ(testing::brute_force_fans(unordered, 50), expected);
  EXPECT_EQ(testing::sliding_fans(unordered, 50), expected);
}

TEST(HostWindow, MatchesSlidingReferenceOnALargeStream) {
  std::mt19937_64 rng(2024);
  const Stream stream = random_stream(rng, 120'000, 300, 5000, 300);
  const std::vector<Emission> emitted = play(stream, {}, 77, 78);
  expect_fans(stream, emitted, testing::sliding_fans(stream.fan_inputs(), 5000));
}

TEST(HostWindow, MemoryFollowsTheWindow) {
  HostWindow window({.half_span_ms = 1000});
  Collector out;
  for (std::uint64_t i = 0; i < 500; ++i) {
    const std::uint8_t src[4] = {10, 1, static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)};
    const std::uint8_t dst[4] = {10, 2, static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i)};
    const FlowStart s{i + 1, i, IpAddress::v4(src), IpAddress::v4(dst)};
    window.add_start(s);
    window.add_end(record_of(s));
  }
  window.advance(1200, out.emit());  // finalizes the starts before 200, whose windows hold all 500
  EXPECT_EQ(out.records.size(), 200u);
  EXPECT_EQ(window.stats().window_flows, 500u);
  EXPECT_EQ(window.stats().hosts, 1000u);
  EXPECT_EQ(window.stats().held_records, 300u);

  const FlowStart later = start(1000, 100'000, "10.9.0.1", "10.9.0.2");
  window.add_start(later);
  window.advance(100'000, out.emit());
  EXPECT_EQ(out.records.size(), 500u);
  EXPECT_EQ(window.stats().window_flows, 1u);  // only the new start, not yet counted as peers
  EXPECT_EQ(window.stats().hosts, 0u);
  EXPECT_EQ(window.stats().held_records, 0u);

  window.advance(100'999, out.emit());
  EXPECT_EQ(window.stats().window_flows, 1u);
  window.advance(101'001, out.emit());  // finalized, and out of reach of any start still to come
  EXPECT_EQ(window.stats().window_flows, 0u);
  EXPECT_EQ(window.stats().hosts, 0u);
  window.add_end(record_of(later));
  window.advance(101'001, out.emit());
  EXPECT_EQ(out.records.size(), 501u);
  EXPECT_EQ(out.by_id(1000).fans, fans(1, 1, 0, 0));
}

TEST(HostWindow, OverflowDropsTheOldestStart) {
  HostWindow window({.half_span_ms = 5000, .max_window_flows = 8});
  std::vector<FlowStart> starts;
  for (std::uint64_t i = 0; i < 20; ++i) {
    starts.push_back(start(i + 1, 100, "10.0.0.1", i % 2 == 0 ? "10.0.0.2" : "10.0.0.3"));
    window.add_start(starts.back());
    EXPECT_LE(window.stats().window_flows, 8u);
  }
  EXPECT_EQ(window.stats().window_flows, 8u);
  EXPECT_EQ(window.stats().overflow_releases, 12u);
  // The first start was finalized when it left, with the 8 starts known then.
  Collector out;
  window.add_end(record_of(starts[0]));
  window.advance(100, out.emit());
  ASSERT_EQ(out.ids(), (std::vector<std::uint64_t>{1}));
  EXPECT_EQ(out.by_id(1).fans, fans(2, 1, 0, 0));
}

TEST(HostWindow, OverflowKeepsTheWindowBoundedAndFansBelowExact) {
  std::mt19937_64 rng(7);
  const Stream stream = random_stream(rng, 3000, 6, 5000, 400);
  std::size_t largest = 0;
  const std::vector<Emission> emitted = play(stream, {.half_span_ms = 5000, .max_window_flows = 50}, 11, 12, &largest);
  EXPECT_LE(largest, 50u);
  EXPECT_EQ(largest, 50u);
  ASSERT_EQ(emitted.size(), stream.starts.size());

  const std::vector<FanMetrics> exact = testing::brute_force_fans(stream.fan_inputs(), 5000);
  std::vector<Emission> by_id = emitted;
  std::sort(by_id.begin(), by_id.end(), [](const Emission& a, const Emission& b) { return a.flow_id < b.flow_id; });
  std::size_t short_counts = 0;
  for (std::size_t i = 0; i < by_id.size(); ++i) {
    ASSERT_EQ(by_id[i].flow_id, stream.starts[i].flow_id);
    const FanMetrics& got = by_id[i].fans;
    EXPECT_GE(got.fan_out_src, 1u);  // the flow itself is always counted
    EXPECT_GE(got.fan_in_dst, 1u);
    EXPECT_LE(got.fan_out_src, exact[i].fan_out_src);
    EXPECT_LE(got.fan_in_dst, exact[i].fan_in_dst);
    EXPECT_LE(got.fan_in_src, exact[i].fan_in_src);
    EXPECT_LE(got.fan_out_dst, exact[i].fan_out_dst);
    if (!(got == exact[i])) ++short_counts;
  }
  EXPECT_GT(short_counts, 0u);
}

TEST(HostWindow, OverflowIsCountedAndAbsentWhenTheBoundIsNotReached) {
  std::mt19937_64 rng(8);
  const Stream stream = random_stream(rng, 2000, 6, 5000, 400);
  HostWindow small({.half_span_ms = 5000, .max_window_flows = 50});
  HostWindow large({.half_span_ms = 5000});
  for (const FlowStart& s : stream.starts) {
    small.add_start(s);
    large.add_start(s);
  }
  EXPECT_EQ(small.stats().overflow_releases, stream.starts.size() - 50);
  EXPECT_EQ(large.stats().overflow_releases, 0u);
}

}  // namespace
}  // namespace flowfeat
