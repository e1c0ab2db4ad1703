// docs/COLUMNS.md is generated from the schema; this test keeps the two in step.
// Regenerate with: FLOWFEAT_UPDATE_DOCS=1 ctest -R ColumnsDoc
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "flowfeat/sink/output_layout.hpp"
#include "flowfeat/sink/schema.hpp"

namespace flowfeat {
namespace {

// The full default layout: every group, label and attack_cat, the default encodings and
// standardized columns.
std::string expected_document() {
  return "# Record columns\n\n"
         "Generated from the schema of the full default output layout (`flowfeatd --print-schema` prints\n"
         "the list of the configured one). One row per flow, in this order; docs/FIDELITY.md says how the\n"
         "flow columns are computed, the descriptions give the others. Groups 5-7 can be turned off;\n"
         "`label` and `attack_cat` appear only with a ground-truth file. `qP(x)` is the running P-th\n"
         "percentile of x over the records seen so far; the flags that use it stay 0 during the warm-up.\n\n" +
         OutputLayout::full_default().schema().to_markdown();
}

TEST(ColumnsDoc, MatchesTheSchema) {
  const std::string path = FLOWFEAT_COLUMNS_DOC;
  if (const char* update = std::getenv("FLOWFEAT_UPDATE_DOCS"); update != nullptr && std::string(update) == "1") {
    std::ofstream(path) << expected_document();
  }
  std::ifstream in(path);
  ASSERT_TRUE(in) << "cannot read " << path;
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), expected_document()) << path << " is out of date: regenerate it with FLOWFEAT_UPDATE_DOCS=1";
}

}  // namespace
}  // namespace flowfeat
