// The entity-table helper with an entity shaped like the coming IoT-platform ones: `iot device
// create|list|show|delete ORG TYPE ID` (a key of three parts with IDs of their own rule, listed by
// ORG TYPE) and `iot org list|delete ORG` (no show). The store is a map in the test; the registry
// database is only opened, as every registry command does.

#include "cli/entity_command.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <sstream>

namespace tether::cli {
namespace {

using nlohmann::json;

struct thing {
  std::string org, type, id, name;
};

using thing_map = std::map<entity_key, thing>;

// Watson IoT IDs: 1-36 of letters, digits, '-', '_' and '.'.
bool valid_iot_id(std::string_view id) {
  if (id.empty() || id.size() > 36) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

constexpr const char* iot_rule = "use 1 to 36 letters, digits, '-', '_' and '.'";

entity_table<thing> device_table(std::shared_ptr<thing_map> things) {
  using key = const entity_key&;
  return {
      .spec = {.command = "iot device",
               .key = {{"ORG", "organization", "org_id", "Organization ID", "", valid_iot_id, iot_rule},
                       {"TYPE", "device type", "type_id", "Device type", "", valid_iot_id, iot_rule},
                       {"ID", "device", "device_id", "Device ID", "", valid_iot_id, iot_rule}},
               .help = {.list = "List devices", .show = "Show a device", .remove = "Delete a device"},
               .scope = {.parts = 2},
               .empty_text = [](key scope) { return "No devices of type " + scope[1] + "."; },
               .deleted_text = [](key k) { return "Deleted device " + k[2]; }},
      .to_json =
          [](const thing& t) {
            return json{{"device_id", t.id}, {"name", t.name}};
          },
      .print_table =
          [](const std::vector<thing>& all) {
            for (const auto& t : all) std::cout << t.id << ' ' << t.name << '\n';
          },
      .list = [things](storage::database&, key scope) -> registry::result<std::vector<thing>> {
        std::vector<thing> out;
        for (const auto& [k, t] : *things) {
          if (k[0] == scope[0] && k[1] == scope[1]) out.push_back(t);
        }
        return out;
      },
      .get = [things](storage::database&, key k) -> registry::result<thing> {
        auto it = things->find(k);
        if (it == things->end()) return registry::registry_error::not_found;
        return it->second;
      },
      .print_details = [](storage::database&, const thing& t) { std::cout << "name: " << t.name << '\n'; },
      .remove = [things](storage::database&, key k) -> registry::result<void> {
        if (things->erase(k) == 0) return registry::registry_error::not_found;
        return {};
      },
  };
}

// An entity with only list and delete.
entity_table<std::string> org_table() {
  return {
      .spec = {.command = "iot org",
               .subject_noun = "organization",
               .key = {{"ORG", "organization", "org_id", "Organization ID", "", nullptr}},
               .help = {.list = "List organizations", .remove = "Delete an organization"},
               .empty_text = [](const entity_key&) { return std::string("No organizations."); },
               .deleted_text = [](const entity_key& k) { return "Deleted organization " + k[0]; }},
      .to_json = [](const std::string& org) { return json(org); },
      .print_table = [](const std::vector<std::string>&) {},
      .list = [](storage::database&, const entity_key&) -> registry::result<std::vector<std::string>> {
        return std::vector<std::string>{};
      },
      .remove = [](storage::database&, const entity_key&) -> registry::result<void> {
        return registry::registry_error::not_found;
      },
  };
}

struct outcome {
  int code = 0;  // the command's exit code, or 2 for a parse error as main() returns
  std::string out, err;
};

class EntityCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    data_dir_ = std::filesystem::temp_directory_path() /
                ("tether-entity-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                 "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    (*things_)[{"o1", "t1", "d1"}] = {"o1", "t1", "d1", "first"};
    (*things_)[{"o1", "t1", "d2"}] = {"o1", "t1", "d2", "second"};
    (*things_)[{"o1", "t2", "d3"}] = {"o1", "t2", "d3", "other type"};
  }
  void TearDown() override { std::filesystem::remove_all(data_dir_); }

  outcome run(std::vector<std::string> args) {
    CLI::App app{"test"};
    command_context ctx;
    auto* iot = app.add_subcommand("iot", "IoT platform");
    bool created = false;
    add_entity_commands(
        *iot, ctx, "Devices", device_table(things_),
        [&created](CLI::App& parent, command_context&, std::shared_ptr<const entity_spec> spec) {
          created = spec->command == "iot device" && parent.get_name() == "device";
        });
    add_entity_commands(*iot, ctx, "Organizations", org_table(), nullptr);
    EXPECT_TRUE(created);
    args.insert(args.begin(), "iot");
    args.push_back("--data-dir");
    args.push_back(data_dir_.string());
    std::reverse(args.begin(), args.end());  // CLI11 takes them last first
    std::ostringstream out, err;
    auto* old_out = std::cout.rdbuf(out.rdbuf());
    auto* old_err = std::cerr.rdbuf(err.rdbuf());
    int code = 0;
    try {
      app.parse(args);
      code = ctx.exit_code;
    } catch (const CLI::ParseError&) {
      code = 2;
    }
    std::cout.rdbuf(old_out);
    std::cerr.rdbuf(old_err);
    return {code, out.str(), err.str()};
  }

  std::filesystem::path data_dir_;
  std::shared_ptr<thing_map> things_ = std::make_shared<thing_map>();
};

TEST_F(EntityCommand, ListTakesTheLeadingKeyPartsAsItsScope) {
  auto r = run({"device", "list", "o1", "t1"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "d1 first\nd2 second\n");
  r = run({"device", "list", "o1", "t9"});
  EXPECT_EQ(r.out, "No devices of type t9.\n");
  r = run({"device", "list", "o1", "t2", "--json"});
  EXPECT_EQ(json::parse(r.out), json::parse(R"([{"device_id": "d3", "name": "other type"}])"));
}

TEST_F(EntityCommand, ShowNamesAThreePartKey) {
  auto r = run({"device", "show", "o1", "t1", "d2"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "name: second\n");
  r = run({"device", "show", "o1", "t1", "d9"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "tether iot device show: device 'o1/t1/d9' not found\n");
}

TEST_F(EntityCommand, EachKeyPartIsCheckedByItsOwnRule) {
  auto r = run({"device", "show", "o1", "Type_A.1", "d/1"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(
      r.err,
      "tether iot device show: device 'd/1': invalid ID: use 1 to 36 letters, digits, '-', '_' and '.'\n");
  r = run({"device", "list", "o!", "t1"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err,
            "tether iot device list: organization 'o!': invalid ID: use 1 to 36 letters, digits, '-', '_' "
            "and '.'\n");
}

TEST_F(EntityCommand, DeleteReportsEveryKeyPartInJson) {
  auto r = run({"device", "delete", "o1", "t1", "d1", "--json"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(json::parse(r.out),
            json::parse(R"({"deleted": {"org_id": "o1", "type_id": "t1", "device_id": "d1"}})"));
  EXPECT_EQ(things_->count({"o1", "t1", "d1"}), 0u);
  r = run({"device", "delete", "o1", "t1", "d1"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "tether iot device delete: device 'o1/t1/d1' not found\n");
}

TEST_F(EntityCommand, AnOperationLeftOutIsNoSubcommand) {
  EXPECT_EQ(run({"org", "list"}).out, "No organizations.\n");
  EXPECT_EQ(run({"org", "delete", "x"}).err, "tether iot org delete: organization 'x' not found\n");
  EXPECT_EQ(run({"org", "show", "x"}).code, 2);
  EXPECT_EQ(run({"org"}).code, 2);
}

}  // namespace
}  // namespace tether::cli
