#pragma once

#include <string>

#include "flowfeat/metrics/http/endpoint_security.hpp"

namespace flowfeat {

// Reads the web configuration file of Prometheus exporters (exporter-toolkit's web-config.yml):
//   tls_server_config: {cert_file: ..., key_file: ...}
//   basic_auth_users: {name: hash, ...}
// Relative paths are relative to the file's folder, as exporter-toolkit takes them. A key this
// endpoint does not implement (client certificates, cipher suites, HTTP headers...) is refused
// rather than ignored, so a setting never silently does nothing. Throws std::runtime_error naming
// the file and the problem. The files it names are not opened here (check_endpoint_security).
EndpointSecurity read_web_config_file(const std::string& path);

}  // namespace flowfeat
