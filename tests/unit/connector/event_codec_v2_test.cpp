// Event format version 2: the uplink's encrypted FRMPayload and receive windows survive the event log
// (the Data API's encrypted_payload and downlink_request come from them); version 1 records still read.

#include "application/event_codec.hpp"
#include "sample_events.hpp"

#include <gtest/gtest.h>

namespace tether::application {
namespace {

TEST(EventCodecV2, UplinkWindowsAndEncryptedPayloadRoundTrip) {
  const application_event e = connector::test::sample_uplink();
  EXPECT_EQ(decode_event(encode_event(e), "e"), e);
  auto no_windows = connector::test::sample_uplink();
  no_windows.windows.reset();
  EXPECT_EQ(decode_event(encode_event(no_windows), "e"), application_event(no_windows));
}

TEST(EventCodecV2, VersionOneRecordsStillRead) {
  auto e = connector::test::sample_uplink();
  e.windows.reset();
  e.encrypted_frm_payload.clear();
  auto blob = encode_event(e);
  blob.resize(blob.size() - 5);  // the version 2 trailer: an empty payload (u32 0) and no windows (u8 0)
  blob[0] = 1;
  EXPECT_EQ(decode_event(blob, "e"), application_event(e));
}

}  // namespace
}  // namespace tether::application
