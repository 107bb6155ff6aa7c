// Component tests: the engine over a real RocksDB in a temp dir (crash and
// restart), and the file formats.
#include "connectors/csv_mapping_loader.hpp"
#include "connectors/file_sink.hpp"
#include "connectors/file_source.hpp"
#include "connectors/http_server.hpp"
#include "connectors/metrics_server.hpp"
#include "connectors/rocksdb_state_store.hpp"
#include "engine/collecting_sinks.hpp"
#include "engine/engine.hpp"
#include "generator/generator.hpp"
#include "rules/compiler.hpp"

#include "tests/http_client.hpp"
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

namespace nexus {
namespace {

namespace fs = std::filesystem;
using nexus::testing::connect_to;
using nexus::testing::http_get;
using nexus::testing::http_request;

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("nexus-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

std::vector<std::string> generated_records(uint64_t transactions, uint32_t accounts) {
  generator::GeneratorConfig config;
  config.seed = 42;
  config.transactions = transactions;
  config.accounts = accounts;
  config.days = 10;
  std::vector<std::string> out;
  std::vector<generator::ScenarioLabel> labels;
  generator::generate(
      config, [&](const nexus::v1::Transaction& tx) { out.push_back(tx.SerializeAsString()); },
      &labels);
  return out;
}

std::shared_ptr<const rules::RuleSet> shipped_rules() {
  auto rules = rules::compile_rule_dir(std::string(NEXUS_SOURCE_DIR) + "/rules/packs");
  EXPECT_TRUE(rules);
  return rules.value();
}

// Runs records [from, to) through a fresh engine over the RocksDB in `dir`, resuming at
// the committed offset; checkpoints every `every` records and at the end unless `crash`.
void run_segment(const fs::path& dir, const std::vector<std::string>& records, size_t to,
                 size_t every, bool crash, engine::CollectingAlertSink* sink) {
  auto store = connectors::RocksDbStateStore::open(dir);
  ASSERT_TRUE(store) << store.error().message;
  engine::CollectingDeadLetterSink dead_letters;
  engine::Engine engine(shipped_rules(), engine::FxTable::defaults(), *store.value(), *sink,
                        dead_letters, nullptr);
  auto resume = engine.committed_offset("transactions", 0);
  ASSERT_TRUE(resume);
  const size_t from = resume.value() ? static_cast<size_t>(*resume.value()) : 0;
  for (size_t i = from; i < to; ++i) {
    engine::InputRecord record{records[i], engine::InputFormat::kProtobuf, "transactions", 0,
                               static_cast<int64_t>(i)};
    ASSERT_TRUE(engine.process(record));
    if (engine.records_since_checkpoint() >= every) {
      ASSERT_TRUE(engine.checkpoint());
    }
  }
  if (!crash) {
    ASSERT_TRUE(engine.checkpoint());
  }
}

TEST(RocksDbEngine, CrashAndRestartGivesTheSameAlerts) {
  const auto records = generated_records(30'000, 2'000);
  TempDir clean_dir, crash_dir;
  engine::CollectingAlertSink clean;
  run_segment(clean_dir.path(), records, records.size(), 5'000, false, &clean);
  ASSERT_FALSE(clean.alerts.empty());

  // Crash after 17,500 records (2,500 after the last checkpoint), then restart.
  engine::CollectingAlertSink crashed;
  run_segment(crash_dir.path(), records, 17'500, 5'000, true, &crashed);
  run_segment(crash_dir.path(), records, records.size(), 5'000, false, &crashed);

  auto ids = [](const engine::CollectingAlertSink& sink) {
    std::set<std::string> out;
    for (const auto& alert : sink.alerts) out.insert(alert.id());
    return out;
  };
  const std::set<std::string> expected = ids(clean);
  const std::set<std::string> got = ids(crashed);
  EXPECT_EQ(got, expected);
  // Records after the last checkpoint ran twice: repeats carry the same ids, never new ones.
  EXPECT_GE(crashed.alerts.size(), clean.alerts.size());
}

TEST(RocksDbStateStore, BatchIsAtomicAndScansByPrefix) {
  TempDir dir;
  auto store = connectors::RocksDbStateStore::open(dir.path());
  ASSERT_TRUE(store);
  engine::StateBatch batch;
  batch.put("o/t/0", "10");
  batch.put("o/t/1", "20");
  batch.put("w/x", "y");
  ASSERT_TRUE(store.value()->write(batch));
  auto offsets = store.value()->scan("o/");
  ASSERT_TRUE(offsets);
  ASSERT_EQ(offsets.value().size(), 2u);
  EXPECT_EQ(offsets.value()[1].second, "20");
  engine::StateBatch erase;
  erase.erase("w/x");
  ASSERT_TRUE(store.value()->write(erase));
  auto gone = store.value()->get("w/x");
  ASSERT_TRUE(gone);
  EXPECT_FALSE(gone.value().has_value());
}

TEST(FileSource, NdjsonSkipsBlankLinesAndStripsCarriageReturns) {
  TempDir dir;
  const auto path = dir.path() / "in.ndjson";
  std::ofstream(path) << "{\"a\":1}\r\n\n   \n{\"b\":2}\n{\"c\":3}";
  auto source = connectors::FileSource::open(path, engine::InputFormat::kNdjson);
  ASSERT_TRUE(source);
  std::vector<std::string> got;
  while (auto record = source.value()->next()) got.emplace_back(*record);
  EXPECT_EQ(got, (std::vector<std::string>{"{\"a\":1}", "{\"b\":2}", "{\"c\":3}"}));
  EXPECT_EQ(source.value()->ordinal(), 2);
}

TEST(FileSource, DelimitedProtobufRoundTripsAndATruncatedTailIsOneBadRecord) {
  TempDir dir;
  const auto path = dir.path() / "in.pb";
  const auto records = generated_records(1'000, 100);
  {
    auto writer = connectors::MessageFileWriter::open(path, engine::InputFormat::kProtobuf);
    ASSERT_TRUE(writer);
    for (const auto& bytes : records) {
      nexus::v1::Transaction tx;
      ASSERT_TRUE(tx.ParseFromString(bytes));
      writer.value()->write(tx);
    }
    ASSERT_TRUE(writer.value()->flush());
  }
  auto source = connectors::FileSource::open(path, engine::InputFormat::kProtobuf);
  ASSERT_TRUE(source);
  size_t count = 0;
  while (auto record = source.value()->next()) {
    ASSERT_LT(count, records.size());
    EXPECT_EQ(*record, records[count]);
    ++count;
  }
  EXPECT_EQ(count, records.size());

  fs::resize_file(path, fs::file_size(path) - 7);
  auto truncated = connectors::FileSource::open(path, engine::InputFormat::kProtobuf);
  ASSERT_TRUE(truncated);
  count = 0;
  std::string last;
  while (auto record = truncated.value()->next()) {
    last = std::string(*record);
    ++count;
  }
  EXPECT_EQ(count, records.size());
  nexus::v1::Transaction tx;
  EXPECT_FALSE(tx.ParseFromString(last));
}

TEST(FileSource, FormatFollowsExtensionUnlessOverridden) {
  EXPECT_EQ(connectors::format_for("a.pb", "").value(), engine::InputFormat::kProtobuf);
  EXPECT_EQ(connectors::format_for("a.ndjson", "").value(), engine::InputFormat::kNdjson);
  EXPECT_EQ(connectors::format_for("a.pb", "ndjson").value(), engine::InputFormat::kNdjson);
  EXPECT_FALSE(connectors::format_for("a.pb", "xml"));
}

TEST(MetricsServer, ServesPrometheusTextAndHealth) {
  int scrapes = 0;
  auto server = connectors::MetricsServer::start("127.0.0.1", 0, [&scrapes] {
    ++scrapes;
    return "nexus_alerts_total " + std::to_string(scrapes) + "\n";
  });
  ASSERT_TRUE(server) << server.error().message;
  const auto first = http_get(server.value()->port(), "/metrics");
  EXPECT_NE(first.find("200 OK"), std::string::npos) << first;
  EXPECT_NE(first.find("nexus_alerts_total 1"), std::string::npos) << first;
  EXPECT_NE(http_get(server.value()->port(), "/metrics").find("nexus_alerts_total 2"),
            std::string::npos);
  EXPECT_NE(http_get(server.value()->port(), "/healthz").find("ok"), std::string::npos);
  EXPECT_NE(http_get(server.value()->port(), "/nope").find("404"), std::string::npos);
  EXPECT_FALSE(connectors::MetricsServer::start("not-an-address", 0, [] { return ""; }));
  // Without a reload callback there is no reload endpoint.
  EXPECT_NE(http_request(server.value()->port(), "POST", "/-/reload").find("404"),
            std::string::npos);
}

TEST(MetricsServer, ASlowClientAndHundredsOfIdleOnesDoNotBlockTheHealthProbe) {
  auto server = connectors::MetricsServer::start("127.0.0.1", 0, [] { return "up 1\n"; });
  ASSERT_TRUE(server) << server.error().message;
  const uint16_t port = server.value()->port();
  // A request line sent halfway, then silence; then 300 connections that send nothing.
  const int slow = connect_to(port, 30);
  ASSERT_GE(slow, 0);
  (void)!write(slow, "GET /metr", 9);
  std::vector<int> idle;
  for (int i = 0; i < 300; ++i) idle.push_back(connect_to(port));
  // The probe is answered while all of them are open (the blocking server made it wait
  // 45 s; 3 s is the probe's own patience here, not a speed claim).
  const auto probe = http_request(port, "GET", "/healthz", "", 3);
  EXPECT_NE(probe.find("200 OK"), std::string::npos) << probe;
  EXPECT_NE(http_request(port, "GET", "/metrics", "", 3).find("up 1"), std::string::npos);
  // The slow client is cut off by the read timeout instead of holding on forever.
  char byte;
  EXPECT_EQ(read(slow, &byte, 1), 0) << "the server should close a connection that stalls";
  close(slow);
  for (int fd : idle) close(fd);
}

TEST(MetricsServer, ARequestBodyOverTheLimitIsRefused) {
  auto server = connectors::MetricsServer::start(
      "127.0.0.1", 0, [] { return std::string(); }, [] { return std::string("reload\n"); });
  ASSERT_TRUE(server) << server.error().message;
  const auto response =
      http_request(server.value()->port(), "POST", "/-/reload", std::string(100'000, 'x'));
  EXPECT_NE(response.find("413"), std::string::npos) << response.substr(0, 200);
}

TEST(MetricsServer, PostReloadNeedsTheBearerTokenAndOnlyThenReloads) {
  std::atomic<int> reloads{0};
  const std::string token = "0123456789abcdef-reload";
  auto server = connectors::MetricsServer::start(
      "127.0.0.1", 0, [] { return std::string(); },
      [&reloads] {
        ++reloads;
        return std::string("reload requested\n");
      },
      token);
  ASSERT_TRUE(server) << server.error().message;
  const uint16_t port = server.value()->port();
  auto post = [port](const std::string& headers) {
    return http_request(port, "POST", "/-/reload", "", 30, headers);
  };
  const auto anonymous = post("");
  EXPECT_NE(anonymous.find("401 Unauthorized"), std::string::npos) << anonymous;
  EXPECT_NE(anonymous.find("WWW-Authenticate: Bearer"), std::string::npos) << anonymous;
  EXPECT_NE(post("Authorization: Basic dXNlcjpwYXNz\r\n").find("401"), std::string::npos);
  const auto wrong = post("Authorization: Bearer " + token + "x\r\n");
  EXPECT_NE(wrong.find("403 Forbidden"), std::string::npos) << wrong;
  EXPECT_NE(post("Authorization: Bearer " + token.substr(0, 8) + "\r\n").find("403"),
            std::string::npos);
  EXPECT_EQ(reloads.load(), 0);
  const auto allowed = post("Authorization: Bearer " + token + "\r\n");
  EXPECT_NE(allowed.find("202 Accepted"), std::string::npos) << allowed;
  EXPECT_NE(allowed.find("reload requested"), std::string::npos) << allowed;
  EXPECT_EQ(reloads.load(), 1);
  // A GET does not reload.
  EXPECT_NE(http_get(port, "/-/reload").find("404"), std::string::npos);
  EXPECT_EQ(reloads.load(), 1);
}

TEST(MetricsServer, WithoutAReloadTokenNobodyMayReloadOverHttp) {
  std::atomic<int> reloads{0};
  auto server = connectors::MetricsServer::start(
      "127.0.0.1", 0, [] { return std::string(); },
      [&reloads] {
        ++reloads;
        return std::string("reload requested\n");
      });
  ASSERT_TRUE(server) << server.error().message;
  const auto response = http_request(server.value()->port(), "POST", "/-/reload", "", 30,
                                     "Authorization: Bearer anything-at-all-long\r\n");
  EXPECT_NE(response.find("403 Forbidden"), std::string::npos) << response;
  EXPECT_NE(response.find("reload over HTTP is off"), std::string::npos) << response;
  EXPECT_EQ(reloads.load(), 0);
}

/// Reads a whole CSV file through a preset, as `nexus replay --csv-map` does, and counts
/// what the engine accepted and refused (by reason).
struct CsvRun {
  uint64_t records = 0;
  uint64_t events = 0;
  std::map<std::string, int> refused;
  std::vector<nexus::v1::Transaction> first;  // the first few decoded transactions
};

CsvRun run_csv(const std::string& preset, const std::string& path) {
  CsvRun run;
  auto mapping = connectors::csv_mapping_for_file(preset, path);
  EXPECT_TRUE(mapping) << (mapping ? "" : mapping.error().message);
  if (!mapping) return run;
  auto source = connectors::FileSource::open(
      path, engine::InputFormat::kCsv, {mapping.value()->header, mapping.value()->skip_prefixes});
  EXPECT_TRUE(source);
  engine::TransactionDecoder decoder;
  const auto fx = engine::FxTable::defaults();
  decoder.set_csv(mapping.value(), &fx);
  nexus::v1::Transaction tx;
  while (auto record = source.value()->next()) {
    ++run.records;
    const auto status =
        decoder.decode(*record, engine::InputFormat::kCsv, &tx, source.value()->ordinal());
    if (!status.ok) {
      ++run.refused[status.reason];
      continue;
    }
    ++run.events;
    if (run.first.size() < 3) run.first.push_back(tx);
  }
  return run;
}

const std::string kAml = std::string(NEXUS_SHARED_DATA_DIR) + "/aml/";

TEST(CsvPresets, IbmPatternsFileDecodesEveryTransaction) {
  const auto run = run_csv("ibm-aml-patterns", kAml + "ibm_hi_small/HI-Small_Patterns.txt");
  // 3,209 laundering transactions in 370 attempts; BEGIN/END lines are not records.
  EXPECT_EQ(run.records, 3209u);
  EXPECT_EQ(run.events, 3209u) << (run.refused.empty() ? "" : run.refused.begin()->first);
  ASSERT_FALSE(run.first.empty());
  const auto& tx = run.first[0];
  EXPECT_EQ(tx.id(), "ibm-pattern-0");
  EXPECT_EQ(tx.originator().account(), "021174:800737690");  // zero padding kept
  EXPECT_EQ(tx.beneficiary().account(), "012:80011F990");
  EXPECT_EQ(tx.currency(), "EUR");
  EXPECT_EQ(tx.amount_minor(), 284896);
  EXPECT_EQ(tx.channel(), nexus::v1::CHANNEL_ACH);
  EXPECT_EQ(engine::format_rfc3339_ms(tx.event_time().seconds() * 1000), "2022-09-01T00:06:00Z");
}

TEST(CsvPresets, IbmNormalizedAmlSimAndSamlDLoad) {
  const auto ibm =
      run_csv("ibm-aml-normalized", kAml + "ibm_hi_small/HI-Small_Trans_first1000_normalized.csv");
  EXPECT_EQ(ibm.events, 1000u);
  ASSERT_FALSE(ibm.first.empty());
  EXPECT_EQ(ibm.first[0].originator().account(), "10:8000EBD30");
  const auto amlsim = run_csv("amlsim-alerts", kAml + "amlsim_10k_accounts_alerts/alerts.csv");
  EXPECT_EQ(amlsim.events, 1719u);
  ASSERT_FALSE(amlsim.first.empty());
  EXPECT_EQ(amlsim.first[0].id(), "amlsim-82");
  EXPECT_EQ(amlsim.first[0].remittance_info(), "fan_in");
  EXPECT_EQ(amlsim.first[0].amount_minor(), 485);
  const auto samld = run_csv("saml-d", kAml + "visionlangai_aml_dataset_5k.csv");
  EXPECT_EQ(samld.events, 5000u);
  ASSERT_FALSE(samld.first.empty());
  EXPECT_EQ(samld.first[0].beneficiary().country(), "TR");
  EXPECT_EQ(samld.first[0].channel(), nexus::v1::CHANNEL_CASH_DEPOSIT);
}

TEST(CsvMapping, BadRowsGetAReasonAndGoodRowsAroundThemStillDecode) {
  auto mapping = connectors::parse_csv_mapping(R"(
csv: test
time_format: "%Y-%m-%d %H:%M"
fields:
  event_time: "{when}"
  amount: "{amount}"
  currency: "{ccy}"
  originator.account: "{from}"
  beneficiary.account: "{to}"
  channel: {from: "{how}", values: {W: wire, C: cash_deposit}}
  remittance_info: "{note}"
)",
                                               "test.yaml");
  ASSERT_TRUE(mapping) << mapping.error().message;
  ASSERT_TRUE(mapping.value()->bind("when,amount,ccy,from,to,how,note"));
  const auto fx = engine::FxTable::defaults();
  engine::TransactionDecoder decoder;
  decoder.set_csv(mapping.value(), &fx);
  nexus::v1::Transaction tx;
  auto decode = [&](const std::string& line) {
    return decoder.decode(line, engine::InputFormat::kCsv, &tx, 7);
  };
  auto ok = decode(R"(2025-01-02 03:04,12.5,USD,A,B,W,"rent, ""March""")");
  ASSERT_TRUE(ok.ok) << ok.reason << ": " << ok.detail;
  EXPECT_EQ(tx.id(), "row-7");
  EXPECT_EQ(tx.amount_minor(), 1250);
  EXPECT_EQ(tx.remittance_info(), "rent, \"March\"");
  EXPECT_EQ(tx.channel(), nexus::v1::CHANNEL_WIRE);
  EXPECT_EQ(decode("2025-01-02 03:04,12.5,USD,A,B,W").reason, "csv_malformed");  // 6 columns
  EXPECT_EQ(decode("2025-01-02 03:04,12.5,USD,A,B,W,\"open").reason, "csv_malformed");
  EXPECT_EQ(decode("02/01/2025 03:04,12.5,USD,A,B,W,x").reason, "csv_bad_time");
  EXPECT_EQ(decode("2025-01-02 03:04,12.505,USD,A,B,W,x").reason, "csv_bad_amount");
  EXPECT_EQ(decode("2025-01-02 03:04,12.5,USD,A,B,X,x").reason, "csv_unknown_value");
  EXPECT_EQ(decode("2025-01-02 03:04,12.5,XXX,A,B,W,x").reason, "unknown_currency");
  EXPECT_TRUE(decode("2025-01-02 03:04,0012.50,USD,A,B,C,x").ok);  // zeros are fine
  EXPECT_EQ(tx.amount_minor(), 1250);
}

TEST(CsvMapping, AMappingThatNamesAMissingColumnSaysWhatTheFileHas) {
  auto mapping = connectors::load_csv_mapping("ibm-aml");
  ASSERT_TRUE(mapping);
  const auto bound = mapping.value()->bind("Timestamp,From Bank,Account,To Bank,Amount Paid");
  ASSERT_FALSE(bound);
  EXPECT_EQ(bound.error().message,
            "beneficiary.account: no column 'Account' #2 in the header (columns: Timestamp, From "
            "Bank, Account, To Bank, Amount Paid)");
  auto bad = connectors::parse_csv_mapping("csv: x\nfeilds: {}\n", "m.yaml");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message.rfind("m.yaml:2:1: unknown key 'feilds'", 0), 0u)
      << bad.error().message;
  EXPECT_FALSE(connectors::load_csv_mapping("no-such-preset-or-file"));
}

TEST(CsvMapping, RoundingIsOptInAndHalfAwayFromZero) {
  auto mapping = connectors::parse_csv_mapping(R"(
time_format: unix_s
fields: {event_time: "{#1}", amount: "{#2}", currency: JPY, originator.account: a, beneficiary.account: b}
header: false
)",
                                               "m.yaml");
  ASSERT_TRUE(mapping) << mapping.error().message;
  ASSERT_TRUE(mapping.value()->bind("", 2));
  const auto fx = engine::FxTable::defaults();
  nexus::v1::Transaction tx;
  engine::CsvMapping::RowError error;
  EXPECT_FALSE(mapping.value()->to_transaction("1700000000,100.50", 0, fx, &tx, &error));
  EXPECT_EQ(error.reason, "csv_bad_amount");
  mapping.value()->round_amounts = true;
  ASSERT_TRUE(mapping.value()->to_transaction("1700000000,100.50", 0, fx, &tx, &error));
  EXPECT_EQ(tx.amount_minor(), 101);
  ASSERT_TRUE(mapping.value()->to_transaction("1700000000,100.49", 0, fx, &tx, &error));
  EXPECT_EQ(tx.amount_minor(), 100);
  EXPECT_EQ(tx.event_time().seconds(), 1700000000);
}

}  // namespace
}  // namespace nexus

namespace nexus {
namespace {

TEST(HttpServer, QueryParametersArePercentDecodedAndHeadersLowercased) {
  connectors::HttpRequest seen;
  auto server = connectors::HttpServer::start(
      "127.0.0.1", 0, connectors::HttpLimits{}, [&seen](const connectors::HttpRequest& request) {
        seen = request;
        return connectors::HttpResponse{200, "text/plain", "ok\n", {{"X-Extra", "1"}}};
      });
  ASSERT_TRUE(server) << server.error().message;
  const auto response = http_request(server.value()->port(), "GET",
                                     "/api/v1/alerts?q=Soci%C3%A9t%C3%A9+G%C3%A9n%C3%A9rale&"
                                     "rule=AML-1&empty=&bad=%ZZ",
                                     "", 30, "X-CSRF-Token: abc\r\n");
  EXPECT_NE(response.find("X-Extra: 1"), std::string::npos) << response;
  EXPECT_EQ(seen.path(), "/api/v1/alerts");
  EXPECT_EQ(seen.query("q"), "Soci\xC3\xA9t\xC3\xA9 G\xC3\xA9n\xC3\xA9rale");
  EXPECT_EQ(seen.query("rule"), "AML-1");
  EXPECT_TRUE(seen.has_query("empty"));
  EXPECT_EQ(seen.query("empty"), "");
  EXPECT_FALSE(seen.has_query("missing"));
  EXPECT_EQ(seen.query("bad"), "%ZZ");
  EXPECT_EQ(seen.header("x-csrf-token"), "abc");
  EXPECT_EQ(seen.peer, "127.0.0.1");
}

TEST(HttpServer, OversizeHeadersAreRefusedWith431) {
  auto server = connectors::HttpServer::start(
      "127.0.0.1", 0, connectors::HttpLimits{}, [](const connectors::HttpRequest&) {
        return connectors::HttpResponse{200, "text/plain", "ok\n", {}};
      });
  ASSERT_TRUE(server) << server.error().message;
  const auto response = http_request(server.value()->port(), "GET", "/", "", 30,
                                     "X-Big: " + std::string(20'000, 'x') + "\r\n");
  EXPECT_NE(response.find("431"), std::string::npos) << response.substr(0, 200);
}

}  // namespace
}  // namespace nexus
