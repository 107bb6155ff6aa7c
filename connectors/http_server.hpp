// HttpServer: a small asynchronous HTTP/1.1 server (Boost.Beast) on its own thread, for
// the metrics port and the review desk. Connections are served concurrently; each has a
// deadline to send a request (a slow or idle client is cut off, never blocking others),
// header and body limits (refused with 431/413), and past `max_connections` a new
// connection gets 503 at once. Keep-alive is honoured. The handler runs on the server
// thread, one request at a time, so it may use state that is not thread-safe as long as
// only the server thread touches it. Start it once; the destructor stops and joins.
#pragma once

#include "base/result.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace nexus::connectors {

struct HttpRequest {
  std::string method;                                        // "GET", "POST", ...
  std::string target;                                        // path and query, as sent
  std::vector<std::pair<std::string, std::string>> headers;  // names lowercased
  std::string body;
  std::string peer;  // the client's address

  /// The first header of that (lowercase) name, "" when absent.
  std::string header(std::string_view name) const;
  /// The path without the query.
  std::string path() const;
  /// A query parameter, percent-decoded ("" when absent).
  std::string query(std::string_view name) const;
  bool has_query(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
};

struct HttpLimits {
  std::chrono::seconds request_timeout{5};  // to send one whole request
  size_t header_limit = 8 * 1024;
  size_t body_limit = 64 * 1024;
  int max_connections = 512;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

class HttpServer {
 public:
  /// Binds `address` ("127.0.0.1" for loopback only, "0.0.0.0" to expose); port 0 picks a
  /// free one. Fails with the reason when the address is bad or the port taken.
  static Result<std::unique_ptr<HttpServer>> start(const std::string& address, uint16_t port,
                                                   HttpLimits limits, HttpHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  uint16_t port() const { return port_; }

 private:
  struct Impl;
  HttpServer(std::unique_ptr<Impl> impl, uint16_t port);
  std::unique_ptr<Impl> impl_;
  uint16_t port_;
};

/// "%41b+c" -> "Ab c" (query-string decoding); malformed escapes are kept as written.
std::string percent_decode(std::string_view text);

}  // namespace nexus::connectors
