// The OpenSSL server context HttpServer serves HTTPS with, built from a TlsConfig's PEM
// files: TLS 1.2 or newer, no renegotiation, the certificate's chain sent after it. Every
// refusal names the file and gives OpenSSL's reason (see check_tls_files). Built once at
// start, on the caller's thread; then only read by the server thread.
#pragma once

#include "connectors/http_server.hpp"

#include "base/result.hpp"
#include <boost/asio/ssl/context.hpp>

#include <memory>

namespace nexus::connectors::detail {

/// Reads both files and loads them; errors as check_tls_files describes.
Result<std::unique_ptr<boost::asio::ssl::context>> make_tls_context(const TlsConfig& tls);

}  // namespace nexus::connectors::detail
