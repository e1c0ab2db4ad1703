#include "flowfeat/enrich/one_hot_encoder.hpp"

#include <stdexcept>
#include <string_view>
#include <utility>

#include "flowfeat/enrich/endpoint_class.hpp"

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

std::vector<std::uint8_t> OneHotEncoder::default_protocols() { return {0, 1, 2, 6, 17, 47, 50, 58, 89, 132}; }

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

  for (const std::string_view prefix : {"src_ip_class_", "dst_ip_class_"}) {
    for (const IpClass c : kIpClasses) names_.push_back(std::string(prefix).append(name(c)));
  }
  const std::size_t other_column = names_.size() + protocols_.size();
  protocol_column_.fill(static_cast<std::uint8_t>(other_column));
  for (const std::uint8_t protocol : protocols_) {
    protocol_column_[protocol] = static_cast<std::uint8_t>(names_.size());
    names_.push_back("protocol_" + std::to_string(protocol));
  }
  names_.push_back("protocol_other");
  src_port_first_ = static_cast<std::uint8_t>(names_.size());
  for (const std::string_view prefix : {"src_port_class_", "dst_port_class_"}) {
    for (const PortClass c : kPortClasses) names_.push_back(std::string(prefix).append(name(c)));
  }
}

std::uint64_t OneHotEncoder::encode(const FlowRecord& flow) const noexcept {
  return ip_bit(ip_class(flow.src_ip), 0) | ip_bit(ip_class(flow.dst_ip), kDstIpFirst) |
         std::uint64_t{1} << protocol_column_[flow.protocol] | port_bit(port_class(flow.src_port), src_port_first_) |
         port_bit(port_class(flow.dst_port), src_port_first_ + kPortClassCount);
}

}  // namespace flowfeat
