// The engine with plain values: decoding, validation and dead letters, windows,
// rules, evidence, suppression, checkpoints and restart, on an in-memory store.
#include "engine/engine.hpp"

#include "engine/alert_builder.hpp"
#include "engine/async_state_store.hpp"
#include "engine/collecting_sinks.hpp"
#include "engine/memory_state_store.hpp"
#include "engine/rule_test_runner.hpp"
#include "engine/transaction_decoder.hpp"
#include "engine/validator.hpp"
#include "rules/compiler.hpp"

#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

namespace nexus::engine {
namespace {

std::shared_ptr<const rules::RuleSet> compile(const std::string& text) {
  auto result = rules::compile_rules({{"test.yaml", text}});
  EXPECT_TRUE(result) << (result ? "" : result.error().message);
  return result.value();
}

const char* kStructuring = R"(
- aggregate: deposits_7d
  key: beneficiary.account
  window: 7d
  where: channel == "cash_deposit" and amount_usd >= 8000 and amount_usd < 10000
  measures: [count, sum(amount_usd), distinct(location_id)]
- rule: STRUCT
  version: 2
  source: test
  severity: high
  subject: beneficiary.account
  condition: >
    channel == "cash_deposit" and amount_usd >= 8000 and amount_usd < 10000
    and agg.deposits_7d.count >= 3
)";

std::string deposit(const std::string& id, const std::string& time, int64_t cents,
                    const std::string& account = "ACC-1", const std::string& currency = "USD") {
  return R"({"id":")" + id + R"(","event_time":")" + time + R"(","amount_minor":)" +
         std::to_string(cents) + R"(,"currency":")" + currency +
         R"(","channel":"CHANNEL_CASH_DEPOSIT","beneficiary":{"account":")" + account +
         R"("},"location_id":"BR-)" + id + R"("})";
}

struct Harness {
  explicit Harness(const std::string& rules_text, EngineConfig config = {})
      : rules(compile(rules_text)),
        engine(rules, FxTable::defaults(), store, alerts, dead_letters, nullptr, config) {}
  void feed(const std::string& json) {
    InputRecord record{json, InputFormat::kNdjson, "t", 0, offset++};
    ASSERT_TRUE(engine.process(record));
  }
  std::shared_ptr<const rules::RuleSet> rules;
  MemoryStateStore store;
  CollectingAlertSink alerts;
  CollectingDeadLetterSink dead_letters;
  Engine engine;
  int64_t offset = 0;
};

TEST(Engine, StructuringFiresOnThirdDepositWithinTheWindow) {
  Harness h(kStructuring);
  h.feed(deposit("t1", "2025-01-01T10:00:00Z", 950000));
  h.feed(deposit("t2", "2025-01-03T10:00:00Z", 920000));
  EXPECT_TRUE(h.alerts.alerts.empty());
  h.feed(deposit("t3", "2025-01-05T10:00:00Z", 990000));
  ASSERT_EQ(h.alerts.alerts.size(), 1u);
  const auto& alert = h.alerts.alerts[0];
  EXPECT_EQ(alert.rule_id(), "STRUCT");
  EXPECT_EQ(alert.rule_version(), 2u);
  EXPECT_EQ(alert.subject(), "ACC-1");
  EXPECT_EQ(alert.id(), alert_id("STRUCT", 2, "t3"));
  ASSERT_EQ(alert.transaction_ids_size(), 3);
  EXPECT_EQ(alert.transaction_ids(0), "t3");
  // The aggregate's evidence names its window and the three deposits in time order.
  const nexus::v1::Evidence* count = nullptr;
  for (const auto& evidence : alert.evidence()) {
    if (evidence.name() == "agg.deposits_7d.count") count = &evidence;
  }
  ASSERT_NE(count, nullptr);
  EXPECT_EQ(count->observed(), "3");
  EXPECT_EQ(count->op(), ">=");
  EXPECT_EQ(count->threshold(), "3");
  EXPECT_EQ(count->window_ms(), 7 * 86'400'000LL);
  EXPECT_EQ(count->window_key(), "ACC-1");
  ASSERT_EQ(count->transaction_ids_size(), 3);
  EXPECT_EQ(count->transaction_ids(0), "t1");
  EXPECT_EQ(count->transaction_ids(2), "t3");
}

TEST(Engine, DepositsOutsideTheWindowDoNotCount) {
  Harness h(kStructuring);
  h.feed(deposit("t1", "2025-01-01T10:00:00Z", 950000));
  h.feed(deposit("t2", "2025-01-05T10:00:00Z", 920000));
  // Exactly seven days after t1: t1 falls out of (t - 7d, t].
  h.feed(deposit("t3", "2025-01-08T10:00:00Z", 990000));
  EXPECT_TRUE(h.alerts.alerts.empty());
  h.feed(deposit("t4", "2025-01-09T10:00:00Z", 990000));
  EXPECT_EQ(h.alerts.alerts.size(), 1u);
}

TEST(Engine, ConvertsCurrencyBeforeComparing) {
  Harness h(kStructuring);
  // EUR 8,500 is about USD 9,180: inside the band.
  h.feed(deposit("t1", "2025-01-01T10:00:00Z", 850000, "ACC-1", "EUR"));
  h.feed(deposit("t2", "2025-01-02T10:00:00Z", 850000, "ACC-1", "EUR"));
  h.feed(deposit("t3", "2025-01-03T10:00:00Z", 850000, "ACC-1", "EUR"));
  EXPECT_EQ(h.alerts.alerts.size(), 1u);
  // JPY has no minor unit: 1,000,000 JPY is about USD 6,700, outside the band.
  h.feed(deposit("j1", "2025-01-01T10:00:00Z", 1'000'000, "ACC-2", "JPY"));
  h.feed(deposit("j2", "2025-01-02T10:00:00Z", 1'000'000, "ACC-2", "JPY"));
  h.feed(deposit("j3", "2025-01-03T10:00:00Z", 1'000'000, "ACC-2", "JPY"));
  EXPECT_EQ(h.alerts.alerts.size(), 1u);
}

TEST(Engine, OutOfOrderEventWithinLatenessLandsInItsWindow) {
  Harness h(kStructuring);
  h.feed(deposit("t1", "2025-01-05T10:00:00Z", 950000));
  h.feed(deposit("t2", "2025-01-05T10:30:00Z", 950000));
  // 20 minutes late: inside the default one-hour lateness, counted at its own time.
  h.feed(deposit("t0", "2025-01-05T10:10:00Z", 950000));
  ASSERT_EQ(h.alerts.alerts.size(), 0u) << "at 10:10 only t1 and t0 are in the window";
  h.feed(deposit("t3", "2025-01-05T11:00:00Z", 950000));
  ASSERT_EQ(h.alerts.alerts.size(), 1u);
  EXPECT_EQ(h.alerts.alerts[0].transaction_ids_size(), 4);
  EXPECT_TRUE(h.dead_letters.letters.empty());
}

TEST(Engine, ARedeliveredEventIsNotCountedTwice) {
  Harness h(kStructuring);
  const std::string first = deposit("t1", "2025-01-01T10:00:00Z", 950000);
  h.feed(first);
  h.feed(first);  // at-least-once delivery: the same record again
  h.feed(deposit("t2", "2025-01-02T10:00:00Z", 950000));
  EXPECT_TRUE(h.alerts.alerts.empty()) << "two distinct deposits must not look like three";
  EXPECT_EQ(h.engine.metrics().duplicates.load(), 1u);
  h.feed(deposit("t3", "2025-01-03T10:00:00Z", 950000));
  ASSERT_EQ(h.alerts.alerts.size(), 1u);
  EXPECT_EQ(h.alerts.alerts[0].transaction_ids_size(), 3);
}

TEST(Engine, EventBeyondAllowedLatenessIsDeadLettered) {
  Harness h(kStructuring);
  h.feed(deposit("t1", "2025-01-05T10:00:00Z", 950000));
  h.feed(deposit("old", "2025-01-05T08:00:00Z", 950000));
  ASSERT_EQ(h.dead_letters.letters.size(), 1u);
  EXPECT_EQ(h.dead_letters.letters[0].reason(), "late_event");
  EXPECT_EQ(h.dead_letters.letters[0].source_offset(), 1);
}

TEST(Engine, SuppressesRepeatsForTheSameSubject) {
  std::string text = kStructuring;
  text.replace(text.find("  subject:"), 0, "  suppress: 7d\n");
  Harness h(text);
  for (int i = 0; i < 5; ++i) {
    h.feed(deposit("t" + std::to_string(i), "2025-01-0" + std::to_string(i + 1) + "T10:00:00Z",
                   950000));
  }
  EXPECT_EQ(h.alerts.alerts.size(), 1u);
  EXPECT_EQ(h.engine.metrics().alerts_suppressed.load(), 2u);
  h.feed(deposit("x", "2025-01-04T12:00:00Z", 950000, "ACC-OTHER"));
  EXPECT_EQ(h.alerts.alerts.size(), 1u);
}

TEST(Engine, EveryKindOfBadInputIsDeadLetteredWithItsReasonAndTheStreamGoesOn) {
  Harness h(kStructuring);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{not json", "undecodable"},
      {"{\"id\":\"x\",\"nonsense\":1}", "undecodable"},
      {"{\"id\":\"\xff\xfe\"}", "invalid_utf8"},
      {R"({"event_time":"2025-01-01T00:00:00Z","amount_minor":5,"currency":"USD"})", "missing_id"},
      {R"({"id":"a","amount_minor":5,"currency":"USD"})", "missing_event_time"},
      {R"({"id":"a","event_time":"1970-01-01T00:00:01Z","amount_minor":5,"currency":"USD"})",
       "bad_timestamp"},
      {R"({"id":"a","event_time":"2025-01-01T00:00:00Z","amount_minor":0,"currency":"USD"})",
       "non_positive_amount"},
      {R"({"id":"a","event_time":"2025-01-01T00:00:00Z","amount_minor":5,"currency":"ZZZ"})",
       "unknown_currency"},
      {R"({"id":"a","event_time":"2025-01-01T00:00:00Z","amount_minor":5,"currency":"USD","channel":"CHANNEL_WIRE","beneficiary":{"account":"B"}})",
       "missing_account"},
      {R"({"id":"a","event_time":"2025-01-01T00:00:00Z","amount_minor":5,"currency":"USD","originator":{"account":"A"},"beneficiary":{"account":"B","name":")" +
           std::string(300, 'n') + "\"}}",
       "oversize_field"},
      {std::string(70'000, ' '), "oversize_record"},
  };
  for (const auto& [json, reason] : cases) h.feed(json);
  ASSERT_EQ(h.dead_letters.letters.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(h.dead_letters.letters[i].reason(), cases[i].second) << "case " << i;
    EXPECT_FALSE(h.dead_letters.letters[i].detail().empty());
    EXPECT_EQ(h.dead_letters.letters[i].payload(), cases[i].first);
  }
  EXPECT_EQ(h.engine.metrics().dead_letters_by_reason().at("undecodable"), 2u);
  // The stream carries on after all of that.
  h.feed(deposit("t1", "2025-01-01T10:00:00Z", 950000));
  h.feed(deposit("t2", "2025-01-02T10:00:00Z", 950000));
  h.feed(deposit("t3", "2025-01-03T10:00:00Z", 950000));
  EXPECT_EQ(h.alerts.alerts.size(), 1u);
}

TEST(Engine, UndecodableProtobufIsDeadLettered) {
  Harness h(kStructuring);
  InputRecord record{"\xff\xff\xff\xff garbage", InputFormat::kProtobuf, "t", 3, 42};
  ASSERT_TRUE(h.engine.process(record));
  ASSERT_EQ(h.dead_letters.letters.size(), 1u);
  EXPECT_EQ(h.dead_letters.letters[0].reason(), "undecodable");
  EXPECT_EQ(h.dead_letters.letters[0].source_partition(), 3);
  EXPECT_EQ(h.dead_letters.letters[0].source_offset(), 42);
}

TEST(Engine, CheckpointFlushesSinksThenStoresStateAndOffsets) {
  Harness h(kStructuring);
  h.feed(deposit("t1", "2025-01-01T10:00:00Z", 950000));
  h.feed(deposit("t2", "2025-01-02T10:00:00Z", 950000));
  ASSERT_TRUE(h.engine.checkpoint());
  EXPECT_EQ(h.alerts.flushes, 1);
  auto offset = h.engine.committed_offset("t", 0);
  ASSERT_TRUE(offset && offset.value());
  EXPECT_EQ(*offset.value(), 2);

  // A new engine on the same store resumes: windows and offsets come back.
  CollectingAlertSink alerts;
  CollectingDeadLetterSink dead_letters;
  Engine restarted(h.rules, FxTable::defaults(), h.store, alerts, dead_letters, nullptr);
  auto resumed = restarted.committed_offset("t", 0);
  ASSERT_TRUE(resumed && resumed.value());
  EXPECT_EQ(*resumed.value(), 2);
  const std::string third = deposit("t3", "2025-01-03T10:00:00Z", 950000);
  ASSERT_TRUE(restarted.process({third, InputFormat::kNdjson, "t", 0, 2}));
  ASSERT_EQ(alerts.alerts.size(), 1u);
  EXPECT_EQ(alerts.alerts[0].transaction_ids_size(), 3);
}

TEST(Engine, FailedCheckpointWriteIsReported) {
  Harness h(kStructuring);
  h.feed(deposit("t1", "2025-01-01T10:00:00Z", 950000));
  h.store.fail_writes_after(0);
  auto result = h.engine.checkpoint();
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, "state_io");
}

TEST(Engine, PassThroughReadsAnotherKeysWindow) {
  Harness h(R"(
- aggregate: inbound
  key: beneficiary.account
  window: 24h
  measures: [sum(amount_usd)]
- aggregate: outbound
  key: originator.account
  window: 24h
  measures: [sum(amount_usd)]
- rule: PASS
  version: 1
  source: test
  condition: >
    agg.inbound[originator.account].sum_amount_usd >= 5000
    and agg.outbound.sum_amount_usd >= 0.8 * agg.inbound[originator.account].sum_amount_usd
)");
  auto wire = [](const std::string& id, const std::string& time, int64_t cents,
                 const std::string& from, const std::string& to) {
    return R"({"id":")" + id + R"(","event_time":")" + time + R"(","amount_minor":)" +
           std::to_string(cents) +
           R"(,"currency":"USD","channel":"CHANNEL_WIRE","originator":{"account":")" + from +
           R"("},"beneficiary":{"account":")" + to + R"("}})";
  };
  h.feed(wire("in", "2025-01-01T08:00:00Z", 1'000'000, "X", "MULE"));
  h.feed(wire("out1", "2025-01-01T09:00:00Z", 500'000, "MULE", "Y"));
  EXPECT_TRUE(h.alerts.alerts.empty());
  h.feed(wire("out2", "2025-01-01T10:00:00Z", 400'000, "MULE", "Z"));
  ASSERT_EQ(h.alerts.alerts.size(), 1u);
  const auto& alert = h.alerts.alerts[0];
  EXPECT_EQ(alert.subject(), "MULE");
  // Trigger, then the outbound window (out1, out2), then the inbound window (in).
  ASSERT_EQ(alert.transaction_ids_size(), 3);
  EXPECT_EQ(alert.transaction_ids(0), "out2");
  bool saw_inbound = false;
  for (const auto& evidence : alert.evidence()) {
    if (evidence.name() == "agg.inbound[originator.account].sum_amount_usd") {
      saw_inbound = true;
      EXPECT_EQ(evidence.observed(), "10000");
      EXPECT_EQ(evidence.window_key(), "MULE");
    }
  }
  EXPECT_TRUE(saw_inbound);
}

TEST(Engine, ShippedPackInlineTestsPass) {
  auto rules = rules::compile_rule_dir(std::string(NEXUS_SOURCE_DIR) + "/rules/packs");
  ASSERT_TRUE(rules) << rules.error().message;
  const auto results = run_rule_tests(rules.value());
  ASSERT_GE(results.size(), 10u);
  for (const auto& result : results) {
    EXPECT_TRUE(result.passed) << result.rule_id << " / " << result.test_name << ": "
                               << result.detail;
  }
}

TEST(Engine, AShadowRulesInlineTestsJudgeTheAlertItWouldRaiseLive) {
  auto rules = rules::compile_rules({{"trial.yaml", R"(
- rule: BIG-CASH
  version: 1
  mode: shadow
  source: test
  subject: beneficiary.account
  condition: channel == "cash_deposit" and amount_usd >= 9000
  tests:
    - name: a big deposit alerts
      expect: alert
      events:
        - {id: "b1", event_time: "2025-01-01T00:00:00Z", amount_minor: 950000, currency: USD,
           channel: CHANNEL_CASH_DEPOSIT, beneficiary: {account: "ACC-1"}}
    - name: a small one does not
      expect: no_alert
      events:
        - {id: "b2", event_time: "2025-01-01T00:00:00Z", amount_minor: 50000, currency: USD,
           channel: CHANNEL_CASH_DEPOSIT, beneficiary: {account: "ACC-1"}}
)"}});
  ASSERT_TRUE(rules) << rules.error().message;
  const auto results = run_rule_tests(rules.value());
  ASSERT_EQ(results.size(), 2u);
  for (const auto& result : results) {
    EXPECT_TRUE(result.passed) << result.test_name << ": " << result.detail;
  }
}

TEST(Engine, InlineTestsCatchAMutatedThreshold) {
  // Raise the fan-in threshold from 20 to 21 donors: the rule's own "alert" test must fail.
  std::ifstream in(std::string(NEXUS_SOURCE_DIR) + "/rules/packs/core.yaml");
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  const std::string from = "distinct_originator_account >= 20";
  ASSERT_NE(text.find(from), std::string::npos);
  text.replace(text.find(from), from.size(), "distinct_originator_account >= 21");
  auto rules = rules::compile_rules({{"core.yaml", text}});
  ASSERT_TRUE(rules) << rules.error().message;
  int failed = 0;
  for (const auto& result : run_rule_tests(rules.value())) {
    if (!result.passed) {
      ++failed;
      EXPECT_EQ(result.rule_id, "TF-CROWDFUND-FANIN");
    }
  }
  EXPECT_EQ(failed, 1);
}

TEST(Metrics, ListMetricsAppearOnceListsAreSetAndSayTheirVersionsAndReloads) {
  Metrics metrics;
  EXPECT_EQ(metrics.prometheus().find("nexus_list"), std::string::npos) << "screening off";
  metrics.set_lists_info({{"UN", 4, "2026-03-02", 1004}, {"OFAC \"SDN\"", 2, "", 12}},
                         1'772'409'600);
  metrics.count_list_reload(true);
  metrics.count_list_reload(false);
  metrics.count_list_reload(false);
  const std::string text = metrics.prometheus();
  EXPECT_NE(
      text.find("nexus_list_info{list=\"UN\",version=\"4\",source_version=\"2026-03-02\"} 1\n"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("nexus_list_entries{list=\"UN\"} 1004\n"), std::string::npos) << text;
  // A label value is escaped, so a quote in a list's name cannot break the exposition format.
  EXPECT_NE(text.find("nexus_list_entries{list=\"OFAC \\\"SDN\\\"\"} 12\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("nexus_lists_last_reload_timestamp_seconds 1772409600\n"), std::string::npos);
  EXPECT_NE(text.find("nexus_list_reloads_total{result=\"ok\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("nexus_list_reloads_total{result=\"refused\"} 2\n"), std::string::npos);
}

/// Answers every party named "Listed Person" with one hit; counts its calls.
class FakeScreener final : public Screener {
 public:
  std::vector<ScreeningHit> screen(const nexus::v1::Party& party) override {
    ++calls;
    if (party.name() != "Listed Person") return {};
    return {
        ScreeningHit{"UN", "QDi.999", "LISTED PERSON", "Al-Qaida", 0.97, "test", 7, "2026-02-27"}};
  }
  int calls = 0;
};

TEST(Engine, SanctionsHitsBecomeRuleInputsAndAlertEvidence) {
  auto rules = compile(R"(
- rule: SANCTIONS
  version: 1
  source: test
  severity: critical
  condition: sanctions.hit and sanctions.score >= 0.9 and sanctions.list == "UN"
)");
  MemoryStateStore store;
  CollectingAlertSink alerts;
  CollectingDeadLetterSink dead_letters;
  FakeScreener screener;
  Engine engine(rules, FxTable::defaults(), store, alerts, dead_letters, &screener);
  auto payment = [](const std::string& id, const std::string& beneficiary) {
    return R"({"id":")" + id +
           R"(","event_time":"2025-01-01T00:00:00Z","amount_minor":100,"currency":"USD",)"
           R"("originator":{"account":"A","name":"Someone"},"beneficiary":{"account":"B","name":")" +
           beneficiary + R"("}})";
  };
  const std::string clean = payment("c1", "Nobody Listed");
  const std::string listed = payment("l1", "Listed Person");
  ASSERT_TRUE(engine.process({clean, InputFormat::kNdjson, "t", 0, 0}));
  EXPECT_TRUE(alerts.alerts.empty());
  ASSERT_TRUE(engine.process({listed, InputFormat::kNdjson, "t", 0, 1}));
  ASSERT_EQ(alerts.alerts.size(), 1u);
  EXPECT_EQ(screener.calls, 4);  // both parties of both payments
  const auto& alert = alerts.alerts[0];
  ASSERT_EQ(alert.sanctions_hits_size(), 1);
  EXPECT_EQ(alert.sanctions_hits(0).party_role(), "beneficiary");
  EXPECT_EQ(alert.sanctions_hits(0).reference(), "QDi.999");
  // The list's snapshot travels with the hit, so the alert says which list screened it.
  EXPECT_EQ(alert.sanctions_hits(0).list_version(), 7u);
  EXPECT_EQ(alert.sanctions_hits(0).list_source_version(), "2026-02-27");
  bool saw_score = false;
  for (const auto& evidence : alert.evidence()) {
    if (evidence.name() == "sanctions.score") {
      saw_score = true;
      EXPECT_EQ(evidence.observed(), "0.97");
    }
  }
  EXPECT_TRUE(saw_score);
}

std::string payment(const std::string& id, const std::string& time, const std::string& from,
                    const std::string& to, const std::string& extra = "") {
  return R"({"id":")" + id + R"(","event_time":")" + time +
         R"(","amount_minor":150000,"currency":"USD","channel":"CHANNEL_WIRE",)"
         R"("originator":{"account":")" +
         from + R"(","country":"GB"},"beneficiary":{"account":")" + to + R"(","country":"SY"})" +
         extra + "}";
}

TEST(Engine, KeywordSetsMatchWholeWordsAcrossScriptsAndNameThePhrase) {
  Harness h(R"(
- keywords: groups
  source: test
  patterns:
    en: [daesh, "islamic state"]
    ar: ["داعش"]
    ru: ["игил"]
- rule: NARRATIVE
  version: 1
  source: test
  condition: remittance_info matches groups
)");
  const std::vector<std::pair<std::string, bool>> cases = {
      {"Donation for DAESH brothers", true},
      {"for the Islamic   State", true},   // any run of spaces
      {"تبرع وداعش", true},                // Arabic prefix attached
      {"Помощь ИГИЛ", true},               // Cyrillic, other case
      {"daeshboard subscription", false},  // inside a longer Latin word
      {"state of islamic art", false},
      {"", false}};
  for (size_t i = 0; i < cases.size(); ++i) {
    const size_t before = h.alerts.alerts.size();
    h.feed(payment("k" + std::to_string(i), "2025-01-01T00:00:0" + std::to_string(i) + "Z", "A",
                   "B", R"(,"remittance_info":")" + cases[i].first + R"(")"));
    EXPECT_EQ(h.alerts.alerts.size() > before, cases[i].second) << cases[i].first;
  }
  ASSERT_FALSE(h.alerts.alerts.empty());
  const auto& evidence = h.alerts.alerts[0].evidence(0);
  EXPECT_EQ(evidence.name(), "remittance_info");
  EXPECT_EQ(evidence.op(), "matches");
  EXPECT_EQ(evidence.threshold(), "groups");
  EXPECT_EQ(evidence.observed(), "Donation for DAESH brothers");
  EXPECT_EQ(evidence.detail(), "matched 'daesh' (en) of keyword set groups");
}

const char* kFlagRules = R"(
- flag: suspect
  window: 24h
- rule: RAISE
  version: 1
  source: test
  subject: originator.account
  flags: [suspect]
  condition: amount_usd >= 1000 and remittance_info == "raise"
- rule: READ
  version: 1
  source: test
  subject: originator.account
  condition: flag.suspect[beneficiary.account]
)";

TEST(Engine, AFlagRaisedByOneRuleIsReadByAnotherUntilItsWindowEnds) {
  Harness h(kFlagRules);
  // X raises the flag on itself; the same event does not see its own flag.
  h.feed(payment("e1", "2025-01-01T00:00:00Z", "X", "X", R"(,"remittance_info":"raise")"));
  ASSERT_EQ(h.alerts.alerts.size(), 1u);
  EXPECT_EQ(h.alerts.alerts[0].rule_id(), "RAISE");
  // Y pays X an hour later: READ fires, citing the transaction that raised the flag.
  h.feed(payment("e2", "2025-01-01T01:00:00Z", "Y", "X"));
  ASSERT_EQ(h.alerts.alerts.size(), 2u);
  const auto& alert = h.alerts.alerts[1];
  EXPECT_EQ(alert.rule_id(), "READ");
  ASSERT_EQ(alert.evidence_size(), 1);
  EXPECT_EQ(alert.evidence(0).name(), "flag.suspect[beneficiary.account]");
  EXPECT_EQ(alert.evidence(0).window_key(), "X");
  EXPECT_EQ(alert.evidence(0).window_ms(), 86'400'000);
  ASSERT_EQ(alert.evidence(0).transaction_ids_size(), 1);
  EXPECT_EQ(alert.evidence(0).transaction_ids(0), "e1");
  EXPECT_EQ(alert.evidence(0).detail(), "raised by RAISE on transaction e1");
  // A payment to an unflagged account, and to X after the window, do not.
  h.feed(payment("e3", "2025-01-01T02:00:00Z", "Y", "W"));
  h.feed(payment("e4", "2025-01-02T00:00:01Z", "Z", "X"));
  EXPECT_EQ(h.alerts.alerts.size(), 2u);
}

/// The rules, run over `events` with a shadow sink: live and shadow alerts apart.
struct ShadowRun {
  std::shared_ptr<const rules::RuleSet> rules;
  std::vector<nexus::v1::Alert> live, shadow;
  std::string metrics;
};
ShadowRun run_with_shadow_sink(const std::string& rules_text,
                               const std::vector<std::string>& events) {
  ShadowRun out;
  out.rules = compile(rules_text);
  MemoryStateStore store;
  CollectingAlertSink alerts, shadow;
  CollectingDeadLetterSink dead_letters;
  Engine engine(out.rules, FxTable::defaults(), store, alerts, dead_letters, nullptr);
  engine.set_shadow_sink(&shadow);
  int64_t offset = 0;
  for (const auto& event : events) {
    EXPECT_TRUE(engine.process({event, InputFormat::kNdjson, "t", 0, offset++}));
  }
  EXPECT_TRUE(engine.checkpoint());
  EXPECT_GE(shadow.flushes, 1) << "a checkpoint flushes the shadow sink too";
  out.live = alerts.alerts;
  out.shadow = shadow.alerts;
  out.metrics = engine.metrics().prometheus();
  return out;
}

TEST(Engine, AShadowRulesAlertGoesToTheShadowSinkWithTheIdAndEvidenceALiveOneWouldHave) {
  const std::vector<std::string> deposits = {deposit("t1", "2025-01-01T10:00:00Z", 950000),
                                             deposit("t2", "2025-01-03T10:00:00Z", 920000),
                                             deposit("t3", "2025-01-05T10:00:00Z", 990000)};
  std::string shadow_rules = kStructuring;
  shadow_rules.replace(shadow_rules.find("  version: 2\n"), 13, "  version: 2\n  mode: shadow\n");
  const ShadowRun live = run_with_shadow_sink(kStructuring, deposits);
  const ShadowRun trial = run_with_shadow_sink(shadow_rules, deposits);
  ASSERT_EQ(live.live.size(), 1u);
  EXPECT_TRUE(live.shadow.empty());
  EXPECT_TRUE(trial.live.empty()) << "a shadow alert never reaches the alert sink";
  ASSERT_EQ(trial.shadow.size(), 1u);
  nexus::v1::Alert shadow_alert = trial.shadow[0];
  EXPECT_TRUE(shadow_alert.shadow());
  EXPECT_FALSE(live.live[0].shadow());
  EXPECT_EQ(shadow_alert.id(), alert_id("STRUCT", 2, "t3"));
  EXPECT_EQ(shadow_alert.ruleset_hash(), trial.rules->content_hash);
  // Everything else is the live alert's, byte for byte: id, evidence, transactions, ...
  shadow_alert.clear_shadow();
  shadow_alert.set_ruleset_hash(live.live[0].ruleset_hash());
  EXPECT_EQ(shadow_alert.SerializeAsString(), live.live[0].SerializeAsString());
  // The metrics label each rule with its mode and count shadow alerts apart.
  EXPECT_NE(trial.metrics.find("nexus_rule_hits_total{rule=\"STRUCT\",mode=\"shadow\"} 1\n"),
            std::string::npos)
      << trial.metrics;
  EXPECT_NE(trial.metrics.find("nexus_shadow_alerts_total 1\n"), std::string::npos);
  EXPECT_NE(trial.metrics.find("nexus_alerts_total 0\n"), std::string::npos);
  EXPECT_NE(live.metrics.find("nexus_rule_hits_total{rule=\"STRUCT\",mode=\"live\"} 1\n"),
            std::string::npos)
      << live.metrics;
  EXPECT_NE(live.metrics.find("nexus_shadow_alerts_total 0\n"), std::string::npos);
}

TEST(Engine, AddingAShadowRuleChangesNoLiveAlertAndItsFlagsAreNotRaised) {
  // RAISE-COPY is a looser RAISE on trial: in shadow it must raise no flag READ could read.
  const std::string copy = R"(
- rule: RAISE-COPY
  version: 1
  source: test
  subject: originator.account
  flags: [suspect]
  suppress: 1h
  condition: amount_usd >= 1000
)";
  const std::string base = kFlagRules;
  const std::vector<std::string> events = {
      payment("e1", "2025-01-01T00:00:00Z", "X", "X", R"(,"remittance_info":"raise")"),
      payment("e2", "2025-01-01T00:20:00Z", "X", "W"),  // the copy is suppressed for X
      payment("e3", "2025-01-01T01:00:00Z", "Y", "X"),  // READ: X was flagged by RAISE
      payment("e4", "2025-01-01T03:00:00Z", "W", "Z"),
      payment("e5", "2025-01-01T04:00:00Z", "Z", "Y")};  // Y is flagged only by a live copy
  const ShadowRun without = run_with_shadow_sink(base, events);
  const ShadowRun with = run_with_shadow_sink(base + copy + "  mode: shadow\n", events);
  const ShadowRun copy_live = run_with_shadow_sink(base + copy, events);
  auto reads = [](const ShadowRun& run) {
    std::vector<std::string> out;
    for (const auto& alert : run.live) {
      if (alert.rule_id() == "READ") out.push_back(alert.transaction_ids(0));
    }
    return out;
  };
  // The test can fail: the same copy live flags Y on e3, and READ then fires on e5 too.
  EXPECT_EQ(reads(copy_live), (std::vector<std::string>{"e3", "e5"}));
  EXPECT_EQ(reads(without), std::vector<std::string>{"e3"});
  EXPECT_EQ(reads(with), std::vector<std::string>{"e3"});
  // In shadow, the live alerts are those of the set without it, byte for byte (the set's
  // content hash aside, which names the files it was compiled from).
  ASSERT_EQ(with.live.size(), without.live.size());
  for (size_t i = 0; i < with.live.size(); ++i) {
    EXPECT_EQ(with.live[i].ruleset_hash(), with.rules->content_hash);
    nexus::v1::Alert alert = with.live[i];
    alert.set_ruleset_hash(without.live[i].ruleset_hash());
    EXPECT_EQ(alert.SerializeAsString(), without.live[i].SerializeAsString()) << i;
  }
  // The copy still judged every event and alerted where it would live (suppression apart).
  std::vector<std::string> triggers;
  for (const auto& alert : with.shadow) {
    EXPECT_EQ(alert.rule_id(), "RAISE-COPY");
    triggers.push_back(alert.transaction_ids(0));
  }
  EXPECT_EQ(triggers, (std::vector<std::string>{"e1", "e3", "e4", "e5"}));
}

TEST(Engine, FlagsSurviveACheckpointAndRestart) {
  auto rules = compile(kFlagRules);
  MemoryStateStore store;
  CollectingDeadLetterSink dead_letters;
  {
    CollectingAlertSink alerts;
    Engine engine(rules, FxTable::defaults(), store, alerts, dead_letters, nullptr);
    const std::string raise =
        payment("e1", "2025-01-01T00:00:00Z", "X", "X", R"(,"remittance_info":"raise")");
    ASSERT_TRUE(engine.process({raise, InputFormat::kNdjson, "t", 0, 0}));
    ASSERT_TRUE(engine.checkpoint());
  }
  CollectingAlertSink alerts;
  Engine restarted(rules, FxTable::defaults(), store, alerts, dead_letters, nullptr);
  const std::string pay = payment("e2", "2025-01-01T01:00:00Z", "Y", "X");
  ASSERT_TRUE(restarted.process({pay, InputFormat::kNdjson, "t", 0, 1}));
  ASSERT_EQ(alerts.alerts.size(), 1u);
  EXPECT_EQ(alerts.alerts[0].rule_id(), "READ");
  EXPECT_EQ(alerts.alerts[0].evidence(0).transaction_ids(0), "e1");
}

TEST(Engine, CountOfExplainsEachIndicatorThatHeld) {
  Harness h(R"(
- rule: SCORE
  version: 1
  source: test
  condition: count_of(amount_usd >= 1000, channel == "hawala", beneficiary.country == "SY") >= 2
)");
  h.feed(payment("c1", "2025-01-01T00:00:00Z", "A", "B"));
  ASSERT_EQ(h.alerts.alerts.size(), 1u);
  const auto& alert = h.alerts.alerts[0];
  ASSERT_EQ(alert.evidence_size(), 3);
  EXPECT_EQ(alert.evidence(0).observed(), "2");
  EXPECT_EQ(alert.evidence(0).threshold(), "2");
  EXPECT_EQ(alert.evidence(1).name(), "amount_usd");
  EXPECT_EQ(alert.evidence(2).name(), "beneficiary.country");
  EXPECT_EQ(alert.evidence(2).observed(), "SY");
}

TEST(Engine, EveryShippedRulesInlineTestsCatchAMutatedThreshold) {
  // For each rule whose condition ends a line with a ">= N" threshold (the last one, usually
  // the aggregate's), multiply N by 1000: one of that rule's own "alert" examples must fail.
  const std::string dir = std::string(NEXUS_SOURCE_DIR) + "/rules/packs";
  std::vector<rules::RuleSource> sources;
  for (const auto& name :
       {"core.yaml", "nexus.yaml", "terrorist_financing.yaml", "trafficking.yaml"}) {
    std::ifstream in(dir + "/" + name);
    std::stringstream buffer;
    buffer << in.rdbuf();
    sources.push_back({name, buffer.str()});
  }
  int mutated = 0;
  for (size_t file = 0; file < sources.size(); ++file) {
    const std::string& text = sources[file].text;
    for (size_t at = text.find("\n- rule: "); at != std::string::npos;
         at = text.find("\n- rule: ", at + 1)) {
      const size_t condition = text.find("  condition:", at);
      const size_t tests = text.find("  tests:", at);
      if (condition == std::string::npos || tests == std::string::npos || condition > tests) {
        continue;
      }
      size_t threshold = std::string::npos, length = 0;
      for (size_t op = text.find(">= ", condition); op != std::string::npos && op < tests;
           op = text.find(">= ", op + 1)) {
        const size_t digits = text.find_first_not_of("0123456789.", op + 3);
        if (digits > op + 3 && (text[digits] == '\n' || text[digits] == ')')) {
          threshold = op + 3;
          length = digits - threshold;
        }
      }
      if (threshold == std::string::npos) continue;
      const std::string id = text.substr(at + 9, text.find('\n', at + 1) - at - 9);
      const double value = std::stod(text.substr(threshold, length));
      auto copy = sources;
      copy[file].text.replace(threshold, length, std::to_string(value * 1000));
      auto rules = rules::compile_rules(copy);
      ASSERT_TRUE(rules) << id << ": " << rules.error().message;
      bool caught = false;
      for (const auto& result : run_rule_tests(rules.value())) {
        if (result.rule_id == id && result.expect_alert && !result.passed) caught = true;
      }
      EXPECT_TRUE(caught) << id << ": its tests pass with the threshold raised a thousandfold";
      ++mutated;
    }
  }
  EXPECT_GE(mutated, 18);
}

const char* kCycleAndCluster = R"(
- rule: CYCLE
  version: 1
  source: test
  subject: beneficiary.account
  condition: pattern.cycle
- rule: CLUSTER
  version: 1
  source: test
  condition: originator.cluster_size >= 3
)";

std::string transfer(const std::string& id, int hour, const std::string& from,
                     const std::string& to, const std::string& phone = "") {
  return R"({"id":")" + id + R"(","event_time":"2025-01-01T)" + (hour < 10 ? "0" : "") +
         std::to_string(hour) +
         R"(:00:00Z","amount_minor":500000,"currency":"USD","channel":"CHANNEL_WIRE",)"
         R"("originator":{"account":")" +
         from + R"(","name":"Name )" + from + R"(","phone":")" + phone +
         R"("},"beneficiary":{"account":")" + to + R"("}})";
}

TEST(Engine, ANetworkAlertCarriesThePictureThatExplainsIt) {
  Harness h(kCycleAndCluster);
  h.feed(transfer("c1", 1, "A", "B"));
  h.feed(transfer("c2", 2, "B", "C"));
  h.feed(transfer("c3", 3, "C", "D"));
  EXPECT_TRUE(h.alerts.alerts.empty());
  h.feed(transfer("c4", 4, "D", "A"));
  ASSERT_EQ(h.alerts.alerts.size(), 1u);
  const auto& alert = h.alerts.alerts[0];
  EXPECT_EQ(alert.rule_id(), "CYCLE");
  EXPECT_EQ(alert.subject(), "A");
  ASSERT_EQ(alert.evidence_size(), 1);
  EXPECT_EQ(alert.evidence(0).detail().rfind("cycle on A: hops=4", 0), 0u)
      << alert.evidence(0).detail();
  ASSERT_EQ(alert.subgraphs_size(), 1);
  const auto& picture = alert.subgraphs(0);
  EXPECT_EQ(picture.label(), "pattern.cycle");
  ASSERT_EQ(picture.edges_size(), 4);
  EXPECT_EQ(picture.edges(0).transaction_id(), "c1");
  EXPECT_EQ(picture.edges(3).from(), "D");
  EXPECT_EQ(picture.edges(3).to(), "A");
  EXPECT_EQ(picture.edges(3).amount_usd(), 5000);
  EXPECT_EQ(picture.nodes_size(), 4);
}

TEST(Engine, NetworkStateSurvivesACheckpointAndRestart) {
  auto rules = compile(kCycleAndCluster);
  MemoryStateStore store;
  CollectingDeadLetterSink dead_letters;
  {
    CollectingAlertSink alerts;
    Engine engine(rules, FxTable::defaults(), store, alerts, dead_letters, nullptr);
    for (int i = 0; i < 2; ++i) {
      const std::string tx = transfer("p" + std::to_string(i), 1 + i, "V" + std::to_string(i),
                                      "SHOP", "+1 555 0100 999");
      ASSERT_TRUE(engine.process({tx, InputFormat::kNdjson, "t", 0, i}));
    }
    ASSERT_TRUE(engine.checkpoint());
    EXPECT_TRUE(alerts.alerts.empty());
  }
  EXPECT_TRUE(store.any_with_prefix("g/").value());
  CollectingAlertSink alerts;
  Engine restarted(rules, FxTable::defaults(), store, alerts, dead_letters, nullptr);
  // The same phone, written another way, on a third account: a cluster of three.
  const std::string third = transfer("p2", 5, "V2", "SHOP", "+15550100999");
  ASSERT_TRUE(restarted.process({third, InputFormat::kNdjson, "t", 0, 2}));
  ASSERT_EQ(alerts.alerts.size(), 1u);
  EXPECT_EQ(alerts.alerts[0].rule_id(), "CLUSTER");
  EXPECT_EQ(alerts.alerts[0].evidence(0).observed(), "3");
  ASSERT_EQ(alerts.alerts[0].subgraphs_size(), 1);
  EXPECT_EQ(alerts.alerts[0].subgraphs(0).nodes_size(), 3);
}

TEST(Engine, RulesThatDoNotReadTheNetworkLeaveNoNetworkState) {
  Harness h(kStructuring);
  h.feed(transfer("n1", 1, "A", "B", "+15550100999"));
  ASSERT_TRUE(h.engine.checkpoint());
  EXPECT_FALSE(h.store.any_with_prefix("g/").value());
}

TEST(Engine, NetworkSettingsChangeTheDetectors) {
  const std::string fan_in = R"(
- rule: FAN
  version: 1
  source: test
  subject: beneficiary.account
  condition: pattern.fan_in
)";
  Harness defaults(fan_in);
  Harness tuned(std::string("- network: settings\n  fan_in_min_senders: 3\n") + fan_in);
  for (int i = 0; i < 3; ++i) {
    const std::string tx = transfer("f" + std::to_string(i), 1 + i, "S" + std::to_string(i), "HUB");
    defaults.feed(tx);
    tuned.feed(tx);
  }
  EXPECT_TRUE(defaults.alerts.alerts.empty());  // the default needs 10 senders
  ASSERT_EQ(tuned.alerts.alerts.size(), 1u);
  EXPECT_EQ(tuned.alerts.alerts[0].subject(), "HUB");
  EXPECT_EQ(network_config(*tuned.rules).patterns.fan_in_min_senders, 3u);
}

TEST(Engine, AggregatesCanBeKeyedByCluster) {
  // Donations spread over two linked accounts (one phone): each account sees two donors,
  // the cluster four.
  Harness h(R"(
- aggregate: inbound_by_cluster_24h
  key: beneficiary.cluster_id
  window: 24h
  measures: [distinct(originator.account)]
- rule: CLUSTER-FAN-IN
  version: 1
  source: test
  subject: beneficiary.cluster_id
  condition: agg.inbound_by_cluster_24h.distinct_originator_account >= 4
)");
  auto donation = [](const std::string& id, int hour, const std::string& donor,
                     const std::string& collector) {
    return R"({"id":")" + id + R"(","event_time":"2025-01-01T0)" + std::to_string(hour) +
           R"(:00:00Z","amount_minor":5000,"currency":"USD","channel":"CHANNEL_MOBILE_MONEY",)"
           R"("originator":{"account":")" +
           donor + R"("},"beneficiary":{"account":")" + collector + R"(","phone":"+15550100777"}})";
  };
  h.feed(donation("d1", 1, "D1", "COLLECT-A"));
  h.feed(donation("d2", 2, "D2", "COLLECT-B"));  // joins A's cluster through the phone
  h.feed(donation("d3", 3, "D3", "COLLECT-A"));
  EXPECT_TRUE(h.alerts.alerts.empty());
  h.feed(donation("d4", 4, "D4", "COLLECT-B"));
  ASSERT_EQ(h.alerts.alerts.size(), 1u);
  EXPECT_EQ(h.alerts.alerts[0].subject(), "COLLECT-A");  // the cluster's id: its smallest account
  EXPECT_EQ(h.alerts.alerts[0].evidence(0).transaction_ids_size(), 4);
}

TEST(Decoder, FastPathAgreesWithProtobufJsonParser) {
  const std::string json =
      R"({"id":"tx-1","eventTime":"2025-03-04T05:06:07.250+01:00","amountMinor":"123456",)"
      R"("currency":"EUR","channel":"CHANNEL_MSB","originator":{"account":"A","name":"Ahmed",)"
      R"("type":"PARTY_TYPE_PERSON","country":"DE","dateOfBirth":"1980-01-02"},)"
      R"("beneficiary":{"account":"B","country":"SY","agentBic":"XYZ"},)"
      R"("remittanceInfo":"gift","merchantCategoryCode":"4829","deviceId":"d","locationId":"l",)"
      R"("timeZone":"Europe/Berlin"})";
  TransactionDecoder decoder;
  nexus::v1::Transaction fast;
  ASSERT_TRUE(decoder.decode(json, InputFormat::kNdjson, &fast).ok);
  EXPECT_EQ(decoder.json_fallbacks(), 0u);
  nexus::v1::Transaction reference;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &reference).ok());
  EXPECT_EQ(fast.SerializeAsString(), reference.SerializeAsString());
  EXPECT_EQ(fast.event_time().seconds(), 1'741'061'167);  // 04:06:07Z
  EXPECT_EQ(fast.event_time().nanos(), 250'000'000);
}

TEST(Decoder, UnusualButValidJsonTakesTheFallback) {
  // A numeric enum is valid protobuf JSON that the fast path leaves to protobuf.
  TransactionDecoder decoder;
  nexus::v1::Transaction tx;
  ASSERT_TRUE(decoder
                  .decode(R"({"id":"a","channel":4,"event_time":"2025-01-01T00:00:00Z"})",
                          InputFormat::kNdjson, &tx)
                  .ok);
  EXPECT_EQ(decoder.json_fallbacks(), 1u);
  EXPECT_EQ(tx.channel(), nexus::v1::CHANNEL_CASH_DEPOSIT);
}

TEST(Decoder, Rfc3339RoundTrips) {
  int64_t ms = 0;
  ASSERT_TRUE(parse_rfc3339_ms("2024-02-29T23:59:59.999Z", &ms));
  EXPECT_EQ(format_rfc3339_ms(ms), "2024-02-29T23:59:59.999Z");
  ASSERT_TRUE(parse_rfc3339_ms("2025-01-01T00:00:00Z", &ms));
  EXPECT_EQ(ms, 1'735'689'600'000);
  EXPECT_FALSE(parse_rfc3339_ms("2025-02-29T00:00:00Z", &ms));
  EXPECT_FALSE(parse_rfc3339_ms("2025-01-01 00:00:00Z", &ms));
  EXPECT_FALSE(parse_rfc3339_ms("2025-01-01T00:00:00", &ms));
  EXPECT_FALSE(parse_rfc3339_ms("2025-13-01T00:00:00Z", &ms));
}

TEST(WindowStore, SerializationRoundTrips) {
  KeyWindow window;
  window.times = {1, 2, 3};
  window.tx_ids = {"a", "bb", "ccc"};
  window.slots = {10, 11, 20, 21, 30, 31};
  window.truncated = true;
  KeyWindow back;
  ASSERT_TRUE(KeyWindow::deserialize(window.serialize(2), 2, &back));
  EXPECT_EQ(back.times, window.times);
  EXPECT_EQ(back.tx_ids, window.tx_ids);
  EXPECT_EQ(back.slots, window.slots);
  EXPECT_TRUE(back.truncated);
  EXPECT_FALSE(KeyWindow::deserialize(window.serialize(2), 3, &back));
  EXPECT_FALSE(KeyWindow::deserialize(window.serialize(2).substr(0, 20), 2, &back));
}

TEST(WindowStore, CapsEventsPerKeyAndMarksTruncation) {
  auto rules = compile(kStructuring);
  MemoryStateStore store;
  WindowStore windows(store, WindowStoreConfig{100, 4});
  const auto& aggregate = rules->aggregates[0];
  const uint64_t slots[2] = {0, 0};
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(windows.add(aggregate, "K", 1000 + i, "t" + std::to_string(i), slots, 0));
  }
  auto count = windows.measure(aggregate, 0, "K", 2000);
  ASSERT_TRUE(count);
  EXPECT_EQ(count.value().value, 4);
  EXPECT_TRUE(count.value().window->truncated);
  EXPECT_EQ(count.value().window->tx_ids.front(), "t6");
}

TEST(AsyncStateStore, ReadsSeeEveryBatchHandedOver) {
  MemoryStateStore inner;
  AsyncStateStore store(inner);
  for (int i = 0; i < 50; ++i) {
    StateBatch batch;
    batch.put("k", std::to_string(i));
    ASSERT_TRUE(store.write(batch));
    auto value = store.get("k");
    ASSERT_TRUE(value && value.value());
    EXPECT_EQ(*value.value(), std::to_string(i));
  }
  EXPECT_EQ(inner.writes(), 50);
}

TEST(AsyncStateStore, AFailedBackgroundWriteSurfacesOnTheNextCall) {
  MemoryStateStore inner;
  inner.fail_writes_after(0);
  AsyncStateStore store(inner);
  StateBatch batch;
  batch.put("k", "v");
  EXPECT_TRUE(store.write(batch));  // handed over: the failure is not known yet
  auto drained = store.drain();
  ASSERT_FALSE(drained);
  EXPECT_EQ(drained.error().code, "state_io");
  EXPECT_TRUE(store.drain()) << "an error is reported once";
}

TEST(Engine, CheckpointThroughAsyncStoreRestartsLikeASyncOne) {
  auto rules = compile(kStructuring);
  MemoryStateStore inner;
  {
    AsyncStateStore store(inner);
    CollectingAlertSink alerts;
    CollectingDeadLetterSink dead_letters;
    Engine engine(rules, FxTable::defaults(), store, alerts, dead_letters, nullptr);
    const std::string first = deposit("t1", "2025-01-01T10:00:00Z", 950000);
    const std::string second = deposit("t2", "2025-01-02T10:00:00Z", 950000);
    ASSERT_TRUE(engine.process({first, InputFormat::kNdjson, "t", 0, 0}));
    ASSERT_TRUE(engine.process({second, InputFormat::kNdjson, "t", 0, 1}));
    ASSERT_TRUE(engine.checkpoint());
  }  // the destructor waits for the batch in flight
  CollectingAlertSink alerts;
  CollectingDeadLetterSink dead_letters;
  Engine restarted(rules, FxTable::defaults(), inner, alerts, dead_letters, nullptr);
  auto offset = restarted.committed_offset("t", 0);
  ASSERT_TRUE(offset && offset.value());
  EXPECT_EQ(*offset.value(), 2);
  const std::string third = deposit("t3", "2025-01-03T10:00:00Z", 950000);
  ASSERT_TRUE(restarted.process({third, InputFormat::kNdjson, "t", 0, 2}));
  EXPECT_EQ(alerts.alerts.size(), 1u);
}

TEST(Validator, AcceptsAWellFormedPayment) {
  nexus::v1::Transaction tx;
  tx.set_id("a");
  tx.mutable_event_time()->set_seconds(1'735'689'600);
  tx.set_amount_minor(100);
  tx.set_currency("KWD");
  tx.mutable_originator()->set_account("A");
  tx.mutable_beneficiary()->set_account("B");
  EXPECT_TRUE(validate(tx, FxTable::defaults()).ok);
}

TEST(Validator, RefusesATimeZoneTheDatabaseDoesNotKnowWithTheClosestName) {
  nexus::v1::Transaction tx;
  tx.set_id("a");
  tx.mutable_event_time()->set_seconds(1'735'689'600);
  tx.set_amount_minor(100);
  tx.set_currency("USD");
  tx.mutable_originator()->set_account("A");
  tx.mutable_beneficiary()->set_account("B");
  tx.set_time_zone("America/Bogota");
  EXPECT_TRUE(validate(tx, FxTable::defaults()).ok);
  tx.set_time_zone("America/Bogata");
  const ValidationStatus typo = validate(tx, FxTable::defaults());
  EXPECT_FALSE(typo.ok);
  EXPECT_EQ(typo.reason, "unknown_time_zone");
  EXPECT_NE(typo.detail.find("did you mean 'America/Bogota'?"), std::string::npos) << typo.detail;
  for (const char* hostile : {"localtime", "/etc/passwd", "../../etc/passwd", ":UTC"}) {
    tx.set_time_zone(hostile);
    EXPECT_EQ(validate(tx, FxTable::defaults()).reason, "unknown_time_zone") << hostile;
  }
  tx.set_time_zone(std::string(65, 'A'));
  EXPECT_EQ(validate(tx, FxTable::defaults()).reason, "oversize_field");
}

// A rule that fires on every event and shows the clock fields as evidence.
const char* kClockFields = R"(
- rule: CLOCK
  version: 1
  source: test
  condition: hour >= 0 and weekday >= 0 and hour_utc >= 0 and weekday_utc >= 0 and local_zone != ""
)";

std::string card_at(const std::string& id, const std::string& time, const std::string& country,
                    const std::string& zone = "") {
  return R"({"id":")" + id + R"(","event_time":")" + time +
         R"(","amount_minor":100,"currency":"USD","channel":"CHANNEL_CARD",)"
         R"("originator":{"account":"P","country":"US"},"beneficiary":{"account":"M","country":")" +
         country + R"("})" + (zone.empty() ? "" : R"(,"time_zone":")" + zone + R"(")") + "}";
}

std::map<std::string, std::string> evidence_of(const nexus::v1::Alert& alert) {
  std::map<std::string, std::string> out;
  for (const auto& evidence : alert.evidence()) out[evidence.name()] = evidence.observed();
  return out;
}

TEST(Engine, ClockFieldsReadTheLocalTimeOfThePlaceOfPayment) {
  Harness h(kClockFields);
  // 04:30 UTC on Tuesday 2025-03-04 is 23:30 on Monday in Bogota (the merchant's country).
  h.feed(card_at("bogota", "2025-03-04T04:30:00Z", "CO"));
  // The same instant for an explicit zone: 13:30 in Tokyo.
  h.feed(card_at("tokyo", "2025-03-04T04:30:00Z", "CO", "Asia/Tokyo"));
  // Unknown country on both sides: UTC.
  h.feed(R"({"id":"nowhere","event_time":"2025-03-04T04:30:00Z","amount_minor":100,)"
         R"("currency":"USD","channel":"CHANNEL_WIRE","originator":{"account":"P"},)"
         R"("beneficiary":{"account":"M"}})");
  ASSERT_EQ(h.alerts.alerts.size(), 3u);
  const auto bogota = evidence_of(h.alerts.alerts[0]);
  EXPECT_EQ(bogota.at("hour"), "23");
  EXPECT_EQ(bogota.at("weekday"), "0");
  EXPECT_EQ(bogota.at("hour_utc"), "4");
  EXPECT_EQ(bogota.at("weekday_utc"), "1");
  EXPECT_EQ(bogota.at("local_zone"), "America/Bogota");
  const auto tokyo = evidence_of(h.alerts.alerts[1]);
  EXPECT_EQ(tokyo.at("hour"), "13");
  EXPECT_EQ(tokyo.at("local_zone"), "Asia/Tokyo");
  const auto nowhere = evidence_of(h.alerts.alerts[2]);
  EXPECT_EQ(nowhere.at("hour"), "4");
  EXPECT_EQ(nowhere.at("local_zone"), "UTC");
}

}  // namespace
}  // namespace nexus::engine
