#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace flowfeat::metrics_detail {

// The HTTP server's own timeout is one of inactivity: a client sending a header byte now and then
// ("slowloris") would keep its connection for ever. This closes a connection whose request has
// not arrived within a deadline from its accept (TLS handshake included): a thread of its own
// shuts its socket down, which the server sees as the client leaving. Every call but the
// constructor's and destructor's comes from the server's thread.
class RequestDeadline {
 public:
  explicit RequestDeadline(std::chrono::milliseconds limit);
  ~RequestDeadline();

  RequestDeadline(const RequestDeadline&) = delete;
  RequestDeadline& operator=(const RequestDeadline&) = delete;

  void started(int fd);  // accepted
  void arrived(int fd);  // its request is in: no deadline from now on
  void closed(int fd);   // the server closes it: called before the descriptor is closed

 private:
  using Clock = std::chrono::steady_clock;
  void watch();

  const std::chrono::milliseconds limit_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::unordered_map<int, Clock::time_point> waiting_;  // descriptor -> its deadline
  std::thread thread_;
};

}  // namespace flowfeat::metrics_detail
