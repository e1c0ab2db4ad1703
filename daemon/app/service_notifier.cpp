#include "flowfeat/app/service_notifier.hpp"

#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include <condition_variable>
#include <mutex>
#include <string>

#include "flowfeat/core/clock_now.hpp"

namespace flowfeat {
namespace {

void notify(const std::string& message) { sd_notify(0, message.c_str()); }

}  // namespace

ServiceNotifier::~ServiceNotifier() = default;

void ServiceNotifier::stop_watchdog() {
  if (watchdog_.joinable()) {
    watchdog_.request_stop();
    watchdog_.join();
  }
}

void ServiceNotifier::ready(std::string_view status) { notify("READY=1\nSTATUS=" + std::string(status)); }

void ServiceNotifier::stopping(std::string_view status) { notify("STOPPING=1\nSTATUS=" + std::string(status)); }

void ServiceNotifier::status(std::string_view status) { notify("STATUS=" + std::string(status)); }

bool ServiceNotifier::watchdog_requested(std::chrono::microseconds& period) {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return false;
  period = std::chrono::microseconds(usec);
  return true;
}

void ServiceNotifier::start_watchdog(ProgressProbe probe) {
  std::chrono::microseconds period{};
  if (!watchdog_requested(period)) return;
  const auto period_ms = static_cast<std::uint64_t>(period.count() / 1000);
  spdlog::info("watchdog: keep-alive every {} ms while the pipeline makes progress", period_ms / 2);
  watchdog_ = std::jthread([probe = std::move(probe), period, period_ms](std::stop_token stop) {
    std::mutex mutex;
    std::condition_variable_any wake;
    bool stalled_logged = false;
    while (!stop.stop_requested()) {
      if (steady_clock_ms() - probe() < period_ms) {
        notify("WATCHDOG=1");
        stalled_logged = false;
      } else if (!stalled_logged) {
        spdlog::error("watchdog: no progress for {} ms; keep-alives stop", steady_clock_ms() - probe());
        stalled_logged = true;
      }
      std::unique_lock lock(mutex);
      wake.wait_for(lock, stop, period / 2, [] { return false; });
    }
  });
}

}  // namespace flowfeat
