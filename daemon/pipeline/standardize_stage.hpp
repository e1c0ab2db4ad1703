#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <vector>

#include "flowfeat/core/numeric_field.hpp"
#include "flowfeat/enrich/quantile_flags.hpp"
#include "flowfeat/metrics/metrics.hpp"
#include "flowfeat/standardize/standardizer.hpp"
#include "slot.hpp"

namespace flowfeat::pipeline_detail {

// The order-dependent part of enrichment, in record order: the quantile estimates and the flags they
// raise, then the online standardization. The standardizer's statistics and the quantile estimators
// are saved together to the state file now and then (wall clock) and at the end of the stream
// (never in frozen mode). Owned by one serial graph node; not thread-safe.
class StandardizeStage {
 public:
  using WallClock = std::function<std::uint64_t()>;

  struct Persistence {
    std::filesystem::path state_file;  // empty: never saved
    std::uint64_t save_interval_ms = 60'000;
  };

  // flags is empty when the records carry no derived features, standardizer when standardization
  // is off; fields[i] feeds its column i.
  StandardizeStage(std::optional<QuantileFlags> flags, std::optional<Standardizer> standardizer,
                   std::vector<NumericField> fields,
                   Persistence persistence, WallClock clock, Metrics& metrics);

  void process(Slot& slot);

  // Saves the statistics and the quantiles now (shutdown). Throws std::system_error naming the file.
  void save();

  const Standardizer* standardizer() const noexcept { return standardizer_ ? &*standardizer_ : nullptr; }
  const QuantileFlags* quantile_flags() const noexcept { return flags_ ? &*flags_ : nullptr; }

 private:
  std::optional<QuantileFlags> flags_;
  std::optional<Standardizer> standardizer_;
  std::vector<NumericField> fields_;
  std::vector<double> raw_;
  Persistence persistence_;
  WallClock clock_;
  std::uint64_t last_save_ms_;
  Gauge& samples_;
};

}  // namespace flowfeat::pipeline_detail
