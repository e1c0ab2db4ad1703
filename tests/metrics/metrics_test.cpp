#include "flowfeat/metrics/metrics.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "flowfeat/metrics/metric_catalog.hpp"
#include "http_get.hpp"

namespace flowfeat {
namespace {

using testing::http_get;

MetricsOptions served_on_any_port() { return {.listen_address = "127.0.0.1:0"}; }
MetricsOptions not_served() { return {.enabled = false}; }

std::set<std::string> lines_of(const std::string& text) {
  std::set<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.insert(line);
  return lines;
}

bool has_line(const std::string& text, const std::string& line) { return lines_of(text).contains(line); }

// The exception's message, or "" when construction succeeded.
std::string construction_error(const MetricsOptions& options) {
  try {
    Metrics metrics(options);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

// Lower-case letters, digits and underscores only: valid metric and label names, in our style.
bool is_snake_case(std::string_view name) {
  return !name.empty() &&
         std::ranges::all_of(name, [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

// Asks every accessor for a series, so every family has one to render.
void touch_every_family(Metrics& m) {
  m.packets_received("pcap");
  m.bytes_received("pcap");
  m.packets_ignored("non_ip");
  m.packets_dropped("queue");
  m.capture_frames("eth0/0");
  m.capture_lost("eth0/0");
  m.capture_loss_ratio("eth0/0");
  m.capture_ring_fill("eth0/0");
  m.capture_backlog("eth0/0");
  m.flows_active();
  m.flows_created();
  m.flows_ended("idle");
  m.records_written();
  m.records_dropped("queue_full");
  m.output_files_rotated();
  m.output_bytes();
  m.output_write_errors();
  m.queue_depth("window");
  m.stream_lag_seconds();
  m.watermark_seconds();
  m.host_window_flows();
  m.host_window_hosts();
  m.host_window_held_records();
  m.host_window_overflows();
  m.standardizer_samples();
  m.stage_errors("enrich");
  m.stage_cpu_seconds("flow");
  m.records_labeled("1");
}

TEST(MetricCatalog, NamesFollowPrometheusConventions) {
  std::set<std::string_view> seen;
  ASSERT_FALSE(metric_catalog().empty());
  for (const MetricDescription& family : metric_catalog()) {
    const std::string n(family.name);
    EXPECT_TRUE(seen.insert(family.name).second) << "duplicate " << n;
    EXPECT_TRUE(n.starts_with("flowfeat_") && !n.ends_with("_") && is_snake_case(n)) << n;
    const bool total = n.ends_with("_total");
    EXPECT_EQ(total, family.type == MetricType::kCounter) << n << ": counters, and only they, end in _total";
    EXPECT_FALSE(n.ends_with("_ms") || n.find("_ms_") != std::string::npos) << n << ": base units (seconds)";
    if (!family.label.empty()) {
      EXPECT_TRUE(is_snake_case(family.label) && !std::isdigit(static_cast<unsigned char>(family.label[0]))) << n;
      EXPECT_FALSE(family.label.starts_with("__")) << n << ": reserved label name";
    } else {
      EXPECT_TRUE(family.label_values.empty()) << n << ": values without a label";
    }
    for (std::string_view value : family.label_values) EXPECT_FALSE(value.empty()) << n;
  }
}

TEST(MetricCatalog, HelpIsOneLineOfPlainText) {
  for (const MetricDescription& family : metric_catalog()) {
    EXPECT_FALSE(family.help.empty()) << family.name;
    // The exposition format would need these escaped in HELP, and '|' would break the markdown table.
    EXPECT_EQ(family.help.find_first_of("\n\\|"), std::string_view::npos) << family.name;
  }
}

TEST(Metrics, EveryFamilyIsRenderedWithItsHelpAndType) {
  Metrics metrics(not_served());
  touch_every_family(metrics);
  const std::string text = metrics.text();
  for (const MetricDescription& family : metric_catalog()) {
    const std::string name(family.name);
    EXPECT_TRUE(has_line(text, "# HELP " + name + " " + std::string(family.help))) << name;
    EXPECT_TRUE(has_line(text, "# TYPE " + name + " " + std::string(to_string(family.type)))) << name;
  }
}

TEST(Metrics, ScrapeShowsCountsPublishedThroughHandles) {
  Metrics metrics(served_on_any_port());
  ASSERT_NE(metrics.port(), 0);
  metrics.packets_received("pcap").increment(3);
  metrics.packets_received("pcap").increment(2);
  metrics.bytes_received("pcap").increment(1500);
  metrics.flows_active().set(7);

  testing::HttpResponse first = http_get(metrics.port());
  ASSERT_EQ(first.status, 200) << first.error;
  EXPECT_TRUE(has_line(first.body, "flowfeat_packets_received_total{source=\"pcap\"} 5")) << first.body;
  EXPECT_TRUE(has_line(first.body, "flowfeat_received_bytes_total{source=\"pcap\"} 1500")) << first.body;
  EXPECT_TRUE(has_line(first.body, "flowfeat_flows_active 7")) << first.body;

  // The endpoint serves the live values, not a snapshot taken at startup.
  metrics.packets_received("pcap").increment();
  metrics.flows_active().add(-2);
  testing::HttpResponse second = http_get(metrics.port());
  ASSERT_EQ(second.status, 200) << second.error;
  EXPECT_TRUE(has_line(second.body, "flowfeat_packets_received_total{source=\"pcap\"} 6")) << second.body;
  EXPECT_TRUE(has_line(second.body, "flowfeat_flows_active 5")) << second.body;
}

TEST(Metrics, ScrapeServesEverythingTextRenders) {
  Metrics metrics(served_on_any_port());
  touch_every_family(metrics);
  metrics.records_written().increment(42);
  const std::string text = metrics.text();
  testing::HttpResponse scrape = http_get(metrics.port());
  ASSERT_EQ(scrape.status, 200) << scrape.error;
  const std::set<std::string> served = lines_of(scrape.body);
  for (const std::string& line : lines_of(text)) EXPECT_TRUE(served.contains(line)) << line;
}

TEST(Metrics, SameFamilyAndLabelGiveTheSameHandle) {
  Metrics metrics(not_served());
  EXPECT_EQ(&metrics.packets_received("a"), &metrics.packets_received("a"));
  EXPECT_NE(&metrics.packets_received("a"), &metrics.packets_received("b"));
  // Same label value in another family is another series.
  EXPECT_NE(&metrics.packets_received("a"), &metrics.bytes_received("a"));
  EXPECT_EQ(&metrics.queue_depth("flow"), &metrics.queue_depth(std::string("flow")));
  EXPECT_EQ(&metrics.flows_active(), &metrics.flows_active());
  EXPECT_EQ(&metrics.flows_ended("idle"), &metrics.flows_ended("idle"));
  EXPECT_NE(&metrics.host_window_flows(), &metrics.host_window_hosts());
}

TEST(Metrics, SeriesCountIndependently) {
  Metrics metrics(not_served());
  Counter& a = metrics.packets_received("a");
  Counter& b = metrics.packets_received("b");
  a.increment(4);
  b.increment();
  EXPECT_EQ(a.value(), 4.0);
  EXPECT_EQ(b.value(), 1.0);
  const std::string text = metrics.text();
  EXPECT_TRUE(has_line(text, "flowfeat_packets_received_total{source=\"a\"} 4")) << text;
  EXPECT_TRUE(has_line(text, "flowfeat_packets_received_total{source=\"b\"} 1")) << text;
}

TEST(Metrics, HandlesStayValidAsSeriesAreAdded) {
  Metrics metrics(not_served());
  Counter& first = metrics.stage_errors("stage-0");
  Counter copy = first;
  for (int i = 1; i < 500; ++i) metrics.stage_errors("stage-" + std::to_string(i)).increment();
  first.increment(2);
  copy.increment(3);
  EXPECT_EQ(metrics.stage_errors("stage-0").value(), 5.0);
  EXPECT_EQ(metrics.stage_errors("stage-499").value(), 1.0);
}

TEST(Metrics, LabelValuesAreEscaped) {
  Metrics metrics(not_served());
  metrics.packets_received("a\"b\\c\nd").increment();
  const std::string text = metrics.text();
  EXPECT_TRUE(has_line(text, R"(flowfeat_packets_received_total{source="a\"b\\c\nd"} 1)")) << text;
}

TEST(Metrics, UnlabeledFamiliesAndFixedLabelSetsStartAtZero) {
  Metrics metrics(not_served());
  const std::string text = metrics.text();
  for (const char* line :
       {"flowfeat_flows_created_total 0", "flowfeat_flows_active 0", "flowfeat_records_written_total 0",
        "flowfeat_stream_lag_seconds 0", "flowfeat_packets_dropped_total{place=\"kernel\"} 0",
        "flowfeat_packets_dropped_total{place=\"interface\"} 0", "flowfeat_packets_dropped_total{place=\"queue\"} 0",
        "flowfeat_flows_ended_total{reason=\"idle\"} 0", "flowfeat_flows_ended_total{reason=\"active\"} 0",
        "flowfeat_flows_ended_total{reason=\"evicted\"} 0", "flowfeat_records_labeled_total{label=\"0\"} 0",
        "flowfeat_records_labeled_total{label=\"1\"} 0"}) {
    EXPECT_TRUE(has_line(text, line)) << line << "\n" << text;
  }
  // Open label sets have no series until a component asks for one.
  EXPECT_EQ(text.find("flowfeat_packets_received_total{"), std::string::npos) << text;
}

TEST(Metrics, ValueOutsideAFixedLabelSetIsRejected) {
  Metrics metrics(not_served());
  try {
    metrics.flows_ended("flushed");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("flowfeat_flows_ended_total"), std::string::npos) << message;
    EXPECT_NE(message.find("\"flushed\""), std::string::npos) << message;
    EXPECT_NE(message.find("idle, active, evicted"), std::string::npos) << message;
  }
  EXPECT_THROW(metrics.packets_dropped("disk"), std::invalid_argument);
  EXPECT_THROW(metrics.records_labeled("2"), std::invalid_argument);
  EXPECT_EQ(metrics.text().find("flushed"), std::string::npos);
}

TEST(Metrics, EmptyLabelValueIsRejected) {
  Metrics metrics(not_served());
  EXPECT_THROW(metrics.packets_received(""), std::invalid_argument);
  EXPECT_THROW(metrics.queue_depth(""), std::invalid_argument);
}

TEST(Counter, IgnoresNegativeAndNonFiniteDeltas) {
  Metrics metrics(not_served());
  Counter& counter = metrics.records_written();
  counter.increment();
  counter.increment(2.5);
  counter.increment(-1);
  counter.increment(std::numeric_limits<double>::quiet_NaN());
  counter.increment(std::numeric_limits<double>::infinity());
  EXPECT_EQ(counter.value(), 3.5);
  EXPECT_TRUE(has_line(metrics.text(), "flowfeat_records_written_total 3.5"));
}

TEST(Gauge, SetsAndAdds) {
  Metrics metrics(not_served());
  Gauge& gauge = metrics.queue_depth("flow");
  gauge.set(5);
  gauge.add(-2);
  EXPECT_EQ(gauge.value(), 3.0);
  gauge.add(0.5);
  EXPECT_EQ(gauge.value(), 3.5);
  gauge.set(-1);
  EXPECT_EQ(gauge.value(), -1.0);
  EXPECT_TRUE(has_line(metrics.text(), "flowfeat_queue_depth{stage=\"flow\"} -1"));
}

TEST(Metrics, BuildInfoCarriesTheVersion) {
  MetricsOptions named = not_served();
  named.version = "9.8.7-test";
  EXPECT_TRUE(has_line(Metrics(named).text(), "flowfeat_build_info{version=\"9.8.7-test\"} 1"));
  const std::string text = Metrics(not_served()).text();
  EXPECT_TRUE(has_line(text, "flowfeat_build_info{version=\"" FLOWFEAT_VERSION "\"} 1")) << text;
}

TEST(Metrics, DisabledServesNothingButStillCounts) {
  Metrics metrics(not_served());
  EXPECT_EQ(metrics.port(), 0);
  metrics.flows_created().increment(12);
  metrics.watermark_seconds().set(1700000000);
  EXPECT_EQ(metrics.flows_created().value(), 12.0);
  const std::string text = metrics.text();
  EXPECT_TRUE(has_line(text, "flowfeat_flows_created_total 12")) << text;
  EXPECT_TRUE(has_line(text, "flowfeat_stream_watermark_seconds 1700000000")) << text;
}

TEST(Metrics, DisabledIgnoresTheListenAddress) {
  MetricsOptions options = not_served();
  options.listen_address = "not an address";
  EXPECT_EQ(construction_error(options), "");
}

TEST(Metrics, MalformedListenAddressIsNamed) {
  for (const char* address : {"not-an-address", "127.0.0.1:99999", "127.0.0.1:"}) {
    MetricsOptions options = served_on_any_port();
    options.listen_address = address;
    const std::string message = construction_error(options);
    EXPECT_NE(message.find(std::string("\"") + address + "\""), std::string::npos) << address << ": " << message;
  }
}

TEST(Metrics, ListenAddressInUseIsNamedWithTheReason) {
  Metrics first(served_on_any_port());
  ASSERT_NE(first.port(), 0);
  MetricsOptions options = served_on_any_port();
  options.listen_address = "127.0.0.1:" + std::to_string(first.port());
  const std::string message = construction_error(options);
  EXPECT_NE(message.find("\"" + options.listen_address + "\""), std::string::npos) << message;
  EXPECT_NE(message.find("in use"), std::string::npos) << message;
  // The first endpoint still serves.
  EXPECT_EQ(http_get(first.port()).status, 200);
}

TEST(Metrics, HandlesCountEveryIncrementFromManyThreads) {
  Metrics metrics(not_served());
  constexpr int kThreads = 4;
  constexpr int kIncrements = 2000;
  std::vector<Counter*> seen(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&metrics, &seen, t] {
      Counter& counter = metrics.packets_received("shared");
      seen[static_cast<std::size_t>(t)] = &counter;
      for (int i = 0; i < kIncrements; ++i) counter.increment();
      metrics.queue_depth("stage-" + std::to_string(t)).add(1);
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(metrics.packets_received("shared").value(), double{kThreads} * kIncrements);
  for (Counter* counter : seen) EXPECT_EQ(counter, &metrics.packets_received("shared"));
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(metrics.queue_depth("stage-" + std::to_string(t)).value(), 1.0);
}

TEST(HttpGet, ReportsAConnectionThatFails) {
  // A port that was free a moment ago: bound, then released without listening.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
  socklen_t length = sizeof address;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  ::close(fd);
  const testing::HttpResponse response = http_get(ntohs(address.sin_port));
  EXPECT_EQ(response.status, 0);
  EXPECT_FALSE(response.error.empty());
}

TEST(HttpGet, ReadsStatusOfAnUnknownPath) {
  Metrics metrics(served_on_any_port());
  const testing::HttpResponse response = http_get(metrics.port(), "/no-such-page");
  EXPECT_EQ(response.status, 404) << response.error << response.headers;
}

}  // namespace
}  // namespace flowfeat
