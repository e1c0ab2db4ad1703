#include "flowfeat/app/command_line.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace flowfeat {
namespace {

std::string usage_error_of(const std::vector<std::string>& args) {
  try {
    parse_command_line(args);
  } catch (const UsageError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no UsageError";
  return {};
}

TEST(CommandLine, NoArgumentsGiveDefaults) {
  EXPECT_EQ(parse_command_line(std::vector<std::string>{}), CommandLine{});
}

TEST(CommandLine, ParsesEveryOption) {
  const CommandLine c = parse_command_line(std::vector<std::string>{
      "--config", "f.yaml", "--read", "a.pcap", "--output", "out", "--idle-timeout", "30", "--active-timeout", "90",
      "--max-flows", "1000", "--progress", "never", "--no-dpi", "--check-config", "--print-schema", "--version",
      "--help", "--workers", "3", "--format", "jsonl", "--labels", "t.csv", "--metrics-listen", "127.0.0.1:1",
      "--no-metrics"});
  EXPECT_EQ(c.workers, "3");
  EXPECT_EQ(c.format, "jsonl");
  EXPECT_EQ(c.labels_file, "t.csv");
  EXPECT_EQ(c.metrics_listen, "127.0.0.1:1");
  EXPECT_TRUE(c.no_metrics);
  EXPECT_EQ(c.config_file, "f.yaml");
  EXPECT_EQ(c.read_paths, std::vector<std::string>{"a.pcap"});
  EXPECT_EQ(c.output_directory, "out");
  EXPECT_EQ(c.idle_timeout, "30");
  EXPECT_EQ(c.active_timeout, "90");
  EXPECT_EQ(c.max_flows, "1000");
  EXPECT_EQ(c.progress, "never");
  EXPECT_TRUE(c.no_dpi);
  EXPECT_TRUE(c.check_config);
  EXPECT_TRUE(c.print_schema);
  EXPECT_TRUE(c.version);
  EXPECT_TRUE(c.help);
}

TEST(CommandLine, LabelsFormatSetsItsKeyAndIsChecked) {
  const Config config =
      apply_overrides(Config{}, parse_command_line(std::vector<std::string>{"--labels", "t.csv", "--labels-format",
                                                                            "cic-ids"}));
  EXPECT_EQ(config.labels.file, "t.csv");
  EXPECT_EQ(config.labels.format, "cic-ids");
  try {
    apply_overrides(Config{}, parse_command_line(std::vector<std::string>{"--labels-format", "kdd99"}));
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("--labels-format"), std::string::npos) << e.what();
  }
}

TEST(CommandLine, ParsesTheCaptureOptions) {
  const CommandLine c = parse_command_line(std::vector<std::string>{
      "--interface", "eth0", "eth1", "--no-dpi", "--interface=wlan0", "--capture-threads", "4", "--filter",
      "not port 22 and (tcp or udp)", "--replay-speed", "2.5", "--state-file", "s.state", "--user", "flowfeat"});
  EXPECT_EQ(c.interfaces, (std::vector<std::string>{"eth0", "eth1", "wlan0"}));
  EXPECT_TRUE(c.no_dpi);
  EXPECT_EQ(c.capture_threads, "4");
  EXPECT_EQ(c.filter, "not port 22 and (tcp or udp)");
  EXPECT_EQ(c.replay_speed, "2.5");
  EXPECT_EQ(c.state_file, "s.state");
  EXPECT_EQ(c.user, "flowfeat");
  EXPECT_TRUE(c.read_paths.empty());
}

TEST(CommandLine, AFilterKeepsItsOwnEqualsSigns) {
  EXPECT_EQ(parse_command_line(std::vector<std::string>{"--filter=len <= 100 and ip[8]=64"}).filter,
            "len <= 100 and ip[8]=64");
}

TEST(CommandLine, FromArgvSkipsTheProgramName) {
  const char* argv[] = {"flowfeatd", "--read", "x.pcap", "--no-dpi"};
  const CommandLine c = parse_command_line(4, argv);
  EXPECT_EQ(c.read_paths, std::vector<std::string>{"x.pcap"});
  EXPECT_TRUE(c.no_dpi);
}

TEST(CommandLine, ReadIsRepeatableAndTakesSeveralPaths) {
  const CommandLine c = parse_command_line(std::vector<std::string>{
      "--read", "a.pcap", "b.pcapng", "--no-dpi", "--read", "dir/", "--read=c.pcap", "d.pcap"});
  EXPECT_EQ(c.read_paths, (std::vector<std::string>{"a.pcap", "b.pcapng", "dir/", "c.pcap", "d.pcap"}));
  EXPECT_TRUE(c.no_dpi);
}

TEST(CommandLine, EqualsSyntax) {
  const CommandLine c = parse_command_line(std::vector<std::string>{"--config=a=b.yaml", "--max-flows=5"});
  EXPECT_EQ(c.config_file, "a=b.yaml");
  EXPECT_EQ(c.max_flows, "5");
}

TEST(CommandLine, ShortHelp) { EXPECT_TRUE(parse_command_line(std::vector<std::string>{"-h"}).help); }

TEST(CommandLine, CheckConfigTakesAnOptionalFile) {
  const CommandLine with_file = parse_command_line(std::vector<std::string>{"--check-config", "site.yaml"});
  EXPECT_TRUE(with_file.check_config);
  EXPECT_EQ(with_file.config_file, "site.yaml");

  const CommandLine without = parse_command_line(std::vector<std::string>{"--check-config", "--config", "x.yaml"});
  EXPECT_TRUE(without.check_config);
  EXPECT_EQ(without.config_file, "x.yaml");

  EXPECT_EQ(usage_error_of({"--config", "a.yaml", "--check-config", "b.yaml"}), "--config given more than once");
}

TEST(CommandLine, NegativeNumbersAreValuesNotOptions) {
  EXPECT_EQ(parse_command_line(std::vector<std::string>{"--idle-timeout", "-5"}).idle_timeout, "-5");
}

TEST(CommandLine, UsageErrors) {
  EXPECT_EQ(usage_error_of({"--bogus"}), "unknown option '--bogus' (see --help)");
  EXPECT_EQ(usage_error_of({"-x"}), "unknown option '-x' (see --help)");
  EXPECT_EQ(usage_error_of({"stray.pcap"}),
            "unexpected argument 'stray.pcap' (capture files and folders go after --read)");
  EXPECT_EQ(usage_error_of({"--config"}), "--config needs a value: FILE");
  EXPECT_EQ(usage_error_of({"--output", "--no-dpi"}), "--output needs a value: DIR");
  EXPECT_EQ(usage_error_of({"--max-flows="}), "--max-flows needs a non-empty value");
  EXPECT_EQ(usage_error_of({"--read"}), "--read needs at least one FILE|DIR");
  EXPECT_EQ(usage_error_of({"--read", "--no-dpi"}), "--read needs at least one FILE|DIR");
  EXPECT_EQ(usage_error_of({"--read", "a.pcap", ""}), "--read got an empty value");
  EXPECT_EQ(usage_error_of({"--interface"}), "--interface needs at least one IF");
  EXPECT_EQ(usage_error_of({"--interface", "--no-dpi"}), "--interface needs at least one IF");
  EXPECT_EQ(usage_error_of({"--interface", "eth0", ""}), "--interface got an empty value");
  EXPECT_EQ(usage_error_of({"--capture-threads", "2", "--capture-threads=3"}), "--capture-threads given more than once");
  EXPECT_EQ(usage_error_of({"--filter"}), "--filter needs a value: EXPR");
  EXPECT_EQ(usage_error_of({"--replay-speed="}), "--replay-speed needs a non-empty value");
  EXPECT_EQ(usage_error_of({"--user", "--no-dpi"}), "--user needs a value: NAME");
  EXPECT_EQ(usage_error_of({"--state-file"}), "--state-file needs a value: FILE");
  EXPECT_EQ(usage_error_of({"--no-dpi=yes"}), "--no-dpi takes no value");
  EXPECT_EQ(usage_error_of({"--idle-timeout", "1", "--idle-timeout", "2"}), "--idle-timeout given more than once");
}

TEST(CommandLine, UsageTextListsEveryOption) {
  const std::string text = usage_text();
  for (const char* option : {"--config", "--read", "--output", "--check-config", "--print-schema", "--version",
                             "--help", "--idle-timeout", "--active-timeout", "--no-dpi", "--max-flows",
                             "--progress", "--workers", "--format", "--labels", "--metrics-listen", "--no-metrics",
                             "--interface", "--capture-threads", "--filter", "--replay-speed", "--state-file",
                             "--user"}) {
    EXPECT_NE(text.find(option), std::string::npos) << option;
  }
}

TEST(ApplyOverrides, NothingGivenKeepsTheFileValues) {
  Config base;
  base.flows.max_flows = 77;
  base.input.files = {"from-file.pcap"};
  base.capture.interfaces = {"eth9"};  // the conflict is the daemon's to report, not hidden here
  base.capture.threads = 3;
  EXPECT_EQ(apply_overrides(base, CommandLine{}), base);
}

TEST(ApplyOverrides, OptionsReplaceFileValues) {
  Config base;
  base.input.files = {"from-file.pcap"};
  base.flows.reference_quirks = true;
  const CommandLine cli = parse_command_line(std::vector<std::string>{
      "--read", "a.pcap", "b/", "--output", "out", "--idle-timeout", "0.5", "--active-timeout", "600",
      "--max-flows", "10", "--progress", "always", "--no-dpi", "--workers", "4", "--format", "jsonl", "--labels",
      "gt.csv", "--metrics-listen", "0.0.0.0:9", "--no-metrics"});
  const Config c = apply_overrides(base, cli);
  EXPECT_EQ(c.pipeline.workers, 4u);
  EXPECT_EQ(c.output.format, "jsonl");
  EXPECT_EQ(c.labels.file, "gt.csv");
  EXPECT_EQ(c.metrics.listen, "0.0.0.0:9");
  EXPECT_FALSE(c.metrics.enabled);
  EXPECT_EQ(c.input.files, (std::vector<std::string>{"a.pcap", "b/"}));
  EXPECT_EQ(c.output.directory, "out");
  EXPECT_EQ(c.flows.idle_timeout_ms, 500u);
  EXPECT_EQ(c.flows.active_timeout_ms, 600'000u);
  EXPECT_EQ(c.flows.max_flows, 10u);
  EXPECT_EQ(c.input.progress, "always");
  EXPECT_FALSE(c.flows.dpi_enabled);
  EXPECT_TRUE(c.flows.reference_quirks);  // not on the command line: the file's value stays
}

TEST(ApplyOverrides, BadValuesNameTheOptionAllAtOnce) {
  const CommandLine cli = parse_command_line(std::vector<std::string>{
      "--idle-timeout", "0", "--active-timeout", "ten", "--max-flows", "100000001", "--progress", "sometimes"});
  try {
    apply_overrides(Config{}, cli);
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    std::vector<std::string> problems;
    for (const auto& p : e.problems()) problems.push_back(p.text());
    EXPECT_EQ(problems, (std::vector<std::string>{
                            "--idle-timeout: \"0\" is out of range (allowed: 0.001..86400 seconds)",
                            "--active-timeout: expected a number of seconds, got \"ten\" "
                            "(allowed: 0.001..86400 seconds)",
                            "--max-flows: \"100000001\" is out of range (allowed: 1..100000000)",
                            "--progress: \"sometimes\" is not a valid value (allowed: auto, always, never)"}));
  }
}

TEST(ApplyOverrides, InterfaceReplacesTheFileInterfacesAndDropsItsCaptureFiles) {
  Config base;
  base.input.files = {"from-file.pcap"};
  base.capture.interfaces = {"eth9"};
  const Config c =
      apply_overrides(base, parse_command_line(std::vector<std::string>{"--interface", "eth0", "--interface", "eth1"}));
  EXPECT_EQ(c.capture.interfaces, (std::vector<std::string>{"eth0", "eth1"}));
  EXPECT_TRUE(c.input.files.empty());
}

TEST(ApplyOverrides, ReadReplacesTheFilesAndDropsTheFileInterfaces) {
  Config base;
  base.input.files = {"from-file.pcap"};
  base.capture.interfaces = {"eth9", "eth8"};
  const Config c = apply_overrides(base, parse_command_line(std::vector<std::string>{"--read", "a.pcap", "b/"}));
  EXPECT_EQ(c.input.files, (std::vector<std::string>{"a.pcap", "b/"}));
  EXPECT_TRUE(c.capture.interfaces.empty());
}

TEST(ApplyOverrides, ReadAndInterfaceTogetherKeepBothForTheDaemonToRefuse) {
  const Config c = apply_overrides(
      Config{}, parse_command_line(std::vector<std::string>{"--read", "a.pcap", "--interface", "eth0"}));
  EXPECT_EQ(c.input.files, std::vector<std::string>{"a.pcap"});
  EXPECT_EQ(c.capture.interfaces, std::vector<std::string>{"eth0"});
}

TEST(ApplyOverrides, CaptureOptionsSetTheirKeys) {
  Config base;
  base.capture.snaplen = 256;
  const CommandLine cli = parse_command_line(std::vector<std::string>{
      "--interface", "eth0", "--capture-threads", "4", "--filter", "udp port 53", "--state-file", "/var/lib/s.state",
      "--user", "flowfeat"});
  const Config c = apply_overrides(base, cli);
  EXPECT_EQ(c.capture.threads, 4u);
  EXPECT_EQ(c.capture.filter, "udp port 53");
  EXPECT_EQ(c.standardize.state_file, "/var/lib/s.state");
  EXPECT_EQ(c.process.user, "flowfeat");
  EXPECT_EQ(c.capture.snaplen, 256u);  // not on the command line: the file's value stays
  EXPECT_EQ(apply_overrides(Config{}, parse_command_line(std::vector<std::string>{"--replay-speed", "0.125"}))
                .input.replay_speed,
            0.125);
}

TEST(ApplyOverrides, BadCaptureValuesNameTheOption) {
  const CommandLine cli = parse_command_line(std::vector<std::string>{
      "--interface", "eth0", "eth0/1", "--capture-threads", "0", "--replay-speed", "1000.5"});
  try {
    apply_overrides(Config{}, cli);
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    std::vector<std::string> problems;
    for (const auto& p : e.problems()) problems.push_back(p.text());
    std::sort(problems.begin(), problems.end());  // the order of the options is not the point
    ASSERT_EQ(problems.size(), 3u) << e.what();
    EXPECT_EQ(problems[0], "--capture-threads: \"0\" is out of range (allowed: 1..16)");
    EXPECT_EQ(problems[1].rfind("--interface: \"eth0/1\" is not an interface name", 0), 0u) << problems[1];
    EXPECT_EQ(problems[2].rfind("--replay-speed: \"1000.5\" is out of range", 0), 0u) << problems[2];
  }
}

TEST(ApplyOverrides, NegativeTimeoutIsOutOfRange) {
  const CommandLine cli = parse_command_line(std::vector<std::string>{"--active-timeout", "-5"});
  EXPECT_THROW(apply_overrides(Config{}, cli), ConfigError);
}

}  // namespace
}  // namespace flowfeat
