#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace flowfeat {

// The running quantiles behind the derived flags as plain numbers: QuantileFlags (enrich) takes and
// restores them, the state file (standardize) saves and reads them beside the standardizer's
// statistics. A value type in core, so that neither module needs the other.
struct QuantileState {
  // One extended P² estimator: 2 × percents.size() + 3 markers, each with its height and its actual
  // and desired positions, exactly as the estimator holds them.
  struct Column {
    std::string name;  // the record column it tracks; no whitespace, not empty
    std::vector<double> heights;
    std::vector<double> positions;
    std::vector<double> desired;
  };

  std::uint64_t records = 0;         // records every estimator has seen
  std::uint64_t warmup_records = 0;  // features.quantile_warmup of the run that saved it
  std::vector<unsigned> percents;    // the probabilities of the estimators' markers, in percent
  std::vector<Column> columns;
};

}  // namespace flowfeat
