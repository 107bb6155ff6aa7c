#include "connectors/metrics_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
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

struct Handlers {
  std::function<std::string()> render;
  std::function<std::string()> reload;
  std::atomic<int> open{0};
};

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
      respond(http::status::accepted, version, handlers_.reload());
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
                                                            std::function<std::string()> reload) {
  auto impl = std::make_unique<Impl>();
  impl->handlers.render = std::move(render);
  impl->handlers.reload = std::move(reload);
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
