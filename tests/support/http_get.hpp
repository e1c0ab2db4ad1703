#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace flowfeat::testing {

struct HttpResponse {
  int status = 0;       // the status code; 0 when no complete response arrived (see error)
  std::string headers;  // status line and header lines, as received
  std::string body;
  std::string error;  // why status is 0
};

namespace http_get_detail {

// Closes the socket however the request ends.
struct Socket {
  int fd = -1;
  ~Socket() {
    if (fd >= 0) ::close(fd);
  }
};

// Waits until fd is ready for events or the deadline passes; false (with error set) on timeout.
inline bool wait_for(int fd, short events, std::chrono::steady_clock::time_point deadline, std::string& error) {
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      error = "timed out";
      return false;
    }
    pollfd p{fd, events, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready > 0) return true;
    if (ready < 0 && errno != EINTR) {
      error = std::string("poll: ") + std::strerror(errno);
      return false;
    }
  }
}

// Value of a header (name without the colon, matched case-insensitively), or empty.
inline std::string_view header_value(std::string_view headers, std::string_view name) {
  std::size_t line = headers.find("\r\n");
  while (line != std::string_view::npos && line + 2 < headers.size()) {
    const std::size_t start = line + 2;
    line = headers.find("\r\n", start);
    const std::string_view text = headers.substr(start, line == std::string_view::npos ? line : line - start);
    const std::size_t colon = text.find(':');
    if (colon != name.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < colon && same; ++i) {
      same = (text[i] | 0x20) == (name[i] | 0x20);
    }
    if (!same) continue;
    std::string_view value = text.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    return value;
  }
  return {};
}

}  // namespace http_get_detail

// A blocking HTTP/1.0 GET of http://127.0.0.1:<port><path>, for tests that scrape an endpoint. The
// whole exchange gives up after timeout. Reads to Content-Length when the server sends one, else
// to the end of the connection; no redirects, no chunked bodies (an HTTP/1.0 request gets none).
inline HttpResponse http_get(std::uint16_t port, std::string_view path = "/metrics",
                             std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  using http_get_detail::wait_for;
  HttpResponse response;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  http_get_detail::Socket socket{::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)};
  if (socket.fd < 0) {
    response.error = std::string("socket: ") + std::strerror(errno);
    return response;
  }

  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(socket.fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    if (errno != EINPROGRESS) {
      response.error = std::string("connect: ") + std::strerror(errno);
      return response;
    }
    if (!wait_for(socket.fd, POLLOUT, deadline, response.error)) return response;
    int failure = 0;
    socklen_t length = sizeof failure;
    ::getsockopt(socket.fd, SOL_SOCKET, SO_ERROR, &failure, &length);
    if (failure != 0) {
      response.error = std::string("connect: ") + std::strerror(failure);
      return response;
    }
  }

  const std::string request = "GET " + std::string(path) + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
  for (std::size_t sent = 0; sent < request.size();) {
    if (!wait_for(socket.fd, POLLOUT, deadline, response.error)) return response;
    const ssize_t n = ::send(socket.fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EINTR) {
      response.error = std::string("send: ") + std::strerror(errno);
      return response;
    }
    if (n > 0) sent += static_cast<std::size_t>(n);
  }

  std::string received;
  std::size_t header_end = std::string::npos;
  std::size_t content_length = std::string::npos;
  for (;;) {
    if (header_end != std::string::npos && content_length != std::string::npos &&
        received.size() - header_end >= content_length) {
      break;
    }
    if (!wait_for(socket.fd, POLLIN, deadline, response.error)) return response;
    char buffer[4096];
    const ssize_t n = ::recv(socket.fd, buffer, sizeof buffer, 0);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      response.error = std::string("recv: ") + std::strerror(errno);
      return response;
    }
    received.append(buffer, static_cast<std::size_t>(n));
    if (header_end == std::string::npos) {
      const std::size_t blank = received.find("\r\n\r\n");
      if (blank == std::string::npos) continue;
      header_end = blank + 4;
      const std::string length(
          http_get_detail::header_value(std::string_view(received).substr(0, blank + 2), "Content-Length"));
      if (!length.empty()) content_length = std::stoul(length);
    }
  }

  if (header_end == std::string::npos) {
    response.error = "connection closed before the end of the headers";
    return response;
  }
  if (content_length != std::string::npos && received.size() - header_end < content_length) {
    response.error = "connection closed before the end of the body";
    return response;
  }
  // "HTTP/1.x NNN reason"
  if (received.compare(0, 7, "HTTP/1.") != 0 || received.size() < 12 || received[8] != ' ') {
    response.error = "not an HTTP response: " + received.substr(0, received.find("\r\n"));
    return response;
  }
  response.headers = received.substr(0, header_end - 2);
  response.body = received.substr(header_end, content_length);
  response.status = std::stoi(received.substr(9, 3));
  return response;
}

}  // namespace flowfeat::testing
