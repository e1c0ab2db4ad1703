#include "accept_loop_waker.hpp"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <system_error>

namespace flowfeat::metrics_detail {
namespace {

constexpr auto kKnockInterval = std::chrono::milliseconds(5);

// The IPv4 address to reach a server listening on host; a wildcard host is reached on loopback.
bool resolve(std::string host, std::uint16_t port, sockaddr_in& out) {
  if (host.empty() || host == "0.0.0.0") host = "127.0.0.1";
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0 || found == nullptr) return false;
  std::memcpy(&out, found->ai_addr, sizeof out);
  ::freeaddrinfo(found);
  out.sin_port = htons(port);
  return true;
}

}  // namespace

AcceptLoopWaker::AcceptLoopWaker(const std::string& listen_address, std::uint16_t port) {
  const std::string first = listen_address.substr(0, listen_address.find(','));
  const std::size_t colon = first.rfind(':');
  const std::string host = colon == std::string::npos ? "" : first.substr(0, colon);
  if (port == 0 || !resolve(host, port, target_)) return;
  try {
    thread_ = std::thread([this] {
      while (!done_.load()) {
        knock();
        std::this_thread::sleep_for(kKnockInterval);
      }
    });
  } catch (const std::system_error&) {
    // No thread: the stop just takes its 2 s.
  }
}

AcceptLoopWaker::~AcceptLoopWaker() {
  done_.store(true);
  if (thread_.joinable()) thread_.join();
}

void AcceptLoopWaker::knock() const noexcept {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  ::connect(fd, reinterpret_cast<const sockaddr*>(&target_), sizeof target_);
  ::close(fd);
}

}  // namespace flowfeat::metrics_detail
