#include "tls_key_pair.hpp"

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace flowfeat::metrics_detail {
namespace {

std::string read_file(const std::string& what, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(what + " \"" + path + "\" cannot be read: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw std::runtime_error(what + " \"" + path + "\" cannot be read: " + std::strerror(errno));
  return text.str();
}

gnutls_datum_t datum(const std::string& text) {
  return {reinterpret_cast<unsigned char*>(const_cast<char*>(text.data())), static_cast<unsigned>(text.size())};
}

}  // namespace

TlsKeyPair::TlsKeyPair(const std::string& cert_file, const std::string& key_file)
    : cert_pem_(read_file("metrics TLS certificate", cert_file)), key_pem_(read_file("metrics TLS key", key_file)) {
  gnutls_certificate_credentials_t credentials = nullptr;
  if (gnutls_certificate_allocate_credentials(&credentials) != GNUTLS_E_SUCCESS) {
    throw std::runtime_error("metrics TLS: out of memory");
  }
  const std::unique_ptr<gnutls_certificate_credentials_st, void (*)(gnutls_certificate_credentials_t)> owner(
      credentials, gnutls_certificate_free_credentials);
  const gnutls_datum_t cert = datum(cert_pem_);
  const gnutls_datum_t key = datum(key_pem_);
  const int result = gnutls_certificate_set_x509_key_mem2(credentials, &cert, &key, GNUTLS_X509_FMT_PEM, nullptr, 0);
  if (result < 0) {
    throw std::runtime_error("metrics TLS certificate \"" + cert_file + "\" and key \"" + key_file +
                             "\" cannot be used: " + gnutls_strerror(result));
  }
}

}  // namespace flowfeat::metrics_detail
