#include "standardize_stage_setup.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "flowfeat/core/numeric_field.hpp"
#include "flowfeat/enrich/quantile_flags.hpp"
#include "flowfeat/pipeline/pipeline.hpp"
#include "flowfeat/standardize/standardize_mode.hpp"
#include "flowfeat/standardize/standardizer.hpp"
#include "flowfeat/standardize/state_file_error.hpp"
#include "pipeline_setup.hpp"

namespace flowfeat::pipeline_detail {
namespace {

[[noreturn]] void refuse(const std::string& problem) {
  throw PipelineSetupError("standardize.state_file: " + problem);
}

StandardizeMode standardize_mode(const StandardizeConfig& standardize) {
  const std::optional<StandardizeMode> mode = parse_standardize_mode(standardize.mode);
  if (!mode) throw PipelineSetupError("standardize.mode: unknown mode \"" + standardize.mode + "\"");
  return *mode;
}

// The state file's contents, when it exists and the run loads it.
std::optional<StandardizerState> read_saved_state(const Config& config, StandardizeMode mode, bool keep_state) {
  const std::filesystem::path path = state_file_path(config);
  std::error_code ec;
  const bool sink_makes_folder = config.output.files && config.standardize.state_file.empty();  // output.directory
  if (keep_state && !sink_makes_folder && path.has_parent_path()) {
    // The state is saved even when no record file is written (output.files: false), so its folder
    // may not exist yet.
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) refuse("cannot create the folder " + path.parent_path().string() + ": " + ec.message());
  }
  const bool exists = std::filesystem::exists(path, ec);
  if (mode == StandardizeMode::kFrozen && !exists) {
    refuse("frozen mode needs the statistics of a state file, and " + path.string() + " does not exist");
  }
  if (!exists || (!keep_state && mode != StandardizeMode::kFrozen)) return std::nullopt;
  try {
    return StandardizerState::read(path, mode);
  } catch (const StateFileError& e) {
    refuse(e.what());
  } catch (const std::system_error& e) {
    refuse(e.what());
  }
}

// Says which configured columns start from zero and which saved ones are dropped: a changed
// standardize.columns carries on the columns it keeps.
void report_column_changes(const std::filesystem::path& path, const StandardizerState& saved,
                           const std::vector<std::string>& columns) {
  std::string fresh;
  std::string dropped;
  for (const std::string& name : columns) {
    const bool found = std::any_of(saved.columns.begin(), saved.columns.end(),
                                   [&](const StandardizerState::Column& c) { return c.name == name; });
    if (!found) fresh += (fresh.empty() ? "" : ", ") + name;
  }
  for (const StandardizerState::Column& column : saved.columns) {
    if (std::find(columns.begin(), columns.end(), column.name) == columns.end()) {
      dropped += (dropped.empty() ? "" : ", ") + column.name;
    }
  }
  if (!fresh.empty()) spdlog::warn("{}: no statistics for {}: they start from zero", path.string(), fresh);
  if (!dropped.empty()) spdlog::warn("{}: statistics of {} are no longer standardized: dropped", path.string(), dropped);
}

// Continues the flags' estimators from the saved ones when they fit.
void restore_quantiles(const std::filesystem::path& path, const StandardizerState& saved, QuantileFlags& flags,
                       std::uint64_t warmup_records) {
  if (!saved.quantiles) {
    spdlog::warn("{} holds no quantiles (a version {} state file): the derived flags' quantiles start afresh",
                 path.string(), saved.version);
    return;
  }
  if (const std::string problem = flags.incompatibility(*saved.quantiles); !problem.empty()) {
    spdlog::warn("{}: the derived flags' quantiles start afresh, as the saved ones belong to other settings: {}",
                 path.string(), problem);
    return;
  }
  try {
    flags.restore(*saved.quantiles);
  } catch (const std::invalid_argument& e) {
    refuse(path.string() + ": " + e.what());
  }
  if (saved.quantiles->warmup_records != warmup_records) {
    spdlog::info("{}: features.quantile_warmup was {} and is now {}: the quantiles carry on, flags are raised once {} "
                 "records are seen in all",
                 path.string(), saved.quantiles->warmup_records, warmup_records, warmup_records);
  }
}

}  // namespace

std::filesystem::path state_file_path(const Config& config) {
  if (!config.standardize.state_file.empty()) return config.standardize.state_file;
  return std::filesystem::path(config.output.directory) / "standardizer.state";
}

StandardizeStage make_standardize_stage(const Config& config, const OutputLayout& layout, bool keep_state,
                                        StandardizeStage::WallClock clock, Metrics& metrics) {
  std::optional<QuantileFlags> flags;
  if (layout.derived) flags.emplace(QuantileFlagsOptions{.warmup_records = config.features.quantile_warmup});
  const StandardizeConfig& s = config.standardize;
  const bool standardizing = !layout.standardized_columns.empty();
  if (!standardizing) {
    return StandardizeStage(std::move(flags), std::nullopt, {}, {}, std::move(clock), metrics);
  }
  const StandardizeMode mode = standardize_mode(s);
  Standardizer standardizer(s.columns, StandardizerOptions{.mode = mode,
                                                          .half_life_records = static_cast<double>(s.half_life_records)});
  std::vector<NumericField> fields = standardized_fields(s);
  const std::filesystem::path path = state_file_path(config);
  if (const std::optional<StandardizerState> saved = read_saved_state(config, mode, keep_state)) {
    report_column_changes(path, *saved, s.columns);
    standardizer.restore(*saved);
    if (flags) restore_quantiles(path, *saved, *flags, config.features.quantile_warmup);
    spdlog::info("standardizer state loaded from {} ({} records; quantiles of {})", path.string(),
                 standardizer.samples(), flags ? flags->samples() : 0);
  }
  return StandardizeStage(std::move(flags), std::move(standardizer), std::move(fields),
                          {.state_file = keep_state ? path : std::filesystem::path(),
                           .save_interval_ms = s.save_interval_ms},
                          std::move(clock), metrics);
}

}  // namespace flowfeat::pipeline_detail
