#include "flowfeat/app/metrics_settings.hpp"

#include <stdexcept>

#include "flowfeat/metrics/http/web_config_file.hpp"

namespace flowfeat {

EndpointSecurity metrics_security(const MetricsConfig& config) {
  const bool inline_settings =
      !config.tls_cert_file.empty() || !config.tls_key_file.empty() || !config.basic_auth.empty();
  if (config.web_config_file.empty()) {
    return EndpointSecurity{
        .cert_file = config.tls_cert_file, .key_file = config.tls_key_file, .users = config.basic_auth};
  }
  if (inline_settings) {
    throw std::runtime_error(
        "metrics.web_config_file and metrics.tls / metrics.basic_auth are both set: use one or the other");
  }
  return read_web_config_file(config.web_config_file);
}

MetricsOptions metrics_options(const Config& config) {
  const MetricsConfig& metrics = config.metrics;
  MetricsOptions options{.enabled = metrics.enabled,
                         .listen_address = metrics.listen,
                         .limits = {.request_timeout_s = metrics.request_timeout_s,
                                    .inactivity_timeout_s = metrics.inactivity_timeout_s,
                                    .max_connections = metrics.max_connections,
                                    .max_connections_per_client = metrics.max_connections_per_client},
                         .version = FLOWFEAT_VERSION};
  if (metrics.enabled) options.security = metrics_security(metrics);
  return options;
}

}  // namespace flowfeat
