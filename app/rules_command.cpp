// nexus rules check: parse, type-check and compile a rule directory.
#include "app/commands.hpp"
#include "app/common.hpp"
#include "engine/fx_table.hpp"
#include "engine/rule_test_runner.hpp"
#include "engine/transaction_decoder.hpp"
#include "engine/validator.hpp"
#include "rules/compiler.hpp"

#include <cstdio>

namespace nexus::app {

void add_rules_command(CLI::App& app) {
  auto* rules_command = app.add_subcommand("rules", "Work with rule packs");
  rules_command->require_subcommand(1);
  auto dir = std::make_shared<std::string>();
  auto* check = rules_command->add_subcommand(
      "check", "Parse, type-check and compile a rule directory; exit 0 when clean");
  check->add_option("dir", *dir, "Rule directory (default: shipped packs)");
  check->callback([dir] {
    const std::filesystem::path path =
        dir->empty() ? default_rules_dir() : std::filesystem::path(*dir);
    auto compiled = rules::compile_rule_dir(path);
    if (!compiled) {
      std::printf("%s\nFAILED: %s\n", compiled.error().message.c_str(), path.c_str());
      std::exit(1);
    }
    const auto& set = *compiled.value();
    // The inline tests' events must be transactions the engine accepts: a typo in a field
    // name would otherwise only show as a failing test.
    engine::TransactionDecoder decoder;
    const auto fx = engine::FxTable::defaults();
    nexus::v1::Transaction tx;
    int bad_events = 0;
    for (const auto& rule : set.rules) {
      for (const auto& test : rule.tests) {
        for (size_t i = 0; i < test.events_json.size(); ++i) {
          auto status = decoder.decode(test.events_json[i], engine::InputFormat::kNdjson, &tx);
          std::string reason = status.reason, detail = status.detail;
          if (status.ok) {
            const auto valid = engine::validate(tx, fx, engine::FieldLimits{});
            reason = valid.reason;
            detail = valid.detail;
            if (valid.ok) continue;
          }
          ++bad_events;
          std::printf("%s: test '%s' of %s, event %zu: %s: %s\n", test.pos.to_string().c_str(),
                      test.name.c_str(), rule.id.c_str(), i + 1, reason.c_str(), detail.c_str());
        }
      }
    }
    if (bad_events > 0) {
      std::printf("FAILED: %s (%d inline test event(s) the engine would refuse)\n", path.c_str(),
                  bad_events);
      std::exit(1);
    }
    std::printf("OK %s: %zu files, %zu lists, %zu aggregates, %zu rules, content hash %s\n",
                path.c_str(), set.files.size(), set.lists.size(), set.aggregates.size(),
                set.rules.size(), set.content_hash.c_str());
    for (const auto& rule : set.rules) {
      std::printf("  %-34s v%-3u %s%s\n", rule.id.c_str(), rule.version, rule.title.c_str(),
                  rule.mode == rules::RuleMode::kShadow ? "  [shadow]" : "");
    }
    std::exit(0);
  });
  auto test_dir = std::make_shared<std::string>();
  auto* test = rules_command->add_subcommand(
      "test", "Run every rule's inline tests (tests: under each rule); exit 0 when all pass");
  test->add_option("dir", *test_dir, "Rule directory (default: shipped packs)");
  test->callback([test_dir] {
    const std::filesystem::path path =
        test_dir->empty() ? default_rules_dir() : std::filesystem::path(*test_dir);
    auto compiled = rules::compile_rule_dir(path);
    if (!compiled) {
      std::printf("%s\nFAILED: %s does not compile\n", compiled.error().message.c_str(),
                  path.c_str());
      std::exit(1);
    }
    const auto results = engine::run_rule_tests(compiled.value());
    int failed = 0;
    std::printf("%-6s %-34s %-9s %s\n", "result", "rule", "expect", "test");
    for (const auto& result : results) {
      std::printf("%-6s %-34s %-9s %s\n", result.passed ? "PASS" : "FAIL", result.rule_id.c_str(),
                  result.expect_alert ? "alert" : "no_alert", result.test_name.c_str());
      if (!result.passed) {
        ++failed;
        std::printf("       %s: %s\n", result.where.c_str(), result.detail.c_str());
      }
    }
    std::printf("%zu passed, %d failed\n", results.size() - static_cast<size_t>(failed), failed);
    std::exit(failed ? 1 : 0);
  });
}

}  // namespace nexus::app
