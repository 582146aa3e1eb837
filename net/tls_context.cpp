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
  // An idle connection gives its record buffers back to the allocator; a write may
  // complete one record at a time and be retried from a different buffer with the same
  // bytes (tls_connection, corking_stream::flush).
  SSL_CTX_set_mode(ctx->native_handle(),
                   SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  // No renegotiation (a write never has to wait for a read); a TCP close without
  // close_notify is an end of stream, as browsers and most clients do it.
  SSL_CTX_set_options(ctx->native_handle(), SSL_OP_NO_RENEGOTIATION | SSL_OP_IGNORE_UNEXPECTED_EOF);
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
