#pragma once

#include <coroutine>
#include <cstdint>
#include <exception>
#include <utility>

namespace flowfeat::gen {

// A conversation written as straight-line code: a coroutine that emits the packets due at the
// current time and then suspends with `co_await Script::at(t)` until the scheduler's clock reaches t.
// It starts suspended; the Scheduler resumes it at the time it was spawned for.
class Script {
 public:
  struct promise_type {
    std::int64_t wake_us = 0;
    std::exception_ptr error;

    Script get_return_object() { return Script(std::coroutine_handle<promise_type>::from_promise(*this)); }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { error = std::current_exception(); }
  };
  using Handle = std::coroutine_handle<promise_type>;

  struct WakeAt {
    std::int64_t time_us;
    bool await_ready() const noexcept { return false; }
    void await_suspend(Handle h) const noexcept { h.promise().wake_us = time_us; }
    void await_resume() const noexcept {}
  };

  // Suspends the calling script until time_us (microseconds since the capture start).
  static WakeAt at(std::int64_t time_us) { return WakeAt{time_us}; }

  Script(Script&& other) noexcept : handle_(std::exchange(other.handle_, {})) {}
  Script& operator=(Script&& other) noexcept {
    if (this != &other) {
      if (handle_) handle_.destroy();
      handle_ = std::exchange(other.handle_, {});
    }
    return *this;
  }
  Script(const Script&) = delete;
  Script& operator=(const Script&) = delete;
  ~Script() {
    if (handle_) handle_.destroy();
  }

  // Hands ownership of the coroutine frame to the caller.
  Handle release() noexcept { return std::exchange(handle_, {}); }

 private:
  explicit Script(Handle h) : handle_(h) {}
  Handle handle_;
};

}  // namespace flowfeat::gen
