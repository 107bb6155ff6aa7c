// One suite of DeskStore tests, run against SQLite (a temp file) and a real PostgreSQL
// server (scripts/postgres.sh, started by ctest's fixture; connection string in
// NEXUS_DESK_POSTGRES, default host=127.0.0.1 port=15432 dbname=nexus_test user=nexus).
// The PostgreSQL half fails, not skips, when the server is not there.
#include "desk/desk_store.hpp"

#include "connectors/desk_postgres_store.hpp"
#include "connectors/desk_sqlite_store.hpp"

#include "desk/alert_record.hpp"
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace nexus::desk {
namespace {

namespace fs = std::filesystem;
using nexus::v1::Severity;

// ---- backends ----

// What a test needs from a database beyond the store: a fresh place per test, stores that
// cannot open, and a way to play a newer nexus.
class Backend {
 public:
  Backend() = default;
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;
  virtual ~Backend() = default;
  virtual Result<std::unique_ptr<DeskStore>> open(DeskClock clock) = 0;
  virtual std::vector<Result<std::unique_ptr<DeskStore>>> unopenable(DeskClock clock) = 0;
  virtual void write_schema_version(int version) = 0;
  // Runs `sql` on the store's database behind the store's back (what an intruder with the
  // database's password does).
  virtual void execute(const std::string& sql) = 0;
};

connectors::SqliteDeskConfig sqlite_config(const fs::path& path, DeskClock clock) {
  connectors::SqliteDeskConfig config;
  config.path = path.string();
  config.clock = std::move(clock);
  return config;
}

class SqliteBackend final : public Backend {
 public:
  SqliteBackend() {
    static std::atomic<int> counter{0};
    dir_ = fs::temp_directory_path() /
           ("nexus-desk-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  ~SqliteBackend() override { fs::remove_all(dir_); }

  Result<std::unique_ptr<DeskStore>> open(DeskClock clock) override {
    return connectors::open_sqlite_desk_store(sqlite_config(dir_ / "desk.db", clock));
  }
  // A store that cannot be opened: a directory that is not there, then a file that is not
  // a database.
  std::vector<Result<std::unique_ptr<DeskStore>>> unopenable(DeskClock clock) override {
    std::vector<Result<std::unique_ptr<DeskStore>>> out;
    out.push_back(
        connectors::open_sqlite_desk_store(sqlite_config(dir_ / "missing" / "desk.db", clock)));
    std::ofstream(dir_ / "junk.db") << std::string(4096, 'x');
    out.push_back(connectors::open_sqlite_desk_store(sqlite_config(dir_ / "junk.db", clock)));
    return out;
  }
  // What a newer nexus leaves behind.
  void write_schema_version(int version) override {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ / "desk.db").c_str(), &db), SQLITE_OK);
    const std::string sql = "INSERT INTO schema_version (version, applied_ms) VALUES (" +
                            std::to_string(version) + ", 0)";
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  void execute(const std::string& sql) override {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ / "desk.db").c_str(), &db), SQLITE_OK);
    char* message = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message), SQLITE_OK)
        << sql << ": " << (message != nullptr ? message : "");
    sqlite3_free(message);
    sqlite3_close(db);
  }

 private:
  fs::path dir_;
};

std::string postgres_conninfo() {
  const char* value = std::getenv("NEXUS_DESK_POSTGRES");
  return value != nullptr && *value != '\0' ? value
                                            : "host=127.0.0.1 port=15432 dbname=nexus_test"
                                              " user=nexus connect_timeout=5";
}

// Each test gets its own schema in the test database, so tests may run in parallel.
class PostgresBackend final : public Backend {
 public:
  PostgresBackend() {
    static std::atomic<int> counter{0};
    schema_ = "desk_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    admin("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
    admin("CREATE SCHEMA " + schema_);
  }
  ~PostgresBackend() override { admin("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE"); }

  Result<std::unique_ptr<DeskStore>> open(DeskClock clock) override {
    return connectors::open_postgres_desk_store(
        {postgres_conninfo() + " options='-c search_path=" + schema_ + "'", clock});
  }
  std::vector<Result<std::unique_ptr<DeskStore>>> unopenable(DeskClock clock) override {
    std::vector<Result<std::unique_ptr<DeskStore>>> out;
    // Port 1 on loopback: nothing listens there.
    out.push_back(connectors::open_postgres_desk_store(
        {"host=127.0.0.1 port=1 dbname=nexus_test user=nexus connect_timeout=2", clock}));
    out.push_back(connectors::open_postgres_desk_store(
        {postgres_conninfo() + " dbname=no_such_database", clock}));
    return out;
  }
  void execute(const std::string& sql) override {
    admin("SET search_path TO " + schema_ + "; " + sql);
  }
  void write_schema_version(int version) override {
    admin("INSERT INTO " + schema_ + ".schema_version (version, applied_ms) VALUES (" +
          std::to_string(version) + ", 0)");
  }

 private:
  void admin(const std::string& sql) {
    PGconn* connection = PQconnectdb(postgres_conninfo().c_str());
    ASSERT_EQ(PQstatus(connection), CONNECTION_OK)
        << "PostgreSQL for the desk tests is not reachable (" << postgres_conninfo()
        << "): " << PQerrorMessage(connection)
        << "start it with scripts/postgres.sh start (ctest does, as a fixture)";
    PGresult* result = PQexec(connection, sql.c_str());
    EXPECT_EQ(PQresultStatus(result), PGRES_COMMAND_OK)
        << sql << ": " << PQerrorMessage(connection);
    PQclear(result);
    PQfinish(connection);
  }

  std::string schema_;
};

// ---- fixtures ----

const Actor kAnalyst{"anna", Role::kAnalyst};
const Actor kAnalyst2{"arno", Role::kAnalyst};
const Actor kSupervisor{"sam", Role::kSupervisor};
const Actor kSupervisor2{"sofia", Role::kSupervisor};
const Actor kAuditor{"aude", Role::kAuditor};
const Actor kAdmin{"root", Role::kAdmin};

struct AlertSpec {
  std::string id = std::string();
  std::string subject = "ACC-1";
  Severity severity = nexus::v1::SEVERITY_LOW;
  double score = 10;
  int64_t time_ms = 1'700'000'000'000;
  std::string rule = "R1";
  uint32_t version = 1;
  std::vector<std::string> typologies = std::vector<std::string>(1, "structuring");
  bool hit = false;
  std::string remittance = std::string();
  std::string ruleset_hash = std::string();
};

AlertRecord make_alert(const AlertSpec& spec) {
  nexus::v1::Alert alert;
  alert.set_id(spec.id);
  alert.set_rule_id(spec.rule);
  alert.set_rule_version(spec.version);
  alert.set_severity(spec.severity);
  alert.set_score(spec.score);
  for (const auto& typology : spec.typologies) alert.add_typologies(typology);
  alert.set_subject(spec.subject);
  alert.set_ruleset_hash(spec.ruleset_hash);
  alert.set_title(spec.rule + " title");
  alert.mutable_event_time()->set_seconds(spec.time_ms / 1000);
  alert.mutable_event_time()->set_nanos(static_cast<int32_t>(spec.time_ms % 1000) * 1'000'000);
  if (!spec.remittance.empty()) {
    auto* evidence = alert.add_evidence();
    evidence->set_name("remittance_info");
    evidence->set_observed(spec.remittance);
  }
  if (spec.hit) {
    auto* hit = alert.add_sanctions_hits();
    hit->set_list("UN");
    hit->set_reference("QDi.299");
    hit->set_matched_name("Listed Person");
  }
  return alert_record_from(alert);
}

enum class BackendKind { kSqlite, kPostgres };

class DeskStoreTest : public ::testing::TestWithParam<BackendKind> {
 protected:
  DeskStoreTest()
      : backend_(GetParam() == BackendKind::kSqlite
                     ? std::unique_ptr<Backend>(std::make_unique<SqliteBackend>())
                     : std::unique_ptr<Backend>(std::make_unique<PostgresBackend>())) {}

  void SetUp() override { store_ = open(); }

  std::unique_ptr<DeskStore> open() {
    auto store = backend_->open([this] { return now_ms_++; });
    EXPECT_TRUE(store) << store.error().code << ": " << store.error().message;
    return store ? std::move(store).value() : nullptr;
  }

  void insert(const AlertSpec& spec) {
    const auto added = store_->insert_alert(make_alert(spec));
    ASSERT_TRUE(added) << added.error().message;
  }

  CaseId case_of(const std::string& alert_id) {
    const auto alert = store_->get_alert(alert_id);
    EXPECT_TRUE(alert && alert.value());
    return alert && alert.value() ? alert.value()->case_id : CaseId{};
  }

  Case get(CaseId id) {
    const auto found = store_->get_case(id);
    EXPECT_TRUE(found && found.value());
    return found && found.value() ? *found.value() : Case{};
  }

  std::vector<std::string> kinds(CaseId id) {
    std::vector<std::string> out;
    const auto events = store_->case_events(id).value();  // a copy: value() of a temporary dangles
    for (const auto& event : events) out.push_back(event.kind);
    return out;
  }

  // Every id the query returns, walking all pages of `page_size`.
  std::vector<std::string> walk(AlertQuery query, int page_size = 4) {
    query.limit = page_size;
    std::vector<std::string> ids;
    for (int pages = 0; pages < 10000; ++pages) {
      const auto page = store_->query_alerts(query);
      EXPECT_TRUE(page) << page.error().message;
      if (!page) break;
      for (const auto& alert : page.value().alerts) ids.push_back(alert.record.id);
      if (page.value().next_cursor.empty()) break;
      query.cursor = page.value().next_cursor;
    }
    return ids;
  }

  std::set<std::string> matching(const AlertFilter& filter) {
    const auto ids = walk(AlertQuery{filter, {}, "", 50}, 3);
    return {ids.begin(), ids.end()};
  }

  std::unique_ptr<Backend> backend_;
  int64_t now_ms_ = 1'800'000'000'000;
  std::unique_ptr<DeskStore> store_;
};

INSTANTIATE_TEST_SUITE_P(Stores, DeskStoreTest,
                         ::testing::Values(BackendKind::kSqlite, BackendKind::kPostgres),
                         [](const ::testing::TestParamInfo<BackendKind>& param_info) {
                           return param_info.param == BackendKind::kSqlite ? "Sqlite" : "Postgres";
                         });

// ---- migrations and opening ----

TEST_P(DeskStoreTest, MigratesAFreshDatabaseAndReopensIt) {
  ASSERT_TRUE(this->store_);
  EXPECT_EQ(this->store_->migrate().value(), 4);  // idempotent
  this->insert({.id = "a1"});
  this->store_.reset();
  this->store_ = this->open();
  ASSERT_TRUE(this->store_);
  EXPECT_EQ(this->store_->migrate().value(), 4);
  EXPECT_TRUE(this->store_->get_alert("a1").value().has_value());
}

// ---- the transactions behind the alerts ----

TEST_P(DeskStoreTest, KeepsTransactionsOnceAsReceivedAndReturnsThemInTheOrderTheyWereRead) {
  auto make = [](const std::string& id, int64_t amount, int64_t read_order) {
    KeptTransaction kept;
    kept.transaction.set_id(id);
    kept.transaction.set_amount_minor(amount);
    kept.transaction.mutable_event_time()->set_seconds(1'700'000'000);
    kept.read_order = read_order;
    return kept;
  };
  const std::vector<KeptTransaction> first = {make("t-1", 100, 30), make("t-2", 200, 10)};
  EXPECT_EQ(this->store_->keep_transactions(first).value(), 2u);
  // A second copy of an id, even with another amount, leaves the kept one as it was.
  const std::vector<KeptTransaction> second = {make("t-2", 999, 5), make("t-3", 300, 20)};
  EXPECT_EQ(this->store_->keep_transactions(second).value(), 1u);
  const std::vector<std::string> ids = {"t-3", "t-none", "t-2", "t-1"};
  const auto kept = this->store_->kept_transactions(ids);
  ASSERT_TRUE(kept) << kept.error().message;
  // In the order they were read, whatever order they are asked for in.
  ASSERT_EQ(kept.value().size(), 3u);
  EXPECT_EQ(kept.value()[0].transaction.id(), "t-2");
  EXPECT_EQ(kept.value()[0].transaction.amount_minor(), 200);
  EXPECT_EQ(kept.value()[0].read_order, 10);
  EXPECT_EQ(kept.value()[1].transaction.id(), "t-3");
  EXPECT_EQ(kept.value()[2].transaction.id(), "t-1");
}

TEST_P(DeskStoreTest, RefusesADatabaseFromANewerBinary) {
  this->store_.reset();
  this->backend_->write_schema_version(99);
  auto store = this->backend_->open([] { return int64_t{0}; });
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, errc::kSchemaTooNew);
  EXPECT_NE(store.error().message.find("99"), std::string::npos) << store.error().message;
  EXPECT_NE(store.error().message.find("newer"), std::string::npos) << store.error().message;
}

TEST_P(DeskStoreTest, RefusesAStoreThatCannotBeOpenedWithTheReason) {
  for (auto& store : this->backend_->unopenable([] { return int64_t{0}; })) {
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().code, errc::kStoreUnavailable) << store.error().message;
    EXPECT_GT(store.error().message.size(), 30u) << store.error().message;
  }
}

// ---- idempotent insert ----

TEST_P(DeskStoreTest, SameAlertIdStoresOnceAlsoAcrossReopen) {
  auto& store = this->store_;
  EXPECT_TRUE(store->insert_alert(make_alert({.id = "a1"})).value());
  EXPECT_FALSE(store->insert_alert(make_alert({.id = "a1", .score = 99})).value());
  const std::vector<AlertRecord> batch = {make_alert({.id = "a1"}), make_alert({.id = "a2"}),
                                          make_alert({.id = "a2"}), make_alert({.id = "a3"})};
  EXPECT_EQ(store->insert_batch(batch).value(), 2u);
  store.reset();
  store = this->open();
  EXPECT_FALSE(store->insert_alert(make_alert({.id = "a1"})).value());
  EXPECT_EQ(store->insert_batch(batch).value(), 0u);
  const auto counts = store->count_by_status({}).value();
  EXPECT_EQ(counts.at(CaseStatus::kNew), 3);
  EXPECT_EQ(store->get_alert("a1").value()->record.score, 10);  // the first one stays
  const Case only = this->get(this->case_of("a1"));
  EXPECT_EQ(only.alert_count, 3);
}

TEST_P(DeskStoreTest, StoresTheAlertAsPublished) {
  const AlertRecord record = make_alert({.id = "a1",
                                         .severity = nexus::v1::SEVERITY_HIGH,
                                         .score = 42.5,
                                         .typologies = {"tf", "crowdfunding"},
                                         .hit = true,
                                         .remittance = "donation"});
  ASSERT_TRUE(this->store_->insert_alert(record).value());
  const auto stored = this->store_->get_alert("a1").value();
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->record.alert_pb, record.alert_pb);
  EXPECT_EQ(stored->record.typologies, record.typologies);
  EXPECT_EQ(stored->record.search_text, record.search_text);
  EXPECT_EQ(stored->record.score, 42.5);
  EXPECT_EQ(stored->record.severity, nexus::v1::SEVERITY_HIGH);
  EXPECT_TRUE(stored->record.has_sanctions_hit);
  EXPECT_EQ(stored->status, CaseStatus::kNew);
  EXPECT_FALSE(this->store_->get_alert("nope").value().has_value());
}

// ---- filters ----

TEST_P(DeskStoreTest, EveryFilterSelectsExactlyItsAlerts) {
  auto& store = this->store_;
  const std::vector<AlertSpec> specs = {
      {.id = "f1",
       .subject = "S1",
       .severity = nexus::v1::SEVERITY_LOW,
       .score = 10,
       .time_ms = 1000,
       .rule = "R1",
       .version = 1,
       .typologies = {"structuring"}},
      {.id = "f2",
       .subject = "S1",
       .severity = nexus::v1::SEVERITY_HIGH,
       .score = 80,
       .time_ms = 2000,
       .rule = "R1",
       .version = 2,
       .typologies = {"tf", "crowdfunding"},
       .hit = true},
      {.id = "f3",
       .subject = "S2",
       .severity = nexus::v1::SEVERITY_MEDIUM,
       .score = 50,
       .time_ms = 3000,
       .rule = "R2",
       .version = 1,
       .typologies = {"tf"}},
      {.id = "f4",
       .subject = "S3",
       .severity = nexus::v1::SEVERITY_CRITICAL,
       .score = 95,
       .time_ms = 4000,
       .rule = "R3",
       .version = 1,
       .typologies = {},
       .hit = true},
      {.id = "f5",
       .subject = "S4",
       .severity = nexus::v1::SEVERITY_LOW,
       .score = 50,
       .time_ms = 5000,
       .rule = "R2",
       .version = 1,
       .typologies = {"trafficking"}},
  };
  for (const auto& spec : specs) this->insert(spec);
  // Case S2 in review and assigned, S3 escalated.
  const CaseId s2 = this->case_of("f3");
  const CaseId s3 = this->case_of("f4");
  ASSERT_TRUE(store->set_status(kAnalyst, s2, CaseStatus::kInReview, ""));
  ASSERT_TRUE(store->assign(kAnalyst, s2, "anna"));
  ASSERT_TRUE(store->set_status(kAnalyst, s3, CaseStatus::kInReview, ""));
  ASSERT_TRUE(store->set_status(kAnalyst, s3, CaseStatus::kEscalated, ""));

  using Ids = std::set<std::string>;
  AlertFilter filter;
  EXPECT_EQ(this->matching(filter), (Ids{"f1", "f2", "f3", "f4", "f5"}));
  filter = {};
  filter.statuses = {CaseStatus::kNew};
  EXPECT_EQ(this->matching(filter), (Ids{"f1", "f2", "f5"}));
  filter.statuses = {CaseStatus::kInReview, CaseStatus::kEscalated};
  EXPECT_EQ(this->matching(filter), (Ids{"f3", "f4"}));
  filter = {};
  filter.rule_id = "R1";
  EXPECT_EQ(this->matching(filter), (Ids{"f1", "f2"}));
  filter.rule_version = 2;
  EXPECT_EQ(this->matching(filter), (Ids{"f2"}));
  filter = {};
  filter.severities = {nexus::v1::SEVERITY_HIGH, nexus::v1::SEVERITY_CRITICAL};
  EXPECT_EQ(this->matching(filter), (Ids{"f2", "f4"}));
  filter = {};
  filter.typology = "tf";
  EXPECT_EQ(this->matching(filter), (Ids{"f2", "f3"}));
  filter = {};
  filter.subject_key = "S1";
  EXPECT_EQ(this->matching(filter), (Ids{"f1", "f2"}));
  filter = {};
  filter.assignee = "anna";
  EXPECT_EQ(this->matching(filter), (Ids{"f3"}));
  filter.assignee = "";
  EXPECT_EQ(this->matching(filter), (Ids{"f1", "f2", "f4", "f5"}));
  filter = {};
  filter.min_score = 50;
  EXPECT_EQ(this->matching(filter), (Ids{"f2", "f3", "f4", "f5"}));
  filter.max_score = 80;
  EXPECT_EQ(this->matching(filter), (Ids{"f2", "f3", "f5"}));
  filter = {};
  filter.from_ms = 2000;
  filter.to_ms = 4000;
  EXPECT_EQ(this->matching(filter), (Ids{"f2", "f3"}));
  filter = {};
  filter.has_sanctions_hit = true;
  EXPECT_EQ(this->matching(filter), (Ids{"f2", "f4"}));
  filter.has_sanctions_hit = false;
  EXPECT_EQ(this->matching(filter), (Ids{"f1", "f3", "f5"}));
  // Two filters at once, as the queue asks.
  filter = {};
  filter.statuses = {CaseStatus::kNew};
  filter.rule_id = "R2";
  EXPECT_EQ(this->matching(filter), (Ids{"f5"}));
  // Sorted by score, one row a page: behind one status and one severity, behind several
  // statuses and behind a rule the SQL reads other indexes (or none), in the same order.
  using Order = std::vector<std::string>;
  AlertQuery by_score;
  by_score.sort = {SortField::kScore, /*descending=*/true};
  by_score.filter.statuses = {CaseStatus::kNew};
  by_score.filter.severities = {nexus::v1::SEVERITY_LOW};
  EXPECT_EQ(this->walk(by_score, 1), (Order{"f5", "f1"}));
  by_score.filter = {};
  by_score.filter.statuses = {CaseStatus::kNew, CaseStatus::kEscalated};
  EXPECT_EQ(this->walk(by_score, 1), (Order{"f4", "f2", "f5", "f1"}));
  by_score.filter = {};
  by_score.filter.rule_id = "R1";
  EXPECT_EQ(this->walk(by_score, 1), (Order{"f2", "f1"}));

  filter = {};
  filter.rule_id = "R2";
  const auto counts = store->count_by_status(filter).value();
  EXPECT_EQ(counts,
            (std::map<CaseStatus, int64_t>{{CaseStatus::kNew, 1}, {CaseStatus::kInReview, 1}}));
}

TEST_P(DeskStoreTest, FreeTextMatchesNamesSubjectsAndRemittanceWords) {
  this->insert({.id = "t1", .subject = "ACC-100", .remittance = "zakat for Hassan brothers"});
  this->insert({.id = "t2", .subject = "ACC-200", .hit = true, .remittance = "school fees"});
  this->insert({.id = "t3", .subject = "ACC-300", .remittance = "Hassan rent"});
  using Ids = std::set<std::string>;
  AlertFilter filter;
  filter.text = "hassan";
  EXPECT_EQ(this->matching(filter), (Ids{"t1", "t3"}));
  filter.text = "Hassan  ZAKAT";  // all words, any case
  EXPECT_EQ(this->matching(filter), (Ids{"t1"}));
  filter.text = "listed person";  // the sanctions hit's matched name
  EXPECT_EQ(this->matching(filter), (Ids{"t2"}));
  filter.text = "ACC-200";
  EXPECT_EQ(this->matching(filter), (Ids{"t2"}));
  filter.text = "nobody";
  EXPECT_EQ(this->matching(filter), Ids{});
  filter.text = "hassan";
  filter.subject_key = "ACC-300";
  EXPECT_EQ(this->matching(filter), (Ids{"t3"}));
  filter = {};
  filter.text = " \"*()^:- ";  // no words: no text condition
  EXPECT_EQ(this->matching(filter).size(), 3u);
}

TEST_P(DeskStoreTest, InjectionStringsAreOnlyValues) {
  const std::vector<std::string> hostile = {"'; DROP TABLE alerts; --",
                                            "\" OR 1=1 --",
                                            "x' OR '1'='1",
                                            "R1' --",
                                            "*",
                                            "NEAR(a b)",
                                            "a\"b",
                                            "$1",
                                            "?",
                                            "\\",
                                            "%",
                                            "_",
                                            "' UNION SELECT id FROM users --",
                                            "alert_search MATCH '*'",
                                            "search_tsv @@ to_tsquery('a')"};
  this->insert({.id = "i1", .subject = "S1"});
  for (const auto& evil : hostile) {
    AlertFilter filter;
    filter.text = evil;
    const auto page = this->store_->query_alerts(AlertQuery{filter, {}, "", 50});
    ASSERT_TRUE(page) << evil << ": " << page.error().message;
    filter = {};
    filter.subject_key = evil;
    filter.rule_id = evil;
    filter.typology = evil;
    filter.assignee = evil;
    EXPECT_TRUE(this->matching(filter).empty()) << evil;
    // Hostile text as stored values round-trips exactly.
    const std::string id = "evil-" + evil;
    ASSERT_TRUE(this->store_
                    ->insert_alert(
                        make_alert({.id = id, .subject = evil, .rule = evil, .remittance = evil}))
                    .value())
        << evil;
    const auto stored = this->store_->get_alert(id).value();
    ASSERT_TRUE(stored) << evil;
    EXPECT_EQ(stored->record.subject_key, evil);
    EXPECT_EQ(stored->record.rule_id, evil);
    EXPECT_FALSE(this->store_->query_alerts(AlertQuery{{}, {}, evil, 10}));  // a bad cursor
  }
  AlertFilter filter;
  filter.subject_key = hostile[0];
  EXPECT_EQ(this->matching(filter), (std::set<std::string>{"evil-" + hostile[0]}));
  EXPECT_TRUE(this->store_->get_alert("i1").value().has_value());  // alerts is still there
  EXPECT_EQ(this->matching({}).size(), hostile.size() + 1);
  // A NUL byte (PostgreSQL text cannot hold one) is refused alike by both stores.
  const std::string nul("nul\0byte", 8);
  const auto refused = this->store_->insert_alert(make_alert({.id = nul}));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, errc::kInvalidArgument);
  filter.subject_key = nul;
  const auto query = this->store_->query_alerts(AlertQuery{filter, {}, "", 10});
  ASSERT_FALSE(query);
  EXPECT_EQ(query.error().code, errc::kInvalidArgument);
}

// ---- sort and pagination ----

TEST_P(DeskStoreTest, EverySortWalksAllPagesWithoutDuplicatesOrGaps) {
  std::mt19937 random(20261203);
  std::vector<AlertRecord> records;
  for (int i = 0; i < 120; ++i) {
    // Few distinct keys, so ties (broken by arrival) are common.
    records.push_back(
        make_alert({.id = "p" + std::to_string(1000 + static_cast<int>(random() % 9000)) + "-" +
                          std::to_string(i),
                    .subject = "S" + std::to_string(i % 7),
                    .severity = static_cast<Severity>(1 + random() % 4),
                    .score = static_cast<double>(random() % 10) / 3.0,
                    .time_ms = 1'700'000'000'000 + static_cast<int64_t>(random() % 20) * 1000}));
  }
  ASSERT_EQ(this->store_->insert_batch(records).value(), records.size());
  for (const auto field : {SortField::kEventTime, SortField::kScore, SortField::kSeverity}) {
    for (const bool descending : {true, false}) {
      auto key = [&](const AlertRecord& record) {
        return field == SortField::kScore      ? record.score
               : field == SortField::kSeverity ? static_cast<double>(record.severity)
                                               : static_cast<double>(record.event_time_ms);
      };
      // Ties in arrival order: the batch's order.
      std::vector<size_t> expected(records.size());
      for (size_t i = 0; i < expected.size(); ++i) expected[i] = i;
      std::sort(expected.begin(), expected.end(), [&](size_t a, size_t b) {
        const auto left = std::make_pair(key(records[a]), a);
        const auto right = std::make_pair(key(records[b]), b);
        return descending ? right < left : left < right;
      });
      std::vector<std::string> expected_ids;
      for (const size_t i : expected) expected_ids.push_back(records[i].id);
      for (const int page_size : {1, 7, 50, 1000}) {
        AlertQuery query;
        query.sort = {field, descending};
        EXPECT_EQ(this->walk(query, page_size), expected_ids)
            << "field " << static_cast<int>(field) << " desc " << descending << " page "
            << page_size;
      }
    }
  }
  // A cursor belongs to its sort.
  AlertQuery query;
  query.limit = 5;
  const std::string cursor = this->store_->query_alerts(query).value().next_cursor;
  ASSERT_FALSE(cursor.empty());
  query.cursor = cursor;
  query.sort.field = SortField::kScore;
  const auto mismatched = this->store_->query_alerts(query);
  ASSERT_FALSE(mismatched);
  EXPECT_EQ(mismatched.error().code, errc::kBadCursor);
}

TEST_P(DeskStoreTest, PagesStayStableWhileAnotherConnectionInserts) {
  std::mt19937 random(7);
  std::vector<AlertRecord> before;
  for (int i = 0; i < 60; ++i) {
    before.push_back(make_alert({.id = "b" + std::to_string(i),
                                 .subject = "S" + std::to_string(i % 5),
                                 .time_ms = static_cast<int64_t>(random() % 30) * 1000}));
  }
  ASSERT_EQ(this->store_->insert_batch(before).value(), before.size());
  auto writer = this->open();  // a second connection, as a second desk process would be
  ASSERT_TRUE(writer);
  AlertQuery query;
  query.limit = 8;
  std::vector<std::string> seen;
  for (int page_number = 0; page_number < 100; ++page_number) {
    const auto page = this->store_->query_alerts(query).value();
    for (const auto& alert : page.alerts) seen.push_back(alert.record.id);
    if (page.next_cursor.empty()) break;
    query.cursor = page.next_cursor;
    std::vector<AlertRecord> more;
    for (int k = 0; k < 3; ++k) {
      more.push_back(make_alert({.id = "n" + std::to_string(page_number) + "-" + std::to_string(k),
                                 .subject = "S" + std::to_string(k),
                                 .time_ms = static_cast<int64_t>(random() % 30) * 1000}));
    }
    ASSERT_EQ(writer->insert_batch(more).value(), 3u);
  }
  const std::set<std::string> unique(seen.begin(), seen.end());
  EXPECT_EQ(unique.size(), seen.size()) << "a row came twice";
  for (const auto& record : before) EXPECT_TRUE(unique.count(record.id)) << record.id;
}

TEST_P(DeskStoreTest, TwoWritersStoreEachAlertOnceAndOneCasePerSubject) {
  // Two connections (two desk processes) insert overlapping batches in opposite orders.
  std::vector<AlertRecord> forward;
  for (int i = 0; i < 300; ++i) {
    forward.push_back(
        make_alert({.id = "w" + std::to_string(i), .subject = "S" + std::to_string(i % 7)}));
  }
  const std::vector<AlertRecord> backward(forward.rbegin(), forward.rend());
  auto other = this->open();
  ASSERT_TRUE(other);
  size_t added_here = 0;
  size_t added_there = 0;
  std::thread there([&] {
    for (size_t at = 0; at < backward.size(); at += 50) {
      const auto added = other->insert_batch(std::span(backward).subspan(at, 50));
      ASSERT_TRUE(added) << added.error().message;
      added_there += added.value();
    }
  });
  for (size_t at = 0; at < forward.size(); at += 50) {
    const auto added = this->store_->insert_batch(std::span(forward).subspan(at, 50));
    ASSERT_TRUE(added) << added.error().message;
    added_here += added.value();
  }
  there.join();
  EXPECT_EQ(added_here + added_there, forward.size());
  const auto cases = this->store_->list_cases("").value();
  ASSERT_EQ(cases.size(), 7u);
  int64_t total = 0;
  for (const auto& each : cases) total += each.alert_count;
  EXPECT_EQ(total, 300);
  EXPECT_EQ(this->matching({}).size(), 300u);
}

// ---- cases ----

TEST_P(DeskStoreTest, AlertsGroupIntoOneOpenCasePerSubject) {
  auto& store = this->store_;
  this->insert({.id = "g1", .subject = "S1", .severity = nexus::v1::SEVERITY_LOW});
  this->insert({.id = "g2", .subject = "S1", .severity = nexus::v1::SEVERITY_MEDIUM});
  this->insert({.id = "g3", .subject = "S2"});
  const CaseId s1 = this->case_of("g1");
  EXPECT_EQ(this->case_of("g2"), s1);
  EXPECT_NE(this->case_of("g3"), s1);
  const Case first = this->get(s1);
  EXPECT_EQ(first.subject_key, "S1");
  EXPECT_EQ(first.alert_count, 2);
  EXPECT_EQ(first.max_severity, nexus::v1::SEVERITY_MEDIUM);
  EXPECT_EQ(store->case_alert_ids(s1).value(), (std::vector<std::string>{"g1", "g2"}));
  EXPECT_EQ(this->kinds(s1), (std::vector<std::string>{"created"}));
  // A closed case takes no more alerts: the next one opens a new case.
  ASSERT_TRUE(store->set_status(kAnalyst, s1, CaseStatus::kInReview, "looking"));
  ASSERT_TRUE(store->close_case(kAnalyst, s1, CloseReason::kFalsePositive, "salary"));
  this->insert({.id = "g4", .subject = "S1"});
  const CaseId next = this->case_of("g4");
  EXPECT_NE(next, s1);
  EXPECT_EQ(this->get(next).status, CaseStatus::kNew);
  EXPECT_EQ(store->list_cases("S1").value().size(), 2u);
  EXPECT_EQ(store->list_cases("").value().size(), 3u);
  // The alert rows follow their case's status.
  EXPECT_EQ(store->get_alert("g1").value()->status, CaseStatus::kClosed);
  EXPECT_EQ(store->get_alert("g4").value()->status, CaseStatus::kNew);
}

TEST_P(DeskStoreTest, MergeMovesAlertsAndClosesTheOtherCase) {
  auto& store = this->store_;
  this->insert({.id = "m1", .subject = "S1"});
  this->insert({.id = "m2", .subject = "S2", .severity = nexus::v1::SEVERITY_HIGH});
  this->insert({.id = "m3", .subject = "S2"});
  const CaseId into = this->case_of("m1");
  const CaseId from = this->case_of("m2");
  ASSERT_TRUE(store->set_status(kAnalyst, into, CaseStatus::kInReview, ""));
  EXPECT_FALSE(store->merge_cases(kAuditor, into, from));
  EXPECT_FALSE(store->merge_cases(kAnalyst, into, into));
  ASSERT_TRUE(store->merge_cases(kAnalyst, into, from));
  const Case merged = this->get(into);
  EXPECT_EQ(merged.alert_count, 3);
  EXPECT_EQ(merged.max_severity, nexus::v1::SEVERITY_HIGH);
  const Case gone = this->get(from);
  EXPECT_EQ(gone.status, CaseStatus::kClosed);
  EXPECT_EQ(gone.close_reason, CloseReason::kMerged);
  EXPECT_EQ(gone.merged_into, into);
  EXPECT_EQ(gone.alert_count, 0);
  EXPECT_EQ(store->get_alert("m2").value()->status, CaseStatus::kInReview);
  EXPECT_EQ(this->kinds(into).back(), "merged");
  EXPECT_EQ(this->kinds(from).back(), "merged_into");
  // A merged case cannot be merged again, nor reopened.
  EXPECT_FALSE(store->merge_cases(kAnalyst, into, from));
  const auto reopen = store->set_status(kSupervisor, from, CaseStatus::kInReview, "");
  ASSERT_FALSE(reopen);
  EXPECT_EQ(reopen.error().code, errc::kInvalidState);
}

TEST_P(DeskStoreTest, SplitMovesSomeAlertsIntoANewCase) {
  auto& store = this->store_;
  this->insert({.id = "s1", .subject = "S1", .time_ms = 1});
  this->insert(
      {.id = "s2", .subject = "S1", .severity = nexus::v1::SEVERITY_CRITICAL, .time_ms = 2});
  this->insert({.id = "s3", .subject = "S1", .time_ms = 3});
  const CaseId original = this->case_of("s1");
  ASSERT_TRUE(store->assign(kAnalyst, original, "anna"));
  const std::vector<std::string> all = {"s1", "s2", "s3"};
  const std::vector<std::string> stranger = {"s1", "nope"};
  EXPECT_FALSE(store->split_case(kAnalyst, original, all));       // nothing would remain
  EXPECT_FALSE(store->split_case(kAnalyst, original, stranger));  // not in this case
  EXPECT_FALSE(store->split_case(kAnalyst, original, std::vector<std::string>{}));
  const std::vector<std::string> moving = {"s2"};
  EXPECT_FALSE(store->split_case(kAuditor, original, moving));
  const auto split = store->split_case(kAnalyst, original, moving);
  ASSERT_TRUE(split) << split.error().message;
  const CaseId created = split.value();
  EXPECT_EQ(store->case_alert_ids(original).value(), (std::vector<std::string>{"s1", "s3"}));
  EXPECT_EQ(store->case_alert_ids(created).value(), (std::vector<std::string>{"s2"}));
  const Case left = this->get(original);
  const Case right = this->get(created);
  EXPECT_EQ(left.alert_count, 2);
  EXPECT_EQ(left.max_severity, nexus::v1::SEVERITY_LOW);
  EXPECT_EQ(right.alert_count, 1);
  EXPECT_EQ(right.max_severity, nexus::v1::SEVERITY_CRITICAL);
  EXPECT_EQ(right.subject_key, "S1");
  EXPECT_EQ(right.assignee, "anna");
  EXPECT_EQ(this->kinds(original).back(), "split");
  EXPECT_EQ(this->kinds(created), (std::vector<std::string>{"split_from"}));
  // New alerts on the subject join the oldest open case.
  this->insert({.id = "s4", .subject = "S1"});
  EXPECT_EQ(this->case_of("s4"), original);
}

TEST_P(DeskStoreTest, StateMachineIsEnforcedAndRecorded) {
  auto& store = this->store_;
  this->insert({.id = "c1", .subject = "S1"});
  const CaseId id = this->case_of("c1");
  const auto skip = store->set_status(kAnalyst, id, CaseStatus::kEscalated, "");
  ASSERT_FALSE(skip);
  EXPECT_EQ(skip.error().code, errc::kInvalidState);
  const auto too_early = store->close_case(kAnalyst, id, CloseReason::kExplained, "");
  ASSERT_FALSE(too_early);
  EXPECT_EQ(too_early.error().code, errc::kInvalidState);
  ASSERT_TRUE(store->set_status(kAnalyst, id, CaseStatus::kInReview, "mine"));
  ASSERT_TRUE(store->set_status(kAnalyst, id, CaseStatus::kEscalated, "needs a supervisor"));
  const auto analyst_close = store->close_case(kAnalyst, id, CloseReason::kExplained, "");
  ASSERT_FALSE(analyst_close);
  EXPECT_EQ(analyst_close.error().code, errc::kForbidden);
  ASSERT_TRUE(store->close_case(kSupervisor, id, CloseReason::kExplained, "payroll"));
  const Case closed = this->get(id);
  EXPECT_EQ(closed.status, CaseStatus::kClosed);
  EXPECT_EQ(closed.close_reason, CloseReason::kExplained);
  // Reopen: supervisors only, back to in_review, reason cleared.
  EXPECT_FALSE(store->set_status(kAnalyst, id, CaseStatus::kInReview, ""));
  ASSERT_TRUE(store->set_status(kSupervisor, id, CaseStatus::kInReview, "new facts"));
  EXPECT_EQ(this->get(id).status, CaseStatus::kInReview);
  EXPECT_FALSE(this->get(id).close_reason.has_value());
  EXPECT_EQ(this->kinds(id),
            (std::vector<std::string>{"created", "status", "status", "closed", "reopened"}));
  const auto events = store->case_events(id).value();
  EXPECT_EQ(events[1].actor, "anna");
  EXPECT_NE(events[2].details_json.find("needs a supervisor"), std::string::npos);
  EXPECT_NE(events[3].details_json.find("payroll"), std::string::npos);
  EXPECT_EQ(events[3].actor, "sam");
  EXPECT_LT(events[1].at_ms, events[3].at_ms);
}

TEST_P(DeskStoreTest, FourEyesNeedsAnotherUserWhoIsASupervisor) {
  auto& store = this->store_;
  this->insert({.id = "h1", .subject = "S1", .severity = nexus::v1::SEVERITY_HIGH});
  const CaseId id = this->case_of("h1");
  ASSERT_TRUE(store->set_status(kAnalyst, id, CaseStatus::kInReview, ""));
  const auto direct = store->close_case(kAnalyst, id, CloseReason::kFalsePositive, "");
  ASSERT_FALSE(direct);
  EXPECT_EQ(direct.error().code, errc::kFourEyes);
  const auto supervisor_direct =
      store->close_case(kSupervisor, id, CloseReason::kFalsePositive, "");
  ASSERT_FALSE(supervisor_direct);
  EXPECT_EQ(supervisor_direct.error().code, errc::kFourEyes);

  const auto proposal = store->propose_close(kAnalyst, id, CloseReason::kFalsePositive, "namesake");
  ASSERT_TRUE(proposal) << proposal.error().message;
  const auto second = store->propose_close(kAnalyst2, id, CloseReason::kExplained, "");
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, errc::kConflict);
  // The maker is not the checker, an analyst is not a checker, an auditor changes nothing.
  for (const Actor& wrong : {kAnalyst, kAnalyst2, kAuditor, kAdmin}) {
    const auto approved = store->approve_close(wrong, proposal.value(), "");
    ASSERT_FALSE(approved) << wrong.user;
    EXPECT_EQ(approved.error().code, errc::kForbidden) << wrong.user;
  }
  EXPECT_EQ(this->get(id).status, CaseStatus::kInReview);
  ASSERT_TRUE(store->approve_close(kSupervisor, proposal.value(), "agreed"));
  const Case closed = this->get(id);
  EXPECT_EQ(closed.status, CaseStatus::kClosed);
  EXPECT_EQ(closed.close_reason, CloseReason::kFalsePositive);
  const auto decided = store->get_proposal(proposal.value()).value();
  ASSERT_TRUE(decided);
  EXPECT_EQ(decided->state, ProposalState::kApproved);
  EXPECT_EQ(decided->proposed_by, "anna");
  EXPECT_EQ(decided->decided_by, "sam");
  EXPECT_FALSE(store->approve_close(kSupervisor2, proposal.value(), ""));  // already decided
  EXPECT_EQ(this->kinds(id), (std::vector<std::string>{"created", "status", "close_proposed",
                                                       "close_approved", "closed"}));
}

TEST_P(DeskStoreTest, SupervisorsOwnProposalNeedsASecondSupervisorAndCanBeRejected) {
  auto& store = this->store_;
  this->insert({.id = "r1", .subject = "S1", .severity = nexus::v1::SEVERITY_LOW});
  const CaseId id = this->case_of("r1");
  ASSERT_TRUE(store->set_status(kAnalyst, id, CaseStatus::kInReview, ""));
  // Reported always needs four eyes, even on a low case.
  const auto direct = store->close_case(kSupervisor, id, CloseReason::kReported, "");
  ASSERT_FALSE(direct);
  EXPECT_EQ(direct.error().code, errc::kFourEyes);
  const auto proposal = store->propose_close(kSupervisor, id, CloseReason::kReported, "STR");
  ASSERT_TRUE(proposal);
  const auto own = store->approve_close(kSupervisor, proposal.value(), "");
  ASSERT_FALSE(own);
  EXPECT_EQ(own.error().code, errc::kForbidden);
  EXPECT_FALSE(store->reject_close(kSupervisor, proposal.value(), ""));
  EXPECT_FALSE(store->reject_close(kAnalyst, proposal.value(), ""));
  ASSERT_TRUE(store->reject_close(kSupervisor2, proposal.value(), "not enough for an STR"));
  EXPECT_EQ(this->get(id).status, CaseStatus::kInReview);
  EXPECT_EQ(store->get_proposal(proposal.value()).value()->state, ProposalState::kRejected);
  EXPECT_EQ(this->kinds(id).back(), "close_rejected");
  // A new proposal after a rejection, approved by the second supervisor.
  const auto again = store->propose_close(kSupervisor, id, CloseReason::kReported, "STR v2");
  ASSERT_TRUE(again);
  ASSERT_TRUE(store->approve_close(kSupervisor2, again.value(), ""));
  EXPECT_EQ(this->get(id).close_reason, CloseReason::kReported);
  EXPECT_EQ(store->case_proposals(id).value().size(), 2u);
  // A low case closes directly for a non-reported reason.
  this->insert({.id = "r2", .subject = "S2"});
  const CaseId low = this->case_of("r2");
  ASSERT_TRUE(store->set_status(kAnalyst, low, CaseStatus::kInReview, ""));
  EXPECT_TRUE(store->close_case(kAnalyst, low, CloseReason::kFalsePositive, ""));
}

TEST_P(DeskStoreTest, AuditorAndAdminChangeNoCase) {
  auto& store = this->store_;
  this->insert({.id = "x1", .subject = "S1"});
  this->insert({.id = "x2", .subject = "S2"});
  const CaseId id = this->case_of("x1");
  const CaseId other = this->case_of("x2");
  ASSERT_TRUE(store->set_status(kAnalyst, id, CaseStatus::kInReview, ""));
  const auto proposal = store->propose_close(kAnalyst, id, CloseReason::kReported, "");
  ASSERT_TRUE(proposal);
  const auto events_before = store->case_events(id).value().size();
  const auto audited_before = store->audit_entries({}, 0, 10000).value().size();
  const std::vector<std::string> moving = {"x1"};
  for (const Actor& reader : {kAuditor, kAdmin}) {
    std::vector<Result<void>> attempts;
    attempts.push_back(store->set_status(reader, id, CaseStatus::kEscalated, ""));
    attempts.push_back(store->assign(reader, id, "x"));
    attempts.push_back(store->comment(reader, id, "x"));
    attempts.push_back(store->snooze(reader, id, 5));
    attempts.push_back(store->close_case(reader, id, CloseReason::kExplained, ""));
    attempts.push_back(store->approve_close(reader, proposal.value(), ""));
    attempts.push_back(store->reject_close(reader, proposal.value(), ""));
    attempts.push_back(store->merge_cases(reader, id, other));
    for (size_t i = 0; i < attempts.size(); ++i) {
      ASSERT_FALSE(attempts[i]) << reader.user << " attempt " << i;
      EXPECT_EQ(attempts[i].error().code, errc::kForbidden) << reader.user << " attempt " << i;
    }
    EXPECT_FALSE(store->propose_close(reader, other, CloseReason::kExplained, ""));
    EXPECT_FALSE(store->split_case(reader, id, moving));
    EXPECT_FALSE(store->decide_hit(reader, "P", "UN:1", HitVerdict::kFalsePositive, "r"));
  }
  EXPECT_FALSE(store->create_user(kAuditor, User{"eve", Role::kAdmin, "h", false, 0}));
  EXPECT_EQ(store->case_events(id).value().size(), events_before);
  const Case unchanged = this->get(id);
  EXPECT_EQ(unchanged.status, CaseStatus::kInReview);
  EXPECT_EQ(unchanged.assignee, "");
  EXPECT_EQ(store->audit_entries({}, 0, 10000).value().size(), audited_before);
}

TEST_P(DeskStoreTest, AssignCommentAndSnoozeAreOnTheTimeline) {
  auto& store = this->store_;
  this->insert({.id = "w1", .subject = "S1"});
  const CaseId id = this->case_of("w1");
  ASSERT_TRUE(store->assign(kAnalyst, id, "arno"));
  ASSERT_TRUE(store->comment(kAnalyst2, id, "called the bank"));
  EXPECT_FALSE(store->comment(kAnalyst2, id, ""));
  this->insert({.id = "w2", .subject = "S2"});
  ASSERT_TRUE(store->snooze(kAnalyst2, id, int64_t{1'900'000'000'000}));
  AlertFilter awake;
  awake.awake_at_ms = 1'899'999'999'999;
  EXPECT_EQ(this->matching(awake), (std::set<std::string>{"w2"}));
  awake.awake_at_ms = 1'900'000'000'000;  // the snooze is over
  EXPECT_EQ(this->matching(awake), (std::set<std::string>{"w1", "w2"}));
  EXPECT_EQ(this->get(id).assignee, "arno");
  EXPECT_EQ(this->get(id).snoozed_until_ms, 1'900'000'000'000);
  EXPECT_EQ(store->get_alert("w1").value()->assignee, "arno");
  ASSERT_TRUE(store->snooze(kAnalyst2, id, std::nullopt));
  EXPECT_FALSE(this->get(id).snoozed_until_ms.has_value());
  awake.awake_at_ms = 0;
  EXPECT_EQ(this->matching(awake).size(), 2u);
  EXPECT_EQ(this->kinds(id),
            (std::vector<std::string>{"created", "assigned", "comment", "snoozed", "snoozed"}));
  const auto events = store->case_events(id).value();
  EXPECT_NE(events[2].details_json.find("called the bank"), std::string::npos);
  EXPECT_EQ(events[2].actor, "arno");
  EXPECT_FALSE(store->assign(kAnalyst, CaseId{999999}, "x"));
}

// ---- users, tokens, hit decisions, audit ----

TEST_P(DeskStoreTest, UsersAndTokensAreAdminWorkAndAudited) {
  auto& store = this->store_;
  ASSERT_TRUE(store->create_user(kAdmin, User{"anna", Role::kAnalyst, "$argon2id$x", false, 0}));
  const auto duplicate = store->create_user(kAdmin, User{"anna", Role::kAdmin, "", false, 0});
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().code, errc::kConflict);
  EXPECT_FALSE(store->create_user(kSupervisor, User{"bob", Role::kAnalyst, "", false, 0}));
  ASSERT_TRUE(store->set_user_role(kAdmin, "anna", Role::kSupervisor));
  ASSERT_TRUE(store->set_user_disabled(kAdmin, "anna", true));
  ASSERT_TRUE(store->set_password_hash(kAdmin, "anna", "$argon2id$y"));
  EXPECT_EQ(store->set_user_role(kAdmin, "ghost", Role::kAdmin).error().code, errc::kNotFound);
  const auto anna = store->get_user("anna").value();
  ASSERT_TRUE(anna);
  EXPECT_EQ(anna->role, Role::kSupervisor);
  EXPECT_TRUE(anna->disabled);
  EXPECT_EQ(anna->password_hash, "$argon2id$y");
  EXPECT_EQ(store->list_users().value().size(), 1u);

  ApiToken token;
  token.user = "anna";
  token.token_hash = "sha256:abc";
  token.label = "laptop";
  const auto token_id = store->create_token(kAdmin, token);
  ASSERT_TRUE(token_id) << token_id.error().message;
  EXPECT_EQ(store->create_token(kAdmin, token).error().code, errc::kConflict);
  token.user = "ghost";
  token.token_hash = "sha256:def";
  EXPECT_EQ(store->create_token(kAdmin, token).error().code, errc::kNotFound);
  const auto found = store->find_token("sha256:abc").value();
  ASSERT_TRUE(found);
  EXPECT_EQ(found->user, "anna");
  EXPECT_FALSE(found->revoked);
  EXPECT_FALSE(store->revoke_token(kAnalyst, token_id.value()));
  ASSERT_TRUE(store->revoke_token(kAdmin, token_id.value()));
  EXPECT_TRUE(store->find_token("sha256:abc").value()->revoked);

  std::vector<std::string> actions;
  const auto log = store->audit_entries({}, 0, 100).value();
  for (const auto& entry : log) {
    actions.push_back(entry.action);
    EXPECT_EQ(entry.actor, "root");
    EXPECT_EQ(entry.role, "admin");
    // no hashes in the log
    EXPECT_EQ(entry.after_json.find("argon2id"), std::string::npos);
    EXPECT_EQ(entry.before_json.find("argon2id"), std::string::npos);
  }
  EXPECT_EQ(actions, (std::vector<std::string>{"user.create", "user.role", "user.disable",
                                               "user.password", "token.create", "token.revoke"}));
  EXPECT_EQ(log[1].before_json, R"({"role":"analyst"})");
  EXPECT_EQ(log[1].after_json, R"({"role":"supervisor"})");
  const auto tail = store->audit_entries({}, log[3].seq, 100).value();
  EXPECT_EQ(tail.size(), 2u);
}

TEST_P(DeskStoreTest, TokensAreListedNewestFirstWithExpiryAndRevocation) {
  auto& store = this->store_;
  ASSERT_TRUE(store->create_user(kAdmin, User{"anna", Role::kAnalyst, "$argon2id$x", false, 0}));
  ApiToken token;
  token.user = "anna";
  token.token_hash = "sha256:first";
  token.label = "etl";
  const auto first = store->create_token(kAdmin, token);
  ASSERT_TRUE(first) << first.error().message;
  token.token_hash = "sha256:second";
  token.label = "laptop";
  token.expires_ms = 1'900'000'000'000;
  const auto second = store->create_token(kAdmin, token);
  ASSERT_TRUE(second) << second.error().message;
  ASSERT_TRUE(store->revoke_token(kAdmin, first.value()));

  const auto tokens = store->list_tokens().value();
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[0].id, second.value());
  EXPECT_EQ(tokens[0].label, "laptop");
  EXPECT_EQ(tokens[0].expires_ms, std::optional<int64_t>(1'900'000'000'000));
  EXPECT_FALSE(tokens[0].revoked);
  EXPECT_EQ(tokens[1].id, first.value());
  EXPECT_EQ(tokens[1].user, "anna");
  EXPECT_FALSE(tokens[1].expires_ms);
  EXPECT_TRUE(tokens[1].revoked);
}

TEST_P(DeskStoreTest, CaseAlertsAreTheCasesAlertsByEventTimeInOneRead) {
  insert({.id = "late", .subject = "ACC-9", .time_ms = 3'000});
  insert({.id = "early", .subject = "ACC-9", .time_ms = 1'000});
  insert({.id = "middle", .subject = "ACC-9", .time_ms = 2'000});
  insert({.id = "other", .subject = "ACC-10", .time_ms = 1'500});
  const CaseId id = case_of("late");
  auto ids_of = [](const std::vector<desk::StoredAlert>& alerts) {
    std::vector<std::string> ids;
    for (const auto& alert : alerts) ids.push_back(alert.record.id);
    return ids;
  };
  EXPECT_EQ(ids_of(store_->case_alerts(id, 100).value()),
            (std::vector<std::string>{"early", "middle", "late"}));
  EXPECT_EQ(ids_of(store_->case_alerts(id, 2).value()),
            (std::vector<std::string>{"early", "middle"}));
  const auto alerts = store_->case_alerts(id, 1).value();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].case_id, id);
  EXPECT_EQ(alerts[0].record.subject_key, "ACC-9");
  EXPECT_TRUE(store_->case_alerts(CaseId{999'999}, 10).value().empty());
}

TEST_P(DeskStoreTest, RuleStatsCountByArrivalInTheLastDayAndWeek) {
  constexpr int64_t kHour = 3'600'000;
  constexpr int64_t kNow = 1'800'000'000'000;
  // Event times are all old: the windows are by arrival (the store's clock at insert).
  now_ms_ = kNow - 9 * 24 * kHour;
  insert({.id = "r1-old", .rule = "R1", .version = 1, .ruleset_hash = "hash-a"});
  now_ms_ = kNow - 3 * 24 * kHour;
  insert({.id = "r1-week", .rule = "R1", .version = 1, .ruleset_hash = "hash-b"});
  insert({.id = "r1v2-week", .rule = "R1", .version = 2, .ruleset_hash = "hash-b"});
  now_ms_ = kNow - 2 * kHour;
  insert({.id = "r2-day-1", .rule = "R2", .version = 1, .ruleset_hash = "hash-b"});
  insert({.id = "r2-day-2", .rule = "R2", .version = 1, .ruleset_hash = "hash-b"});
  now_ms_ = kNow + kHour;  // after `now`: in no window, but in the total
  insert({.id = "r2-later", .rule = "R2", .version = 1, .ruleset_hash = "hash-b"});

  const auto stats = store_->rule_stats(kNow);
  ASSERT_TRUE(stats) << stats.error().message;
  ASSERT_EQ(stats.value().size(), 3u);
  const auto& r1 = stats.value()[0];
  EXPECT_EQ(r1.rule_id, "R1");
  EXPECT_EQ(r1.rule_version, 1u);
  EXPECT_EQ(r1.total, 2);
  EXPECT_EQ(r1.last_24h, 0);
  EXPECT_EQ(r1.last_7d, 1);
  EXPECT_EQ(r1.first_ms, kNow - 9 * 24 * kHour);
  EXPECT_EQ(r1.first_ruleset_hash, "hash-a");
  EXPECT_EQ(r1.last_ruleset_hash, "hash-b");
  EXPECT_EQ(r1.title, "R1 title");
  const auto& r1v2 = stats.value()[1];
  EXPECT_EQ(r1v2.rule_id, "R1");
  EXPECT_EQ(r1v2.rule_version, 2u);
  EXPECT_EQ(r1v2.total, 1);
  EXPECT_EQ(r1v2.last_7d, 1);
  const auto& r2 = stats.value()[2];
  EXPECT_EQ(r2.rule_id, "R2");
  EXPECT_EQ(r2.total, 3);
  EXPECT_EQ(r2.last_24h, 2);
  EXPECT_EQ(r2.last_7d, 2);
  EXPECT_EQ(r2.first_ruleset_hash, "hash-b");
  EXPECT_EQ(r2.last_ruleset_hash, "hash-b");
  EXPECT_EQ(r2.severity, nexus::v1::SEVERITY_LOW);
}

TEST_P(DeskStoreTest, FalsePositiveHitDecisionsAllowListUntilASupervisorRevokes) {
  auto& store = this->store_;
  EXPECT_FALSE(store->allow_listed("ACC-1", "UN:QDi.299").value());
  const auto fp = store->decide_hit(kAnalyst, "ACC-1", "UN:QDi.299", HitVerdict::kFalsePositive,
                                    "different date of birth");
  ASSERT_TRUE(fp);
  EXPECT_TRUE(store->allow_listed("ACC-1", "UN:QDi.299").value());
  EXPECT_FALSE(store->allow_listed("ACC-1", "UN:QDi.300").value());
  EXPECT_FALSE(store->allow_listed("ACC-2", "UN:QDi.299").value());
  EXPECT_FALSE(store->decide_hit(kAnalyst, "ACC-1", "UN:QDi.299", HitVerdict::kTrueMatch, ""));
  const auto analyst_revoke = store->revoke_decision(kAnalyst, fp.value(), "");
  ASSERT_FALSE(analyst_revoke);
  EXPECT_EQ(analyst_revoke.error().code, errc::kForbidden);
  ASSERT_TRUE(store->revoke_decision(kSupervisor, fp.value(), "new list entry data"));
  EXPECT_FALSE(store->allow_listed("ACC-1", "UN:QDi.299").value());
  EXPECT_EQ(store->revoke_decision(kSupervisor, fp.value(), "").error().code, errc::kInvalidState);
  const auto tm =
      store->decide_hit(kAnalyst, "ACC-1", "UN:QDi.299", HitVerdict::kTrueMatch, "passport");
  ASSERT_TRUE(tm);
  EXPECT_EQ(store->revoke_decision(kSupervisor, tm.value(), "").error().code, errc::kInvalidState);
  // A later true match outranks an earlier false positive.
  ASSERT_TRUE(store->decide_hit(kAnalyst, "ACC-3", "UN:1", HitVerdict::kFalsePositive, "a"));
  ASSERT_TRUE(store->decide_hit(kAnalyst, "ACC-3", "UN:1", HitVerdict::kTrueMatch, "b"));
  EXPECT_FALSE(store->allow_listed("ACC-3", "UN:1").value());
  const auto decisions = store->hit_decisions("ACC-1").value();
  ASSERT_EQ(decisions.size(), 2u);
  EXPECT_EQ(decisions[0].verdict, HitVerdict::kTrueMatch);  // newest first
  EXPECT_TRUE(decisions[1].revoked);
  EXPECT_EQ(decisions[1].revoked_by, "sam");
  std::vector<std::string> actions;
  AuditFilter hits;
  hits.action = "hit.";
  const auto log = store->audit_entries(hits, 0, 100).value();
  for (const auto& entry : log) actions.push_back(entry.action);
  EXPECT_EQ(actions, (std::vector<std::string>{"hit.decide", "hit.revoke", "hit.decide",
                                               "hit.decide", "hit.decide"}));
}

// ---- the audit chain ----

// Some of everything the chain records: case work, users, tokens, a hit decision, a log-in
// (record), with two signed heads (after entry 6 and at the end). Returns the key.
AuditKey write_history(DeskStore& store) {
  const AuditKey key = generate_audit_key();
  EXPECT_TRUE(store.insert_alert(make_alert({.id = "A1", .severity = nexus::v1::SEVERITY_HIGH})));
  const CaseId id = store.get_alert("A1").value()->case_id;
  EXPECT_TRUE(store.assign(kSupervisor, id, "anna"));
  EXPECT_TRUE(store.set_status(kAnalyst, id, CaseStatus::kInReview, "looking"));
  EXPECT_TRUE(store.comment(kAnalyst, id, "called the bank"));
  EXPECT_TRUE(store.create_user(kAdmin, User{"anna", Role::kAnalyst, "$argon2id$x", false, 0}));
  EXPECT_TRUE(store.record({"anna", "analyst", "session.login", "user:anna", "{}", "{}"}));
  EXPECT_TRUE(store.sign_audit_head(key).value());  // head at entry 6
  EXPECT_TRUE(store.set_status(kAnalyst, id, CaseStatus::kEscalated, "structuring"));
  EXPECT_TRUE(store.decide_hit(kAnalyst, "ACC-1", "UN:1", HitVerdict::kFalsePositive, "dob"));
  EXPECT_TRUE(store.set_user_role(kAdmin, "anna", Role::kSupervisor));
  EXPECT_TRUE(store.sign_audit_head(key).value());  // head at entry 9
  return key;
}

TEST_P(DeskStoreTest, EveryChangeIsOneChainedEntryAndAnUntouchedStoreVerifies) {
  auto& store = this->store_;
  const AuditKey key = write_history(*store);
  const auto entries = store->audit_entries({}, 0, 100).value();
  std::vector<std::string> actions;
  for (const auto& entry : entries) actions.push_back(entry.action);
  EXPECT_EQ(actions, (std::vector<std::string>{"case.created", "case.assigned", "case.status",
                                               "case.comment", "user.create", "session.login",
                                               "case.status", "hit.decide", "user.role"}));
  ASSERT_EQ(entries.size(), 9u);
  EXPECT_EQ(entries[0].actor, "system");
  EXPECT_EQ(entries[0].role, "system");
  EXPECT_EQ(entries[0].prev_hash, genesis_hash());
  EXPECT_EQ(entries[2].role, "analyst");
  EXPECT_EQ(
      entries[2].object,
      "case:" + std::to_string(static_cast<int64_t>(store->get_alert("A1").value()->case_id)));
  EXPECT_EQ(entries[2].before_json, R"({"status":"new"})");
  EXPECT_NE(entries[2].after_json.find(R"("status":"in_review")"), std::string::npos);
  EXPECT_NE(entries[2].after_json.find(R"("to":"in_review")"), std::string::npos);
  for (size_t i = 0; i < entries.size(); ++i) {
    EXPECT_EQ(entries[i].seq, static_cast<int64_t>(i + 1));
    EXPECT_EQ(entries[i].hash, chain_hash(entries[i].prev_hash, entries[i]));
    if (i > 0) {
      EXPECT_EQ(entries[i].prev_hash, entries[i - 1].hash);
    }
  }
  const auto heads = store->signed_heads().value();
  ASSERT_EQ(heads.size(), 2u);
  EXPECT_EQ(heads[0].seq, 6);
  EXPECT_EQ(heads[0].hash, entries[5].hash);

  const auto verdict = verify_audit(*store, key.public_key, /*page=*/4).value();
  EXPECT_TRUE(verdict.intact) << verdict.detail;
  EXPECT_EQ(verdict.entries, 9);
  EXPECT_EQ(verdict.heads, 2);
  EXPECT_EQ(verdict.last_signed_seq, 9);
  EXPECT_EQ(verdict.unsigned_tail, 0);
  // Work after the last head is intact but not yet signed.
  ASSERT_TRUE(store->comment(kAnalyst, CaseId{1}, "more"));
  const auto later = verify_audit(*store, key.public_key).value();
  EXPECT_TRUE(later.intact);
  EXPECT_EQ(later.unsigned_tail, 1);
  // Another desk's key does not vouch for these heads.
  const auto foreign = verify_audit(*store, generate_audit_key().public_key).value();
  EXPECT_FALSE(foreign.intact);
  EXPECT_EQ(foreign.problem, "bad signature");
  EXPECT_EQ(foreign.problem_seq, 6);
  // Filters: one actor, one object, an action prefix, a time range.
  AuditFilter by_actor;
  by_actor.actor = "root";
  EXPECT_EQ(store->audit_entries(by_actor, 0, 100).value().size(), 2u);
  AuditFilter by_action;
  by_action.action = "case.";
  EXPECT_EQ(store->audit_entries(by_action, 0, 100).value().size(), 6u);
  AuditFilter by_object;
  by_object.object = "user:anna";
  EXPECT_EQ(store->audit_entries(by_object, 0, 100).value().size(), 3u);
  AuditFilter by_time;
  by_time.from_ms = entries[3].at_ms;
  by_time.to_ms = entries[5].at_ms;
  EXPECT_EQ(store->audit_entries(by_time, 0, 100).value().size(), 2u);
}

TEST_P(DeskStoreTest, AnEditedEntryIsNamed) {
  const AuditKey key = write_history(*this->store_);
  this->backend_->execute("UPDATE audit_entries SET actor = 'mallory' WHERE seq = 3");
  const auto verdict = verify_audit(*this->store_, key.public_key).value();
  EXPECT_FALSE(verdict.intact);
  EXPECT_EQ(verdict.problem, "edited");
  EXPECT_EQ(verdict.problem_seq, 3);
  EXPECT_NE(verdict.detail.find("entry 3 (case.status"), std::string::npos) << verdict.detail;
}

TEST_P(DeskStoreTest, ADeletedEntryIsNamed) {
  const AuditKey key = write_history(*this->store_);
  this->backend_->execute("DELETE FROM audit_entries WHERE seq = 4");
  const auto verdict = verify_audit(*this->store_, key.public_key).value();
  EXPECT_FALSE(verdict.intact);
  EXPECT_EQ(verdict.problem, "missing");
  EXPECT_EQ(verdict.problem_seq, 4);
}

TEST_P(DeskStoreTest, SwappedEntriesAreNamed) {
  const AuditKey key = write_history(*this->store_);
  this->backend_->execute(
      "UPDATE audit_entries SET seq = -1 WHERE seq = 7;"
      " UPDATE audit_entries SET seq = 7 WHERE seq = 8;"
      " UPDATE audit_entries SET seq = 8 WHERE seq = -1");
  const auto verdict = verify_audit(*this->store_, key.public_key).value();
  EXPECT_FALSE(verdict.intact);
  EXPECT_EQ(verdict.problem, "reordered or inserted");
  EXPECT_EQ(verdict.problem_seq, 7);
}

TEST_P(DeskStoreTest, ARewrittenChainIsCaughtByTheNextSignedHead) {
  auto& store = this->store_;
  const AuditKey key = write_history(*store);
  // The intruder edits entry 2 and recomputes every hash after it: the chain is consistent
  // again, and only a signed head can tell.
  auto entries = store->audit_entries({}, 0, 100).value();
  entries[1].after_json = R"({"from":"","to":"mallory"})";
  std::string prev = entries[0].hash;
  for (size_t i = 1; i < entries.size(); ++i) {
    entries[i].prev_hash = prev;
    entries[i].hash = chain_hash(prev, entries[i]);
    prev = entries[i].hash;
    this->backend_->execute("UPDATE audit_entries SET after_json = '" + entries[i].after_json +
                            "', prev_hash = '" + entries[i].prev_hash + "', hash = '" +
                            entries[i].hash + "' WHERE seq = " + std::to_string(entries[i].seq));
  }
  const auto verdict = verify_audit(*store, key.public_key).value();
  EXPECT_FALSE(verdict.intact);
  EXPECT_EQ(verdict.problem, "rewritten");
  EXPECT_EQ(verdict.problem_seq, 6);  // the first head after entry 2
  EXPECT_NE(verdict.detail.find("after 0 and up to 6"), std::string::npos) << verdict.detail;
}

TEST_P(DeskStoreTest, ATruncatedTailIsToldFromAnIntactOne) {
  auto& store = this->store_;
  const AuditKey key = write_history(*store);
  this->backend_->execute("DELETE FROM audit_entries WHERE seq > 7");
  const auto verdict = verify_audit(*store, key.public_key).value();
  EXPECT_FALSE(verdict.intact);
  EXPECT_EQ(verdict.problem, "truncated");
  EXPECT_EQ(verdict.problem_seq, 8);
  EXPECT_NE(verdict.detail.find("entries 8..9 were removed"), std::string::npos) << verdict.detail;
  // Appending goes on from the new end: the chain itself cannot know it was cut.
  ASSERT_TRUE(store->comment(kAnalyst, CaseId{1}, "after the cut"));
  EXPECT_EQ(store->audit_entries({}, 0, 100).value().back().seq, 8);
}

TEST_P(DeskStoreTest, AnUpgradedDatabaseChainsItsEarlierRows) {
  // A schema-2 database with case events and audit rows: version 3 chains them in time order.
  this->store_.reset();
  this->backend_->execute(
      "DROP TABLE audit_entries; DROP TABLE audit_heads; DROP TABLE transactions;"
      " DELETE FROM schema_version WHERE version >= 3;"
      " INSERT INTO cases (id, subject_key, status, created_ms, updated_ms)"
      " VALUES (1, 'ACC-9', 'new', 5, 5);"
      " INSERT INTO case_events (case_id, at_ms, actor, kind, details)"
      " VALUES (1, 5, 'system', 'created', '{}'),"
      " (1, 20, 'anna', 'comment', '{\"text\":\"old\"}');"
      " INSERT INTO audit_log (at_ms, actor, action, target, details)"
      " VALUES (10, 'root', 'user.create', 'user:anna', '{}')");
  this->store_ = this->open();
  ASSERT_TRUE(this->store_);
  const auto entries = this->store_->audit_entries({}, 0, 100).value();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].action, "case.created");
  EXPECT_EQ(entries[1].action, "user.create");
  EXPECT_EQ(entries[2].action, "case.comment");
  EXPECT_EQ(entries[2].at_ms, 20);
  EXPECT_EQ(entries[2].role, "unrecorded");
  EXPECT_TRUE(verify_audit(*this->store_, std::nullopt).value().intact);
}

}  // namespace
}  // namespace nexus::desk
