// goAML reports: the schema check (libxml2 against goAMLSchema 5.0.1) and the report built
// from a case, its alerts and its transactions, for each typology family the rule packs
// produce.
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

}  // namespace
}  // namespace nexus::desk
