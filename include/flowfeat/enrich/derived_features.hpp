#pragma once

#include "flowfeat/core/feature_record.hpp"

namespace flowfeat {

// Sets every derived feature of FEATURES.md section 6 that needs no quantile, from the raw flow and
// fan values (never standardized ones), in the formulas' own operation order with epsilon 1e-6 and
// in double precision, so the values match the seed's pandas columns bit for bit. Flags are 1.0 or
// 0.0; counts are exact. The five quantile flags (potential_broadcast_attack,
// suspicious_port_protocol, potential_scan, potential_ddos, potential_exfiltration) are left as
// they are: QuantileFlags owns them. Stateless; safe to call from any number of threads.
void compute_derived(FeatureRecord& record) noexcept;

}  // namespace flowfeat
