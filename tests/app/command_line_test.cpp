#include "flowfeat/app/command_line.hpp"

#include <gtest/gtest.h>

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
  EXPECT_EQ(usage_error_of({"--read", "a.pcap", ""}), "--read got an empty path");
  EXPECT_EQ(usage_error_of({"--no-dpi=yes"}), "--no-dpi takes no value");
  EXPECT_EQ(usage_error_of({"--idle-timeout", "1", "--idle-timeout", "2"}), "--idle-timeout given more than once");
}

TEST(CommandLine, UsageTextListsEveryOption) {
  const std::string text = usage_text();
  for (const char* option : {"--config", "--read", "--output", "--check-config", "--print-schema", "--version",
                             "--help", "--idle-timeout", "--active-timeout", "--no-dpi", "--max-flows",
                             "--progress", "--workers", "--format", "--labels", "--metrics-listen", "--no-metrics"}) {
    EXPECT_NE(text.find(option), std::string::npos) << option;
  }
}

TEST(ApplyOverrides, NothingGivenKeepsTheFileValues) {
  Config base;
  base.flows.max_flows = 77;
  base.input.files = {"from-file.pcap"};
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

TEST(ApplyOverrides, NegativeTimeoutIsOutOfRange) {
  const CommandLine cli = parse_command_line(std::vector<std::string>{"--active-timeout", "-5"});
  EXPECT_THROW(apply_overrides(Config{}, cli), ConfigError);
}

}  // namespace
}  // namespace flowfeat
