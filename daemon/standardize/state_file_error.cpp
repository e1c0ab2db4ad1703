#include "flowfeat/standardize/state_file_error.hpp"

#include <utility>

namespace flowfeat {

StateFileError::StateFileError(std::filesystem::path path, std::size_t line, std::string field,
                               const std::string& problem)
    : std::runtime_error(path.string() + ":" + std::to_string(line) + ": " + field + ": " + problem),
      path_(std::move(path)),
      line_(line),
      field_(std::move(field)) {}

}  // namespace flowfeat
