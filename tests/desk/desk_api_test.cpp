// The desk's HTTP API as a browser or a script uses it: log in, the queue, the case, the
// four-eyes close, roles (401/403), CSRF, injection strings, the login limit. Over a
// SQLite store in a temp dir, through DeskApi::handle and once over a real socket.
#include "connectors/desk_api.hpp"

#include "connectors/desk_ingest.hpp"
#include "connectors/desk_sqlite_store.hpp"
#include "connectors/embedded_broker.hpp"
#include "connectors/file_sink.hpp"
#include "connectors/kafka_sink.hpp"
#include "connectors/lists/list_store.hpp"

#include "desk/alert_record.hpp"
#include "tests/tls_test_support.hpp"
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <thread>

namespace nexus::connectors {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

nexus::v1::Alert make_alert(const std::string& id, const std::string& subject,
                            nexus::v1::Severity severity, double score, int64_t seconds,
                            const std::string& name) {
  nexus::v1::Alert alert;
  alert.set_id(id);
  alert.set_rule_id("AML-STRUCT-CASH");
  alert.set_rule_version(2);
  alert.set_title("Cash deposits just under the reporting threshold");
  alert.set_severity(severity);
  alert.set_score(score);
  alert.add_typologies("structuring");
  alert.set_subject(subject);
  alert.mutable_event_time()->set_seconds(seconds);
  alert.add_transaction_ids("tx-" + id);
  auto* evidence = alert.add_evidence();
  evidence->set_name("beneficiary.name");
  evidence->set_observed(name);
  auto* threshold = alert.add_evidence();
  threshold->set_name("agg.cash_deposits_7d.count");
  threshold->set_observed("3");
  threshold->set_op(">=");
  threshold->set_threshold("3");
  return alert;
}

/// An embedded broker with the topic "alerts" (one partition); null when either fails.
std::unique_ptr<EmbeddedBroker> broker_with_alerts_topic() {
  auto broker = EmbeddedBroker::start();
  if (!broker || !broker.value()->create_topic("alerts", 1)) return nullptr;
  return std::move(broker.value());
}

class DeskApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = fs::temp_directory_path() /
           ("nexus-desk-api-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    SqliteDeskConfig config;
    config.path = (dir_ / "desk.db").string();
    config.clock = [this] { return now_ms_; };
    auto store = open_sqlite_desk_store(config);
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(store.value());
    api_ = std::make_unique<DeskApi>(*store_, [this] { return now_ms_; });
    // The first admin, as `nexus desk` creates it on first start.
    desk::User admin{"root", desk::Role::kAdmin, desk::hash_password(kPassword).value(), false,
                     now_ms_};
    ASSERT_TRUE(store_->create_user({"bootstrap", desk::Role::kAdmin}, admin));
    for (const auto& alert : {make_alert("a-high", "ACC-7", nexus::v1::SEVERITY_HIGH, 80,
                                         1'735'689'600, "<script>alert(1)</script> Trading"),
                              make_alert("a-low", "ACC-8", nexus::v1::SEVERITY_LOW, 20,
                                         1'735'776'000, "Robert'); DROP TABLE alerts;--")}) {
      ASSERT_TRUE(store_->insert_alert(desk::alert_record_from(alert)));
    }
  }
  void TearDown() override {
    api_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  /// A DeskIngest on `bootstrap`'s alerts topic into a connection of its own to this desk's
  /// database, telling `on_refused` what it refuses or skips; null (and a failure) when it
  /// cannot start.
  std::unique_ptr<DeskIngest> start_ingest(
      DeskIngestConfig ingest_config,
      std::function<void(const std::string&, const std::string&)> on_refused) {
    SqliteDeskConfig config;
    config.path = (dir_ / "desk.db").string();
    auto connection = open_sqlite_desk_store(config);
    EXPECT_TRUE(connection) << connection.error().message;
    if (!connection) return nullptr;
    ingest_config.on_refused = std::move(on_refused);
    auto ingest = DeskIngest::start(std::move(ingest_config), std::move(connection.value()));
    EXPECT_TRUE(ingest) << ingest.error().message;
    return ingest ? std::move(ingest.value()) : nullptr;
  }

  struct Client {
    std::string cookie, csrf;
  };
  HttpResponse call(const std::string& method, const std::string& target,
                    const Client* client = nullptr, const std::string& body = "",
                    bool with_csrf = true) {
    HttpRequest request;
    request.method = method;
    request.target = target;
    request.body = body;
    request.peer = "127.0.0.1";
    if (!body.empty()) request.headers.emplace_back("content-type", "application/json");
    if (client) {
      request.headers.emplace_back("cookie", "theme=dark; nexus_session=" + client->cookie);
      if (with_csrf) request.headers.emplace_back("x-csrf-token", client->csrf);
    }
    return api_->handle(request);
  }
  static json body(const HttpResponse& response) { return json::parse(response.body); }
  Client login(const std::string& user, const std::string& password = kPassword) {
    const auto response = call("POST", "/api/v1/session", nullptr,
                               json{{"user", user}, {"password", password}}.dump());
    EXPECT_EQ(response.status, 200) << response.body;
    Client client;
    for (const auto& [name, value] : response.headers) {
      if (name == "Set-Cookie") {
        EXPECT_NE(value.find("HttpOnly"), std::string::npos) << value;
        EXPECT_NE(value.find("SameSite=Strict"), std::string::npos) << value;
        client.cookie = value.substr(value.find('=') + 1, value.find(';') - value.find('=') - 1);
      }
    }
    if (response.status == 200) client.csrf = body(response)["csrf_token"];
    return client;
  }
  void add_user(const Client& admin, const std::string& name, const std::string& role) {
    const auto created = call("POST", "/api/v1/users", &admin,
                              json{{"name", name}, {"role", role}, {"password", kPassword}}.dump());
    ASSERT_EQ(created.status, 201) << created.body;
  }
  int64_t case_of(const Client& client, const std::string& alert_id) {
    const auto detail = call("GET", "/api/v1/alerts/" + alert_id, &client);
    EXPECT_EQ(detail.status, 200) << detail.body;
    return body(detail)["case_id"];
  }

  static constexpr const char* kPassword = "a long test passphrase";
  fs::path dir_;
  int64_t now_ms_ = 1'765'000'000'000;
  std::unique_ptr<desk::DeskStore> store_;
  std::unique_ptr<DeskApi> api_;
};

TEST_F(DeskApiTest, AnalystEscalatesIsToldToAskASupervisorWhoApprovesAndTheAuditorSeesItAll) {
  const Client admin = login("root");
  add_user(admin, "ana", "analyst");
  add_user(admin, "sam", "supervisor");
  add_user(admin, "aud", "auditor");

  const Client ana = login("ana");
  // The queue, filtered and sorted, with its counts.
  const auto queue =
      call("GET", "/api/v1/alerts?severity=high,critical&status=new&sort=score", &ana);
  ASSERT_EQ(queue.status, 200) << queue.body;
  ASSERT_EQ(body(queue)["alerts"].size(), 1u) << queue.body;
  EXPECT_EQ(body(queue)["alerts"][0]["id"], "a-high");
  EXPECT_EQ(body(call("GET", "/api/v1/alerts/counts", &ana))["new"], 2);
  // The alert: its evidence, values against thresholds, its transactions.
  const auto detail = call("GET", "/api/v1/alerts/a-high", &ana);
  ASSERT_EQ(detail.status, 200);
  const json alert = body(detail)["alert"];
  EXPECT_EQ(alert["evidence"][1]["threshold"], "3") << detail.body;
  EXPECT_EQ(alert["transaction_ids"][0], "tx-a-high");
  const int64_t case_id = body(detail)["case_id"];
  const std::string case_path = "/api/v1/cases/" + std::to_string(case_id);

  EXPECT_EQ(call("POST", case_path + "/status", &ana, R"({"status":"in_review"})").status, 200);
  EXPECT_EQ(
      call("POST", case_path + "/comments", &ana, R"({"text":"deposits at 3 branches"})").status,
      200);
  EXPECT_EQ(call("POST", case_path + "/status", &ana, R"({"status":"escalated"})").status, 200);
  const auto close = call("POST", case_path + "/close", &ana, R"({"reason":"false_positive"})");
  EXPECT_EQ(close.status, 403) << close.body;
  EXPECT_NE(body(close)["message"].get<std::string>().find("supervisor"), std::string::npos)
      << close.body;
  const auto proposal = call("POST", case_path + "/proposals", &ana,
                             R"({"reason":"false_positive","note":"payroll"})");
  ASSERT_EQ(proposal.status, 201) << proposal.body;
  const std::string approve = "/api/v1/proposals/" +
                              std::to_string(body(proposal)["proposal_id"].get<int64_t>()) +
                              "/approve";
  // The maker is not the checker, and an analyst is not a checker at all.
  EXPECT_EQ(call("POST", approve, &ana, "{}").status, 403);

  const Client sam = login("sam");
  const auto approved = call("POST", approve, &sam, R"({"note":"agreed"})");
  EXPECT_EQ(approved.status, 200) << approved.body;

  const Client aud = login("aud");
  const auto seen = call("GET", case_path, &aud);
  ASSERT_EQ(seen.status, 200) << seen.body;
  EXPECT_EQ(body(seen)["status"], "closed");
  EXPECT_EQ(body(seen)["close_reason"], "false_positive");
  std::set<std::string> kinds;
  std::set<std::string> actors;
  const json seen_case = body(seen);
  for (const auto& event : seen_case["timeline"]) {
    kinds.insert(event["kind"].get<std::string>());
    actors.insert(event["actor"].get<std::string>());
  }
  for (const char* kind : {"status", "comment", "close_proposed", "close_approved"}) {
    EXPECT_TRUE(kinds.count(kind)) << kind << " missing from " << seen.body;
  }
  EXPECT_TRUE(actors.count("ana") && actors.count("sam")) << seen.body;
  // The auditor reads everything and changes nothing.
  EXPECT_EQ(call("POST", case_path + "/comments", &aud, R"({"text":"x"})").status, 403);
  EXPECT_EQ(call("POST", case_path + "/status", &aud, R"({"status":"in_review"})").status, 403);
  EXPECT_EQ(call("GET", "/api/v1/audit", &aud).status, 200);
}

TEST_F(DeskApiTest, TheTrailRecordsLogInsAndFailuresAndShowsWhetherItVerifies) {
  const desk::AuditKey key = desk::generate_audit_key();
  DeskApiConfig config;
  config.audit_public_key = key.public_key;
  api_ = std::make_unique<DeskApi>(
      *store_, [this] { return now_ms_; }, config);
  const Client admin = login("root");
  add_user(admin, "aud", "auditor");
  EXPECT_EQ(call("POST", "/api/v1/session", nullptr,
                 json{{"user", "root"}, {"password", "not the password"}}.dump())
                .status,
            401);
  EXPECT_EQ(call("POST", "/api/v1/session", nullptr,
                 json{{"user", "ghost"}, {"password", "not the password"}}.dump())
                .status,
            401);
  const Client aud = login("aud");
  auto trail = call("GET", "/api/v1/audit?action=session.login_failed", &aud);
  ASSERT_EQ(trail.status, 200) << trail.body;
  const json failed = body(trail)["entries"];
  ASSERT_EQ(failed.size(), 2u) << trail.body;
  EXPECT_EQ(failed[0]["actor"], "root");
  EXPECT_EQ(failed[0]["role"], "anonymous");
  EXPECT_EQ(failed[0]["after"]["reason"], "wrong password");
  EXPECT_EQ(failed[0]["after"]["address"], "127.0.0.1");
  EXPECT_EQ(failed[1]["after"]["reason"], "no such user");
  EXPECT_EQ(body(trail)["verification"]["state"], "verified, unsigned tail");
  const auto logins = body(call("GET", "/api/v1/audit?action=session.login&actor=aud", &aud));
  EXPECT_EQ(logins["entries"].size(), 1u);
  ASSERT_TRUE(store_->sign_audit_head(key).value());
  trail = call("GET", "/api/v1/audit?limit=2", &aud);
  EXPECT_EQ(body(trail)["verification"]["state"], "verified") << trail.body;
  EXPECT_EQ(body(trail)["entries"].size(), 2u);
  EXPECT_EQ(body(trail)["next_after"], 2);
  EXPECT_EQ(call("GET", "/api/v1/audit?from=yesterday", &aud).status, 400);

  // An edit made in the database behind the desk's back shows on the next full check.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ / "desk.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE audit_entries SET actor = 'x' WHERE seq = 2", nullptr, nullptr,
                         nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  const auto checked = call("POST", "/api/v1/audit/verify", &aud, "{}");
  ASSERT_EQ(checked.status, 200) << checked.body;
  EXPECT_EQ(body(checked)["verification"]["state"], "broken");
  EXPECT_EQ(body(checked)["verification"]["problem"], "edited");
  EXPECT_EQ(body(checked)["verification"]["problem_seq"], 2);
  // The auditor's reading is not itself a change, and the auditor cannot write the log.
  EXPECT_EQ(call("POST", "/api/v1/audit", &aud, "{}").status, 404);
}

TEST_F(DeskApiTest, EveryRouteWithoutCredentialsIs401AndTheWrongRoleIs403) {
  for (const auto& route : DeskApi::routes()) {
    const std::string method = route.substr(0, route.find(' '));
    std::string path = route.substr(route.find(' ') + 1);
    for (const char* param : {"{id}", "{name}"}) {
      if (auto at = path.find(param); at != std::string::npos) path.replace(at, strlen(param), "1");
    }
    if (path == "/healthz" || (path == "/api/v1/session" && method == "POST")) continue;
    const auto response = call(method, path, nullptr, method == "GET" ? "" : "{}");
    EXPECT_EQ(response.status, 401) << route << ": " << response.body;
  }
  const Client admin = login("root");
  add_user(admin, "ana", "analyst");
  add_user(admin, "aud", "auditor");
  const Client ana = login("ana");
  const Client aud = login("aud");
  // An admin manages users and does no case work; an analyst manages no users.
  EXPECT_EQ(call("GET", "/api/v1/alerts", &admin).status, 403);
  EXPECT_EQ(call("GET", "/api/v1/users", &ana).status, 403);
  EXPECT_EQ(call("POST", "/api/v1/users", &ana,
                 json{{"name", "eve"}, {"role", "admin"}, {"password", kPassword}}.dump())
                .status,
            403);
  EXPECT_EQ(call("POST", "/api/v1/tokens", &aud, R"({"label":"x"})").status, 403);
  EXPECT_EQ(call("GET", "/api/v1/audit", &ana).status, 403);
  // An API token (shown once) works as a Bearer credential and needs no CSRF token.
  const auto token = call("POST", "/api/v1/tokens", &admin, R"({"label":"etl","user":"ana"})");
  ASSERT_EQ(token.status, 201) << token.body;
  HttpRequest machine;
  machine.method = "GET";
  machine.target = "/api/v1/alerts";
  machine.headers.emplace_back("authorization",
                               "Bearer " + body(token)["token"].get<std::string>());
  EXPECT_EQ(api_->handle(machine).status, 200);
  machine.headers.back().second += "x";
  EXPECT_EQ(api_->handle(machine).status, 401);
}

TEST_F(DeskApiTest, TheCaseAnswerCarriesItsAlertsAsQueueRows) {
  const Client admin = login("root");
  add_user(admin, "ana", "analyst");
  const Client ana = login("ana");
  ASSERT_TRUE(store_->insert_alert(desk::alert_record_from(
      make_alert("a-high-2", "ACC-7", nexus::v1::SEVERITY_MEDIUM, 40, 1'735'689'700, "x"))));
  const int64_t case_id = case_of(ana, "a-high");
  const auto detail = call("GET", "/api/v1/cases/" + std::to_string(case_id), &ana);
  ASSERT_EQ(detail.status, 200) << detail.body;
  const json alerts = body(detail)["alerts"];
  ASSERT_EQ(alerts.size(), 2u) << detail.body;
  EXPECT_EQ(alerts[0]["id"], "a-high");
  EXPECT_EQ(alerts[0]["severity"], "high");
  EXPECT_EQ(alerts[0]["rule_id"], "AML-STRUCT-CASH");
  EXPECT_EQ(alerts[1]["id"], "a-high-2");
  EXPECT_EQ(alerts[1]["case_id"], case_id);
}

// A payment as the engine read it, for the exports.
nexus::v1::Transaction payment(const std::string& id, int64_t amount_minor) {
  nexus::v1::Transaction tx;
  tx.set_id(id);
  tx.mutable_event_time()->set_seconds(1'735'689'600);
  tx.set_amount_minor(amount_minor);
  tx.set_currency("USD");
  tx.set_channel(nexus::v1::CHANNEL_CASH_DEPOSIT);
  tx.mutable_originator()->set_account("ACC-1");
  tx.mutable_originator()->set_name("Omar Haddad");
  tx.mutable_originator()->set_type(nexus::v1::PARTY_TYPE_PERSON);
  tx.mutable_originator()->set_country("AE");
  tx.mutable_beneficiary()->set_account("ACC-7");
  tx.mutable_beneficiary()->set_name("Al Noor Trading LLC");
  tx.mutable_beneficiary()->set_type(nexus::v1::PARTY_TYPE_ORGANIZATION);
  tx.mutable_beneficiary()->set_country("AE");
  return tx;
}

TEST_F(DeskApiTest, ASupervisorDownloadsTheValidatedGoamlReportOfAnEscalatedCaseAndItIsAudited) {
  // The transactions file the engine read, as the desk config's transactions: names it.
  const fs::path file = dir_ / "transactions.pb";
  {
    auto writer = MessageFileWriter::open(file, engine::InputFormat::kProtobuf).value();
    writer->write(payment("tx-other", 50'000));
    writer->write(payment("tx-a-high", 950'000));
    ASSERT_TRUE(writer->flush());
  }
  auto schema =
      desk::GoamlSchema::load(std::string(NEXUS_SHARED_DATA_DIR) + "/goaml/goAMLSchema_5.0.1.xsd");
  ASSERT_TRUE(schema) << schema.error().message;
  DeskApiConfig config;
  config.goaml_schema = std::make_shared<const desk::GoamlSchema>(std::move(schema.value()));
  config.transaction_files = {file.string()};
  int exports = 0;
  config.on_export = [&exports] { ++exports; };
  api_ = std::make_unique<DeskApi>(
      *store_, [this] { return now_ms_; }, config);
  const Client admin = login("root");
  add_user(admin, "ana", "analyst");
  add_user(admin, "sam", "supervisor");
  const Client ana = login("ana");
  const Client sam = login("sam");
  const std::string case_path = "/api/v1/cases/" + std::to_string(case_of(ana, "a-high"));

  // Not before escalation, and never by an analyst.
  auto refused = call("GET", case_path + "/goaml", &sam);
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_NE(refused.body.find("escalated"), std::string::npos) << refused.body;
  ASSERT_EQ(call("POST", case_path + "/status", &ana, R"({"status":"in_review"})").status, 200);
  ASSERT_EQ(call("POST", case_path + "/status", &ana, R"({"status":"escalated"})").status, 200);
  EXPECT_EQ(call("GET", case_path + "/goaml", &ana).status, 403);
  EXPECT_EQ(exports, 0);

  const auto report = call("GET", case_path + "/goaml", &sam);
  ASSERT_EQ(report.status, 200) << report.body;
  EXPECT_EQ(report.content_type, "application/xml; charset=utf-8");
  std::map<std::string, std::string> headers(report.headers.begin(), report.headers.end());
  EXPECT_NE(headers["Content-Disposition"].find("goaml-STR.xml"), std::string::npos);
  // The transaction behind the alert is in it (9,500.00), the other payment is not.
  EXPECT_NE(report.body.find("<transactionnumber>tx-a-high</transactionnumber>"), std::string::npos)
      << report.body.substr(0, 2000);
  EXPECT_EQ(report.body.find("tx-other"), std::string::npos);
  EXPECT_NE(report.body.find("<amount_local>9500.00</amount_local>"), std::string::npos);
  EXPECT_EQ(exports, 1);

  // The export is in the trail with the file's SHA-256, and the transaction is now kept by
  // the desk itself: the report is made again with the file gone.
  const auto trail = body(call("GET", "/api/v1/audit?action=report.goaml", &sam));
  ASSERT_EQ(trail["entries"].size(), 1u);
  EXPECT_EQ(trail["entries"][0]["actor"], "sam");
  EXPECT_EQ(trail["entries"][0]["after"]["sha256"], headers["X-Content-SHA256"]);
  EXPECT_EQ(trail["entries"][0]["after"]["transactions_newly_kept"], 1);
  EXPECT_EQ(std::to_string(trail["entries"][0]["seq"].get<int64_t>()), headers["X-Audit-Seq"]);
  fs::remove(file);
  const auto again = call("GET", case_path + "/goaml", &sam);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_NE(again.body.find("tx-a-high"), std::string::npos);

  // A case whose transactions nobody holds is refused, naming them.
  const std::string low_path = "/api/v1/cases/" + std::to_string(case_of(ana, "a-low"));
  ASSERT_EQ(call("POST", low_path + "/status", &ana, R"({"status":"in_review"})").status, 200);
  ASSERT_EQ(call("POST", low_path + "/status", &ana, R"({"status":"escalated"})").status, 200);
  const auto missing = call("GET", low_path + "/goaml", &sam);
  EXPECT_EQ(missing.status, 409) << missing.body;
  EXPECT_EQ(body(missing)["error"], "transactions_missing");
  EXPECT_NE(body(missing)["message"].get<std::string>().find("tx-a-low"), std::string::npos);
}

TEST_F(DeskApiTest, TokensAreListedWithoutTheirSecretOrItsDigestAndOnlyToAnAdmin) {
  const Client admin = login("root");
  add_user(admin, "ana", "analyst");
  const Client ana = login("ana");
  const auto created =
      call("POST", "/api/v1/tokens", &admin,
           json{{"label", "etl"}, {"user", "ana"}, {"expires_ms", now_ms_ + 86'400'000}}.dump());
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string secret = body(created)["token"];
  EXPECT_EQ(body(created)["expires_ms"], now_ms_ + 86'400'000);
  EXPECT_EQ(call("POST", "/api/v1/tokens", &admin, R"({"label":"old","expires_ms":5})").status,
            400);
  const auto second = call("POST", "/api/v1/tokens", &admin, R"({"label":"laptop"})");
  ASSERT_EQ(second.status, 201) << second.body;
  ASSERT_EQ(call("POST",
                 "/api/v1/tokens/" + std::to_string(body(second)["id"].get<int64_t>()) + "/revoke",
                 &admin, "{}")
                .status,
            200);

  EXPECT_EQ(call("GET", "/api/v1/tokens", &ana).status, 403);
  const auto listed = call("GET", "/api/v1/tokens", &admin);
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.body.find(secret), std::string::npos) << listed.body;
  EXPECT_EQ(listed.body.find(desk::token_digest(secret)), std::string::npos) << listed.body;
  EXPECT_EQ(listed.body.find(body(second)["token"].get<std::string>()), std::string::npos);
  EXPECT_EQ(listed.body.find("hash"), std::string::npos) << listed.body;
  const json tokens = body(listed)["tokens"];
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[0]["label"], "laptop");
  EXPECT_EQ(tokens[0]["user"], "root");
  EXPECT_EQ(tokens[0]["revoked"], true);
  EXPECT_EQ(tokens[1]["label"], "etl");
  EXPECT_EQ(tokens[1]["user"], "ana");
  EXPECT_EQ(tokens[1]["revoked"], false);
  EXPECT_EQ(tokens[1]["expired"], false);
  now_ms_ += 2 * 86'400'000;
  const Client again = login("root");  // the session ended meanwhile
  EXPECT_EQ(body(call("GET", "/api/v1/tokens", &again))["tokens"][1]["expired"], true);
}

TEST_F(DeskApiTest, RulesCountStoredAlertsByArrivalAndListConfiguredRulesWithoutAlerts) {
  DeskApiConfig config;
  config.rules_dir = "/rules";
  config.ruleset_hash = "abcdef0123456789";
  config.rules = {{"AML-STRUCT-CASH",
                   2,
                   "Cash just under the threshold",
                   nexus::v1::SEVERITY_HIGH,
                   {"structuring"},
                   "FinCEN FIN-2014-A005"},
                  {"AML-QUIET", 1, "Never fires here", nexus::v1::SEVERITY_LOW, {"other"}, ""}};
  api_ = std::make_unique<DeskApi>(
      *store_, [this] { return now_ms_; }, config);
  add_user(login("root"), "aud", "auditor");
  // The fixture stored two alerts of AML-STRUCT-CASH v2 at now_ms_; two more arrive later.
  const int64_t stored_at = now_ms_;
  now_ms_ += 3 * 86'400'000;
  auto other = make_alert("b-1", "ACC-9", nexus::v1::SEVERITY_MEDIUM, 30, 1'735'689'600, "y");
  other.set_rule_id("AML-OTHER");
  other.set_rule_version(4);
  other.set_title("Other rule");
  other.set_ruleset_hash("0011223344556677");
  ASSERT_TRUE(store_->insert_alert(desk::alert_record_from(other)));
  now_ms_ += 86'400'000 - 1;
  const Client admin = login("root");
  const Client aud = login("aud");
  const auto answer = call("GET", "/api/v1/rules", &aud);
  ASSERT_EQ(answer.status, 200) << answer.body;
  const json rules = body(answer)["rules"];
  EXPECT_EQ(body(answer)["ruleset_hash"], "abcdef0123456789");
  ASSERT_EQ(rules.size(), 3u) << answer.body;
  EXPECT_EQ(rules[0]["id"], "AML-OTHER");
  EXPECT_TRUE(rules[0]["definition"].is_null());
  EXPECT_EQ(rules[0]["title"], "Other rule");
  EXPECT_EQ(rules[0]["last_24h"], 1);
  EXPECT_EQ(rules[0]["versions"][0]["version"], 4);
  EXPECT_EQ(rules[0]["versions"][0]["ruleset_hashes"], json::array({"0011223344556677"}));
  EXPECT_EQ(rules[1]["id"], "AML-QUIET");
  EXPECT_EQ(rules[1]["total"], 0);
  EXPECT_EQ(rules[1]["versions"].size(), 0u);
  EXPECT_EQ(rules[1]["definition"]["severity"], "low");
  EXPECT_EQ(rules[2]["id"], "AML-STRUCT-CASH");
  EXPECT_EQ(rules[2]["title"], "Cash just under the threshold");
  EXPECT_EQ(rules[2]["definition"]["version"], 2);
  EXPECT_EQ(rules[2]["definition"]["source"], "FinCEN FIN-2014-A005");
  EXPECT_EQ(rules[2]["total"], 2);
  EXPECT_EQ(rules[2]["last_24h"], 0);
  EXPECT_EQ(rules[2]["last_7d"], 2);
  EXPECT_EQ(rules[2]["versions"][0]["first_ms"], stored_at);
  // Every role reads the rules, an admin too; nobody without credentials.
  EXPECT_EQ(call("GET", "/api/v1/rules", &admin).status, 200);
  EXPECT_EQ(call("GET", "/api/v1/rules").status, 401);
}

nexus::lists::LoadedList list_version(const std::string& version,
                                      const std::vector<std::string>& references,
                                      const std::string& renamed = "") {
  nexus::lists::LoadedList loaded;
  loaded.list = "UN";
  loaded.version = version;
  for (const auto& reference : references) {
    screening::ListEntry entry;
    entry.list = "UN";
    entry.reference = reference;
    entry.names.push_back({reference == renamed ? "New Name" : "Name of " + reference});
    loaded.entries.push_back(entry);
  }
  return loaded;
}

TEST_F(DeskApiTest, ListsShowTheCurrentVersionAndItsDiffComputedOnce) {
  const Client admin = login("root");
  EXPECT_EQ(body(call("GET", "/api/v1/lists", &admin))["lists_dir"], nullptr)
      << "without `lists:` the answer says none is configured";

  const fs::path data = dir_ / "lists-data";
  nexus::lists::ListStore lists(data.string());
  ASSERT_TRUE(lists.import(list_version("2026-01-01", {"QDi.1", "QDi.2", "QDi.3"})));
  ASSERT_TRUE(
      lists.import(list_version("2026-02-01", {"QDi.2", "QDi.3", "QDi.4", "QDi.5"}, "QDi.3")));
  DeskApiConfig config;
  config.lists_dir = data.string();
  api_ = std::make_unique<DeskApi>(
      *store_, [this] { return now_ms_; }, config);
  add_user(login("root"), "ana", "analyst");
  const Client ana = login("ana");
  const auto answer = call("GET", "/api/v1/lists", &ana);
  ASSERT_EQ(answer.status, 200) << answer.body;
  const json un = body(answer)["lists"][0];
  EXPECT_EQ(un["list"], "UN");
  EXPECT_EQ(un["version"], 2);
  EXPECT_EQ(un["previous_version"], 1);
  EXPECT_EQ(un["source_version"], "2026-02-01");
  EXPECT_EQ(un["entries"], 4);
  EXPECT_EQ(un["added"], 2);
  EXPECT_EQ(un["removed"], 1);
  EXPECT_EQ(un["changed"], 1);
  EXPECT_GT(un["imported_ms"].get<int64_t>(), 1'700'000'000'000);
  // Computed once: the older snapshot is not read again for the same version...
  fs::remove(data / "lists" / "UN" / "v000001.jsonl");
  EXPECT_EQ(body(call("GET", "/api/v1/lists", &ana))["lists"][0], un);
  // ...and a new import while the desk runs is seen on the next request.
  ASSERT_TRUE(lists.import(list_version("2026-03-01", {"QDi.2", "QDi.3", "QDi.4"})));
  const json next = body(call("GET", "/api/v1/lists", &ana))["lists"][0];
  EXPECT_EQ(next["version"], 3);
  EXPECT_EQ(next["removed"], 1);
  EXPECT_EQ(next["added"], 0);
  EXPECT_EQ(next["changed"], 1) << "QDi.3 has its old name again";
}

TEST_F(DeskApiTest, AStateChangeWithoutTheCsrfTokenIsRefused) {
  const Client admin = login("root");
  add_user(admin, "ana", "analyst");
  const Client ana = login("ana");
  const std::string path = "/api/v1/cases/" + std::to_string(case_of(ana, "a-high")) + "/comments";
  const auto refused = call("POST", path, &ana, R"({"text":"hello"})", /*with_csrf=*/false);
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(body(refused)["error"], "csrf");
  Client forged = ana;
  forged.csrf = "not-the-token";
  EXPECT_EQ(call("POST", path, &forged, R"({"text":"hello"})").status, 403);
  EXPECT_EQ(call("POST", path, &ana, R"({"text":"hello"})").status, 200);
  // A form post (no JSON content type) is refused too.
  HttpRequest form;
  form.method = "POST";
  form.target = path;
  form.body = "text=hello";
  form.headers = {{"content-type", "application/x-www-form-urlencoded"},
                  {"cookie", "nexus_session=" + ana.cookie},
                  {"x-csrf-token", ana.csrf}};
  EXPECT_EQ(api_->handle(form).status, 415);
}

TEST_F(DeskApiTest, InjectionStringsInFiltersAndTextChangeNothingAndEveryAnswerHasACsp) {
  const Client admin = login("root");
  add_user(admin, "ana", "analyst");
  const Client ana = login("ana");
  for (const std::string hostile : {"' OR '1'='1", "x'); DROP TABLE alerts;--", "\" OR 1=1 --", "*",
                                    "NEAR(a b)", "a%27%20OR%201=1", "%00"}) {
    for (const char* field : {"rule", "subject", "typology", "assignee", "q"}) {
      const auto response =
          call("GET", std::string("/api/v1/alerts?") + field + "=" + hostile, &ana);
      // A NUL byte in a filter is refused (400), in free text it separates words; anything
      // else is an ordinary value. Never a 500.
      EXPECT_EQ(response.status, hostile == "%00" && std::string(field) != "q" ? 400 : 200)
          << field << "=" << hostile << ": " << response.body;
      // Matching text is only ever words: nothing matches these, and nothing breaks.
      if (std::string(field) != "q") {
        EXPECT_EQ(body(response)["alerts"].size(), 0u) << hostile;
      }
    }
  }
  // The store still holds both alerts, and a name with SQL in it is found as words.
  EXPECT_EQ(body(call("GET", "/api/v1/alerts", &ana))["alerts"].size(), 2u);
  const auto found = call("GET", "/api/v1/alerts?q=Robert%20DROP", &ana);
  ASSERT_EQ(body(found)["alerts"].size(), 1u) << found.body;
  EXPECT_EQ(body(found)["alerts"][0]["id"], "a-low");
  // HTML in a name travels as JSON text, and every answer forbids inline script.
  const auto detail = call("GET", "/api/v1/alerts/a-high", &ana);
  EXPECT_EQ(detail.content_type, "application/json");
  EXPECT_EQ(body(detail)["alert"]["evidence"][0]["observed"], "<script>alert(1)</script> Trading");
  bool csp = false, nosniff = false;
  for (const auto& [name, value] : detail.headers) {
    csp = csp || (name == "Content-Security-Policy" &&
                  value.find("script-src 'self'") != std::string::npos &&
                  value.find("unsafe-inline") == std::string::npos);
    nosniff = nosniff || (name == "X-Content-Type-Options" && value == "nosniff");
  }
  EXPECT_TRUE(csp && nosniff);
  EXPECT_EQ(call("GET", "/api/v1/alerts?sort=id;DROP", &ana).status, 400);
  EXPECT_EQ(call("GET", "/api/v1/alerts?limit=1e9", &ana).status, 400);
  EXPECT_EQ(call("GET", "/api/v1/alerts?cursor=zz", &ana).status, 400);
}

TEST_F(DeskApiTest, ADeeplyNestedBodyIsRefusedInsteadOfOverflowingTheParser) {
  const Client admin = login("root");
  // 400,000 '[' overflowed the server thread's stack in nlohmann::json's recursive parser.
  const auto refused = call("POST", "/api/v1/users", &admin, std::string(400'000, '['));
  EXPECT_EQ(refused.status, 400) << refused.body.substr(0, 200);
  EXPECT_NE(refused.body.find("nests deeper"), std::string::npos) << refused.body;
  // The desk goes on answering.
  EXPECT_EQ(call("GET", "/api/v1/users", &admin).status, 200);
}

TEST_F(DeskApiTest, TheEleventhWrongPasswordInAMinuteIsRefusedWithoutCheckingIt) {
  for (int i = 0; i < 10; ++i) {
    const auto wrong =
        call("POST", "/api/v1/session", nullptr,
             json{{"user", "root"}, {"password", "wrong password " + std::to_string(i)}}.dump());
    EXPECT_EQ(wrong.status, 401) << i;
  }
  // Even the right password is not checked now.
  const auto limited = call("POST", "/api/v1/session", nullptr,
                            json{{"user", "root"}, {"password", kPassword}}.dump());
  EXPECT_EQ(limited.status, 429) << limited.body;
  now_ms_ += 61'000;
  login("root");
}

TEST_F(DeskApiTest, TheWebUiIsServedFromItsDirectoryAndNothingOutsideIt) {
  fs::create_directories(dir_ / "web" / "assets");
  std::ofstream(dir_ / "web" / "index.html") << "<!doctype html><title>desk</title>";
  std::ofstream(dir_ / "web" / "assets" / "app.js") << "console.log(1)";
  std::ofstream(dir_ / "web" / ".secret") << "hidden";
  std::ofstream(dir_ / "outside.txt") << "not for the web";
  DeskApiConfig config;
  config.web_dir = (dir_ / "web").string();
  DeskApi api(
      *store_, [this] { return now_ms_; }, config);
  auto get = [&api](const std::string& target) {
    HttpRequest request;
    request.method = "GET";
    request.target = target;
    return api.handle(request);
  };
  EXPECT_EQ(get("/").body, "<!doctype html><title>desk</title>");
  EXPECT_EQ(get("/").content_type, "text/html; charset=utf-8");
  EXPECT_EQ(get("/assets/app.js").body, "console.log(1)");
  EXPECT_EQ(get("/assets/app.js").content_type, "text/javascript; charset=utf-8");
  // The UI's own routes get its page; nothing above its directory or hidden is served.
  EXPECT_EQ(get("/cases/12").body, "<!doctype html><title>desk</title>");
  EXPECT_EQ(get("/../outside.txt").status, 404);
  EXPECT_EQ(get("/%2e%2e/outside.txt").status, 404);
  EXPECT_EQ(get("/assets/..%2f..%2foutside.txt").status, 404);
  EXPECT_EQ(get("/assets/a%2f..%2f..%2f..%2foutside.txt").status, 404);
  EXPECT_EQ(get("/.secret").status, 404);
  bool csp = false;
  for (const auto& [name, value] : get("/").headers) csp = csp || name == "Content-Security-Policy";
  EXPECT_TRUE(csp);
  // Without a built UI the desk says so and the API still answers.
  EXPECT_EQ(call("GET", "/").status, 503);
  EXPECT_EQ(call("GET", "/api/v1/alerts").status, 401);
}

TEST_F(DeskApiTest, EngineEventsLandInTheAuditChainOnceEach) {
  auto broker = EmbeddedBroker::start();
  ASSERT_TRUE(broker);
  ASSERT_TRUE(broker.value()->create_topic("alerts", 1));
  ASSERT_TRUE(broker.value()->create_topic("nexus-events", 1));
  const std::string bootstrap = broker.value()->bootstrap_servers();
  auto producer = KafkaProducer::create({{"bootstrap.servers", bootstrap}});
  ASSERT_TRUE(producer);
  nexus::v1::EngineEvent start;
  start.set_id("host:7/1700000000000/0");
  start.set_instance("host:7");
  start.set_action("engine.start");
  start.set_object("ruleset:abc123");
  start.mutable_at()->set_seconds(1'700'000'000);
  start.set_details_json(R"({"rules":38,"recovered_offsets":{"transactions/0":1200}})");
  nexus::v1::EngineEvent reload = start;
  reload.set_id("host:7/1700000000000/1");
  reload.set_action("engine.rules_reloaded");
  reload.set_details_json(R"({"previous":"abc123","live":"def456"})");
  // A list reload as `nexus run` publishes it (app/list_reloader.cpp): per list its versions
  // and what changed, kept whole in the chain.
  nexus::v1::EngineEvent lists = start;
  lists.set_id("host:7/1700000000000/2");
  lists.set_action("engine.lists_reloaded");
  lists.set_object("lists:UN=2");
  lists.set_details_json(
      R"({"lists_dir":"/srv/lists","previous":"UN=1","lists":{"UN":{"version":2,)"
      R"("previous_version":1,"source_version":"2026-03-02","entries":3,"added":1,)"
      R"("changed":0,"removed":0}}})");
  for (const auto* event : {&start, &reload, &lists, &start}) {  // start twice: read at least once
    ASSERT_TRUE(producer.value()->produce("nexus-events", "host:7", event->SerializeAsString()));
  }
  ASSERT_TRUE(producer.value()->produce("nexus-events", "x", std::string("\x08\x01junk", 6)));
  ASSERT_TRUE(producer.value()->flush());

  DeskIngestConfig ingest_config;
  ingest_config.kafka = {{"bootstrap.servers", bootstrap}, {"group.id", "desk-events-test"}};
  ingest_config.events_topic = "nexus-events";
  std::vector<std::string> refused;
  auto ingest = start_ingest(ingest_config, [&refused](const std::string& at, const std::string&) {
    refused.push_back(at);
  });
  ASSERT_TRUE(ingest);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (ingest->counts().read < 5 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ingest.reset();
  EXPECT_EQ(refused, std::vector<std::string>{"nexus-events/0@4"});
  desk::AuditFilter engine;
  engine.object = "engine:host:7";
  const auto entries = store_->audit_entries(engine, 0, 100).value();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].action, "engine.start");
  EXPECT_EQ(entries[0].role, "system");
  EXPECT_EQ(entries[0].actor, "engine:host:7");
  const json facts = json::parse(entries[0].after_json);
  EXPECT_EQ(facts["about"], "ruleset:abc123");
  EXPECT_EQ(facts["recovered_offsets"]["transactions/0"], 1200);
  EXPECT_EQ(facts["at_ms"], 1'700'000'000'000);
  EXPECT_EQ(entries[1].action, "engine.rules_reloaded");
  EXPECT_EQ(entries[2].action, "engine.lists_reloaded");
  const json reloaded = json::parse(entries[2].after_json);
  EXPECT_EQ(reloaded["about"], "lists:UN=2");
  EXPECT_EQ(reloaded["lists"]["UN"]["previous_version"], 1);
  EXPECT_EQ(reloaded["lists"]["UN"]["version"], 2);
  EXPECT_EQ(reloaded["lists"]["UN"]["added"], 1);
  EXPECT_TRUE(desk::verify_audit(*store_, std::nullopt).value().intact);
}

TEST_F(DeskApiTest, TheAlertsTopicIsStoredOnceEachAndARestartResumesAfterWhatWasStored) {
  const auto broker = broker_with_alerts_topic();
  ASSERT_TRUE(broker);
  const std::string bootstrap = broker->bootstrap_servers();
  auto producer = KafkaProducer::create({{"bootstrap.servers", bootstrap}});
  ASSERT_TRUE(producer);
  auto publish = [&](const nexus::v1::Alert& alert) {
    ASSERT_TRUE(producer.value()->produce("alerts", alert.subject(), alert.SerializeAsString()));
  };
  for (int i = 0; i < 20; ++i) {
    publish(make_alert("k-" + std::to_string(i), "ACC-K" + std::to_string(i % 4),
                       nexus::v1::SEVERITY_MEDIUM, 50, 1'735'689'600 + i,
                       "Party " + std::to_string(i)));
  }
  publish(make_alert("k-3", "ACC-K3", nexus::v1::SEVERITY_MEDIUM, 50, 1'735'689'603, "again"));
  ASSERT_TRUE(producer.value()->produce("alerts", "x", std::string("\xff\x01 not an alert", 15)));
  ASSERT_TRUE(producer.value()->flush());

  auto ingest_once = [&](uint64_t until_read, std::vector<std::string>* refused) {
    SqliteDeskConfig config;
    config.path = (dir_ / "desk.db").string();
    auto connection = open_sqlite_desk_store(config);
    EXPECT_TRUE(connection) << connection.error().message;
    DeskIngestConfig ingest_config;
    // A short session: the restarted member gets the partition soon after the first left.
    ingest_config.kafka = {{"bootstrap.servers", bootstrap},
                           {"group.id", "desk-test"},
                           {"session.timeout.ms", "6000"}};
    ingest_config.on_refused = [refused](const std::string& at, const std::string&) {
      refused->push_back(at);
    };
    auto ingest = DeskIngest::start(std::move(ingest_config), std::move(connection.value()));
    EXPECT_TRUE(ingest) << ingest.error().message;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (ingest.value()->counts().read < until_read &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the last batch and commit
    const auto& counts = ingest.value()->counts();
    return std::array<uint64_t, 4>{counts.read, counts.stored, counts.duplicates, counts.refused};
  };
  std::vector<std::string> refused;
  const auto first = ingest_once(22, &refused);
  EXPECT_EQ(first, (std::array<uint64_t, 4>{22, 20, 1, 1}));
  EXPECT_EQ(refused, std::vector<std::string>{"alerts/0@21"});
  // 20 on the topic, plus the two the fixture stored: each once.
  EXPECT_EQ(store_->query_alerts({}).value().alerts.size(), 22u);

  // A restart reads only what came after the last commit.
  publish(make_alert("k-new", "ACC-K9", nexus::v1::SEVERITY_LOW, 10, 1'735'700'000, "New"));
  ASSERT_TRUE(producer.value()->flush());
  refused.clear();
  const auto second = ingest_once(1, &refused);
  EXPECT_EQ(second, (std::array<uint64_t, 4>{1, 1, 0, 0}));
  EXPECT_TRUE(refused.empty());
  EXPECT_TRUE(store_->get_alert("k-new").value().has_value());
}

TEST_F(DeskApiTest, AShadowAlertOnTheAlertsTopicIsSkippedAndNeverReachesTheQueue) {
  const auto broker = broker_with_alerts_topic();
  ASSERT_TRUE(broker);
  const std::string bootstrap = broker->bootstrap_servers();
  auto producer = KafkaProducer::create({{"bootstrap.servers", bootstrap}});
  ASSERT_TRUE(producer);
  // A misconfigured engine (topics.shadow_alerts pointed at the desk's topic): live, shadow,
  // live.
  nexus::v1::Alert shadow =
      make_alert("s-1", "ACC-S", nexus::v1::SEVERITY_HIGH, 80, 1'735'689'601, "On trial");
  shadow.set_shadow(true);
  for (const auto& alert :
       {make_alert("l-1", "ACC-L", nexus::v1::SEVERITY_HIGH, 80, 1'735'689'600, "Live one"), shadow,
        make_alert("l-2", "ACC-L", nexus::v1::SEVERITY_LOW, 20, 1'735'689'602, "Live two")}) {
    ASSERT_TRUE(producer.value()->produce("alerts", alert.subject(), alert.SerializeAsString()));
  }
  ASSERT_TRUE(producer.value()->flush());
  DeskIngestConfig ingest_config;
  ingest_config.kafka = {{"bootstrap.servers", bootstrap}, {"group.id", "desk-shadow-test"}};
  std::vector<std::pair<std::string, std::string>> refused;
  auto ingest = start_ingest(
      ingest_config,
      [&refused](const std::string& at, const std::string& why) { refused.emplace_back(at, why); });
  ASSERT_TRUE(ingest);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while ((ingest->counts().read < 3 || ingest->counts().stored < 2) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const auto& counts = ingest->counts();
  EXPECT_EQ(counts.read.load(), 3u);
  EXPECT_EQ(counts.stored.load(), 2u);
  EXPECT_EQ(counts.shadow.load(), 1u);
  EXPECT_EQ(counts.refused.load(), 0u);
  ingest.reset();
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].first, "alerts/0@1");
  EXPECT_NE(refused[0].second.find("shadow alert s-1"), std::string::npos) << refused[0].second;
  EXPECT_TRUE(store_->get_alert("l-1").value().has_value());
  EXPECT_TRUE(store_->get_alert("l-2").value().has_value());
  EXPECT_FALSE(store_->get_alert("s-1").value().has_value());
}

/// One request over a socket, as curl sends it (Connection: close).
std::string over_socket(uint16_t port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return "";
  (void)!::write(fd, request.data(), request.size());
  std::string response;
  char buffer[4096];
  ssize_t got;
  while ((got = ::read(fd, buffer, sizeof buffer)) > 0)
    response.append(buffer, static_cast<size_t>(got));
  ::close(fd);
  return response;
}

TEST_F(DeskApiTest, OverHttpOversizeBodiesAndHeadersAreRefused) {
  HttpLimits limits;
  limits.body_limit = 1 << 20;
  limits.header_limit = 16 * 1024;
  auto server = HttpServer::start(
      "127.0.0.1", 0, limits, [this](const HttpRequest& request) { return api_->handle(request); });
  ASSERT_TRUE(server) << server.error().message;
  const uint16_t port = server.value()->port();
  const auto unauthenticated =
      over_socket(port, "GET /api/v1/alerts HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(unauthenticated.find("401 Unauthorized"), std::string::npos) << unauthenticated;
  EXPECT_NE(unauthenticated.find("Content-Security-Policy"), std::string::npos);
  const std::string big(2 << 20, 'x');
  const auto oversize =
      over_socket(port,
                  "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: "
                  "application/json\r\nContent-Length: " +
                      std::to_string(big.size()) + "\r\n\r\n" + big);
  EXPECT_NE(oversize.find("413"), std::string::npos) << oversize.substr(0, 200);
  const auto headers = over_socket(port, "GET /api/v1/alerts HTTP/1.1\r\nHost: x\r\nX-Big: " +
                                             std::string(40'000, 'y') + "\r\n\r\n");
  EXPECT_NE(headers.find("431"), std::string::npos) << headers.substr(0, 200);
}

TEST_F(DeskApiTest, OverTlsTheSessionCookieIsSecureWithoutBeingConfigured) {
  const auto identity = nexus::testing::make_tls_identity(dir_, "desk");
  auto server = HttpServer::start(
      "127.0.0.1", 0, {}, [this](const HttpRequest& request) { return api_->handle(request); },
      TlsConfig{identity.certificate_file, identity.private_key_file, {}});
  ASSERT_TRUE(server) << server.error().message;
  nexus::testing::HttpsClient client(server.value()->port(), identity.certificate_file);
  ASSERT_TRUE(client.ok()) << client.error();
  const auto response = client.request("POST", "/api/v1/session",
                                       json{{"user", "root"}, {"password", kPassword}}.dump());
  EXPECT_EQ(response.rfind("HTTP/1.1 200", 0), 0u) << response << client.error();
  const auto at = response.find("Set-Cookie: nexus_session=");
  ASSERT_NE(at, std::string::npos) << response;
  const std::string cookie = response.substr(at, response.find("\r\n", at) - at);
  EXPECT_NE(cookie.find("; Path=/; HttpOnly; SameSite=Strict; Secure"), std::string::npos)
      << cookie;
  EXPECT_NE(response.find("Strict-Transport-Security: max-age=31536000"), std::string::npos);
  // Over plain HTTP with the default config it is not Secure (TLS may end at a proxy: then
  // secure_cookies says so).
  const auto plain = call("POST", "/api/v1/session", nullptr,
                          json{{"user", "root"}, {"password", kPassword}}.dump());
  for (const auto& [name, value] : plain.headers) {
    if (name == "Set-Cookie") {
      EXPECT_EQ(value.find("Secure"), std::string::npos) << value;
    }
  }
}

}  // namespace
}  // namespace nexus::connectors
