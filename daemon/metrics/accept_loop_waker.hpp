#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

#include <netinet/in.h>

namespace flowfeat::metrics_detail {

// The HTTP server's accept loop notices that it is being stopped only when its 2 s poll times out
// or a connection arrives, so stopping it would take 2 s. While one of these lives, a thread opens
// and closes a connection to the server every few milliseconds, which ends the stop at once.
// Owned by the thread stopping the server; does nothing if the address cannot be resolved.
class AcceptLoopWaker {
 public:
  // listen_address as given to the server ("host:port", "port", a comma-separated list: the first
  // entry is used); port is the port it is bound to.
  AcceptLoopWaker(const std::string& listen_address, std::uint16_t port);
  ~AcceptLoopWaker();

  AcceptLoopWaker(const AcceptLoopWaker&) = delete;
  AcceptLoopWaker& operator=(const AcceptLoopWaker&) = delete;

 private:
  void knock() const noexcept;

  sockaddr_in target_{};
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace flowfeat::metrics_detail
