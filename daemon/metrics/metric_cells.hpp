#pragma once

#include <prometheus/counter.h>
#include <prometheus/gauge.h>

#include "flowfeat/metrics/counter.hpp"
#include "flowfeat/metrics/gauge.hpp"

// What the handles point at: the exporter's metrics, owned by their registry family. Private to the
// metrics module.
namespace flowfeat {

class Counter::Cell {
 public:
  prometheus::Counter& metric;
};

class Gauge::Cell {
 public:
  prometheus::Gauge& metric;
};

}  // namespace flowfeat
