#include "flowfeat/metrics/metric_catalog.hpp"

#include "metric_table.hpp"

namespace flowfeat {

std::string_view to_string(MetricType type) noexcept {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
  }
  return "unknown";
}

std::span<const MetricDescription> metric_catalog() noexcept { return metrics_detail::kCatalog; }

std::string metrics_markdown() {
  std::string out = "| name | type | labels | help |\n|---|---|---|---|\n";
  for (const MetricDescription& family : metric_catalog()) {
    out += "| `";
    out += family.name;
    out += "` | ";
    out += to_string(family.type);
    out += " | ";
    if (!family.label.empty()) {
      out += '`';
      out += family.label;
      out += '`';
      for (std::size_t i = 0; i < family.label_values.size(); ++i) {
        out += i == 0 ? ": `" : ", `";
        out += family.label_values[i];
        out += '`';
      }
    }
    out += " | ";
    out += family.help;
    out += " |\n";
  }
  return out;
}

}  // namespace flowfeat
