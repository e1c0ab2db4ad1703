#pragma once

#include <filesystem>

#include "flowfeat/config/config.hpp"
#include "flowfeat/metrics/metrics.hpp"
#include "flowfeat/sink/output_layout.hpp"
#include "standardize_stage.hpp"

namespace flowfeat::pipeline_detail {

// standardize.state_file, or standardizer.state in output.directory.
std::filesystem::path state_file_path(const Config& config);

// The standardize stage of a run: quantile flags when the records carry the derived features, the
// standardizer when they carry _z columns. keep_state: the state file is loaded at start when it
// exists (its folder made when missing) and saved by the stage; frozen mode always loads it, and
// needs it. A state file that cannot be read or holds markers no estimator can have is refused
// (PipelineSetupError naming the file, line and field); one without quantiles (version 1) or with
// the quantiles of other settings gives a warning, and the quantiles start afresh.
StandardizeStage make_standardize_stage(const Config& config, const OutputLayout& layout, bool keep_state,
                                        StandardizeStage::WallClock clock, Metrics& metrics);

}  // namespace flowfeat::pipeline_detail
