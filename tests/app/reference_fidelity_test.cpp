// Replays every real capture that has a reference output and compares flow by flow.
// Needs FLOWFEAT_PCAP_DIR (the captures) and FLOWFEAT_REFERENCE_DIR (reference CSVs mirroring its
// tree); skipped when either is unset. See docs/FIDELITY.md.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "flowfeat/app/offline_replay.hpp"
#include "flowfeat/capture/pcap_file_source.hpp"
#include "reference_flows.hpp"

namespace flowfeat {
namespace {

namespace fs = std::filesystem;
using testing::FlowRow;

// Captures on which flowfeat deliberately differs from the reference, with the reason. With
// flows.reference_quirks on, flowfeat reproduces these bugs and must match exactly.
const std::map<std::string, std::string>& expected_differences() {
  static const std::map<std::string, std::string> kExpected = {
  };
  return kExpected;
}

struct Corpus {
  fs::path pcaps;
  fs::path references;
  std::vector<std::string> captures;  // relative paths with a reference CSV
};

const Corpus* corpus() {
  static const Corpus* instance = [] () -> const Corpus* {
    const char* pcaps = std::getenv("FLOWFEAT_PCAP_DIR");
    const char* references = std::getenv("FLOWFEAT_REFERENCE_DIR");
    if (pcaps == nullptr || references == nullptr || !*pcaps || !*references || !fs::is_directory(pcaps) ||
        !fs::is_directory(references)) {
      return nullptr;
    }
    auto* c = new Corpus{pcaps, references, {}};
    for (const auto& entry : fs::recursive_directory_iterator(c->references)) {
      if (!entry.is_regular_file() || entry.path().extension() != ".csv") continue;
      fs::path relative = fs::relative(entry.path(), c->references);
      relative.replace_extension();  // "x.pcap.csv" -> "x.pcap"
      if (fs::exists(c->pcaps / relative)) c->captures.push_back(relative.string());
    }
    std::sort(c->captures.begin(), c->captures.end());
    return c;
  }();
  return instance;
}

std::vector<FlowRow> replay_capture(const fs::path& capture, bool reference_quirks) {
  Config config;  // the notebook's settings: idle 60 s, active 120 s, DPI on
  config.flows.reference_quirks = reference_quirks;
  PcapFileSource source({capture});
  std::vector<FlowRow> rows;
  replay(config, source, [&](const FlowRecord& r) { rows.push_back(testing::to_row(r)); });
  return rows;
}

std::string first_differences(const testing::FlowComparison& c, std::size_t n = 5) {
  std::string text;
  for (std::size_t i = 0; i < c.differences.size() && i < n; ++i) text += "\n    " + c.differences[i];
  if (c.differences.size() > n) text += "\n    ... " + std::to_string(c.differences.size() - n) + " more";
  return text;
}

TEST(ReferenceFidelity, EveryCaptureMatchesTheReference) {
  const Corpus* c = corpus();
  if (c == nullptr) GTEST_SKIP() << "FLOWFEAT_PCAP_DIR / FLOWFEAT_REFERENCE_DIR not set: real-capture comparison skipped";
  ASSERT_FALSE(c->captures.empty()) << "no capture has a reference output";

  std::size_t flows = 0, agreements = 0, matched = 0;
  std::set<std::string> still_differing;
  for (const std::string& relative : c->captures) {
    const std::vector<FlowRow> reference = testing::read_csv_rows((c->references / (relative + ".csv")).string());

    const auto with_quirks = testing::compare_flows(reference, replay_capture(c->pcaps / relative, true));
    EXPECT_TRUE(with_quirks.identical()) << relative << " (reference quirks on):" << first_differences(with_quirks);

    const auto normal = testing::compare_flows(reference, replay_capture(c->pcaps / relative, false));
    const auto expected = expected_differences().find(relative);
    if (expected == expected_differences().end()) {
      EXPECT_TRUE(normal.identical()) << relative << ":" << first_differences(normal);
    } else if (!normal.identical()) {
      still_differing.insert(relative);
    }
    flows += reference.size();
    matched += normal.matched;
    agreements += normal.application_agreements;
  }
  for (const auto& [relative, reason] : expected_differences()) {
    EXPECT_TRUE(still_differing.count(relative)) << relative << " is listed as an expected difference (" << reason
                                                 << ") but matches the reference: remove it from the list";
  }
  std::cout << "[ fidelity ] " << c->captures.size() << " captures, " << flows << " reference flows; "
            << "application_name agrees on " << agreements << " of " << matched << " matched flows ("
            << (matched ? 100.0 * static_cast<double>(agreements) / static_cast<double>(matched) : 0.0) << " %)\n";
}

}  // namespace
}  // namespace flowfeat
