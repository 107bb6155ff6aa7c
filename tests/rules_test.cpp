// The rule language: compile errors users see, and what compiles.
#include "rules/compiler.hpp"
#include "rules/duration.hpp"
#include "rules/expression_parser.hpp"
#include "rules/keyword_matcher.hpp"
#include "rules/rule_diff.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

namespace nexus::rules {
namespace {

const char* kAggregate = R"(
- aggregate: inbound_24h
  key: beneficiary.account
  window: 24h
  measures: [count, sum(amount_usd), distinct(originator.account)]
)";

std::string compile_error(const std::string& text) {
  auto result = compile_rules({{"pack.yaml", text}});
  return result ? std::string() : result.error().message;
}

TEST(RuleCompiler, ShippedPackCompiles) {
  auto result = compile_rule_dir(std::string(NEXUS_SOURCE_DIR) + "/rules/packs");
  ASSERT_TRUE(result) << result.error().message;
  const RuleSet& set = *result.value();
  EXPECT_GE(set.rules.size(), 25u);
  EXPECT_EQ(set.content_hash.size(), 16u);
  std::set<std::string> packs;
  for (const auto& rule : set.rules) {
    EXPECT_FALSE(rule.source.empty()) << rule.id << " must cite its indicator";
    packs.insert(std::filesystem::path(rule.pos.file).filename().string());
    // Every rule carries an example that must alert and one that must not.
    bool alert = false, no_alert = false;
    for (const auto& test : rule.tests) (test.expect_alert ? alert : no_alert) = true;
    EXPECT_TRUE(alert && no_alert) << rule.id;
  }
  EXPECT_EQ(packs,
            (std::set<std::string>{"core.yaml", "trafficking.yaml", "terrorist_financing.yaml",
                                   "nexus.yaml", "network.yaml"}));
  // The network pack reads all three parts of the money-flow network.
  EXPECT_EQ(set.network_use, 7);
}

TEST(RuleCompiler, UnknownFieldNamesFileLineColumnAndSuggests) {
  const std::string error = compile_error(std::string(kAggregate) + R"(
- rule: R1
  version: 1
  source: test
  condition: amount_usd > 10 and benficiary.country == "SY"
)");
  // Line 10 of the text (the leading newline is line 1); the field starts at column 34.
  EXPECT_EQ(error,
            "pack.yaml:10:34: unknown field or list 'benficiary.country' "
            "(did you mean 'beneficiary.country'?)");
}

TEST(RuleCompiler, ErrorInFoldedConditionPointsAtItsLine) {
  const std::string error = compile_error(std::string(kAggregate) + R"(
- rule: R1
  version: 1
  source: test
  condition: >
    amount_usd > 10
    and agg.inbound_24h.sum_amount > 5
)");
  EXPECT_EQ(error,
            "pack.yaml:12:9: aggregate 'inbound_24h' has no measure 'sum_amount' (it has: count, "
            "sum_amount_usd, distinct_originator_account)");
}

TEST(RuleCompiler, TypeMismatchIsRefused) {
  const std::string error = compile_error(R"(
- rule: R1
  version: 1
  source: test
  condition: amount_usd == "SY"
)");
  EXPECT_NE(error.find("pack.yaml:5:14: cannot compare number 'amount_usd' with string"),
            std::string::npos)
      << error;
}

TEST(RuleCompiler, EnumValueTypoSuggestsTheValue) {
  const std::string error = compile_error(R"(
- rule: R1
  version: 1
  source: test
  condition: channel == "cash_depost"
)");
  EXPECT_NE(error.find("'cash_depost' is not a value of channel (did you mean 'cash_deposit'?)"),
            std::string::npos)
      << error;
}

TEST(RuleCompiler, UnknownKeySuggestsTheKey) {
  const std::string error = compile_error(R"(
- rule: R1
  version: 1
  source: test
  conditon: amount_usd > 1
)");
  EXPECT_NE(error.find("pack.yaml:5:3: unknown key 'conditon' (did you mean 'condition'?)"),
            std::string::npos)
      << error;
}

TEST(RuleCompiler, ReportsEveryErrorNotJustTheFirst) {
  const std::string error = compile_error(R"(
- rule: R1
  version: 0
  source: test
  condition: amount_usd > 1
- rule: R2
  version: 1
  source: test
  condition: amount_usd >
)");
  EXPECT_NE(error.find("pack.yaml:3:12: version must be a whole number >= 1"), std::string::npos)
      << error;
  EXPECT_NE(error.find("pack.yaml:9:"), std::string::npos) << error;
}

TEST(RuleCompiler, YamlSyntaxErrorHasPosition) {
  const std::string error = compile_error("- rule: R1\n  version: [1\n");
  EXPECT_EQ(error.rfind("pack.yaml:", 0), 0u) << error;
  EXPECT_NE(error.find("YAML syntax"), std::string::npos) << error;
}

TEST(RuleCompiler, DuplicateIdsAreRefused) {
  const std::string error = compile_error(R"(
- rule: R1
  version: 1
  source: test
  condition: amount_usd > 1
- rule: R1
  version: 2
  source: test
  condition: amount_usd > 2
)");
  EXPECT_NE(error.find("rule 'R1' is defined twice"), std::string::npos) << error;
}

TEST(RuleCompiler, ListsResolveAndLiteralListsWork) {
  auto result = compile_rules({{"pack.yaml", R"(
- list: zones
  items: [SY, IQ]
- rule: R1
  version: 3
  source: test
  severity: critical
  condition: beneficiary.country in zones and channel in ["msb", "hawala"]
)"}});
  ASSERT_TRUE(result) << result.error().message;
  const auto& rule = result.value()->rules[0];
  EXPECT_EQ(rule.version, 3u);
  EXPECT_EQ(rule.severity, Severity::kCritical);
  EXPECT_EQ(rule.score, 90);
}

TEST(RuleCompiler, ContentHashFollowsTheBytes) {
  const std::string text = R"(
- rule: R1
  version: 1
  source: test
  condition: amount_usd > 1
)";
  auto a = compile_rules({{"pack.yaml", text}});
  auto b = compile_rules({{"pack.yaml", text + "# comment\n"}});
  auto c = compile_rules({{"pack.yaml", text}});
  ASSERT_TRUE(a && b && c);
  EXPECT_NE(a.value()->content_hash, b.value()->content_hash);
  EXPECT_EQ(a.value()->content_hash, c.value()->content_hash);
}

TEST(RuleDiff, NamesEachChangedPartWithBothValuesAndNothingWhenTheDefinitionIsTheSame) {
  auto pack = [](const std::string& window, const std::string& severity,
                 const std::string& threshold) {
    return "\n- aggregate: inbound\n  key: beneficiary.account\n  window: " + window +
           "\n  measures: [count]\n- rule: R1\n  version: 1\n  source: test\n  severity: " +
           severity + "\n  condition: agg.inbound.count >= " + threshold + "\n";
  };
  auto base = compile_rules({{"pack.yaml", pack("24h", "high", "5")}});
  auto same = compile_rules({{"other.yaml", pack("24h", "high", "5")}});
  auto tuned = compile_rules({{"pack.yaml", pack("48h", "critical", "7")}});
  ASSERT_TRUE(base && same && tuned) << (base ? "" : base.error().message);
  const Rule& before = base.value()->rules.at(0);
  EXPECT_TRUE(
      rule_differences(*base.value(), before, *same.value(), same.value()->rules.at(0)).empty());
  const auto differences =
      rule_differences(*base.value(), before, *tuned.value(), tuned.value()->rules.at(0));
  std::map<std::string, std::pair<std::string, std::string>> by_part;
  for (const auto& difference : differences) {
    by_part[difference.what] = {difference.before, difference.after};
  }
  // A severity without an explicit score brings its default score along.
  ASSERT_EQ(by_part.size(), 4u) << differences.size();
  EXPECT_NE(by_part["score"].first, by_part["score"].second);
  EXPECT_EQ(by_part["condition"], std::make_pair(std::string("agg.inbound.count >= 5"),
                                                 std::string("agg.inbound.count >= 7")));
  EXPECT_EQ(by_part["severity"], std::make_pair(std::string("high"), std::string("critical")));
  EXPECT_EQ(by_part["aggregate agg.inbound"],
            std::make_pair(std::string("by beneficiary.account over 24h measures count"),
                           std::string("by beneficiary.account over 48h measures count")));
}

TEST(RuleCompiler, ContentHashIgnoresTheDirectory) {
  const std::string text = "- rule: R1\n  version: 1\n  source: s\n  condition: amount_usd > 1\n";
  auto here = compile_rules({{"packs/core.yaml", text}});
  auto there = compile_rules({{"/elsewhere/copy/core.yaml", text}});
  auto renamed = compile_rules({{"packs/other.yaml", text}});
  ASSERT_TRUE(here && there && renamed);
  EXPECT_EQ(here.value()->content_hash, there.value()->content_hash);
  EXPECT_NE(here.value()->content_hash, renamed.value()->content_hash);
}

TEST(RuleCompiler, EnabledMustBeTrueOrFalse) {
  const std::string error = compile_error(R"(
- rule: R1
  version: 1
  source: test
  enabled: fals
  condition: amount_usd > 1
)");
  EXPECT_NE(error.find("pack.yaml:5:12: enabled must be true or false, got 'fals'"),
            std::string::npos)
      << error;
}

TEST(RuleCompiler, ModeIsLiveByDefaultShadowWhenSaidAndAnythingElseIsRefusedAtItsLine) {
  auto compiled = compile_rules({{"pack.yaml", R"(
- rule: LIVE-BY-DEFAULT
  version: 1
  source: test
  condition: amount_usd > 1
- rule: SAID-LIVE
  version: 1
  source: test
  mode: live
  condition: amount_usd > 1
- rule: ON-TRIAL
  version: 1
  source: test
  mode: shadow
  condition: amount_usd > 1
)"}});
  ASSERT_TRUE(compiled) << compiled.error().message;
  const auto& set = *compiled.value();
  ASSERT_EQ(set.rules.size(), 3u);
  EXPECT_EQ(set.rules[0].mode, RuleMode::kLive);
  EXPECT_EQ(set.rules[1].mode, RuleMode::kLive);
  EXPECT_EQ(set.rules[2].mode, RuleMode::kShadow);
  EXPECT_TRUE(set.has_shadow_rules());
  // Saying `mode: live` changes nothing a live rule had: same fingerprint as no mode at all.
  EXPECT_EQ(set.rules[0].fingerprint, set.rules[1].fingerprint);
  // The same definition in shadow is another definition (a mode change needs a version bump).
  EXPECT_NE(set.rules[0].fingerprint, set.rules[2].fingerprint);

  const std::string error = compile_error(R"(
- rule: R1
  version: 1
  source: test
  mode: shdow
  condition: amount_usd > 1
)");
  EXPECT_NE(error.find("pack.yaml:5:9: mode must be live or shadow, got 'shdow'"),
            std::string::npos)
      << error;
  EXPECT_NE(compile_error("- rule: R1\n  version: 1\n  source: t\n  mode: [shadow]\n"
                          "  condition: amount_usd > 1\n")
                .find("pack.yaml:4:9: 'mode' must be a single value"),
            std::string::npos);
}

TEST(RuleDiff, NamesAModeChangeAsPromotedOrDemotedAndRefusesItUnderTheSameVersion) {
  auto pack = [](const std::string& mode, int version) {
    return "- rule: R1\n  version: " + std::to_string(version) +
           "\n  source: test\n  mode: " + mode + "\n  condition: amount_usd > 1\n";
  };
  auto shadow = compile_rules({{"pack.yaml", pack("shadow", 3)}});
  auto promoted = compile_rules({{"pack.yaml", pack("live", 4)}});
  auto unbumped = compile_rules({{"pack.yaml", pack("live", 3)}});
  ASSERT_TRUE(shadow && promoted && unbumped);
  const Rule& before = shadow.value()->rules.at(0);
  const Rule& after = promoted.value()->rules.at(0);
  const auto differences = rule_differences(*shadow.value(), before, *promoted.value(), after);
  ASSERT_EQ(differences.size(), 1u);
  EXPECT_EQ(differences[0].what, "mode");
  EXPECT_EQ(differences[0].before, "shadow");
  EXPECT_EQ(differences[0].after, "live");
  EXPECT_EQ(mode_change(before, after), "promoted");
  EXPECT_EQ(mode_change(after, before), "demoted");
  EXPECT_EQ(mode_change(after, unbumped.value()->rules.at(0)), "");
  // With a bump, nothing to refuse; without one, the rule is named with both modes.
  EXPECT_TRUE(mode_changes_without_version_bump(*shadow.value(), *promoted.value()).empty());
  const auto refused = mode_changes_without_version_bump(*shadow.value(), *unbumped.value());
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].rfind("R1: mode shadow -> live under the same version 3: promoted", 0), 0u)
      << refused[0];
  EXPECT_TRUE(mode_changes_without_version_bump(*promoted.value(), *unbumped.value()).empty());
}

TEST(ExpressionParser, PrecedenceAndIsAbove0r) {
  auto parsed = parse_expression("a or b and c");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed.expr->op, Op::kOr);
  EXPECT_EQ(parsed.expr->args[1]->op, Op::kAnd);
}

TEST(ExpressionParser, SyntaxErrorsCarryOffsets) {
  auto parsed = parse_expression("amount_usd = 5");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error.offset, 11u);
  EXPECT_NE(parsed.error.message.find("use '=='"), std::string::npos);
  EXPECT_FALSE(parse_expression("(a and b").ok());
  EXPECT_FALSE(parse_expression("a < b < c").ok());
  EXPECT_FALSE(parse_expression("name == 'open").ok());
}

TEST(Duration, ParsesUnitsAndRejectsNonsense) {
  EXPECT_EQ(parse_duration_ms("500ms"), 500);
  EXPECT_EQ(parse_duration_ms("24h"), 86'400'000);
  EXPECT_EQ(parse_duration_ms("7d"), 604'800'000);
  EXPECT_EQ(parse_duration_ms("2w"), 1'209'600'000);
  EXPECT_FALSE(parse_duration_ms("24"));
  EXPECT_FALSE(parse_duration_ms("0h"));
  EXPECT_FALSE(parse_duration_ms("h"));
  EXPECT_FALSE(parse_duration_ms("5y"));
  EXPECT_EQ(format_duration(86'400'000), "24h");
  EXPECT_EQ(format_duration(604'800'000), "7d");
  EXPECT_EQ(format_duration(90'000), "90s");
}

const char* kKeywords = R"(
- keywords: groups
  source: test
  patterns:
    en: [daesh, "islamic state"]
    ar: ["داعش"]
)";

TEST(RuleCompiler, MatchesNeedsAKeywordSetAndSaysWhichExist) {
  const std::string error = compile_error(std::string(kKeywords) + R"(
- rule: R1
  version: 1
  source: test
  condition: remittance_info matches grups
)");
  EXPECT_EQ(error, "pack.yaml:11:38: unknown field or list 'grups' (did you mean 'groups'?)");
  const std::string not_a_set = compile_error(std::string(kKeywords) + R"(
- rule: R1
  version: 1
  source: test
  condition: remittance_info matches "daesh"
)");
  EXPECT_NE(not_a_set.find("needs a keyword set on its right"), std::string::npos) << not_a_set;
  EXPECT_NE(not_a_set.find("defined: groups"), std::string::npos) << not_a_set;
}

TEST(RuleCompiler, AKeywordSetWithInPointsToMatches) {
  const std::string error = compile_error(std::string(kKeywords) + R"(
- rule: R1
  version: 1
  source: test
  condition: remittance_info in groups
)");
  EXPECT_NE(error.find("use 'matches groups'"), std::string::npos) << error;
}

TEST(RuleCompiler, ABadRegexIsRefusedAtItsOwnLine) {
  const std::string error = compile_error(R"(
- keywords: broken
  source: test
  patterns: [fine]
  regex: ["ok", "(unclosed"]
- rule: R1
  version: 1
  source: test
  condition: remittance_info matches broken
)");
  // The second regex, on line 5, column 17; and only that error (no cascade).
  EXPECT_EQ(error.rfind("pack.yaml:5:17: keyword pattern refused by Hyperscan:", 0), 0u) << error;
  EXPECT_EQ(error.find('\n'), std::string::npos) << error;
}

TEST(RuleCompiler, KeywordPhrasesBecomeWholeWordExpressions) {
  EXPECT_EQ(keyword_expression({"islamic state", "en", false}), "islamic\\s+state");
  EXPECT_EQ(keyword_edges({"islamic state", "en", false}), kEdgeBefore | kEdgeAfter);
  // Arabic: no word edges, prefixes attach to the word.
  EXPECT_EQ(keyword_expression({"داعش", "ar", false}), "داعش");
  EXPECT_EQ(keyword_edges({"داعش", "ar", false}), 0);
  EXPECT_EQ(keyword_expression({"a.b!", "", false}), "a\\.b\\!");
  EXPECT_EQ(keyword_edges({"a.b!", "", false}), kEdgeBefore);
  EXPECT_EQ(keyword_expression({"x+y?", "", true}), "x+y?");
  EXPECT_EQ(keyword_edges({"x+y?", "", true}), 0);
}

TEST(RuleCompiler, FlagsMustBeDeclared) {
  const std::string error = compile_error(R"(
- flag: trafficking
  window: 30d
- rule: R1
  version: 1
  source: test
  flags: [trafficing]
  condition: flag.trafficking[originator.account] and flag.terror[beneficiary.account]
)");
  EXPECT_NE(error.find("pack.yaml:7:11: unknown flag 'trafficing' (did you mean 'trafficking'?)"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("unknown flag 'terror' (declare it with '- flag: terror')"),
            std::string::npos)
      << error;
}

TEST(RuleCompiler, CountOfTakesConditions) {
  const std::string error = compile_error(R"(
- rule: R1
  version: 1
  source: test
  condition: count_of(amount_usd > 5, amount_usd) >= 1
)");
  EXPECT_NE(error.find("count_of() needs a bool, but 'amount_usd' is a number"), std::string::npos)
      << error;
  EXPECT_EQ(compile_error(R"(
- rule: R1
  version: 1
  source: test
  condition: count_of(amount_usd > 5, substr(location_id, 4, 2) == "TR") >= 1
)"),
            "");
}

TEST(RuleCompiler, ExposureCategoriesAreSanctionsOrDeclaredFlags) {
  const std::string error = compile_error(R"(
- flag: trafficking
  window: 30d
- rule: R1
  version: 1
  source: test
  condition: exposure.trafficking > 0.5 and exposure.terror > 0.1
)");
  EXPECT_NE(error.find("unknown exposure category 'terror' (categories: sanctions, trafficking)"),
            std::string::npos)
      << error;
  auto ok = compile_rules({{"pack.yaml", R"(
- rule: R1
  version: 1
  source: test
  condition: exposure.sanctions > 0.5 or pattern.cycle
)"}});
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok.value()->network_use, 4 | 2);
  auto none = compile_rules({{"pack.yaml", R"(
- rule: R1
  version: 1
  source: test
  condition: amount_usd > 5
)"}});
  ASSERT_TRUE(none);
  EXPECT_EQ(none.value()->network_use, 0);
}

TEST(RuleCompiler, NetworkSettingsAreCheckedByNameAndKind) {
  const std::string error = compile_error(R"(
- network: settings
  fan_in_min_sender: 3
  cycle_window: soon
  pass_through_min_ratio: 7
  require_time_order: maybe
)");
  EXPECT_NE(error.find("pack.yaml:3:3: unknown network setting 'fan_in_min_sender' (did you mean "
                       "'fan_in_min_senders'?)"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("pack.yaml:4:17: cycle_window must be a duration such as 72h, got 'soon'"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("pass_through_min_ratio must be a number in (0, 2], got '7'"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("require_time_order must be true or false"), std::string::npos) << error;
  auto ok = compile_rules({{"pack.yaml", R"(
- network: settings
  fan_in_min_senders: 3
  cycle_window: 30d
- rule: R1
  version: 1
  source: test
  condition: pattern.fan_in
)"}});
  ASSERT_TRUE(ok) << ok.error().message;
  ASSERT_EQ(ok.value()->network_settings.size(), 2u);
  EXPECT_EQ(ok.value()->network_settings[1].name, "cycle_window");
  EXPECT_EQ(ok.value()->network_settings[1].value, 30.0 * 86'400'000);
}

}  // namespace
}  // namespace nexus::rules
