#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace flowfeat {

// How a Standardizer maintains its statistics (see standardizer.hpp for the formulas).
enum class StandardizeMode : std::uint8_t {
  kRunning,  // Welford over every record seen, then transform
  kFrozen,   // statistics loaded from a state file, never updated
  kEwm,      // exponentially weighted mean and variance, for drifting traffic
};

// "running", "frozen" or "ewm": the spelling of the configuration and of the state file.
std::string_view to_string(StandardizeMode mode) noexcept;

// Inverse of to_string(); nullopt for anything else (case-sensitive).
std::optional<StandardizeMode> parse_standardize_mode(std::string_view text) noexcept;

}  // namespace flowfeat
