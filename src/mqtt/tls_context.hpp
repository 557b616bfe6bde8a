#pragma once
// The server-side TLS configuration shared by every TLS and WSS listener.

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>

namespace tether::mqtt {

struct tls_files {
  std::string certificate_chain;  // PEM
  std::string private_key;        // PEM
  std::string client_ca;          // PEM; when set, clients must present a certificate it signed
};

// TLS 1.2 and newer only. Throws std::runtime_error naming the file that could not be used.
std::unique_ptr<boost::asio::ssl::context> make_server_tls_context(const tls_files& files);

}  // namespace tether::mqtt
