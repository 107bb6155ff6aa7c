#include "connectors/metrics_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <chrono>
#include <memory>
#include <optional>
#include <thread>

namespace nexus::connectors {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

/// What one slow or idle client may hold: the whole request must arrive within
/// kRequestTimeout, a body over kBodyLimit is refused (413), and past kMaxConnections open
/// connections a new one gets 503 at once. Connections are served concurrently on the
/// server's thread, so none of them blocks /healthz for anyone else.
constexpr auto kRequestTimeout = std::chrono::seconds(5);
constexpr size_t kBodyLimit = 64 * 1024;
constexpr size_t kHeaderLimit = 8 * 1024;
constexpr int kMaxConnections = 512;

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
  std::atomic<int> open{0};
};

/// Who may reload: 0 allowed, else the HTTP status to answer with.
http::status reload_permission(const Handlers& handlers,
                               const http::request<http::string_body>& request) {
  if (!handlers.reload_token) return http::status::forbidden;
  const auto header = request[http::field::authorization];
  constexpr std::string_view kScheme = "Bearer ";
  if (header.size() <= kScheme.size() ||
      !std::equal(kScheme.begin(), kScheme.end(), header.begin(),
                  [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
    return http::status::unauthorized;
  }
  const Digest presented =
      sha256(std::string_view(header.data(), header.size()).substr(kScheme.size()));
  return CRYPTO_memcmp(presented.data(), handlers.reload_token->data(), presented.size()) == 0
             ? http::status::accepted
             : http::status::forbidden;
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Handlers& handlers, bool over_limit)
      : stream_(std::move(socket)), handlers_(handlers), over_limit_(over_limit) {
    ++handlers_.open;
  }
  ~Session() { --handlers_.open; }

  void start() {
    if (over_limit_) {
      respond(http::status::service_unavailable, 11,
              "too many open connections; try again shortly\n");
      return;
    }
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(kBodyLimit);
    stream_.expires_after(kRequestTimeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
  }

 private:
  void on_read(beast::error_code ec) {
    if (ec == http::error::body_limit || ec == http::error::header_limit) {
      respond(http::status::payload_too_large, 11, "request too large\n");
      return;
    }
    if (ec) return;  // timed out, closed or malformed: drop the connection
    const auto& request = parser_->get();
    const unsigned version = request.version();
    if (request.method() == http::verb::get && request.target() == "/metrics") {
      respond(http::status::ok, version, handlers_.render(), "text/plain; version=0.0.4");
    } else if (request.method() == http::verb::get && request.target() == "/healthz") {
      respond(http::status::ok, version, "ok\n");
    } else if (handlers_.reload && request.method() == http::verb::post &&
               request.target() == "/-/reload") {
      switch (reload_permission(handlers_, request)) {
        case http::status::accepted:
          respond(http::status::accepted, version, handlers_.reload());
          break;
        case http::status::unauthorized:
          response_.set(http::field::www_authenticate, "Bearer realm=\"nexus\"");
          respond(http::status::unauthorized, version,
                  "reload needs 'Authorization: Bearer <token>' (metrics.reload_token_file)\n");
          break;
        default:
          respond(http::status::forbidden, version,
                  handlers_.reload_token
                      ? "wrong reload token\n"
                      : "reload over HTTP is off: set metrics.reload_token_file, or send SIGHUP\n");
      }
    } else {
      respond(http::status::not_found, version,
              std::string("not found: try GET /metrics or GET /healthz") +
                  (handlers_.reload ? ", POST /-/reload\n" : "\n"));
    }
  }

  void respond(http::status status, unsigned version, std::string body,
               const char* content_type = "text/plain") {
    response_.result(status);
    response_.version(version);
    response_.keep_alive(false);
    response_.set(http::field::content_type, content_type);
    response_.body() = std::move(body);
    response_.prepare_payload();
    stream_.expires_after(kRequestTimeout);
    http::async_write(stream_, response_, [self = shared_from_this()](beast::error_code, size_t) {
      beast::error_code ignored;
      self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  Handlers& handlers_;
  bool over_limit_;
};

}  // namespace

struct MetricsServer::Impl {
  Handlers handlers;  // first: the sessions the io_context destroys last still count in it
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::thread thread;

  void accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      if (!ec) {
        const bool over_limit = handlers.open.load() >= kMaxConnections;
        std::make_shared<Session>(std::move(socket), handlers, over_limit)->start();
      }
      accept();
    });
  }
};

MetricsServer::MetricsServer(std::unique_ptr<Impl> impl, uint16_t port)
    : impl_(std::move(impl)), port_(port) {}

Result<std::unique_ptr<MetricsServer>> MetricsServer::start(const std::string& address,
                                                            uint16_t port,
                                                            std::function<std::string()> render,
                                                            std::function<std::string()> reload,
                                                            const std::string& reload_token) {
  auto impl = std::make_unique<Impl>();
  impl->handlers.render = std::move(render);
  impl->handlers.reload = std::move(reload);
  if (!reload_token.empty()) impl->handlers.reload_token = sha256(reload_token);
  beast::error_code ec;
  const auto ip = asio::ip::make_address(address, ec);
  if (ec) return make_error("http", "bad listen address '" + address + "': " + ec.message());
  const tcp::endpoint endpoint(ip, port);
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return make_error(
        "http", "cannot listen on " + address + ":" + std::to_string(port) + ": " + ec.message());
  }
  const uint16_t bound = impl->acceptor.local_endpoint().port();
  impl->accept();
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->io.run(); });
  return std::unique_ptr<MetricsServer>(new MetricsServer(std::move(impl), bound));
}

MetricsServer::~MetricsServer() {
  // Stop the loop; open sessions are destroyed with the io_context.
  asio::post(impl_->io, [raw = impl_.get()] {
    beast::error_code ignored;
    raw->acceptor.close(ignored);
    raw->io.stop();
  });
  impl_->thread.join();
}

}  // namespace nexus::connectors
