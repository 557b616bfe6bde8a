#pragma once
// The registry tests' fresh, migrated database (tests/unit/registry/registry_fixture.hpp), with a helper
// that fills in an IoT org, a device type, a gateway type and a gateway.

#include "../registry/registry_fixture.hpp"
#include "iotp/registry_store.hpp"

#include <string>

namespace tether::iotp::test {

class iot_registry_test : public registry::test::registry_test {
 protected:
  // org "acme01", device type "sensor", gateway type "hub", gateway hub/gw1 (privileged).
  void populate() {
    registry_store store(*db_);
    ASSERT_TRUE(store.create_org("acme01"));
    ASSERT_TRUE(store.create_type("acme01", "sensor", type_class::device));
    ASSERT_TRUE(store.create_type("acme01", "hub", type_class::gateway));
    auto gw =
        store.create_device({.ref = gateway_ref(), .kind = type_class::gateway, .token = "gateway-token-1"});
    ASSERT_TRUE(gw) << gw.error().message();
  }
  static device_ref gateway_ref() { return {"acme01", "hub", "gw1"}; }
  static device_ref sensor(std::string id) { return {"acme01", "sensor", std::move(id)}; }
};

}  // namespace tether::iotp::test
