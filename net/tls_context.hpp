#pragma once
// The server's TLS settings: one OpenSSL context shared by every connection (creating a
// connection's TLS state from it is thread-safe).
#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

namespace chorus::net_detail {

/// TLS 1.2 and 1.3 only, certificate chain and private key from PEM files. Throws
/// std::runtime_error naming the file and OpenSSL's reason when they cannot be used.
std::unique_ptr<boost::asio::ssl::context> make_tls_context(const std::string& cert_chain_file,
                                                            const std::string& private_key_file);

} // namespace chorus::net_detail
