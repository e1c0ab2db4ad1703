#include "flowfeat/config/config_override.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

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

TEST(ConfigOverride, UnknownOrListKeyIsABug) {
  EXPECT_THROW(apply_config_overrides(Config{}, {{"flows.nope", "1", "--nope"}}), std::invalid_argument);
  EXPECT_THROW(apply_config_overrides(Config{}, {{"input.files", "a.pcap", "--read"}}), std::invalid_argument);
  EXPECT_THROW(apply_config_overrides(Config{}, {{"flows", "1", "--flows"}}), std::invalid_argument);
}

}  // namespace
}  // namespace flowfeat
