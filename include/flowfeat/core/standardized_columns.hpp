#pragma once

#include <string>
#include <vector>

namespace flowfeat {

// The columns standardized when the configuration does not list them (record specification §7):
// every continuous column of the counters, statistics, fan and derived groups — measurements, not
// identifiers, timestamps or 0/1 flags — in record order.
std::vector<std::string> default_standardized_columns();

}  // namespace flowfeat
