// The directory the serve module polls (connector_store.hpp): the stored connectors merged with the
// config file's, keyed by application and name, the file winning; the file is read at every list().

#include "application/connector/connector_store.hpp"
#include "cli/serve/connector_directory_file.hpp"
#include "registry/application_store.hpp"
#include "storage/migrations.hpp"
#include "storage/sqlite.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace tether::application::connector {
namespace {

connector_config make(std::string app, std::string name, std::string uri) {
  connector_config c;
  c.application_id = std::move(app);
  c.name = std::move(name);
  c.uri = std::move(uri);
  c.topic_up = "up/{type}";
  EXPECT_EQ(validate_connector(c), "");
  return c;
}

// What the config file lists, changed by the test between two list() calls.
class fake_file final : public connector_directory {
 public:
  std::vector<connector_config> list() override {
    ++reads;
    return entries;
  }
  std::vector<connector_config> entries;
  int reads = 0;
};

class RegistryDirectory : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           (std::string("tether-conndir-") + info->name() + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    db_ = std::make_unique<storage::database>(path());
    storage::migrate(*db_);
    ASSERT_TRUE(registry::application_store(*db_).create({"app1", "", 0}));
    ASSERT_TRUE(registry::application_store(*db_).create({"app2", "", 0}));
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::string path() const { return (dir_ / "tether.db").string(); }
  void store(const connector_config& c) { ASSERT_TRUE(connector_store(*db_).create(c)); }

  std::filesystem::path dir_;
  std::unique_ptr<storage::database> db_;
};

std::string uri_of(const std::vector<connector_config>& list, std::string_view app, std::string_view name) {
  for (const auto& c : list)
    if (c.application_id == app && c.name == name) return c.uri;
  return "(absent)";
}

TEST_F(RegistryDirectory, AFileEntryWinsOverAStoredOneOfTheSameApplicationAndName) {
  store(make("app1", "conn1", "mqtt://stored.example"));
  store(make("app2", "conn1", "mqtt://stored-app2.example"));
  fake_file file;
  file.entries = {make("app1", "conn1", "mqtt://file.example"),
                  make("app1", "extra", "mqtt://extra.example")};
  auto directory = make_registry_directory(path(), file);
  const auto list = directory->list();
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(uri_of(list, "app1", "conn1"), "mqtt://file.example");
  EXPECT_EQ(uri_of(list, "app2", "conn1"), "mqtt://stored-app2.example");  // another application's
  EXPECT_EQ(uri_of(list, "app1", "extra"), "mqtt://extra.example");
}

TEST_F(RegistryDirectory, AChangeOfTheFileIsSeenOnTheNextList) {
  store(make("app1", "conn1", "mqtt://stored.example"));
  fake_file file;
  auto directory = make_registry_directory(path(), file);
  EXPECT_EQ(uri_of(directory->list(), "app1", "conn1"), "mqtt://stored.example");
  file.entries = {make("app1", "conn1", "mqtt://file.example")};
  EXPECT_EQ(uri_of(directory->list(), "app1", "conn1"), "mqtt://file.example");
  file.entries = {make("app1", "new", "mqtt://new.example")};
  const auto list = directory->list();
  EXPECT_EQ(uri_of(list, "app1", "conn1"), "mqtt://stored.example");  // the file's entry gone: stored again
  EXPECT_EQ(uri_of(list, "app1", "new"), "mqtt://new.example");
  EXPECT_EQ(file.reads, 3);
}

TEST_F(RegistryDirectory, TheConfigFileItselfIsReadAgainOnTheNextList) {
  store(make("app1", "conn1", "mqtt://stored.example"));
  const auto toml = dir_ / "tether.toml";
  auto write = [&](std::string_view uri) {
    std::ofstream(toml) << "[[connector]]\napplication = \"app1\"\nname = \"conn1\"\nuri = \"" << uri
                        << "\"\ntopic_up = \"up/{type}\"\n";
  };
  write("mqtt://first.example");
  auto file = cli::make_file_connector_directory(toml.string());
  auto directory = make_registry_directory(path(), *file);
  EXPECT_EQ(uri_of(directory->list(), "app1", "conn1"), "mqtt://first.example");
  const auto stamp = std::filesystem::last_write_time(toml);
  write("mqtt://second.example");
  std::filesystem::last_write_time(toml, stamp + std::chrono::seconds(1));  // a new stamp, however fast
  EXPECT_EQ(uri_of(directory->list(), "app1", "conn1"), "mqtt://second.example");
}

}  // namespace
}  // namespace tether::application::connector
