// The Arrow C stream over a batch source: schema, batches, end of stream, errors, release.
#include "flowfeat/sink/arrow/arrow_stream.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>

#include "feature_samples.hpp"
#include "flowfeat/sink/arrow/record_batch_builder.hpp"

namespace flowfeat {
namespace {

// Two batches of one and two records, then the end, or an error in place of the second.
class TwoBatches final : public RecordBatchSource {
 public:
  explicit TwoBatches(bool fail_second) : fail_second_(fail_second), builder_(OutputLayout{}) {}
  void schema(ArrowSchema* out) override { builder_.export_schema(out); }
  void next(ArrowArray* out) override {
    ++calls_;
    if (calls_ == 2 && fail_second_) throw std::runtime_error("flow: table full");
    if (calls_ > 2) return;  // the end: out->release stays null
    for (int i = 0; i < calls_; ++i) builder_.append(testing::sample_feature(static_cast<std::uint64_t>(i)));
    builder_.finish(out);
  }

 private:
  bool fail_second_;
  int calls_ = 0;
  RecordBatchBuilder builder_;
};

TEST(ArrowStream, HandsOutTheSchemaThenEveryBatchThenTheEnd) {
  auto source = std::make_shared<TwoBatches>(false);
  ArrowArrayStream stream{};
  export_stream(source, &stream);
  EXPECT_EQ(source.use_count(), 2);

  ArrowSchema schema{};
  ASSERT_EQ(stream.get_schema(&stream, &schema), 0);
  EXPECT_STREQ(schema.format, "+s");
  schema.release(&schema);

  ArrowArray batch{};
  ASSERT_EQ(stream.get_next(&stream, &batch), 0);
  EXPECT_EQ(batch.length, 1);
  batch.release(&batch);
  ASSERT_EQ(stream.get_next(&stream, &batch), 0);
  EXPECT_EQ(batch.length, 2);
  batch.release(&batch);
  ASSERT_EQ(stream.get_next(&stream, &batch), 0);
  EXPECT_EQ(batch.release, nullptr) << "the end of the stream";
  EXPECT_EQ(stream.get_last_error(&stream), nullptr);

  stream.release(&stream);
  EXPECT_EQ(stream.release, nullptr);
  EXPECT_EQ(source.use_count(), 1) << "the stream let go of its source";
}

TEST(ArrowStream, AnErrorIsACodeAndAMessageNotAnException) {
  ArrowArrayStream stream{};
  export_stream(std::make_shared<TwoBatches>(true), &stream);
  ArrowArray batch{};
  ASSERT_EQ(stream.get_next(&stream, &batch), 0);
  batch.release(&batch);
  EXPECT_NE(stream.get_next(&stream, &batch), 0);
  EXPECT_EQ(batch.release, nullptr);
  ASSERT_NE(stream.get_last_error(&stream), nullptr);
  EXPECT_STREQ(stream.get_last_error(&stream), "flow: table full");
  stream.release(&stream);
}

}  // namespace
}  // namespace flowfeat
