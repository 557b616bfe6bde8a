// The password file: salted PBKDF2-SHA512 hashes, parse errors naming file and line, and
// set_user (what `tether mqtt-passwd` does).

#include "plain/password_file.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include <unistd.h>

namespace tether::plain {
namespace {

std::string parse_error(std::string_view text, const std::string& name = "test.passwd") {
  try {
    password_file::parse(text, name);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

// One hash for the whole suite: 20,000 PBKDF2 rounds per hash add up.
const std::string& secret_hash() {
  static const std::string hash = password_file::hash_password("secret");
  return hash;
}

// A fresh path in the temp directory, removed at the end of the test.
class temp_file {
 public:
  explicit temp_file(const std::string& tag)
      : path_(std::filesystem::temp_directory_path() /
              ("tether_" + tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter_++))) {
    std::filesystem::remove(path_);
  }
  ~temp_file() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }
  std::string read() const {
    std::ifstream in(path_);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
  void write(const std::string& text) const { std::ofstream(path_) << text; }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

TEST(password_file_test, HashHasTheDocumentedFormat) {
  const auto& h = secret_hash();
  EXPECT_TRUE(h.starts_with("$pbkdf2-sha512$20000$")) << h;
  EXPECT_EQ(std::count(h.begin(), h.end(), '$'), 4);
  EXPECT_EQ(h.find("secret"), std::string::npos);
  // A fresh salt each time: the same password never hashes the same twice.
  EXPECT_NE(password_file::hash_password("secret"), h);
}

TEST(password_file_test, HashRoundTrip) {
  auto file = password_file::parse("alice:" + secret_hash() + "\n", "x");
  EXPECT_TRUE(file.has_user("alice"));
  EXPECT_TRUE(file.verify("alice", "secret"));
}

TEST(password_file_test, WrongPasswordIsRefused) {
  auto file = password_file::parse("alice:" + secret_hash() + "\n", "x");
  EXPECT_FALSE(file.verify("alice", "Secret"));
  EXPECT_FALSE(file.verify("alice", "secret "));
  EXPECT_FALSE(file.verify("alice", ""));
}

TEST(password_file_test, UnknownUserIsRefused) {
  auto file = password_file::parse("alice:" + secret_hash() + "\n", "x");
  EXPECT_FALSE(file.has_user("bob"));
  EXPECT_FALSE(file.verify("bob", "secret"));
  EXPECT_FALSE(file.verify("", "secret"));
  EXPECT_FALSE(file.verify("Alice", "secret"));
}

TEST(password_file_test, CommentsBlankLinesAndCrlfAreAccepted) {
  auto file = password_file::parse("# users\n\nalice:" + secret_hash() + "\r\n\r\nbob:" + secret_hash(), "x");
  EXPECT_TRUE(file.verify("alice", "secret"));
  EXPECT_TRUE(file.verify("bob", "secret"));  // the last line needs no newline
}

TEST(password_file_test, MalformedLinesNameFileAndLine) {
  const std::string expected = ": expected user:$pbkdf2-sha512$...";
  EXPECT_EQ(parse_error("# comment\n\nalice\n"), "test.passwd:3" + expected);      // no colon
  EXPECT_EQ(parse_error(":" + secret_hash(), "/etc/pw"), "/etc/pw:1" + expected);  // no user
  EXPECT_EQ(parse_error("alice:plain-text-password\n"), "test.passwd:1" + expected);
  EXPECT_EQ(parse_error("alice:" + secret_hash() + "\nbob:$pbkdf2-sha512$20000$c2FsdA==$c2hvcnQ=\n"),
            "test.passwd:2" + expected);  // a key of the wrong length

  auto with_iterations = [](const std::string& iterations) {
    auto h = secret_hash();
    auto start = std::string("$pbkdf2-sha512$").size();
    return "alice:" + h.replace(start, h.find('$', start) - start, iterations) + "\n";
  };
  EXPECT_EQ(parse_error(with_iterations("20000")), "");
  EXPECT_EQ(parse_error(with_iterations("0")), "test.passwd:1" + expected);
  EXPECT_EQ(parse_error(with_iterations("-5")), "test.passwd:1" + expected);
  EXPECT_EQ(parse_error(with_iterations("many")), "test.passwd:1" + expected);
  EXPECT_EQ(parse_error(with_iterations("99999999999999")), "test.passwd:1" + expected);
  EXPECT_EQ(parse_error(with_iterations("")), "test.passwd:1" + expected);
  EXPECT_EQ(parse_error("alice:" + secret_hash().substr(0, secret_hash().rfind('$')) + "\n"),
            "test.passwd:1" + expected);                                                 // no key at all
  EXPECT_EQ(parse_error("alice:" + secret_hash() + "!\n"), "test.passwd:1" + expected);  // not base64
}

TEST(password_file_test, LoadReadsTheFileAndReportsItsPath) {
  temp_file f("passwd");
  try {
    password_file::load(f.path());
    ADD_FAILURE() << "expected an error for a missing file";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "cannot read password file " + f.path());
  }
  f.write("alice:" + secret_hash() + "\nbroken\n");
  try {
    password_file::load(f.path());
    ADD_FAILURE() << "expected a parse error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), f.path() + ":2: expected user:$pbkdf2-sha512$...");
  }
  f.write("alice:" + secret_hash() + "\n");
  EXPECT_TRUE(password_file::load(f.path()).verify("alice", "secret"));
}

TEST(password_file_test, SetUserCreatesTheFile) {
  temp_file f("passwd");
  password_file::set_user(f.path(), "alice", "pw1");
  auto file = password_file::load(f.path());
  EXPECT_TRUE(file.verify("alice", "pw1"));
  EXPECT_FALSE(file.verify("alice", "secret"));
}

TEST(password_file_test, SetUserReplacesOnlyThatUser) {
  temp_file f("passwd");
  f.write("# broker users\nalice:" + secret_hash() + "\nal:" + secret_hash() + "\nbob:" + secret_hash() +
          "\n");
  password_file::set_user(f.path(), "alice", "new password");
  auto text = f.read();
  EXPECT_EQ(text.find("alice:" + secret_hash()), std::string::npos);
  EXPECT_EQ(text.find("alice:"), text.rfind("alice:")) << "one line per user:\n" << text;
  EXPECT_TRUE(text.starts_with("# broker users\n")) << text;
  auto file = password_file::load(f.path());
  EXPECT_TRUE(file.verify("alice", "new password"));
  EXPECT_FALSE(file.verify("alice", "secret"));
  EXPECT_TRUE(file.verify("al", "secret"));  // a prefix of the name is another user
  EXPECT_TRUE(file.verify("bob", "secret"));
}

TEST(password_file_test, SetUserRejectsBadNames) {
  temp_file f("passwd");
  EXPECT_THROW(password_file::set_user(f.path(), "", "pw"), std::invalid_argument);
  EXPECT_THROW(password_file::set_user(f.path(), "a:b", "pw"), std::invalid_argument);
  EXPECT_FALSE(std::filesystem::exists(f.path()));
}

}  // namespace
}  // namespace tether::plain
