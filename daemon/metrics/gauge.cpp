#include "flowfeat/metrics/gauge.hpp"

#include "metric_cells.hpp"

namespace flowfeat {

void Gauge::set(double value) noexcept { cell_->metric.Set(value); }

void Gauge::add(double delta) noexcept { cell_->metric.Increment(delta); }

double Gauge::value() const noexcept { return cell_->metric.Value(); }

}  // namespace flowfeat
