#include "password_table.hpp"

#include <crypt.h>

#include <cstring>
#include <memory>
#include <stdexcept>

namespace flowfeat::metrics_detail {
namespace {

// Compares without stopping at the first difference, so timing says nothing about the password.
bool same(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char difference = 0;
  for (std::size_t i = 0; i < a.size(); ++i) difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  return difference == 0;
}

}  // namespace

PasswordTable::PasswordTable(std::map<std::string, std::string> users) : users_(std::move(users)) {
  for (const auto& [user, hash] : users_) {
    const int verdict = ::crypt_checksalt(hash.c_str());
    if (verdict == CRYPT_SALT_OK) continue;
    const char* why = verdict == CRYPT_SALT_METHOD_DISABLED ? "a kind of hash this system no longer verifies"
                      : verdict == CRYPT_SALT_METHOD_LEGACY ? "a legacy kind of hash (DES, MD5...); use bcrypt"
                                                            : "not a crypt(3) hash (bcrypt $2b$/$2y$, $6$ or $5$)";
    throw std::runtime_error("basic auth user \"" + user + "\": the password hash is " + why);
  }
}

bool PasswordTable::accepts(const std::string& user, const std::string& password) {
  const auto found = users_.find(user);
  if (found == users_.end()) return false;
  {
    std::lock_guard lock(mutex_);
    const auto last = remembered_.find(user);
    if (last != remembered_.end() && same(last->second, password)) return true;
  }
  auto data = std::make_unique<crypt_data>();  // 32 kB: not on the stack
  const char* computed = ::crypt_r(password.c_str(), found->second.c_str(), data.get());
  if (computed == nullptr || computed[0] == '*' || !same(computed, found->second)) return false;
  std::lock_guard lock(mutex_);
  remembered_[user] = password;
  return true;
}

}  // namespace flowfeat::metrics_detail
