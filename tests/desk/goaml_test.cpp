// goAML reports: the schema check (libxml2 against goAMLSchema 5.0.1) and the report built
// from a case, its alerts and its transactions, for each typology family the rule packs
// produce.
#include "desk/goaml_report.hpp"
#include "desk/goaml_schema.hpp"
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace nexus::desk {
namespace {

const std::string kGoamlDir = std::string(NEXUS_SHARED_DATA_DIR) + "/goaml";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Loaded once for the whole test program: what the desk does too.
const GoamlSchema& schema() {
  static const GoamlSchema loaded = [] {
    auto schema = GoamlSchema::load(kGoamlDir + "/goAMLSchema_5.0.1.xsd");
    if (!schema) {
      ADD_FAILURE() << schema.error().message;
      std::abort();
    }
    return std::move(schema).value();
  }();
  return loaded;
}

// shared/data/README.md counts "4 facet errors" in this file; libxml2 reports every
// occurrence (the file repeats its placeholder blocks): 154 messages, among them the dates
// before 1753 and the 6-character phone prefix on every person, and the empty required
// fields and the -7.9e15 amounts (29 digits: more than libxml2's decimals hold).
TEST(GoamlSchema, RefusesTheGeneratedExampleNamingItsDatesAndPhonePrefix) {
  const auto found = schema().violations(read_file(kGoamlDir + "/report_generated_example.xml"));
  ASSERT_EQ(found.size(), 154u) << describe(found);
  int early_dates = 0;
  int phone_prefix = 0;
  for (const auto& violation : found) {
    EXPECT_GT(violation.line, 0) << violation.message;
    if (violation.message.find("[facet 'minInclusive'] The value '1697-02-01T00:00:00Z' is less "
                               "than the minimum value allowed ('1753-01-01T00:00:00')") !=
        std::string::npos) {
      ++early_dates;
    }
    if (violation.message ==
        "Element 'tph_country_prefix': [facet 'maxLength'] The value has a length of '6'; this "
        "exceeds the allowed maximum length of '4'.") {
      ++phone_prefix;
    }
  }
  EXPECT_EQ(early_dates, 1 + 20 + 23 + 11 + 12);  // report_date, date_transaction, birthdate,
                                                  // opened, incorporation_date
  EXPECT_EQ(phone_prefix, 35);
  // The first of each, where an officer looks first.
  EXPECT_EQ(found[0].line, 8);
  EXPECT_NE(found[0].message.find("Element 'report_date'"), std::string::npos);
  EXPECT_EQ(found[4].line, 57);
  EXPECT_NE(found[4].message.find("tph_country_prefix"), std::string::npos);

  const auto refused = schema().validate(read_file(kGoamlDir + "/report_generated_example.xml"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "goaml_invalid");
  EXPECT_EQ(
      refused.error().message.rfind("line 8: Element 'report_date': [facet 'minInclusive']", 0), 0u)
      << refused.error().message.substr(0, 200);
}

TEST(GoamlSchema, RefusesXmlThatIsNotWellFormedWithTheParsersMessage) {
  const auto found = schema().violations("<report><rentity_id>1</report>");
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found.front().line, 1);
  EXPECT_NE(found.front().message.find("mismatch"), std::string::npos) << describe(found);
}

TEST(GoamlSchema, AMissingSchemaFileIsAnErrorNotACrash) {
  auto missing = GoamlSchema::load(kGoamlDir + "/no-such.xsd");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "goaml_schema");
}

// A transaction as the generator writes one.
nexus::v1::Transaction transaction(const std::string& id, nexus::v1::Channel channel,
                                   int64_t amount_minor, const std::string& currency) {
  nexus::v1::Transaction tx;
  tx.set_id(id);
  tx.mutable_event_time()->set_seconds(1'767'225'600 + 3600);  // 2026-01-01T01:00:00Z
  tx.set_amount_minor(amount_minor);
  tx.set_currency(currency);
  tx.set_channel(channel);
  auto* from = tx.mutable_originator();
  from->set_account("AE070331234567890123456");
  from->set_name("Omar Haddad");
  from->set_type(nexus::v1::PARTY_TYPE_PERSON);
  from->set_country("AE");
  from->set_agent_bic("EBILAEAD");
  auto* to = tx.mutable_beneficiary();
  to->set_account("SY021000000000123");
  to->set_name("Al Noor Trading LLC");
  to->set_type(nexus::v1::PARTY_TYPE_ORGANIZATION);
  to->set_country("SY");
  tx.set_remittance_info("invoice 42");
  tx.set_location_id("DXB-07");
  return tx;
}

nexus::v1::Alert alert(const std::string& rule, std::vector<std::string> typologies,
                       const std::vector<std::string>& tx_ids) {
  nexus::v1::Alert a;
  a.set_id("a-" + rule);
  a.set_rule_id(rule);
  a.set_rule_version(3);
  a.set_severity(nexus::v1::SEVERITY_HIGH);
  a.set_score(80);
  for (auto& t : typologies) a.add_typologies(t);
  a.set_subject("AE070331234567890123456");
  a.set_title(rule + " title");
  for (const auto& id : tx_ids) a.add_transaction_ids(id);
  auto* e = a.add_evidence();
  e->set_name("agg.outbound_by_originator_24h.sum_usd");
  e->set_observed("29500.00");
  e->set_op(">=");
  e->set_threshold("25000");
  e->set_window_ms(86'400'000);
  e->set_window_key("originator.account");
  for (const auto& id : tx_ids) e->add_transaction_ids(id);
  return a;
}

GoamlEntity entity() {
  GoamlEntity e;
  e.rentity_id = 4711;
  e.rentity_branch = "Dubai Main Branch";
  e.currency_code_local = "AED";
  e.reporting_person = {"Aisha", "Rahman", "mlro@example.ae", "MLRO"};
  e.location = {"-", "Sheikh Zayed Road 1", "Dubai", "00000", "AE", ""};
  return e;
}

GoamlCaseInput case_input(std::vector<nexus::v1::Alert> alerts,
                          std::vector<nexus::v1::Transaction> txs) {
  GoamlCaseInput input;
  input.case_row.id = CaseId{12};
  input.case_row.subject_key = "AE070331234567890123456";
  input.alerts = std::move(alerts);
  input.transactions = std::move(txs);
  input.submission_ms = 1'767'312'000'000;
  return input;
}

// One case per typology family the rule packs produce (rules/packs/*.yaml).
TEST(GoamlReport, EachTypologyFamilyValidates) {
  using nexus::v1::Channel;
  struct Family {
    std::string rule;
    std::vector<std::string> typologies;
    Channel channel;
    std::string currency;
  };
  const std::vector<Family> families = {
      {"structuring_cash",
       {"structuring", "funnel-account"},
       nexus::v1::CHANNEL_CASH_DEPOSIT,
       "AED"},
      {"mule_fan_in", {"network", "fan-in", "money-mule"}, nexus::v1::CHANNEL_ACH, "AED"},
      {"rapid_movement", {"pass-through", "layering"}, nexus::v1::CHANNEL_WIRE, "USD"},
      {"sanctions_hit", {"sanctions"}, nexus::v1::CHANNEL_WIRE, "EUR"},
      {"high_risk_geo", {"terrorist-financing", "conflict-zone"}, nexus::v1::CHANNEL_HAWALA, "IQD"},
  };
  for (const auto& family : families) {
    auto a = alert(family.rule, family.typologies, {family.rule + "-t1", family.rule + "-t2"});
    if (family.rule == "sanctions_hit") {
      auto* hit = a.add_sanctions_hits();
      hit->set_party_role("beneficiary");
      hit->set_list("UN");
      hit->set_reference("QDe.001");
      hit->set_matched_name("AL NOOR TRADING");
      hit->set_score(0.97);
    }
    auto input = case_input(
        {a}, {transaction(family.rule + "-t1", family.channel, 950'000, family.currency),
              transaction(family.rule + "-t2", family.channel, 12'345, family.currency)});
    auto report = build_goaml_report(entity(), input, engine::FxTable::defaults(), schema());
    ASSERT_TRUE(report) << family.rule << "\n" << report.error().message;
    EXPECT_EQ(report.value().report_code, "STR");
    EXPECT_TRUE(schema().violations(report.value().xml).empty());
    EXPECT_NE(
        report.value().xml.find("<transactionnumber>" + family.rule + "-t1</transactionnumber>"),
        std::string::npos);
    EXPECT_NE(report.value().xml.find("rule " + family.rule + " v3"), std::string::npos);
    EXPECT_NE(report.value().xml.find("(&gt;= 25000) over 1d by originator.account"),
              std::string::npos)
        << report.value().xml.substr(0, 3000);
    if (family.currency != "AED") {
      EXPECT_NE(report.value().xml.find("<foreign_currency_code>" + family.currency),
                std::string::npos);
    }
  }
}

TEST(GoamlReport, LocalAmountsAreExactAndForeignOnesConverted) {
  auto input = case_input({alert("r", {"structuring"}, {"t1", "t2"})},
                          {transaction("t1", nexus::v1::CHANNEL_CASH_DEPOSIT, 950'005, "AED"),
                           transaction("t2", nexus::v1::CHANNEL_WIRE, 100'000, "USD")});
  auto report = build_goaml_report(entity(), input, engine::FxTable::defaults(), schema());
  ASSERT_TRUE(report) << report.error().message;
  const auto& xml = report.value().xml;
  EXPECT_NE(xml.find("<amount_local>9500.05</amount_local>"), std::string::npos);
  EXPECT_NE(xml.find("<foreign_amount>1000.00</foreign_amount>"), std::string::npos);
  EXPECT_NE(xml.find("<transmode_code>D</transmode_code>"), std::string::npos);
  EXPECT_NE(xml.find("<swift>EBILAEAD</swift>"), std::string::npos);
}

TEST(GoamlReport, ACaseWithoutTransactionsIsAnActivityReport) {
  auto report = build_goaml_report(entity(), case_input({alert("r", {"sanctions"}, {})}, {}),
                                   engine::FxTable::defaults(), schema());
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_EQ(report.value().report_code, "SAR");
  EXPECT_NE(report.value().xml.find("<activity>"), std::string::npos);
}

TEST(GoamlReport, AMissingRequiredFieldIsRefusedNamingIt) {
  auto bad = entity();
  bad.rentity_id = 0;
  bad.rentity_branch = "";
  auto input = case_input({alert("r", {"structuring"}, {"t1"})},
                          {transaction("t1", nexus::v1::CHANNEL_WIRE, 100, "AED")});
  auto report = build_goaml_report(bad, input, engine::FxTable::defaults(), schema());
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, "goaml_invalid");
  EXPECT_NE(report.error().message.find("Element 'rentity_id'"), std::string::npos)
      << report.error().message;
  EXPECT_NE(report.error().message.find("Element 'rentity_branch'"), std::string::npos)
      << report.error().message;
}

TEST(GoamlReport, MarkupQuotesNonAsciiAndControlCharactersAreEscapedOrDropped) {
  auto tx = transaction("t<1>&\"x\"", nexus::v1::CHANNEL_WIRE, 100, "AED");
  tx.mutable_originator()->set_name("Jürgen Müller <b>&amp; \"Co\"\x01\x1f");
  tx.mutable_originator()->clear_account();
  tx.set_remittance_info(std::string("pay </transaction_description><x>&\x07 ok\xff"));
  auto input = case_input({alert("r", {"structuring"}, {tx.id()})}, {tx});
  auto report = build_goaml_report(entity(), input, engine::FxTable::defaults(), schema());
  ASSERT_TRUE(report) << report.error().message;
  const auto& xml = report.value().xml;
  // The last word is the last name; the control characters are gone.
  EXPECT_NE(xml.find("<first_name>Jürgen Müller &lt;b&gt;&amp;amp;</first_name>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<last_name>\"Co\"</last_name>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("pay &lt;/transaction_description&gt;&lt;x&gt;&amp; ok"), std::string::npos);
  EXPECT_EQ(xml.find('\x01'), std::string::npos);
  EXPECT_EQ(xml.find('\x07'), std::string::npos);
  EXPECT_EQ(xml_safe_text("a\x01"
                          "b\xc3\xbc\xed\xa0\x80"
                          "c",
                          0),
            "ab\xc3\xbc"
            "c");
  EXPECT_EQ(xml_safe_text("Müller", 2), "Mü");
}

}  // namespace
}  // namespace nexus::desk
