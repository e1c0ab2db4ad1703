#pragma once

#include "flowfeat/config/config.hpp"
#include "flowfeat/metrics/http/endpoint_security.hpp"
#include "flowfeat/metrics/metrics_options.hpp"

namespace flowfeat {

// The metrics endpoint's TLS and users: read from metrics.web_config_file when it is set, from
// metrics.tls and metrics.basic_auth otherwise (both set is refused). Read again at each SIGHUP.
// Throws std::runtime_error naming the setting or file and the problem.
EndpointSecurity metrics_security(const MetricsConfig& config);

// Everything Metrics takes from the configuration, security included (as metrics_security).
MetricsOptions metrics_options(const Config& config);

}  // namespace flowfeat
