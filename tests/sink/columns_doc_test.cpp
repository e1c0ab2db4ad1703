// The README's column table is generated from the schema of the full output layout; this test keeps
// the two in step. Regenerate with: FLOWFEAT_UPDATE_DOCS=1 ctest -R ColumnsDoc
#include <gtest/gtest.h>


#include "doc_block.hpp"
#include "flowfeat/sink/output_layout.hpp"
#include "flowfeat/sink/schema.hpp"

namespace flowfeat {
namespace {

TEST(ColumnsDoc, ReadmeTableMatchesTheFullSchema) {
  testing::expect_doc_block(FLOWFEAT_README, "columns", OutputLayout::full_default().schema().to_markdown());
}

}  // namespace
}  // namespace flowfeat
