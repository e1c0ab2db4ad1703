// libFuzzer target for the YAML configuration loader: any text either loads into a configuration or
// throws ConfigError with at least one problem; never a crash, a hang or another exception.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "flowfeat/config/config_error.hpp"
#include "flowfeat/config/config_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const flowfeat::Config config =
        flowfeat::load_config_text(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
    if (config.flows.idle_timeout_ms == 0) __builtin_trap();  // the loader never lets 0 through
  } catch (const flowfeat::ConfigError& e) {
    if (e.problems().empty()) __builtin_trap();
  }
  return 0;
}
