// `nexus audit verify` and `nexus audit export` as an auditor runs them: over a desk store
// written by the desk's own code, before and after someone edits it behind its back, and
// over an export checked offline with the public key.
#include "connectors/desk_sqlite_store.hpp"

#include "desk/desk_store.hpp"
#include "tests/cli_run.hpp"
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <regex>

namespace nexus::testing {
namespace {

class AuditCliTest : public ScratchDirTest {
 protected:
  void SetUp() override {
    ScratchDirTest::SetUp();
    connectors::SqliteDeskConfig config;
    config.path = at("desk.db");
    auto store = connectors::open_sqlite_desk_store(config);
    ASSERT_TRUE(store) << store.error().message;
    const desk::Actor admin{"root", desk::Role::kAdmin};
    for (const char* name : {"anna", "sam", "aude"}) {
      ASSERT_TRUE(store.value()->create_user(admin, {name, desk::Role::kAnalyst, "h", false, 0}));
    }
    ASSERT_TRUE(store.value()->set_user_role(admin, "sam", desk::Role::kSupervisor));
    ASSERT_TRUE(store.value()->record(
        {"anna", "analyst", "session.login", "user:anna", "{}", R"({"address":"10.0.0.7"})"}));
  }
  void sql(const std::string& statement) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(at("desk.db").c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, statement.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
};

TEST_F(AuditCliTest, AnExportVerifiesOfflineAndAnyEditIsNamed) {
  const nexus::testing::Run exported =
      run("audit export --store " + at("desk.db") + " --out " + at("trail.jsonl"));
  ASSERT_EQ(exported.status, 0) << exported.output;
  EXPECT_NE(exported.output.find("exported entries 1..5 (5 entries"), std::string::npos)
      << exported.output;
  // The key was made on first use, its public half beside it.
  ASSERT_TRUE(std::filesystem::exists(at("desk-audit.key.pub")));
  EXPECT_EQ(std::filesystem::status(at("desk-audit.key")).permissions() &
                std::filesystem::perms::others_read,
            std::filesystem::perms::none);

  const std::string key = " --key " + at("desk-audit.key.pub");
  nexus::testing::Run checked = run("audit verify --export " + at("trail.jsonl") + key);
  EXPECT_EQ(checked.status, 0) << checked.output;
  EXPECT_NE(checked.output.find("signed heads   1 checked"), std::string::npos) << checked.output;
  EXPECT_NE(checked.output.find("\nverified\n"), std::string::npos) << checked.output;
  // The export itself is in the log (entry 6), with its file's digest.
  checked = run("audit verify --store " + at("desk.db"));
  EXPECT_EQ(checked.status, 0) << checked.output;
  EXPECT_NE(checked.output.find("6 entries (1..6)"), std::string::npos) << checked.output;
  EXPECT_NE(checked.output.find("unsigned tail  1 entry"), std::string::npos) << checked.output;

  // One edited line of the export: named, exit 1.
  std::string text = slurp(at("trail.jsonl"));
  const auto at_address = text.find("10.0.0.7");
  ASSERT_NE(at_address, std::string::npos);
  text.replace(at_address, 8, "10.6.6.6");
  std::ofstream(at("edited.jsonl")) << text;
  checked = run("audit verify --export " + at("edited.jsonl") + key);
  EXPECT_EQ(checked.status, 1) << checked.output;
  EXPECT_NE(checked.output.find("BROKEN at entry 5: edited"), std::string::npos) << checked.output;
  EXPECT_NE(checked.output.find("session.login on user:anna by anna"), std::string::npos)
      << checked.output;
  // A cut-off export, another desk's key, no key at all.
  std::ofstream(at("cut.jsonl")) << slurp(at("trail.jsonl")).substr(0, text.rfind("{\"entry\""));
  checked = run("audit verify --export " + at("cut.jsonl") + key);
  EXPECT_EQ(checked.status, 1) << checked.output;
  EXPECT_NE(checked.output.find("truncated"), std::string::npos) << checked.output;
  std::ofstream(at("other.pub")) << std::string(64, 'a') << "\n";
  checked = run("audit verify --export " + at("trail.jsonl") + " --key " + at("other.pub"));
  EXPECT_EQ(checked.status, 1) << checked.output;
  EXPECT_NE(checked.output.find("bad signature"), std::string::npos) << checked.output;
  checked = run("audit verify --export " + at("trail.jsonl"));
  EXPECT_EQ(checked.status, 2) << checked.output;
  EXPECT_NE(checked.output.find("needs --key"), std::string::npos) << checked.output;
}

TEST_F(AuditCliTest, AStoreEditedBehindTheDesksBackIsNamedAndNotExported) {
  ASSERT_EQ(run("audit export --store " + at("desk.db") + " --out " + at("t.jsonl")).status, 0);
  sql("UPDATE audit_entries SET after_json = '{\"role\":\"admin\"}' WHERE seq = 4");
  nexus::testing::Run checked = run("audit verify --store " + at("desk.db"));
  EXPECT_EQ(checked.status, 1) << checked.output;
  EXPECT_NE(checked.output.find("BROKEN at entry 4: edited"), std::string::npos) << checked.output;
  EXPECT_NE(checked.output.find("user.role on user:sam by root"), std::string::npos)
      << checked.output;
  EXPECT_NE(checked.output.find("NOT VERIFIED"), std::string::npos) << checked.output;
  // A broken chain is never signed or exported.
  const nexus::testing::Run refused =
      run("audit export --store " + at("desk.db") + " --out " + at("u.jsonl"));
  EXPECT_EQ(refused.status, 2) << refused.output;
  EXPECT_NE(refused.output.find("does not verify: nothing exported"), std::string::npos)
      << refused.output;
  EXPECT_FALSE(std::filesystem::exists(at("u.jsonl")));
}

TEST_F(AuditCliTest, HeadsDeletedFromTheStoreAreCaughtByTheDesksCopyOfThem) {
  ASSERT_EQ(run("audit export --store " + at("desk.db") + " --out " + at("t.jsonl")).status, 0);
  ASSERT_TRUE(std::filesystem::exists(at("desk-audit.key.heads")));
  // Cutting the tail and the heads that cover it leaves a chain that looks whole...
  sql("DELETE FROM audit_entries WHERE seq >= 4; DELETE FROM audit_heads");
  const nexus::testing::Run checked = run("audit verify --store " + at("desk.db"));
  // ...but the copy of the heads kept beside the key still covers entry 5.
  EXPECT_EQ(checked.status, 1) << checked.output;
  EXPECT_NE(checked.output.find("signed heads also read from"), std::string::npos)
      << checked.output;
  EXPECT_NE(checked.output.find("BROKEN at entry 4: truncated"), std::string::npos)
      << checked.output;
}

TEST_F(AuditCliTest, AHeadRowDeletedAloneIsNamed) {
  ASSERT_EQ(run("audit export --store " + at("desk.db") + " --out " + at("t.jsonl")).status, 0);
  sql("DELETE FROM audit_heads");
  const nexus::testing::Run checked = run("audit verify --store " + at("desk.db"));
  EXPECT_EQ(checked.status, 1) << checked.output;
  EXPECT_NE(checked.output.find("BROKEN at entry 5: head deleted"), std::string::npos)
      << checked.output;
}

TEST_F(AuditCliTest, ADamagedKeyFileIsRefusedAtItsLineAndReplacedByNothing) {
  std::ofstream(at("desk-audit.key")) << "not a key\n";
  const nexus::testing::Run refused =
      run("audit export --store " + at("desk.db") + " --out " + at("t.jsonl"));
  EXPECT_EQ(refused.status, 2) << refused.output;
  EXPECT_NE(refused.output.find("desk-audit.key:1: an audit signing key (its seed) must be 64 hex"),
            std::string::npos)
      << refused.output;
  // The damaged key is left as it was, never overwritten with a new one, and nothing exported.
  EXPECT_EQ(slurp(at("desk-audit.key")), "not a key\n");
  EXPECT_FALSE(std::filesystem::exists(at("t.jsonl")));
}

TEST_F(AuditCliTest, ATimeRangeExportsFromItsFirstEntryToTheHeadThatCoversIt) {
  const nexus::testing::Run bad =
      run("audit export --store " + at("desk.db") + " --from yesterday --out " + at("x.jsonl"));
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.output.find("'yesterday' is not a time"), std::string::npos) << bad.output;
  const nexus::testing::Run none =
      run("audit export --store " + at("desk.db") + " --from 2999-01-01 --out " + at("x.jsonl"));
  EXPECT_EQ(none.status, 2);
  EXPECT_NE(none.output.find("no audit entries in that time range"), std::string::npos)
      << none.output;
}

}  // namespace
}  // namespace nexus::testing
