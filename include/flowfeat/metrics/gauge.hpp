#pragma once

namespace flowfeat {

// A value that goes up and down on the metrics endpoint (a queue depth, a number of open flows),
// handed out by Metrics and valid for the Metrics object's lifetime. Thread-safe (an atomic
// underneath); publish it at batch boundaries. Copies refer to the same value.
class Gauge {
 public:
  // The exporter's gauge behind the handle; complete only inside the metrics library.
  class Cell;

  explicit Gauge(Cell& cell) noexcept : cell_(&cell) {}

  void set(double value) noexcept;
  void add(double delta) noexcept;

  // The current value (for tests and summaries).
  double value() const noexcept;

 private:
  Cell* cell_;
};

}  // namespace flowfeat
