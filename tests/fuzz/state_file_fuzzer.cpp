// libFuzzer target for the standardizer's state file (standardize.state_file): any bytes either
// read into a state that writes back and reads again to the same state, or throw StateFileError.
// The quantiles of a state that reads are restored into the derived flags' estimators, which either
// take them or refuse them with std::invalid_argument, and then go on taking records.
#include <cstddef>
#include <cstdint>
#include <stdexcept>

#include "flowfeat/enrich/quantile_flags.hpp"
#include "flowfeat/standardize/standardizer_state.hpp"
#include "flowfeat/standardize/state_file_error.hpp"
#include "fuzz_input_file.hpp"

namespace {

bool same(const flowfeat::StandardizerState& a, const flowfeat::StandardizerState& b) {
  if (a.mode != b.mode || a.samples != b.samples || a.columns.size() != b.columns.size()) return false;
  for (std::size_t i = 0; i < a.columns.size(); ++i) {
    const auto& x = a.columns[i];
    const auto& y = b.columns[i];
    if (x.name != y.name || x.count != y.count) return false;
    // Bit for bit: the file keeps doubles exactly (NaN compares by its bits too).
    for (const auto& [p, q] : {std::pair{x.mean, y.mean}, {x.mean_low, y.mean_low}, {x.m2, y.m2}, {x.var, y.var}}) {
      if (__builtin_memcmp(&p, &q, sizeof p) != 0) return false;
    }
  }
  if (a.quantiles.has_value() != b.quantiles.has_value()) return false;
  if (!a.quantiles) return true;
  const auto& p = *a.quantiles;
  const auto& q = *b.quantiles;
  if (p.records != q.records || p.warmup_records != q.warmup_records || p.percents != q.percents ||
      p.columns.size() != q.columns.size()) {
    return false;
  }
  for (std::size_t i = 0; i < p.columns.size(); ++i) {
    const auto& x = p.columns[i];
    const auto& y = q.columns[i];
    if (x.name != y.name) return false;
    for (const auto& [u, v] : {std::pair{&x.heights, &y.heights}, {&x.positions, &y.positions}, {&x.desired, &y.desired}}) {
      if (u->size() != v->size() || __builtin_memcmp(u->data(), v->data(), u->size() * sizeof(double)) != 0) return false;
    }
  }
  return true;
}

// Restores the quantiles, then feeds a few records through the estimators (any sanitizer report is
// a crash).
void restore_quantiles(const flowfeat::QuantileState& quantiles) {
  flowfeat::QuantileFlags flags(flowfeat::QuantileFlagsOptions{.warmup_records = 0});
  try {
    flags.restore(quantiles);
  } catch (const std::invalid_argument&) {
    return;
  }
  if (flags.samples() != quantiles.records) __builtin_trap();
  flowfeat::FeatureRecord record;
  for (std::uint64_t packets : {1, 3, 1000000}) {
    record.flow.bidirectional_packets = packets;
    flags.apply(record);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const FuzzInputFile input("state");
  static const FuzzInputFile rewritten("state-again");
  flowfeat::StandardizerState state;
  try {
    state = flowfeat::StandardizerState::read(input.write(data, size), flowfeat::StandardizeMode::kFrozen);
  } catch (const flowfeat::StateFileError&) {
    return 0;
  }
  const std::string& again = rewritten.write(nullptr, 0);
  state.write(again);
  if (!same(state, flowfeat::StandardizerState::read(again, flowfeat::StandardizeMode::kFrozen))) __builtin_trap();
  if (state.quantiles) restore_quantiles(*state.quantiles);
  return 0;
}
