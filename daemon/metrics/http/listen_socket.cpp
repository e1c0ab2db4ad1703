#include "listen_socket.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace flowfeat::metrics_detail {
namespace {

// Connections the kernel completes before the server accepts them; a burst of scanners waits
// there instead of being refused.
constexpr int kBacklog = 1024;

[[noreturn]] void fail(const std::string& address, const std::string& reason) {
  throw std::runtime_error("metrics: cannot listen on \"" + address + "\": " + reason);
}

}  // namespace

ListenSocket::ListenSocket(const std::string& address) {
  const std::size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon + 1 == address.size()) fail(address, "expected host:port");
  const std::string host = address.substr(0, colon);
  const std::string service = address.substr(colon + 1);
  if (host.find_first_of("[]") != std::string::npos) fail(address, "the endpoint is IPv4 only");
  if (service.size() > 5 || service.find_first_not_of("0123456789") != std::string::npos || std::stoul(service) > 65535) {
    fail(address, "the port must be a number from 0 to 65535");
  }
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (const int error = ::getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &found);
      error != 0) {
    fail(address, ::gai_strerror(error));
  }
  sockaddr_in bound{};
  std::memcpy(&bound, found->ai_addr, sizeof bound);
  ::freeaddrinfo(found);

  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) fail(address, std::strerror(errno));
  const int on = 1;
  ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);  // restart at once over TIME_WAITs
  socklen_t length = sizeof bound;
  if (::bind(fd_, reinterpret_cast<const sockaddr*>(&bound), sizeof bound) != 0 || ::listen(fd_, kBacklog) != 0 ||
      ::getsockname(fd_, reinterpret_cast<sockaddr*>(&bound), &length) != 0) {
    const std::string reason = std::strerror(errno);
    ::close(fd_);
    fail(address, reason);
  }
  port_ = ntohs(bound.sin_port);
}

ListenSocket::~ListenSocket() { ::close(fd_); }

}  // namespace flowfeat::metrics_detail
