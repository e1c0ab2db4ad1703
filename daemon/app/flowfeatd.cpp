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
#include "flowfeat/metrics/metrics.hpp"
#include "flowfeat/pipeline/offline_replay.hpp"
#include "flowfeat/pipeline/pipeline.hpp"
#include "flowfeat/app/progress_bar.hpp"
#include "flowfeat/app/usage_error.hpp"
#include "flowfeat/capture/pcap_file_source.hpp"
#include "flowfeat/config/config_error.hpp"
#include "flowfeat/config/config_loader.hpp"
#include "flowfeat/sink/schema.hpp"

namespace flowfeat {
namespace {

namespace fs = std::filesystem;

ProgressBar::Mode progress_mode(const std::string& setting) {
  if (setting == "always") return ProgressBar::Mode::kAlways;
  if (setting == "never") return ProgressBar::Mode::kNever;
  return ProgressBar::Mode::kAuto;
}

void print_summary(const PipelineSummary& s, const Config& config,
                   const std::map<std::string, std::uint64_t>& applications) {
  std::printf("flowfeatd: %llu packets read, %llu decoded, %llu ignored; %llu flows in %.2f s (%zu workers)\n",
              static_cast<unsigned long long>(s.packets_read), static_cast<unsigned long long>(s.packets_decoded),
              static_cast<unsigned long long>(s.packets_ignored_total()), static_cast<unsigned long long>(s.records),
              s.seconds, s.shards);
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
  if (s.window.overflow_releases != 0) {
    std::printf("  fan window full %llu times (window.max_flows): some fan metrics are lower bounds\n",
                static_cast<unsigned long long>(s.window.overflow_releases));
  }
  std::vector<std::pair<std::string, std::uint64_t>> top(applications.begin(), applications.end());
  std::stable_sort(top.begin(), top.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (top.size() > 8) top.resize(8);
  if (!top.empty()) {
    std::printf("  top applications:");
    for (const auto& [name, count] : top) std::printf(" %s=%llu", name.c_str(), static_cast<unsigned long long>(count));
    std::printf("\n");
  }
  if (s.files) {
    if (s.files->records_dropped != 0) {
      std::printf("  %llu records could not be written (see the warnings above)\n",
                  static_cast<unsigned long long>(s.files->records_dropped));
    }
    std::printf("records: %llu written to %llu file(s) in %s\n",
                static_cast<unsigned long long>(s.files->records_written),
                static_cast<unsigned long long>(s.files->files_finished), config.output.directory.c_str());
  }
}

// Replays the configured inputs through the pipeline into rotating record files.
int replay_files(const Config& config) {
  if (config.input.files.empty()) {
    spdlog::error("no input: give --read FILE|DIR or input.files in the configuration");
    return kExitBadConfig;
  }
  Metrics metrics(MetricsOptions{.enabled = config.metrics.enabled, .listen_address = config.metrics.listen,
                                 .version = FLOWFEAT_VERSION});
  if (config.metrics.enabled) spdlog::info("metrics on port {} ({})", metrics.port(), config.metrics.listen);
  std::map<std::string, std::uint64_t> applications;
  ProgressBar progress(progress_mode(config.input.progress));
  PipelineOptions options;
  if (config.flows.dpi_enabled) {
    options.consumer = [&](const FeatureRecord& record) { ++applications[std::string(record.flow.application())]; };
  }
  options.progress = [&](const SourceStats& stats, std::uint64_t packets, std::uint64_t active_flows) {
    progress.update(stats.input_bytes_read, stats.input_bytes_total, packets, active_flows);
  };
  Pipeline pipeline(config, metrics, std::move(options));
  std::vector<fs::path> inputs(config.input.files.begin(), config.input.files.end());
  PcapFileSource source(inputs);
  const PipelineSummary summary = pipeline.run(source);
  progress.finish();
  print_summary(summary, config, applications);
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
  try {
    if (command_line.print_schema) {
      std::printf("%s", output_schema(config).to_text().c_str());
      return kExitOk;
    }
    if (command_line.check_config) {
      output_schema(config);  // the columns and the ground-truth file must work too
      std::printf("configuration OK\n");
      return kExitOk;
    }
    return replay_files(config);
  } catch (const PipelineSetupError& e) {
    spdlog::error("{}", e.what());
    return kExitBadConfig;
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return kExitFailure;
  }
}

}  // namespace flowfeat
