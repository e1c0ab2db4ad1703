#pragma once

#include <cstddef>

#include "flowfeat/pipeline/pipeline.hpp"

namespace flowfeat::python {

// While a scope is alive, Ctrl-C (SIGINT) stops its pipeline as SIGTERM stops the daemon: reading
// ends, every open flow is ended and its record delivered. The handler is installed at the C level,
// beside Python's, so it acts wherever the process is waiting: in a notebook cell, in pyarrow or
// duckdb reading the stream. A second Ctrl-C goes to the handler that was there before (Python's
// KeyboardInterrupt). At most kMaxScopes at once; more are simply not interruptible.
class InterruptScope {
 public:
  explicit InterruptScope(Pipeline& pipeline);
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

  // Whether Ctrl-C stopped this scope's pipeline.
  bool interrupted() const noexcept;

  static constexpr std::size_t kMaxScopes = 64;

 private:
  std::size_t slot_;
};

}  // namespace flowfeat::python
