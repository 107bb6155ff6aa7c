// Evidence packages built from values: the same input gives the same bytes, verify names each
// kind of tampering, and replay raises the bundled alerts again or names what differs.
#include "engine/collecting_sinks.hpp"
#include "engine/engine.hpp"
#include "engine/memory_state_store.hpp"
#include "rules/compiler.hpp"

#include "desk/audit_chain.hpp"
#include "desk/audit_json.hpp"
#include "desk/evidence_package.hpp"
#include "desk/evidence_replay.hpp"
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <limits>

namespace nexus::desk {
namespace {

const char* kRules = R"(
- aggregate: deposits_7d
  key: beneficiary.account
  window: 7d
  measures: [count, sum(amount_usd)]
- rule: DEPOSITS
  version: 2
  source: test
  severity: high
  subject: beneficiary.account
  condition: agg.deposits_7d.sum_amount_usd >= 9000 and agg.deposits_7d.count >= 3
)";

std::string deposit(const std::string& id, int day, int64_t cents) {
  return R"({"id":")" + id + R"(","event_time":"2025-01-0)" + std::to_string(day) +
         R"(T10:00:00Z","amount_minor":)" + std::to_string(cents) +
         R"(,"currency":"USD","channel":"CHANNEL_CASH_DEPOSIT","beneficiary":{"account":"ACC-1"}})";
}

bool has(const std::vector<std::string>& lines, const std::string& part) {
  for (const auto& line : lines) {
    if (line.find(part) != std::string::npos) return true;
  }
  return false;
}

std::string all(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  return out;
}

// A case of the alerts the engine raises over four deposits, with two audit entries and a
// signed head.
class EvidencePackageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto rules = rules::compile_rules({{"rules/deposits.yaml", kRules}});
    ASSERT_TRUE(rules) << rules.error().message;
    engine::MemoryStateStore store;
    engine::CollectingAlertSink alerts;
    engine::CollectingDeadLetterSink dead;
    engine::Engine engine(rules.value(), engine::FxTable::defaults(), store, alerts, dead, nullptr);
    const std::vector<std::string> lines = {deposit("d1", 1, 300'000), deposit("d2", 2, 300'000),
                                            deposit("d3", 3, 400'000), deposit("d4", 4, 50'000)};
    int64_t offset = 0;
    for (const auto& line : lines) {
      ASSERT_TRUE(engine.process({line, engine::InputFormat::kNdjson, "t", 0, offset++}));
      nexus::v1::Transaction tx;
      ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(line, &tx).ok());
      input.transactions.push_back(tx);
    }
    ASSERT_EQ(alerts.alerts.size(), 2u);  // d3 (sum 10,000) and d4 (10,500)
    input.alerts = alerts.alerts;
    input.case_row.id = CaseId{7};
    input.case_row.subject_key = "ACC-1";
    input.rule_files = {{"deposits.yaml", kRules}};
    input.ruleset_hash = rules.value()->content_hash;
    input.created_ms = 1'764'800'000'000;
    std::string prev = genesis_hash();
    for (int64_t seq = 1; seq <= 2; ++seq) {
      AuditEntry entry{
          seq,  1'764'700'000'000 + seq,      "anna", "analyst", "case.comment", "case:7",
          "{}", R"({"text":"looked at it"})", prev,   ""};
      entry.hash = chain_hash(prev, entry);
      prev = entry.hash;
      input.audit_entries.push_back(entry);
    }
    input.signed_heads.push_back(sign_head(key, 2, prev, 1'764'700'000'100));
  }

  std::string package() {
    auto built = build_evidence_package(input, key);
    EXPECT_TRUE(built) << built.error().message;
    return built ? built.value() : std::string();
  }

  // The package with `path` replaced by `edit(bytes)`, rewritten as a tar.
  template <class Edit>
  std::string rewritten(const std::string& bytes, const std::string& path, Edit edit) {
    auto files = read_evidence_files(bytes);
    EXPECT_TRUE(files) << files.error().message;
    std::vector<std::pair<std::string, std::string>> out;
    for (auto& [name, data] : files.value()) {
      out.emplace_back(name, name == path ? edit(data) : data);
    }
    auto tar = write_evidence_tar(out, 0);
    EXPECT_TRUE(tar);
    return tar.value();
  }

  AuditKey key = generate_audit_key();
  EvidenceInput input;
};

TEST_F(EvidencePackageTest, TheSameInputGivesTheSameBytes) {
  const std::string first = package();
  EXPECT_EQ(first, package());
  input.created_ms += 1000;  // the creation time is in the manifest and the mtimes
  EXPECT_NE(first, package());
}

TEST_F(EvidencePackageTest, AnUntouchedPackageVerifiesWithAndWithoutAPinnedKey) {
  const std::string bytes = package();
  EvidenceVerdict verdict = verify_evidence_package(bytes, key.public_key);
  EXPECT_TRUE(verdict.ok()) << all(verdict.problems);
  EXPECT_TRUE(verdict.key_pinned);
  EXPECT_EQ(verdict.case_id, 7);
  EXPECT_EQ(verdict.ruleset_hash, input.ruleset_hash);
  EXPECT_EQ(verdict.audit_entries, 2u);
  EXPECT_EQ(verdict.signed_heads, 1u);
  EXPECT_EQ(verdict.signer_hex, public_key_hex(key));
  auto files = read_evidence_files(bytes);
  ASSERT_TRUE(files);
  EXPECT_EQ(verdict.files, files.value().size() - 2);  // all but manifest.json and .sig
  verdict = verify_evidence_package(bytes, std::nullopt);
  EXPECT_TRUE(verdict.ok()) << all(verdict.problems);
  EXPECT_FALSE(verdict.key_pinned);
}

TEST_F(EvidencePackageTest, VerifyNamesEachKindOfTampering) {
  const std::string bytes = package();
  // One amount in the transactions.
  std::string tampered = rewritten(bytes, "transactions.ndjson", [](std::string text) {
    const auto at = text.find("\"400000\"");
    EXPECT_NE(at, std::string::npos) << text;
    return text.replace(at, 8, "\"900000\"");
  });
  EvidenceVerdict verdict = verify_evidence_package(tampered, key.public_key);
  EXPECT_FALSE(verdict.ok());
  EXPECT_TRUE(has(verdict.problems, "transactions.ndjson: sha256 differs"))
      << all(verdict.problems);
  EXPECT_EQ(verdict.problems.size(), 1u) << all(verdict.problems);
  // The manifest edited to match: the signature fails.
  verdict = verify_evidence_package(rewritten(bytes, "manifest.json",
                                              [](std::string text) {
                                                return text.replace(text.find("\"case_id\": 7"), 12,
                                                                    "\"case_id\": 8");
                                              }),
                                    std::nullopt);
  EXPECT_TRUE(has(verdict.problems, "manifest.sig: bad signature")) << all(verdict.problems);
  // Another desk's key pinned.
  verdict = verify_evidence_package(bytes, generate_audit_key().public_key);
  EXPECT_TRUE(has(verdict.problems, "not by the pinned key")) << all(verdict.problems);
  // A file dropped, a file added, the manifest unreadable.
  auto files = read_evidence_files(bytes);
  ASSERT_TRUE(files);
  std::vector<std::pair<std::string, std::string>> kept, added;
  for (const auto& [name, data] : files.value()) {
    if (name != "rules/deposits.yaml") kept.emplace_back(name, data);
    added.emplace_back(name, data);
  }
  added.emplace_back("notes.txt", "x");
  verdict = verify_evidence_package(write_evidence_tar(kept, 0).value(), key.public_key);
  EXPECT_TRUE(has(verdict.problems, "rules/deposits.yaml: missing")) << all(verdict.problems);
  verdict = verify_evidence_package(write_evidence_tar(added, 0).value(), key.public_key);
  EXPECT_TRUE(has(verdict.problems, "notes.txt: extra file")) << all(verdict.problems);
  verdict = verify_evidence_package(
      rewritten(bytes, "manifest.json", [](const std::string&) { return std::string("{"); }),
      std::nullopt);
  EXPECT_TRUE(has(verdict.problems, "manifest.json: unparsable")) << all(verdict.problems);
  verdict = verify_evidence_package("not a tar at all", std::nullopt);
  EXPECT_FALSE(verdict.ok());
}

TEST_F(EvidencePackageTest, AnEditedAuditEntryIsNamedEvenWithItsHashListedAfresh) {
  // An entry edited before it was packed (or a package re-signed by whoever holds the key):
  // every file hash and the signature hold, but the entry's hash no longer follows from it.
  AuditEntry edited = input.audit_entries[1];
  edited.after_json = R"({"text":"never looked"})";
  input.audit_entries[1] = edited;
  const std::string bytes = package();
  const EvidenceVerdict verdict = verify_evidence_package(bytes, key.public_key);
  EXPECT_TRUE(has(verdict.problems,
                  "entry 2 (case.comment on case:7 by anna): its hash does not "
                  "follow from its fields"))
      << all(verdict.problems);
}

TEST_F(EvidencePackageTest, ReplayReproducesTheAlertsAndNamesATamperedAmount) {
  const std::string bytes = package();
  auto bundle = read_evidence_bundle(bytes);
  ASSERT_TRUE(bundle) << bundle.error().message;
  auto replayed = replay_evidence(bundle.value());
  ASSERT_TRUE(replayed) << replayed.error().message;
  ASSERT_EQ(replayed.value().alerts.size(), 2u);
  for (const auto& alert : replayed.value().alerts) {
    EXPECT_EQ(alert.outcome, ReplayOutcome::kReproduced) << all(alert.differences);
  }
  EXPECT_EQ(replayed.value().transactions, 4u);

  // d1 from 3,000.00 to 3,500.00: both sums move, both alerts still fire.
  bundle = read_evidence_bundle(rewritten(bytes, "transactions.ndjson", [](std::string text) {
    return text.replace(text.find("\"300000\""), 8, "\"350000\"");
  }));
  ASSERT_TRUE(bundle) << bundle.error().message;
  replayed = replay_evidence(bundle.value());
  ASSERT_TRUE(replayed) << replayed.error().message;
  for (const auto& alert : replayed.value().alerts) {
    EXPECT_EQ(alert.outcome, ReplayOutcome::kDiffers) << alert.alert_id;
    EXPECT_TRUE(has(alert.differences,
                    "evidence agg.deposits_7d.sum_amount_usd 10000 bundled, "
                    "10500 replayed") ||
                has(alert.differences,
                    "evidence agg.deposits_7d.sum_amount_usd 10500 bundled, "
                    "11000 replayed"))
        << all(alert.differences);
  }
}

TEST_F(EvidencePackageTest, ReplayRefusesRulesThatAreNotTheManifests) {
  input.rule_files[0].bytes += "\n# edited\n";
  auto bundle = read_evidence_bundle(package());
  ASSERT_TRUE(bundle);
  auto replayed = replay_evidence(bundle.value());
  ASSERT_FALSE(replayed);
  EXPECT_EQ(replayed.error().code, "ruleset");
  EXPECT_NE(replayed.error().message.find(input.ruleset_hash), std::string::npos);
}

TEST_F(EvidencePackageTest, AnAlertOnAFlagRaisedOutsideTheBundleSaysSo) {
  // The bundled alert claims a flag raised by another rule on a transaction the bundle lacks.
  auto* evidence = input.alerts[0].add_evidence();
  evidence->set_name("flag.trafficking");
  evidence->set_observed("true");
  evidence->set_detail("raised by HT-ADULT-ADS on transaction t-outside");
  auto bundle = read_evidence_bundle(package());
  ASSERT_TRUE(bundle);
  auto replayed = replay_evidence(bundle.value());
  ASSERT_TRUE(replayed) << replayed.error().message;
  const AlertReplay& first = replayed.value().alerts[0];
  EXPECT_EQ(first.outcome, ReplayOutcome::kNeedsOutside) << all(first.differences);
  EXPECT_TRUE(has(first.needs,
                  "needs state from before the bundle: flag.trafficking raised by "
                  "HT-ADULT-ADS on transaction t-outside"))
      << all(first.needs);
  EXPECT_EQ(replayed.value().alerts[1].outcome, ReplayOutcome::kReproduced);
}

}  // namespace
}  // namespace nexus::desk
