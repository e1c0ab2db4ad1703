#pragma once

#include <map>
#include <string>

namespace flowfeat {

// How the metrics endpoint is reached and who may read it, as Prometheus exporters take it: TLS
// with a certificate and key, and HTTP basic auth with password hashes. Empty: plain HTTP, anyone.
struct EndpointSecurity {
  std::string cert_file = {};  // PEM certificate, its chain after it; empty = plain HTTP
  std::string key_file = {};   // PEM private key of the certificate, not encrypted
  // User name -> crypt(3) hash of the password: bcrypt ($2b$, $2y$), SHA-512-crypt ($6$) or
  // SHA-256-crypt ($5$), as htpasswd -B or mkpasswd make them. Empty = no authentication.
  std::map<std::string, std::string> users = {};

  bool tls() const noexcept { return !cert_file.empty(); }
  friend bool operator==(const EndpointSecurity&, const EndpointSecurity&) = default;
};

// Reads the files and checks what a start would: both or neither of the certificate and key, the
// files readable, the key the certificate's, each hash of a kind this system verifies. Throws
// std::runtime_error naming the setting or file and the reason.
void check_endpoint_security(const EndpointSecurity& security);

}  // namespace flowfeat
