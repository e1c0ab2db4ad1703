#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "flowfeat/core/flow_record.hpp"

namespace flowfeat {

// The one-hot columns of FEATURES.md section 5, packed as bits of FeatureRecord::one_hot. Column
// order: src_ip_class_* (5), dst_ip_class_* (5), protocol_<n> for each configured protocol in the
// given order, protocol_other, src_port_class_* (3), dst_port_class_* (3). Names are the seed's
// pandas get_dummies names, so models trained on its CSVs keep working.
// Immutable after construction; safe to share read-only between threads.
class OneHotEncoder {
 public:
  // At most this many configured protocols, so every column fits in the 64-bit mask.
  static constexpr std::size_t kMaxProtocols = 40;

  // The seed's protocol columns.
  static std::vector<std::uint8_t> default_protocols();

  // Throws std::invalid_argument when `protocols` repeats a number or has more than kMaxProtocols.
  explicit OneHotEncoder(std::vector<std::uint8_t> protocols = default_protocols());

  const std::vector<std::string>& column_names() const noexcept { return names_; }
  std::size_t column_count() const noexcept { return names_.size(); }
  const std::vector<std::uint8_t>& protocols() const noexcept { return protocols_; }

  // Bit i set: column i is 1. An IPv6 (or absent) address sets none of its five class bits.
  std::uint64_t encode(const FlowRecord& flow) const noexcept;

 private:
  std::vector<std::uint8_t> protocols_;
  std::vector<std::string> names_;
  std::array<std::uint8_t, 256> protocol_column_{};  // column of each protocol number, protocol_other included
  std::uint8_t src_port_first_ = 0;                  // column of src_port_class_WellKnown
};

}  // namespace flowfeat
