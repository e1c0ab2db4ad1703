#include "flowfeat/app/privileges.hpp"

#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <spdlog/spdlog.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace flowfeat {
namespace {

[[noreturn]] void fail(const std::string& what) { throw PrivilegeError(what + ": " + std::strerror(errno)); }

void switch_user(const std::string& user, const std::string& group) {
  errno = 0;
  const passwd* account = ::getpwnam(user.c_str());
  if (account == nullptr) throw PrivilegeError("process.user: no user \"" + user + "\"");
  const uid_t uid = account->pw_uid;
  gid_t gid = account->pw_gid;
  if (!group.empty()) {
    const struct group* entry = ::getgrnam(group.c_str());
    if (entry == nullptr) throw PrivilegeError("process.group: no group \"" + group + "\"");
    gid = entry->gr_gid;
  }
  if (::geteuid() == uid && ::getegid() == gid) return;
  if (::setgroups(0, nullptr) != 0) fail("process.user: cannot clear the supplementary groups (start as root)");
  if (::setresgid(gid, gid, gid) != 0) fail("process.group: cannot switch to group " + std::to_string(gid));
  if (::setresuid(uid, uid, uid) != 0) fail("process.user: cannot switch to user \"" + user + "\"");
  // The switch must hold: a process able to get root back has dropped nothing.
  if (::setresuid(0, 0, 0) == 0 && uid != 0) throw PrivilegeError("process.user: root could be regained");
}

void drop_capabilities() {
  if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) {
    fail("cannot clear the ambient capabilities");
  }
  // The bounding set can only shrink with CAP_SETPCAP; under systemd it is already limited.
  const std::unique_ptr<_cap_struct, int (*)(void*)> current(cap_get_proc(), cap_free);
  cap_flag_value_t can_setpcap = CAP_CLEAR;
  if (current && cap_get_flag(current.get(), CAP_SETPCAP, CAP_EFFECTIVE, &can_setpcap) == 0 && can_setpcap == CAP_SET) {
    for (cap_value_t cap = 0; cap <= CAP_LAST_CAP; ++cap) {
      if (CAP_IS_SUPPORTED(cap)) cap_drop_bound(cap);
    }
  }
  const std::unique_ptr<_cap_struct, int (*)(void*)> none(cap_init(), cap_free);
  if (!none || cap_set_proc(none.get()) != 0) fail("cannot give up the capabilities");
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail("cannot set no_new_privs");
}

}  // namespace

void drop_privileges(const std::string& user, const std::string& group) {
  if (user.empty() && !group.empty()) throw PrivilegeError("process.group needs process.user");
  if (user.empty() && ::geteuid() == 0) {
    // Root without its capabilities could no longer write where root is expected to; an operator
    // who starts it as root chooses the user to become.
    spdlog::warn("running as root: set process.user (--user) to give up root once the capture is open");
    return;
  }
  if (!user.empty()) switch_user(user, group);
  drop_capabilities();
  spdlog::info("running as uid {} gid {} with no capabilities", ::getuid(), ::getgid());
}

}  // namespace flowfeat
