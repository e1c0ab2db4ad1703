#include "flowfeat/config/config_override.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace flowfeat {
namespace {

TEST(ConfigOverride, AppliesValuesWithTheFileRules) {
  const Config c = apply_config_overrides(Config{}, {{"flows.idle_timeout", "2.5", "--idle-timeout"},
                                                     {"flows.dpi.enabled", "false", "--no-dpi"},
                                                     {"logging.level", "warn", "--log-level"}});
  EXPECT_EQ(c.flows.idle_timeout_ms, 2'500u);
  EXPECT_FALSE(c.flows.dpi_enabled);
  EXPECT_EQ(c.logging.level, "warn");
  EXPECT_EQ(c.flows.active_timeout_ms, Config{}.flows.active_timeout_ms);
}

TEST(ConfigOverride, NoOverridesKeepTheBase) {
  Config base;
  base.flows.max_flows = 7;
  EXPECT_EQ(apply_config_overrides(base, {}), base);
}

TEST(ConfigOverride, ReportsEveryBadValueByOrigin) {
  try {
    apply_config_overrides(Config{}, {{"flows.max_flows", "0", "--max-flows"},
                                      {"flows.idle_timeout", "soon", "--idle-timeout"},
                                      {"input.progress", "always", "--progress"}});
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.source(), "command line");
    ASSERT_EQ(e.problems().size(), 2u);
    EXPECT_EQ(e.problems()[0].text(), "--max-flows: \"0\" is out of range (allowed: 1..100000000)");
    EXPECT_EQ(e.problems()[1].text(),
              "--idle-timeout: expected a number of seconds, got \"soon\" (allowed: 0.001..86400 seconds)");
    EXPECT_EQ(std::string(e.what()),
              "command line: --max-flows: \"0\" is out of range (allowed: 1..100000000)\n"
              "command line: --idle-timeout: expected a number of seconds, got \"soon\" "
              "(allowed: 0.001..86400 seconds)");
  }
}

TEST(ConfigOverride, UnknownKeyIsABug) {
  EXPECT_THROW(apply_config_overrides(Config{}, {{"flows.nope", "1", "--nope"}}), std::invalid_argument);
  EXPECT_THROW(apply_config_overrides(Config{}, {{"flows", "1", "--flows"}}), std::invalid_argument);
  EXPECT_THROW(apply_config_overrides(Config{}, {{"capture", "eth0", "--capture"}}), std::invalid_argument);
}

TEST(ConfigOverride, ListValuesAreAppendedAndCheckedOneByOne) {
  Config base;
  base.capture.interfaces = {"eth0"};
  const Config c = apply_config_overrides(base, {{"capture.interfaces", "eth1", "--interface"},
                                                 {"capture.interfaces", "wlan0", "--interface"}});
  EXPECT_EQ(c.capture.interfaces, (std::vector<std::string>{"eth0", "eth1", "wlan0"}));
  try {
    apply_config_overrides(Config{}, {{"capture.interfaces", "eth0/1", "--interface"},
                                      {"capture.threads", "17", "--capture-threads"}});
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    ASSERT_EQ(e.problems().size(), 2u);
    EXPECT_EQ(e.problems()[0].text().rfind("--interface: \"eth0/1\" is not an interface name", 0), 0u)
        << e.problems()[0].text();
    EXPECT_EQ(e.problems()[1].text(), "--capture-threads: \"17\" is out of range (allowed: 1..16)");
  }
}

TEST(ConfigOverride, NewSingleKeysTakeTheirValues) {
  const Config c = apply_config_overrides(Config{}, {{"input.replay_speed", "0.25", "--replay-speed"},
                                                     {"capture.filter", "udp port 53", "--filter"},
                                                     {"capture.threads", "3", "--capture-threads"},
                                                     {"standardize.state_file", "/var/lib/s.state", "--state-file"},
                                                     {"process.user", "nobody", "--user"}});
  EXPECT_EQ(c.input.replay_speed, 0.25);
  EXPECT_EQ(c.capture.filter, "udp port 53");
  EXPECT_EQ(c.capture.threads, 3u);
  EXPECT_EQ(c.standardize.state_file, "/var/lib/s.state");
  EXPECT_EQ(c.process.user, "nobody");
}

}  // namespace
}  // namespace flowfeat
