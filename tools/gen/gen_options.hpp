#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace flowfeat::gen {

// Command line of flowfeat-gen.
struct GenOptions {
  std::string capture_path;
  std::string truth_path;
  std::uint64_t seed = 1;
  std::uint64_t flows = 2000;  // normal conversations; the scripted attacks come on top
  std::int64_t duration_s = 60;
  std::int64_t start_epoch_s = 1'700'000'000;

  // Parses argv; on --help or an error prints to stdout/stderr and returns nothing, with the
  // process exit code in exit_code.
  static std::optional<GenOptions> parse(int argc, char** argv, int& exit_code);
};

}  // namespace flowfeat::gen
