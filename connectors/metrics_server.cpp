#include "connectors/metrics_server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <thread>

namespace nexus::connectors {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct MetricsServer::Impl {
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::function<std::string()> render;
  std::function<std::string()> reload;
  std::thread thread;
  std::atomic<bool> stopping{false};

  // One request per connection, served synchronously: scrapes are rare and tiny.
  void serve() {
    while (!stopping) {
      tcp::socket socket(io);
      beast::error_code ec;
      acceptor.accept(socket, ec);
      if (ec || stopping) continue;
      beast::flat_buffer buffer;
      http::request<http::string_body> request;
      http::read(socket, buffer, request, ec);
      if (ec) continue;
      http::response<http::string_body> response;
      response.version(request.version());
      response.keep_alive(false);
      if (request.method() == http::verb::get && request.target() == "/metrics") {
        response.result(http::status::ok);
        response.set(http::field::content_type, "text/plain; version=0.0.4");
        response.body() = render();
      } else if (request.method() == http::verb::get && request.target() == "/healthz") {
        response.result(http::status::ok);
        response.set(http::field::content_type, "text/plain");
        response.body() = "ok\n";
      } else if (reload && request.method() == http::verb::post &&
                 request.target() == "/-/reload") {
        response.result(http::status::accepted);
        response.set(http::field::content_type, "text/plain");
        response.body() = reload();
      } else {
        response.result(http::status::not_found);
        response.set(http::field::content_type, "text/plain");
        response.body() = std::string("not found: try GET /metrics or GET /healthz") +
                          (reload ? ", POST /-/reload\n" : "\n");
      }
      response.prepare_payload();
      http::write(socket, response, ec);
      socket.shutdown(tcp::socket::shutdown_both, ec);
    }
  }
};

MetricsServer::MetricsServer(std::unique_ptr<Impl> impl, uint16_t port)
    : impl_(std::move(impl)), port_(port) {}

Result<std::unique_ptr<MetricsServer>> MetricsServer::start(const std::string& address,
                                                            uint16_t port,
                                                            std::function<std::string()> render,
                                                            std::function<std::string()> reload) {
  auto impl = std::make_unique<Impl>();
  impl->render = std::move(render);
  impl->reload = std::move(reload);
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
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->serve(); });
  return std::unique_ptr<MetricsServer>(new MetricsServer(std::move(impl), bound));
}

MetricsServer::~MetricsServer() {
  impl_->stopping = true;
  // Wake the blocking accept with a connection of our own, then join.
  beast::error_code ec;
  asio::io_context io;
  tcp::socket wake(io);
  wake.connect(tcp::endpoint(impl_->acceptor.local_endpoint().address(), port_), ec);
  impl_->thread.join();
}

}  // namespace nexus::connectors
