#include "flowfeat/metrics/counter.hpp"

#include <cmath>

#include "metric_cells.hpp"

namespace flowfeat {

void Counter::increment(double delta) noexcept {
  if (!std::isfinite(delta) || delta < 0.0) return;
  cell_->metric.Increment(delta);
}

double Counter::value() const noexcept { return cell_->metric.Value(); }

}  // namespace flowfeat
