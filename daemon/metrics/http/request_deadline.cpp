#include "request_deadline.hpp"

#include <sys/socket.h>

namespace flowfeat::metrics_detail {
namespace {

// How often the deadlines are looked at: a connection is cut at most this late.
constexpr auto kCheckInterval = std::chrono::milliseconds(100);

}  // namespace

RequestDeadline::RequestDeadline(std::chrono::milliseconds limit) : limit_(limit), thread_([this] { watch(); }) {}

RequestDeadline::~RequestDeadline() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void RequestDeadline::started(int fd) {
  std::lock_guard lock(mutex_);
  waiting_[fd] = Clock::now() + limit_;
}

void RequestDeadline::arrived(int fd) {
  std::lock_guard lock(mutex_);
  waiting_.erase(fd);
}

void RequestDeadline::closed(int fd) { arrived(fd); }

void RequestDeadline::watch() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, kCheckInterval, [this] { return stopping_; })) {
    const Clock::time_point now = Clock::now();
    for (auto it = waiting_.begin(); it != waiting_.end();) {
      if (it->second > now) {
        ++it;
        continue;
      }
      // Still open: closed() erases it, under this lock, before the descriptor is closed.
      ::shutdown(it->first, SHUT_RDWR);
      it = waiting_.erase(it);
    }
  }
}

}  // namespace flowfeat::metrics_detail
