#pragma once

#include <string>

#include "flowfeat/metrics/http/endpoint_limits.hpp"
#include "flowfeat/metrics/http/endpoint_security.hpp"

namespace flowfeat {

// How Metrics publishes: whether it serves HTTP, where and to whom, and the version it reports.
struct MetricsOptions {
  // false: handles still count, into a registry nobody serves (text() still renders it).
  bool enabled = true;
  // host:port of the /metrics endpoint; port 0 takes a free port (see Metrics::port()). IPv4.
  std::string listen_address = "127.0.0.1:9877";
  // Timeouts and connection bounds of the endpoint.
  EndpointLimits limits = {};
  // TLS and basic auth; empty: plain HTTP, anyone who reaches the address.
  EndpointSecurity security = {};
  // The version label of flowfeat_build_info; empty: the project version this library was built as.
  std::string version = {};
};

}  // namespace flowfeat
