// flowfeat-quantile-check CAPTURE [WARMUP]: how far the running quantile estimates behind the flags
// (potential_scan, potential_ddos, ...) stray from the exact quantiles of the records seen so far.
// The capture is replayed through the pipeline as flowfeatd does; the records, in output order, go
// through a second QuantileFlags exactly as the standardize stage feeds its own, and every 500
// records after the warm-up each estimate's rank in the exact empirical distribution is compared
// with its P. Prints the worst rank error per tracked quantile (target: at most 0.01).
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "flowfeat/capture/pcap_file_source.hpp"
#include "flowfeat/core/numeric_field.hpp"
#include "flowfeat/enrich/quantile_flags.hpp"
#include "flowfeat/enrich/tracked_quantile.hpp"
#include "flowfeat/pipeline/pipeline.hpp"

namespace {

using namespace flowfeat;

// Distance from p to the interval of ranks [F(x-), F(x)] that the value x covers in sorted.
double rank_error(const std::vector<double>& sorted, double x, double p) {
  const auto n = static_cast<double>(sorted.size());
  const double below = static_cast<double>(std::lower_bound(sorted.begin(), sorted.end(), x) - sorted.begin()) / n;
  const double at_or_below =
      static_cast<double>(std::upper_bound(sorted.begin(), sorted.end(), x) - sorted.begin()) / n;
  if (p < below) return below - p;
  if (p > at_or_below) return p - at_or_below;
  return 0.0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: %s CAPTURE [WARMUP]\n", argc > 0 ? argv[0] : "flowfeat-quantile-check");
    return 2;
  }
  const std::uint64_t warmup = argc == 3 ? std::strtoull(argv[2], nullptr, 10) : Config{}.features.quantile_warmup;
  Config config;
  config.pipeline.workers = 2;
  Metrics metrics(MetricsOptions{.enabled = false});

  std::array<std::vector<double>, kTrackedQuantileCount> values;
  std::array<NumericField, kTrackedQuantileCount> fields{
      *NumericField::find("bidirectional_packets"),      *NumericField::find("bidirectional_packets"),
      *NumericField::find("bidirectional_packets"),      *NumericField::find("fan_out_dst"),
      *NumericField::find("bidirectional_duration_ms"),  *NumericField::find("fan_in_dst"),
      *NumericField::find("bidirectional_mean_piat_ms"), *NumericField::find("bidirectional_bytes")};
  std::array<double, kTrackedQuantileCount> worst{};
  QuantileFlags flags(QuantileFlagsOptions{.warmup_records = warmup});
  double estimator_seconds = 0;
  std::uint64_t records = 0, checks = 0;

  Pipeline pipeline(config, metrics,
                    {.write_files = false, .consumer = [&](const FeatureRecord& r) {
                       FeatureRecord copy = r;
                       const auto started = std::chrono::steady_clock::now();
                       flags.apply(copy);
                       estimator_seconds +=
                           std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
                       ++records;
                       for (std::size_t i = 0; i < kTrackedQuantileCount; ++i) {
                         values[i].push_back(fields[i].read(r));
                       }
                       if (records < warmup || records % 500 != 0) return;
                       ++checks;
                       for (std::size_t i = 0; i < kTrackedQuantileCount; ++i) {
                         std::vector<double> sorted = values[i];
                         std::sort(sorted.begin(), sorted.end());
                         const double estimate = flags.estimate(static_cast<TrackedQuantile>(i));
                         const double p = kTrackedQuantiles[i].percent / 100.0;
                         worst[i] = std::max(worst[i], rank_error(sorted, estimate, p));
                       }
                     }});
  PcapFileSource source({argv[1]});
  pipeline.run(source);
  std::printf("records %llu, warm-up %llu, checkpoints %llu, estimator %.2f us per record\n",
              static_cast<unsigned long long>(records), static_cast<unsigned long long>(warmup),
              static_cast<unsigned long long>(checks),
              records ? 1e6 * estimator_seconds / static_cast<double>(records) : 0.0);
  bool within = true;
  for (std::size_t i = 0; i < kTrackedQuantileCount; ++i) {
    std::printf("q%02u(%s) worst rank error %.4f\n", static_cast<unsigned>(kTrackedQuantiles[i].percent),
                std::string(kTrackedQuantiles[i].column).c_str(), worst[i]);
    within = within && worst[i] <= 0.01;
  }
  std::printf("%s\n", within ? "every estimate within one percentile rank" : "some estimate strays beyond one rank");
  return within ? 0 : 1;
}
