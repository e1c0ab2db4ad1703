// ServiceNotifier against a stand-in for systemd's notify socket: keep-alives flow only while the
// pipeline shows progress, so a stalled pipeline gets restarted.
#include "flowfeat/app/service_notifier.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "temp_folder.hpp"

namespace flowfeat {
namespace {

std::uint64_t steady_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::steady_clock::now().time_since_epoch())
                                        .count());
}

// A datagram socket where sd_notify sends; the environment points at it while the object lives.
class NotifySocket {
 public:
  explicit NotifySocket(const std::filesystem::path& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    path.string().copy(address.sun_path, sizeof(address.sun_path) - 1);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    ::setenv("NOTIFY_SOCKET", path.c_str(), 1);
  }
  ~NotifySocket() {
    ::unsetenv("NOTIFY_SOCKET");
    ::unsetenv("WATCHDOG_USEC");
    ::close(fd_);
  }

  // Every message received so far, joined.
  std::string drain() {
    std::string all;
    char buffer[512];
    for (ssize_t n; (n = ::recv(fd_, buffer, sizeof(buffer), 0)) > 0;) all.append(buffer, static_cast<std::size_t>(n)) += ';';
    return all;
  }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(ServiceNotifier, ReadyAndStoppingReachTheServiceManager) {
  testing::TempFolder folder;
  NotifySocket socket(folder.path() / "notify");
  ServiceNotifier notifier;
  notifier.ready("capturing");
  notifier.stopping("draining");
  const std::string messages = socket.drain();
  EXPECT_NE(messages.find("READY=1\nSTATUS=capturing"), std::string::npos) << messages;
  EXPECT_NE(messages.find("STOPPING=1\nSTATUS=draining"), std::string::npos) << messages;
}

TEST(ServiceNotifier, KeepAlivesOnlyWhileThePipelineMakesProgress) {
  testing::TempFolder folder;
  NotifySocket socket(folder.path() / "notify");
  ::setenv("WATCHDOG_USEC", "100000", 1);  // 100 ms: a keep-alive every 50 ms
  std::atomic<std::uint64_t> last_progress{steady_ms()};
  std::atomic<bool> progressing{true};
  std::jthread pipeline([&](std::stop_token stop) {
    while (!stop.stop_requested()) {
      if (progressing) last_progress = steady_ms();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  ServiceNotifier notifier;
  notifier.start_watchdog([&] { return last_progress.load(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  const std::size_t while_running = count(socket.drain(), "WATCHDOG=1");
  EXPECT_GE(while_running, 4u);

  progressing = false;  // the pipeline stalls
  std::this_thread::sleep_for(std::chrono::milliseconds(150));  // beyond one period
  socket.drain();
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_EQ(count(socket.drain(), "WATCHDOG=1"), 0u) << "keep-alives went on without progress";

  progressing = true;
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_GE(count(socket.drain(), "WATCHDOG=1"), 2u) << "keep-alives did not resume with progress";
  notifier.stop_watchdog();
}

TEST(ServiceNotifier, NoWatchdogRequestedSendsNothing) {
  testing::TempFolder folder;
  NotifySocket socket(folder.path() / "notify");
  ServiceNotifier notifier;
  notifier.start_watchdog([] { return steady_ms(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(count(socket.drain(), "WATCHDOG=1"), 0u);
}

}  // namespace
}  // namespace flowfeat
