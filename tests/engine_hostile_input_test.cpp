// Records that once switched monitoring off or made two payments share an alert id:
// a far-future event time, a transaction id reused for another payment, an absurd
// amount, a damaged store. Each test reproduces what was seen on main.
#include "engine/collecting_sinks.hpp"
#include "engine/engine.hpp"
#include "engine/memory_state_store.hpp"
#include "engine/validator.hpp"
#include "rules/compiler.hpp"

#include <gtest/gtest.h>

#include <string>

namespace nexus::engine {
namespace {

// Three cash deposits near the reporting threshold within a week alert.
const char* kStructuring = R"(
- aggregate: deposits_7d
  key: beneficiary.account
  window: 7d
  where: channel == "cash_deposit" and amount_usd >= 8000 and amount_usd < 10000
  measures: [count]
- rule: STRUCT
  version: 1
  source: test
  severity: high
  subject: beneficiary.account
  condition: channel == "cash_deposit" and amount_usd >= 8000 and agg.deposits_7d.count >= 3
)";

std::string deposit(const std::string& id, const std::string& time, int64_t cents = 950000,
                    const std::string& account = "ACC-1") {
  return R"({"id":")" + id + R"(","event_time":")" + time + R"(","amount_minor":)" +
         std::to_string(cents) +
         R"(,"currency":"USD","channel":"CHANNEL_CASH_DEPOSIT","beneficiary":{"account":")" +
         account + R"("},"location_id":"BR-1"})";
}

std::shared_ptr<const rules::RuleSet> structuring() {
  auto compiled = rules::compile_rules({{"test.yaml", kStructuring}});
  EXPECT_TRUE(compiled) << (compiled ? "" : compiled.error().message);
  return compiled.value();
}

// One engine over a store that outlives it, so a test can restart on the same state.
struct EngineRun {
  explicit EngineRun(MemoryStateStore& store, EngineConfig config = {})
      : engine(structuring(), FxTable::defaults(), store, alerts, dead_letters, nullptr, config) {}
  void feed(const std::string& json, int64_t offset) {
    ASSERT_TRUE(engine.process({json, InputFormat::kNdjson, "t", 0, offset}));
  }
  std::vector<std::string> reasons() const {
    std::vector<std::string> out;
    for (const auto& letter : dead_letters.letters) out.push_back(letter.reason());
    return out;
  }
  CollectingAlertSink alerts;
  CollectingDeadLetterSink dead_letters;
  Engine engine;
};

TEST(HostileInput, OneFarFutureRecordIsDeadLetteredAndLaterPaymentsStillAlert) {
  MemoryStateStore store;
  EngineRun run(store);
  run.feed(deposit("t1", "2025-01-01T10:00:00Z"), 0);
  run.feed(deposit("t2", "2025-01-02T10:00:00Z"), 1);
  run.feed(deposit("x1", "2099-12-31T00:00:00Z"), 2);
  run.feed(deposit("t3", "2025-01-03T10:00:00Z"), 3);
  ASSERT_EQ(run.reasons(), std::vector<std::string>{"future_event"});
  EXPECT_NE(run.dead_letters.letters[0].detail().find("2099-12-31T00:00:00"), std::string::npos)
      << run.dead_letters.letters[0].detail();
  EXPECT_NE(run.dead_letters.letters[0].detail().find("max_future"), std::string::npos);
  ASSERT_EQ(run.alerts.alerts.size(), 1u);
  EXPECT_EQ(run.alerts.alerts[0].transaction_ids(0), "t3");
  EXPECT_EQ(run.engine.metrics().dead_letters_by_reason().at("future_event"), 1u);
}

TEST(HostileInput, AFutureRecordDoesNotPoisonTheWatermarkAcrossARestart) {
  MemoryStateStore store;
  {
    EngineRun run(store);
    run.feed(deposit("t1", "2025-01-01T10:00:00Z"), 0);
    run.feed(deposit("x1", "2099-12-31T00:00:00Z"), 1);
    ASSERT_TRUE(run.engine.checkpoint());
  }
  EngineRun restarted(store);
  ASSERT_TRUE(restarted.engine.committed_offset("t", 0));
  restarted.feed(deposit("t2", "2025-01-02T10:00:00Z"), 2);
  restarted.feed(deposit("t3", "2025-01-03T10:00:00Z"), 3);
  EXPECT_TRUE(restarted.dead_letters.letters.empty());
  EXPECT_EQ(restarted.alerts.alerts.size(), 1u);
}

TEST(HostileInput, AFarFutureFirstRecordIsOutrunByTheNextAndMonitoringGoesOn) {
  MemoryStateStore store;
  EngineRun run(store);
  run.feed(deposit("x1", "2099-12-31T00:00:00Z", 950000, "ACC-9"), 0);
  run.feed(deposit("t1", "2025-01-01T10:00:00Z"), 1);
  run.feed(deposit("t2", "2025-01-02T10:00:00Z"), 2);
  run.feed(deposit("t3", "2025-01-03T10:00:00Z"), 3);
  EXPECT_TRUE(run.dead_letters.letters.empty());
  EXPECT_EQ(run.alerts.alerts.size(), 1u);
  EXPECT_EQ(run.engine.metrics().watermark_resets.load(), 1u);
  // From here on the watermark stands on three records: a far-future one is refused.
  run.feed(deposit("x2", "2099-12-31T00:00:00Z"), 4);
  EXPECT_EQ(run.reasons(), std::vector<std::string>{"future_event"});
}

TEST(HostileInput, AnOrdinaryRecordFarBehindAnEstablishedWatermarkIsStillLate) {
  MemoryStateStore store;
  EngineRun run(store);
  run.feed(deposit("t1", "2025-06-01T10:00:00Z"), 0);
  run.feed(deposit("t2", "2025-06-01T11:00:00Z"), 1);
  run.feed(deposit("t3", "2025-01-01T10:00:00Z"), 2);
  EXPECT_EQ(run.reasons(), std::vector<std::string>{"late_event"});
}

TEST(HostileInput, WallClockBoundRefusesEventsAheadOfIt) {
  MemoryStateStore store;
  EngineRun run(store);
  // 2025-01-02T00:00:00Z: as if the wall clock plus its margin stood there.
  run.engine.set_latest_plausible_time(1'735'776'000'000);
  run.feed(deposit("t1", "2025-01-01T10:00:00Z"), 0);
  run.feed(deposit("t2", "2025-01-02T10:00:00Z"), 1);
  EXPECT_EQ(run.reasons(), std::vector<std::string>{"future_event"});
}

TEST(HostileInput, ASecondPaymentWithAKnownIdIsAConflictNotASecondAlertWithTheSameId) {
  MemoryStateStore store;
  EngineRun run(store);
  run.feed(deposit("t1", "2025-01-01T10:00:00Z"), 0);
  run.feed(deposit("t2", "2025-01-02T10:00:00Z"), 1);
  run.feed(deposit("t3", "2025-01-03T10:00:00Z"), 2);
  ASSERT_EQ(run.alerts.alerts.size(), 1u);
  // Same id as the alerting payment, another amount: not processed, dead-lettered.
  run.feed(deposit("t3", "2025-01-03T11:00:00Z", 990000), 3);
  ASSERT_EQ(run.reasons(), std::vector<std::string>{"conflicting_duplicate"});
  EXPECT_NE(run.dead_letters.letters[0].detail().find("2025-01-03T10:00:00"), std::string::npos)
      << run.dead_letters.letters[0].detail();
  EXPECT_EQ(run.alerts.alerts.size(), 1u);
  // The exact same record again is a redelivery: counted, no alert, no dead letter.
  run.feed(deposit("t3", "2025-01-03T10:00:00Z"), 4);
  EXPECT_EQ(run.dead_letters.letters.size(), 1u);
  EXPECT_EQ(run.alerts.alerts.size(), 1u);
  EXPECT_EQ(run.engine.metrics().duplicates.load(), 1u);
}

TEST(HostileInput, KnownIdsAreRememberedAcrossACheckpointAndRestart) {
  MemoryStateStore store;
  {
    EngineRun run(store);
    run.feed(deposit("t1", "2025-01-01T10:00:00Z"), 0);
    ASSERT_TRUE(run.engine.checkpoint());
  }
  EngineRun restarted(store);
  ASSERT_TRUE(restarted.engine.committed_offset("t", 0));
  restarted.feed(deposit("t1", "2025-01-01T12:00:00Z", 990000), 1);
  restarted.feed(deposit("t1", "2025-01-01T10:00:00Z"), 2);
  EXPECT_EQ(restarted.reasons(), std::vector<std::string>{"conflicting_duplicate"});
  EXPECT_EQ(restarted.engine.metrics().duplicates.load(), 1u);
}

TEST(HostileInput, IdsAreForgottenPastTheHorizon) {
  MemoryStateStore store;
  EngineConfig config;
  config.duplicate_horizon_ms = 3'600'000;
  config.allowed_lateness_ms = 30LL * 86'400'000;
  config.max_future_ms = 30LL * 86'400'000;
  EngineRun run(store, config);
  run.feed(deposit("t1", "2025-01-01T10:00:00Z"), 0);
  run.feed(deposit("t2", "2025-01-03T10:00:00Z", 100), 1);
  // t1's fingerprint is gone; the windows' own check still counts an exact redelivery.
  run.feed(deposit("t1", "2025-01-01T10:00:00Z"), 2);
  EXPECT_TRUE(run.dead_letters.letters.empty());
  EXPECT_EQ(run.engine.metrics().duplicates.load(), 1u);
}

TEST(HostileInput, AnAbsurdAmountIsRefusedWithItsRange) {
  MemoryStateStore store;
  EngineRun run(store);
  run.feed(deposit("t1", "2025-01-01T10:00:00Z", 9'223'372'036'854'775'807LL), 0);
  ASSERT_EQ(run.reasons(), std::vector<std::string>{"amount_out_of_range"});
  EXPECT_NE(run.dead_letters.letters[0].detail().find(std::to_string(kMaxAmountMinor)),
            std::string::npos);
  // The largest accepted amount converts to a double exactly.
  EXPECT_EQ(static_cast<int64_t>(static_cast<double>(kMaxAmountMinor)), kMaxAmountMinor);
}

TEST(HostileInput, ADamagedStoredWatermarkIsAnErrorNotACrash) {
  MemoryStateStore store;
  {
    EngineRun run(store);
    run.feed(deposit("t1", "2025-01-01T10:00:00Z"), 0);
    ASSERT_TRUE(run.engine.checkpoint());
  }
  StateBatch damage;
  damage.put("m/t/0", "not-a-number");
  ASSERT_TRUE(store.write(damage));
  EngineRun restarted(store);
  auto offset = restarted.engine.committed_offset("t", 0);
  ASSERT_FALSE(offset);
  EXPECT_NE(offset.error().message.find("watermark"), std::string::npos);
}

TEST(HostileInput, ADamagedSeenTransactionBucketIsAnErrorNotACrash) {
  MemoryStateStore store;
  StateBatch damage;
  damage.put("d/482222", "short");
  ASSERT_TRUE(store.write(damage));
  EngineRun run(store);
  auto processed =
      run.engine.process({deposit("t1", "2025-01-01T10:00:00Z"), InputFormat::kNdjson, "t", 0, 0});
  ASSERT_FALSE(processed);
  EXPECT_NE(processed.error().message.find("corrupted"), std::string::npos);
}

}  // namespace
}  // namespace nexus::engine
