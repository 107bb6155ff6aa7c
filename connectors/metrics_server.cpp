#include "connectors/metrics_server.hpp"

#include "connectors/http_server.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

namespace nexus::connectors {

namespace {

using Digest = std::array<unsigned char, SHA256_DIGEST_LENGTH>;

Digest sha256(std::string_view text) {
  Digest digest{};
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
  return digest;
}

struct Handlers {
  std::function<std::string()> render;
  std::function<std::string()> reload;
  std::optional<Digest> reload_token;  // SHA-256 of the bearer token; none: reload refused
};

/// Who may reload: 202 allowed, else the HTTP status to answer with.
int reload_permission(const Handlers& handlers, const HttpRequest& request) {
  if (!handlers.reload_token) return 403;
  const std::string header = request.header("authorization");
  constexpr std::string_view kScheme = "Bearer ";
  if (header.size() <= kScheme.size() ||
      !std::equal(kScheme.begin(), kScheme.end(), header.begin(),
                  [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
    return 401;
  }
  const Digest presented = sha256(std::string_view(header).substr(kScheme.size()));
  return CRYPTO_memcmp(presented.data(), handlers.reload_token->data(), presented.size()) == 0
             ? 202
             : 403;
}

HttpResponse serve(const Handlers& handlers, const HttpRequest& request) {
  const std::string path = request.target;
  if (request.method == "GET" && path == "/metrics") {
    return {200, "text/plain; version=0.0.4", handlers.render(), {}};
  }
  if (request.method == "GET" && path == "/healthz") return {200, "text/plain", "ok\n", {}};
  if (handlers.reload && request.method == "POST" && path == "/-/reload") {
    switch (reload_permission(handlers, request)) {
      case 202:
        return {202, "text/plain", handlers.reload(), {}};
      case 401:
        return {401,
                "text/plain",
                "reload needs 'Authorization: Bearer <token>' (metrics.reload_token_file)\n",
                {{"WWW-Authenticate", "Bearer realm=\"nexus\""}}};
      default:
        return {403,
                "text/plain",
                handlers.reload_token
                    ? "wrong reload token\n"
                    : "reload over HTTP is off: set metrics.reload_token_file, or send SIGHUP\n",
                {}};
    }
  }
  return {404,
          "text/plain",
          std::string("not found: try GET /metrics or GET /healthz") +
              (handlers.reload ? ", POST /-/reload\n" : "\n"),
          {}};
}

}  // namespace

struct MetricsServer::Impl {
  std::unique_ptr<HttpServer> server;
};

MetricsServer::MetricsServer(std::unique_ptr<Impl> impl, uint16_t port)
    : impl_(std::move(impl)), port_(port) {}

Result<std::unique_ptr<MetricsServer>> MetricsServer::start(const std::string& address,
                                                            uint16_t port,
                                                            std::function<std::string()> render,
                                                            std::function<std::string()> reload,
                                                            const std::string& reload_token) {
  auto handlers = std::make_shared<Handlers>();
  handlers->render = std::move(render);
  handlers->reload = std::move(reload);
  if (!reload_token.empty()) handlers->reload_token = sha256(reload_token);
  // 5 s to send a request, 64 KiB of body, 512 connections: one slow or idle client never
  // blocks a liveness probe.
  auto server = HttpServer::start(
      address, port, HttpLimits{},
      [handlers](const HttpRequest& request) { return serve(*handlers, request); });
  if (!server) return server.error();
  auto impl = std::make_unique<Impl>();
  const uint16_t bound = server.value()->port();
  impl->server = std::move(server.value());
  return std::unique_ptr<MetricsServer>(new MetricsServer(std::move(impl), bound));
}

MetricsServer::~MetricsServer() = default;

}  // namespace nexus::connectors
