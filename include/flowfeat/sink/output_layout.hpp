#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "flowfeat/sink/schema.hpp"

namespace flowfeat {

// Which column groups an output record carries beyond the flow record (groups 1-4), and the names
// of the data-dependent ones. The stages that fill a FeatureRecord and the formatters that write it
// share one layout, so bit i of FeatureRecord::one_hot and standardized[i] mean the same column to
// both. A plain value; build it at startup, then share it read-only.
struct OutputLayout {
  bool fans = true;                               // group 5: the four FanMetrics (uint)
  bool label = false;                             // group 6: `label` (uint 0/1)
  bool attack_cat = false;                        // group 6: `attack_cat` (string)
  std::vector<std::string> encoding_columns;      // group 7, in FeatureRecord::one_hot bit order (uint 0/1)
  bool derived = true;                            // the 21 kDerivedFeatures in order: kRatio float, kCount
                                                  // uint, kFlag uint 0/1
  std::vector<std::string> standardized_columns;  // source names; output "<name>_z" (float) from
                                                  // FeatureRecord::standardized[i]
  std::string sensor = "sensor";                  // the last column, `sensor`: this value in every record
                                                  // (sensor.id; letters, digits and . _ - : only)

  // Every group on, label and attack_cat included, with encoding_columns(kDefaultOneHotProtocols) and
  // default_standardized_columns(): the layout the README's column table shows.
  static OutputLayout full_default();

  // Schema::flow_record() followed by the enabled groups, in the order above, every column
  // described, and `sensor` last (so the positions of the other columns never move). Throws
  // std::invalid_argument when there are more than 64 encoding columns (one_hot has 64 bits), more
  // than kMaxStandardizedColumns standardized ones, a name is empty, duplicated or needs CSV
  // quoting, or sensor is empty, longer than 64 characters or holds another character.
  Schema schema() const;

  friend bool operator==(const OutputLayout&, const OutputLayout&) = default;
};


}  // namespace flowfeat
