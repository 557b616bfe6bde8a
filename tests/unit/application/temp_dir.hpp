#pragma once
// A migrated database in a fresh temporary directory, removed with the fixture.

#include "storage/migrations.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace tether::application::test {

class temp_database {
 public:
  temp_database() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           (std::string("tether-application-") + info->name() + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    storage::database db(path());
    storage::migrate(db);
  }
  ~temp_database() { std::filesystem::remove_all(dir_); }
  temp_database(const temp_database&) = delete;
  temp_database& operator=(const temp_database&) = delete;

  std::string path() const { return (dir_ / "tether.db").string(); }

 private:
  std::filesystem::path dir_;
};

}  // namespace tether::application::test
