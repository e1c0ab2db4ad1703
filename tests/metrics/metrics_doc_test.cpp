// docs/METRICS.md is generated from the metric catalog; this test keeps the two in step.
// Regenerate with: FLOWFEAT_UPDATE_DOCS=1 ctest -R MetricsDoc
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "flowfeat/metrics/metric_catalog.hpp"

namespace flowfeat {
namespace {

std::string expected_document() {
  return "# Metrics\n\n"
         "Generated from the metric catalog (`metrics_markdown()`, include/flowfeat/metrics/metric_catalog.hpp).\n"
         "flowfeatd serves them in the Prometheus text format at `http://<metrics.listen>/metrics` while\n"
         "`metrics.enabled` is true (config/flowfeat.yaml). Counters count from the start of the process;\n"
         "unlabeled families and the labels with a fixed set of values listed here are present at 0 from\n"
         "the start. The endpoint also serves the HTTP library's own `exposer_*` families (bytes\n"
         "transferred, scrapes, request latencies).\n\n" +
         metrics_markdown();
}

TEST(MetricsDoc, MatchesTheCatalog) {
  const std::string path = FLOWFEAT_METRICS_DOC;
  if (const char* update = std::getenv("FLOWFEAT_UPDATE_DOCS"); update != nullptr && std::string(update) == "1") {
    std::ofstream(path) << expected_document();
  }
  std::ifstream in(path);
  ASSERT_TRUE(in) << "cannot read " << path;
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), expected_document()) << path << " is out of date: regenerate it with FLOWFEAT_UPDATE_DOCS=1";
}

TEST(MetricsDoc, TableHasOneRowPerFamily) {
  const std::string table = metrics_markdown();
  for (const MetricDescription& family : metric_catalog()) {
    EXPECT_NE(table.find("| `" + std::string(family.name) + "` | " + std::string(to_string(family.type)) + " | "),
              std::string::npos)
        << family.name;
  }
  std::size_t lines = 0;
  for (char c : table) lines += c == '\n' ? 1 : 0;
  EXPECT_EQ(lines, metric_catalog().size() + 2);  // header and separator rows
}

}  // namespace
}  // namespace flowfeat
