#pragma once

#include <cstdint>
#include <string>

namespace flowfeat::metrics_detail {

// A listening TCP socket on an IPv4 "host:port" (port 0: a free one), owned here so the server on
// it can be replaced without closing it. Throws std::runtime_error naming the address and reason.
class ListenSocket {
 public:
  explicit ListenSocket(const std::string& address);
  ~ListenSocket();

  ListenSocket(const ListenSocket&) = delete;
  ListenSocket& operator=(const ListenSocket&) = delete;

  int fd() const noexcept { return fd_; }
  std::uint16_t port() const noexcept { return port_; }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

}  // namespace flowfeat::metrics_detail
