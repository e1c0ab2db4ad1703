// libFuzzer target for the standardizer's state file (standardize.state_file): any bytes either
// read into a state that writes back and reads again to the same state, or throw StateFileError.
#include <cstddef>
#include <cstdint>

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
  return true;
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
  return 0;
}
