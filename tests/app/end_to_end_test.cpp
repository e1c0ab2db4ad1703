// Runs the real binaries: flowfeat-gen writes a capture with its ground truth, flowfeatd replays it.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "reference_flows.hpp"

namespace flowfeat {
namespace {

namespace fs = std::filesystem;

int run(const std::string& command) {
  const int status = std::system((command + " >/dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class EndToEnd : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("flowfeat-e2e-" + std::to_string(::getpid())));
    fs::create_directories(*dir_);
    ASSERT_EQ(run(std::string(FLOWFEAT_GEN) + " --seed 7 --duration 200 --flows 1500 --out " + (*dir_ / "traffic.pcap").string() +
                  " --truth " + (*dir_ / "truth.csv").string()),
              0);
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
  }
  static fs::path dir() { return *dir_; }
  static int flowfeatd(const std::string& arguments) { return run(std::string(FLOWFEATD) + " " + arguments); }

 private:
  static fs::path* dir_;
};
fs::path* EndToEnd::dir_ = nullptr;

TEST_F(EndToEnd, EveryGeneratedConversationBecomesAFlow) {
  const fs::path out = dir() / "records";
  ASSERT_EQ(flowfeatd("--read " + (dir() / "traffic.pcap").string() + " --output " + out.string()), 0);
  const auto truth = testing::read_csv_rows((dir() / "truth.csv").string());
  const auto flows = testing::read_csv_rows((out / "flows.csv").string());
  ASSERT_FALSE(truth.empty());

  std::multiset<std::string> flow_tuples;
  for (const auto& f : flows) {
    flow_tuples.insert(f.at("src_ip") + " " + f.at("src_port") + " " + f.at("dst_ip") + " " + f.at("dst_port"));
  }
  std::size_t found = 0;
  for (const auto& t : truth) {
    const std::string forward = t.at("srcip") + " " + t.at("sport") + " " + t.at("dstip") + " " + t.at("dsport");
    const std::string backward = t.at("dstip") + " " + t.at("dsport") + " " + t.at("srcip") + " " + t.at("sport");
    if (flow_tuples.count(forward) || flow_tuples.count(backward)) ++found;
  }
  EXPECT_EQ(found, truth.size()) << "conversations without a flow record";
  // Long sessions are cut by the idle and active timeouts, so there are at least as many flows.
  EXPECT_GE(flows.size(), truth.size());
}

TEST_F(EndToEnd, ReplayIsDeterministic) {
  const fs::path first = dir() / "first";
  const fs::path second = dir() / "second";
  ASSERT_EQ(flowfeatd("--read " + (dir() / "traffic.pcap").string() + " --output " + first.string()), 0);
  ASSERT_EQ(flowfeatd("--read " + (dir() / "traffic.pcap").string() + " --output " + second.string()), 0);
  const std::string a = read_file(first / "flows.csv");
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a, read_file(second / "flows.csv"));
}

TEST_F(EndToEnd, SeveralFilesFormOneStream) {
  // The same capture given twice: the second copy's packets are older than the newest seen, so
  // they are clamped to it and join the flows still open rather than starting new ones at once.
  const fs::path once = dir() / "once";
  const fs::path twice = dir() / "twice";
  const std::string capture = (dir() / "traffic.pcap").string();
  ASSERT_EQ(flowfeatd("--read " + capture + " --output " + once.string()), 0);
  ASSERT_EQ(flowfeatd("--read " + capture + " " + capture + " --output " + twice.string()), 0);
  const auto one = testing::read_csv_rows((once / "flows.csv").string());
  const auto two = testing::read_csv_rows((twice / "flows.csv").string());
  std::uint64_t packets_one = 0, packets_two = 0;
  for (const auto& f : one) packets_one += std::stoull(f.at("bidirectional_packets"));
  for (const auto& f : two) packets_two += std::stoull(f.at("bidirectional_packets"));
  EXPECT_EQ(packets_two, 2 * packets_one);
}

TEST_F(EndToEnd, BadConfigurationExitsTwoAndWritesNothing) {
  const fs::path config = dir() / "bad.yaml";
  std::ofstream(config) << "flows:\n  idle_timeout: -3\n  no_such_key: 1\n";
  const fs::path out = dir() / "bad-config-out";
  EXPECT_EQ(flowfeatd("--config " + config.string() + " --read " + (dir() / "traffic.pcap").string() +
                      " --output " + out.string()),
            2);
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(EndToEnd, UnreadableInputIsReportedAndTheRestIsStillProcessed) {
  const fs::path not_a_capture = dir() / "notes.pcap";
  std::ofstream(not_a_capture) << "this is not a capture\n";
  const fs::path truncated = dir() / "truncated.pcap";
  fs::copy_file(dir() / "traffic.pcap", truncated, fs::copy_options::overwrite_existing);
  fs::resize_file(truncated, fs::file_size(truncated) / 2 + 7);  // cut mid-packet
  const fs::path out = dir() / "partial";
  EXPECT_EQ(flowfeatd("--read " + not_a_capture.string() + " " + truncated.string() + " --output " + out.string()), 1);
  const auto flows = testing::read_csv_rows((out / "flows.csv").string());
  EXPECT_GT(flows.size(), 100u);
}

TEST_F(EndToEnd, UnwritableOutputFailsClearly) {
  const fs::path blocker = dir() / "a-file";
  std::ofstream(blocker) << "x";
  EXPECT_EQ(flowfeatd("--read " + (dir() / "traffic.pcap").string() + " --output " + (blocker / "sub").string()), 3);
}

}  // namespace
}  // namespace flowfeat
