#pragma once

namespace flowfeat {

// A monotonically increasing count on the metrics endpoint, handed out by Metrics and valid for the
// Metrics object's lifetime. Thread-safe (an atomic underneath), but meant to be called once per batch
// with the batch's total, not once per packet. Copies refer to the same count.
class Counter {
 public:
  // The exporter's counter behind the handle; complete only inside the metrics library, so the
  // exporter's types stay out of this header.
  class Cell;

  explicit Counter(Cell& cell) noexcept : cell_(&cell) {}

  // Adds delta. A negative, NaN or infinite delta is ignored: it would break the count for good.
  void increment(double delta = 1.0) noexcept;

  // The current count (for tests and summaries).
  double value() const noexcept;

 private:
  Cell* cell_;
};

}  // namespace flowfeat
