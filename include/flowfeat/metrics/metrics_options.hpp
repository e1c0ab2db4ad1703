#pragma once

#include <string>

namespace flowfeat {

// How Metrics publishes: whether it serves HTTP, where, and the version it reports.
struct MetricsOptions {
  // false: handles still count, into a registry nobody serves (text() still renders it).
  bool enabled = true;
  // host:port of the /metrics endpoint; port 0 takes a free port (see Metrics::port()). IPv4 only
  // when the HTTP server was built without IPv6, as Debian 12's is.
  std::string listen_address = "127.0.0.1:9877";
  // The version label of flowfeat_build_info; empty: the project version this library was built as.
  std::string version = {};
};

}  // namespace flowfeat
