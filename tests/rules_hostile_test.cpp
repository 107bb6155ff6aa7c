// Rule files a careless or hostile author writes: refused at file:line with the limit,
// never a crash, never memory that grows with the square of the file (these inputs
// overflowed the stack or grew past 24 GB before the limits; the ASan build runs them).
#include "rules/compiler.hpp"
#include "rules/expression_parser.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace nexus::rules {
namespace {

std::string rule_with(const std::string& condition) {
  return "- rule: HOSTILE\n  version: 1\n  source: test\n  condition: '" + condition + "'\n";
}

std::string compile_error(const std::string& text) {
  auto result = compile_rules({{"hostile.yaml", text}});
  return result ? std::string() : result.error().message;
}

std::string repeat(const std::string& piece, int times) {
  std::string out;
  out.reserve(piece.size() * static_cast<size_t>(times));
  for (int i = 0; i < times; ++i) out += piece;
  return out;
}

TEST(HostileRules, TwentyThousandParenthesesAreRefusedWithTheNestingLimit) {
  const std::string condition = repeat("(", 20'000) + "amount_usd > 1" + repeat(")", 20'000);
  const std::string error = compile_error(rule_with(condition));
  EXPECT_NE(error.find("hostile.yaml:4:"), std::string::npos) << error.substr(0, 300);
  EXPECT_NE(error.find("nested more than 64 deep"), std::string::npos) << error.substr(0, 300);
}

TEST(HostileRules, NotsPastTheNestingLimitAreRefused) {
  // 100,000 (400 KB) is over the length limit; 10,000 fits it and meets the nesting limit.
  EXPECT_NE(compile_error(rule_with(repeat("not ", 100'000) + "amount_usd > 1"))
                .find("the limit is 65536"),
            std::string::npos);
  const std::string error = compile_error(rule_with(repeat("not ", 10'000) + "amount_usd > 1"));
  EXPECT_NE(error.find("hostile.yaml:4:"), std::string::npos) << error.substr(0, 300);
  EXPECT_NE(error.find("nested more than 64 deep"), std::string::npos) << error.substr(0, 300);
}

TEST(HostileRules, DeepUnaryMinusAndCallsAreRefusedToo) {
  EXPECT_NE(compile_error(rule_with("amount_usd > " + repeat("-", 5'000) + "1"))
                .find("nested more than 64 deep"),
            std::string::npos);
  EXPECT_NE(compile_error(
                rule_with(repeat("lower(", 5'000) + "channel" + repeat(")", 5'000) + " == \"x\""))
                .find("nested more than 64 deep"),
            std::string::npos);
}

TEST(HostileRules, AnOrChainOfThousandsOfTermsIsRefusedWithTheDepthLimit) {
  // 8,000 terms (170 KB) is over the length limit; 3,000 short ones fit it.
  std::string long_chain = "amount_usd > 0";
  for (int i = 1; i < 8'000; ++i) long_chain += " or amount_usd > " + std::to_string(i);
  EXPECT_NE(compile_error(rule_with(long_chain)).find("the limit is 65536"), std::string::npos);
  std::string condition = "amount_usd > 0";
  for (int i = 1; i < 3'000; ++i) condition += " or amount_usd > 1";
  ASSERT_LT(condition.size(), kMaxConditionBytes);
  const std::string error = compile_error(rule_with(condition));
  EXPECT_NE(error.find("more than 256 terms deep"), std::string::npos) << error.substr(0, 300);
}

TEST(HostileRules, AnOverlongConditionIsRefusedBeforeItIsParsed) {
  // 50,000 terms, about a megabyte: the quadratic copy of every prefix grew past 24 GB.
  std::string condition = "amount_usd > 0";
  for (int i = 1; i < 50'000; ++i) condition += " or amount_usd > " + std::to_string(i);
  const std::string error = compile_error(rule_with(condition));
  EXPECT_NE(error.find("the limit is 65536"), std::string::npos) << error.substr(0, 300);
}

TEST(HostileRules, ARuleFileOverTheSizeLimitIsRefusedAtItsFirstLine) {
  const std::string text = rule_with("amount_usd > 1") + "#" + std::string(kMaxRuleFileBytes, 'x');
  const std::string error = compile_error(text);
  EXPECT_EQ(error.rfind("hostile.yaml:1:1: rule file is", 0), 0u) << error.substr(0, 300);
}

TEST(HostileRules, ALatin1ByteIsRefusedAtItsLineAndColumn) {
  // "Société" written in Latin-1: é is the single byte 0xE9.
  const std::string text =
      "- rule: R\n  version: 1\n  source: Soci\xE9t\xE9\n  condition: "
      "amount_usd > 1\n";
  const std::string error = compile_error(text);
  EXPECT_EQ(error.rfind("hostile.yaml:3:15: byte 0xE9 is not UTF-8", 0), 0u) << error;
}

TEST(HostileRules, DeeplyNestedYamlIsRefusedNotACrash) {
  const std::string text = "- rule: R\n  version: 1\n  source: " + repeat("[", 100'000) + "\n";
  EXPECT_FALSE(compile_error(text).empty());
}

TEST(HostileRules, ConditionsJustInsideTheLimitsStillCompile) {
  std::string chain = "amount_usd > 0";
  for (int i = 1; i < 200; ++i) chain += " or amount_usd > " + std::to_string(i);
  EXPECT_EQ(compile_error(rule_with(chain)), "");
  const std::string nested = repeat("(", 50) + "amount_usd > 1" + repeat(")", 50);
  EXPECT_EQ(compile_error(rule_with(nested)), "");
  std::string list = "originator.name in [";
  for (int i = 0; i < 5'000; ++i) list += (i ? ",\"c" : "\"c") + std::to_string(i) + "\"";
  EXPECT_EQ(compile_error(rule_with(list + "]")), "");
}

TEST(CarelessRules, AnUnknownKeyDoesNotHideAMisspeltFieldInTheSameRule) {
  const std::string error = compile_error(
      "- rule: R\n  version: 1\n  source: s\n  conditon: x\n"
      "  condition: benficiary.country == \"SY\"\n");
  EXPECT_NE(error.find("hostile.yaml:4:3: unknown key 'conditon'"), std::string::npos) << error;
  EXPECT_NE(error.find("unknown field or list 'benficiary.country'"), std::string::npos) << error;
}

TEST(CarelessRules, EveryRefusedRegularExpressionOfAKeywordSetIsReported) {
  const std::string error = compile_error(
      "- keywords: k\n  source: s\n  regex:\n    - 'fine'\n    - '(unclosed'\n"
      "    - 'also fine'\n    - '[unclosed'\n");
  EXPECT_NE(error.find("hostile.yaml:5:7: keyword pattern refused by Hyperscan"), std::string::npos)
      << error;
  EXPECT_NE(error.find("hostile.yaml:7:7: keyword pattern refused by Hyperscan"), std::string::npos)
      << error;
}

TEST(CarelessRules, AFolderWithoutRulesIsRefusedNotOk) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("nexus-empty-rules-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "empty.yaml") << "# nothing yet\n";
  const auto result = compile_rule_dir(dir);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("no '- rule:' in them"), std::string::npos)
      << result.error().message;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace nexus::rules
