// API key text, hashing and constant-time comparison.

#include "registry/key_format.hpp"
#include "core/base32.hpp"

#include <gtest/gtest.h>

#include <set>

namespace tether::registry {
namespace {

TEST(Base32, Rfc4648Vectors) {
  // RFC 4648 section 10, without padding.
  EXPECT_EQ(core::to_base32(""), "");
  EXPECT_EQ(core::to_base32("f"), "MY");
  EXPECT_EQ(core::to_base32("fo"), "MZXQ");
  EXPECT_EQ(core::to_base32("foo"), "MZXW6");
  EXPECT_EQ(core::to_base32("foob"), "MZXW6YQ");
  EXPECT_EQ(core::to_base32("fooba"), "MZXW6YTB");
  EXPECT_EQ(core::to_base32("foobar"), "MZXW6YTBOI");
}

TEST(ApiKeyFormat, GeneratedKeysHaveTheTheThingsStackShape) {
  auto parts = generate_key();
  EXPECT_EQ(parts.key_id.size(), 39u);
  EXPECT_EQ(parts.secret.size(), 52u);
  auto text = format_key(parts);
  EXPECT_TRUE(text.starts_with("NNSXS."));
  auto parsed = parse_key(text);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->key_id, parts.key_id);
  EXPECT_EQ(parsed->secret, parts.secret);
}

TEST(ApiKeyFormat, KeysAreUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(seen.insert(format_key(generate_key())).second);
}

TEST(ApiKeyFormat, RejectsMalformedKeys) {
  auto good = format_key(generate_key());
  EXPECT_FALSE(parse_key(""));
  EXPECT_FALSE(parse_key("NNSXS"));
  EXPECT_FALSE(parse_key(good.substr(0, good.size() - 1)));
  EXPECT_FALSE(parse_key(good + "A"));
  auto wrong_prefix = good;
  wrong_prefix[0] = 'X';
  EXPECT_FALSE(parse_key(wrong_prefix));
  auto lower = good;
  lower[10] = 'a';
  EXPECT_FALSE(parse_key(lower));
  auto no_dot = good;
  no_dot[5] = '-';
  EXPECT_FALSE(parse_key(no_dot));
}

TEST(ApiKeyFormat, HashesAreSha256AndCompareExactly) {
  auto h = hash_secret("abc");
  ASSERT_EQ(h.size(), 32u);
  // SHA-256("abc") from FIPS 180-2.
  EXPECT_EQ(static_cast<unsigned char>(h[0]), 0xba);
  EXPECT_EQ(static_cast<unsigned char>(h[31]), 0xad);
  EXPECT_TRUE(hashes_equal(h, hash_secret("abc")));
  EXPECT_FALSE(hashes_equal(h, hash_secret("abd")));
  EXPECT_FALSE(hashes_equal(h, h.substr(0, 31)));
}

}  // namespace
}  // namespace tether::registry
