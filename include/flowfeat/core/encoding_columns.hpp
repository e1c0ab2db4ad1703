#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace flowfeat {

// The protocols with a one-hot column of their own unless configured otherwise (record spec §5).
inline constexpr std::array<std::uint8_t, 10> kDefaultOneHotProtocols{0, 1, 2, 6, 17, 47, 50, 58, 89, 132};

// Names of the one-hot columns, as the seed's pandas produced them, in FeatureRecord::one_hot bit
// order: src_ip_class_<class> (5), dst_ip_class_<class> (5), protocol_<n> for each of protocols in
// the given order, protocol_other, src_port_class_<class> (3), dst_port_class_<class> (3).
std::vector<std::string> encoding_columns(std::span<const std::uint8_t> protocols);

}  // namespace flowfeat
