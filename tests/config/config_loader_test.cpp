#include "flowfeat/config/config_loader.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace flowfeat {
namespace {

// The problems of the ConfigError thrown for yaml, as "key: message" lines; fails the test when
// the text loads.
std::vector<std::string> problems_of(const std::string& yaml) {
  try {
    load_config_text(yaml);
  } catch (const ConfigError& e) {
    std::vector<std::string> out;
    for (const ConfigError::Problem& p : e.problems()) out.push_back(p.text());
    return out;
  }
  ADD_FAILURE() << "no ConfigError for:\n" << yaml;
  return {};
}

ConfigError error_of(const std::string& yaml) {
  try {
    load_config_text(yaml, "test.yaml");
  } catch (const ConfigError& e) {
    return e;
  }
  ADD_FAILURE() << "no ConfigError for:\n" << yaml;
  return ConfigError("", {{"", "none", 0}});
}

// A file in the temporary folder, removed at the end of the test.
class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    path_ = std::filesystem::temp_directory_path() /
            ("flowfeat_config_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".yaml");
    std::ofstream(path_) << content;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

TEST(ConfigDefaults, MatchTheNotebook) {
  const Config c;
  EXPECT_EQ(c.flows.idle_timeout_ms, 60'000u);
  EXPECT_EQ(c.flows.active_timeout_ms, 120'000u);
  EXPECT_EQ(c.flows.max_flows, 1'000'000u);
  EXPECT_TRUE(c.flows.decode_tunnels);
  EXPECT_TRUE(c.flows.dpi_enabled);
  EXPECT_EQ(c.flows.dpi_packets, 20u);
  EXPECT_FALSE(c.flows.reference_quirks);
  EXPECT_TRUE(c.input.files.empty());
  EXPECT_EQ(c.input.progress, "auto");
  EXPECT_EQ(c.output.directory, "flowfeat-output");
  EXPECT_EQ(c.output.format, "csv");
  EXPECT_EQ(c.logging.level, "info");
}

TEST(ConfigLoader, EmptyTextGivesDefaults) {
  EXPECT_EQ(load_config_text(""), Config{});
  EXPECT_EQ(load_config_text("# only a comment\n\n"), Config{});
  EXPECT_EQ(load_config_text("---\n"), Config{});
}

TEST(ConfigLoader, EmptySectionsKeepDefaults) {
  EXPECT_EQ(load_config_text("flows:\n  # idle_timeout: 5\ninput:\noutput:\nlogging:\n"), Config{});
}

TEST(ConfigLoader, ParsesEveryKey) {
  const Config c = load_config_text(R"(
flows:
  idle_timeout: 15
  active_timeout: 1800.5
  max_flows: 42
  decode_tunnels: false
  reference_quirks: true
  dpi:
    enabled: false
    packets: 255
input:
  files: [a.pcap, "dir with spaces/", b.pcapng]
  progress: never
output:
  directory: /var/lib/flowfeat
  format: csv
logging:
  level: debug
)");
  EXPECT_EQ(c.flows.idle_timeout_ms, 15'000u);
  EXPECT_EQ(c.flows.active_timeout_ms, 1'800'500u);
  EXPECT_EQ(c.flows.max_flows, 42u);
  EXPECT_FALSE(c.flows.decode_tunnels);
  EXPECT_TRUE(c.flows.reference_quirks);
  EXPECT_FALSE(c.flows.dpi_enabled);
  EXPECT_EQ(c.flows.dpi_packets, 255u);
  EXPECT_EQ(c.input.files, (std::vector<std::string>{"a.pcap", "dir with spaces/", "b.pcapng"}));
  EXPECT_EQ(c.input.progress, "never");
  EXPECT_EQ(c.output.directory, "/var/lib/flowfeat");
  EXPECT_EQ(c.output.format, "csv");
  EXPECT_EQ(c.logging.level, "debug");
}

TEST(ConfigLoader, KeysLeftOutKeepDefaults) {
  const Config c = load_config_text("flows:\n  dpi:\n    packets: 5\n");
  Config expected;
  expected.flows.dpi_packets = 5;
  EXPECT_EQ(c, expected);
}

TEST(ConfigLoader, TimeoutsAcceptMillisecondsAndTheBounds) {
  EXPECT_EQ(load_config_text("flows: {idle_timeout: 0.001}").flows.idle_timeout_ms, 1u);
  EXPECT_EQ(load_config_text("flows: {idle_timeout: 0.25}").flows.idle_timeout_ms, 250u);
  EXPECT_EQ(load_config_text("flows: {idle_timeout: 86400}").flows.idle_timeout_ms, 86'400'000u);
  EXPECT_EQ(load_config_text("flows: {active_timeout: 2.5000}").flows.active_timeout_ms, 2'500u);
  // Independent of each other: an active timeout below the idle one is legal.
  const Config c = load_config_text("flows: {idle_timeout: 100, active_timeout: 10}");
  EXPECT_EQ(c.flows.idle_timeout_ms, 100'000u);
  EXPECT_EQ(c.flows.active_timeout_ms, 10'000u);
}

TEST(ConfigLoader, TimeoutsOutOfRange) {
  for (const char* value : {"0", "0.0", "-1", "86400.001", "86401", "99999999999999999999999"}) {
    const auto problems = problems_of(std::string("flows:\n  idle_timeout: ") + value + "\n");
    ASSERT_EQ(problems.size(), 1u) << value;
    EXPECT_EQ(problems[0], "flows.idle_timeout: \"" + std::string(value) +
                               "\" is out of range (allowed: 0.001..86400 seconds)");
  }
}

TEST(ConfigLoader, TimeoutFinerThanAMillisecond) {
  EXPECT_EQ(problems_of("flows: {active_timeout: 1.0005}"),
            std::vector<std::string>{
                "flows.active_timeout: \"1.0005\" is finer than a millisecond (allowed: 0.001..86400 seconds)"});
}

TEST(ConfigLoader, CountsOutOfRange) {
  EXPECT_EQ(problems_of("flows: {max_flows: 0}"),
            std::vector<std::string>{"flows.max_flows: \"0\" is out of range (allowed: 1..100000000)"});
  EXPECT_EQ(problems_of("flows: {max_flows: 100000001}"),
            std::vector<std::string>{"flows.max_flows: \"100000001\" is out of range (allowed: 1..100000000)"});
  EXPECT_EQ(load_config_text("flows: {max_flows: 100000000}").flows.max_flows, 100'000'000u);
  EXPECT_EQ(problems_of("flows: {dpi: {packets: 256}}"),
            std::vector<std::string>{"flows.dpi.packets: \"256\" is out of range (allowed: 1..255)"});
  EXPECT_EQ(problems_of("flows: {dpi: {packets: 0}}"),
            std::vector<std::string>{"flows.dpi.packets: \"0\" is out of range (allowed: 1..255)"});
  EXPECT_EQ(load_config_text("flows: {dpi: {packets: 1}}").flows.dpi_packets, 1u);
}

TEST(ConfigLoader, WrongScalarTypes) {
  EXPECT_EQ(problems_of("flows: {idle_timeout: abc}"),
            std::vector<std::string>{
                "flows.idle_timeout: expected a number of seconds, got \"abc\" (allowed: 0.001..86400 seconds)"});
  EXPECT_EQ(problems_of("flows: {max_flows: 1.5}"),
            std::vector<std::string>{"flows.max_flows: expected a whole number, got \"1.5\" (allowed: 1..100000000)"});
  EXPECT_EQ(problems_of("flows: {max_flows: 1e6}"),
            std::vector<std::string>{"flows.max_flows: expected a whole number, got \"1e6\" (allowed: 1..100000000)"});
  EXPECT_EQ(problems_of("flows: {decode_tunnels: yes}"),
            std::vector<std::string>{"flows.decode_tunnels: expected true or false, got \"yes\" (allowed: true, false)"});
  // Quoted numbers are strings in YAML.
  EXPECT_EQ(problems_of("flows: {idle_timeout: \"60\"}"),
            std::vector<std::string>{"flows.idle_timeout: expected a number of seconds, got the quoted string \"60\" "
                                     "(allowed: 0.001..86400 seconds)"});
}

TEST(ConfigLoader, WrongNodeTypes) {
  EXPECT_EQ(problems_of("input:\n  files:\n    a: b\n"),
            std::vector<std::string>{
                "input.files: expected a list of strings, got a map (allowed: a list of capture files or folders)"});
  EXPECT_EQ(problems_of("input:\n  files: one.pcap\n"),
            std::vector<std::string>{"input.files: expected a list of strings, got \"one.pcap\" "
                                     "(allowed: a list of capture files or folders)"});
  EXPECT_EQ(problems_of("input:\n  files: [a.pcap, [nested], {k: v}, ~]\n"),
            (std::vector<std::string>{"input.files[1]: expected a string, got a list",
                                      "input.files[2]: expected a string, got a map",
                                      "input.files[3]: expected a string, got nothing"}));
  EXPECT_EQ(problems_of("flows:\n  max_flows: [1, 2]\n"),
            std::vector<std::string>{"flows.max_flows: expected a whole number, got a list (allowed: 1..100000000)"});
  EXPECT_EQ(problems_of("logging:\n  level:\n"),
            std::vector<std::string>{
                "logging.level: expected a string, got nothing (allowed: trace, debug, info, warn, error)"});
  EXPECT_EQ(problems_of("flows: 5\n"),
            std::vector<std::string>{"flows: expected a map with the keys idle_timeout, active_timeout, max_flows, "
                                     "decode_tunnels, reference_quirks, dpi, got \"5\""});
  EXPECT_EQ(problems_of("flows:\n  dpi: [1]\n"),
            std::vector<std::string>{"flows.dpi: expected a map with the keys enabled, packets, got a list"});
  EXPECT_EQ(problems_of("- flows\n"),
            std::vector<std::string>{"expected a map with the sections flows, input, capture, pipeline, window, labels, "
                                     "features, standardize, output, sensor, metrics, process, logging, got a list"});
}

TEST(ConfigLoader, ChoicesAreChecked) {
  EXPECT_EQ(problems_of("input: {progress: sometimes}"),
            std::vector<std::string>{
                "input.progress: \"sometimes\" is not a valid value (allowed: auto, always, never)"});
  EXPECT_EQ(problems_of("output: {format: json}"),
            std::vector<std::string>{"output.format: \"json\" is not a valid value (allowed: csv, jsonl)"});
  EXPECT_EQ(problems_of("logging: {level: INFO}"),
            std::vector<std::string>{
                "logging.level: \"INFO\" is not a valid value (allowed: trace, debug, info, warn, error)"});
  EXPECT_EQ(problems_of("output: {directory: \"\"}"),
            std::vector<std::string>{
                "output.directory: expected a path, got an empty string (allowed: a non-empty path)"});
  EXPECT_EQ(problems_of("input: {files: [\"\"]}"),
            std::vector<std::string>{"input.files[0]: expected a path, got an empty string"});
  for (const char* level : {"trace", "debug", "info", "warn", "error"}) {
    EXPECT_EQ(load_config_text(std::string("logging: {level: ") + level + "}").logging.level, level);
  }
  for (const char* progress : {"auto", "always", "never"}) {
    EXPECT_EQ(load_config_text(std::string("input: {progress: ") + progress + "}").input.progress, progress);
  }
}

TEST(ConfigLoader, UnknownKeysAtEveryLevel) {
  EXPECT_EQ(problems_of("flow:\n  idle_timeout: 5\n"),
            std::vector<std::string>{"flow: unknown key (expected one of: flows, input, capture, pipeline, window, labels, "
                                     "features, standardize, output, sensor, metrics, process, logging)"});
  EXPECT_EQ(problems_of("flows:\n  idle_timout: 5\n"),
            std::vector<std::string>{"flows.idle_timout: unknown key (expected one of: idle_timeout, "
                                     "active_timeout, max_flows, decode_tunnels, reference_quirks, dpi)"});
  EXPECT_EQ(problems_of("flows:\n  dpi:\n    enable: false\n"),
            std::vector<std::string>{"flows.dpi.enable: unknown key (expected one of: enabled, packets)"});
  // A leaf with children is not a section.
  EXPECT_EQ(problems_of("flows:\n  idle_timeout:\n    seconds: 5\n"),
            std::vector<std::string>{
                "flows.idle_timeout: expected a number of seconds, got a map (allowed: 0.001..86400 seconds)"});
}

TEST(ConfigLoader, DuplicateKeysAreErrors) {
  const ConfigError e = error_of("flows:\n  max_flows: 10\n  max_flows: 20\n");
  ASSERT_EQ(e.problems().size(), 1u);
  EXPECT_EQ(e.problems()[0].text(), "flows.max_flows: duplicate key (first given on line 2)");
  EXPECT_EQ(e.problems()[0].line, 3);
}

TEST(ConfigLoader, ReportsEveryProblemAtOnceWithLines) {
  const ConfigError e = error_of(R"(flows:
  idle_timeout: 0
  max_flows: many
  dpi:
    packets: 300
    colour: blue
input:
  progress: maybe
bogus: 1
)");
  ASSERT_EQ(e.problems().size(), 6u) << e.what();
  EXPECT_EQ(e.problems()[0].key, "flows.idle_timeout");
  EXPECT_EQ(e.problems()[0].line, 2);
  EXPECT_EQ(e.problems()[1].key, "flows.max_flows");
  EXPECT_EQ(e.problems()[1].line, 3);
  EXPECT_EQ(e.problems()[2].key, "flows.dpi.packets");
  EXPECT_EQ(e.problems()[2].line, 5);
  EXPECT_EQ(e.problems()[3].key, "flows.dpi.colour");
  EXPECT_EQ(e.problems()[3].line, 6);
  EXPECT_EQ(e.problems()[4].key, "input.progress");
  EXPECT_EQ(e.problems()[4].line, 8);
  EXPECT_EQ(e.problems()[5].key, "bogus");
  EXPECT_EQ(e.problems()[5].line, 9);
  EXPECT_EQ(e.source(), "test.yaml");
  const std::string what = e.what();
  EXPECT_NE(what.find("test.yaml:2: flows.idle_timeout: \"0\" is out of range"), std::string::npos) << what;
  EXPECT_NE(what.find("\ntest.yaml:9: bogus: unknown key"), std::string::npos) << what;
}

TEST(ConfigLoader, SyntaxErrorNamesTheLine) {
  const ConfigError e = error_of("flows:\n  idle_timeout: 5\n  dpi: [1, 2\n");
  ASSERT_EQ(e.problems().size(), 1u);
  EXPECT_TRUE(e.problems()[0].key.empty());
  EXPECT_EQ(e.problems()[0].message.rfind("invalid YAML: ", 0), 0u) << e.problems()[0].message;
  EXPECT_GT(e.problems()[0].line, 1);
  EXPECT_EQ(std::string(e.what()).rfind("test.yaml:" + std::to_string(e.problems()[0].line) + ": invalid YAML", 0), 0u)
      << e.what();
}

TEST(ConfigLoader, SeveralDocumentsAreAnError) {
  const ConfigError e = error_of("flows: {max_flows: 5}\n---\nflows: {max_flows: 6}\n");
  ASSERT_EQ(e.problems().size(), 1u);
  EXPECT_EQ(e.problems()[0].message,
            "invalid YAML: content after the end of the first document; a configuration is a single document");
  EXPECT_EQ(e.problems()[0].line, 2);
}

TEST(ConfigLoader, StrayCommaIsAnErrorNotAHang) {
  // yaml-cpp 0.7 accepts "," as an empty document followed by another one.
  const ConfigError e = error_of(",\n");
  ASSERT_EQ(e.problems().size(), 1u);
  EXPECT_EQ(e.problems()[0].message.rfind("invalid YAML", 0), 0u) << e.what();
}

TEST(ConfigLoader, LongAndControlValuesAreShortenedInMessages) {
  const auto problems = problems_of("logging: {level: \"" + std::string(200, 'x') + "\\u0001\"}");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_LT(problems[0].size(), 200u);
  EXPECT_NE(problems[0].find("...\""), std::string::npos) << problems[0];
  EXPECT_EQ(problems_of("logging: {level: \"a\\u0001\"}"),
            std::vector<std::string>{
                "logging.level: \"a\\x01\" is not a valid value (allowed: trace, debug, info, warn, error)"});
}

TEST(ConfigLoader, ParsesThePipelineSections) {
  const Config c = load_config_text(R"(
pipeline: {workers: 4, queue_batches: 2}
window: {span: 4.5, max_flows: 10}
labels:
  file: truth.csv
  columns: {src_ip: a, src_port: b, dst_ip: c, dst_port: d, protocol: e, label: f, attack_cat: g}
features: {protocols: [6, 17], quantile_warmup: 0}
standardize: {mode: ewm, columns: [bidirectional_bytes], half_life: 50, state_file: /tmp/s, save_interval: 5}
output: {format: jsonl, compression: gzip, rotate_bytes: 0, rotate_age: 0, keep_files: 3, keep_bytes: 1000}
metrics: {enabled: false, listen: "0.0.0.0:0"}
)");
  EXPECT_EQ(c.pipeline.workers, 4u);
  EXPECT_EQ(c.pipeline.queue_batches, 2u);
  EXPECT_EQ(c.window.span_ms, 4'500u);
  EXPECT_EQ(c.window.max_flows, 10u);
  EXPECT_EQ(c.labels.file, "truth.csv");
  EXPECT_EQ(c.labels.src_ip + c.labels.src_port + c.labels.dst_ip + c.labels.dst_port + c.labels.protocol +
                c.labels.label + c.labels.attack_cat,
            "abcdefg");
  EXPECT_EQ(c.features.protocols, (std::vector<std::uint8_t>{6, 17}));
  EXPECT_EQ(c.features.quantile_warmup, 0u);
  EXPECT_EQ(c.standardize.mode, "ewm");
  EXPECT_EQ(c.standardize.columns, (std::vector<std::string>{"bidirectional_bytes"}));
  EXPECT_EQ(c.standardize.half_life_records, 50u);
  EXPECT_EQ(c.standardize.state_file, "/tmp/s");
  EXPECT_EQ(c.standardize.save_interval_ms, 5'000u);
  EXPECT_EQ(c.output.format, "jsonl");
  EXPECT_EQ(c.output.compression, "gzip");
  EXPECT_EQ(c.output.rotate_bytes, 0u);
  EXPECT_EQ(c.output.rotate_age_ms, 0u);
  EXPECT_EQ(c.output.keep_files, 3u);
  EXPECT_EQ(c.output.keep_bytes, 1000u);
  EXPECT_FALSE(c.metrics.enabled);
  EXPECT_EQ(c.metrics.listen, "0.0.0.0:0");
}

TEST(ConfigLoader, PipelineValuesAreChecked) {
  EXPECT_EQ(problems_of("pipeline: {workers: 65}"),
            std::vector<std::string>{"pipeline.workers: \"65\" is out of range (allowed: 0..64, 0 = one per core)"});
  EXPECT_EQ(problems_of("window: {span: 0.003}"),
            std::vector<std::string>{"window.span: \"0.003\" is out of range or not a whole number of milliseconds "
                                     "on each side (allowed: 0.002..3600 seconds)"});
  EXPECT_EQ(problems_of("features: {protocols: [6, 6]}"),
            std::vector<std::string>{"features.protocols[1]: \"6\" is listed twice"});
  EXPECT_EQ(problems_of("features: {protocols: [256]}").size(), 1u);
  EXPECT_EQ(problems_of("standardize: {mode: sometimes}").size(), 1u);
  EXPECT_EQ(problems_of("standardize: {columns: [a, a]}").size(), 1u);
  EXPECT_EQ(problems_of("metrics: {listen: localhost}"),
            std::vector<std::string>{"metrics.listen: expected host:port, got \"localhost\" (allowed: host:port, "
                                     "e.g. 127.0.0.1:9877 or 0.0.0.0:9877)"});
  EXPECT_EQ(problems_of("metrics: {listen: \"127.0.0.1:70000\"}").size(), 1u);
  EXPECT_EQ(problems_of("labels: {columns: {src_ip: \"\"}}").size(), 1u);
  EXPECT_EQ(problems_of("output: {compression: zip}").size(), 1u);
}

TEST(ConfigLoader, EmptyListsSwitchThingsOff) {
  const Config c = load_config_text("standardize: {columns: []}\nfeatures: {protocols: []}\n");
  EXPECT_TRUE(c.standardize.columns.empty());
  EXPECT_TRUE(c.features.protocols.empty());
}

TEST(ConfigDefaults, ReadFilesAsFastAsPossibleAndCaptureAsTheContractSays) {
  const Config c;
  EXPECT_EQ(c.input.replay_speed, 0.0);
  EXPECT_TRUE(c.capture.interfaces.empty());
  EXPECT_EQ(c.capture.threads, 1u);
  EXPECT_TRUE(c.capture.fanout_defrag);
  EXPECT_EQ(c.capture.snaplen, 65535u);
  EXPECT_EQ(c.capture.buffer_mib, 64u);
  EXPECT_TRUE(c.capture.promiscuous);
  EXPECT_FALSE(c.capture.immediate);
  EXPECT_EQ(c.capture.filter, "");
  EXPECT_EQ(c.capture.timeout_ms, 100u);
  EXPECT_EQ(c.capture.on_full, "wait");
  EXPECT_EQ(c.process.user, "");
  EXPECT_EQ(c.process.group, "");
}

TEST(ConfigLoader, ParsesTheCaptureAndProcessSections) {
  const Config c = load_config_text(R"yaml(
input: {replay_speed: 2.5}
capture:
  interfaces: [eth0, enp0s31f6, eth0.100, br-0123456789ab]
  threads: 4
  fanout_defrag: false
  snaplen: 128
  buffer_mib: 256
  promiscuous: false
  immediate: true
  filter: "not port 22 and (tcp or udp)"
  timeout: 0.25
  on_full: drop
process: {user: flowfeat, group: netdump}
)yaml");
  EXPECT_EQ(c.input.replay_speed, 2.5);
  EXPECT_EQ(c.capture.interfaces, (std::vector<std::string>{"eth0", "enp0s31f6", "eth0.100", "br-0123456789ab"}));
  EXPECT_EQ(c.capture.threads, 4u);
  EXPECT_FALSE(c.capture.fanout_defrag);
  EXPECT_EQ(c.capture.snaplen, 128u);
  EXPECT_EQ(c.capture.buffer_mib, 256u);
  EXPECT_FALSE(c.capture.promiscuous);
  EXPECT_TRUE(c.capture.immediate);
  EXPECT_EQ(c.capture.filter, "not port 22 and (tcp or udp)");
  EXPECT_EQ(c.capture.timeout_ms, 250u);
  EXPECT_EQ(c.capture.on_full, "drop");
  EXPECT_EQ(c.process.user, "flowfeat");
  EXPECT_EQ(c.process.group, "netdump");
}

TEST(ConfigLoader, CaptureBoundsAreInclusive) {
  EXPECT_EQ(load_config_text("capture: {threads: 1}").capture.threads, 1u);
  EXPECT_EQ(load_config_text("capture: {threads: 16}").capture.threads, 16u);
  EXPECT_EQ(load_config_text("capture: {snaplen: 64}").capture.snaplen, 64u);
  EXPECT_EQ(load_config_text("capture: {snaplen: 262144}").capture.snaplen, 262'144u);
  EXPECT_EQ(load_config_text("capture: {buffer_mib: 1}").capture.buffer_mib, 1u);
  EXPECT_EQ(load_config_text("capture: {buffer_mib: 4096}").capture.buffer_mib, 4096u);
  EXPECT_EQ(load_config_text("capture: {timeout: 0.001}").capture.timeout_ms, 1u);
  EXPECT_EQ(load_config_text("capture: {timeout: 10}").capture.timeout_ms, 10'000u);
  EXPECT_TRUE(load_config_text("capture: {interfaces: []}").capture.interfaces.empty());
  EXPECT_EQ(load_config_text("capture: {filter: \"\"}").capture.filter, "");
}

TEST(ConfigLoader, CaptureValuesOutOfRange) {
  const auto problem = [](const std::string& yaml) {
    const std::vector<std::string> problems = problems_of(yaml);
    return problems.size() == 1 ? problems[0] : "problems: " + std::to_string(problems.size());
  };
  EXPECT_EQ(problem("capture: {threads: 0}"), "capture.threads: \"0\" is out of range (allowed: 1..16)");
  EXPECT_EQ(problem("capture: {threads: 17}"), "capture.threads: \"17\" is out of range (allowed: 1..16)");
  EXPECT_EQ(problem("capture: {threads: 2.5}"),
            "capture.threads: expected a whole number, got \"2.5\" (allowed: 1..16)");
  EXPECT_EQ(problem("capture: {snaplen: 63}"), "capture.snaplen: \"63\" is out of range (allowed: 64..262144 bytes)");
  EXPECT_EQ(problem("capture: {snaplen: 262145}"),
            "capture.snaplen: \"262145\" is out of range (allowed: 64..262144 bytes)");
  EXPECT_EQ(problem("capture: {buffer_mib: 0}"), "capture.buffer_mib: \"0\" is out of range (allowed: 1..4096 MiB)");
  EXPECT_EQ(problem("capture: {on_full: block}"),
            "capture.on_full: \"block\" is not a valid value (allowed: wait, drop)");
  EXPECT_EQ(problem("capture: {buffer_mib: 4097}"),
            "capture.buffer_mib: \"4097\" is out of range (allowed: 1..4096 MiB)");
  EXPECT_EQ(problem("capture: {timeout: 0}"), "capture.timeout: \"0\" is out of range (allowed: 0.001..10 seconds)");
  EXPECT_EQ(problem("capture: {timeout: 10.001}"),
            "capture.timeout: \"10.001\" is out of range (allowed: 0.001..10 seconds)");
  EXPECT_EQ(problem("capture: {timeout: 0.0005}"),
            "capture.timeout: \"0.0005\" is finer than a millisecond (allowed: 0.001..10 seconds)");
  EXPECT_EQ(problem("capture: {promiscuous: yes}"),
            "capture.promiscuous: expected true or false, got \"yes\" (allowed: true, false)");
  EXPECT_EQ(problem("capture: {interfaces: eth0}"),
            "capture.interfaces: expected a list of strings, got \"eth0\" (allowed: a list of interface names)");
  EXPECT_EQ(problem("capture: {thread: 2}"),
            "capture.thread: unknown key (expected one of: interfaces, threads, fanout_defrag, snaplen, buffer_mib, "
            "promiscuous, immediate, filter, timeout, on_full)");
  EXPECT_EQ(problem("process: {uid: 0}"), "process.uid: unknown key (expected one of: user, group)");
}

TEST(ConfigLoader, InterfaceNamesAreCheckedOneByOne) {
  // Linux names: 1..15 bytes, none of '/', ':' or whitespace.
  const std::vector<std::string> problems =
      problems_of("capture:\n  interfaces: [eth0, \"\", abcdefghijklmnop, \"eth0/1\", \"eth 0\", \"eth0:1\", "
                  "\"tab\\there\", lo]\n");
  ASSERT_EQ(problems.size(), 6u);
  EXPECT_EQ(problems[0].rfind("capture.interfaces[1]: ", 0), 0u) << problems[0];
  EXPECT_EQ(problems[1].rfind("capture.interfaces[2]: \"abcdefghijklmnop\" is not an interface name", 0), 0u)
      << problems[1];
  EXPECT_EQ(problems[2].rfind("capture.interfaces[3]: \"eth0/1\" is not an interface name", 0), 0u) << problems[2];
  EXPECT_EQ(problems[3].rfind("capture.interfaces[4]: \"eth 0\" is not an interface name", 0), 0u) << problems[3];
  EXPECT_EQ(problems[4].rfind("capture.interfaces[5]: \"eth0:1\" is not an interface name", 0), 0u) << problems[4];
  EXPECT_EQ(problems[5].rfind("capture.interfaces[6]: ", 0), 0u) << problems[5];
  // Fifteen bytes is the longest a name can be.
  EXPECT_EQ(load_config_text("capture: {interfaces: [abcdefghijklmno]}").capture.interfaces,
            std::vector<std::string>{"abcdefghijklmno"});
}

TEST(ConfigLoader, DotAndDotDotAreNotInterfaceNames) {
  // The kernel refuses them as names (dev_valid_name), so a capture on them can never open.
  EXPECT_EQ(problems_of("capture: {interfaces: [\".\"]}").size(), 1u);
  EXPECT_EQ(problems_of("capture: {interfaces: [\"..\"]}").size(), 1u);
}

TEST(ConfigLoader, ReplaySpeedTakesUpToThreeDecimals) {
  EXPECT_EQ(load_config_text("input: {replay_speed: 0}").input.replay_speed, 0.0);
  EXPECT_EQ(load_config_text("input: {replay_speed: 1}").input.replay_speed, 1.0);
  EXPECT_EQ(load_config_text("input: {replay_speed: 0.5}").input.replay_speed, 0.5);
  EXPECT_EQ(load_config_text("input: {replay_speed: 0.001}").input.replay_speed, 0.001);
  EXPECT_EQ(load_config_text("input: {replay_speed: 2.1250}").input.replay_speed, 2.125);
  EXPECT_EQ(load_config_text("input: {replay_speed: 1000}").input.replay_speed, 1000.0);
  const auto problem = [](const std::string& value) {
    const std::vector<std::string> problems = problems_of("input: {replay_speed: " + value + "}");
    return problems.size() == 1 ? problems[0] : "problems: " + std::to_string(problems.size());
  };
  const std::string allowed = " (allowed: 0..1000, 0 = as fast as possible, 1 = the recorded pace)";
  EXPECT_EQ(problem("1000.001"), "input.replay_speed: \"1000.001\" is out of range" + allowed);
  EXPECT_EQ(problem("-1"), "input.replay_speed: \"-1\" is out of range" + allowed);
  EXPECT_EQ(problem("0.0005"), "input.replay_speed: \"0.0005\" has more than three decimals" + allowed);
  EXPECT_EQ(problem("1e3"), "input.replay_speed: expected a number, got \"1e3\"" + allowed);
  EXPECT_EQ(problem("fast"), "input.replay_speed: expected a number, got \"fast\"" + allowed);
  EXPECT_EQ(problem(".5"), "input.replay_speed: expected a number, got \".5\"" + allowed);
}

TEST(ConfigFile, LoadsAFile) {
  const TempFile file("flows:\n  idle_timeout: 30\n");
  EXPECT_EQ(load_config_file(file.path()).flows.idle_timeout_ms, 30'000u);
}

TEST(ConfigFile, EmptyFileGivesDefaults) {
  const TempFile file("");
  EXPECT_EQ(load_config_file(file.path()), Config{});
}

TEST(ConfigFile, ErrorsNameTheFileAndLine) {
  const TempFile file("logging:\n  level: loud\n");
  try {
    load_config_file(file.path());
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.source(), file.path());
    EXPECT_EQ(std::string(e.what()), file.path() +
                                         ":2: logging.level: \"loud\" is not a valid value "
                                         "(allowed: trace, debug, info, warn, error)");
  }
}

TEST(ConfigFile, SyntaxErrorNamesTheFileAndLine) {
  const TempFile file("flows:\n  idle_timeout: 5\n   max_flows: 3\n");
  try {
    load_config_file(file.path());
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    ASSERT_EQ(e.problems().size(), 1u);
    EXPECT_GT(e.problems()[0].line, 0);
    EXPECT_EQ(std::string(e.what()).rfind(file.path() + ":" + std::to_string(e.problems()[0].line) + ": invalid YAML", 0),
              0u)
        << e.what();
  }
}

TEST(ConfigFile, MissingFile) {
  const std::string path = (std::filesystem::temp_directory_path() / "flowfeat_no_such_config.yaml").string();
  try {
    load_config_file(path);
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.source(), path);
    EXPECT_EQ(std::string(e.what()), path + ": cannot open the configuration file: No such file or directory");
  }
}

TEST(ConfigFile, FolderIsRejected) {
  const std::string path = std::filesystem::temp_directory_path().string();
  try {
    load_config_file(path);
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("it is a folder"), std::string::npos) << e.what();
  }
}

TEST(ConfigFile, ShippedConfigurationEqualsDefaults) {
  EXPECT_EQ(load_config_file(FLOWFEAT_DEFAULT_CONFIG_FILE), Config{});
}

TEST(ConfigFile, ShippedConfigurationWritesOutEveryKey) {
  // Keys written out (not only commented) keep the file a complete, editable reference.
  std::ifstream in(FLOWFEAT_DEFAULT_CONFIG_FILE);
  std::vector<std::string> written;
  for (std::string line; std::getline(in, line);) {
    const std::size_t start = line.find_first_not_of(' ');
    const std::size_t colon = line.find(':');
    if (start == std::string::npos || line[start] == '#' || colon == std::string::npos) continue;
    written.push_back(line.substr(start, colon - start));
  }
  EXPECT_EQ(written, (std::vector<std::string>{
                         "flows", "idle_timeout", "active_timeout", "max_flows", "decode_tunnels", "reference_quirks",
                         "dpi", "enabled", "packets", "input", "files", "progress", "replay_speed", "capture",
                         "interfaces", "threads", "fanout_defrag", "snaplen", "buffer_mib", "promiscuous", "immediate",
                         "filter", "timeout", "on_full", "pipeline", "workers", "queue_batches", "window", "span", "max_flows",
                         "labels", "file", "format", "header", "columns", "src_ip", "src_port", "dst_ip", "dst_port",
                         "protocol", "label", "attack_cat", "start_time", "end_time", "time_format", "time_zone",
                         "time_tolerance", "benign_values", "features", "protocols", "quantile_warmup", "standardize",
                         "mode", "columns", "half_life", "state_file", "save_interval", "output", "files",
                         "on_write_error", "columns", "directory", "format", "compression", "rotate_bytes",
                         "rotate_age", "keep_files", "keep_bytes", "kafka", "enabled", "brokers", "topic", "key",
                         "compression", "linger", "batch_bytes", "queue_messages", "max_wait", "connect_timeout",
                         "flush_timeout", "properties", "sensor", "id", "metrics", "enabled", "listen",
                         "request_timeout", "inactivity_timeout", "max_connections", "max_connections_per_client",
                         "tls", "cert_file", "key_file", "basic_auth", "web_config_file", "process", "user",
                         "group", "logging", "level"}));
}

TEST(ConfigLoader, KafkaKeys) {
  const Config c = load_config_text(
      "output:\n  files: false\n  kafka:\n    enabled: true\n    brokers: a:9092,b.example:19092\n"
      "    topic: flows.v1\n    key: flow\n    compression: zstd\n    linger: 0\n    max_wait: 0.25\n"
      "    properties:\n      security.protocol: SASL_SSL\n      sasl.mechanisms: PLAIN\n"
      "sensor:\n  id: tap-3.dc1\n",
      "test");
  EXPECT_FALSE(c.output.files);
  EXPECT_TRUE(c.output.kafka.enabled);
  EXPECT_EQ(c.output.kafka.brokers, "a:9092,b.example:19092");
  EXPECT_EQ(c.output.kafka.topic, "flows.v1");
  EXPECT_EQ(c.output.kafka.key, "flow");
  EXPECT_EQ(c.output.kafka.compression, "zstd");
  EXPECT_EQ(c.output.kafka.linger_ms, 0u);
  EXPECT_EQ(c.output.kafka.max_wait_ms, 250u);
  EXPECT_EQ(c.output.kafka.properties,
            (std::vector<std::string>{"security.protocol=SASL_SSL", "sasl.mechanisms=PLAIN"}));
  EXPECT_EQ(c.sensor.id, "tap-3.dc1");
}

TEST(ConfigLoader, BadKafkaValuesAreNamed) {
  const std::vector<std::string> problems = problems_of(
      "output:\n  kafka:\n    brokers: nohostport\n    topic: \"has space\"\n    key: port\n"
      "    properties: [a]\nsensor:\n  id: \"a,b\"\n");
  ASSERT_EQ(problems.size(), 5u);
  EXPECT_NE(problems[0].find("output.kafka.brokers: expected host:port"), std::string::npos) << problems[0];
  EXPECT_NE(problems[1].find("output.kafka.topic: \"has space\" is not a topic name"), std::string::npos) << problems[1];
  EXPECT_NE(problems[2].find("output.kafka.key: \"port\" is not a valid value"), std::string::npos) << problems[2];
  EXPECT_NE(problems[3].find("output.kafka.properties: expected a map of names to values"), std::string::npos)
      << problems[3];
  EXPECT_NE(problems[4].find("sensor.id: \"a,b\" is not a sensor id"), std::string::npos) << problems[4];
  EXPECT_FALSE(problems_of("output:\n  kafka:\n    properties:\n      Bad-Name: 1\n").empty());
}

TEST(ConfigLoader, MetricsEndpointKeys) {
  const Config c = load_config_text(
      "metrics:\n  request_timeout: 2\n  inactivity_timeout: 30\n  max_connections: 64\n  max_connections_per_client: 4\n"
      "  tls:\n    cert_file: /etc/flowfeat/tls/m.crt\n    key_file: /etc/flowfeat/tls/m.key\n"
      "  basic_auth:\n    prometheus: $2y$10$abc\n    grafana: $6$salt$hash\n  web_config_file: \"\"\n");
  EXPECT_EQ(c.metrics.request_timeout_s, 2u);
  EXPECT_EQ(c.metrics.inactivity_timeout_s, 30u);
  EXPECT_EQ(c.metrics.max_connections, 64u);
  EXPECT_EQ(c.metrics.max_connections_per_client, 4u);
  EXPECT_EQ(c.metrics.tls_cert_file, "/etc/flowfeat/tls/m.crt");
  EXPECT_EQ(c.metrics.tls_key_file, "/etc/flowfeat/tls/m.key");
  EXPECT_EQ(c.metrics.basic_auth,
            (std::map<std::string, std::string>{{"prometheus", "$2y$10$abc"}, {"grafana", "$6$salt$hash"}}));
  const Config defaults;
  EXPECT_EQ(defaults.metrics.request_timeout_s, 5u);
  EXPECT_EQ(defaults.metrics.inactivity_timeout_s, 10u);
  EXPECT_TRUE(defaults.metrics.basic_auth.empty());
}

TEST(ConfigLoader, BadMetricsEndpointValuesAreNamed) {
  const std::vector<std::string> problems = problems_of(
      "metrics:\n  request_timeout: 1.5\n  inactivity_timeout: 0\n  max_connections: 0\n"
      "  basic_auth:\n    \"a:b\": x\n    empty: \"\"\n");
  ASSERT_EQ(problems.size(), 5u);
  EXPECT_NE(problems[0].find("metrics.request_timeout: \"1.5\" is not a whole number of seconds"), std::string::npos)
      << problems[0];
  EXPECT_NE(problems[1].find("metrics.inactivity_timeout"), std::string::npos) << problems[1];
  EXPECT_NE(problems[2].find("metrics.max_connections"), std::string::npos) << problems[2];
  EXPECT_NE(problems[3].find("is not a user name"), std::string::npos) << problems[3];
  EXPECT_NE(problems[4].find("empty password hash"), std::string::npos) << problems[4];
}

}  // namespace
}  // namespace flowfeat
