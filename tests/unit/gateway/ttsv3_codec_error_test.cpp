// The codec's error category.

#include "gateway/ttsv3/codec_error.hpp"

#include <gtest/gtest.h>

#include <set>

namespace tether::gateway::ttsv3 {
namespace {

TEST(ttsv3_codec_error, every_code_has_its_own_short_message) {
  std::set<std::string> seen;
  for (int e = 0; e <= static_cast<int>(codec_error::missing_downlink); ++e) {
    const boost::system::error_code ec = static_cast<codec_error>(e);
    EXPECT_EQ(&ec.category(), &codec_category());
    EXPECT_FALSE(ec.message().empty());
    EXPECT_LT(ec.message().size(), 60u) << ec.message();
    EXPECT_NE(ec.message(), "unknown ttsv3 codec error") << e;
    EXPECT_TRUE(seen.insert(ec.message()).second) << ec.message();
  }
  EXPECT_EQ(make_error_code(codec_error::frequency_too_low).message(), "frequency below 100 kHz");
  EXPECT_STREQ(codec_category().name(), "ttsv3_codec");
  EXPECT_FALSE(make_error_code(codec_error::ok));
}

TEST(ttsv3_codec_error, results_carry_codes) {
  result<int> r = codec_error::crc_failed;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), codec_error::crc_failed);
}

}  // namespace
}  // namespace tether::gateway::ttsv3
