// docs/COLUMNS.md is generated from the schema; this test keeps the two in step.
// Regenerate with: FLOWFEAT_UPDATE_DOCS=1 ctest -R ColumnsDoc
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "flowfeat/sink/schema.hpp"

namespace flowfeat {
namespace {

std::string expected_document() {
  return "# Record columns\n\n"
         "Generated from the schema (`flowfeatd --print-schema` prints the same list). One row per flow,\n"
         "in this order; docs/FIDELITY.md says how they are computed.\n\n" +
         Schema::flow_record().to_markdown();
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
