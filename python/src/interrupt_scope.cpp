#include "interrupt_scope.hpp"

#include <signal.h>

#include <array>
#include <atomic>
#include <mutex>

namespace flowfeat::python {
namespace {

// A pipeline the handler may stop. busy counts handlers using it, so a scope ends only once no
// handler holds its pointer.
struct Slot {
  std::atomic<Pipeline*> pipeline{nullptr};
  std::atomic<int> busy{0};
  std::atomic<bool> interrupted{false};
};

std::array<Slot, InterruptScope::kMaxScopes> slots;
constexpr std::size_t kNoSlot = InterruptScope::kMaxScopes;

std::mutex install_mutex;  // scopes begin and end under it; the handler never takes it
std::size_t live_scopes = 0;
struct sigaction previous {};
std::atomic<bool> installed{false};

void pass_on(int signal, siginfo_t* info, void* context) {
  if ((previous.sa_flags & SA_SIGINFO) != 0) {
    if (previous.sa_sigaction != nullptr) previous.sa_sigaction(signal, info, context);
  } else if (previous.sa_handler == SIG_DFL) {
    ::sigaction(signal, &previous, nullptr);
    ::raise(signal);
  } else if (previous.sa_handler != SIG_IGN && previous.sa_handler != nullptr) {
    previous.sa_handler(signal);
  }
}

void on_interrupt(int signal, siginfo_t* info, void* context) {
  bool stopped_now = false;
  for (Slot& slot : slots) {
    slot.busy.fetch_add(1);
    if (Pipeline* pipeline = slot.pipeline.load(); pipeline != nullptr && !slot.interrupted.exchange(true)) {
      pipeline->request_stop();  // signal-safe
      stopped_now = true;
    }
    slot.busy.fetch_sub(1);
  }
  if (!stopped_now) pass_on(signal, info, context);  // nothing left to stop: the usual Ctrl-C
}

}  // namespace

InterruptScope::InterruptScope(Pipeline& pipeline) : slot_(kNoSlot) {
  std::lock_guard lock(install_mutex);
  for (std::size_t i = 0; i < slots.size(); ++i) {
    if (slots[i].pipeline.load() == nullptr) {
      slots[i].interrupted.store(false);
      slots[i].pipeline.store(&pipeline);
      slot_ = i;
      break;
    }
  }
  if (slot_ == kNoSlot) return;
  if (live_scopes++ == 0) {
    struct sigaction action {};
    action.sa_sigaction = on_interrupt;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    if (::sigaction(SIGINT, &action, &previous) == 0) installed.store(true);
  }
}

InterruptScope::~InterruptScope() {
  if (slot_ == kNoSlot) return;
  std::lock_guard lock(install_mutex);
  slots[slot_].pipeline.store(nullptr);
  while (slots[slot_].busy.load() != 0) {
  }
  if (--live_scopes == 0 && installed.exchange(false)) {
    // Put the earlier handler back, unless someone replaced ours in the meantime.
    struct sigaction current {};
    if (::sigaction(SIGINT, nullptr, &current) == 0 && (current.sa_flags & SA_SIGINFO) != 0 &&
        current.sa_sigaction == on_interrupt) {
      ::sigaction(SIGINT, &previous, nullptr);
    }
  }
}

bool InterruptScope::interrupted() const noexcept {
  return slot_ != kNoSlot && slots[slot_].interrupted.load();
}

}  // namespace flowfeat::python
