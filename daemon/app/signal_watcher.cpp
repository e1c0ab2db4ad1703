#include "flowfeat/app/signal_watcher.hpp"

#include <pthread.h>
#include <signal.h>

#include <cerrno>
#include <ctime>

namespace flowfeat {
namespace {

sigset_t watched_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

SignalWatcher::SignalWatcher(Handlers handlers) : handlers_(std::move(handlers)) {
  const sigset_t set = watched_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  thread_ = std::jthread([this](std::stop_token stop) { watch(stop); });
}

SignalWatcher::~SignalWatcher() {
  thread_.request_stop();
  thread_.join();
}

// sigtimedwait with a short timeout, so the destructor's stop request is seen.
void SignalWatcher::watch(std::stop_token stop) {
  const sigset_t set = watched_signals();
  const timespec timeout{0, 200'000'000};
  while (!stop.stop_requested()) {
    const int signal = sigtimedwait(&set, nullptr, &timeout);
    if (signal < 0) continue;  // EAGAIN (timeout) or EINTR
    if (signal == SIGHUP) {
      if (handlers_.on_hangup) handlers_.on_hangup();
    } else if (stops_.fetch_add(1) == 0) {
      if (handlers_.on_stop) handlers_.on_stop();
    } else if (handlers_.on_second_stop) {
      handlers_.on_second_stop();
    }
  }
}

}  // namespace flowfeat
