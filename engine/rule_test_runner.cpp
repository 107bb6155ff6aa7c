#include "engine/rule_test_runner.hpp"

#include "engine/collecting_sinks.hpp"
#include "engine/engine.hpp"
#include "engine/memory_state_store.hpp"

#include <algorithm>
#include <limits>

namespace nexus::engine {

namespace {

/// The inline tests' screener: a party whose name is one of the test's `sanctioned:`
/// names (ignoring case) is a hit with score 1 on the list "TEST".
class FixtureScreener final : public Screener {
 public:
  explicit FixtureScreener(const std::vector<std::string>& names) {
    for (const auto& name : names) names_.push_back(fold(name));
  }
  std::vector<ScreeningHit> screen(const nexus::v1::Party& party) override {
    const std::string name = fold(party.name());
    if (std::find(names_.begin(), names_.end(), name) == names_.end()) return {};
    return {ScreeningHit{"TEST", "TEST-" + name, party.name(), "test fixture", 1.0, "test fixture",
                         0, ""}};
  }

 private:
  static std::string fold(std::string text) {
    for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  }
  std::vector<std::string> names_;
};

}  // namespace

std::vector<RuleTestResult> run_rule_tests(const std::shared_ptr<const rules::RuleSet>& rules) {
  std::vector<RuleTestResult> results;
  for (const auto& rule : rules->rules) {
    for (const auto& test : rule.tests) {
      RuleTestResult result;
      result.rule_id = rule.id;
      result.test_name = test.name;
      result.where = test.pos.to_string();
      result.expect_alert = test.expect_alert;
      MemoryStateStore store;
      CollectingAlertSink alerts;
      CollectingDeadLetterSink dead_letters;
      FixtureScreener screener(test.sanctioned_names);
      // An inline test is a handful of hand-dated events, often weeks apart: no bound on
      // how far one may run ahead of the last.
      EngineConfig config;
      config.max_future_ms = std::numeric_limits<int64_t>::max() / 2;
      Engine engine(rules, FxTable::defaults(), store, alerts, dead_letters,
                    test.sanctioned_names.empty() ? nullptr : &screener, config);
      // A shadow rule's examples judge the alert it would raise live.
      engine.set_shadow_sink(&alerts);
      bool fired_on_last = false;
      for (size_t i = 0; i < test.events_json.size(); ++i) {
        const size_t before = alerts.alerts.size();
        InputRecord record{test.events_json[i], InputFormat::kNdjson, "rule-test", 0,
                           static_cast<int64_t>(i)};
        if (auto processed = engine.process(record); !processed) {
          result.detail = processed.error().message;
          break;
        }
        if (i + 1 == test.events_json.size()) {
          for (size_t a = before; a < alerts.alerts.size(); ++a) {
            if (alerts.alerts[a].rule_id() == rule.id) {
              fired_on_last = true;
              result.detail = "alert " + alerts.alerts[a].id();
            }
          }
        }
      }
      if (!dead_letters.letters.empty()) {
        result.passed = false;
        result.detail = "event " + std::to_string(dead_letters.letters[0].source_offset() + 1) +
                        " refused: " + dead_letters.letters[0].reason() + ": " +
                        dead_letters.letters[0].detail();
      } else {
        result.passed = fired_on_last == test.expect_alert;
        if (!result.passed && result.detail.empty()) {
          result.detail = test.expect_alert ? "no alert on the last event" : "unexpected alert";
        }
      }
      results.push_back(std::move(result));
    }
  }
  return results;
}

}  // namespace nexus::engine
