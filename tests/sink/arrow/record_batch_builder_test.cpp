// Records into Arrow record batches: the C data interface's layout read back buffer by buffer, the
// values against the record's, nulls where a value does not fit, and the release rules.
#include "flowfeat/sink/arrow/record_batch_builder.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "feature_samples.hpp"

namespace flowfeat {
namespace {

OutputLayout test_layout() {
  OutputLayout layout;
  layout.label = true;
  layout.attack_cat = true;
  layout.encoding_columns = {"e0", "e1", "e2"};
  layout.standardized_columns = {"bidirectional_packets"};
  layout.sensor = "edge-1";
  return layout;
}

std::size_t column(const Schema& schema, std::string_view name) {
  const auto index = schema.index_of(name);
  EXPECT_TRUE(index.has_value()) << name;
  return *index;
}

template <class T>
T value(const ArrowArray& array, std::size_t row) {
  T out;
  std::memcpy(&out, static_cast<const unsigned char*>(array.buffers[1]) + row * sizeof(T), sizeof(T));
  return out;
}

bool bit(const void* buffer, std::size_t row) {
  return ((static_cast<const unsigned char*>(buffer)[row / 8] >> (row % 8)) & 1u) != 0;
}

std::string text(const ArrowArray& array, std::size_t row) {
  const auto* offsets = static_cast<const std::int32_t*>(array.buffers[1]);
  const auto* bytes = static_cast<const char*>(array.buffers[2]);
  return std::string(bytes + offsets[row], static_cast<std::size_t>(offsets[row + 1] - offsets[row]));
}

std::string dictionary_text(const ArrowArray& array, std::size_t row) {
  return text(*array.dictionary, static_cast<std::size_t>(value<std::int32_t>(array, row)));
}

// The metadata value of key in the C data interface's encoding.
std::string metadata(const char* encoded, std::string_view key) {
  const auto read_int = [&encoded] {
    std::int32_t v;
    std::memcpy(&v, encoded, sizeof v);
    encoded += sizeof v;
    return static_cast<std::size_t>(v);
  };
  for (std::size_t pairs = read_int(); pairs > 0; --pairs) {
    const std::string k(encoded, read_int());
    encoded += k.size();
    const std::size_t length = read_int();
    const std::string v(encoded, length);
    encoded += length;
    if (k == key) return v;
  }
  return "(none)";
}

TEST(RecordBatchBuilder, SchemaFollowsTheRecordColumnsWithTheirTypes) {
  const RecordBatchBuilder builder(test_layout());
  const Schema& schema = builder.schema();
  ArrowSchema out{};
  builder.export_schema(&out);
  ASSERT_NE(out.release, nullptr);
  EXPECT_STREQ(out.format, "+s");
  ASSERT_EQ(static_cast<std::size_t>(out.n_children), schema.size());
  EXPECT_EQ(metadata(out.metadata, "flowfeat.schema_fingerprint"), schema.fingerprint());
  for (std::size_t i = 0; i < schema.size(); ++i) {
    EXPECT_EQ(out.children[i]->name, schema[i].name);
    EXPECT_EQ(out.children[i]->flags, ARROW_FLAG_NULLABLE);
    EXPECT_EQ(metadata(out.children[i]->metadata, "description"), schema[i].description);
  }
  const auto format = [&](std::string_view name) { return std::string(out.children[column(schema, name)]->format); };
  EXPECT_EQ(format("src_ip"), "u");
  EXPECT_EQ(format("src_port"), "S");
  EXPECT_EQ(format("protocol"), "C");
  EXPECT_EQ(format("tunnel_id"), "C");
  EXPECT_EQ(format("bidirectional_packets"), "l");
  EXPECT_EQ(format("fan_in_dst"), "l");
  EXPECT_EQ(format("bidirectional_mean_ps"), "g");
  EXPECT_EQ(format("e1"), "b");
  EXPECT_EQ(format("potential_scan"), "b");
  EXPECT_EQ(format("fan_total_src"), "l");
  EXPECT_EQ(format("bidirectional_packets_z"), "g");
  EXPECT_EQ(format("label"), "C");
  for (const char* name : {"application_name", "attack_cat", "sensor"}) {
    const ArrowSchema& field = *out.children[column(schema, name)];
    EXPECT_STREQ(field.format, "i") << name;
    ASSERT_NE(field.dictionary, nullptr) << name;
    EXPECT_STREQ(field.dictionary->format, "u") << name;
  }
  out.release(&out);
  EXPECT_EQ(out.release, nullptr);
}

TEST(RecordBatchBuilder, ValuesAreTheRecordsValues) {
  RecordBatchBuilder builder(test_layout());
  const Schema& schema = builder.schema();
  std::vector<FeatureRecord> records;
  for (std::uint64_t i = 0; i < 11; ++i) records.push_back(testing::sample_feature(i));
  records[3].flow.bidirectional_bytes = 12345;
  for (const FeatureRecord& r : records) builder.append(r);
  ASSERT_EQ(builder.rows(), 11u);

  ArrowArray batch{};
  builder.finish(&batch);
  EXPECT_EQ(builder.rows(), 0u);
  ASSERT_EQ(batch.length, 11);
  ASSERT_EQ(static_cast<std::size_t>(batch.n_children), schema.size());
  const auto child = [&](std::string_view name) -> const ArrowArray& { return *batch.children[column(schema, name)]; };
  for (std::size_t row = 0; row < records.size(); ++row) {
    const FeatureRecord& r = records[row];
    EXPECT_EQ(text(child("src_ip"), row), "192.168.121.5");
    EXPECT_EQ(text(child("dst_ip"), row), "2001:db8::8:800:200c:417a");
    EXPECT_EQ(value<std::uint16_t>(child("src_port"), row), 65535);
    EXPECT_EQ(value<std::uint8_t>(child("tunnel_id"), row), 3);
    EXPECT_EQ(value<std::int64_t>(child("bidirectional_packets"), row), static_cast<std::int64_t>(row));
    const double mean = value<double>(child("src2dst_mean_ps"), row);
    EXPECT_EQ(std::memcmp(&mean, &r.flow.src2dst_ps.mean, sizeof mean), 0);
    EXPECT_EQ(value<std::int64_t>(child("fan_in_dst"), row), 4294967295);
    EXPECT_EQ(value<std::uint8_t>(child("label"), row), row % 2);
    EXPECT_EQ(dictionary_text(child("attack_cat"), row), r.verdict.attack_cat());
    EXPECT_EQ(dictionary_text(child("application_name"), row), "TLS.Google");
    EXPECT_EQ(dictionary_text(child("sensor"), row), "edge-1");
    for (std::size_t e = 0; e < 3; ++e) {
      EXPECT_EQ(bit(child("e" + std::to_string(e)).buffers[1], row), ((r.one_hot >> e) & 1u) != 0);
    }
    EXPECT_EQ(bit(child("potential_scan").buffers[1], row),
              r.derived_value(DerivedFeature::kPotentialScan) == 1.0);
    EXPECT_EQ(value<std::int64_t>(child("fan_total_src"), row),
              static_cast<std::int64_t>(r.derived_value(DerivedFeature::kFanTotalSrc)));
    const double z = value<double>(child("bidirectional_packets_z"), row);
    EXPECT_EQ(std::memcmp(&z, &r.standardized[0], sizeof z), 0);
  }
  // A dictionary holds each distinct value once.
  EXPECT_EQ(child("sensor").dictionary->length, 1);
  EXPECT_EQ(child("attack_cat").dictionary->length, 5);
  // bidirectional_bytes is 2^64-1 but in row 3: beyond int64, so null there and nowhere else.
  const ArrowArray& bytes = child("bidirectional_bytes");
  EXPECT_EQ(bytes.null_count, 10);
  ASSERT_NE(bytes.buffers[0], nullptr);
  for (std::size_t row = 0; row < records.size(); ++row) EXPECT_EQ(bit(bytes.buffers[0], row), row == 3) << row;
  EXPECT_EQ(value<std::int64_t>(bytes, 3), 12345);
  EXPECT_EQ(child("src_port").null_count, 0);
  EXPECT_EQ(child("src_port").buffers[0], nullptr);
  batch.release(&batch);
  EXPECT_EQ(batch.release, nullptr);
}

TEST(RecordBatchBuilder, ACountOrFlagThatIsNotOneIsNull) {
  RecordBatchBuilder builder(test_layout());
  const Schema& schema = builder.schema();
  for (std::uint64_t i = 0; i < 20; ++i) {
    FeatureRecord r = testing::sample_feature(i);
    r.flow.bidirectional_bytes = 1;
    if (i == 9) {
      r.derived_value(DerivedFeature::kPotentialDdos) = std::numeric_limits<double>::quiet_NaN();
      r.derived_value(DerivedFeature::kConnectionAsymmetry) = 2.5;
    }
    if (i == 17) r.derived_value(DerivedFeature::kConnectionIntensity) = std::numeric_limits<double>::infinity();
    builder.append(r);
  }
  ArrowArray batch{};
  builder.finish(&batch);
  const auto nulls_of = [&](std::string_view name) {
    const ArrowArray& a = *batch.children[column(schema, name)];
    std::vector<std::size_t> rows;
    for (std::size_t row = 0; row < 20; ++row) {
      if (a.buffers[0] != nullptr && !bit(a.buffers[0], row)) rows.push_back(row);
    }
    EXPECT_EQ(static_cast<std::size_t>(a.null_count), rows.size()) << name;
    return rows;
  };
  EXPECT_EQ(nulls_of("potential_ddos"), std::vector<std::size_t>{9});
  EXPECT_EQ(nulls_of("connection_asymmetry"), std::vector<std::size_t>{9});
  EXPECT_EQ(nulls_of("connection_intensity"), std::vector<std::size_t>{17});
  EXPECT_TRUE(nulls_of("potential_scan").empty());
  EXPECT_TRUE(nulls_of("bidirectional_bytes").empty());
  batch.release(&batch);
}

TEST(RecordBatchBuilder, EachBatchHoldsOnlyItsRecordsAndItsOwnDictionary) {
  RecordBatchBuilder builder(test_layout());
  const std::size_t cat = *builder.schema().index_of("attack_cat");
  builder.append(testing::sample_feature(1));
  builder.append(testing::sample_feature(2));
  ArrowArray first{};
  builder.finish(&first);
  builder.append(testing::sample_feature(3));
  ArrowArray second{};
  builder.finish(&second);
  ArrowArray empty{};
  builder.finish(&empty);
  EXPECT_EQ(first.length, 2);
  EXPECT_EQ(second.length, 1);
  EXPECT_EQ(empty.length, 0);
  EXPECT_EQ(dictionary_text(*second.children[cat], 0), "say \"hi\"");
  EXPECT_EQ(second.children[cat]->dictionary->length, 1);
  for (std::int64_t c = 0; c < empty.n_children; ++c) {
    for (std::int64_t b = 1; b < empty.children[c]->n_buffers; ++b) EXPECT_NE(empty.children[c]->buffers[b], nullptr);
  }
  first.release(&first);
  second.release(&second);
  empty.release(&empty);
}

TEST(RecordBatchBuilder, AChildMovedOutLivesOnAfterItsParentIsReleased) {
  RecordBatchBuilder builder(test_layout());
  const std::size_t ip = *builder.schema().index_of("src_ip");
  builder.append(testing::sample_feature(4));
  ArrowArray batch{};
  builder.finish(&batch);
  // The C data interface's move: the consumer takes the struct and marks the original released.
  ArrowArray moved = *batch.children[ip];
  batch.children[ip]->release = nullptr;
  batch.release(&batch);
  EXPECT_EQ(text(moved, 0), "192.168.121.5");
  moved.release(&moved);
  EXPECT_EQ(moved.release, nullptr);
}

}  // namespace
}  // namespace flowfeat
