#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "flowfeat/metrics/http/endpoint_limits.hpp"
#include "flowfeat/metrics/http/endpoint_security.hpp"
#include "listen_socket.hpp"

struct MHD_Daemon;

namespace flowfeat::metrics_detail {

class EndpointCredentials;

// Serves GET /metrics with libmicrohttpd: one thread polls every connection (epoll), so idle and
// slow clients cost descriptors, bounded by EndpointLimits, never the thread a scrape needs.
// HTTPS (GnuTLS) and basic auth as EndpointSecurity says. Any other path is 404, any other method
// 405; requests too large for kRequestMemory are refused by the server (431/414).
class HttpEndpoint {
 public:
  using Body = std::function<std::string()>;

  // Throws std::runtime_error naming the address or the file and the reason.
  HttpEndpoint(const std::string& listen_address, const EndpointLimits& limits, const EndpointSecurity& security,
               Body body);
  ~HttpEndpoint();

  HttpEndpoint(const HttpEndpoint&) = delete;
  HttpEndpoint& operator=(const HttpEndpoint&) = delete;

  std::uint16_t port() const noexcept { return socket_.port(); }

  // Serves with new certificate, key and users from the same socket: new connections get them,
  // connections open on the old settings are closed. When the new files do not work, throws
  // std::runtime_error and the old settings go on serving (when even they cannot start again,
  // nothing serves rather than less protected).
  void reload(const EndpointSecurity& security);

 private:
  struct Server;
  std::unique_ptr<Server> start(const EndpointSecurity& security);

  ListenSocket socket_;
  EndpointLimits limits_;
  Body body_;
  EndpointSecurity security_;  // what server_ serves with
  std::mutex mutex_;           // one reload at a time
  std::unique_ptr<Server> server_;
};

}  // namespace flowfeat::metrics_detail
