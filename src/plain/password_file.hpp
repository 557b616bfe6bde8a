#pragma once
// The plain broker's users: one `user:hash` line each, the hash a salted PBKDF2-SHA512
// (`$pbkdf2-sha512$ITERATIONS$SALT$HASH`, SALT and HASH in base64). Passwords are never stored.

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace tether::plain {

class password_file {
 public:
  // Throws std::runtime_error with the file, line and cause when the file cannot be read or parsed.
  static password_file load(const std::string& path);
  // The same from the file's text; `name` stands for the file in error messages.
  static password_file parse(std::string_view text, const std::string& name);

  // Constant-time comparison of the derived key.
  bool verify(std::string_view user, std::string_view password) const;
  bool has_user(std::string_view user) const { return users_.contains(std::string(user)); }

  // A new salted hash for `password`, in the file's format.
  static std::string hash_password(std::string_view password);
  // Adds or replaces `user` in the file at `path` (created when missing).
  static void set_user(const std::string& path, const std::string& user, std::string_view password);

 private:
  std::map<std::string, std::string> users_;
};

}  // namespace tether::plain
