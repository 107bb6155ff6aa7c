// HttpServer: a small asynchronous HTTP/1.1 server (Boost.Beast) on its own thread, for
// the metrics port and the review desk. Connections are served concurrently; each has a
// deadline to send a request (a slow or idle client is cut off, never blocking others),
// header and body limits (refused with 431/413), and past `max_connections` a new
// connection gets 503 at once. Keep-alive is honoured. Given a TlsConfig it serves only
// HTTPS (OpenSSL, TLS 1.2 or newer): the handshake falls under the same deadline, a client
// that fails it is dropped alone, and every answer carries Strict-Transport-Security. The
// handler runs on the server thread, one request at a time, so it may use state that is
// not thread-safe as long as only the server thread touches it. Start it once; the
// destructor stops and joins.
#pragma once

#include "base/result.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
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
  bool tls = false;  // it came over TLS (the server's TlsConfig was set)

  /// The first header of that (lowercase) name, "" when absent.
  std::string header(std::string_view name) const;
  /// The path without the query.
  std::string path() const;
  /// A query parameter, percent-decoded ("" when absent).
  std::string query(std::string_view name) const;
  /// Every value of a repeated query parameter (`?a=1&a=2`), percent-decoded, in order.
  std::vector<std::string> query_all(std::string_view name) const;
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

/// HTTPS for HttpServer::start. The files are read once, at start.
struct TlsConfig {
  /// PEM: the server's certificate, optionally followed by its CA chain. Required.
  std::string certificate_file;
  /// PEM: the certificate's private key, unencrypted (nothing asks for a passphrase). Required.
  std::string private_key_file;
  /// Called on the server thread once per connection dropped because its TLS handshake
  /// failed or did not finish within the request deadline (a plain-HTTP client, a
  /// scanner), with the client's address and OpenSSL's reason. Default: none.
  std::function<void(const std::string& peer, const std::string& reason)> on_handshake_failure;
};

/// Reads and checks the certificate and key as HttpServer::start does, without serving.
/// Refused, naming the file and giving OpenSSL's reason: a file that cannot be read, a PEM
/// that does not parse, a key that does not match the certificate. The error code says
/// which file is at fault: "tls_certificate" or "tls_private_key". Costs two file reads.
Result<void> check_tls_files(const TlsConfig& tls);

class HttpServer {
 public:
  /// Binds `address` ("127.0.0.1" for loopback only, "0.0.0.0" to expose); port 0 picks a
  /// free one. With `tls` it speaks only HTTPS. Fails with the reason when the address is
  /// bad or the port taken, or as check_tls_files when the certificate or key is refused.
  static Result<std::unique_ptr<HttpServer>> start(const std::string& address, uint16_t port,
                                                   HttpLimits limits, HttpHandler handler,
                                                   std::optional<TlsConfig> tls = std::nullopt);
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

/// "/a/b%2Fc//d" -> {"a", "b/c", "d"}: a path's non-empty segments, each percent-decoded.
std::vector<std::string> split_path(const std::string& path);

}  // namespace nexus::connectors
