// `nexus screen-server`'s yente-compatible API (connectors/screen_api.hpp) against the real
// UN consolidated list (2026-02-27) and OFAC SDN (CSV, 2021-07) in ../shared/data/sanctions.
// The request bodies are yente's own, each quoted with the file it comes from in
// github.com/opensanctions/yente (commit 916a474): the /match docstring
// (yente/routers/match.py), the client example (examples/match_api.py) and the API tests
// (tests/test_match.py). The response fields asserted are the ones Marble's yente client
// reads (github.com/checkmarble/marble-backend, repositories/httpmodels/
// http_opensanctions_result.go and repositories/screening/screening_repository.go).
#include "connectors/screen_api.hpp"

#include "connectors/http_server.hpp"
#include "connectors/lists/list_file.hpp"
#include "connectors/screen_tokens.hpp"

#include "tests/screening/name_sets.hpp"
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>

namespace nexus::connectors {
namespace {

using nlohmann::json;
using screening::testing::shared_data;

constexpr const char* kMatchToken = "test-token-match-and-search";
constexpr const char* kSearchToken = "test-token-search-only";

struct Answer {
  int status = 0;
  json body;
  HttpResponse raw;
};

class ScreenApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::vector<screening::ListEntry> entries;
    for (const char* file :
         {"sanctions/un_consolidated_2026-02-27.xml", "sanctions/ofac_sdn_csv_2021-07/sdn.csv"}) {
      auto loaded = lists::load_list_file(shared_data(file));
      ASSERT_TRUE(loaded) << loaded.error().message;
      versions_[loaded.value().list] = loaded.value().version;
      for (auto& entry : loaded.value().entries) entries.push_back(std::move(entry));
    }
    auto normalizer = screening::NameNormalizer::create();
    ASSERT_TRUE(normalizer);
    index_ = std::shared_ptr<const screening::ScreeningIndex>(
        screening::ScreeningIndex::build(std::move(entries), normalizer.value()));
    // One API for the suite: it keeps no state between requests (match scores are not
    // cached), and building its screener (ICU) costs about a second.
    auto screener = screening::NameScreener::create(index_);
    ASSERT_TRUE(screener);
    auto tokens = ScreenTokens::from_plain(
        {{"marble", "match,search", kMatchToken}, {"browser", "search", kSearchToken}});
    ASSERT_TRUE(tokens) << tokens.error().message;
    ScreenApiConfig config;
    config.list_versions = versions_;
    api_ =
        std::make_unique<ScreenApi>(std::move(screener.value()), std::move(tokens.value()), config);
  }
  static void TearDownTestSuite() {
    api_.reset();
    index_.reset();
  }

  void SetUp() override { ASSERT_TRUE(api_); }

  Answer call(const std::string& method, const std::string& target, const std::string& body = "",
              const std::string& authorization = std::string("Bearer ") + kMatchToken) {
    HttpRequest request;
    request.method = method;
    request.target = target;
    request.body = body;
    if (!authorization.empty()) request.headers.emplace_back("authorization", authorization);
    Answer answer;
    answer.raw = api_->handle(request);
    answer.status = answer.raw.status;
    answer.body = json::parse(answer.raw.body, nullptr, false);
    EXPECT_FALSE(answer.body.is_discarded()) << answer.raw.body;
    EXPECT_EQ(answer.raw.content_type, "application/json");
    return answer;
  }
  Answer match(const json& body, const std::string& params = "",
               const std::string& dataset = "default") {
    return call("POST", "/match/" + dataset + params, body.dump());
  }

  static inline std::shared_ptr<const screening::ScreeningIndex> index_;
  static inline std::map<std::string, std::string> versions_;
  static inline std::unique_ptr<ScreenApi> api_;
};

// What a yente client reads of every result: EntityResponse's required keys
// (yente tests/conftest.py REQUIRED_ENTITY_KEYS) with their types, the scored fields, and
// Marble's view (properties as lists of strings: OpenSanctionsDeltaFileEntity).
void expect_yente_result_shape(const json& result) {
  ASSERT_TRUE(result.is_object()) << result;
  EXPECT_TRUE(result["id"].is_string() && !result["id"].get<std::string>().empty()) << result;
  EXPECT_TRUE(result["caption"].is_string() && !result["caption"].get<std::string>().empty());
  EXPECT_TRUE(result["schema"].is_string());
  ASSERT_TRUE(result["properties"].is_object());
  for (const auto& [property, values] : result["properties"].items()) {
    ASSERT_TRUE(values.is_array()) << property;
    for (const auto& value : values) EXPECT_TRUE(value.is_string()) << property << ": " << value;
  }
  EXPECT_TRUE(result["properties"]["name"].is_array());
  EXPECT_TRUE(result["datasets"].is_array());
  EXPECT_TRUE(result["referents"].is_array());
  EXPECT_TRUE(result["target"].is_boolean());
  for (const char* key : {"first_seen", "last_seen", "last_change"}) {
    EXPECT_TRUE(result.contains(key)) << key;
  }
  EXPECT_TRUE(result["score"].is_number());
  EXPECT_GE(result["score"].get<double>(), 0.0);
  EXPECT_LE(result["score"].get<double>(), 1.0);
  EXPECT_TRUE(result["match"].is_boolean());
  ASSERT_TRUE(result["features"].is_object());
  for (const auto& [name, value] : result["features"].items())
    EXPECT_TRUE(value.is_number()) << name;
  ASSERT_TRUE(result["explanations"].is_object());
  for (const auto& [name, value] : result["explanations"].items()) {
    EXPECT_TRUE(value["score"].is_number()) << name;
    EXPECT_TRUE(value["detail"].is_string() || value["detail"].is_null()) << name;
  }
}

// yente/routers/match.py, the /match docstring's example batch: an invented person and an
// invented company. Neither is listed.
TEST_F(ScreenApiTest, DocstringExampleBatchAnswersEachQueryWithoutInventingMatches) {
  const json body = json::parse(R"({
    "queries": {
      "entity1": {"schema": "Person",
                  "properties": {"name": ["John Doe"], "birthDate": ["1975-04-21"],
                                 "nationality": ["us"]}},
      "entity2": {"schema": "Company",
                  "properties": {"name": ["Brilliant Amazing Limited"], "jurisdiction": ["hk"],
                                 "registrationNumber": ["84BA99810"]}}
    }})");
  const Answer answer = match(body);
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(answer.body["limit"], 5);
  for (const char* key : {"entity1", "entity2"}) {
    const json& response = answer.body["responses"][key];
    ASSERT_TRUE(response.is_object()) << key << answer.body;
    EXPECT_EQ(response["status"], 200);
    EXPECT_EQ(response["total"]["value"], 0) << response;
    EXPECT_EQ(response["total"]["relation"], "eq");
    for (const auto& result : response["results"]) EXPECT_FALSE(result["match"].get<bool>());
  }
  // The echo says what was understood: countries as yente writes them (lowercase ISO).
  const json& q1 = answer.body["responses"]["entity1"]["query"];
  EXPECT_EQ(q1["schema"], "Person");
  EXPECT_EQ(q1["properties"]["nationality"], json::array({"us"}));
  EXPECT_EQ(q1["properties"]["birthDate"], json::array({"1975-04-21"}));
  const json& q2 = answer.body["responses"]["entity2"]["query"];
  EXPECT_EQ(q2["properties"]["jurisdiction"], json::array({"hk"}));
  EXPECT_EQ(q2["properties"]["registrationNumber"], json::array({"84BA99810"}));
  bool batch_header = false;
  for (const auto& [name, value] : answer.raw.headers) {
    batch_header = batch_header || (name == "x-batch-size" && value == "2");
  }
  EXPECT_TRUE(batch_header);
}

// examples/match_api.py: EXAMPLE_1 (Rotenberg, Latin and Cyrillic names, born 1951) and
// EXAMPLE_2 (Stroygazmontazh, a company in Russia), both designated by OFAC in 2014.
TEST_F(ScreenApiTest, ClientExampleFindsTheOfacEntriesWithMatchTrue) {
  const json body = json::parse(R"({
    "queries": {
      "q1": {"schema": "Person",
             "properties": {"name": ["Arkadiii Romanovich Rotenberg", "Ротенберг Аркадий"],
                            "birthDate": ["1951"]}},
      "q2": {"schema": "Company",
             "properties": {"name": ["Stroygazmontazh"], "jurisdiction": ["Russia"]}}
    }})");
  const Answer answer = match(body, "?algorithm=best&fuzzy=false", "sanctions");
  ASSERT_EQ(answer.status, 200) << answer.body;
  const json& q1 = answer.body["responses"]["q1"];
  ASSERT_FALSE(q1["results"].empty()) << q1;
  const json& rotenberg = q1["results"][0];
  expect_yente_result_shape(rotenberg);
  EXPECT_EQ(rotenberg["id"], "ofac-16669") << rotenberg;
  EXPECT_EQ(rotenberg["caption"], "ROTENBERG, Arkady");
  EXPECT_EQ(rotenberg["schema"], "Person");
  EXPECT_EQ(rotenberg["datasets"], json::array({"us_ofac_sdn"}));
  EXPECT_TRUE(rotenberg["match"].get<bool>()) << rotenberg["explanations"];
  EXPECT_GE(q1["total"]["value"].get<int>(), 1);
  // Both names were screened, and the year of birth counted.
  EXPECT_EQ(q1["query"]["properties"]["name"].size(), 2u);
  EXPECT_GT(rotenberg["features"]["dob_adjustment"].get<double>(), 0.0) << rotenberg["features"];

  const json& q2 = answer.body["responses"]["q2"];
  ASSERT_FALSE(q2["results"].empty()) << q2;
  EXPECT_EQ(q2["results"][0]["id"], "ofac-16828");
  EXPECT_EQ(q2["results"][0]["schema"], "Organization");
  EXPECT_TRUE(q2["results"][0]["match"].get<bool>());
  EXPECT_EQ(q2["query"]["properties"]["jurisdiction"], json::array({"ru"}));
}

// tests/test_match.py QUERY_ZAKHAROV's shape (Person, a name, a birth year, a country written
// out), with a name the UN lists: IBRAHIM AWWAD ... AL-SAMARRAI, alias ABU BAKR AL-BAGHDADI.
TEST_F(ScreenApiTest, ListedNameScoresAboveAnUnrelatedNameOnTheUnDataset) {
  auto query = [](const std::string& name) {
    return json{
        {"queries",
         {{"vv",
           {{"schema", "Person"},
            {"properties", {{"name", {name}}, {"birthDate", {"1971"}}, {"country", "Iraq"}}}}}}}};
  };
  // cutoff 0.3: the unrelated name's best candidates are shown too, to compare scores.
  const Answer listed =
      match(query("Abu Bakr al-Baghdadi"), "?cutoff=0.3&limit=3", "un_sc_sanctions");
  ASSERT_EQ(listed.status, 200) << listed.body;
  const json& results = listed.body["responses"]["vv"]["results"];
  ASSERT_FALSE(results.empty());
  EXPECT_EQ(results[0]["id"], "unsc-QDi.299") << results[0];
  EXPECT_TRUE(results[0]["match"].get<bool>());
  EXPECT_EQ(results[0]["datasets"], json::array({"un_sc_sanctions"}));
  EXPECT_EQ(listed.body["responses"]["vv"]["query"]["properties"]["country"], json::array({"iq"}));
  for (const auto& result : results) expect_yente_result_shape(result);

  const Answer unrelated =
      match(query("Margaret Thornbury"), "?cutoff=0.3&limit=3", "un_sc_sanctions");
  ASSERT_EQ(unrelated.status, 200);
  const json& other = unrelated.body["responses"]["vv"];
  EXPECT_EQ(other["total"]["value"], 0) << other;
  for (const auto& result : other["results"]) {
    EXPECT_FALSE(result["match"].get<bool>());
    EXPECT_LT(result["score"].get<double>(), results[0]["score"].get<double>());
  }
  // The UN dataset never answers with an OFAC entry.
  for (const auto& result : results) EXPECT_EQ(result["datasets"][0], "un_sc_sanctions");
}

// tests/test_match.py MANY_NAMES (seven spellings, three scripts) with test_id_pass_through's
// caller id, and test_match_numeric_property_value's numeric birthDate.
TEST_F(ScreenApiTest, ManyNamesCallerIdAndNumericValuesAreEchoed) {
  const json body = json::parse(R"({
    "queries": {"no1": {"id": "zakharov", "schema": "Person",
      "properties": {"name": ["Alexander Vyacheslavovich ZAKHAROV",
                              "Aleksandr Vyacheslavovich Zakharov",
                              "Александр Вячеславович Захаров", "Александр ЗАХАРОВ",
                              "Захаров Александр Вячеславович",
                              "Zakharov Aleksandr Vyacheslavovich",
                              "Aleksandr Vjačeslavovič Zacharov"],
                     "birthDate": [1965]}}}})");
  const Answer answer = match(body);
  ASSERT_EQ(answer.status, 200) << answer.body;
  const json& query = answer.body["responses"]["no1"]["query"];
  EXPECT_EQ(query["id"], "zakharov");
  EXPECT_EQ(query["schema"], "Person");
  EXPECT_EQ(query["properties"]["name"].size(), 7u) << query;
  EXPECT_EQ(query["properties"]["birthDate"], json::array({"1965"}));
}

// tests/test_match.py: test_match_no_schema (no schema, then schema "xxx" beside good queries),
// test_match_zakharov_name_based_mode ("neural-net"), test_match_logic_v2_with_algorithm_config
// ("invalid_option").
TEST_F(ScreenApiTest, YenteTestsBadQueriesAreRefusedWithADetail) {
  const Answer no_schema =
      match(json::parse(R"({"queries": {"fail": {"properties": {"name": "Banana"}}}})"));
  EXPECT_EQ(no_schema.status, 400);
  EXPECT_NE(no_schema.body["detail"].get<std::string>().find("queries.fail: schema is missing"),
            std::string::npos)
      << no_schema.body;
  const Answer bad_schema = match(json::parse(R"({"queries": {
      "fail": {"schema": "xxx", "properties": {"name": "Banana"}},
      "ok1": {"schema": "Person", "properties": {"name": ["Vladimir Putin"]}},
      "ok2": {"schema": "Person", "properties": {"name": ["John Doe"]}}}})"));
  EXPECT_EQ(bad_schema.status, 400);
  EXPECT_NE(bad_schema.body["detail"].get<std::string>().find("Cannot parse example entity"),
            std::string::npos);
  const json zakharov = json::parse(R"({"queries": {"vv": {"schema": "Person",
      "properties": {"name": ["Alexander Vyacheslavovich ZAKHAROV"], "birthDate": ["1965"],
                     "country": "Russia"}}}})");
  const Answer neural = match(zakharov, "?algorithm=neural-net");
  EXPECT_EQ(neural.status, 400);
  EXPECT_EQ(neural.body["detail"], "Invalid algorithm: neural-net");
  EXPECT_EQ(match(zakharov, "?algorithm=name-based").status, 200);
  EXPECT_EQ(match(zakharov, "?algorithm=logic-v1").status, 200);
  json with_config = zakharov;
  with_config["config"] = {{"invalid_option", 0.4}};
  const Answer config = match(with_config, "?algorithm=logic-v2");
  EXPECT_EQ(config.status, 400);
  EXPECT_NE(config.body["detail"].get<std::string>().find("invalid_option"), std::string::npos);
}

TEST_F(ScreenApiTest, BadInputGetsA400WithTheReason) {
  auto detail = [](const Answer& a) { return a.body.value("detail", std::string()); };
  Answer a = call("POST", "/match/default", "{\"queries\": ");
  EXPECT_EQ(a.status, 400);
  EXPECT_NE(detail(a).find("not JSON"), std::string::npos) << a.body;
  // Nested a hundred thousand deep: refused before parsing (it overflowed the server's stack).
  a = call("POST", "/match/default",
           "{\"queries\": {\"q\": {\"schema\": \"Person\", \"properties\": {\"name\": " +
               std::string(100'000, '[') + std::string(100'000, ']') + "}}}}");
  EXPECT_EQ(a.status, 400);
  EXPECT_NE(detail(a).find("nests deeper"), std::string::npos) << detail(a);
  // Brackets inside strings do not count.
  a = match(json::parse(R"({"queries": {"q": {"schema": "Person",
      "properties": {"name": ["[[[[[[[[[[[[[[[[[[[[ \" {{{{{{{{{{{{{{{{{{{{{{{{"]}}}})"));
  EXPECT_EQ(a.status, 200) << a.body;
  a = call("POST", "/match/default", "[1, 2]");
  EXPECT_EQ(a.status, 400);
  a = match(json{{"queries", json::object()}});
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(detail(a), "No queries provided.");
  a = match(json::parse(
      R"({"queries": {"q": {"schema": "Person", "properties": {"birthDate": ["1970"]}}}})"));
  EXPECT_EQ(a.status, 400);
  EXPECT_NE(detail(a).find("queries.q: no name"), std::string::npos) << a.body;
  a = match(json::parse(
      R"({"queries": {"q": {"schema": "Person", "properties": {"name": [{"x": 1}]}}}})"));
  EXPECT_EQ(a.status, 400);
  EXPECT_NE(detail(a).find("properties.name"), std::string::npos) << a.body;
  json batch = {{"queries", json::object()}};
  for (int i = 0; i < 101; ++i) {
    batch["queries"]["q" + std::to_string(i)] = {{"schema", "Person"},
                                                 {"properties", {{"name", {"Jane Roe"}}}}};
  }
  a = match(batch);
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(detail(a), "Too many queries in one batch (limit: 100)");
  const json one = json::parse(
      R"({"queries": {"q": {"schema": "Person", "properties": {"name": "Jane Roe"}}}})");
  for (const char* params :
       {"?limit=abc", "?limit=501", "?threshold=1.5", "?cutoff=-1", "?changed_since=2024-01-01"}) {
    a = match(one, params);
    EXPECT_EQ(a.status, 400) << params;
    EXPECT_FALSE(detail(a).empty()) << params;
  }
  a = match(one, "", "no_such_list");
  EXPECT_EQ(a.status, 404);
  EXPECT_EQ(detail(a), "No such dataset.");
  EXPECT_EQ(call("GET", "/match/default").status, 405);
  EXPECT_EQ(call("GET", "/nothing/here").status, 404);
}

TEST_F(ScreenApiTest, TokensAreCheckedAndScoped) {
  const std::string body =
      R"({"queries": {"q": {"schema": "Person", "properties": {"name": ["Usama bin Laden"]}}}})";
  Answer a = call("POST", "/match/default", body, "");
  EXPECT_EQ(a.status, 401);
  bool challenge = false;
  for (const auto& [name, value] : a.raw.headers)
    challenge = challenge || name == "WWW-Authenticate";
  EXPECT_TRUE(challenge);
  EXPECT_EQ(call("POST", "/match/default", body, "Bearer not-a-token").status, 401);
  EXPECT_EQ(call("POST", "/match/default", body, "Basic dXNlcjpwYXNz").status, 401);
  a = call("POST", "/match/default", body, std::string("Bearer ") + kSearchToken);
  EXPECT_EQ(a.status, 403);
  EXPECT_NE(a.body["detail"].get<std::string>().find("'browser'"), std::string::npos);
  EXPECT_EQ(
      call("GET", "/search/default?q=bin+laden", "", std::string("Bearer ") + kSearchToken).status,
      200);
  // The hosted OpenSanctions API's scheme, and Marble's ?api_key=, take the same tokens.
  EXPECT_EQ(call("POST", "/match/default", body, std::string("ApiKey ") + kMatchToken).status, 200);
  EXPECT_EQ(call("POST", std::string("/match/default?api_key=") + kMatchToken, body, "").status,
            200);
  // Probes and the catalog Marble fetches without credentials stay open.
  for (const char* open : {"/healthz", "/readyz", "/catalog", "/algorithms"}) {
    EXPECT_EQ(call("GET", open, "", "").status, 200) << open;
  }
  EXPECT_EQ(call("GET", "/healthz", "", "").body, json({{"status", "ok"}}));
  // The refusals above are counted by route and status.
  HttpRequest metrics;
  metrics.method = "GET";
  metrics.target = "/metrics";
  const std::string text = api_->handle(metrics).body;
  EXPECT_NE(text.find("nexus_screen_requests_total{route=\"match\",status=\"401\"} "),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("nexus_screen_requests_total{route=\"match\",status=\"403\"} "),
            std::string::npos);
  EXPECT_NE(text.find("nexus_screen_entities 9979"), std::string::npos);
  EXPECT_EQ(call("GET", "/entities/unsc-QDi.299", "", "").status, 401);
}

// tests/test_match.py test_exclude_entity_ids, test_filter_topic, test_match_include_dataset /
// test_match_exclude_dataset: the filters remove what they name, and only that.
TEST_F(ScreenApiTest, FiltersRemoveWhatTheyNameAndMarbleSeesPartialResults) {
  // Listed by the UN (QDi.263) and, under two spellings, by OFAC.
  const json query = json::parse(R"({"queries": {"q": {"schema": "Person",
      "properties": {"name": ["Hafiz Muhammad Saeed"], "nationality": ["Pakistan"]}}}})");
  const Answer all = match(query, "?limit=10");
  ASSERT_EQ(all.status, 200);
  const json& results = all.body["responses"]["q"]["results"];
  ASSERT_FALSE(results.empty()) << all.body;
  const std::string top = results[0]["id"];
  const int total = all.body["responses"]["q"]["total"]["value"];
  EXPECT_GE(total, 2) << "the UN and OFAC both list him: " << all.body;
  EXPECT_EQ(all.body["responses"]["q"]["query"]["properties"]["nationality"], json::array({"pk"}));

  const Answer excluded = match(query, "?limit=10&exclude_entity_ids=" + top);
  for (const auto& result : excluded.body["responses"]["q"]["results"]) {
    EXPECT_NE(result["id"], top);
  }
  EXPECT_EQ(excluded.body["responses"]["q"]["total"]["value"].get<int>(), total - 1);
  EXPECT_TRUE(match(query, "?topics=crime.cyber").body["responses"]["q"]["results"].empty());
  EXPECT_FALSE(match(query, "?topics=sanction").body["responses"]["q"]["results"].empty());
  for (const auto& result :
       match(query, "?limit=10&include_dataset=us_ofac_sdn").body["responses"]["q"]["results"]) {
    EXPECT_EQ(result["datasets"][0], "us_ofac_sdn");
  }
  for (const auto& result : match(query, "?limit=10&exclude_dataset=us_ofac_sdn&exclude_dataset=x")
                                .body["responses"]["q"]["results"]) {
    EXPECT_EQ(result["datasets"][0], "un_sc_sanctions");
  }
  EXPECT_TRUE(match(query, "?exclude_schema=Person").body["responses"]["q"]["results"].empty());
  // Marble: total.value counts every match; fewer results with match=true means "partial".
  const Answer one = match(query, "?limit=1");
  EXPECT_EQ(one.body["limit"], 1);
  EXPECT_EQ(one.body["responses"]["q"]["results"].size(), 1u);
  EXPECT_EQ(one.body["responses"]["q"]["total"]["value"].get<int>(), total);
  // A higher threshold only turns matches into non-matches, never the order.
  const Answer strict = match(query, "?threshold=0.99&cutoff=0.5&limit=10");
  ASSERT_FALSE(strict.body["responses"]["q"]["results"].empty());
  EXPECT_EQ(strict.body["responses"]["q"]["results"][0]["id"], top);
  for (const auto& result : strict.body["responses"]["q"]["results"]) {
    EXPECT_EQ(result["match"].get<bool>(), result["score"].get<double>() >= 0.99);
  }
}

TEST_F(ScreenApiTest, SearchEntitiesCatalogAndAlgorithms) {
  Answer a = call("GET", "/search/default?q=Abu%20Bakr%20al-Baghdadi&limit=5");
  ASSERT_EQ(a.status, 200) << a.body;
  ASSERT_FALSE(a.body["results"].empty());
  bool found = false;
  for (const auto& result : a.body["results"]) found = found || result["id"] == "unsc-QDi.299";
  EXPECT_TRUE(found) << a.body;
  EXPECT_EQ(a.body["limit"], 5);
  EXPECT_EQ(a.body["offset"], 0);
  EXPECT_TRUE(a.body["facets"].is_object());
  EXPECT_GE(a.body["total"]["value"].get<int>(), 1);

  // No text: the dataset's entities, paged; the total is the dataset's size.
  a = call("GET", "/search/un_sc_sanctions?limit=2&offset=1");
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(a.body["results"].size(), 2u);
  const int un_total = a.body["total"]["value"];
  EXPECT_GT(un_total, 900);
  a = call("GET", "/search/us_ofac_sdn?limit=1");
  EXPECT_GT(a.body["total"]["value"].get<int>(), 5000);
  EXPECT_EQ(call("GET", "/search/nowhere?q=x").status, 404);
  EXPECT_EQ(call("GET", "/search/default?q=x&schema=Banana").status, 400);

  a = call("GET", "/entities/unsc-QDi.299");
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(a.body["schema"], "Person");
  bool alias = false;
  // The UN marks this alias "Low" quality: a weakAlias, as OpenSanctions files it.
  for (const auto& value : a.body["properties"]["weakAlias"]) {
    alias = alias || value.get<std::string>() == "Abu Bakr al-Baghdadi";
  }
  EXPECT_TRUE(alias) << a.body["properties"];
  EXPECT_EQ(a.body["properties"]["topics"], json::array({"sanction"}));
  a = call("GET", "/entities/ofac-16669");
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(a.body["caption"], "ROTENBERG, Arkady");
  EXPECT_EQ(a.body["properties"]["birthDate"], json::array({"1951-12-15"}));
  EXPECT_EQ(call("GET", "/entities/unsc-QDi.999999").status, 404);

  a = call("GET", "/catalog", "", "");
  ASSERT_EQ(a.status, 200);
  std::map<std::string, json> datasets;
  for (const auto& dataset : a.body["datasets"]) datasets[dataset["name"]] = dataset;
  for (const char* name : {"default", "sanctions", "un_sc_sanctions", "us_ofac_sdn"}) {
    ASSERT_TRUE(datasets.count(name)) << name << a.body;
  }
  EXPECT_EQ(datasets["un_sc_sanctions"]["entity_count"], un_total);
  // Marble reads the default dataset's index_version up to '-' as YYYYMMDDhhmmss.
  const std::string version = datasets["default"]["index_version"];
  EXPECT_EQ(version.substr(0, 14), "20260227000000") << version;
  EXPECT_EQ(version[14], '-');

  a = call("GET", "/algorithms", "", "");
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(a.body["best"], "nexus-v1");
  EXPECT_EQ(a.body["default"], "best");
  EXPECT_EQ(a.body["algorithms"][0]["name"], "nexus-v1");
}

/// A keep-alive HTTP/1.1 client over one socket: request, then a Content-Length response.
class KeepAliveClient {
 public:
  explicit KeepAliveClient(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~KeepAliveClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  KeepAliveClient(const KeepAliveClient&) = delete;
  KeepAliveClient& operator=(const KeepAliveClient&) = delete;
  bool ok() const { return fd_ >= 0; }

  /// Status line and body of one exchange; "" when the connection broke.
  std::pair<std::string, std::string> post(const std::string& target, const std::string& body,
                                           const std::string& token) {
    const std::string request =
        "POST " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
        "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\n\r\n" + body;
    if (::write(fd_, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
      return {};
    }
    std::size_t header_end;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) return {};
    }
    const std::string head = buffer_.substr(0, header_end);
    const auto length_at = head.find("Content-Length: ");
    const std::size_t length =
        length_at == std::string::npos ? 0 : std::stoul(head.substr(length_at + 16));
    while (buffer_.size() < header_end + 4 + length) {
      if (!fill()) return {};
    }
    std::string response_body = buffer_.substr(header_end + 4, length);
    buffer_.erase(0, header_end + 4 + length);
    return {head.substr(0, head.find("\r\n")), response_body};
  }

 private:
  bool fill() {
    char chunk[8192];
    const ssize_t got = ::read(fd_, chunk, sizeof chunk);
    if (got <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(got));
    return true;
  }
  int fd_ = -1;
  std::string buffer_;
};

TEST_F(ScreenApiTest, OverHttpKeepAliveConnectionAnswersMatchAfterMatch) {
  auto server = HttpServer::start("127.0.0.1", 0, HttpLimits{},
                                  [](const HttpRequest& r) { return api_->handle(r); });
  ASSERT_TRUE(server) << server.error().message;
  KeepAliveClient client(server.value()->port());
  ASSERT_TRUE(client.ok());
  const std::string listed =
      R"({"queries": {"q": {"schema": "Person", "properties": {"name": ["ROTENBERG, Arkady"]}}}})";
  const std::string unlisted =
      R"({"queries": {"q": {"schema": "Person", "properties": {"name": ["Margaret Thornbury"]}}}})";
  for (int round = 0; round < 3; ++round) {
    auto [status, body] = client.post("/match/us_ofac_sdn", listed, kMatchToken);
    EXPECT_EQ(status, "HTTP/1.1 200 OK") << body;
    const json answer = json::parse(body, nullptr, false);
    ASSERT_FALSE(answer.is_discarded()) << body;
    EXPECT_EQ(answer["responses"]["q"]["results"][0]["id"], "ofac-16669");
    auto [status2, body2] = client.post("/match/us_ofac_sdn", unlisted, kMatchToken);
    EXPECT_EQ(status2, "HTTP/1.1 200 OK");
    EXPECT_EQ(json::parse(body2)["responses"]["q"]["total"]["value"], 0);
  }
  auto [status, body] = client.post("/match/us_ofac_sdn", listed, "wrong");
  EXPECT_EQ(status, "HTTP/1.1 401 Unauthorized") << body;
}

// yente's own test dataset (tests/fixtures zala, shared/data/opensanctions/zala_entities.ftm.json)
// with yente's own test queries (tests/test_match.py): QUERY_ZAKHAROV must find
// NK-aU5ybkbRFJucf8YMwsJvDw first, as test_match_zakharov asserts, and so must the misspelt
// name of test_fuzzy_names at its threshold of 0.2.
TEST(ScreenApiZalaTest, YenteTestQueriesFindYenteTestEntity) {
  auto loaded = lists::load_list_file(shared_data("opensanctions/zala_entities.ftm.json"));
  ASSERT_TRUE(loaded) << loaded.error().message;
  auto normalizer = screening::NameNormalizer::create();
  ASSERT_TRUE(normalizer);
  std::shared_ptr<const screening::ScreeningIndex> index =
      screening::ScreeningIndex::build(std::move(loaded.value().entries), normalizer.value());
  auto screener = screening::NameScreener::create(index);
  ASSERT_TRUE(screener);
  auto tokens = ScreenTokens::from_plain({{"t", "match", kMatchToken}});
  ASSERT_TRUE(tokens);
  ScreenApi api(std::move(screener.value()), std::move(tokens.value()));
  auto post = [&api](const std::string& params, const json& body) {
    HttpRequest request;
    request.method = "POST";
    request.target = "/match/opensanctions" + params;
    request.body = body.dump();
    request.headers.emplace_back("authorization", std::string("Bearer ") + kMatchToken);
    return json::parse(api.handle(request).body);
  };
  const json zakharov = json::parse(R"({"schema": "Person", "properties": {
      "name": ["Alexander Vyacheslavovich ZAKHAROV"], "birthDate": ["1965"], "country": "Russia"}})");
  const json answer =
      post("", {{"queries", {{"vv", zakharov}, {"xx", zakharov}, {"zz", zakharov}}}});
  for (const char* key : {"vv", "xx", "zz"}) {
    const json& response = answer["responses"][key];
    EXPECT_EQ(response["query"]["schema"], "Person");
    EXPECT_EQ(response["query"]["properties"]["country"][0], "ru");
    EXPECT_GT(response["total"]["value"].get<int>(), 0) << response;
    ASSERT_FALSE(response["results"].empty()) << response;
    EXPECT_EQ(response["results"][0]["id"], "NK-aU5ybkbRFJucf8YMwsJvDw");
    expect_yente_result_shape(response["results"][0]);
  }
  const json fuzzy = post("?threshold=0.2&algorithm=logic-v2",
                          json::parse(R"({"queries": {"a": {"schema": "Person",
                              "properties": {"name": "Aiexandvr Zakharom"}}}})"));
  ASSERT_FALSE(fuzzy["responses"]["a"]["results"].empty()) << fuzzy;
  EXPECT_EQ(fuzzy["responses"]["a"]["results"][0]["id"], "NK-aU5ybkbRFJucf8YMwsJvDw");
}

class ScreenTokensTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("nexus_screen_tokens_" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(ScreenTokensTest, AddedTokenIsStoredAsItsDigestAndFoundAgain) {
  const std::string path = (dir_ / "tokens.txt").string();
  auto token = ScreenTokens::add(path, "marble", "match");
  ASSERT_TRUE(token) << token.error().message;
  auto second = ScreenTokens::add(path, "browser", "search");
  ASSERT_TRUE(second);
  EXPECT_NE(token.value(), second.value());
  std::ifstream in(path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text.find(token.value()), std::string::npos) << "the file must not hold the token";
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::group_all,
            std::filesystem::perms::none);
  auto loaded = ScreenTokens::load(path);
  ASSERT_TRUE(loaded) << loaded.error().message;
  ASSERT_EQ(loaded.value().size(), 2u);
  const ScreenToken* marble = loaded.value().find(token.value());
  ASSERT_NE(marble, nullptr);
  EXPECT_EQ(marble->name, "marble");
  EXPECT_TRUE(marble->allows(ScreenScope::kMatch));
  EXPECT_FALSE(marble->allows(ScreenScope::kSearch));
  EXPECT_EQ(loaded.value().find("x" + token.value()), nullptr);
  EXPECT_FALSE(ScreenTokens::add(path, "marble", "match")) << "a name given twice";
  EXPECT_FALSE(ScreenTokens::add(path, "bad name", "match"));
  EXPECT_FALSE(ScreenTokens::add(path, "other", "admin"));
}

TEST_F(ScreenTokensTest, DamagedFileIsRefusedAtItsLine) {
  const std::string path = (dir_ / "tokens.txt").string();
  std::ofstream(path) << "# comment\n\nmarble match " << std::string(64, 'a') << "\n"
                      << "browser search not-a-digest\n";
  auto loaded = ScreenTokens::load(path);
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().message.find(path + ":4:"), std::string::npos) << loaded.error().message;
  std::ofstream(path) << "marble match,delete " << std::string(64, 'a') << "\n";
  loaded = ScreenTokens::load(path);
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().message.find(":1: unknown scope 'delete'"), std::string::npos)
      << loaded.error().message;
  EXPECT_FALSE(ScreenTokens::load((dir_ / "absent.txt").string()));
}

}  // namespace
}  // namespace nexus::connectors
