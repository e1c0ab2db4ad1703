#include "flowfeat/app/signal_watcher.hpp"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <system_error>

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
  signals_ = ::signalfd(-1, &set, SFD_CLOEXEC);
  wake_ = ::eventfd(0, EFD_CLOEXEC);
  if (signals_ < 0 || wake_ < 0) {
    const int error = errno;
    if (signals_ >= 0) ::close(signals_);
    if (wake_ >= 0) ::close(wake_);
    throw std::system_error(error, std::generic_category(), "cannot watch signals");
  }
  thread_ = std::jthread([this] { watch(); });
}

// The thread sleeps in poll() until a signal arrives or the destructor wakes it: a stop costs no
// wait for a timeout.
SignalWatcher::~SignalWatcher() {
  const std::uint64_t one = 1;
  [[maybe_unused]] const ssize_t written = ::write(wake_, &one, sizeof one);
  thread_.join();
  ::close(signals_);
  ::close(wake_);
}

void SignalWatcher::watch() {
  for (;;) {
    pollfd fds[2] = {{.fd = signals_, .events = POLLIN, .revents = 0}, {.fd = wake_, .events = POLLIN, .revents = 0}};
    if (::poll(fds, 2, -1) < 0) continue;  // EINTR
    if (fds[1].revents != 0) return;
    signalfd_siginfo info{};
    if (::read(signals_, &info, sizeof info) != static_cast<ssize_t>(sizeof info)) continue;
    const auto signal = static_cast<int>(info.ssi_signo);
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
