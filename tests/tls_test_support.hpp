// TLS in tests: certificates and keys made with OpenSSL's API (P-256, valid a day) into a
// directory, an HTTPS client on Beast that trusts only a given certificate, and a raw TCP
// exchange for clients that do not speak TLS. Everything is bounded by a deadline so a
// server that misbehaves fails the test instead of hanging it. Single-threaded.
#pragma once

#include <arpa/inet.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace nexus::testing {

/// A certificate and its key, in memory and as the PEM files they were written to.
struct TlsIdentity {
  std::shared_ptr<EVP_PKEY> key;  // shared: tests copy identities freely
  std::shared_ptr<X509> certificate;
  std::string certificate_file;
  std::string private_key_file;
};

/// A fresh key and a certificate for `common_name` (with localhost and 127.0.0.1 as its
/// names), signed by `issuer` or by itself, a CA when `ca`; written to DIR/NAME.crt.pem
/// and DIR/NAME.key.pem. Aborts the test binary on an OpenSSL failure (a broken test).
inline TlsIdentity make_tls_identity(const std::filesystem::path& dir, const std::string& name,
                                     const TlsIdentity* issuer = nullptr, bool ca = false) {
  static long serial = 1;
  TlsIdentity made;
  made.key.reset(EVP_EC_gen("P-256"), EVP_PKEY_free);
  made.certificate.reset(X509_new(), X509_free);
  X509* certificate = made.certificate.get();
  X509_set_version(certificate, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(certificate), serial++);
  X509_gmtime_adj(X509_getm_notBefore(certificate), -60);
  X509_gmtime_adj(X509_getm_notAfter(certificate), 24 * 3600);
  X509_set_pubkey(certificate, made.key.get());
  X509_NAME* subject = X509_get_subject_name(certificate);
  const std::string common_name = ca ? "Nexus test CA " + name : "localhost";
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509* signer = issuer ? issuer->certificate.get() : certificate;
  X509_set_issuer_name(certificate, X509_get_subject_name(signer));
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, signer, certificate, nullptr, nullptr, 0);
  auto extend = [&](int nid, const char* value) {
    X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
    if (!extension || X509_add_ext(certificate, extension, -1) != 1) std::abort();
    X509_EXTENSION_free(extension);
  };
  extend(NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
  if (!ca) extend(NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
  if (X509_sign(certificate, issuer ? issuer->key.get() : made.key.get(), EVP_sha256()) == 0) {
    std::abort();
  }
  made.certificate_file = (dir / (name + ".crt.pem")).string();
  made.private_key_file = (dir / (name + ".key.pem")).string();
  FILE* out = std::fopen(made.certificate_file.c_str(), "w");
  PEM_write_X509(out, certificate);
  std::fclose(out);
  out = std::fopen(made.private_key_file.c_str(), "w");
  PEM_write_PrivateKey(out, made.key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(out);
  return made;
}

/// One HTTPS connection to 127.0.0.1:port that trusts only the certificates of the PEM
/// file `trusted` and checks that the server is "localhost". Each step has 10 s.
class HttpsClient {
 public:
  /// Connects and handshakes; ok() and error() say how it went. `configure` may change
  /// the client's context first (an old protocol version, say).
  HttpsClient(uint16_t port, const std::string& trusted,
              const std::function<void(SSL_CTX*)>& configure = {}) {
    context_.load_verify_file(trusted);
    context_.set_verify_mode(boost::asio::ssl::verify_peer);
    if (configure) configure(context_.native_handle());
    stream_.emplace(io_, context_);
    SSL_set_tlsext_host_name(stream_->native_handle(), "localhost");
    SSL_set1_host(stream_->native_handle(), "localhost");
    const boost::asio::ip::tcp::endpoint server(boost::asio::ip::make_address("127.0.0.1"), port);
    auto failed = run([&](auto done) { lowest().async_connect(server, done); });
    if (!failed) {
      failed = run([&](auto done) {
        stream_->async_handshake(boost::asio::ssl::stream_base::client, done);
      });
    }
    if (failed) error_ = "handshake: " + failed.message();
  }

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  /// One request on the connection (kept alive); the whole answer as text (status line,
  /// headers, body), "" with error() set when it failed.
  std::string request(const std::string& method, const std::string& target,
                      const std::string& body = "",
                      const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    namespace http = boost::beast::http;
    http::request<http::string_body> request(http::string_to_verb(method), target, 11);
    request.set(http::field::host, "localhost");
    for (const auto& [name, value] : headers) request.set(name, value);
    request.body() = body;
    if (!body.empty()) request.set(http::field::content_type, "application/json");
    request.prepare_payload();
    if (auto failed = run([&](auto done) { http::async_write(*stream_, request, done); })) {
      error_ = "write: " + failed.message();
      return "";
    }
    http::response<http::string_body> response;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    if (auto failed = run([&](auto done) { http::async_read(*stream_, buffer_, parser, done); })) {
      error_ = "read: " + failed.message();
      return "";
    }
    std::ostringstream text;
    text << parser.get();
    return text.str();
  }

 private:
  boost::beast::tcp_stream& lowest() { return boost::beast::get_lowest_layer(*stream_); }

  /// Starts one operation and runs the loop until it is done or 10 s have passed.
  template <class Start>
  boost::beast::error_code run(Start start) {
    boost::beast::error_code result = boost::asio::error::would_block;
    lowest().expires_after(std::chrono::seconds(10));
    start([&result](boost::beast::error_code ec, auto&&...) { result = ec; });
    io_.restart();
    io_.run();
    return result;
  }

  boost::asio::io_context io_;
  boost::asio::ssl::context context_{boost::asio::ssl::context::tls_client};
  std::optional<boost::beast::ssl_stream<boost::beast::tcp_stream>> stream_;
  boost::beast::flat_buffer buffer_;
  std::string error_;
};

/// What a raw TCP client got: the bytes the server sent, whether it closed the connection
/// and after how long (from the connect).
struct RawExchange {
  bool connected = false;
  std::string received;
  bool closed = false;
  std::chrono::milliseconds elapsed{0};
};

/// Connects to 127.0.0.1:port, sends `bytes` (maybe none) and reads until the server
/// closes or `wait` passes.
inline RawExchange raw_exchange(uint16_t port, const std::string& bytes,
                                std::chrono::milliseconds wait) {
  RawExchange result;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const auto start = std::chrono::steady_clock::now();
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return result;
  }
  result.connected = true;
  if (!bytes.empty()) (void)!::write(fd, bytes.data(), bytes.size());
  const auto deadline = start + wait;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd ready{fd, POLLIN, 0};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (::poll(&ready, 1, static_cast<int>(std::max<int64_t>(left.count(), 1))) <= 0) continue;
    char buffer[4096];
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got <= 0) {
      result.closed = true;
      break;
    }
    result.received.append(buffer, static_cast<size_t>(got));
  }
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  ::close(fd);
  return result;
}

}  // namespace nexus::testing
