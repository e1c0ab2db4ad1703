#pragma once

#include <cstdint>

namespace flowfeat {

// What one client may hold of the metrics endpoint. Connections are served by one thread polling
// them all (epoll), so an idle or slow connection costs a descriptor, not a thread: the bounds
// are there to keep descriptors for the scrapers.
struct EndpointLimits {
  // A connection whose first request (TLS handshake, request line, headers and any body) has not
  // all arrived this long after it was accepted is closed, however slowly it trickles in. Whole
  // seconds.
  std::uint32_t request_timeout_s = 5;
  // A connection that sends nothing for this long is closed, a kept-alive one waiting for its next
  // request included. Whole seconds.
  std::uint32_t inactivity_timeout_s = 10;
  // Connections open at once; beyond it a new one is closed as soon as it is accepted.
  std::uint32_t max_connections = 1000;
  // Connections open at once from one client address; beyond it a new one is closed at once.
  std::uint32_t max_connections_per_client = 16;

  friend bool operator==(const EndpointLimits&, const EndpointLimits&) = default;
};

}  // namespace flowfeat
