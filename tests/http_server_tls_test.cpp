// HttpServer with a TlsConfig: HTTPS only, TLS 1.2 or newer, the certificate's chain sent,
// the request deadline over the handshake too, the header/body/connection limits as over
// plain HTTP, a client that fails the handshake dropped alone and reported once, and the
// certificate and key refused at start with the file and OpenSSL's reason. Certificates
// are made in a temp dir for each test; the server listens on a free loopback port.
#include "connectors/http_server.hpp"

#include "tests/tls_test_support.hpp"
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <thread>

namespace nexus::connectors {
namespace {

namespace fs = std::filesystem;
using nexus::testing::HttpsClient;
using nexus::testing::make_tls_identity;
using nexus::testing::raw_exchange;
using nexus::testing::TlsIdentity;

/// The reasons the server gave for the handshakes it dropped (called on its thread).
struct DroppedHandshakes {
  std::mutex mutex;
  std::vector<std::string> reasons;
  std::vector<std::string> taken() {
    std::lock_guard lock(mutex);
    return reasons;
  }
};

class HttpServerTls : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = fs::temp_directory_path() /
           ("nexus-tls-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    identity_ = make_tls_identity(dir_, "desk");
  }
  void TearDown() override { fs::remove_all(dir_); }

  TlsConfig tls_for(const TlsIdentity& identity) {
    return TlsConfig{identity.certificate_file, identity.private_key_file,
                     [this](const std::string& peer, const std::string& reason) {
                       std::lock_guard lock(dropped_.mutex);
                       dropped_.reasons.push_back(peer + ": " + reason);
                     }};
  }
  Result<std::unique_ptr<HttpServer>> start(HttpLimits limits = {}) {
    return HttpServer::start(
        "127.0.0.1", 0, limits,
        [this](const HttpRequest& request) {
          seen_tls_ = request.tls;
          return HttpResponse{200, "text/plain", "hello over " + request.path() + "\n", {}};
        },
        tls_for(identity_));
  }
  static std::string contents_of(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  std::string write(const std::string& name, const std::string& text) {
    const auto path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  fs::path dir_;
  TlsIdentity identity_;
  DroppedHandshakes dropped_;
  std::atomic<bool> seen_tls_{false};
};

TEST_F(HttpServerTls, AnswersOverHttpsWithHstsAndMarksTheRequestAsTls) {
  auto server = start();
  ASSERT_TRUE(server) << server.error().message;
  HttpsClient client(server.value()->port(), identity_.certificate_file);
  ASSERT_TRUE(client.ok()) << client.error();
  const auto response = client.request("GET", "/healthz");
  EXPECT_EQ(response.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << response << client.error();
  EXPECT_NE(response.find("\r\n\r\nhello over /healthz\n"), std::string::npos) << response;
  EXPECT_NE(response.find("Strict-Transport-Security: max-age=31536000\r\n"), std::string::npos)
      << response;
  EXPECT_TRUE(seen_tls_);
  EXPECT_TRUE(dropped_.taken().empty());
}

TEST_F(HttpServerTls, PlainHttpGetsNoHttpAnswerAndTheOtherClientsGoOn) {
  auto server = start();
  ASSERT_TRUE(server) << server.error().message;
  const uint16_t port = server.value()->port();
  HttpsClient before(port, identity_.certificate_file);
  ASSERT_TRUE(before.ok()) << before.error();
  ASSERT_NE(before.request("GET", "/one").find("hello over /one"), std::string::npos);

  const auto plain =
      raw_exchange(port, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n", std::chrono::seconds(10));
  ASSERT_TRUE(plain.connected);
  EXPECT_TRUE(plain.closed);
  EXPECT_EQ(plain.received.find("HTTP/"), std::string::npos) << plain.received;
  const auto reasons = dropped_.taken();
  ASSERT_EQ(reasons.size(), 1u);  // once per connection, however many bytes it sent
  EXPECT_EQ(reasons[0].rfind("127.0.0.1: ", 0), 0u) << reasons[0];

  // The connection opened before still serves, and so does a new one.
  EXPECT_NE(before.request("GET", "/two").find("hello over /two"), std::string::npos)
      << before.error();
  HttpsClient after(port, identity_.certificate_file);
  ASSERT_TRUE(after.ok()) << after.error();
  EXPECT_NE(after.request("GET", "/three").find("hello over /three"), std::string::npos);
}

TEST_F(HttpServerTls, AClientThatNeverHandshakesIsCutOffAtTheRequestDeadline) {
  HttpLimits limits;
  limits.request_timeout = std::chrono::seconds(1);
  auto server = start(limits);
  ASSERT_TRUE(server) << server.error().message;
  const auto idle = raw_exchange(server.value()->port(), "", std::chrono::seconds(10));
  ASSERT_TRUE(idle.connected);
  EXPECT_TRUE(idle.closed);
  EXPECT_GE(idle.elapsed, std::chrono::milliseconds(900));
  EXPECT_LT(idle.elapsed, std::chrono::seconds(5));
  // The server reports the drop on its own thread, after the close the client saw.
  auto reasons = dropped_.taken();
  for (int i = 0; i < 200 && reasons.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    reasons = dropped_.taken();
  }
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_EQ(reasons[0], "127.0.0.1: no handshake within the request deadline");
}

TEST_F(HttpServerTls, HeaderBodyAndConnectionLimitsHoldUnderTls) {
  HttpLimits limits;
  limits.max_connections = 2;
  limits.header_limit = 4 * 1024;
  limits.body_limit = 1024;
  auto server = start(limits);
  ASSERT_TRUE(server) << server.error().message;
  const uint16_t port = server.value()->port();
  {
    HttpsClient client(port, identity_.certificate_file);
    ASSERT_TRUE(client.ok()) << client.error();
    EXPECT_EQ(client.request("GET", "/", "", {{"X-Big", std::string(8'000, 'x')}})
                  .rfind("HTTP/1.1 431", 0),
              0u);
  }
  {
    HttpsClient client(port, identity_.certificate_file);
    ASSERT_TRUE(client.ok()) << client.error();
    EXPECT_EQ(client.request("POST", "/", std::string(4'000, 'y')).rfind("HTTP/1.1 413", 0), 0u);
  }
  // Two connections held open: the third is answered 503, over TLS, at once.
  HttpsClient first(port, identity_.certificate_file);
  HttpsClient second(port, identity_.certificate_file);
  ASSERT_NE(first.request("GET", "/a").find("hello"), std::string::npos) << first.error();
  ASSERT_NE(second.request("GET", "/b").find("hello"), std::string::npos) << second.error();
  HttpsClient third(port, identity_.certificate_file);
  ASSERT_TRUE(third.ok()) << third.error();
  EXPECT_EQ(third.request("GET", "/c").rfind("HTTP/1.1 503", 0), 0u);
}

TEST_F(HttpServerTls, RefusesTlsOlderThan12) {
  auto server = start();
  ASSERT_TRUE(server) << server.error().message;
  HttpsClient old(server.value()->port(), identity_.certificate_file, [](SSL_CTX* context) {
    // The client would refuse TLS 1.1 itself at its default security level.
    SSL_CTX_set_security_level(context, 0);
    SSL_CTX_set_max_proto_version(context, TLS1_1_VERSION);
  });
  EXPECT_FALSE(old.ok());
  const auto reasons = dropped_.taken();
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_EQ(reasons[0], "127.0.0.1: unsupported protocol");
}

TEST_F(HttpServerTls, SendsTheChainThatFollowsTheCertificateInItsFile) {
  const auto root = make_tls_identity(dir_, "root", nullptr, true);
  const auto intermediate = make_tls_identity(dir_, "intermediate", &root, true);
  auto leaf = make_tls_identity(dir_, "leaf", &intermediate);
  std::ofstream(leaf.certificate_file, std::ios::app)
      << std::ifstream(intermediate.certificate_file).rdbuf();
  auto server = HttpServer::start(
      "127.0.0.1", 0, {},
      [](const HttpRequest&) {
        return HttpResponse{200, "text/plain", "chained\n", {}};
      },
      tls_for(leaf));
  ASSERT_TRUE(server) << server.error().message;
  // The client knows only the root: it needs the intermediate from the server.
  HttpsClient client(server.value()->port(), root.certificate_file);
  ASSERT_TRUE(client.ok()) << client.error();
  EXPECT_NE(client.request("GET", "/").find("chained"), std::string::npos);
}

TEST_F(HttpServerTls, AKeyThatDoesNotMatchTheCertificateIsRefusedNamingBothFiles) {
  const auto other = make_tls_identity(dir_, "other");
  auto mismatched = tls_for(identity_);
  mismatched.private_key_file = other.private_key_file;
  auto server = HttpServer::start(
      "127.0.0.1", 0, {}, [](const HttpRequest&) { return HttpResponse{}; }, mismatched);
  ASSERT_FALSE(server);
  EXPECT_EQ(server.error().code, "tls_private_key");
  EXPECT_EQ(server.error().message,
            "TLS private key " + other.private_key_file + " does not match the certificate " +
                identity_.certificate_file +
                " (OpenSSL: x509 certificate routines: key values mismatch)");
}

TEST_F(HttpServerTls, UnreadableOrUnparsableFilesAreRefusedWithTheFileAndTheReason) {
  struct Case {
    std::string certificate, key, code, message;
  };
  const std::string missing = (dir_ / "missing.pem").string();
  const std::string garbage = write("garbage.pem", "not a certificate\n");
  const std::string broken_certificate =
      write("broken.crt.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
  const std::string broken_chain = write(
      "chain.crt.pem", contents_of(identity_.certificate_file) + contents_of(broken_certificate));
  const std::string broken_key =
      write("broken.key.pem", "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n");
  // A key with a passphrase: nothing at start may ask for one.
  const std::string encrypted = (dir_ / "encrypted.key.pem").string();
  {
    FILE* out = std::fopen(encrypted.c_str(), "w");
    PEM_write_PrivateKey(out, identity_.key.get(), EVP_aes_256_cbc(), nullptr, 0, nullptr,
                         const_cast<char*>("secret"));
    std::fclose(out);
  }
  const std::string cert = identity_.certificate_file, key = identity_.private_key_file;
  const std::string asn1 = " (OpenSSL: asn1 encoding routines: header too long)";
  const Case cases[] = {
      {missing, key, "tls_certificate",
       "TLS certificate " + missing + ": cannot read (No such file or directory)"},
      {cert, missing, "tls_private_key",
       "TLS private key " + missing + ": cannot read (No such file or directory)"},
      {dir_.string(), key, "tls_certificate",
       "TLS certificate " + dir_.string() + ": cannot read (Is a directory)"},
      {garbage, key, "tls_certificate",
       "TLS certificate " + garbage + ": no PEM certificate in it (it holds no PEM block)"},
      {broken_certificate, key, "tls_certificate",
       "TLS certificate " + broken_certificate + ": certificate 1 does not parse" + asn1},
      {broken_chain, key, "tls_certificate",
       "TLS certificate " + broken_chain + ": certificate 2 does not parse" + asn1},
      // The files swapped: the key file holds no certificate, the certificate no key.
      {key, cert, "tls_certificate",
       "TLS certificate " + key + ": no PEM certificate in it (it holds PRIVATE KEY)"},
      {cert, cert, "tls_private_key",
       "TLS private key " + cert + ": no PEM private key in it (it holds CERTIFICATE)"},
      {cert, broken_key, "tls_private_key",
       "TLS private key " + broken_key + ": the private key does not parse" + asn1},
      {cert, encrypted, "tls_private_key",
       "TLS private key " + encrypted +
           ": encrypted with a passphrase, which the server cannot ask for (decrypt it: openssl "
           "pkey -in " +
           encrypted + " -out plain.key.pem)"},
  };
  for (const auto& c : cases) {
    const auto checked = check_tls_files({c.certificate, c.key, {}});
    ASSERT_FALSE(checked) << c.certificate << " " << c.key;
    EXPECT_EQ(checked.error().code, c.code) << checked.error().message;
    EXPECT_EQ(checked.error().message, c.message);
    auto server = HttpServer::start(
        "127.0.0.1", 0, {}, [](const HttpRequest&) { return HttpResponse{}; },
        TlsConfig{c.certificate, c.key, {}});
    ASSERT_FALSE(server);
    EXPECT_EQ(server.error().message, checked.error().message);
  }
  EXPECT_TRUE(check_tls_files(tls_for(identity_)));
}

}  // namespace
}  // namespace nexus::connectors
