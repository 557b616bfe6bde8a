#pragma once
// A fresh, migrated database in a temporary directory for the IoT registry tests, with a helper that
// fills in an org, a device type, a gateway type and a gateway.

#include "iotp/registry_store.hpp"
#include "storage/migrations.hpp"
#include "storage/paths.hpp"
#include "storage/sqlite.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <random>

namespace tether::iotp::test {

class iot_registry_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tether-iotreg-" + std::to_string(std::random_device{}()) + "-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    db_ = std::make_unique<storage::database>(path());
    storage::migrate(*db_);
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::string path() const { return storage::database_path(dir_).string(); }

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

  std::filesystem::path dir_;
  std::unique_ptr<storage::database> db_;
};

}  // namespace tether::iotp::test
