#pragma once

#include "flowfeat/standardize/standardize_mode.hpp"

namespace flowfeat {

// Settings of a Standardizer, fixed at construction.
struct StandardizerOptions {
  StandardizeMode mode = StandardizeMode::kRunning;
  // ewm only: after this many records a sample's weight has halved. Must be finite and > 0 (checked
  // in every mode, so a bad value is caught before someone switches to ewm).
  double half_life_records = 10000.0;
};

}  // namespace flowfeat
