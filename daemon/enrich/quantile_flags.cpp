#include "flowfeat/enrich/quantile_flags.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <vector>

#include "flowfeat/core/endpoint_class.hpp"
#include "flowfeat/enrich/extended_p_square.hpp"

namespace flowfeat {
namespace {

// The grid of probabilities P² keeps a marker at (percent). Every tracked P is on it, with neighbours
// close around each so the interpolation stays near its rank, and a few far ones that keep the
// markers spread over the whole distribution. Each marker costs time on every record.
constexpr std::array<unsigned, 27> kGridPercents{1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 15, 25,
                                                 50, 75, 85, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99};
constexpr std::size_t kProbabilities = kGridPercents.size();
// Extended P² keeps a marker at each probability, one between each pair of neighbours, plus min and max.
constexpr std::size_t kMarkers = 2 * kProbabilities + 3;

constexpr std::array<double, kProbabilities> kGrid = [] {
  std::array<double, kProbabilities> p{};
  for (std::size_t i = 0; i < kProbabilities; ++i) p[i] = static_cast<double>(kGridPercents[i]) / 100.0;
  return p;
}();

std::size_t grid_index(unsigned percent) noexcept {
  return static_cast<std::size_t>(std::find(kGridPercents.begin(), kGridPercents.end(), percent) -
                                  kGridPercents.begin());
}

// The smallest step the column's values take, to which estimates are rounded.
enum class Resolution : std::uint8_t { kInteger, kMicrosecond };

// Running quantiles of one column.
class ColumnQuantiles {
 public:
  explicit ColumnQuantiles(Resolution resolution)
      : estimator_(kGrid), resolution_(resolution) {}

  void add(double value) noexcept {
    if (count_ < kMarkers) first_[count_] = value;
    ++count_;
    estimator_.add(value);
  }

  const ExtendedPSquare& estimator() const noexcept { return estimator_; }

  // Throws std::invalid_argument (see ExtendedPSquare::restore); nothing changes then.
  void restore(std::uint64_t count, const QuantileState::Column& saved) {
    estimator_.restore(count, saved.heights, saved.positions, saved.desired);
    // Until the markers are all set their heights are the samples so far, as first_ holds them
    // (sorted once the last is in; exact() sorts them anyway).
    const std::size_t kept = static_cast<std::size_t>(std::min<std::uint64_t>(count, kMarkers));
    std::copy(saved.heights.begin(), saved.heights.begin() + static_cast<std::ptrdiff_t>(kept), first_.begin());
    count_ = count;
  }

  double quantile(unsigned percent) const noexcept {
    if (count_ == 0) return 0.0;
    if (count_ <= kMarkers) return exact(percent);
    const double estimate = estimator_.quantile(grid_index(percent));
    // On integer data no value lies between an estimate and its rounding, so this never moves the
    // estimate's rank away from P, and it puts estimates that hover beside a tied value onto it.
    return resolution_ == Resolution::kInteger ? std::round(estimate) : std::round(estimate * 1000.0) / 1000.0;
  }

 private:
  // Smallest value whose empirical CDF reaches P, over the few values seen so far.
  double exact(unsigned percent) const noexcept {
    std::array<double, kMarkers> sorted;
    const auto n = static_cast<std::ptrdiff_t>(count_);
    std::copy(first_.begin(), first_.begin() + n, sorted.begin());
    std::sort(sorted.begin(), sorted.begin() + n);
    const std::uint64_t rank = (percent * count_ + 99) / 100;  // ceil(P * n), at least 1
    return sorted[static_cast<std::size_t>(rank) - 1];
  }

  ExtendedPSquare estimator_;
  std::array<double, kMarkers> first_{};
  std::uint64_t count_ = 0;
  Resolution resolution_;
};

enum Column : std::uint8_t { kPackets, kFanOutDst, kDuration, kFanInDst, kMeanPiat, kBytes, kColumnCount };

// The record column behind each estimator, as the state file names it.
constexpr std::array<const char*, kColumnCount> kColumnNames{"bidirectional_packets",     "fan_out_dst",
                                                             "bidirectional_duration_ms", "fan_in_dst",
                                                             "bidirectional_mean_piat_ms", "bidirectional_bytes"};

constexpr std::array<Column, kTrackedQuantileCount> kColumnOf{kPackets,  kPackets,  kPackets,  kFanOutDst,
                                                              kDuration, kFanInDst, kMeanPiat, kBytes};

}  // namespace

struct QuantileFlags::Estimators {
  std::array<ColumnQuantiles, kColumnCount> columns{
      ColumnQuantiles(Resolution::kInteger),     ColumnQuantiles(Resolution::kInteger),
      ColumnQuantiles(Resolution::kInteger),     ColumnQuantiles(Resolution::kInteger),
      ColumnQuantiles(Resolution::kMicrosecond), ColumnQuantiles(Resolution::kInteger)};
};

QuantileFlags::QuantileFlags(QuantileFlagsOptions options)
    : options_(options), estimators_(std::make_unique<Estimators>()) {}

QuantileFlags::~QuantileFlags() = default;
QuantileFlags::QuantileFlags(QuantileFlags&&) noexcept = default;
QuantileFlags& QuantileFlags::operator=(QuantileFlags&&) noexcept = default;

std::uint64_t QuantileFlags::samples() const noexcept { return samples_; }

double QuantileFlags::estimate(TrackedQuantile which) const noexcept {
  const auto index = static_cast<std::size_t>(which);
  return estimators_->columns[kColumnOf[index]].quantile(kTrackedQuantiles[index].percent);
}

QuantileState QuantileFlags::state() const {
  QuantileState state;
  state.records = samples_;
  state.warmup_records = options_.warmup_records;
  state.percents.assign(kGridPercents.begin(), kGridPercents.end());
  for (std::size_t c = 0; c < kColumnCount; ++c) {
    const ExtendedPSquare& estimator = estimators_->columns[c].estimator();
    state.columns.push_back({kColumnNames[c],
                             {estimator.heights().begin(), estimator.heights().end()},
                             {estimator.positions().begin(), estimator.positions().end()},
                             {estimator.desired_positions().begin(), estimator.desired_positions().end()}});
  }
  return state;
}

std::string QuantileFlags::incompatibility(const QuantileState& state) const {
  if (!std::equal(state.percents.begin(), state.percents.end(), kGridPercents.begin(), kGridPercents.end())) {
    return "its estimators keep markers at other probabilities";
  }
  if (state.columns.size() != kColumnCount) {
    return "it tracks " + std::to_string(state.columns.size()) + " columns where " + std::to_string(kColumnCount) +
           " are tracked";
  }
  for (std::size_t c = 0; c < kColumnCount; ++c) {
    if (state.columns[c].name != kColumnNames[c]) {
      return "it tracks column '" + state.columns[c].name + "' where '" + kColumnNames[c] + "' is tracked";
    }
  }
  return {};
}

void QuantileFlags::restore(const QuantileState& state) {
  if (const std::string problem = incompatibility(state); !problem.empty()) {
    throw std::invalid_argument("quantiles: " + problem);
  }
  // Restored into a copy first, so that a bad column leaves every estimator as it was.
  auto restored = std::make_unique<Estimators>(*estimators_);
  for (std::size_t c = 0; c < kColumnCount; ++c) {
    try {
      restored->columns[c].restore(state.records, state.columns[c]);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("quantile " + state.columns[c].name + ": " + e.what());
    }
  }
  estimators_ = std::move(restored);
  samples_ = state.records;
}

void QuantileFlags::apply(FeatureRecord& record) noexcept {
  const FlowRecord& f = record.flow;
  const auto packets = static_cast<double>(f.bidirectional_packets);
  const auto duration = static_cast<double>(f.bidirectional_duration_ms());
  const auto bytes = static_cast<double>(f.bidirectional_bytes);
  const double mean_piat = f.bidirectional_piat_ms.mean;
  auto& columns = estimators_->columns;
  columns[kPackets].add(packets);
  columns[kFanOutDst].add(record.fans.fan_out_dst);
  columns[kDuration].add(duration);
  columns[kFanInDst].add(record.fans.fan_in_dst);
  columns[kMeanPiat].add(mean_piat);
  columns[kBytes].add(bytes);
  ++samples_;

  bool broadcast = false;
  bool suspicious = false;
  bool scan = false;
  bool ddos = false;
  bool exfiltration = false;
  if (samples_ >= options_.warmup_records) {
    const double packets_q95 = estimate(TrackedQuantile::kPacketsP95);
    const double packets_q05 = estimate(TrackedQuantile::kPacketsP05);
    broadcast = ip_class(f.dst_ip) == IpClass::kD && packets > packets_q95;
    suspicious = f.protocol == 17 && port_class(f.dst_port) == PortClass::kWellKnown &&
                 packets < estimate(TrackedQuantile::kPacketsP10);
    scan = record.fans.fan_out_dst > estimate(TrackedQuantile::kFanOutDstP95) && packets < packets_q05 &&
           duration < estimate(TrackedQuantile::kDurationP05);
    ddos = record.fans.fan_in_dst > estimate(TrackedQuantile::kFanInDstP95) && packets > packets_q95 &&
           mean_piat < estimate(TrackedQuantile::kMeanPiatP05);
    exfiltration = bytes > estimate(TrackedQuantile::kBytesP95) && f.dst2src_ps.mean < f.src2dst_ps.mean * 0.1;
  }
  record.derived_value(DerivedFeature::kPotentialBroadcastAttack) = broadcast ? 1.0 : 0.0;
  record.derived_value(DerivedFeature::kSuspiciousPortProtocol) = suspicious ? 1.0 : 0.0;
  record.derived_value(DerivedFeature::kPotentialScan) = scan ? 1.0 : 0.0;
  record.derived_value(DerivedFeature::kPotentialDdos) = ddos ? 1.0 : 0.0;
  record.derived_value(DerivedFeature::kPotentialExfiltration) = exfiltration ? 1.0 : 0.0;
}

}  // namespace flowfeat
