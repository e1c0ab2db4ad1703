#pragma once

#include <memory>

#include "flowfeat/sink/arrow/arrow_c_abi.h"

namespace flowfeat {

// Where an Arrow C stream takes its schema and batches from. Called by the stream's consumer, on
// whatever thread it reads from, one call at a time.
class RecordBatchSource {
 public:
  virtual ~RecordBatchSource() = default;

  // Fills out with the schema of every batch.
  virtual void schema(ArrowSchema* out) = 0;

  // Fills out with the next batch, waiting for it if need be; leaves out->release null at the end
  // of the stream. Throws (std::exception) when the stream failed: the consumer gets the message.
  virtual void next(ArrowArray* out) = 0;
};

// Fills out with an Arrow C stream over source (ArrowArrayStream, the ABI that pyarrow, polars
// and duckdb import), which keeps source alive until the consumer releases the stream.
void export_stream(std::shared_ptr<RecordBatchSource> source, ArrowArrayStream* out);

}  // namespace flowfeat
