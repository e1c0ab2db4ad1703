#include "flowfeat/metrics/http/web_config_file.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <stdexcept>

namespace flowfeat {
namespace {

class WebConfigReader {
 public:
  explicit WebConfigReader(std::string path) : path_(std::move(path)) {}

  EndpointSecurity read() const {
    YAML::Node root;
    try {
      root = YAML::LoadFile(path_);
    } catch (const YAML::BadFile&) {
      fail("cannot be read");
    } catch (const YAML::Exception& e) {
      fail("is not YAML: " + e.msg);
    }
    EndpointSecurity security;
    if (root.IsNull()) return security;
    if (!root.IsMap()) fail("must be a map of settings");
    for (const auto& entry : root) {
      const std::string key = entry.first.as<std::string>();
      if (key == "tls_server_config") {
        read_tls(entry.second, security);
      } else if (key == "basic_auth_users") {
        read_users(entry.second, security);
      } else {
        unsupported(key);
      }
    }
    return security;
  }

 private:
  [[noreturn]] void fail(const std::string& problem) const {
    throw std::runtime_error("metrics web configuration file \"" + path_ + "\" " + problem);
  }
  [[noreturn]] void unsupported(const std::string& key) const {
    fail("sets " + key + ", which this endpoint does not implement (tls_server_config.cert_file, key_file and "
         "basic_auth_users only)");
  }

  std::string text(const YAML::Node& node, const std::string& key) const {
    if (!node.IsScalar()) fail(key + " must be a string");
    return node.as<std::string>();
  }

  // exporter-toolkit joins a relative path to the file's folder.
  std::string path(const YAML::Node& node, const std::string& key) const {
    const std::filesystem::path named = text(node, key);
    if (named.empty() || named.is_absolute()) return named.string();
    return (std::filesystem::path(path_).parent_path() / named).string();
  }

  void read_tls(const YAML::Node& tls, EndpointSecurity& security) const {
    if (tls.IsNull()) return;
    if (!tls.IsMap()) fail("tls_server_config must be a map");
    for (const auto& entry : tls) {
      const std::string key = entry.first.as<std::string>();
      if (key == "cert_file") {
        security.cert_file = path(entry.second, "tls_server_config.cert_file");
      } else if (key == "key_file") {
        security.key_file = path(entry.second, "tls_server_config.key_file");
      } else {
        unsupported("tls_server_config." + key);
      }
    }
    if (security.cert_file.empty() || security.key_file.empty()) {
      fail("needs both tls_server_config.cert_file and tls_server_config.key_file");
    }
  }

  void read_users(const YAML::Node& users, EndpointSecurity& security) const {
    if (users.IsNull()) return;
    if (!users.IsMap()) fail("basic_auth_users must be a map of user names to password hashes");
    for (const auto& entry : users) {
      const std::string user = entry.first.as<std::string>();
      if (user.empty() || user.find(':') != std::string::npos) fail("basic_auth_users: \"" + user + "\" is not a user name");
      security.users[user] = text(entry.second, "basic_auth_users." + user);
    }
  }

  std::string path_;
};

}  // namespace

EndpointSecurity read_web_config_file(const std::string& path) { return WebConfigReader(path).read(); }

}  // namespace flowfeat
