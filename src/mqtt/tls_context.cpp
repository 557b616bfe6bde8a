#include "mqtt/tls_context.hpp"

#include <stdexcept>

namespace tether::mqtt {

namespace ssl = boost::asio::ssl;

std::unique_ptr<ssl::context> make_server_tls_context(const tls_files& files) {
  if (files.certificate_chain.empty() || files.private_key.empty()) {
    throw std::runtime_error("TLS listeners need --tls-cert and --tls-key");
  }
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                   ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
  auto use = [&](const std::string& what, const std::string& file, auto&& load) {
    boost::system::error_code ec;
    load(ec);
    if (ec) throw std::runtime_error("cannot use " + what + " " + file + ": " + ec.message());
  };
  use("certificate", files.certificate_chain,
      [&](auto& ec) { ctx->use_certificate_chain_file(files.certificate_chain, ec); });
  use("private key", files.private_key,
      [&](auto& ec) { ctx->use_private_key_file(files.private_key, ssl::context::pem, ec); });
  if (!files.client_ca.empty()) {
    use("client CA", files.client_ca, [&](auto& ec) { ctx->load_verify_file(files.client_ca, ec); });
    ctx->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  }
  return ctx;
}

}  // namespace tether::mqtt
