#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string_view>
#include <thread>

namespace flowfeat {

// Tells the service manager (systemd, Type=notify) how the daemon is doing: READY once capture runs,
// STOPPING while it drains, STATUS lines, and WATCHDOG keep-alives. Without a service manager
// (NOTIFY_SOCKET unset) every call does nothing. Thread-safe.
class ServiceNotifier {
 public:
  // Returns the steady-clock ms of the pipeline's last progress (Pipeline::last_progress_ms).
  using ProgressProbe = std::function<std::uint64_t()>;

  ServiceNotifier() = default;
  ~ServiceNotifier();
  ServiceNotifier(const ServiceNotifier&) = delete;
  ServiceNotifier& operator=(const ServiceNotifier&) = delete;

  void ready(std::string_view status);
  void stopping(std::string_view status);
  void status(std::string_view status);

  // When the service manager asked for a watchdog (WatchdogSec), pings it every half period as long
  // as probe shows progress within the period; a stalled pipeline stops the pings and the service
  // manager restarts the daemon. Call once.
  void start_watchdog(ProgressProbe probe);

  // Stops the keep-alives (before what the probe reads goes away).
  void stop_watchdog();

  // True when the service manager asked for keep-alives; the period is then in period.
  static bool watchdog_requested(std::chrono::microseconds& period);

 private:
  std::jthread watchdog_;
};

}  // namespace flowfeat
