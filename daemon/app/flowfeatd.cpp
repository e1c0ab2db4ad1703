#include "flowfeat/app/flowfeatd.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "flowfeat/app/capture_inputs.hpp"
#include "flowfeat/app/command_line.hpp"
#include "flowfeat/app/metrics_settings.hpp"
#include "flowfeat/app/privileges.hpp"
#include "flowfeat/app/service_notifier.hpp"
#include "flowfeat/app/signal_watcher.hpp"
#include "flowfeat/capture/live_pcap_source.hpp"
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
  if (s.packets_dropped + s.kernel_drops + s.interface_drops != 0) {
    std::printf("  dropped: %llu by the kernel, %llu by the interface, %llu with the pipeline full\n",
                static_cast<unsigned long long>(s.kernel_drops), static_cast<unsigned long long>(s.interface_drops),
                static_cast<unsigned long long>(s.packets_dropped));
  }
  if (!config.capture.interfaces.empty()) {
    std::printf("  capture: %.4f %% of the frames lost; the kernel ring at most %.1f %% full; a frame read at most "
                "%.3f s after it arrived\n",
                100.0 * s.capture_loss_ratio(), 100.0 * s.ring_fill_peak,
                static_cast<double>(s.backlog_peak_ms) / 1000.0);
  }
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
  if (!config.labels.file.empty()) {
    const LabelMatchStats& l = s.labels;
    std::printf("  labels: %llu flows matched a row of the ground truth (%llu of them several rows), %llu matched none\n",
                static_cast<unsigned long long>(l.one_row + l.several_rows),
                static_cast<unsigned long long>(l.several_rows), static_cast<unsigned long long>(l.unmatched));
    if (const std::optional<std::string> mismatch = l.time_mismatch()) std::printf("  labels: %s\n", mismatch->c_str());
  }
  std::printf("  CPU seconds by stage:");
  for (std::size_t i = 0; i < kPipelineStageCount; ++i) {
    std::printf(" %s %.3f", std::string(kPipelineStageNames[i]).c_str(), s.stage_cpu_seconds[i]);
  }
  std::printf("\n");
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
    if (s.files->files_recovered + s.files->files_set_aside != 0) {
      std::printf("  left by an earlier run: %llu file(s) finished, %llu set aside in recovered/\n",
                  static_cast<unsigned long long>(s.files->files_recovered),
                  static_cast<unsigned long long>(s.files->files_set_aside));
    }
    std::printf("records: %llu written to %llu file(s) in %s\n",
                static_cast<unsigned long long>(s.files->records_written),
                static_cast<unsigned long long>(s.files->files_finished), config.output.directory.c_str());
  }
  if (s.kafka) {
    const KafkaStats& k = *s.kafka;
    std::printf("kafka: %llu records delivered to topic %s of %s (%llu produced, %llu bytes before compression)\n",
                static_cast<unsigned long long>(k.delivered), config.output.kafka.topic.c_str(),
                config.output.kafka.brokers.c_str(), static_cast<unsigned long long>(k.produced),
                static_cast<unsigned long long>(k.message_bytes));
    if (k.lost() != 0) {
      std::printf("  kafka: %llu records lost: %llu failed, %llu undelivered at the end, %llu dropped\n",
                  static_cast<unsigned long long>(k.lost()), static_cast<unsigned long long>(k.failed),
                  static_cast<unsigned long long>(k.undelivered), static_cast<unsigned long long>(k.dropped));
    }
  }
  if (s.records_lost() != 0) {
    std::printf("LOST: %llu of %llu records did not reach every output (exit status %d)\n",
                static_cast<unsigned long long>(s.records_lost()), static_cast<unsigned long long>(s.records),
                kExitRecordsLost);
  }
}

// The pipeline the signal handlers act on, once it exists.
class RunningPipeline {
 public:
  void set(Pipeline* pipeline, bool stop_already_requested) {
    std::lock_guard lock(mutex_);
    pipeline_ = pipeline;
    if (pipeline_ != nullptr && stop_already_requested) pipeline_->request_stop();
  }
  template <typename Action>
  void with(Action action) {
    std::lock_guard lock(mutex_);
    if (pipeline_ != nullptr) action(*pipeline_);
  }

 private:
  std::mutex mutex_;
  Pipeline* pipeline_ = nullptr;
};

void reload_labels(Pipeline& pipeline, const Config& config) {
  if (config.labels.file.empty()) return;
  try {
    pipeline.reload_labels();
    spdlog::info("SIGHUP: labels reloaded from {}", config.labels.file);
  } catch (const PipelineSetupError& e) {
    spdlog::error("SIGHUP: labels not reloaded, the previous ones stay in use: {}", e.what());
  }
}

// Reads the endpoint's certificate, key and users again: a rotated certificate is served from now on.
void reload_metrics_security(Metrics& metrics, const Config& config) {
  if (!config.metrics.enabled) return;
  try {
    metrics.reload_security(metrics_security(config.metrics));
    spdlog::info("SIGHUP: metrics endpoint reloaded (TLS certificate and key, users)");
  } catch (const std::exception& e) {
    spdlog::error("SIGHUP: metrics endpoint not reloaded, the previous settings stay in use: {}", e.what());
  }
}

// The endpoint's TLS files and password hashes work (a configuration error otherwise, logged).
bool metrics_security_usable(const Config& config) {
  if (!config.metrics.enabled) return true;
  try {
    check_endpoint_security(metrics_security(config.metrics));
    return true;
  } catch (const std::runtime_error& e) {
    spdlog::error("{}", e.what());
    return false;
  }
}

// The descriptors the metrics endpoint may hold beside the rest of the process: the soft limit is
// raised towards the hard one (systemd and shells start services at 1024).
void make_room_for_connections(const Config& config) {
  if (!config.metrics.enabled) return;
  constexpr rlim_t kOtherDescriptors = 256;  // captures, record files, Kafka, the graph's threads
  const rlim_t wanted = config.metrics.max_connections + kOtherDescriptors;
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= wanted) return;
  const rlim_t before = limit.rlim_cur;
  limit.rlim_cur = std::min(wanted, limit.rlim_max);
  if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) limit.rlim_cur = before;
  if (limit.rlim_cur < wanted) {
    spdlog::warn("metrics.max_connections {} needs about {} open files; the limit is {}", config.metrics.max_connections,
                 wanted, limit.rlim_cur);
  }
}

// Runs the configured source (files, paced files or interfaces) through the pipeline into rotating
// record files until the input ends or a stop signal, then drains.
int run_capture(const Config& config) {
  if (auto problem = capture_source_problem(config, true)) {
    spdlog::error("{}", *problem);
    return kExitBadConfig;
  }
  check_outputs(config);
  ServiceNotifier notifier;
  RunningPipeline running;
  Metrics* live_metrics = nullptr;  // set before the pipeline is running, read only through running.with
  SignalWatcher signals({
      .on_stop =
          [&] {
            spdlog::info("stop requested: ending every flow and finishing the files (send it again to exit at once)");
            notifier.stopping("draining");
            running.with([](Pipeline& p) { p.request_stop(); });
          },
      .on_second_stop =
          [] {
            spdlog::warn("second stop signal: exiting without draining; unfinished files stay hidden (.partial) "
                         "and are recovered at the next start");
            std::_Exit(kExitAborted);
          },
      .on_hangup =
          [&] {
            spdlog::info("SIGHUP: finishing the current record file");
            running.with([&](Pipeline& p) {
              p.request_rotation();
              reload_labels(p, config);
              reload_metrics_security(*live_metrics, config);
            });
          },
  });

  CaptureInputs capture(config);  // opens the interfaces: the only step that needs privileges
  if (capture.live() || !config.process.user.empty()) drop_privileges(config.process.user, config.process.group);

  make_room_for_connections(config);
  if (!metrics_security_usable(config)) return kExitBadConfig;  // as the user that serves, after the drop
  Metrics metrics(metrics_options(config));
  live_metrics = &metrics;
  if (config.metrics.enabled) spdlog::info("metrics on port {} ({})", metrics.port(), config.metrics.listen);
  std::map<std::string, std::uint64_t> applications;
  ProgressBar progress(capture.live() ? ProgressBar::Mode::kNever : progress_mode(config.input.progress));
  PipelineOptions options;
  options.admission = capture.admission();
  if (config.flows.dpi_enabled) {
    options.consumer = [&](const FeatureRecord& record) { ++applications[std::string(record.flow.application())]; };
  }
  options.progress = [&](const SourceStats& stats, std::uint64_t packets, std::uint64_t active_flows) {
    progress.update(stats.input_bytes_read, stats.input_bytes_total, packets, active_flows);
  };
  Pipeline pipeline(config, metrics, std::move(options));
  running.set(&pipeline, signals.stop_requested());
  const std::string what = capture.live() ? "capturing on " + std::to_string(capture.inputs().size()) + " socket(s)"
                                          : "replaying files";
  spdlog::info("{} with {} workers", what, pipeline.shards());
  notifier.ready(what);
  notifier.start_watchdog([&pipeline] { return pipeline.last_progress_ms(); });
  PipelineSummary summary;
  try {
    summary = pipeline.run(capture.inputs());
  } catch (...) {
    notifier.stop_watchdog();
    running.set(nullptr, false);
    throw;
  }
  notifier.stop_watchdog();
  running.set(nullptr, false);
  progress.finish();
  print_summary(summary, config, applications);
  if (capture.live() && !signals.stop_requested()) {
    spdlog::error("the capture ended by itself (see above); records of every flow were written");
    return kExitFailure;
  }
  if (summary.records_lost() != 0) {
    spdlog::error("{} record(s) were lost (see above)", summary.records_lost());
    return kExitRecordsLost;
  }
  return capture.files() != nullptr && capture.files()->had_unreadable_input() ? kExitInputUnreadable : kExitOk;
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
      check_outputs(config);
      if (!metrics_security_usable(config)) return kExitBadConfig;
      if (auto problem = capture_source_problem(config, false)) {
        spdlog::error("{}", *problem);
        return kExitBadConfig;
      }
      std::printf("configuration OK\n");
      return kExitOk;
    }
    return run_capture(config);
  } catch (const PipelineSetupError& e) {
    spdlog::error("{}", e.what());
    return kExitBadConfig;
  } catch (const OutputUnavailableError& e) {
    spdlog::error("{}", e.what());
    return kExitFailure;
  } catch (const CaptureOpenError& e) {
    spdlog::error("{}", e.what());
    return kExitFailure;
  } catch (const PrivilegeError& e) {
    spdlog::error("{}", e.what());
    return kExitFailure;
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return kExitFailure;
  }
}

}  // namespace flowfeat
