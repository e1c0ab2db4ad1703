#include "endpoint_credentials.hpp"

#include <stdexcept>

namespace flowfeat {
namespace metrics_detail {
namespace {

std::optional<TlsKeyPair> key_pair(const EndpointSecurity& security) {
  if (security.cert_file.empty() != security.key_file.empty()) {
    throw std::runtime_error("metrics TLS needs both a certificate file and a key file, or neither");
  }
  if (security.cert_file.empty()) return std::nullopt;
  return TlsKeyPair(security.cert_file, security.key_file);
}

}  // namespace

EndpointCredentials::EndpointCredentials(const EndpointSecurity& security)
    : tls_(key_pair(security)), passwords_(security.users) {}

}  // namespace metrics_detail

void check_endpoint_security(const EndpointSecurity& security) { metrics_detail::EndpointCredentials{security}; }

}  // namespace flowfeat
