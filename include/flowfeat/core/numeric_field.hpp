#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "flowfeat/core/feature_record.hpp"

namespace flowfeat {

// A numeric column of the record, resolved once from its name so that reading it per record is a
// switch, not a string lookup. Used to feed the standardizer.
class NumericField {
 public:
  // nullopt when name is not a numeric column of groups 2, 3, 5 or the derived features.
  static std::optional<NumericField> find(std::string_view name) noexcept;

  // Every name find() accepts, in record order (for messages).
  static std::vector<std::string_view> names();

  double read(const FeatureRecord& record) const noexcept;

 private:
  enum class Source : std::uint8_t { kFlow, kFan, kDerived };
  NumericField(Source source, std::uint8_t index) : source_(source), index_(index) {}
  Source source_;
  std::uint8_t index_;
};

}  // namespace flowfeat
