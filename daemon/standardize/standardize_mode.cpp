#include "flowfeat/standardize/standardize_mode.hpp"

namespace flowfeat {

std::string_view to_string(StandardizeMode mode) noexcept {
  switch (mode) {
    case StandardizeMode::kRunning:
      return "running";
    case StandardizeMode::kFrozen:
      return "frozen";
    case StandardizeMode::kEwm:
      return "ewm";
  }
  return "unknown";
}

std::optional<StandardizeMode> parse_standardize_mode(std::string_view text) noexcept {
  for (const StandardizeMode mode : {StandardizeMode::kRunning, StandardizeMode::kFrozen, StandardizeMode::kEwm}) {
    if (text == to_string(mode)) {
      return mode;
    }
  }
  return std::nullopt;
}

}  // namespace flowfeat
