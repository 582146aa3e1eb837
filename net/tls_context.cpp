#include "net/tls_context.hpp"

#include <stdexcept>

#include <openssl/ssl.h>

namespace chorus::net_detail {

namespace ssl = boost::asio::ssl;

std::unique_ptr<ssl::context> make_tls_context(const std::string& cert_chain_file,
                                               const std::string& private_key_file) {
  if (cert_chain_file.empty() || private_key_file.empty())
    throw std::runtime_error("TLS needs both a certificate file and a private key file");
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                   ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  // An idle connection gives its record buffers back to the allocator (~34 KB each).
  SSL_CTX_set_mode(ctx->native_handle(), SSL_MODE_RELEASE_BUFFERS);
  boost::system::error_code ec;
  ctx->use_certificate_chain_file(cert_chain_file, ec);
  if (ec) throw std::runtime_error("TLS certificate " + cert_chain_file + ": " + ec.message());
  ctx->use_private_key_file(private_key_file, ssl::context::pem, ec);
  if (ec) throw std::runtime_error("TLS private key " + private_key_file + ": " + ec.message());
  if (SSL_CTX_check_private_key(ctx->native_handle()) != 1)
    throw std::runtime_error("TLS private key " + private_key_file + " does not match certificate " + cert_chain_file);
  return ctx;
}

} // namespace chorus::net_detail
