#pragma once

#include <string>

namespace flowfeat::metrics_detail {

// A certificate (with its chain) and its private key, read from PEM files and checked with GnuTLS,
// the TLS library of the HTTP server. Read once per start or reload: a file replaced afterwards
// changes nothing until the next reload.
class TlsKeyPair {
 public:
  // Throws std::runtime_error naming the file and the reason: unreadable, not PEM, not a key pair.
  TlsKeyPair(const std::string& cert_file, const std::string& key_file);

  const std::string& cert_pem() const noexcept { return cert_pem_; }
  const std::string& key_pem() const noexcept { return key_pem_; }

 private:
  std::string cert_pem_;
  std::string key_pem_;
};

}  // namespace flowfeat::metrics_detail
