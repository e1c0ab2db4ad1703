#pragma once

#include <stdexcept>

namespace flowfeat {

// A command line that cannot be understood (unknown option, missing value); the message says what
// is wrong and the caller adds a pointer to --help.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace flowfeat
