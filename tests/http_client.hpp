// A plain HTTP/1.1 client over a loopback socket for tests (no TLS, Connection: close): the
// whole response, status line and headers included, as a curl user would read it.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdint>
#include <string>

namespace nexus::testing {

/// A connected loopback socket, or -1. Reads on it give up after `timeout_s` seconds.
inline int connect_to(uint16_t port, int timeout_s = 30) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  timeval timeout{timeout_s, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

inline std::string http_request(uint16_t port, const std::string& method, const std::string& target,
                                const std::string& body = "", int timeout_s = 30,
                                const std::string& headers = "") {
  const int fd = connect_to(port, timeout_s);
  if (fd < 0) return "";
  const std::string request = method + " " + target +
                              " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" + headers +
                              "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  (void)!write(fd, request.data(), request.size());
  std::string response;
  char buffer[4096];
  ssize_t got;
  while ((got = read(fd, buffer, sizeof buffer)) > 0)
    response.append(buffer, static_cast<size_t>(got));
  close(fd);
  return response;
}

inline std::string http_get(uint16_t port, const std::string& target) {
  return http_request(port, "GET", target);
}

}  // namespace nexus::testing
