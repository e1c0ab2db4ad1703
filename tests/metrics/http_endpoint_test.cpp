// The metrics endpoint as a client meets it: its bounds on idle, slow and numerous connections,
// basic auth, refused requests, and the checks of its TLS and password settings.
#include <arpa/inet.h>
#include <crypt.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "flowfeat/metrics/http/endpoint_security.hpp"
#include "flowfeat/metrics/http/web_config_file.hpp"
#include "flowfeat/metrics/metrics.hpp"
#include "http_get.hpp"
#include "temp_folder.hpp"

namespace flowfeat {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A connection to the endpoint from a loopback address of the test's choosing (all of 127/8 is
// loopback), so tests can be several clients.
class Client {
 public:
  Client(std::uint16_t port, const char* from = "127.0.0.1") : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in source{};
    source.sin_family = AF_INET;
    ::inet_pton(AF_INET, from, &source.sin_addr);
    if (::bind(fd_, reinterpret_cast<const sockaddr*>(&source), sizeof source) != 0) throw std::runtime_error("bind");
    sockaddr_in target{};
    target.sin_family = AF_INET;
    target.sin_port = htons(port);
    target.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&target), sizeof target) != 0) throw std::runtime_error("connect");
  }
  ~Client() { ::close(fd_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  void send(const std::string& bytes) const { ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL); }

  // Everything received until the server closes, or nullopt-like "" with closed false on timeout.
  bool closed_within(std::chrono::milliseconds timeout, std::string* received = nullptr) const {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buffer[4096];
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) return true;  // end of stream or reset: closed by the server
      if (received != nullptr) received->append(buffer, static_cast<std::size_t>(n));
    }
  }

  // The status code of the response to request (the whole request, sent at once).
  int status_of(const std::string& request) const {
    send(request);
    std::string response;
    closed_within(5s, &response);
    if (response.rfind("HTTP/1.", 0) != 0 || response.size() < 12) return 0;
    return std::stoi(response.substr(9, 3));
  }

 private:
  int fd_;
};

MetricsOptions with_limits(EndpointLimits limits) {
  return {.listen_address = "127.0.0.1:0", .limits = limits};
}

std::string base64(const std::string& text) {
  static constexpr char kDigits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, text.size() - i);
    std::uint32_t v = 0;
    for (std::size_t j = 0; j < 3; ++j) v = v << 8 | (j < n ? static_cast<unsigned char>(text[i + j]) : 0u);
    for (std::size_t j = 0; j < 4; ++j) out += j <= n ? kDigits[(v >> (18 - 6 * j)) & 63] : '=';
  }
  return out;
}

std::string get_with_auth(const std::string& user_password) {
  return "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Basic " + base64(user_password) +
         "\r\n\r\n";
}

// A fresh crypt(3) hash of password with the given method prefix ("$2b$" bcrypt, "$6$" SHA-512).
std::string hash_of(const std::string& password, const char* prefix) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  if (::crypt_gensalt_rn(prefix, 0, nullptr, 0, salt, sizeof salt) == nullptr) throw std::runtime_error("gensalt");
  crypt_data data{};
  return ::crypt_r(password.c_str(), salt, &data);
}

std::string security_error(const EndpointSecurity& security) {
  try {
    check_endpoint_security(security);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(HttpEndpoint, IdleAndSlowConnectionsAreClosedAfterTheTimeoutWhileScrapesGoOn) {
  Metrics metrics(with_limits(
      {.request_timeout_s = 1, .inactivity_timeout_s = 1, .max_connections = 100, .max_connections_per_client = 100}));
  std::vector<std::unique_ptr<Client>> idle;
  for (int i = 0; i < 40; ++i) idle.push_back(std::make_unique<Client>(metrics.port()));
  Client slow(metrics.port());
  slow.send("GET /metr");
  // Held connections do not keep a scrape waiting.
  const auto before = Clock::now();
  EXPECT_EQ(testing::http_get(metrics.port(), "/metrics", 2s).status, 200);
  EXPECT_LT(Clock::now() - before, 500ms);
  for (const auto& client : idle) EXPECT_TRUE(client->closed_within(2500ms));
  EXPECT_TRUE(slow.closed_within(2500ms));
}

TEST(HttpEndpoint, KeptAliveConnectionIsClosedAfterTheInactivityTimeout) {
  Metrics metrics(with_limits({.request_timeout_s = 30, .inactivity_timeout_s = 1}));
  Client kept(metrics.port());
  kept.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string response;
  const auto before = Clock::now();
  EXPECT_TRUE(kept.closed_within(2500ms, &response));
  EXPECT_GE(Clock::now() - before, 900ms);  // kept open after the response, then cut
  EXPECT_EQ(response.rfind("HTTP/1.1 200", 0), 0u) << response.substr(0, 200);
}

TEST(HttpEndpoint, ConnectionsBeyondTheBoundOfOneClientAreClosedAtOnce) {
  Metrics metrics(with_limits(
      {.request_timeout_s = 30, .inactivity_timeout_s = 30, .max_connections = 100, .max_connections_per_client = 4}));
  std::vector<std::unique_ptr<Client>> held;
  for (int i = 0; i < 4; ++i) held.push_back(std::make_unique<Client>(metrics.port(), "127.0.0.2"));
  Client extra(metrics.port(), "127.0.0.2");
  EXPECT_TRUE(extra.closed_within(2s));
  for (const auto& client : held) EXPECT_FALSE(client->closed_within(100ms));
  // Another client still gets in.
  EXPECT_EQ(Client(metrics.port(), "127.0.0.3").status_of("GET /metrics HTTP/1.0\r\n\r\n"), 200);
}

TEST(HttpEndpoint, RefusesWhatIsNotAScrapeAndGoesOnServing) {
  Metrics metrics(with_limits({.request_timeout_s = 1}));
  const std::uint16_t port = metrics.port();
  EXPECT_EQ(Client(port).status_of("GET /../../etc/passwd HTTP/1.0\r\n\r\n"), 404);
  EXPECT_EQ(Client(port).status_of("GET /metrics/.. HTTP/1.0\r\n\r\n"), 404);
  EXPECT_EQ(Client(port).status_of("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999\r\n\r\n"), 405);
  EXPECT_EQ(Client(port).status_of("GET /" + std::string(100'000, 'a') + " HTTP/1.0\r\n\r\n") / 100, 4);
  Client body_never_sent(port);  // a GET announcing a body it never sends: cut by the request timeout
  body_never_sent.send("GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n");
  EXPECT_TRUE(body_never_sent.closed_within(2500ms));
  std::string many_headers = "GET /metrics HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 5000; ++i) many_headers += "X-" + std::to_string(i) + ": y\r\n";
  EXPECT_EQ(Client(port).status_of(many_headers + "\r\n") / 100, 4);
  // The request line ends for the server at a null byte: answered as what comes before it.
  EXPECT_NE(Client(port).status_of(std::string("GET /metrics\0\0 HTTP/1.0\r\n\r\n", 28)), 0);
  // Bytes that are no request at all (a TLS hello on the plain port): cut by the request timeout.
  Client garbage(port);
  garbage.send(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11));
  EXPECT_TRUE(garbage.closed_within(2500ms));
  EXPECT_EQ(testing::http_get(port).status, 200);
}

TEST(HttpEndpoint, BasicAuthAcceptsTheRightPasswordOnly) {
  MetricsOptions options = with_limits({});
  options.security.users = {{"prometheus", hash_of("s3cret", "$2b$")}, {"other", hash_of("pass", "$6$")}};
  Metrics metrics(options);
  EXPECT_EQ(Client(metrics.port()).status_of(get_with_auth("prometheus:s3cret")), 200);
  EXPECT_EQ(Client(metrics.port()).status_of(get_with_auth("prometheus:s3cret")), 200);  // the remembered one
  EXPECT_EQ(Client(metrics.port()).status_of(get_with_auth("other:pass")), 200);
  EXPECT_EQ(Client(metrics.port()).status_of(get_with_auth("prometheus:wrong")), 401);
  EXPECT_EQ(Client(metrics.port()).status_of(get_with_auth("nobody:s3cret")), 401);
  EXPECT_EQ(Client(metrics.port()).status_of("GET /metrics HTTP/1.0\r\n\r\n"), 401);
  std::string challenge;
  Client asking(metrics.port());
  asking.send("GET /metrics HTTP/1.0\r\n\r\n");
  asking.closed_within(5s, &challenge);
  EXPECT_NE(challenge.find("WWW-Authenticate: Basic realm=\"flowfeat\""), std::string::npos) << challenge;
}

TEST(HttpEndpoint, ReloadChangesTheUsersOnTheSamePort) {
  MetricsOptions options = with_limits({});
  options.security.users = {{"a", hash_of("one", "$6$")}};
  Metrics metrics(options);
  const std::uint16_t port = metrics.port();
  metrics.reload_security(EndpointSecurity{.users = {{"a", hash_of("two", "$6$")}}});
  EXPECT_EQ(metrics.port(), port);
  EXPECT_EQ(Client(port).status_of(get_with_auth("a:two")), 200);
  EXPECT_EQ(Client(port).status_of(get_with_auth("a:one")), 401);
  // A reload that cannot work leaves the previous settings serving.
  EXPECT_THROW(metrics.reload_security(EndpointSecurity{.users = {{"a", "plain"}}}), std::runtime_error);
  EXPECT_EQ(Client(port).status_of(get_with_auth("a:two")), 200);
}

TEST(EndpointSecurity, BadSettingsAreRefusedWithTheirName) {
  EXPECT_EQ(security_error({}), "");
  EXPECT_NE(security_error({.users = {{"u", "not-a-hash"}}}).find("\"u\""), std::string::npos);
  EXPECT_NE(security_error({.users = {{"u", "abJnggxhB/yWI"}}}).find("legacy"), std::string::npos);  // DES
  EXPECT_NE(security_error({.cert_file = "/no/such/cert.pem"}).find("both"), std::string::npos);
  const std::string unreadable = security_error({.cert_file = "/no/such/cert.pem", .key_file = "/no/such/key.pem"});
  EXPECT_NE(unreadable.find("\"/no/such/cert.pem\" cannot be read"), std::string::npos) << unreadable;
  testing::TempFolder folder;
  testing::write_text(folder / "cert.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
  testing::write_text(folder / "key.pem", "not a key\n");
  const std::string unusable =
      security_error({.cert_file = (folder / "cert.pem").string(), .key_file = (folder / "key.pem").string()});
  EXPECT_NE(unusable.find("cannot be used"), std::string::npos) << unusable;
}

TEST(WebConfigFile, ReadsTheExporterToolkitLayout) {
  testing::TempFolder folder;
  testing::write_text(folder / "web.yml",
                      "tls_server_config:\n  cert_file: tls/server.crt\n  key_file: /etc/keys/server.key\n"
                      "basic_auth_users:\n  prometheus: $2y$10$abcdefghijklmnopqrstuv\n");
  const EndpointSecurity read = read_web_config_file((folder / "web.yml").string());
  EXPECT_EQ(read.cert_file, (folder / "tls/server.crt").string());
  EXPECT_EQ(read.key_file, "/etc/keys/server.key");
  ASSERT_EQ(read.users.size(), 1u);
  EXPECT_EQ(read.users.at("prometheus"), "$2y$10$abcdefghijklmnopqrstuv");
  testing::write_text(folder / "empty.yml", "");
  EXPECT_EQ(read_web_config_file((folder / "empty.yml").string()), EndpointSecurity{});
}

TEST(WebConfigFile, RefusesWhatItDoesNotImplement) {
  testing::TempFolder folder;
  const auto error_of = [&](const std::string& text) -> std::string {
    testing::write_text(folder / "web.yml", text);
    try {
      read_web_config_file((folder / "web.yml").string());
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(error_of("tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: RequireAndVerifyClientCert\n")
                .find("tls_server_config.client_auth_type"),
            std::string::npos);
  EXPECT_NE(error_of("http_server_config:\n  http2: false\n").find("http_server_config"), std::string::npos);
  EXPECT_NE(error_of("tls_server_config:\n  cert_file: a\n").find("both"), std::string::npos);
  EXPECT_NE(error_of("[unclosed").find("not YAML"), std::string::npos);
  EXPECT_NE(error_of("basic_auth_users:\n  \"a:b\": x\n").find("not a user name"), std::string::npos);
  const std::string missing = (folder / "missing.yml").string();
  try {
    read_web_config_file(missing);
    ADD_FAILURE() << "a missing file was read";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("\"" + missing + "\" cannot be read"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace flowfeat
