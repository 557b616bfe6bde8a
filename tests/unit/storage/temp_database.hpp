#pragma once
// A migrated database file in a fresh temporary directory, removed with the fixture.

#include "storage/migrations.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace tether::storage::test {

class temp_database {
 public:
  temp_database() {
    auto name = std::string("tether-storage-") +
                ::testing::UnitTest::GetInstance()->current_test_info()->name() + "-" +
                std::to_string(::getpid());
    dir_ = std::filesystem::temp_directory_path() / name;
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    database db(path());
    migrate(db);
  }
  ~temp_database() { std::filesystem::remove_all(dir_); }

  std::string path() const { return (dir_ / "tether.db").string(); }

 private:
  std::filesystem::path dir_;
};

}  // namespace tether::storage::test
