// MetricsServer: a small asynchronous HTTP server (Boost.Beast) on its own thread serving
// GET /metrics (Prometheus text format, from a render callback) and
// GET /healthz, and POST /-/reload when given a reload callback and a bearer token (it asks
// the engine to look at its rule directory now, like SIGHUP). Connections are served concurrently,
// each with a 5 s limit to send its request, a 64 KiB body limit and at most 512 open (then
// 503), so a slow or idle client never blocks a liveness probe. Start it once; the destructor stops
// and joins the thread. The render callback runs on the server thread, so it must only read
// thread-safe state (engine::Metrics is).
#pragma once

#include "base/result.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace nexus::connectors {

class MetricsServer {
 public:
  /// Binds 127.0.0.1 by default (`address` "0.0.0.0" to expose); port 0 picks a free one.
  /// `reload`, when set, serves POST /-/reload and returns the response text; it runs
  /// on the server thread. Reload changes what the engine alerts on, so it needs
  /// `Authorization: Bearer <reload_token>`: no credentials give 401, a wrong token 403,
  /// and with an empty `reload_token` the endpoint answers 403 to everyone (send SIGHUP
  /// instead). The token is kept only as its SHA-256 and compared in constant time.
  static Result<std::unique_ptr<MetricsServer>> start(const std::string& address, uint16_t port,
                                                      std::function<std::string()> render,
                                                      std::function<std::string()> reload = nullptr,
                                                      const std::string& reload_token = "");
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  uint16_t port() const { return port_; }

 private:
  struct Impl;
  explicit MetricsServer(std::unique_ptr<Impl> impl, uint16_t port);
  std::unique_ptr<Impl> impl_;
  uint16_t port_;
};

}  // namespace nexus::connectors
