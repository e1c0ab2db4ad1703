#include "flowfeat/enrich/one_hot_encoder.hpp"

#include <stdexcept>
#include <string_view>
#include <utility>

#include "flowfeat/core/encoding_columns.hpp"
#include "flowfeat/core/endpoint_class.hpp"

namespace flowfeat {
namespace {

constexpr std::size_t kDstIpFirst = kIpClassCount;

constexpr std::array<IpClass, kIpClassCount> kIpClasses{IpClass::kA, IpClass::kB, IpClass::kC, IpClass::kD,
                                                        IpClass::kE};
constexpr std::array<PortClass, kPortClassCount> kPortClasses{PortClass::kWellKnown, PortClass::kRegistered,
                                                              PortClass::kDynamic};

std::uint64_t ip_bit(IpClass c, std::size_t first) noexcept {
  return c == IpClass::kNone ? 0 : std::uint64_t{1} << (first + static_cast<std::size_t>(c));
}

std::uint64_t port_bit(PortClass c, std::size_t first) noexcept {
  return std::uint64_t{1} << (first + static_cast<std::size_t>(c));
}

}  // namespace

std::vector<std::uint8_t> OneHotEncoder::default_protocols() {
  return {kDefaultOneHotProtocols.begin(), kDefaultOneHotProtocols.end()};
}

OneHotEncoder::OneHotEncoder(std::vector<std::uint8_t> protocols) : protocols_(std::move(protocols)) {
  if (protocols_.size() > kMaxProtocols) {
    throw std::invalid_argument("one-hot protocol list has " + std::to_string(protocols_.size()) +
                                " entries; at most " + std::to_string(kMaxProtocols) + " are allowed");
  }
  std::array<bool, 256> seen{};
  for (const std::uint8_t protocol : protocols_) {
    if (seen[protocol]) {
      throw std::invalid_argument("one-hot protocol list repeats protocol " + std::to_string(protocol));
    }
    seen[protocol] = true;
  }

  names_ = encoding_columns(protocols_);
  // Bit positions follow the names: 10 IP class columns, the protocols, protocol_other, port classes.
  const std::size_t first_protocol = 2 * kIpClassCount;
  protocol_column_.fill(static_cast<std::uint8_t>(first_protocol + protocols_.size()));
  for (std::size_t i = 0; i < protocols_.size(); ++i) {
    protocol_column_[protocols_[i]] = static_cast<std::uint8_t>(first_protocol + i);
  }
  src_port_first_ = static_cast<std::uint8_t>(first_protocol + protocols_.size() + 1);
}

std::uint64_t OneHotEncoder::encode(const FlowRecord& flow) const noexcept {
  return ip_bit(ip_class(flow.src_ip), 0) | ip_bit(ip_class(flow.dst_ip), kDstIpFirst) |
         std::uint64_t{1} << protocol_column_[flow.protocol] | port_bit(port_class(flow.src_port), src_port_first_) |
         port_bit(port_class(flow.dst_port), src_port_first_ + kPortClassCount);
}

}  // namespace flowfeat
