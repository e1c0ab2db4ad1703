#pragma once

#include <stdexcept>
#include <string>

namespace flowfeat {

class PrivilegeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Called once the capture sockets are open, which is all flowfeatd needs privileges for: switches
// to user (and group, or the user's primary group) when a user is given, then gives up every
// capability (effective, permitted, inheritable, ambient and, when allowed, the bounding set) and
// sets no_new_privs, so nothing later can regain them. Root with no user given stays root (with a
// warning). Throws PrivilegeError naming what failed; a half-done switch is never left running.
void drop_privileges(const std::string& user, const std::string& group);

}  // namespace flowfeat
