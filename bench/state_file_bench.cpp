// flowfeat-state-file-bench [FOLDER]: the state file of the default configuration (every default
// standardized column, the six quantile estimators of the derived flags) after a million records of
// random traffic-like values, saved and loaded 50 times in FOLDER (default the temporary folder);
// prints the file's size and the median and slowest time to save it (taking the state, writing,
// fsync, rename, fsync of the folder) and to load it (reading, parsing, restoring both parts), and
// the size and save time of the statistics alone (a version 1 file).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "flowfeat/core/feature_record.hpp"
#include "flowfeat/core/standardized_columns.hpp"
#include "flowfeat/enrich/quantile_flags.hpp"
#include "flowfeat/standardize/standardizer.hpp"
#include "flowfeat/standardize/standardizer_state.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

void print(const char* what, std::vector<double> times) {
  std::sort(times.begin(), times.end());
  std::printf("%-5s median %.3f ms, slowest %.3f ms (%zu times)\n", what, times[times.size() / 2], times.back(),
              times.size());
}

}  // namespace

int main(int argc, char** argv) {
  const std::filesystem::path folder = argc > 1 ? argv[1] : std::filesystem::temp_directory_path();
  const std::filesystem::path path = folder / ("flowfeat-state-bench-" + std::to_string(::getpid()));
  const std::vector<std::string> columns = flowfeat::default_standardized_columns();
  flowfeat::Standardizer standardizer(columns, {});
  flowfeat::QuantileFlags flags(flowfeat::QuantileFlagsOptions{});
  std::mt19937_64 random(1);
  std::lognormal_distribution<double> size(2.0, 1.6);
  std::vector<double> raw(columns.size());
  std::vector<double> z(columns.size());
  flowfeat::FeatureRecord record;
  for (int i = 0; i < 1'000'000; ++i) {
    record.flow.bidirectional_packets = static_cast<std::uint64_t>(1 + size(random));
    record.flow.bidirectional_bytes = record.flow.bidirectional_packets * (40 + random() % 1400);
    record.flow.bidirectional_last_seen_ms = record.flow.bidirectional_first_seen_ms + random() % 100000;
    record.flow.bidirectional_piat_ms.mean = size(random);
    record.fans.fan_out_dst = static_cast<std::uint32_t>(size(random));
    record.fans.fan_in_dst = static_cast<std::uint32_t>(size(random));
    flags.apply(record);
    for (double& x : raw) x = size(random);
    standardizer.transform(raw, z);
  }

  // The statistics alone, as a version 1 file held them, for comparison.
  std::vector<double> statistics_ms;
  for (int i = 0; i < 50; ++i) {
    const auto saving = Clock::now();
    standardizer.state().write(path);
    statistics_ms.push_back(ms_since(saving));
  }
  const auto statistics_bytes = std::filesystem::file_size(path);

  std::vector<double> save_ms;
  std::vector<double> load_ms;
  for (int i = 0; i < 50; ++i) {
    const auto saving = Clock::now();
    flowfeat::StandardizerState state = standardizer.state();
    state.quantiles = flags.state();
    state.write(path);
    save_ms.push_back(ms_since(saving));

    const auto loading = Clock::now();
    const flowfeat::StandardizerState read = flowfeat::StandardizerState::read(path, flowfeat::StandardizeMode::kRunning);
    flowfeat::Standardizer loaded(columns, {});
    loaded.restore(read);
    flowfeat::QuantileFlags restored(flowfeat::QuantileFlagsOptions{});
    restored.restore(*read.quantiles);
    load_ms.push_back(ms_since(loading));
  }
  std::printf("state file: %ju bytes (%zu standardized columns, %zu quantile estimators), in %s\n",
              static_cast<std::uintmax_t>(std::filesystem::file_size(path)), columns.size(),
              flags.state().columns.size(), folder.c_str());
  print("save", save_ms);
  std::printf("the statistics alone: %ju bytes, ", static_cast<std::uintmax_t>(statistics_bytes));
  print("save", statistics_ms);
  print("load", load_ms);
  std::filesystem::remove(path);
  return 0;
}
