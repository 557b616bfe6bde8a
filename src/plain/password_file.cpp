#include "plain/password_file.hpp"

#include "core/base64.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace tether::plain {
namespace {

constexpr int default_iterations = 20'000;
constexpr int salt_size = 16;
constexpr int key_size = 64;
constexpr std::string_view scheme = "$pbkdf2-sha512$";

std::string derive(std::string_view password, std::string_view salt, int iterations) {
  std::string key(key_size, '\0');
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                        iterations, EVP_sha512(), key_size,
                        reinterpret_cast<unsigned char*>(key.data())) != 1) {
    throw std::runtime_error("PBKDF2 failed");
  }
  return key;
}

struct parsed_hash {
  int iterations = 0;
  std::string salt;
  std::string key;
};

std::optional<parsed_hash> parse_hash(std::string_view text) {
  if (!text.starts_with(scheme)) return std::nullopt;
  text.remove_prefix(scheme.size());
  auto d1 = text.find('$');
  auto d2 = d1 == std::string_view::npos ? d1 : text.find('$', d1 + 1);
  if (d2 == std::string_view::npos) return std::nullopt;
  parsed_hash h;
  try {
    h.iterations = std::stoi(std::string(text.substr(0, d1)));
  } catch (const std::exception&) {
    return std::nullopt;
  }
  auto salt = core::from_base64(text.substr(d1 + 1, d2 - d1 - 1));
  auto key = core::from_base64(text.substr(d2 + 1));
  if (h.iterations < 1 || !salt || !key || key->size() != key_size) return std::nullopt;
  h.salt = std::move(*salt);
  h.key = std::move(*key);
  return h;
}

}  // namespace

password_file password_file::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read password file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), path);
}

password_file password_file::parse(std::string_view text, const std::string& name) {
  std::istringstream in{std::string(text)};
  password_file file;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    auto colon = line.find(':');
    if (colon == std::string::npos || colon == 0 || !parse_hash(std::string_view(line).substr(colon + 1))) {
      throw std::runtime_error(name + ":" + std::to_string(number) + ": expected user:$pbkdf2-sha512$...");
    }
    file.users_[line.substr(0, colon)] = line.substr(colon + 1);
  }
  return file;
}

bool password_file::verify(std::string_view user, std::string_view password) const {
  auto it = users_.find(std::string(user));
  if (it == users_.end()) return false;
  auto h = parse_hash(it->second);
  if (!h) return false;
  auto key = derive(password, h->salt, h->iterations);
  return CRYPTO_memcmp(key.data(), h->key.data(), key_size) == 0;
}

std::string password_file::hash_password(std::string_view password) {
  std::string salt(salt_size, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()), salt_size) != 1) {
    throw std::runtime_error("no random bytes for the salt");
  }
  std::ostringstream out;
  out << scheme << default_iterations << '$' << core::to_base64(salt) << '$'
      << core::to_base64(derive(password, salt, default_iterations));
  return out.str();
}

void password_file::set_user(const std::string& path, const std::string& user, std::string_view password) {
  if (user.empty() || user.find(':') != std::string::npos) {
    throw std::invalid_argument("user names may not be empty or contain ':'");
  }
  std::vector<std::string> lines;
  {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
      if (!line.starts_with(user + ":")) lines.push_back(line);
    }
  }
  lines.push_back(user + ":" + hash_password(password));
  std::ofstream out(path, std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write password file " + path);
  for (const auto& l : lines) out << l << '\n';
}

}  // namespace tether::plain
