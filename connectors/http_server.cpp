#include "connectors/http_server.hpp"

#include "connectors/detail/tls_context.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <optional>
#include <sstream>
#include <thread>
#include <type_traits>

namespace nexus::connectors {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 &&
               hex(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(path);
  while (std::getline(in, part, '/')) {
    if (!part.empty()) parts.push_back(percent_decode(part));
  }
  return parts;
}

std::string HttpRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return "";
}

std::string HttpRequest::path() const { return target.substr(0, target.find('?')); }

namespace {

/// Calls `visit(name, value)` for each parameter of the query string; stops when it
/// returns true.
template <class Visit>
void each_query_parameter(const std::string& target, Visit visit) {
  const auto start = target.find('?');
  if (start == std::string::npos) return;
  std::string_view query(target);
  query.remove_prefix(start + 1);
  while (!query.empty()) {
    const auto end = query.find('&');
    const auto pair = query.substr(0, end);
    const auto equals = pair.find('=');
    const std::string name = percent_decode(pair.substr(0, equals));
    const std::string value =
        equals == std::string_view::npos ? "" : percent_decode(pair.substr(equals + 1));
    if (visit(name, value)) return;
    if (end == std::string_view::npos) break;
    query.remove_prefix(end + 1);
  }
}

}  // namespace

std::string HttpRequest::query(std::string_view name) const {
  std::string found;
  each_query_parameter(target, [&](const std::string& key, const std::string& value) {
    if (key != name) return false;
    found = value;
    return true;
  });
  return found;
}

std::vector<std::string> HttpRequest::query_all(std::string_view name) const {
  std::vector<std::string> found;
  each_query_parameter(target, [&](const std::string& key, const std::string& value) {
    if (key == name) found.push_back(value);
    return false;
  });
  return found;
}

bool HttpRequest::has_query(std::string_view name) const {
  bool found = false;
  each_query_parameter(
      target, [&](const std::string& key, const std::string&) { return found = key == name; });
  return found;
}

namespace {

struct Shared {
  HttpLimits limits;
  HttpHandler handler;
  std::atomic<int> open{0};
  std::unique_ptr<asio::ssl::context> tls;  // set: HTTPS only
  std::function<void(const std::string&, const std::string&)> on_handshake_failure;
};

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

/// One connection, over plain TCP or TLS (the only difference: the handshake first, the
/// close_notify last, and the HSTS header). Lives as long as its pending operation.
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

 public:
  template <class... StreamArgs>
  Session(Shared& shared, bool over_limit, StreamArgs&&... stream_args)
      : stream_(std::forward<StreamArgs>(stream_args)...),
        shared_(shared),
        over_limit_(over_limit) {
    ++shared_.open;
    beast::error_code ec;
    const auto remote = socket().remote_endpoint(ec);
    if (!ec) peer_ = remote.address().to_string();
  }
  ~Session() { --shared_.open; }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void start() {
    if constexpr (kTls) {
      // The handshake counts against the request deadline: a client that connects and
      // never handshakes is cut off like one that never sends a request.
      beast::get_lowest_layer(stream_).expires_after(shared_.limits.request_timeout);
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) {
                                  self->on_handshake_failure(ec);
                                  return;
                                }
                                self->serve();
                              });
    } else {
      serve();
    }
  }

 private:
  tcp::socket& socket() { return beast::get_lowest_layer(stream_).socket(); }

  void serve() {
    if (over_limit_) {
      respond({503, "text/plain", "too many open connections; try again shortly\n", {}}, 11, false);
      return;
    }
    read();
  }

  void on_handshake_failure(beast::error_code ec) {
    if (shared_.on_handshake_failure) {
      shared_.on_handshake_failure(peer_, ec == beast::error::timeout
                                              ? "no handshake within the request deadline"
                                              : ec.message());
    }
  }

  void read() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(shared_.limits.header_limit));
    parser_->body_limit(shared_.limits.body_limit);
    beast::get_lowest_layer(stream_).expires_after(shared_.limits.request_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      respond({413, "text/plain", "request body too large\n", {}}, 11, false);
      return;
    }
    if (ec == http::error::header_limit) {
      respond({431, "text/plain", "request headers too large\n", {}}, 11, false);
      return;
    }
    if (ec) return;  // timed out, closed or malformed: drop the connection
    const auto& message = parser_->get();
    HttpRequest request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    for (const auto& field : message) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      request.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    request.body = message.body();
    request.peer = peer_;
    request.tls = kTls;
    HttpResponse response = shared_.handler(request);
    respond(std::move(response), message.version(), message.keep_alive());
  }

  void respond(HttpResponse response, unsigned version, bool keep_alive) {
    response_ = {};
    response_.result(static_cast<http::status>(response.status));
    response_.version(version);
    response_.keep_alive(keep_alive);
    response_.set(http::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) response_.insert(name, value);
    if constexpr (kTls) {
      // A year, this host only (RFC 6797): browsers then refuse plain HTTP to it.
      if (response_.find(http::field::strict_transport_security) == response_.end()) {
        response_.set(http::field::strict_transport_security, "max-age=31536000");
      }
    }
    response_.body() = std::move(response.body);
    response_.prepare_payload();
    beast::get_lowest_layer(stream_).expires_after(shared_.limits.request_timeout);
    http::async_write(stream_, response_,
                      [self = this->shared_from_this(), keep_alive](beast::error_code ec, size_t) {
                        if (!ec && keep_alive) {
                          self->read();
                          return;
                        }
                        self->close();
                      });
  }

  void close() {
    if constexpr (kTls) {
      // close_notify, so the client knows the answer is whole; still under the deadline.
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
        beast::error_code ignored;
        self->socket().shutdown(tcp::socket::shutdown_both, ignored);
      });
    } else {
      beast::error_code ignored;
      socket().shutdown(tcp::socket::shutdown_both, ignored);
    }
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  Shared& shared_;
  bool over_limit_;
  std::string peer_;
};

}  // namespace

struct HttpServer::Impl {
  Shared shared;  // first: the sessions the io_context destroys last still count in it
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::thread thread;

  void accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      if (!ec) {
        const bool over_limit = shared.open.load() >= shared.limits.max_connections;
        if (shared.tls) {
          std::make_shared<Session<TlsStream>>(shared, over_limit, std::move(socket), *shared.tls)
              ->start();
        } else {
          std::make_shared<Session<PlainStream>>(shared, over_limit, std::move(socket))->start();
        }
      }
      accept();
    });
  }
};

Result<void> check_tls_files(const TlsConfig& tls) {
  auto context = detail::make_tls_context(tls);
  if (!context) return context.error();
  return outcome::success();
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl, uint16_t port)
    : impl_(std::move(impl)), port_(port) {}

Result<std::unique_ptr<HttpServer>> HttpServer::start(const std::string& address, uint16_t port,
                                                      HttpLimits limits, HttpHandler handler,
                                                      std::optional<TlsConfig> tls) {
  auto impl = std::make_unique<Impl>();
  impl->shared.limits = limits;
  impl->shared.handler = std::move(handler);
  if (tls) {
    auto context = detail::make_tls_context(*tls);
    if (!context) return context.error();
    impl->shared.tls = std::move(context.value());
    impl->shared.on_handshake_failure = std::move(tls->on_handshake_failure);
  }
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
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl), bound));
}

HttpServer::~HttpServer() {
  // Stop the loop; open sessions are destroyed with the io_context.
  asio::post(impl_->io, [raw = impl_.get()] {
    beast::error_code ignored;
    raw->acceptor.close(ignored);
    raw->io.stop();
  });
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace nexus::connectors
