// nexus evidence pack / verify / replay, run as a desk and a court's expert run them: the
// engine's alerts on generated payments stored in a desk, one case packed, the package
// checked and replayed; then one amount changed inside it, the manifest edited, another key.
#include "connectors/desk_sqlite_store.hpp"
#include "rules/compiler.hpp"

#include "desk/desk_store.hpp"
#include "desk/evidence_package.hpp"
#include "tests/cli_run.hpp"
#include "tests/desk/desk_cli_fixture.hpp"
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

namespace nexus::testing {
namespace {

class EvidenceCliTest : public ScratchDirTest {
 protected:
  void SetUp() override {
    ScratchDirTest::SetUp();
    ASSERT_EQ(run("generate --seed 7 --accounts 2000 --transactions 20000 --out " + at("tx.ndjson"))
                  .status,
              0);
    ASSERT_EQ(run("replay --input " + at("tx.ndjson") + " --out " + at("alerts.ndjson")).status, 0);
    ASSERT_GT(store_engine_alerts(at("alerts.ndjson"), at("desk.db")), 0u);
  }
  Result<std::unique_ptr<desk::DeskStore>> open() {
    connectors::SqliteDeskConfig config;
    config.path = at("desk.db");
    return connectors::open_sqlite_desk_store(config);
  }
  static bool self_contained(const nexus::v1::Alert& alert) {
    if (alert.subgraphs_size() > 0 || alert.sanctions_hits_size() > 0) return false;
    for (const auto& evidence : alert.evidence()) {
      if (evidence.truncated() || evidence.detail().rfind("raised by ", 0) == 0) return false;
    }
    return true;
  }
  // A case whose alerts need nothing outside a bundle, with a sum over several transactions,
  // and a transaction in that sum that triggers none of the case's alerts.
  void pick_case(int64_t* case_id, std::string* alert_id, std::string* evidence_name,
                 std::string* tx_id) {
    auto store = open();
    ASSERT_TRUE(store);
    auto cases = store.value()->list_cases("");
    ASSERT_TRUE(cases);
    for (const auto& row : cases.value()) {
      auto stored = store.value()->case_alerts(row.id, 1000);
      ASSERT_TRUE(stored);
      std::vector<nexus::v1::Alert> alerts;
      std::set<std::string> triggers;
      bool usable = !stored.value().empty();
      for (const auto& s : stored.value()) {
        alerts.emplace_back().ParseFromString(s.record.alert_pb);
        usable = usable && self_contained(alerts.back());
        triggers.insert(alerts.back().transaction_ids(0));
      }
      if (!usable) continue;
      for (const auto& alert : alerts) {
        for (const auto& evidence : alert.evidence()) {
          if (evidence.name().find("sum") == std::string::npos) continue;
          for (const auto& id : evidence.transaction_ids()) {
            if (triggers.count(id)) continue;
            *case_id = static_cast<int64_t>(row.id);
            *alert_id = alert.id();
            *evidence_name = evidence.name();
            *tx_id = id;
            return;
          }
        }
      }
    }
    FAIL() << "no self-contained case with a sum over several transactions in this data set";
  }
  // The package with one transaction's amount raised by one minor unit, rewritten as a tar.
  std::string with_amount_changed(const std::string& bytes, const std::string& tx_id) {
    auto files = desk::read_evidence_files(bytes);
    EXPECT_TRUE(files) << files.error().message;
    std::vector<std::pair<std::string, std::string>> out;
    bool changed = false;
    for (const auto& [name, data] : files.value()) {
      if (name != "transactions.ndjson") {
        out.emplace_back(name, data);
        continue;
      }
      std::istringstream in(data);
      std::string rewritten;
      for (std::string line; std::getline(in, line);) {
        nexus::v1::Transaction tx;
        EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(line, &tx).ok());
        if (tx.id() == tx_id) {
          tx.set_amount_minor(tx.amount_minor() + 1);
          line.clear();
          google::protobuf::util::JsonPrintOptions options;
          options.preserve_proto_field_names = true;
          EXPECT_TRUE(google::protobuf::util::MessageToJsonString(tx, &line, options).ok());
          changed = true;
        }
        rewritten += line + "\n";
      }
      out.emplace_back(name, rewritten);
    }
    EXPECT_TRUE(changed) << tx_id << " is not in the package";
    return desk::write_evidence_tar(out, 0).value();
  }
};

TEST_F(EvidenceCliTest, APackageVerifiesReplaysAndATamperedAmountFailsBoth) {
  int64_t case_id = 0;
  std::string alert_id, evidence_name, tx_id;
  ASSERT_NO_FATAL_FAILURE(pick_case(&case_id, &alert_id, &evidence_name, &tx_id));
  const std::string package = at("case.tar");
  const nexus::testing::Run packed =
      run("evidence pack --store " + at("desk.db") + " --case " + std::to_string(case_id) +
          " --transactions " + at("tx.ndjson") + " --out " + package);
  ASSERT_EQ(packed.status, 0) << packed.output;
  EXPECT_NE(packed.output.find("wrote " + package + ": case " + std::to_string(case_id)),
            std::string::npos)
      << packed.output;

  const std::string key = " --key " + at("desk-audit.key.pub");
  nexus::testing::Run checked = run("evidence verify " + package + key);
  EXPECT_EQ(checked.status, 0) << checked.output;
  EXPECT_NE(checked.output.find("verified: " + package), std::string::npos) << checked.output;
  EXPECT_NE(checked.output.find("key pinned"), std::string::npos) << checked.output;
  checked = run("evidence verify " + package);
  EXPECT_EQ(checked.status, 0) << checked.output;
  EXPECT_NE(checked.output.find("key NOT pinned"), std::string::npos) << checked.output;

  nexus::testing::Run replayed = run("evidence replay " + package);
  EXPECT_EQ(replayed.status, 0) << replayed.output;
  EXPECT_NE(replayed.output.find("alert " + alert_id), std::string::npos) << replayed.output;
  EXPECT_EQ(replayed.output.find("DIFFERS"), std::string::npos) << replayed.output;

  // The export is in the audit chain with the package's digest.
  auto store = open();
  ASSERT_TRUE(store);
  desk::AuditFilter filter;
  filter.action = "evidence.export";
  auto entries = store.value()->audit_entries(filter, 0, 10);
  ASSERT_TRUE(entries);
  ASSERT_EQ(entries.value().size(), 1u);
  EXPECT_EQ(entries.value()[0].object, "case:" + std::to_string(case_id));
  EXPECT_NE(entries.value()[0].after_json.find(rules::sha256_hex(slurp(package))),
            std::string::npos);

  // One amount, one minor unit more.
  const std::string tampered = at("tampered.tar");
  std::ofstream(tampered, std::ios::binary) << with_amount_changed(slurp(package), tx_id);
  checked = run("evidence verify " + tampered + key);
  EXPECT_EQ(checked.status, 1) << checked.output;
  EXPECT_NE(checked.output.find("transactions.ndjson: sha256 differs"), std::string::npos)
      << checked.output;
  replayed = run("evidence replay " + tampered);
  EXPECT_EQ(replayed.status, 1) << replayed.output;
  EXPECT_NE(replayed.output.find("alert " + alert_id), std::string::npos) << replayed.output;
  EXPECT_NE(replayed.output.find("DIFFERS"), std::string::npos) << replayed.output;
  EXPECT_NE(replayed.output.find("evidence " + evidence_name), std::string::npos)
      << replayed.output;
  EXPECT_NE(replayed.output.find("does not verify"), std::string::npos) << replayed.output;

  // The manifest edited (its case id): the signature fails. Another desk's key: refused.
  auto files = desk::read_evidence_files(slurp(package));
  ASSERT_TRUE(files);
  std::vector<std::pair<std::string, std::string>> edited(files.value().begin(),
                                                          files.value().end());
  for (auto& [name, data] : edited) {
    if (name != "manifest.json") continue;
    const std::string from = "\"case_id\": " + std::to_string(case_id);
    ASSERT_NE(data.find(from), std::string::npos) << data;
    data.replace(data.find(from), from.size(), "\"case_id\": 999999");
  }
  std::ofstream(at("edited.tar"), std::ios::binary) << desk::write_evidence_tar(edited, 0).value();
  checked = run("evidence verify " + at("edited.tar"));
  EXPECT_EQ(checked.status, 1) << checked.output;
  EXPECT_NE(checked.output.find("manifest.sig: bad signature"), std::string::npos)
      << checked.output;
  std::ofstream(at("other.pub")) << std::string(64, 'a') << "\n";
  checked = run("evidence verify " + package + " --key " + at("other.pub"));
  EXPECT_EQ(checked.status, 1) << checked.output;
  EXPECT_NE(checked.output.find("not by the pinned key aaaaaaaaaaaaaaaa"), std::string::npos)
      << checked.output;
}

TEST_F(EvidenceCliTest, PackRefusesWhatCannotMakeAPackage) {
  nexus::testing::Run refused =
      run("evidence pack --store " + at("desk.db") + " --case 999999 --transactions " +
          at("tx.ndjson") + " --out " + at("p.tar"));
  EXPECT_EQ(refused.status, 2) << refused.output;
  EXPECT_NE(refused.output.find("no case 999999"), std::string::npos) << refused.output;
  // A transactions file without the case's payments: how many, and which.
  {
    std::ifstream in(at("tx.ndjson"));
    std::string first;
    std::getline(in, first);
    std::ofstream(at("other.ndjson")) << first << "\n";
  }
  refused = run("evidence pack --store " + at("desk.db") + " --case 1 --transactions " +
                at("other.ndjson") + " --out " + at("p.tar"));
  EXPECT_EQ(refused.status, 2) << refused.output;
  EXPECT_NE(refused.output.find(
                "transaction(s) the alerts of case 1 name are neither kept by the desk nor in"),
            std::string::npos)
      << refused.output;
  // Rules that did not raise the alerts.
  std::filesystem::create_directories(at("rules"));
  std::ofstream(at("rules/one.yaml")) << "- rule: ONE\n  version: 1\n  source: test\n"
                                         "  condition: amount_usd > 1\n";
  refused = run("evidence pack --store " + at("desk.db") + " --case 1 --transactions " +
                at("tx.ndjson") + " --rules " + at("rules") + " --out " + at("p.tar"));
  EXPECT_EQ(refused.status, 2) << refused.output;
  EXPECT_NE(refused.output.find("give --rules the directory of that rule set"), std::string::npos)
      << refused.output;
  EXPECT_FALSE(std::filesystem::exists(at("p.tar")));
}

// Sanctions hits rest on the lists: the package records their versions and matched entries,
// and replay reproduces the hits only when given a lists directory to screen against.
TEST(EvidenceCliSanctions, HitsReproduceOnlyWithTheListsScreenedAgainst) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("nexus-test-sx-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto at = [&](const std::string& name) { return (dir / name).string(); };
  ASSERT_EQ(run("lists import --data-dir " + at("lists") + " " + NEXUS_SHARED_DATA_DIR +
                "/sanctions/un_consolidated.xml")
                .status,
            0);
  ASSERT_EQ(run("generate --seed 7 --accounts 2000 --transactions 20000 --listed-parties --out " +
                at("tx.ndjson"))
                .status,
            0);
  ASSERT_EQ(run("replay --input " + at("tx.ndjson") + " --out " + at("alerts.ndjson") +
                " --lists " + at("lists"))
                .status,
            0);
  ASSERT_GT(store_engine_alerts(at("alerts.ndjson"), at("desk.db")), 0u);
  connectors::SqliteDeskConfig config;
  config.path = at("desk.db");
  auto store = connectors::open_sqlite_desk_store(config);
  ASSERT_TRUE(store);
  auto cases = store.value()->list_cases("");
  ASSERT_TRUE(cases);
  int64_t case_id = 0;
  std::string reference;
  for (const auto& row : cases.value()) {
    auto alerts = store.value()->case_alerts(row.id, 100);
    ASSERT_TRUE(alerts);
    for (const auto& stored : alerts.value()) {
      nexus::v1::Alert alert;
      alert.ParseFromString(stored.record.alert_pb);
      if (alert.rule_id() == "SANCTIONS-PARTY-HIT" && case_id == 0) {
        case_id = static_cast<int64_t>(row.id);
        reference = alert.sanctions_hits(0).reference();
      }
    }
  }
  ASSERT_NE(case_id, 0) << "no sanctions hit in this data set";
  const nexus::testing::Run packed =
      run("evidence pack --store " + at("desk.db") + " --case " + std::to_string(case_id) +
          " --transactions " + at("tx.ndjson") + " --lists " + at("lists") + " --out " +
          at("case.tar"));
  ASSERT_EQ(packed.status, 0) << packed.output;
  auto files = desk::read_evidence_files(slurp(at("case.tar")));
  ASSERT_TRUE(files);
  EXPECT_NE(files.value()["lists/versions.json"].find("\"list\": \"UN\""), std::string::npos)
      << files.value()["lists/versions.json"];
  EXPECT_NE(files.value()["lists/matched_entries.json"].find(reference), std::string::npos);

  nexus::testing::Run replayed = run("evidence replay " + at("case.tar"));
  EXPECT_EQ(replayed.status, 3) << replayed.output;
  EXPECT_NE(replayed.output.find("needs the sanctions lists screened against"), std::string::npos)
      << replayed.output;
  replayed = run("evidence replay " + at("case.tar") + " --lists " + at("lists"));
  EXPECT_EQ(replayed.status, 0) << replayed.output;
  EXPECT_NE(replayed.output.find("SANCTIONS-PARTY-HIT: reproduced"), std::string::npos)
      << replayed.output;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace nexus::testing
