// The README's metrics table is generated from the metric catalog; this test keeps the two in step.
// Regenerate with: FLOWFEAT_UPDATE_DOCS=1 ctest -R MetricsDoc
#include <gtest/gtest.h>

#include <string>

#include "doc_block.hpp"
#include "flowfeat/metrics/metric_catalog.hpp"

namespace flowfeat {
namespace {

TEST(MetricsDoc, ReadmeTableMatchesTheCatalog) {
  testing::expect_doc_block(FLOWFEAT_README, "metrics", metrics_markdown());
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
