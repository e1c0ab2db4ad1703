#include "flowfeat/core/ip_address.hpp"

#include <arpa/inet.h>

namespace flowfeat {

std::string IpAddress::to_string() const {
  char text[INET6_ADDRSTRLEN] = {};
  if (version == 4) {
    ::inet_ntop(AF_INET, bytes.data(), text, sizeof(text));
  } else if (version == 6) {
    ::inet_ntop(AF_INET6, bytes.data(), text, sizeof(text));
  }
  return text;
}

}  // namespace flowfeat
