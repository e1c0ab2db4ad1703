#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "flowfeat/core/feature_record.hpp"
#include "flowfeat/sink/arrow/arrow_c_abi.h"
#include "flowfeat/sink/output_layout.hpp"
#include "flowfeat/sink/schema.hpp"

namespace flowfeat {
namespace arrow_detail {
struct ColumnBuffers;
}

// The Arrow type of an output column. Narrow identity fields keep their width (ports uint16,
// protocol uint8, ...); wider counters are int64, so differences of counts stay signed as in
// pandas; the text fields of few values (application_name, attack_cat, sensor) are dictionaries,
// pandas categoricals; addresses are utf8; encodings and derived flags are bool.
enum class ArrowColumnType : std::uint8_t { kUint8, kUint16, kInt64, kFloat64, kBool, kUtf8, kDictionary };

// Collects records into columns and hands them out as Arrow record batches (a struct array per
// batch, in the Arrow C data interface), without a text round trip: every value is the one the
// CSV and JSON Lines formatters write (same fields, same order: sink/record_fields.hpp). Owned
// by one thread at a time.
class RecordBatchBuilder {
 public:
  explicit RecordBatchBuilder(const OutputLayout& layout);
  ~RecordBatchBuilder();
  RecordBatchBuilder(const RecordBatchBuilder&) = delete;
  RecordBatchBuilder& operator=(const RecordBatchBuilder&) = delete;

  const Schema& schema() const noexcept { return schema_; }
  const std::vector<ArrowColumnType>& types() const noexcept { return types_; }

  // Fills out with the schema of the batches: a struct of the columns, in record order, each
  // carrying its description and group as field metadata. The caller releases it.
  void export_schema(ArrowSchema* out) const;

  void append(const FeatureRecord& record);

  // Records appended since the last finish().
  std::size_t rows() const noexcept { return rows_; }

  // Moves the records appended so far into out (a struct array the caller releases; it owns its
  // buffers) and starts an empty batch.
  void finish(ArrowArray* out);

 private:
  OutputLayout layout_;
  Schema schema_;
  std::vector<ArrowColumnType> types_;
  std::vector<arrow_detail::ColumnBuffers> columns_;
  std::size_t rows_ = 0;
};

// "C", "S", "l", ... : the Arrow format string of a column type (a dictionary's is its indices').
const char* arrow_format(ArrowColumnType type) noexcept;

}  // namespace flowfeat
