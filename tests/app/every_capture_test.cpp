// Replays every file under FLOWFEAT_PCAP_DIR, the malformed and corrupt ones included, through the
// whole offline path: nothing may crash, hang or trip a sanitizer, and every packet is accounted for.
#include <gtest/gtest.h>

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <algorithm>
#include <filesystem>
#include <iostream>

#include "flowfeat/capture/pcap_file_source.hpp"
#include "flowfeat/pipeline/offline_replay.hpp"
#include "test_data.hpp"

namespace flowfeat {
namespace {

namespace fs = std::filesystem;

TEST(EveryCapture, ReplaysWithoutCrashingAndAccountsForEveryPacket) {
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
  for (const fs::path& file : files) {
    PcapFileSource source({file});
    std::uint64_t packets_in_flows = 0;
    Config config;
    config.flows.dpi_enabled = false;  // nDPI's own code is not what this test is about; it halves the time
    const ReplaySummary summary =
        replay(config, source, [&](const FlowRecord& r) { packets_in_flows += r.bidirectional_packets; });
    EXPECT_EQ(summary.packets_read, summary.packets_decoded + summary.packets_ignored_total()) << file;
    EXPECT_EQ(summary.packets_decoded, packets_in_flows) << file;
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
