#pragma once

#include <atomic>
#include <functional>
#include <thread>

namespace flowfeat {

// Turns the process's signals into calls on an ordinary thread, so the handlers may log, load files
// and take locks: SIGTERM/SIGINT call on_stop the first time and on_second_stop after that; SIGHUP
// calls on_hangup. The constructor blocks these signals in the calling thread, and so in every
// thread started after it: build it first, before any other thread exists.
class SignalWatcher {
 public:
  struct Handlers {
    std::function<void()> on_stop;
    std::function<void()> on_second_stop;
    std::function<void()> on_hangup;
  };

  explicit SignalWatcher(Handlers handlers);
  // Stops watching; the signals stay blocked.
  ~SignalWatcher();

  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  bool stop_requested() const noexcept { return stops_.load() > 0; }

 private:
  void watch();

  Handlers handlers_;
  std::atomic<int> stops_{0};
  int signals_ = -1;  // signalfd of the watched signals
  int wake_ = -1;     // eventfd the destructor writes to end the thread
  std::jthread thread_;
};

}  // namespace flowfeat
