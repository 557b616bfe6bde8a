#pragma once
// A fresh, migrated registry database in a temporary directory, with a second connection for tests that
// play "the CLI writes while the server reads".

#include "storage/migrations.hpp"
#include "storage/paths.hpp"
#include "storage/sqlite.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <random>

namespace tether::registry::test {

class registry_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("tether-registry-" + std::to_string(std::random_device{}()) + "-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    db_ = std::make_unique<storage::database>(path());
    storage::migrate(*db_);
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::string path() const { return storage::database_path(dir_).string(); }
  std::unique_ptr<storage::database> second_connection() const {
    return std::make_unique<storage::database>(path());
  }

  std::filesystem::path dir_;
  std::unique_ptr<storage::database> db_;
};

}  // namespace tether::registry::test
