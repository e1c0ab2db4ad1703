#include "flowfeat/app/flowfeatd.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "flowfeat/app/command_line.hpp"
#include "flowfeat/pipeline/offline_replay.hpp"
#include "flowfeat/app/progress_bar.hpp"
#include "flowfeat/app/usage_error.hpp"
#include "flowfeat/capture/pcap_file_source.hpp"
#include "flowfeat/config/config_error.hpp"
#include "flowfeat/config/config_loader.hpp"
#include "flowfeat/sink/csv_writer.hpp"
#include "flowfeat/sink/schema.hpp"

namespace flowfeat {
namespace {

namespace fs = std::filesystem;

ProgressBar::Mode progress_mode(const std::string& setting) {
  if (setting == "always") return ProgressBar::Mode::kAlways;
  if (setting == "never") return ProgressBar::Mode::kNever;
  return ProgressBar::Mode::kAuto;
}

void print_summary(const ReplaySummary& s, const fs::path& output, std::uint64_t records,
                   const std::map<std::string, std::uint64_t>& applications) {
  std::printf("flowfeatd: %llu packets read, %llu decoded, %llu ignored; %llu flows in %.2f s\n",
              static_cast<unsigned long long>(s.packets_read), static_cast<unsigned long long>(s.packets_decoded),
              static_cast<unsigned long long>(s.packets_ignored_total()), static_cast<unsigned long long>(records),
              s.seconds);
  for (std::size_t i = 1; i < s.packets_ignored.size(); ++i) {
    if (s.packets_ignored[i] == 0) continue;
    std::printf("  ignored %-28s %llu\n", std::string(to_string(static_cast<DecodeStatus>(i))).c_str(),
                static_cast<unsigned long long>(s.packets_ignored[i]));
  }
  std::printf("  flows ended: idle %llu, active %llu, evicted %llu; at most %llu open at once\n",
              static_cast<unsigned long long>(s.flows.flows_ended_idle),
              static_cast<unsigned long long>(s.flows.flows_ended_active),
              static_cast<unsigned long long>(s.flows.flows_evicted),
              static_cast<unsigned long long>(s.flows.peak_active_flows));
  std::vector<std::pair<std::string, std::uint64_t>> top(applications.begin(), applications.end());
  std::stable_sort(top.begin(), top.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (top.size() > 8) top.resize(8);
  if (!top.empty()) {
    std::printf("  top applications:");
    for (const auto& [name, count] : top) std::printf(" %s=%llu", name.c_str(), static_cast<unsigned long long>(count));
    std::printf("\n");
  }
  std::printf("records: %s\n", output.string().c_str());
}

// Replays the configured inputs into one CSV file, written under a temporary name and renamed
// when complete so no reader ever sees a partial file.
int replay_to_csv(const Config& config) {
  if (config.input.files.empty()) {
    spdlog::error("no input: give --read FILE|DIR or input.files in the configuration");
    return kExitBadConfig;
  }
  const fs::path directory(config.output.directory);
  std::error_code ec;
  fs::create_directories(directory, ec);
  if (ec) {
    spdlog::error("output directory {}: {}", directory.string(), ec.message());
    return kExitFailure;
  }
  const fs::path final_path = directory / "flows.csv";
  const fs::path partial_path = directory / ".flows.csv.partial";

  std::vector<fs::path> inputs(config.input.files.begin(), config.input.files.end());
  PcapFileSource source(inputs);
  CsvWriter writer(partial_path);
  std::map<std::string, std::uint64_t> applications;
  ProgressBar progress(progress_mode(config.input.progress));
  const ReplaySummary summary = replay(
      config, source,
      [&](const FlowRecord& record) {
        writer.write(record);
        if (config.flows.dpi_enabled) ++applications[std::string(record.application())];
      },
      [&](const SourceStats& stats, std::uint64_t packets, std::uint64_t active_flows) {
        progress.update(stats.input_bytes_read, stats.input_bytes_total, packets, active_flows);
      });
  progress.finish();
  writer.close();
  fs::rename(partial_path, final_path);
  print_summary(summary, final_path, writer.records_written(), applications);
  return source.had_unreadable_input() ? kExitInputUnreadable : kExitOk;
}

}  // namespace

int run_flowfeatd(int argc, const char* const* argv) {
  spdlog::set_default_logger(spdlog::stderr_color_st("flowfeatd"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  Config config;
  CommandLine command_line;
  try {
    command_line = parse_command_line(argc, argv);
    if (command_line.help) {
      std::printf("%s", usage_text().c_str());
      return kExitOk;
    }
    if (command_line.version) {
      std::printf("flowfeatd %s\n", FLOWFEAT_VERSION);
      return kExitOk;
    }
    if (command_line.print_schema) {
      std::printf("%s", Schema::flow_record().to_text().c_str());
      return kExitOk;
    }
    if (command_line.config_file) config = load_config_file(*command_line.config_file);
    config = apply_overrides(config, command_line);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "flowfeatd: %s\n\n%s", e.what(), usage_text().c_str());
    return kExitBadConfig;
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "flowfeatd: %s\n", e.what());
    return kExitBadConfig;
  }
  spdlog::set_level(spdlog::level::from_str(config.logging.level));
  if (command_line.check_config) {
    std::printf("configuration OK\n");
    return kExitOk;
  }
  try {
    return replay_to_csv(config);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return kExitFailure;
  }
}

}  // namespace flowfeat
