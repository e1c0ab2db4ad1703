#include "flowfeat/core/encoding_columns.hpp"

#include <string_view>

#include "flowfeat/core/endpoint_class.hpp"

namespace flowfeat {

std::vector<std::string> encoding_columns(std::span<const std::uint8_t> protocols) {
  std::vector<std::string> names;
  for (const std::string_view prefix : {"src_ip_class_", "dst_ip_class_"}) {
    for (const IpClass c : {IpClass::kA, IpClass::kB, IpClass::kC, IpClass::kD, IpClass::kE}) {
      names.push_back(std::string(prefix).append(name(c)));
    }
  }
  for (const std::uint8_t protocol : protocols) names.push_back("protocol_" + std::to_string(protocol));
  names.emplace_back("protocol_other");
  for (const std::string_view prefix : {"src_port_class_", "dst_port_class_"}) {
    for (const PortClass c : {PortClass::kWellKnown, PortClass::kRegistered, PortClass::kDynamic}) {
      names.push_back(std::string(prefix).append(name(c)));
    }
  }
  return names;
}

}  // namespace flowfeat
