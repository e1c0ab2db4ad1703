// Replays every file under FLOWFEAT_PCAP_DIR, the malformed and corrupt ones included, through the
// whole pipeline: nothing may crash, hang or trip a sanitizer, every packet is accounted for, and
// every record's fan metrics equal the seed's definition computed over the capture's records.
#include <gtest/gtest.h>

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "flowfeat/capture/pcap_file_source.hpp"
#include "fan_reference.hpp"
#include "flowfeat/pipeline/pipeline.hpp"
#include "test_data.hpp"

namespace flowfeat {
namespace {

namespace fs = std::filesystem;

// The seed's O(n^2) loop on small captures, an independent sliding window on the big ones.
std::vector<FanMetrics> expected_fans(const std::vector<testing::FanInput>& flows) {
  return flows.size() <= 3000 ? testing::brute_force_fans(flows) : testing::sliding_fans(flows);
}

TEST(EveryCapture, ReplaysWithoutCrashingAccountsForEveryPacketAndGetsTheFansRight) {
  const std::string root = testing::pcap_dir();
  if (root.empty() || !fs::is_directory(root)) {
    GTEST_SKIP() << "FLOWFEAT_PCAP_DIR not set: replay of every real capture skipped";
  }
  spdlog::set_level(spdlog::level::off);  // thousands of expected per-file complaints
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty());

  std::uint64_t packets = 0, flows = 0, unreadable = 0;
  Metrics metrics(MetricsOptions{.enabled = false});
  for (const fs::path& file : files) {
    PcapFileSource source({file});
    std::uint64_t packets_in_flows = 0;
    std::vector<testing::FanInput> starts;
    std::vector<FanMetrics> fans;
    Config config;
    config.flows.dpi_enabled = false;  // nDPI's own code is not what this test is about; it halves the time
    Pipeline pipeline(config, metrics, {.write_files = false, .consumer = [&](const FeatureRecord& r) {
                                          packets_in_flows += r.flow.bidirectional_packets;
                                          starts.push_back(testing::fan_input(r.flow));
                                          fans.push_back(r.fans);
                                        }});
    const PipelineSummary summary = pipeline.run(source);
    EXPECT_EQ(summary.packets_read, summary.packets_decoded + summary.packets_ignored_total()) << file;
    EXPECT_EQ(summary.packets_decoded, packets_in_flows) << file;
    EXPECT_TRUE(fans == expected_fans(starts)) << file;
    packets += summary.packets_read;
    flows += summary.flows.flows_created;
    if (source.had_unreadable_input()) ++unreadable;
  }
  spdlog::set_level(spdlog::level::info);
  std::cout << "[ captures ] " << files.size() << " files, " << unreadable << " unreadable or cut short, " << packets
            << " packets, " << flows << " flows\n";
}

}  // namespace
}  // namespace flowfeat
