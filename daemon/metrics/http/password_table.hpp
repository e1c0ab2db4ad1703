#pragma once

#include <map>
#include <mutex>
#include <string>

namespace flowfeat::metrics_detail {

// The users of HTTP basic auth and their crypt(3) password hashes, verified with libxcrypt.
// A hash costs tens of milliseconds to check (bcrypt at cost 10), on the thread serving every
// connection; the last password that matched each user is remembered, so a scraper sending the
// same one every time pays it once.
class PasswordTable {
 public:
  // Throws std::runtime_error naming the user when a hash is not one libxcrypt verifies here.
  explicit PasswordTable(std::map<std::string, std::string> users);

  bool empty() const noexcept { return users_.empty(); }
  bool accepts(const std::string& user, const std::string& password);

 private:
  std::map<std::string, std::string> users_;
  std::mutex mutex_;                              // guards remembered_
  std::map<std::string, std::string> remembered_;  // user -> the last password that matched
};

}  // namespace flowfeat::metrics_detail
