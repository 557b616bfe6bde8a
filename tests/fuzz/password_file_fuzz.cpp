// libFuzzer target for the password file parser (`user:$pbkdf2-sha512$ITERATIONS$SALT$HASH` lines).
// std::runtime_error is the parser's documented error path. Passwords are not verified here: the
// iteration count comes from the input, and PBKDF2 with millions of rounds would only measure time.

#include "plain/password_file.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto file = tether::plain::password_file::parse(text, "fuzz.passwd");
    // Every accepted line's user must now be known.
    std::size_t start = 0;
    while (start < text.size()) {
      auto end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      const auto line = text.substr(start, end - start);
      const auto colon = line.find(':');
      if (!line.empty() && line[0] != '#' && colon != std::string_view::npos &&
          !file.has_user(line.substr(0, colon))) {
        std::abort();
      }
      start = end + 1;
    }
  } catch (const std::runtime_error&) {
    // A rejected file: the expected outcome for most inputs.
  }
  return 0;
}
