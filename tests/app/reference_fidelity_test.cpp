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

#include "flowfeat/pipeline/offline_replay.hpp"
#include "flowfeat/capture/pcap_file_source.hpp"
#include "flowfeat/decode/decoder.hpp"
#include "reference_flows.hpp"
#include "test_data.hpp"

namespace flowfeat {
namespace {

namespace fs = std::filesystem;
using testing::FlowRow;

struct ExpectedDifference {
  std::uint8_t quirks;  // the reference bugs that explain it: with them on, the capture must match
  const char* reason;
};

// Captures on which flowfeat deliberately differs from the reference, because it does not copy
// the reference bugs named (docs/FIDELITY.md).
const std::map<std::string, ExpectedDifference>& expected_differences() {
  static const std::map<std::string, ExpectedDifference> kExpected = {
      {"nfstream/tests/pcaps/ajp.pcap",
       {kQuirkLinkTypeGatesIpv4, "the reference applies the IPv4 fragment filter and tunnel decoding only when the link layer said 0x0800, so it counts non-first fragments inside other encapsulations as flows"}},
      {"nfstream/tests/pcaps/capwap.pcap",
       {kQuirkLinkTypeGatesIpv4, "the reference applies the IPv4 fragment filter and tunnel decoding only when the link layer said 0x0800, so it counts non-first fragments inside other encapsulations as flows"}},
      {"nfstream/tests/pcaps/fuzz-2021-06-07-c6c72a0a56.pcap",
       {kQuirkSixteenBitSizes, "frames above 65535 bytes: the reference stores sizes in 16 bits and wraps"}},
      {"suricata-verify/tests/decode-sll2-02/input.pcap",
       {kQuirkNoLinuxSll2, "Linux cooked capture v2, which the reference ignores"}},
      {"tcpdump/tests/ISIS_p2p_adjacency.pcap",
       {kQuirkLinkTypeGatesIpv4, "the reference applies the IPv4 fragment filter and tunnel decoding only when the link layer said 0x0800, so it counts non-first fragments inside other encapsulations as flows"}},
      {"tcpdump/tests/arp-oobr.pcap",
       {kQuirkLinkTypeGatesIpv4, "the reference applies the IPv4 fragment filter and tunnel decoding only when the link layer said 0x0800, so it counts non-first fragments inside other encapsulations as flows"}},
      {"tcpdump/tests/babel_update_oobr.pcap",
       {kQuirkSixteenBitSizes, "frames above 65535 bytes: the reference stores sizes in 16 bits and wraps"}},
      {"tcpdump/tests/bgp_vpn_rt-oobr.pcap",
       {kQuirkSixteenBitSizes, "frames above 65535 bytes: the reference stores sizes in 16 bits and wraps"}},
      {"tcpdump/tests/isakmp-rfc3948-oobr.pcap",
       {kQuirkSixteenBitSizes, "frames above 65535 bytes: the reference stores sizes in 16 bits and wraps"}},
      {"tcpdump/tests/l2tp-avp-overflow.pcap",
       {kQuirkSixteenBitSizes, "frames above 65535 bytes: the reference stores sizes in 16 bits and wraps"}},
      {"tcpdump/tests/nfs-attr-oobr.pcap",
       {kQuirkSixteenBitSizes, "frames above 65535 bytes: the reference stores sizes in 16 bits and wraps"}},
      {"tcpdump/tests/pim-packet-assortment.pcap",
       {kQuirkSixteenBitSizes, "frames above 65535 bytes: the reference stores sizes in 16 bits and wraps"}},
  };
  return kExpected;
}

const std::pair<ReferenceQuirk, const char*> kQuirkNames[] = {
    {kQuirkSixteenBitSizes, "kQuirkSixteenBitSizes"},
    {kQuirkLlcSnapHostOrder, "kQuirkLlcSnapHostOrder"},
    {kQuirkLinkTypeGatesIpv4, "kQuirkLinkTypeGatesIpv4"},
    {kQuirkNoLinuxSll2, "kQuirkNoLinuxSll2"},
    {kQuirkNo8021ad, "kQuirkNo8021ad"},
};

struct Corpus {
  fs::path pcaps;
  fs::path references;
  std::vector<std::string> captures;  // relative paths with a reference CSV
};

const Corpus* corpus() {
  static const Corpus* instance = [] () -> const Corpus* {
    const std::string pcaps = testing::pcap_dir();
    const std::string references = testing::reference_dir();
    if (pcaps.empty() || references.empty() || !fs::is_directory(pcaps) || !fs::is_directory(references)) {
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

std::vector<FlowRow> replay_capture(const fs::path& capture, std::uint8_t reference_quirks) {
  const Config config;  // the notebook's settings: idle 60 s, active 120 s, DPI on
  DecoderOptions options = decoder_options(config.flows);
  options.reference_quirks = reference_quirks;
  PcapFileSource source({capture});
  std::vector<FlowRow> rows;
  replay(config, options, source, [&](const FlowRecord& r) { rows.push_back(testing::to_row(r)); });
  return rows;
}

// Names the single quirk that would explain a difference, to help whoever reads a failure.
std::string explaining_quirk(const std::vector<FlowRow>& reference, const fs::path& capture) {
  for (const auto& [quirk, name] : kQuirkNames) {
    if (testing::compare_flows(reference, replay_capture(capture, quirk)).identical()) {
      return std::string("\n  (matches with ") + name + " alone)";
    }
  }
  return "\n  (no single reference quirk explains it)";
}

// Counts (ours -> reference) application_name pairs of the flows that match but disagree.
using NamePairs = std::map<std::pair<std::string, std::string>, std::size_t>;

void count_name_disagreements(const std::vector<FlowRow>& reference, const std::vector<FlowRow>& ours,
                              NamePairs& pairs) {
  std::multimap<std::string, const FlowRow*> by_key;
  for (const FlowRow& row : ours) by_key.emplace(testing::match_key(row), &row);
  for (const FlowRow& expected : reference) {
    auto it = by_key.find(testing::match_key(expected));
    if (it == by_key.end()) continue;
    const std::string& theirs = expected.at("application_name");
    const std::string& mine = it->second->at("application_name");
    if (theirs != mine) ++pairs[{mine, theirs}];
    by_key.erase(it);
  }
}

std::string top_pairs(const NamePairs& pairs, std::size_t n = 20) {
  std::vector<std::pair<std::size_t, std::pair<std::string, std::string>>> sorted;
  for (const auto& [names, count] : pairs) sorted.push_back({count, names});
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::string text;
  for (std::size_t i = 0; i < sorted.size() && i < n; ++i) {
    const auto& [ours, theirs] = sorted[i].second;
    text += "\n    " + std::to_string(sorted[i].first) + "  " + ours + " -> " + theirs;
  }
  return text;
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
  NamePairs name_pairs;
  std::set<std::string> still_differing;
  for (const std::string& relative : c->captures) {
    const std::vector<FlowRow> reference = testing::read_csv_rows((c->references / (relative + ".csv")).string());

    const fs::path capture = c->pcaps / relative;
    const auto with_quirks = testing::compare_flows(reference, replay_capture(capture, kAllReferenceQuirks));
    EXPECT_TRUE(with_quirks.identical()) << relative << " (reference quirks on):" << first_differences(with_quirks);

    const std::vector<FlowRow> ours = replay_capture(capture, 0);
    const auto normal = testing::compare_flows(reference, ours);
    count_name_disagreements(reference, ours, name_pairs);
    const auto expected = expected_differences().find(relative);
    if (expected == expected_differences().end()) {
      EXPECT_TRUE(normal.identical()) << relative << ":" << first_differences(normal)
                                      << (normal.identical() ? "" : explaining_quirk(reference, capture));
    } else {
      if (!normal.identical()) still_differing.insert(relative);
      const auto explained = testing::compare_flows(reference, replay_capture(capture, expected->second.quirks));
      EXPECT_TRUE(explained.identical()) << relative << " differs for another reason than " << expected->second.reason
                                         << ":" << first_differences(explained);
    }
    flows += reference.size();
    matched += normal.matched;
    agreements += normal.application_agreements;
  }
  for (const auto& [relative, reason] : expected_differences()) {
    EXPECT_TRUE(still_differing.count(relative)) << relative << " is listed as an expected difference ("
                                                 << reason.reason << ") but matches the reference: remove it";
  }
  const double agreement = matched ? 100.0 * static_cast<double>(agreements) / static_cast<double>(matched) : 0.0;
  std::cout << "[ fidelity ] " << c->captures.size() << " captures, " << flows << " reference flows; "
            << "application_name agrees on " << agreements << " of " << matched << " matched flows ("
            << agreement << " %); most frequent disagreements (ours -> reference):" << top_pairs(name_pairs) << "\n";
  // Names follow the reference's nDPI (ReferenceApplicationNames); what is left differs in detection.
  EXPECT_GT(agreement, 93.5) << "application_name agreement fell";
}

}  // namespace
}  // namespace flowfeat
