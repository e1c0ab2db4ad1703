#include "scheduler.hpp"

#include <algorithm>
#include <stdexcept>

namespace flowfeat::gen {
namespace {

struct Later {
  template <typename E>
  bool operator()(const E& a, const E& b) const noexcept {
    return a.time_us != b.time_us ? a.time_us > b.time_us : a.order > b.order;
  }
};

}  // namespace

Scheduler::~Scheduler() {
  for (const Entry& e : heap_) e.handle.destroy();
}

void Scheduler::push(std::int64_t time_us, Script::Handle handle) {
  heap_.push_back(Entry{time_us, next_order_++, handle});
  std::push_heap(heap_.begin(), heap_.end(), Later{});
}

void Scheduler::spawn(Script script, std::int64_t time_us) {
  if (time_us < now_us_) throw std::logic_error("script spawned in the past");
  push(time_us, script.release());
}

void Scheduler::run(std::int64_t end_us) {
  while (!heap_.empty()) {
    std::pop_heap(heap_.begin(), heap_.end(), Later{});
    const Entry e = heap_.back();
    heap_.pop_back();
    if (e.time_us > end_us) {
      e.handle.destroy();
      ++truncated_;
      continue;
    }
    now_us_ = e.time_us;
    e.handle.resume();
    auto& promise = e.handle.promise();
    if (promise.error) {
      const std::exception_ptr error = promise.error;
      e.handle.destroy();
      std::rethrow_exception(error);
    }
    if (e.handle.done()) {
      e.handle.destroy();
      continue;
    }
    if (promise.wake_us < now_us_) {
      e.handle.destroy();
      throw std::logic_error("script asked to wake in the past");
    }
    if (promise.wake_us > end_us) {
      e.handle.destroy();
      ++truncated_;
      continue;
    }
    push(promise.wake_us, e.handle);
  }
}

}  // namespace flowfeat::gen
