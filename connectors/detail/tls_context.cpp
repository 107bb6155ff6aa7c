#include "connectors/detail/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>
#include <vector>

namespace nexus::connectors::detail {

namespace {

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct X509Free {
  void operator()(X509* certificate) const { X509_free(certificate); }
};
struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Bio = std::unique_ptr<BIO, BioFree>;
using Certificate = std::unique_ptr<X509, X509Free>;
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;

/// One of the two files, for the messages: "TLS certificate /etc/desk.pem: ...".
struct PemFile {
  const char* code;  // Error.code: which file is at fault
  const char* what;
  const std::string& path;

  Error refuse(const std::string& why) const {
    return make_error(code, std::string(what) + " " + path + why);
  }
};

/// OpenSSL's reason for the last failure, as "asn1 encoding routines: header too long": the
/// first queued error (the cause; later ones say where it surfaced), skipping OpenSSL 3's
/// decoder wrapper ("unsupported"), which hides it. The queue is emptied.
std::string openssl_reason() {
  unsigned long chosen = 0;
  while (const unsigned long error = ERR_get_error()) {
    const bool wrapper = ERR_GET_LIB(error) == ERR_LIB_OSSL_DECODER;
    if (chosen == 0 || (ERR_GET_LIB(chosen) == ERR_LIB_OSSL_DECODER && !wrapper)) chosen = error;
  }
  if (chosen == 0) return "no reason given";
  const char* library = ERR_lib_error_string(chosen);
  const char* reason = ERR_reason_error_string(chosen);
  const std::string text = reason ? reason : "error " + std::to_string(chosen);
  return library ? std::string(library) + ": " + text : text;
}

Result<std::string> read_file(const PemFile& file) {
  if (file.path.empty()) return make_error(file.code, std::string(file.what) + ": no file given");
  auto cannot_read = [&file](int error) {
    return file.refuse(std::string(": cannot read (") + std::strerror(error) + ")");
  };
  std::unique_ptr<FILE, int (*)(FILE*)> in(std::fopen(file.path.c_str(), "rb"), std::fclose);
  if (!in) return cannot_read(errno);
  std::string content;
  char buffer[4096];
  size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, in.get())) > 0) content.append(buffer, got);
  if (std::ferror(in.get())) return cannot_read(errno);  // EISDIR for a directory
  return content;
}

/// The kinds of the PEM blocks in `text` ("CERTIFICATE", "PRIVATE KEY", ...), for saying
/// what a file holds instead of what was expected.
std::set<std::string> pem_labels(const std::string& text) {
  std::set<std::string> labels;
  const std::string begin = "-----BEGIN ";
  for (size_t at = text.find(begin); at != std::string::npos; at = text.find(begin, at + 1)) {
    const size_t end = text.find("-----", at + begin.size());
    if (end == std::string::npos) break;
    labels.insert(text.substr(at + begin.size(), end - at - begin.size()));
  }
  return labels;
}

/// ": no PEM certificate in it (it holds PRIVATE KEY)" when no block of the wanted kind is
/// there; "" when one is (then it is broken, and OpenSSL says how).
std::string missing_block(const std::string& text, const std::string& wanted, const char* noun) {
  const auto labels = pem_labels(text);
  for (const auto& label : labels) {
    if (label.size() >= wanted.size() &&
        label.compare(label.size() - wanted.size(), wanted.size(), wanted) == 0) {
      return "";
    }
  }
  std::string held;
  for (const auto& label : labels) held += (held.empty() ? "" : ", ") + label;
  return std::string(": no PEM ") + noun + " in it (" +
         (held.empty() ? "it holds no PEM block" : "it holds " + held) + ")";
}

/// A key with a passphrase is refused instead of OpenSSL asking for one on the terminal.
int no_passphrase(char*, int, int, void*) { return -1; }

/// The leaf, then the chain that follows it in the file.
Result<std::vector<Certificate>> parse_certificates(const PemFile& file, const std::string& pem) {
  if (auto missing = missing_block(pem, "CERTIFICATE", "certificate"); !missing.empty()) {
    return file.refuse(missing);
  }
  ERR_clear_error();
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  std::vector<Certificate> certificates;
  while (Certificate next{PEM_read_bio_X509(bio.get(), nullptr, no_passphrase, nullptr)}) {
    certificates.push_back(std::move(next));
  }
  // The loop ends at the end of the file (OpenSSL's "no start line") or at a broken block.
  const unsigned long last = ERR_peek_last_error();
  const bool at_end =
      ERR_GET_LIB(last) == ERR_LIB_PEM && ERR_GET_REASON(last) == PEM_R_NO_START_LINE;
  if (certificates.empty() || !at_end) {
    return file.refuse(": certificate " + std::to_string(certificates.size() + 1) +
                       " does not parse (OpenSSL: " + openssl_reason() + ")");
  }
  ERR_clear_error();
  return certificates;
}

Result<Key> parse_key(const PemFile& file, const std::string& pem) {
  if (auto missing = missing_block(pem, "PRIVATE KEY", "private key"); !missing.empty()) {
    return file.refuse(missing);
  }
  if (pem_labels(pem).count("ENCRYPTED PRIVATE KEY") ||
      pem.find("Proc-Type: 4,ENCRYPTED") != std::string::npos) {
    return file.refuse(
        ": encrypted with a passphrase, which the server cannot ask for (decrypt it: "
        "openssl pkey -in " +
        file.path + " -out plain.key.pem)");
  }
  ERR_clear_error();
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Key key(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr));
  if (!key)
    return file.refuse(": the private key does not parse (OpenSSL: " + openssl_reason() + ")");
  return key;
}

}  // namespace

Result<std::unique_ptr<boost::asio::ssl::context>> make_tls_context(const TlsConfig& tls) {
  const PemFile certificate_file{"tls_certificate", "TLS certificate", tls.certificate_file};
  const PemFile key_file{"tls_private_key", "TLS private key", tls.private_key_file};
  NEXUS_TRY(certificate_pem, read_file(certificate_file));
  NEXUS_TRY(key_pem, read_file(key_file));
  NEXUS_TRY(certificates, parse_certificates(certificate_file, certificate_pem));
  NEXUS_TRY(key, parse_key(key_file, key_pem));
  if (X509_check_private_key(certificates.front().get(), key.get()) != 1) {
    return key_file.refuse(" does not match the certificate " + tls.certificate_file +
                           " (OpenSSL: " + openssl_reason() + ")");
  }

  auto context = std::make_unique<boost::asio::ssl::context>(boost::asio::ssl::context::tls_server);
  SSL_CTX* native = context->native_handle();
  // TLS 1.0 and 1.1 are deprecated (RFC 8996); renegotiation only serves attackers here.
  bool loaded = SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) == 1;
  SSL_CTX_set_options(
      native, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  loaded = loaded && SSL_CTX_use_certificate(native, certificates.front().get()) == 1;
  for (size_t i = 1; i < certificates.size(); ++i) {
    loaded = loaded && SSL_CTX_add1_chain_cert(native, certificates[i].get()) == 1;
  }
  loaded = loaded && SSL_CTX_use_PrivateKey(native, key.get()) == 1;
  if (!loaded) return certificate_file.refuse(": OpenSSL refused it (" + openssl_reason() + ")");
  return context;
}

}  // namespace nexus::connectors::detail
