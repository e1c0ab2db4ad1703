#pragma once

#include <optional>

#include "flowfeat/metrics/http/endpoint_security.hpp"
#include "password_table.hpp"
#include "tls_key_pair.hpp"

namespace flowfeat::metrics_detail {

// EndpointSecurity made ready to serve: the TLS key pair read and checked, the password hashes
// checked. Throws std::runtime_error as check_endpoint_security says.
class EndpointCredentials {
 public:
  explicit EndpointCredentials(const EndpointSecurity& security);

  // Empty: plain HTTP.
  const std::optional<TlsKeyPair>& tls() const noexcept { return tls_; }
  PasswordTable& passwords() noexcept { return passwords_; }

 private:
  std::optional<TlsKeyPair> tls_;
  PasswordTable passwords_;
};

}  // namespace flowfeat::metrics_detail
