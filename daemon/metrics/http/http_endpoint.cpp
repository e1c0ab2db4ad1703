#include "http_endpoint.hpp"

#include <microhttpd.h>

#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "endpoint_credentials.hpp"
#include "request_deadline.hpp"

namespace flowfeat::metrics_detail {
namespace {

// The request line and headers of one request must fit here (libmicrohttpd's default, said
// explicitly): beyond it the server answers 414 or 431 and closes.
constexpr std::size_t kRequestMemory = 32 * 1024;
constexpr const char* kRealm = "flowfeat";
constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

MHD_Result reply(MHD_Connection* connection, unsigned status, std::string_view text) {
  MHD_Response* response =
      MHD_create_response_from_buffer(text.size(), const_cast<char*>(text.data()), MHD_RESPMEM_MUST_COPY);
  if (response == nullptr) return MHD_NO;
  MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, status == MHD_HTTP_OK ? kContentType : "text/plain");
  if (status == MHD_HTTP_METHOD_NOT_ALLOWED) MHD_add_response_header(response, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
  const MHD_Result queued = MHD_queue_response(connection, status, response);
  MHD_destroy_response(response);
  return queued;
}

// The user and password of the request's basic auth header, freed with it.
struct BasicAuth {
  explicit BasicAuth(MHD_Connection* connection) : user(MHD_basic_auth_get_username_password(connection, &password)) {}
  ~BasicAuth() {
    MHD_free(user);
    MHD_free(password);
  }
  BasicAuth(const BasicAuth&) = delete;
  BasicAuth& operator=(const BasicAuth&) = delete;

  char* password = nullptr;
  char* user;
};

}  // namespace

// One libmicrohttpd daemon on the shared socket and the credentials it serves with.
struct HttpEndpoint::Server {
  Server(const EndpointSecurity& security, const Body& serve, const EndpointLimits& limits)
      : credentials(security), body(serve), deadline(std::chrono::seconds(limits.request_timeout_s)) {}
  ~Server() {
    if (daemon == nullptr) return;
    MHD_quiesce_daemon(daemon);  // so stopping leaves the socket open for the next server
    MHD_stop_daemon(daemon);
  }
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  static MHD_Result answer(void* self, MHD_Connection* connection, const char* url, const char* method,
                           const char* /*version*/, const char* /*upload_data*/, std::size_t* /*upload_size*/,
                           void** request_state) {
    Server& server = *static_cast<Server*>(self);
    // Other methods are answered at the first call, before any body is read: this endpoint takes
    // none, and the connection is closed after the answer.
    const std::string_view verb(method);
    if (verb != MHD_HTTP_METHOD_GET && verb != MHD_HTTP_METHOD_HEAD) {
      server.deadline.arrived(descriptor(connection));
      return reply(connection, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD are served\n");
    }
    // A GET is answered at the second call, once the whole request is in (a body it announces
    // included, so the request deadline covers that too), and the connection can be kept alive.
    static int request_seen;
    if (*request_state == nullptr) {
      *request_state = &request_seen;
      return MHD_YES;
    }
    server.deadline.arrived(descriptor(connection));
    if (!server.credentials.passwords().empty()) {
      const BasicAuth auth(connection);
      if (auth.user == nullptr || auth.password == nullptr ||
          !server.credentials.passwords().accepts(auth.user, auth.password)) {
        constexpr std::string_view text = "unauthorized\n";
        MHD_Response* response =
            MHD_create_response_from_buffer(text.size(), const_cast<char*>(text.data()), MHD_RESPMEM_PERSISTENT);
        if (response == nullptr) return MHD_NO;
        const MHD_Result queued = MHD_queue_basic_auth_fail_response(connection, kRealm, response);
        MHD_destroy_response(response);
        return queued;
      }
    }
    if (std::string_view(url) != "/metrics") return reply(connection, MHD_HTTP_NOT_FOUND, "the metrics are at /metrics\n");
    return reply(connection, MHD_HTTP_OK, server.body());
  }

  static void notify(void* self, MHD_Connection* connection, void** /*socket_state*/,
                     MHD_ConnectionNotificationCode event) {
    Server& server = *static_cast<Server*>(self);
    if (event == MHD_CONNECTION_NOTIFY_STARTED) {
      server.deadline.started(descriptor(connection));
    } else {
      server.deadline.closed(descriptor(connection));
    }
  }

  static int descriptor(MHD_Connection* connection) {
    return MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD)->connect_fd;
  }

  // Keeps the first message, which says why a start failed; later ones (a client's bad TLS
  // handshake, a connection over the limits) are the clients' doing and not logged.
  static void log(void* self, const char* format, va_list arguments) {
    Server& server = *static_cast<Server*>(self);
    if (!server.starting || !server.start_error.empty()) return;
    char text[512];
    std::vsnprintf(text, sizeof text, format, arguments);
    server.start_error = text;
    while (!server.start_error.empty() && server.start_error.back() == '\n') server.start_error.pop_back();
  }

  EndpointCredentials credentials;
  const Body& body;
  RequestDeadline deadline;  // outlives the daemon, which notifies it until stopped
  MHD_Daemon* daemon = nullptr;
  std::atomic<bool> starting = true;  // false once MHD_start_daemon returned
  std::string start_error;
};

HttpEndpoint::HttpEndpoint(const std::string& listen_address, const EndpointLimits& limits,
                           const EndpointSecurity& security, Body body)
    : socket_(listen_address), limits_(limits), body_(std::move(body)), security_(security), server_(start(security)) {}

HttpEndpoint::~HttpEndpoint() = default;

void HttpEndpoint::reload(const EndpointSecurity& security) {
  std::lock_guard lock(mutex_);
  EndpointCredentials{security};  // throws while the old server still serves
  // The socket cannot be served by two daemons at once: the old one stops accepting, the new
  // one starts on it. Connections arriving in between wait in the socket's backlog.
  server_.reset();
  try {
    server_ = start(security);
    security_ = security;
  } catch (...) {
    // Back to the previous settings, never to fewer: without them the endpoint stays closed.
    try {
      server_ = start(security_);
    } catch (const std::runtime_error&) {
      server_.reset();
    }
    throw;
  }
}

std::unique_ptr<HttpEndpoint::Server> HttpEndpoint::start(const EndpointSecurity& security) {
  auto server = std::make_unique<Server>(security, body_, limits_);
  std::vector<MHD_OptionItem> options = {
      {MHD_OPTION_LISTEN_SOCKET, socket_.fd(), nullptr},
      {MHD_OPTION_CONNECTION_TIMEOUT, limits_.inactivity_timeout_s, nullptr},
      {MHD_OPTION_CONNECTION_LIMIT, limits_.max_connections, nullptr},
      {MHD_OPTION_PER_IP_CONNECTION_LIMIT, limits_.max_connections_per_client, nullptr},
      {MHD_OPTION_CONNECTION_MEMORY_LIMIT, static_cast<intptr_t>(kRequestMemory), nullptr},
      {MHD_OPTION_EXTERNAL_LOGGER, reinterpret_cast<intptr_t>(&Server::log), server.get()},
      {MHD_OPTION_NOTIFY_CONNECTION, reinterpret_cast<intptr_t>(&Server::notify), server.get()},
  };
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
  if (const auto& tls = server->credentials.tls()) {
    flags |= MHD_USE_TLS;
    options.push_back({MHD_OPTION_HTTPS_MEM_CERT, 0, const_cast<char*>(tls->cert_pem().c_str())});
    options.push_back({MHD_OPTION_HTTPS_MEM_KEY, 0, const_cast<char*>(tls->key_pem().c_str())});
  }
  options.push_back({MHD_OPTION_END, 0, nullptr});
  server->daemon = MHD_start_daemon(flags, 0, nullptr, nullptr, &Server::answer, server.get(), MHD_OPTION_ARRAY,
                                    options.data(), MHD_OPTION_END);
  if (server->daemon == nullptr) {
    throw std::runtime_error("metrics: the HTTP server does not start: " +
                             (server->start_error.empty() ? std::string("no reason given") : server->start_error));
  }
  server->starting = false;
  return server;
}

}  // namespace flowfeat::metrics_detail
