// Runs the real binaries: flowfeat-gen writes a capture with its ground truth, flowfeatd replays it.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>
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

// Standard output of a command (its exit status is not checked here).
std::string output_of(const std::string& command) {
  std::string text;
  if (FILE* pipe = ::popen((command + " 2>/dev/null").c_str(), "r")) {
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) text.append(buffer, n);
    ::pclose(pipe);
  }
  return text;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The finished record files of an output folder, oldest first.
std::vector<fs::path> record_files(const fs::path& out, const std::string& extension = ".csv") {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(out)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("flows-", 0) == 0 && name.size() > extension.size() &&
        name.compare(name.size() - extension.size(), extension.size(), extension) == 0) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Every record of an output folder, in output order.
std::vector<testing::FlowRow> read_records(const fs::path& out) {
  std::vector<testing::FlowRow> rows;
  for (const fs::path& file : record_files(out)) {
    auto more = testing::read_csv_rows(file.string());
    rows.insert(rows.end(), more.begin(), more.end());
  }
  return rows;
}

std::string read_output(const fs::path& out) {
  std::string text;
  for (const fs::path& file : record_files(out)) text += read_file(file);
  return text;
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
  // Tests run side by side: none serves metrics on the fixed port.
  static int flowfeatd(const std::string& arguments) {
    return run(std::string(FLOWFEATD) + " --no-metrics " + arguments);
  }

 private:
  static fs::path* dir_;
};
fs::path* EndToEnd::dir_ = nullptr;

TEST_F(EndToEnd, EveryGeneratedConversationBecomesAFlow) {
  const fs::path out = dir() / "records";
  ASSERT_EQ(flowfeatd("--read " + (dir() / "traffic.pcap").string() + " --output " + out.string()), 0);
  const auto truth = testing::read_csv_rows((dir() / "truth.csv").string());
  const auto flows = read_records(out);
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
  const std::string a = read_output(first);
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a, read_output(second));
}

TEST_F(EndToEnd, SeveralFilesFormOneStream) {
  // The same capture given twice: the second copy's packets are older than the newest seen, so
  // they are clamped to it and join the flows still open rather than starting new ones at once.
  const fs::path once = dir() / "once";
  const fs::path twice = dir() / "twice";
  const std::string capture = (dir() / "traffic.pcap").string();
  ASSERT_EQ(flowfeatd("--read " + capture + " --output " + once.string()), 0);
  ASSERT_EQ(flowfeatd("--read " + capture + " " + capture + " --output " + twice.string()), 0);
  const auto one = read_records(once);
  const auto two = read_records(twice);
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
  const auto flows = read_records(out);
  EXPECT_GT(flows.size(), 100u);
}

TEST_F(EndToEnd, UnwritableOutputFailsClearly) {
  const fs::path blocker = dir() / "a-file";
  std::ofstream(blocker) << "x";
  EXPECT_EQ(flowfeatd("--read " + (dir() / "traffic.pcap").string() + " --output " + (blocker / "sub").string()), 2);
}

TEST_F(EndToEnd, SourceProblemsAreConfigurationErrors) {
  const std::string capture = (dir() / "traffic.pcap").string();
  const fs::path out = dir() / "source-problems";
  const fs::path both = dir() / "both.yaml";
  std::ofstream(both) << "input:\n  files: [" << capture << "]\ncapture:\n  interfaces: [eth0]\n";
  EXPECT_EQ(flowfeatd("--config " + both.string() + " --output " + out.string()), 2);
  EXPECT_EQ(flowfeatd("--check-config " + both.string()), 2);
  // The command line picks the source: --read replaces the configured interfaces.
  EXPECT_EQ(flowfeatd("--check-config " + both.string() + " --read " + capture), 0);
  EXPECT_EQ(flowfeatd("--interface lo --replay-speed 2 --output " + out.string()), 2);
  EXPECT_EQ(flowfeatd("--interface lo --filter 'tcp and' --output " + out.string()), 2);
  EXPECT_EQ(flowfeatd("--output " + out.string()), 2);  // no input at all
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(EndToEnd, MetricsSecurityProblemsAreConfigurationErrors) {
  const std::string capture = (dir() / "traffic.pcap").string();
  const fs::path missing = dir() / "metrics-tls.yaml";
  std::ofstream(missing) << "metrics:\n  listen: 127.0.0.1:0\n  tls:\n    cert_file: " << (dir() / "missing.crt").string()
                         << "\n    key_file: " << (dir() / "missing.key").string() << "\n";
  const std::string check = std::string(FLOWFEATD) + " --check-config " + missing.string() + " --read " + capture;
  EXPECT_EQ(run(check), 2);
  const std::string said = output_of("{ " + check + " 2>&1; }");
  EXPECT_NE(said.find("missing.crt\" cannot be read"), std::string::npos) << said;
  EXPECT_EQ(run(std::string(FLOWFEATD) + " --config " + missing.string() + " --read " + capture + " --output " +
                (dir() / "metrics-tls-out").string()),
            2);
  // The exporter web configuration file and the settings it replaces, both given.
  const fs::path web = dir() / "web-config.yml";
  std::ofstream(web) << "basic_auth_users:\n  prometheus: $6$salt$hash\n";
  const fs::path both = dir() / "metrics-both.yaml";
  std::ofstream(both) << "metrics:\n  listen: 127.0.0.1:0\n  web_config_file: " << web.string()
                      << "\n  basic_auth:\n    other: $6$salt$hash\n";
  EXPECT_EQ(run(std::string(FLOWFEATD) + " --check-config " + both.string() + " --read " + capture), 2);
  // A hash of no known kind.
  const fs::path plain = dir() / "metrics-plain-password.yaml";
  std::ofstream(plain) << "metrics:\n  listen: 127.0.0.1:0\n  basic_auth:\n    prometheus: secret\n";
  EXPECT_EQ(run(std::string(FLOWFEATD) + " --check-config " + plain.string() + " --read " + capture), 2);
  // Disabled, the endpoint's settings are not looked at.
  EXPECT_EQ(run(std::string(FLOWFEATD) + " --no-metrics --check-config " + missing.string() + " --read " + capture), 0);
}

TEST_F(EndToEnd, AnInterfaceThatCannotBeOpenedFailsTheRun) {
  const fs::path out = dir() / "no-interface";
  EXPECT_EQ(flowfeatd("--interface nosuch0 --output " + out.string()), 3);
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(EndToEnd, PacedReplayKeepsTheRecordsAndTakesTheCapturesTime) {
  const fs::path generated = dir() / "short.pcap";
  ASSERT_EQ(run(std::string(FLOWFEAT_GEN) + " --seed 3 --duration 4 --flows 200 --out " + generated.string() +
                " --truth " + (dir() / "short-truth.csv").string()),
            0);
  const fs::path fast = dir() / "paced-fast";
  const fs::path paced = dir() / "paced-4x";
  ASSERT_EQ(flowfeatd("--read " + generated.string() + " --output " + fast.string()), 0);
  const auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(flowfeatd("--read " + generated.string() + " --replay-speed 4 --output " + paced.string()), 0);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_GE(seconds, 0.95) << "4 s of traffic at 4 times its pace took less than a second";
  // Timeouts are far longer than the capture, so pacing changes no flow's packets.
  const auto fast_rows = read_records(fast);
  const auto paced_rows = read_records(paced);
  ASSERT_EQ(fast_rows.size(), paced_rows.size());
  for (std::size_t i = 0; i < fast_rows.size(); ++i) {
    for (const char* column : {"src_ip", "dst_ip", "src_port", "dst_port", "protocol", "bidirectional_packets",
                               "bidirectional_bytes", "bidirectional_first_seen_ms", "application_name"}) {
      EXPECT_EQ(fast_rows[i].at(column), paced_rows[i].at(column)) << "record " << i << " " << column;
    }
  }
}

TEST_F(EndToEnd, WorkerCountDoesNotChangeTheOutput) {
  std::vector<std::string> outputs;
  for (const char* workers : {"1", "2", "4"}) {
    const fs::path out = dir() / (std::string("workers-") + workers);
    ASSERT_EQ(flowfeatd("--workers " + std::string(workers) + " --read " + (dir() / "traffic.pcap").string() +
                        " --output " + out.string()),
              0);
    outputs.push_back(read_output(out));
  }
  ASSERT_FALSE(outputs[0].empty());
  EXPECT_TRUE(outputs[0] == outputs[1]) << "1 and 2 workers differ";
  EXPECT_TRUE(outputs[0] == outputs[2]) << "1 and 4 workers differ";
}

TEST_F(EndToEnd, LabelsComeFromTheGroundTruth) {
  const fs::path out = dir() / "labelled";
  ASSERT_EQ(flowfeatd("--labels " + (dir() / "truth.csv").string() + " --read " + (dir() / "traffic.pcap").string() +
                      " --output " + out.string()),
            0);
  std::set<std::string> attacks;
  for (const auto& t : testing::read_csv_rows((dir() / "truth.csv").string())) {
    if (t.at("Label") == "1") attacks.insert(t.at("srcip") + " " + t.at("sport") + " " + t.at("dstip") + " " + t.at("dsport"));
  }
  ASSERT_FALSE(attacks.empty());
  std::size_t labelled = 0;
  for (const auto& f : read_records(out)) {
    const std::string forward = f.at("src_ip") + " " + f.at("src_port") + " " + f.at("dst_ip") + " " + f.at("dst_port");
    const std::string backward = f.at("dst_ip") + " " + f.at("dst_port") + " " + f.at("src_ip") + " " + f.at("src_port");
    const bool attack = attacks.count(forward) + attacks.count(backward) > 0;
    EXPECT_EQ(f.at("label"), attack ? "1" : "0") << forward;
    EXPECT_EQ(f.at("attack_cat").empty(), !attack) << forward;
    labelled += attack;
  }
  EXPECT_GT(labelled, 0u);
}

// A ground truth whose times are read in the wrong zone matches no flow; the summary and the log
// say that the flows' 5-tuples are in the file, give both time spans and point at labels.time_zone.
TEST_F(EndToEnd, GroundTruthReadInTheWrongZoneIsExplained) {
  // The capture runs from 22:13:20 UTC for 200 s; the rows give 22:00 to 23:00, read as UTC+3.
  std::string truth = "srcip,sport,dstip,dsport,proto,start,end,attack_cat,Label\n";
  for (const auto& t : testing::read_csv_rows((dir() / "truth.csv").string())) {
    truth += t.at("srcip") + "," + t.at("sport") + "," + t.at("dstip") + "," + t.at("dsport") + "," + t.at("proto") +
             ",2023-11-14 22:00:00,2023-11-14 23:00:00," + t.at("attack_cat") + "," + t.at("Label") + "\n";
  }
  std::ofstream(dir() / "zoned-truth.csv") << truth;
  std::ofstream(dir() / "zoned.yaml") << "labels:\n  file: " << (dir() / "zoned-truth.csv").string()
                                      << "\n  columns:\n    start_time: start\n    end_time: end\n"
                                         "  time_format: \"%Y-%m-%d %H:%M:%S\"\n  time_zone: \"UTC+03:00\"\n";
  const fs::path out = dir() / "zoned";
  const std::string command = std::string(FLOWFEATD) + " --no-metrics --progress never --config " +
                              (dir() / "zoned.yaml").string() + " --read " + (dir() / "traffic.pcap").string() +
                              " --output " + out.string();
  const fs::path log_file = dir() / "zoned.log";
  const std::string summary = output_of("(" + command + " 2>" + log_file.string() + ")");
  const std::string log = read_file(log_file);
  const std::string expected_fix = "likely fix: labels.time_zone: the file's rows begin 3 h 13 min earlier than the "
                                   "capture's flows";
  for (const std::string& text : {summary, log}) {
    EXPECT_NE(text.find(" flows matched a row of the ground truth by 5-tuple and time, while "), std::string::npos) << text;
    EXPECT_NE(text.find("the file's rows span 2023-11-14 19:00:00 UTC to 2023-11-14 20:00:00 UTC, the capture's flows "
                        "2023-11-14 22:13:"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find(expected_fix), std::string::npos) << text;
  }
  EXPECT_NE(summary.find("  labels: 0 flows matched a row of the ground truth"), std::string::npos) << summary;
  EXPECT_NE(log.find("warning labels.file: 0 of "), std::string::npos) << log;
}

TEST_F(EndToEnd, JsonLinesHoldTheSameRecords) {
  const fs::path csv = dir() / "as-csv";
  const fs::path jsonl = dir() / "as-jsonl";
  const std::string capture = (dir() / "traffic.pcap").string();
  ASSERT_EQ(flowfeatd("--read " + capture + " --output " + csv.string()), 0);
  ASSERT_EQ(flowfeatd("--format jsonl --read " + capture + " --output " + jsonl.string()), 0);
  const auto files = record_files(jsonl, ".jsonl");
  ASSERT_FALSE(files.empty());
  std::size_t lines = 0;
  for (const fs::path& file : files) {
    std::ifstream in(file);
    for (std::string line; std::getline(in, line); ++lines) {
      ASSERT_EQ(line.rfind("{\"src_ip\":\"", 0), 0u) << line;
      ASSERT_EQ(line.back(), '}');
    }
  }
  EXPECT_EQ(lines, read_records(csv).size());
}

TEST_F(EndToEnd, PrintSchemaFollowsTheConfiguration) {
  const std::string plain = "\n" + output_of(std::string(FLOWFEATD) + " --print-schema");
  for (const char* column : {"src_ip ", "fan_out_src ", "src_ip_class_Class D (multicast) ", "protocol_other ",
                             "potential_exfiltration ", "bidirectional_packets_z "}) {
    EXPECT_NE(plain.find(std::string("\n") + column), std::string::npos) << column;
  }
  EXPECT_EQ(plain.find("\nlabel "), std::string::npos);
  const std::string labelled = "\n" + output_of(std::string(FLOWFEATD) + " --print-schema --labels " + (dir() / "truth.csv").string());
  EXPECT_NE(labelled.find("\nlabel "), std::string::npos);
  EXPECT_NE(labelled.find("\nattack_cat "), std::string::npos);
}

}  // namespace
}  // namespace flowfeat
