#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace flowfeat {

enum class MetricType : std::uint8_t { kCounter, kGauge };

// "counter" or "gauge", as in the exposition format's TYPE line.
std::string_view to_string(MetricType type) noexcept;

// One metric family flowfeat exports. Every family has at most one label.
struct MetricDescription {
  std::string_view name;
  MetricType type = MetricType::kCounter;
  std::string_view label;                          // the label's name; empty for an unlabeled family
  std::span<const std::string_view> label_values;  // the only values allowed; empty: any non-empty value
  std::string_view help;                           // one line, the HELP text
};

// Every family Metrics registers, in a fixed order; the single source of names and HELP strings.
std::span<const MetricDescription> metric_catalog() noexcept;

// The catalog as a markdown table (name, type, labels, help) for the README.
std::string metrics_markdown();

}  // namespace flowfeat
