// A restart keeps every running statistic: captures replayed as one stream and as separate runs
// sharing the state file give the same records, column for column (the quantile flags and the _z
// columns included), on generated traffic and on real captures; and a paced replay stopped by
// SIGTERM, then given the rest, gives the records of one run; a cut or foreign state file is refused
// and kept.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "reference_flows.hpp"
#include "test_data.hpp"

extern char** environ;

namespace flowfeat {
namespace {

namespace fs = std::filesystem;

// Starts a program with its output discarded; returns its process id.
pid_t start(const std::string& program, const std::vector<std::string>& arguments) {
  std::vector<std::string> all{program};
  all.insert(all.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (std::string& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  const int error = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return error == 0 ? pid : -1;
}

// The exit status of a started program; -1 if it did not exit normally.
int exit_status(pid_t pid) {
  int status = 0;
  if (pid < 0 || ::waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int run(const std::string& program, const std::vector<std::string>& arguments) {
  return exit_status(start(program, arguments));
}

// flowfeatd without metrics (tests run side by side), two shards.
std::vector<std::string> daemon_arguments(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), {"--no-metrics", "--workers", "2", "--progress", "never"});
  return arguments;
}

int flowfeatd(const std::vector<std::string>& arguments) { return run(FLOWFEATD, daemon_arguments(arguments)); }

// The data rows of every finished record file of a folder, in file (= creation) order.
std::vector<std::string> rows_of(const fs::path& out) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(out)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("flows-", 0) == 0 && name.ends_with(".csv")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> rows;
  for (const fs::path& file : files) {
    std::ifstream in(file);
    std::string line;
    std::getline(in, line);  // the header
    while (std::getline(in, line)) rows.push_back(line);
  }
  return rows;
}

// How many records raise one of the quantile flags, read through the header of the first file.
std::size_t flagged_records(const fs::path& out) {
  std::size_t flagged = 0;
  for (const auto& entry : fs::directory_iterator(out)) {
    if (entry.path().filename().string().rfind("flows-", 0) != 0) continue;
    for (const testing::FlowRow& row : testing::read_csv_rows(entry.path().string())) {
      for (const char* flag : {"potential_broadcast_attack", "suspicious_port_protocol", "potential_scan",
                               "potential_ddos", "potential_exfiltration"}) {
        if (row.at(flag) == "1") {
          ++flagged;
          break;
        }
      }
    }
  }
  return flagged;
}

// The first row where two outputs part, for the failure message.
std::string first_difference(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    if (a[i] != b[i]) return "row " + std::to_string(i) + ":\n  " + a[i] + "\n  " + b[i];
  }
  return a.size() == b.size() ? "none" : std::to_string(a.size()) + " rows against " + std::to_string(b.size());
}

class StateRestart : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("flowfeat-restart-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A generated capture of `flows` conversations over `seconds`, starting at `start` (Unix seconds).
  fs::path generate(const std::string& name, int seed, int flows, int seconds, long start) {
    const fs::path capture = dir_ / (name + ".pcap");
    EXPECT_EQ(run(FLOWFEAT_GEN, {"--seed", std::to_string(seed), "--flows", std::to_string(flows), "--duration",
                                 std::to_string(seconds), "--start", std::to_string(start), "--out", capture.string(),
                                 "--truth", (dir_ / (name + ".csv")).string()}),
              0);
    return capture;
  }

  // The captures as one stream into one folder, and one by one into another that keeps its state
  // file between the runs; both outputs must be the same rows.
  void expect_separate_runs_equal_one_stream(const std::vector<fs::path>& captures,
                                             const std::vector<std::string>& options) {
    std::vector<std::string> one_stream = options;
    one_stream.insert(one_stream.end(), {"--output", (dir_ / "one").string(), "--read"});
    for (const fs::path& capture : captures) one_stream.push_back(capture.string());
    ASSERT_EQ(flowfeatd(one_stream), 0);
    for (const fs::path& capture : captures) {
      std::vector<std::string> one_run = options;
      one_run.insert(one_run.end(), {"--output", (dir_ / "shared").string(), "--read", capture.string()});
      ASSERT_EQ(flowfeatd(one_run), 0);
    }
    const std::vector<std::string> expected = rows_of(dir_ / "one");
    const std::vector<std::string> separate = rows_of(dir_ / "shared");
    ASSERT_GT(expected.size(), 1000u) << "enough records for the flags' warm-up";
    EXPECT_TRUE(separate == expected) << "first difference: " << first_difference(expected, separate);
    EXPECT_GT(flagged_records(dir_ / "one"), 0u) << "the captures should raise quantile flags";

    // Runs that do not share the state flag differently: the state is what makes them agree.
    std::vector<std::string> fresh;
    for (std::size_t i = 0; i < captures.size(); ++i) {
      const fs::path out = dir_ / ("fresh-" + std::to_string(i));
      std::vector<std::string> one_run = options;
      one_run.insert(one_run.end(), {"--output", out.string(), "--read", captures[i].string()});
      ASSERT_EQ(flowfeatd(one_run), 0);
      const std::vector<std::string> rows = rows_of(out);
      fresh.insert(fresh.end(), rows.begin(), rows.end());
    }
    EXPECT_FALSE(fresh == expected) << "runs without the state file gave the records of one stream";
  }

  fs::path dir_;
};

TEST_F(StateRestart, GeneratedCapturesInSeparateRunsEqualOneStream) {
  // Three days apart, as a sensor restarted between them would see them.
  std::vector<fs::path> captures;
  for (int i = 0; i < 3; ++i) captures.push_back(generate("day" + std::to_string(i), 40 + i, 700, 60, 1'700'000'000 + i * 3 * 86'400));
  expect_separate_runs_equal_one_stream(captures, {});
}

TEST_F(StateRestart, RealCapturesInSeparateRunsEqualOneStream) {
  const std::string root = testing::pcap_dir();
  // Captures of the reference set years apart, in time order, with three thousand flows between
  // them (a SYN scan among them).
  const std::vector<std::string> names = {"dnscrypt-v1-and-resolver-pings.pcap", "synscan.pcap", "skype.pcap",
                                          "skype_no_unknown.pcap", "alexa-app.pcapng"};
  std::vector<fs::path> captures;
  for (const std::string& name : names) captures.push_back(fs::path(root) / "nfstream/tests/pcaps" / name);
  if (root.empty() || !std::all_of(captures.begin(), captures.end(), [](const fs::path& p) { return fs::exists(p); })) {
    if (const char* require = std::getenv("FLOWFEAT_REQUIRE_SHARED"); require != nullptr && std::string(require) == "1") {
      FAIL() << "the shared captures are needed (FLOWFEAT_REQUIRE_SHARED=1) under FLOWFEAT_PCAP_DIR '" << root << "'";
    }
    GTEST_SKIP() << "FLOWFEAT_PCAP_DIR not set or without the nfstream captures";
  }
  expect_separate_runs_equal_one_stream(captures, {});
}

// A paced replay of two captures with a quiet gap between them, stopped by SIGTERM in the gap, then
// the second capture in a run of its own: the records of one run of both, every one. A stop in the
// gap is where no flow spans it: every flow of the first capture has ended (idle timeout 2 s) and
// left the fan window (start + 5 s) before it. A stop in the middle of traffic would cut the flows
// open at that moment in two (the first part written at the stop, the rest a new flow), change the
// fan counts of the flows starting within 5 s of it, and through these records the running
// statistics and quantiles from then on: the records after the restart would then differ by that.
TEST_F(StateRestart, AStoppedPacedReplayThenTheRestEqualsOneRun) {
  const long begin = 1'700'000'000;
  const fs::path first = generate("first", 51, 1200, 3, begin);
  const fs::path second = generate("second", 52, 1200, 3, begin + 80);
  const std::vector<std::string> options = {"--idle-timeout", "2"};

  std::vector<std::string> whole = options;
  whole.insert(whole.end(), {"--output", (dir_ / "one").string(), "--read", first.string(), second.string()});
  ASSERT_EQ(flowfeatd(whole), 0);

  // At 4 times the pace the first capture's records are all out 2.5 s after the replay starts (its
  // 3 s, the idle timeout, the fan window), and the gap (77 s of capture time) lasts until 20 s:
  // stopped 8 s after the start, which leaves a slow start (sanitizers) several seconds.
  std::vector<std::string> paced = options;
  paced.insert(paced.end(), {"--replay-speed", "4", "--output", (dir_ / "restarted").string(), "--read",
                             first.string(), second.string()});
  const pid_t daemon = start(FLOWFEATD, daemon_arguments(paced));
  ASSERT_GT(daemon, 0);
  std::this_thread::sleep_for(std::chrono::seconds(8));
  ASSERT_EQ(::kill(daemon, SIGTERM), 0);
  ASSERT_EQ(exit_status(daemon), 0);
  const std::size_t before_stop = rows_of(dir_ / "restarted").size();

  std::vector<std::string> rest = options;
  rest.insert(rest.end(), {"--output", (dir_ / "restarted").string(), "--read", second.string()});
  ASSERT_EQ(flowfeatd(rest), 0);

  const std::vector<std::string> expected = rows_of(dir_ / "one");
  const std::vector<std::string> restarted = rows_of(dir_ / "restarted");
  EXPECT_GT(before_stop, 1000u) << "the stop came before the first capture's records were out";
  EXPECT_LT(before_stop, expected.size()) << "the stop came after the second capture had started";
  EXPECT_TRUE(restarted == expected) << "first difference: " << first_difference(expected, restarted);
  EXPECT_GT(flagged_records(dir_ / "one"), 0u) << "the captures should raise quantile flags";
}

// A state file cut short or of something else is refused (exit status 2, nothing written) and left
// as it was, so the next start, with the file repaired, still has the statistics.
TEST_F(StateRestart, ACutOrForeignStateFileIsRefusedAndKept) {
  const fs::path capture = generate("small", 61, 100, 5, 1'700'000'000);
  ASSERT_EQ(flowfeatd({"--output", (dir_ / "first").string(), "--read", capture.string()}), 0);
  std::ifstream saved_in(dir_ / "first" / "standardizer.state");
  const std::string saved((std::istreambuf_iterator<char>(saved_in)), std::istreambuf_iterator<char>());
  ASSERT_NE(saved.find("\nquantile bidirectional_packets "), std::string::npos);

  std::ifstream capture_in(capture, std::ios::binary);
  const std::string foreign((std::istreambuf_iterator<char>(capture_in)), std::istreambuf_iterator<char>());
  for (const std::string& bad : {saved.substr(0, saved.size() - 5), saved.substr(0, saved.size() / 2), foreign}) {
    const fs::path state = dir_ / "bad.state";
    std::ofstream(state, std::ios::binary) << bad;
    const fs::path out = dir_ / "refused";
    EXPECT_EQ(flowfeatd({"--state-file", state.string(), "--output", out.string(), "--read", capture.string()}), 2);
    EXPECT_FALSE(fs::exists(out) && !rows_of(out).empty()) << "records were written";
    std::ifstream kept_in(state, std::ios::binary);
    EXPECT_TRUE(std::string((std::istreambuf_iterator<char>(kept_in)), std::istreambuf_iterator<char>()) == bad)
        << "the refused file was changed";
  }
}

}  // namespace
}  // namespace flowfeat
