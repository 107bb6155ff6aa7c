// nexus report goaml, run as a compliance officer runs it: generated payments, the engine's
// alerts stored in a desk, one case reported; the file validates, names the case's
// transactions, and the export is in the audit chain.
#include "connectors/desk_sqlite_store.hpp"
#include "rules/compiler.hpp"

#include "desk/alert_record.hpp"
#include "desk/desk_store.hpp"
#include "desk/goaml_report.hpp"
#include "desk/goaml_schema.hpp"
#include "tests/cli_run.hpp"
#include "tests/desk/desk_cli_fixture.hpp"
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>

namespace nexus::testing {
namespace {

class GoamlCliTest : public ScratchDirTest {
 protected:
  size_t store_alerts() { return store_engine_alerts(at("alerts.ndjson"), at("desk.db")); }
  connectors::SqliteDeskConfig config() {
    connectors::SqliteDeskConfig out;
    out.path = at("desk.db");
    return out;
  }
};

TEST_F(GoamlCliTest, ReportsACaseThatValidatesAndIsAudited) {
  ASSERT_EQ(run("generate --seed 7 --accounts 2000 --transactions 20000 --listed-parties --out " +
                at("tx.ndjson"))
                .status,
            0);
  ASSERT_EQ(run("replay --input " + at("tx.ndjson") + " --out " + at("alerts.ndjson")).status, 0);
  store_alerts();

  const nexus::testing::Run report =
      run("report goaml --store " + at("desk.db") + " --case 1 --transactions " + at("tx.ndjson") +
          " --out " + at("report.xml"));
  ASSERT_EQ(report.status, 0) << report.output;
  EXPECT_NE(report.output.find("validated against"), std::string::npos) << report.output;

  auto schema =
      desk::GoamlSchema::load(std::string(NEXUS_SHARED_DATA_DIR) + "/goaml/goAMLSchema_5.0.1.xsd");
  ASSERT_TRUE(schema) << schema.error().message;
  const std::string xml = slurp(at("report.xml"));
  EXPECT_TRUE(schema.value().validate(xml)) << xml.substr(0, 2000);

  auto store = connectors::open_sqlite_desk_store(config());
  ASSERT_TRUE(store) << store.error().message;
  auto ids = store.value()->case_alert_ids(desk::CaseId{1});
  ASSERT_TRUE(ids);
  std::vector<nexus::v1::Alert> alerts;
  for (const auto& id : ids.value()) {
    auto stored = store.value()->get_alert(id);
    ASSERT_TRUE(stored && stored.value());
    alerts.emplace_back().ParseFromString(stored.value()->record.alert_pb);
  }
  const auto wanted = desk::goaml_transaction_ids(alerts);
  std::set<std::string> reported;
  const std::regex number("<transactionnumber>([^<]+)</transactionnumber>");
  for (std::sregex_iterator it(xml.begin(), xml.end(), number), end; it != end; ++it) {
    reported.insert((*it)[1]);
  }
  EXPECT_EQ(reported, std::set<std::string>(wanted.begin(), wanted.end()));

  desk::AuditFilter filter;
  filter.action = "report.goaml";
  auto entries = store.value()->audit_entries(filter, 0, 10);
  ASSERT_TRUE(entries);
  ASSERT_EQ(entries.value().size(), 1u);
  EXPECT_EQ(entries.value()[0].object, "case:1");
  EXPECT_NE(entries.value()[0].after_json.find(rules::sha256_hex(xml)), std::string::npos);
}

TEST_F(GoamlCliTest, ARefusedReportIsNotWritten) {
  ASSERT_EQ(
      run("generate --seed 7 --accounts 200 --transactions 3000 --out " + at("tx.ndjson")).status,
      0);
  ASSERT_EQ(run("replay --input " + at("tx.ndjson") + " --out " + at("alerts.ndjson")).status, 0);
  if (store_alerts() == 0) GTEST_SKIP() << "no alerts in this small data set";
  {
    std::ofstream entity(at("entity.yaml"));
    entity << "rentity_id: 0\nrentity_branch: Dubai\ncurrency_code_local: USD\n"
              "reporting_person: {first_name: Aisha, last_name: Rahman}\n"
              "location: {address: Road 1, city: Dubai, country_code: AE}\n";
  }
  const nexus::testing::Run refused =
      run("report goaml --store " + at("desk.db") + " --case 1 --entity " + at("entity.yaml") +
          " --out " + at("report.xml"));
  EXPECT_EQ(refused.status, 1) << refused.output;
  EXPECT_NE(refused.output.find("Element 'rentity_id'"), std::string::npos) << refused.output;
  EXPECT_FALSE(std::filesystem::exists(at("report.xml")));
}

}  // namespace
}  // namespace nexus::testing
