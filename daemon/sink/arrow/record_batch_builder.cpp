#include "flowfeat/sink/arrow/record_batch_builder.hpp"

#include <cstring>
#include <stdexcept>
#include <utility>

#include "../record_fields.hpp"
#include "arrow_columns.hpp"

namespace flowfeat {
namespace {

using arrow_detail::ColumnBuffers;

// ---- schema ----

// What an exported schema owns: the texts its pointers point into, and its children.
struct ExportedSchema {
  std::string format;
  std::string name;
  std::string metadata;
  std::vector<ArrowSchema> children;
  std::vector<ArrowSchema*> child_pointers;
  ArrowSchema dictionary{};
};

void release_schema(ArrowSchema* schema) {
  auto* owned = static_cast<ExportedSchema*>(schema->private_data);
  for (ArrowSchema* child : owned->child_pointers) {
    if (child->release != nullptr) child->release(child);
  }
  if (schema->dictionary != nullptr && schema->dictionary->release != nullptr) {
    schema->dictionary->release(schema->dictionary);
  }
  delete owned;
  schema->release = nullptr;
}

// Key-value metadata as the C data interface encodes it: int32 counts and lengths, native order.
std::string encode_metadata(const std::vector<std::pair<std::string_view, std::string_view>>& pairs) {
  std::string out;
  const auto put_int = [&out](std::size_t value) {
    const auto v = static_cast<std::int32_t>(value);
    out.append(reinterpret_cast<const char*>(&v), sizeof v);
  };
  put_int(pairs.size());
  for (const auto& [key, value] : pairs) {
    put_int(key.size());
    out += key;
    put_int(value.size());
    out += value;
  }
  return out;
}

void fill_schema(ArrowSchema* out, std::unique_ptr<ExportedSchema> owned, std::int64_t flags) {
  ExportedSchema& s = *owned;
  for (ArrowSchema& child : s.children) s.child_pointers.push_back(&child);
  *out = ArrowSchema{
      .format = s.format.c_str(),
      .name = s.name.c_str(),
      .metadata = s.metadata.empty() ? nullptr : s.metadata.data(),
      .flags = flags,
      .n_children = static_cast<std::int64_t>(s.children.size()),
      .children = s.child_pointers.empty() ? nullptr : s.child_pointers.data(),
      .dictionary = s.dictionary.release != nullptr ? &s.dictionary : nullptr,
      .release = release_schema,
      .private_data = owned.release(),
  };
}

void export_field(ArrowSchema* out, const Column& column, ArrowColumnType type) {
  auto owned = std::make_unique<ExportedSchema>();
  owned->format = arrow_format(type);
  owned->name = column.name;
  owned->metadata = encode_metadata({{"description", column.description}, {"group", to_string(column.group)}});
  // Only a count or flag carried in a double can be null (when it is not one), but a consumer
  // need not know which: every field says it may be.
  if (type == ArrowColumnType::kDictionary) {
    auto values = std::make_unique<ExportedSchema>();
    values->format = "u";
    fill_schema(&owned->dictionary, std::move(values), 0);
  }
  fill_schema(out, std::move(owned), ARROW_FLAG_NULLABLE);
}

// ---- arrays ----

// What an exported array owns: its buffers, the list of their addresses, its children.
struct ExportedArray {
  std::vector<unsigned char> validity;
  std::vector<unsigned char> values;
  std::vector<std::int32_t> offsets;
  std::vector<char> bytes;
  std::vector<std::int32_t> codes;
  std::vector<const void*> buffers;
  std::vector<ArrowArray> children;
  std::vector<ArrowArray*> child_pointers;
  ArrowArray dictionary{};
};

void release_array(ArrowArray* array) {
  auto* owned = static_cast<ExportedArray*>(array->private_data);
  for (ArrowArray* child : owned->child_pointers) {
    if (child->release != nullptr) child->release(child);
  }
  if (array->dictionary != nullptr && array->dictionary->release != nullptr) {
    array->dictionary->release(array->dictionary);
  }
  delete owned;
  array->release = nullptr;
}

void fill_array(ArrowArray* out, std::unique_ptr<ExportedArray> owned, std::size_t length,
                std::size_t nulls = 0) {
  ExportedArray& a = *owned;
  for (ArrowArray& child : a.children) a.child_pointers.push_back(&child);
  *out = ArrowArray{
      .length = static_cast<std::int64_t>(length),
      .null_count = static_cast<std::int64_t>(nulls),
      .offset = 0,
      .n_buffers = static_cast<std::int64_t>(a.buffers.size()),
      .n_children = static_cast<std::int64_t>(a.children.size()),
      .buffers = a.buffers.data(),
      .children = a.child_pointers.empty() ? nullptr : a.child_pointers.data(),
      .dictionary = a.dictionary.release != nullptr ? &a.dictionary : nullptr,
      .release = release_array,
      .private_data = owned.release(),
  };
}

// The address of a buffer for the array; never null, even when empty, as consumers may require.
template <class T>
const void* buffer_of(std::vector<T>& buffer) {
  if (buffer.capacity() == 0) buffer.reserve(1);
  return buffer.data();
}

// A utf8 array of the texts, which it takes over.
void export_text(ArrowArray* out, arrow_detail::TextBuffers& text) {
  auto owned = std::make_unique<ExportedArray>();
  owned->offsets = std::exchange(text.offsets, {0});
  owned->bytes = std::exchange(text.bytes, {});
  const std::size_t length = owned->offsets.size() - 1;
  owned->buffers = {nullptr, buffer_of(owned->offsets), buffer_of(owned->bytes)};
  fill_array(out, std::move(owned), length);
}

// The column's values as an array of rows records; the column starts empty again.
void export_column(ArrowArray* out, ColumnBuffers& column, std::size_t rows) {
  if (column.type == ArrowColumnType::kUtf8) {
    export_text(out, column.text);
    return;
  }
  auto owned = std::make_unique<ExportedArray>();
  if (column.type == ArrowColumnType::kDictionary) {
    owned->codes = std::exchange(column.codes, {});
    owned->buffers = {nullptr, buffer_of(owned->codes)};
    export_text(&owned->dictionary, column.text);
    column.code_of.clear();  // each batch carries its own dictionary
  } else {
    owned->values = std::exchange(column.values, {});
    owned->buffers = {nullptr, buffer_of(owned->values)};
  }
  const std::size_t nulls = std::exchange(column.nulls, 0);
  owned->validity = std::exchange(column.validity, {});
  if (nulls != 0) owned->buffers[0] = owned->validity.data();
  fill_array(out, std::move(owned), rows, nulls);
}

}  // namespace

const char* arrow_format(ArrowColumnType type) noexcept {
  switch (type) {
    case ArrowColumnType::kUint8: return "C";
    case ArrowColumnType::kUint16: return "S";
    case ArrowColumnType::kInt64: return "l";
    case ArrowColumnType::kFloat64: return "g";
    case ArrowColumnType::kBool: return "b";
    case ArrowColumnType::kUtf8: return "u";
    case ArrowColumnType::kDictionary: return "i";  // int32 indices into a utf8 dictionary
  }
  return "n";
}

RecordBatchBuilder::RecordBatchBuilder(const OutputLayout& layout) : layout_(layout), schema_(layout_.schema()) {
  arrow_detail::TypeProbe probe;
  detail::put_feature_fields(probe, FeatureRecord{}, detail::LayoutShape(layout_));
  types_ = std::move(probe.types);
  if (types_.size() != schema_.size()) {
    throw std::logic_error("record fields and schema disagree: " + std::to_string(types_.size()) + " fields, " +
                           std::to_string(schema_.size()) + " columns");
  }
  for (const ArrowColumnType type : types_) columns_.emplace_back(type);
}

RecordBatchBuilder::~RecordBatchBuilder() = default;

void RecordBatchBuilder::export_schema(ArrowSchema* out) const {
  auto owned = std::make_unique<ExportedSchema>();
  owned->format = "+s";
  owned->children.resize(schema_.size());
  for (std::size_t i = 0; i < schema_.size(); ++i) export_field(&owned->children[i], schema_[i], types_[i]);
  owned->metadata = encode_metadata({{"flowfeat.schema_version", kRecordSchemaVersion},
                                     {"flowfeat.schema_fingerprint", schema_.fingerprint()}});
  fill_schema(out, std::move(owned), 0);
}

void RecordBatchBuilder::append(const FeatureRecord& record) {
  arrow_detail::ArrowFields fields(columns_, rows_);
  detail::put_feature_fields(fields, record, detail::LayoutShape(layout_));
  ++rows_;
}

void RecordBatchBuilder::finish(ArrowArray* out) {
  auto owned = std::make_unique<ExportedArray>();
  owned->buffers = {nullptr};
  owned->children.resize(columns_.size());
  for (std::size_t i = 0; i < columns_.size(); ++i) export_column(&owned->children[i], columns_[i], rows_);
  fill_array(out, std::move(owned), rows_);
  rows_ = 0;
}

}  // namespace flowfeat
