#pragma once

#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>

namespace flowfeat {

// A standardizer state file that cannot be used: malformed, truncated, of another version, or saved
// in a mode the reader does not accept. what() is "<path>:<line>: <field>: <problem>", e.g.
// "state.txt:5: mean: bad number '1.2.3'". Thrown only on the startup path.
class StateFileError : public std::runtime_error {
 public:
  // line is 1-based; for problems at the end of the file it is one past the last line.
  StateFileError(std::filesystem::path path, std::size_t line, std::string field, const std::string& problem);

  const std::filesystem::path& path() const noexcept { return path_; }
  std::size_t line() const noexcept { return line_; }
  // The line keyword or column field at fault: "version", "mode", "samples", "column", "mean", "m2", ...
  const std::string& field() const noexcept { return field_; }

 private:
  std::filesystem::path path_;
  std::size_t line_ = 0;
  std::string field_;
};

}  // namespace flowfeat
