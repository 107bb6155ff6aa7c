// End to end: the nexus binary run as a user runs it, its output read back.
#include "connectors/embedded_broker.hpp"
#include "connectors/kafka_sink.hpp"
#include "connectors/kafka_source.hpp"
#include "generator/generator.hpp"

#include "tests/cli_run.hpp"
#include "tests/http_client.hpp"
#include <fcntl.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

namespace {

namespace fs = std::filesystem;

using nexus::testing::run;
using nexus::testing::slurp;

std::set<std::string> alert_ids(const fs::path& path) {
  std::set<std::string> ids;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) ids.insert(nlohmann::json::parse(line).at("id").get<std::string>());
  }
  return ids;
}

/// An embedded broker with the three topics `nexus run` uses, one partition each.
std::unique_ptr<nexus::connectors::EmbeddedBroker> broker_with_topics() {
  auto broker = nexus::connectors::EmbeddedBroker::start();
  if (!broker) return nullptr;
  for (const char* topic : {"transactions", "alerts", "transactions.dlq"}) {
    if (!broker.value()->create_topic(topic, 1)) return nullptr;
  }
  return std::move(broker.value());
}

class E2e : public nexus::testing::ScratchDirTest {
 protected:
  /// Writes nexus.yaml (Kafka at `bootstrap`, consumer group `group`, the rules in rules/,
  /// state in state/) and starts `nexus run` on it, logging to nexus.log; -1 on failure.
  pid_t start_run_on_rules(const std::string& bootstrap, const std::string& group);
};

TEST_F(E2e, GenerateThenReplayFindsEveryPlantedScenarioByteIdenticallyTwice) {
  auto generated = run("generate --seed 3 --accounts 3000 --transactions 40000 --out " +
                       at("tx.ndjson") + " --labels " + at("labels.ndjson"));
  ASSERT_EQ(generated.status, 0) << generated.output;
  EXPECT_NE(generated.output.find("wrote 40000 transactions"), std::string::npos);

  auto first = run("replay --input " + at("tx.ndjson") + " --out " + at("a1.ndjson") +
                   " --labels " + at("labels.ndjson"));
  ASSERT_EQ(first.status, 0) << first.output;
  auto second = run("replay --input " + at("tx.ndjson") + " --out " + at("a2.ndjson"));
  ASSERT_EQ(second.status, 0) << second.output;
  const std::string bytes = slurp(at("a1.ndjson"));
  ASSERT_FALSE(bytes.empty());
  EXPECT_EQ(bytes, slurp(at("a2.ndjson"))) << "replays must be byte-identical";
  // Every planted family is caught: no "missed" line, recall 1.00 on each row.
  EXPECT_EQ(first.output.find("missed"), std::string::npos) << first.output;
  for (const char* family :
       {"structuring", "velocity", "crowdfunding", "pass_through", "conflict_corridor"}) {
    const auto row = first.output.find(std::string(family) + " -> ");
    ASSERT_NE(row, std::string::npos) << family;
    const std::string line = first.output.substr(row, first.output.find('\n', row) - row);
    EXPECT_NE(line.find("1.00"), std::string::npos) << line;
  }

  // The same traffic as delimited protobuf gives the same alerts.
  ASSERT_EQ(
      run("generate --seed 3 --accounts 3000 --transactions 40000 --out " + at("tx.pb")).status, 0);
  ASSERT_EQ(run("replay --input " + at("tx.pb") + " --out " + at("a3.ndjson")).status, 0);
  EXPECT_EQ(bytes, slurp(at("a3.ndjson")));
}

TEST_F(E2e, KilledReplayResumesFromItsCheckpointWithTheSameAlerts) {
  ASSERT_EQ(
      run("generate --seed 5 --accounts 20000 --transactions 300000 --out " + at("tx.pb")).status,
      0);
  ASSERT_EQ(run("replay --input " + at("tx.pb") + " --out " + at("clean.ndjson")).status, 0);
  const auto expected = alert_ids(at("clean.ndjson"));
  ASSERT_FALSE(expected.empty());

  // Start a resumable replay and kill -9 it mid-stream, once it has logged two checkpoints.
  const std::string state = at("state");
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const std::string input = at("tx.pb"), out = at("part1.ndjson");
    int devnull = ::open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(pipe_fds[1], 2);
    close(pipe_fds[0]);
    execl(NEXUS_BINARY, NEXUS_BINARY, "replay", "--input", input.c_str(), "--out", out.c_str(),
          "--state-dir", state.c_str(), "--checkpoint-every", "20000", "--progress", nullptr);
    _exit(127);
  }
  close(pipe_fds[1]);
  FILE* log = fdopen(pipe_fds[0], "r");
  char line[1024];
  int checkpoints = 0;
  while (checkpoints < 2 && fgets(line, sizeof line, log)) {
    if (std::string(line).find("\"checkpoint\"") != std::string::npos) ++checkpoints;
  }
  ASSERT_EQ(checkpoints, 2);
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  fclose(log);
  ASSERT_TRUE(WIFSIGNALED(status)) << "replay finished before it could be killed";

  auto resumed = run("replay --input " + at("tx.pb") + " --out " + at("part2.ndjson") +
                     " --state-dir " + state);
  ASSERT_EQ(resumed.status, 0) << resumed.output;
  EXPECT_NE(resumed.output.find("resuming replay"), std::string::npos) << resumed.output;
  auto got = alert_ids(at("part1.ndjson"));
  const auto second = alert_ids(at("part2.ndjson"));
  got.insert(second.begin(), second.end());
  EXPECT_EQ(got, expected);
}

TEST_F(E2e, ReplayScreensPartiesAgainstImportedListsAndAlertsWithTheEntry) {
  const std::string un =
      std::string(NEXUS_SHARED_DATA_DIR) + "/sanctions/un_consolidated_2026-02-27.xml";
  auto imported = run("lists import --data-dir " + at("lists") + " " + un);
  ASSERT_EQ(imported.status, 0) << imported.output;
  std::ofstream(at("tx.ndjson"))
      << R"({"id":"s1","event_time":"2025-01-01T10:00:00Z","amount_minor":250000,"currency":"USD",)"
      << R"("channel":"CHANNEL_WIRE","originator":{"account":"A1","name":"Jane Doe"},)"
      // QDi.299 lists a year of birth and Iraq: a name this common by the UN list's own
      // statistics needs them (a name and a country alone do not alert).
      << R"("beneficiary":{"account":"B1","name":"Abu Bakr al-Baghdadi","country":"IQ",)"
      << R"("date_of_birth":"1971-07-28"}})"
      << "\n"
      << R"({"id":"s2","event_time":"2025-01-01T11:00:00Z","amount_minor":1000,"currency":"USD",)"
      << R"("channel":"CHANNEL_WIRE","originator":{"account":"A2","name":"Maria Garcia"},)"
      << R"("beneficiary":{"account":"B2","name":"John Smith"}})"
      << "\n"
      // "Asad" alone is a UN alias (QDi.410): inside a longer name and without a matching
      // date of birth it must not raise a critical alert.
      << R"({"id":"s3","event_time":"2025-01-01T12:00:00Z","amount_minor":1000,"currency":"USD",)"
      << R"("channel":"CHANNEL_WIRE","originator":{"account":"A3","name":"Ruben Meijer"},)"
      << R"("beneficiary":{"account":"B3","name":"Asad Sheikh","country":"PK"}})"
      << "\n";
  auto replayed = run("replay --input " + at("tx.ndjson") + " --out " + at("alerts.ndjson") +
                      " --lists " + at("lists"));
  ASSERT_EQ(replayed.status, 0) << replayed.output;
  std::ifstream in(at("alerts.ndjson"));
  std::string line;
  std::vector<nlohmann::json> alerts;
  while (std::getline(in, line)) alerts.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(alerts.size(), 1u) << replayed.output;
  EXPECT_EQ(alerts[0]["rule_id"], "SANCTIONS-PARTY-HIT");
  EXPECT_EQ(alerts[0]["transaction_ids"][0], "s1");
  const auto& hit = alerts[0]["sanctions_hits"][0];
  EXPECT_EQ(hit["party_role"], "beneficiary");
  EXPECT_EQ(hit["list"], "UN");
  EXPECT_EQ(hit["reference"], "QDi.299");
  EXPECT_EQ(hit["list_version"], 1) << "the snapshot that screened it";
  EXPECT_EQ(hit["list_source_version"], "2026-02-27");
  EXPECT_GE(hit["score"].get<double>(), 0.88);
  EXPECT_NE(hit["basis"].get<std::string>().find("corroborated by year of birth and country"),
            std::string::npos)
      << hit;

  auto without = run("replay --input " + at("tx.ndjson") + " --out " + at("none.ndjson"));
  ASSERT_EQ(without.status, 0);
  EXPECT_TRUE(slurp(at("none.ndjson")).empty()) << "no lists, no sanctions alert";
  auto missing = run("replay --input " + at("tx.ndjson") + " --lists " + at("nowhere"));
  EXPECT_EQ(missing.status, 2) << missing.output;
}

// Issue 13, offline: `nexus lists rescreen` over a replay's state directory. A payment to a
// name the UN lists only later raises nothing in the replay; after the import of the list
// that designates it, the rescreen raises one SANCTIONS-RETRO-HIT citing the payment, and a
// second rescreen has nothing new to say. A state that never recorded its versions is
// refused with what to give.
TEST_F(E2e, ListsRescreenFindsAPartyPaidBeforeItsDesignationOnce) {
  const std::string fixtures = std::string(NEXUS_SOURCE_DIR) + "/tests/fixtures/lists/";
  auto imported =
      run("lists import --data-dir " + at("data") + " " + fixtures + "un_2026-03-01.xml");
  ASSERT_EQ(imported.status, 0) << imported.output;
  std::ofstream(at("tx.ndjson"))
      << R"({"id":"r1","event_time":"2026-03-01T10:00:00Z","amount_minor":120000,"currency":"USD",)"
      << R"("channel":"CHANNEL_WIRE","originator":{"account":"A1","name":"Jane Doe"},)"
      << R"("beneficiary":{"account":"NE-1","name":"Moussa Adamou Gueskerou","type":"PARTY_TYPE_PERSON",)"
      << R"("country":"NE","date_of_birth":"1981-03-14"}})"
      << "\n";
  auto replayed = run("replay --input " + at("tx.ndjson") + " --out " + at("alerts.ndjson") +
                      " --lists " + at("data") + " --state-dir " + at("state"));
  ASSERT_EQ(replayed.status, 0) << replayed.output;
  EXPECT_TRUE(slurp(at("alerts.ndjson")).empty()) << "not listed yet";
  imported = run("lists import --data-dir " + at("data") + " " + fixtures + "un_2026-03-02.xml");
  ASSERT_EQ(imported.status, 0) << imported.output;

  auto rescreened = run("lists rescreen --state-dir " + at("state") + " --data-dir " + at("data") +
                        " --out " + at("retro.ndjson"));
  ASSERT_EQ(rescreened.status, 0) << rescreened.output;
  EXPECT_NE(rescreened.output.find("lists: UN=1 -> UN=2"), std::string::npos) << rescreened.output;
  EXPECT_NE(rescreened.output.find("hits: 1 -> 1 SANCTIONS-RETRO-HIT alerts"), std::string::npos)
      << rescreened.output;
  std::ifstream in(at("retro.ndjson"));
  std::string line;
  std::vector<nlohmann::json> alerts;
  while (std::getline(in, line)) alerts.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(alerts.size(), 1u) << rescreened.output;
  EXPECT_EQ(alerts[0]["rule_id"], "SANCTIONS-RETRO-HIT");
  EXPECT_EQ(alerts[0]["subject"], "NE-1");
  EXPECT_EQ(alerts[0]["transaction_ids"][0], "r1");
  EXPECT_EQ(alerts[0]["sanctions_hits"][0]["reference"], "QDi.903");
  EXPECT_EQ(alerts[0]["sanctions_hits"][0]["list_version"], 2);

  auto again = run("lists rescreen --state-dir " + at("state") + " --data-dir " + at("data"));
  ASSERT_EQ(again.status, 0) << again.output;
  EXPECT_NE(again.output.find("lists: UN=2 -> UN=2"), std::string::npos) << again.output;
  EXPECT_NE(again.output.find("hits: 0 -> 0"), std::string::npos) << again.output;
  // Forced back to the old version, the same change again: the raised mark holds.
  auto forced = run("lists rescreen --state-dir " + at("state") + " --data-dir " + at("data") +
                    " --from UN=1");
  ASSERT_EQ(forced.status, 0) << forced.output;
  EXPECT_NE(forced.output.find("hits: 1 -> 0 SANCTIONS-RETRO-HIT alerts; 1 already raised"),
            std::string::npos)
      << forced.output;

  auto fresh = run("replay --input " + at("tx.ndjson") + " --out " + at("fresh.ndjson") +
                   " --state-dir " + at("bare"));
  ASSERT_EQ(fresh.status, 0) << fresh.output;
  auto refused = run("lists rescreen --state-dir " + at("bare") + " --data-dir " + at("data"));
  EXPECT_EQ(refused.status, 2) << refused.output;
  EXPECT_NE(refused.output.find("does not say which list versions"), std::string::npos)
      << refused.output;
  auto bad =
      run("lists rescreen --state-dir " + at("bare") + " --data-dir " + at("data") + " --from UN");
  EXPECT_EQ(bad.status, 2) << bad.output;
  EXPECT_NE(bad.output.find("expected LIST=VERSION"), std::string::npos) << bad.output;
}

// Generated background carried many namesakes of common listed names (Luis Lopez, Asad
// Khan, Pioneer Logistics, since dropped from its pools): before hits on common names
// needed corroboration, the
// default generation (seed 1, 100,000 transactions) screened against UN + OFAC SDN raised
// 382 SANCTIONS-PARTY-HIT and 1,098 NET-SANCTIONS-EXPOSURE alerts on unlabelled traffic.
// Then 27 and 23, and 17 and 10 since the pools hold no listed name (namesakes corroborated
// by year of birth and country against an entry that lists only years). The bound,
// 40 each, leaves room for generator changes and fails on any return to name-only hits.
// The planted listed parties (Iraqi exchange houses, country IQ) are all still caught.
TEST_F(E2e, CommonNamesNeedCorroborationOnGeneratedBackgroundButListedPartiesAlert) {
  const std::string data = std::string(NEXUS_SHARED_DATA_DIR) + "/sanctions/";
  auto imported = run("lists import --data-dir " + at("lists") + " " + data +
                      "un_consolidated_2026-02-27.xml " + data + "ofac_sdn_csv_2021-07/sdn.csv");
  ASSERT_EQ(imported.status, 0) << imported.output;
  auto generated = run("generate --seed 1 --listed-parties --out " + at("tx.pb") + " --labels " +
                       at("labels.ndjson"));
  ASSERT_EQ(generated.status, 0) << generated.output;
  auto replayed = run("replay --input " + at("tx.pb") + " --out " + at("alerts.ndjson") +
                      " --labels " + at("labels.ndjson") + " --lists " + at("lists"));
  ASSERT_EQ(replayed.status, 0) << replayed.output;
  // "  RULE  alerts  planted  unlabelled  per-100k" in the per-rule table.
  auto unlabelled = [&](const std::string& rule) {
    std::smatch m;
    const std::regex row("\n  " + rule + " +([0-9]+) +([0-9]+) +([0-9]+) +[0-9.]+\n");
    if (!std::regex_search(replayed.output, m, row)) return -1;
    return std::stoi(m[3].str());
  };
  const int party_hits = unlabelled("SANCTIONS-PARTY-HIT");
  const int exposure = unlabelled("NET-SANCTIONS-EXPOSURE");
  ASSERT_GE(party_hits, 0) << replayed.output;
  ASSERT_GE(exposure, 0) << replayed.output;
  EXPECT_LE(party_hits, 40) << replayed.output;
  EXPECT_LE(exposure, 40) << replayed.output;
  for (const char* family :
       {"nx_pays_listed -> NX-HT-PAYS-LISTED", "sanctions_exposure -> NET-SANCTIONS-EXPOSURE"}) {
    std::smatch m;
    const std::regex row(std::string("\n  ") + family + " +([0-9]+) +([0-9]+) +([0-9.]+)\n");
    ASSERT_TRUE(std::regex_search(replayed.output, m, row)) << family << "\n" << replayed.output;
    EXPECT_EQ(m[1].str(), m[2].str()) << family << " planted vs caught";
    EXPECT_GT(std::stoi(m[1].str()), 0) << family;
  }
  // Every sanctions hit that alerted says why it counts.
  std::ifstream in(at("alerts.ndjson"));
  std::string line;
  int explained = 0;
  while (std::getline(in, line)) {
    const auto alert = nlohmann::json::parse(line);
    if (alert["rule_id"] != "SANCTIONS-PARTY-HIT") continue;
    for (const auto& hit : alert["sanctions_hits"]) {
      const std::string basis = hit.value("basis", "");
      EXPECT_TRUE(basis.starts_with("distinctive name") ||
                  basis.find("corroborated by") != std::string::npos)
          << hit;
      ++explained;
    }
  }
  EXPECT_GT(explained, 0);
}

TEST_F(E2e, ListImportRefusesARollbackOrAMassRemovalUnlessForced) {
  const std::string data = std::string(NEXUS_SHARED_DATA_DIR) + "/sanctions/";
  ASSERT_EQ(
      run("lists import --data-dir " + at("lists") + " " + data + "un_consolidated_2026-02-27.xml")
          .status,
      0);
  auto rollback =
      run("lists import --data-dir " + at("lists") + " " + data + "un_consolidated.xml");
  EXPECT_NE(rollback.status, 0);
  EXPECT_NE(rollback.output.find("older than the one in force (2026-02-27)"), std::string::npos)
      << rollback.output;
  auto status = run("lists status --data-dir " + at("lists"));
  EXPECT_NE(status.output.find("2026-02-27"), std::string::npos) << status.output;

  ASSERT_EQ(
      run("lists import --data-dir " + at("lists") + " " + data + "uk_hmt_conlist_2018-04-13.csv")
          .status,
      0);
  auto shrink = run("lists import --data-dir " + at("lists") + " " + data +
                    "uk_sanctions_list_excerpt_2026-08-14.xml");
  EXPECT_NE(shrink.status, 0);
  EXPECT_NE(shrink.output.find("would shrink from"), std::string::npos) << shrink.output;

  auto forced =
      run("lists import --force --data-dir " + at("lists") + " " + data + "un_consolidated.xml");
  EXPECT_EQ(forced.status, 0) << forced.output;
}

TEST_F(E2e, RulesCheckRefusesABrokenPackWithFileLineColumn) {
  fs::create_directories(at("rules"));
  std::ofstream(at("rules/bad.yaml"))
      << "- rule: R1\n  version: 1\n  source: s\n"
         "  condition: amount_usd > 10 and benficiary.country == 'SY'\n";
  auto checked = run("rules check " + at("rules"));
  EXPECT_EQ(checked.status, 1);
  EXPECT_NE(checked.output.find("bad.yaml:4:34: unknown field or list 'benficiary.country' (did "
                                "you mean 'beneficiary.country'?)"),
            std::string::npos)
      << checked.output;
  auto shipped = run("rules check");
  EXPECT_EQ(shipped.status, 0) << shipped.output;
  auto tested = run("rules test");
  EXPECT_EQ(tested.status, 0) << tested.output;
  EXPECT_NE(tested.output.find(" 0 failed"), std::string::npos);
}

TEST_F(E2e, ReplayWithBrokenRulesRefusesToStart) {
  fs::create_directories(at("rules"));
  std::ofstream(at("rules/bad.yaml")) << "- rule: R1\n  version: one\n";
  std::ofstream(at("tx.ndjson")) << "\n";
  auto result = run("replay --input " + at("tx.ndjson") + " --rules " + at("rules"));
  EXPECT_EQ(result.status, 2);
  EXPECT_NE(result.output.find("bad.yaml:2:12: version must be a whole number"), std::string::npos)
      << result.output;
}

TEST_F(E2e, RulesCheckRefusesInlineTestEventsTheEngineWouldRefuse) {
  fs::create_directories(at("rules"));
  std::ofstream(at("rules/r.yaml")) << R"(- rule: R1
  version: 1
  source: test
  condition: amount_usd > 10
  tests:
    - name: typo in a field
      expect: alert
      events:
        - {id: "a", event_time: "2025-01-01T00:00:00Z", amount_minr: 5000, currency: USD, originator: {account: "A"}, beneficiary: {account: "B"}}
    - name: zero amount
      expect: no_alert
      events:
        - {id: "b", event_time: "2025-01-01T00:00:00Z", amount_minor: 0, currency: USD, originator: {account: "A"}, beneficiary: {account: "B"}}
)";
  auto result = run("rules check " + at("rules"));
  EXPECT_EQ(result.status, 1) << result.output;
  EXPECT_NE(result.output.find("r.yaml:6:7: test 'typo in a field' of R1, event 1: undecodable"),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("event 1: non_positive_amount"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("FAILED"), std::string::npos) << result.output;
}

TEST_F(E2e, DemoCatchesEveryPlantedScenarioThroughTheEmbeddedBroker) {
  auto demo = run("demo --transactions 30000 --accounts 3000 --data-dir " + at("demo"));
  ASSERT_EQ(demo.status, 0) << demo.output;
  // Every family of every pack, five instances each, all caught.
  std::smatch caught;
  ASSERT_TRUE(std::regex_search(demo.output, caught,
                                std::regex("Caught ([0-9]+) of ([0-9]+) planted scenarios")))
      << demo.output;
  EXPECT_EQ(caught[1].str(), caught[2].str()) << demo.output;
  EXPECT_GE(std::stoi(caught[2].str()), 27 * 5) << demo.output;
  EXPECT_NE(demo.output.find("dead letters on topic transactions.dlq: 4"), std::string::npos)
      << demo.output;
  EXPECT_NE(demo.output.find("ALERT "), std::string::npos);
}

TEST_F(E2e, RunConsumesAKafkaClusterAndStopsCleanlyOnSigterm) {
  const auto broker = broker_with_topics();
  ASSERT_TRUE(broker);
  const std::string bootstrap = broker->bootstrap_servers();
  nexus::generator::GeneratorConfig config;
  config.seed = 4;
  config.transactions = 5'000;
  config.accounts = 400;
  config.days = 10;
  {
    auto producer = nexus::connectors::KafkaProducer::create({{"bootstrap.servers", bootstrap}});
    ASSERT_TRUE(producer);
    nexus::generator::generate(
        config,
        [&](const nexus::v1::Transaction& tx) {
          ASSERT_TRUE(producer.value()->produce("transactions", tx.originator().account(),
                                                tx.SerializeAsString()));
        },
        nullptr);
    ASSERT_TRUE(producer.value()->produce("transactions", "x", "not a transaction"));
    ASSERT_TRUE(producer.value()->flush());
  }
  std::ofstream(at("nexus.yaml")) << "kafka:\n  bootstrap.servers: " << bootstrap
                                  << "\n  group.id: e2e\nstate_dir: " << at("state") << "\n";
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const std::string config_path = at("nexus.yaml");
    int devnull = ::open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    execl(NEXUS_BINARY, NEXUS_BINARY, "run", "--config", config_path.c_str(), nullptr);
    _exit(127);
  }
  // Read the outputs as a downstream system would, until the dead letter and some alerts arrive.
  nexus::connectors::KafkaSourceConfig reader_config;
  reader_config.properties = {{"bootstrap.servers", bootstrap}, {"group.id", "e2e-reader"}};
  reader_config.topics = {"alerts", "transactions.dlq"};
  auto reader = nexus::connectors::KafkaSource::create(std::move(reader_config));
  ASSERT_TRUE(reader);
  int alerts = 0, letters = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while ((alerts < 5 || letters < 1) && std::chrono::steady_clock::now() < deadline) {
    auto record = reader.value()->poll(100);
    if (!record) continue;
    if (record->topic() == "alerts") {
      nexus::v1::Alert alert;
      ASSERT_TRUE(
          alert.ParseFromArray(record->value().data(), static_cast<int>(record->value().size())));
      EXPECT_FALSE(alert.rule_id().empty());
      ++alerts;
    } else {
      nexus::v1::DeadLetter letter;
      ASSERT_TRUE(
          letter.ParseFromArray(record->value().data(), static_cast<int>(record->value().size())));
      EXPECT_EQ(letter.reason(), "undecodable");
      ++letters;
    }
  }
  kill(child, SIGTERM);
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_GE(alerts, 5);
  EXPECT_EQ(letters, 1);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_TRUE(fs::exists(at("state")));
}

nexus::v1::Transaction cash_deposit(const std::string& id, const std::string& account,
                                    int64_t seconds) {
  nexus::v1::Transaction tx;
  tx.set_id(id);
  tx.mutable_event_time()->set_seconds(seconds);
  tx.set_amount_minor(950000);
  tx.set_currency("USD");
  tx.set_channel(nexus::v1::CHANNEL_CASH_DEPOSIT);
  tx.mutable_beneficiary()->set_account(account);
  tx.set_location_id("BR-" + id);
  return tx;
}

/// Three of those deposits on `account`, a day apart from `day` (days after 2025-01-01):
/// what AML-STRUCT-CASH alerts on.
void produce_structuring(nexus::connectors::KafkaProducer& producer, const std::string& account,
                         int64_t day) {
  for (int i = 0; i < 3; ++i) {
    const auto tx = cash_deposit(account + "-" + std::to_string(i), account,
                                 1'735'689'600 + (day + i) * 86'400);
    ASSERT_TRUE(producer.produce("transactions", account, tx.SerializeAsString()));
  }
  ASSERT_TRUE(producer.flush());
}

bool wait_for_text(const fs::path& path, const std::string& text, int seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (slurp(path).find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

/// `nexus run --config CONFIG` as a child process, its stdout and stderr in LOG.
pid_t start_run(const std::string& config_path, const std::string& log_path) {
  const pid_t child = fork();
  if (child == 0) {
    int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(log, 1);
    dup2(log, 2);
    execl(NEXUS_BINARY, NEXUS_BINARY, "run", "--config", config_path.c_str(), nullptr);
    _exit(127);
  }
  return child;
}

pid_t E2e::start_run_on_rules(const std::string& bootstrap, const std::string& group) {
  std::ofstream(at("nexus.yaml")) << "kafka:\n  bootstrap.servers: " << bootstrap
                                  << "\n  group.id: " << group << "\nrules: " << at("rules")
                                  << "\nstate_dir: " << at("state") << "\n";
  return start_run(at("nexus.yaml"), at("nexus.log"));
}

/// SIGTERM, then the exit status (-1 when it did not exit by itself).
int stop_run(pid_t child) {
  kill(child, SIGTERM);
  int status = 0;
  waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// Reads the alerts topic as a downstream system would, in a consumer group of its own.
class AlertReader {
 public:
  AlertReader(const std::string& bootstrap, const std::string& group,
              const std::string& topic = "alerts") {
    nexus::connectors::KafkaSourceConfig config;
    config.properties = {{"bootstrap.servers", bootstrap}, {"group.id", group}};
    config.topics = {topic};
    if (auto source = nexus::connectors::KafkaSource::create(std::move(config))) {
      source_ = std::move(source.value());
    }
  }
  bool ok() const { return source_ != nullptr; }
  /// The next alert (of `rule` when one is given; others are passed over), or an empty one
  /// when none came within 30 s.
  nexus::v1::Alert next(const std::string& rule = "") {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      if (auto record = source_->poll(100)) {
        nexus::v1::Alert alert;
        alert.ParseFromArray(record->value().data(), static_cast<int>(record->value().size()));
        if (rule.empty() || alert.rule_id() == rule) return alert;
      }
    }
    return {};
  }

 private:
  std::unique_ptr<nexus::connectors::KafkaSource> source_;
};

TEST_F(E2e, HotReloadRefusesABrokenRuleFileAndKeepsTheOldRulesAlerting) {
  const auto broker = broker_with_topics();
  ASSERT_TRUE(broker);
  const std::string bootstrap = broker->bootstrap_servers();
  fs::create_directories(at("rules"));
  fs::copy_file(std::string(NEXUS_SOURCE_DIR) + "/rules/packs/core.yaml", at("rules/core.yaml"));
  const pid_t child = start_run_on_rules(bootstrap, "reload");
  ASSERT_GE(child, 0);
  auto producer = nexus::connectors::KafkaProducer::create({{"bootstrap.servers", bootstrap}});
  ASSERT_TRUE(producer);
  auto structuring = [&](const std::string& account, int64_t day) {
    produce_structuring(*producer.value(), account, day);
  };
  AlertReader reader(bootstrap, "reload-reader");
  ASSERT_TRUE(reader.ok());
  auto next_alert = [&reader] { return reader.next(); };

  structuring("ACC-BEFORE", 0);
  const auto first = next_alert();
  ASSERT_EQ(first.rule_id(), "AML-STRUCT-CASH") << slurp(at("nexus.log"));
  const std::string live_hash = first.ruleset_hash();

  // A broken file: refused with its position, and the old rules keep alerting.
  std::ofstream(at("rules/broken.yaml")) << "- rule: BROKEN\n  version: 1\n  source: s\n"
                                            "  condition: amount_usd >\n";
  ASSERT_TRUE(wait_for_text(at("nexus.log"), "rule reload refused", 15)) << slurp(at("nexus.log"));
  EXPECT_NE(slurp(at("nexus.log")).find("broken.yaml:4:"), std::string::npos);
  // Files that crashed a running engine before: 20,000 parentheses overflowed the stack, a
  // Latin-1 byte aborted it while it logged the refusal. Each is refused; the engine runs on.
  std::ofstream(at("rules/deep.yaml"))
      << "- rule: DEEP\n  version: 1\n  source: s\n  condition: '" << std::string(20'000, '(')
      << "amount_usd > 1" << std::string(20'000, ')') << "'\n";
  ASSERT_TRUE(wait_for_text(at("nexus.log"), "nested more than 64 deep", 15))
      << slurp(at("nexus.log"));
  std::ofstream(at("rules/latin1.yaml"), std::ios::binary)
      << "- rule: LATIN1\n  version: 1\n  source: Soci\xE9t\xE9\n  condition: amount_usd > 1 and "
         "originator.name == 'Soci\xE9t\xE9'\n";
  ASSERT_TRUE(wait_for_text(at("nexus.log"), "latin1.yaml:3:15: byte 0xE9 is not UTF-8", 15))
      << slurp(at("nexus.log"));
  fs::remove(at("rules/deep.yaml"));
  fs::remove(at("rules/latin1.yaml"));
  structuring("ACC-DURING", 4);
  const auto second = next_alert();
  EXPECT_EQ(second.rule_id(), "AML-STRUCT-CASH");
  EXPECT_EQ(second.subject(), "ACC-DURING");
  EXPECT_EQ(second.ruleset_hash(), live_hash);

  // Fixed: the new set goes live between events and its hash is on the next alert.
  fs::remove(at("rules/broken.yaml"));
  {
    std::string core = slurp(at("rules/core.yaml"));
    const std::string from = "agg.outbound_by_originator_1h.count >= 20";
    ASSERT_NE(core.find(from), std::string::npos);
    core.replace(core.find(from), from.size(), "agg.outbound_by_originator_1h.count >= 25");
    std::ofstream(at("rules/core.yaml"), std::ios::trunc) << core;
  }
  ASSERT_TRUE(wait_for_text(at("nexus.log"), "rules reloaded", 15)) << slurp(at("nexus.log"));
  // The log says what changed, not only the hashes, and that the member got its partition.
  EXPECT_NE(slurp(at("nexus.log"))
                .find("AML-VELOCITY-1H v1: condition 'agg.outbound_by_originator_1h.count >= 20' "
                      "-> 'agg.outbound_by_originator_1h.count >= 25' (changed without a version "
                      "bump)"),
            std::string::npos)
      << slurp(at("nexus.log"));
  EXPECT_NE(slurp(at("nexus.log")).find("\"msg\":\"partitions assigned\""), std::string::npos);
  structuring("ACC-AFTER", 8);
  const auto third = next_alert();
  EXPECT_EQ(third.subject(), "ACC-AFTER");
  EXPECT_FALSE(third.ruleset_hash().empty());
  EXPECT_NE(third.ruleset_hash(), live_hash);

  EXPECT_EQ(stop_run(child), 0);
}

TEST_F(E2e, RunPublishesShadowAlertsToTheirOwnTopicAndAPromotionNeedsAVersionBump) {
  const auto broker = broker_with_topics();
  ASSERT_TRUE(broker);
  ASSERT_TRUE(broker->create_topic("alerts.shadow", 1));
  const std::string bootstrap = broker->bootstrap_servers();
  fs::create_directories(at("rules"));
  fs::copy_file(std::string(NEXUS_SOURCE_DIR) + "/rules/packs/core.yaml", at("rules/core.yaml"));
  auto trial = [&](const std::string& mode, int version) {
    std::ofstream(at("rules/trial.yaml"), std::ios::trunc)
        << "- rule: STRUCT-TRIAL\n  version: " << version << "\n  mode: " << mode
        << "\n  source: test\n  subject: beneficiary.account\n"
           "  condition: channel == \"cash_deposit\" and amount_usd >= 9000\n";
  };
  trial("shadow", 1);
  const pid_t child = start_run_on_rules(bootstrap, "shadow");
  ASSERT_GE(child, 0);
  auto producer = nexus::connectors::KafkaProducer::create({{"bootstrap.servers", bootstrap}});
  ASSERT_TRUE(producer);
  auto structuring = [&](const std::string& account, int64_t day) {
    produce_structuring(*producer.value(), account, day);
  };
  AlertReader live(bootstrap, "shadow-live-reader");
  AlertReader shadow(bootstrap, "shadow-reader", "alerts.shadow");
  ASSERT_TRUE(live.ok() && shadow.ok());
  structuring("ACC-TRIAL", 0);
  const auto struct_alert = live.next("AML-STRUCT-CASH");
  EXPECT_EQ(struct_alert.subject(), "ACC-TRIAL") << slurp(at("nexus.log"));
  EXPECT_FALSE(struct_alert.shadow());
  const auto trial_alert = shadow.next();
  EXPECT_EQ(trial_alert.rule_id(), "STRUCT-TRIAL") << slurp(at("nexus.log"));
  EXPECT_TRUE(trial_alert.shadow());

  // Promoted under the same version: refused, the running set stays.
  trial("live", 1);
  ASSERT_TRUE(wait_for_text(at("nexus.log"), "rule reload refused", 15)) << slurp(at("nexus.log"));
  EXPECT_NE(slurp(at("nexus.log"))
                .find("STRUCT-TRIAL: mode shadow -> live under the same version 1: promoted "
                      "rules need a new version"),
            std::string::npos)
      << slurp(at("nexus.log"));
  // With a bump it goes live, and the log (and the events topic) names the promotion.
  trial("live", 2);
  ASSERT_TRUE(wait_for_text(at("nexus.log"), "rules reloaded", 15)) << slurp(at("nexus.log"));
  EXPECT_NE(slurp(at("nexus.log")).find("\"promoted\":\"STRUCT-TRIAL v1->v2\""), std::string::npos)
      << slurp(at("nexus.log"));
  EXPECT_NE(slurp(at("nexus.log")).find("STRUCT-TRIAL v1->v2 promoted: mode 'shadow' -> 'live'"),
            std::string::npos)
      << slurp(at("nexus.log"));
  structuring("ACC-PROMOTED", 8);
  const auto promoted = live.next("STRUCT-TRIAL");
  EXPECT_EQ(promoted.rule_version(), 2u) << slurp(at("nexus.log"));
  EXPECT_FALSE(promoted.shadow());
  EXPECT_EQ(stop_run(child), 0);
}

/// A wire payment from `originator` to a person, as a bank's system would publish it.
nexus::v1::Transaction payment_to(const std::string& id, const std::string& originator,
                                  const std::string& name, const std::string& dob,
                                  int64_t seconds) {
  nexus::v1::Transaction tx;
  tx.set_id(id);
  tx.mutable_event_time()->set_seconds(seconds);
  tx.set_amount_minor(120000);
  tx.set_currency("USD");
  tx.set_channel(nexus::v1::CHANNEL_WIRE);
  tx.mutable_originator()->set_account(originator);
  tx.mutable_originator()->set_name("Jane Doe");
  tx.mutable_beneficiary()->set_account("NE-" + id);
  tx.mutable_beneficiary()->set_name(name);
  tx.mutable_beneficiary()->set_date_of_birth(dob);
  tx.mutable_beneficiary()->set_type(nexus::v1::PARTY_TYPE_PERSON);
  tx.mutable_beneficiary()->set_country("NE");
  return tx;
}

// Issue 13: a list imported while `nexus run` runs is adopted between events; a payment to a
// newly designated name alerts after the reload and not before, with the new version on its
// hit; a damaged snapshot is refused, the old lists keep screening, and the metrics and the
// events topic say so.
TEST_F(E2e, RunReloadsANewListSnapshotBetweenEventsAndRefusesADamagedOne) {
  const auto broker = broker_with_topics();
  ASSERT_TRUE(broker);
  ASSERT_TRUE(broker->create_topic("nexus-events", 1));
  const std::string bootstrap = broker->bootstrap_servers();
  const std::string fixtures = std::string(NEXUS_SOURCE_DIR) + "/tests/fixtures/lists/";
  auto imported =
      run("lists import --data-dir " + at("data") + " " + fixtures + "un_2026-03-01.xml");
  ASSERT_EQ(imported.status, 0) << imported.output;
  EXPECT_NE(imported.output.find("2 entries; version 0 -> 1"), std::string::npos)
      << imported.output;
  std::ofstream(at("nexus.yaml")) << "kafka:\n  bootstrap.servers: " << bootstrap
                                  << "\n  group.id: lists\ntopics:\n  events: nexus-events\n"
                                  << "lists_dir: " << at("data") << "\nstate_dir: " << at("state")
                                  << "\nmetrics:\n  port: 0\n";
  const pid_t child = start_run(at("nexus.yaml"), at("nexus.log"));
  ASSERT_GE(child, 0);
  ASSERT_TRUE(wait_for_text(at("nexus.log"), "/metrics\"", 30)) << slurp(at("nexus.log"));
  std::smatch port_match;
  const std::string started = slurp(at("nexus.log"));
  ASSERT_TRUE(std::regex_search(started, port_match, std::regex(R"(127\.0\.0\.1:(\d+)/metrics)")));
  const auto port = static_cast<uint16_t>(std::stoi(port_match[1].str()));
  EXPECT_NE(nexus::testing::http_get(port, "/metrics")
                .find("nexus_list_info{list=\"UN\",version=\"1\",source_version=\"2026-03-01\"} 1"),
            std::string::npos);

  auto producer = nexus::connectors::KafkaProducer::create({{"bootstrap.servers", bootstrap}});
  ASSERT_TRUE(producer);
  auto pay = [&](const nexus::v1::Transaction& tx) {
    ASSERT_TRUE(producer.value()->produce("transactions", tx.originator().account(),
                                          tx.SerializeAsString()));
    ASSERT_TRUE(producer.value()->flush());
  };
  AlertReader reader(bootstrap, "lists-reader");
  ASSERT_TRUE(reader.ok());
  // The next sanctions alert (alerts of other rules are passed over).
  auto next_sanctions_alert = [&reader] { return reader.next("SANCTIONS-PARTY-HIT"); };
  const std::string designated = "Moussa Adamou Gueskerou", dob = "1981-03-14";
  const int64_t t0 = 1'772'409'600;  // 2026-03-02T00:00:00Z

  // Before: one partition keeps order, so the alert on the listed name (p2) comes after any
  // alert the payment to the name not yet listed (p1) could have raised.
  pay(payment_to("p1", "ORIG-1", designated, dob, t0));
  pay(payment_to("p2", "ORIG-2", "Karim Oumarou Tessaoua", "1970-01-01", t0 + 60));
  const auto listed = next_sanctions_alert();
  ASSERT_EQ(listed.transaction_ids_size(), 1) << slurp(at("nexus.log"));
  EXPECT_EQ(listed.transaction_ids(0), "p2") << "the payment to the unlisted name alerted";
  ASSERT_EQ(listed.sanctions_hits_size(), 1);
  EXPECT_EQ(listed.sanctions_hits(0).reference(), "QDi.901");
  EXPECT_EQ(listed.sanctions_hits(0).list_version(), 1u);

  // The UN designates the name: imported while the engine runs, adopted between events.
  imported = run("lists import --data-dir " + at("data") + " " + fixtures + "un_2026-03-02.xml");
  ASSERT_EQ(imported.status, 0) << imported.output;
  EXPECT_NE(imported.output.find("3 entries; version 1 -> 2; added 1, removed 0, changed 0"),
            std::string::npos)
      << imported.output;
  ASSERT_TRUE(wait_for_text(at("nexus.log"), "\"msg\":\"lists reloaded\"", 30))
      << slurp(at("nexus.log"));
  EXPECT_NE(slurp(at("nexus.log"))
                .find("UN v1->v2 (2026-03-02): 3 entries, added 1, changed 0, removed 0"),
            std::string::npos)
      << slurp(at("nexus.log"));
  // The party paid before its designation is found again in the state: one retro-hit that
  // cites the payment (p1) and the new entry; Karim's unchanged entry raises none.
  const auto retro = reader.next("SANCTIONS-RETRO-HIT");
  EXPECT_EQ(retro.subject(), "NE-p1") << slurp(at("nexus.log"));
  ASSERT_EQ(retro.transaction_ids_size(), 1);
  EXPECT_EQ(retro.transaction_ids(0), "p1");
  ASSERT_EQ(retro.sanctions_hits_size(), 1);
  EXPECT_EQ(retro.sanctions_hits(0).reference(), "QDi.903");
  EXPECT_EQ(retro.sanctions_hits(0).list_version(), 2u);
  EXPECT_EQ(retro.sanctions_hits(0).party_role(), "beneficiary");
  pay(payment_to("p3", "ORIG-3", designated, dob, t0 + 120));
  const auto after = next_sanctions_alert();
  ASSERT_EQ(after.transaction_ids_size(), 1) << slurp(at("nexus.log"));
  EXPECT_EQ(after.transaction_ids(0), "p3");
  ASSERT_EQ(after.sanctions_hits_size(), 1);
  EXPECT_EQ(after.sanctions_hits(0).reference(), "QDi.903");
  EXPECT_EQ(after.sanctions_hits(0).list(), "UN");
  EXPECT_EQ(after.sanctions_hits(0).list_version(), 2u);
  EXPECT_EQ(after.sanctions_hits(0).list_source_version(), "2026-03-02");
  std::string metrics = nexus::testing::http_get(port, "/metrics");
  EXPECT_NE(
      metrics.find("nexus_list_info{list=\"UN\",version=\"2\",source_version=\"2026-03-02\"} 1"),
      std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("nexus_list_entries{list=\"UN\"} 3"), std::string::npos);
  EXPECT_NE(metrics.find("nexus_list_reloads_total{result=\"ok\"} 1"), std::string::npos);
  EXPECT_NE(metrics.find("nexus_lists_last_reload_timestamp_seconds "), std::string::npos);
  EXPECT_NE(metrics.find("nexus_retro_hits_total 1\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("nexus_rescreens_total 1\n"), std::string::npos) << metrics;

  // A snapshot cut short (a copy that stopped half-way) made current by hand: refused at its
  // line, and version 2 keeps screening.
  {
    const std::string whole = slurp(at("data/lists/UN/v000002.jsonl"));
    const size_t second_line = whole.find('\n', whole.find('\n') + 1) + 1;
    std::ofstream(at("data/lists/UN/v000003.jsonl")) << whole.substr(0, second_line);
    std::ofstream(at("data/lists/UN/CURRENT.tmp")) << "v000003.jsonl\n";
    fs::rename(at("data/lists/UN/CURRENT.tmp"), at("data/lists/UN/CURRENT"));
  }
  ASSERT_TRUE(wait_for_text(at("nexus.log"), "list reload refused", 30)) << slurp(at("nexus.log"));
  EXPECT_NE(slurp(at("nexus.log"))
                .find("v000003.jsonl:2: the header declares 3 entries but the file holds 1"),
            std::string::npos)
      << slurp(at("nexus.log"));
  pay(payment_to("p4", "ORIG-4", designated, dob, t0 + 180));
  const auto during = next_sanctions_alert();
  ASSERT_EQ(during.sanctions_hits_size(), 1) << slurp(at("nexus.log"));
  EXPECT_EQ(during.transaction_ids(0), "p4");
  EXPECT_EQ(during.sanctions_hits(0).list_version(), 2u);
  metrics = nexus::testing::http_get(port, "/metrics");
  EXPECT_NE(metrics.find("nexus_list_reloads_total{result=\"refused\"} 1"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("nexus_list_info{list=\"UN\",version=\"2\""), std::string::npos);
  EXPECT_EQ(stop_run(child), 0);

  // The audit trail's view: the events topic holds the load at start, the reload with its diff
  // counts and the refusal with its reason.
  nexus::connectors::KafkaSourceConfig events_config;
  events_config.properties = {{"bootstrap.servers", bootstrap}, {"group.id", "lists-events"}};
  events_config.topics = {"nexus-events"};
  auto events = nexus::connectors::KafkaSource::create(std::move(events_config));
  ASSERT_TRUE(events);
  std::map<std::string, nlohmann::json> details;
  std::map<std::string, std::string> objects;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!details.count("engine.stop") && std::chrono::steady_clock::now() < deadline) {
    if (auto record = events.value()->poll(100)) {
      nexus::v1::EngineEvent event;
      ASSERT_TRUE(
          event.ParseFromArray(record->value().data(), static_cast<int>(record->value().size())));
      details[event.action()] = nlohmann::json::parse(event.details_json());
      objects[event.action()] = event.object();
    }
  }
  ASSERT_TRUE(details.count("engine.lists_loaded"));
  EXPECT_EQ(objects["engine.lists_loaded"], "lists:UN=1");
  EXPECT_EQ(details["engine.lists_loaded"]["lists"]["UN"]["version"], 1);
  EXPECT_EQ(details["engine.lists_loaded"]["lists"]["UN"]["entries"], 2);
  ASSERT_TRUE(details.count("engine.lists_reloaded"));
  EXPECT_EQ(objects["engine.lists_reloaded"], "lists:UN=2");
  const auto& un = details["engine.lists_reloaded"]["lists"]["UN"];
  EXPECT_EQ(un["version"], 2);
  EXPECT_EQ(un["previous_version"], 1);
  EXPECT_EQ(un["source_version"], "2026-03-02");
  EXPECT_EQ(un["added"], 1);
  EXPECT_EQ(un["changed"], 0);
  EXPECT_EQ(un["removed"], 0);
  ASSERT_TRUE(details.count("engine.lists_rescreened"));
  EXPECT_EQ(details["engine.lists_rescreened"]["alerts"], 1);
  EXPECT_EQ(details["engine.lists_rescreened"]["entries_screened_for"], 1);
  ASSERT_TRUE(details.count("engine.lists_refused"));
  EXPECT_EQ(details["engine.lists_refused"]["live"], "UN=2");
  EXPECT_NE(details["engine.lists_refused"]["error"].get<std::string>().find("v000003.jsonl:2:"),
            std::string::npos);
}

TEST_F(E2e, RunDeadLettersEachHostileRecordOnItsTopicWithItsReasonAndKeepsAlerting) {
  const auto broker = broker_with_topics();
  ASSERT_TRUE(broker);
  const std::string bootstrap = broker->bootstrap_servers();
  std::ofstream(at("nexus.yaml")) << "kafka:\n  bootstrap.servers: " << bootstrap
                                  << "\n  group.id: hostile\nstate_dir: " << at("state") << "\n";
  const pid_t child = start_run(at("nexus.yaml"), at("nexus.log"));
  ASSERT_GE(child, 0);
  auto producer = nexus::connectors::KafkaProducer::create({{"bootstrap.servers", bootstrap}});
  ASSERT_TRUE(producer);
  auto send = [&](const nexus::v1::Transaction& tx) {
    ASSERT_TRUE(producer.value()->produce("transactions", tx.beneficiary().account(),
                                          tx.SerializeAsString()));
  };
  auto structuring = [&](const std::string& account, int64_t day) {
    for (int i = 0; i < 3; ++i) {
      send(cash_deposit(account + "-" + std::to_string(i), account,
                        1'735'689'600 + (day + i) * 86'400));
    }
  };
  structuring("ACC-BEFORE", 0);
  // What one careless or hostile publisher can put on the topic.
  send(cash_deposit("FAR-FUTURE", "ACC-X", 4'102'358'400));  // 2099-12-31
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  send(cash_deposit("AHEAD-OF-WALL-CLOCK", "ACC-X", now + 2 * 3600));  // within max_future
  // A known id with other content (within the allowed lateness, so not merely late), and
  // an exact redelivery, which is a counted duplicate and no dead letter.
  auto conflict = cash_deposit("ACC-BEFORE-2", "ACC-BEFORE", 1'735'689'600 + 2 * 86'400);
  conflict.set_amount_minor(123);
  send(conflict);
  send(cash_deposit("ACC-BEFORE-2", "ACC-BEFORE", 1'735'689'600 + 2 * 86'400));
  auto absurd = cash_deposit("ABSURD", "ACC-X", 1'735'689'600 + 3 * 86'400);
  absurd.set_amount_minor(9'223'372'036'854'775'807);
  send(absurd);
  ASSERT_TRUE(producer.value()->produce("transactions", "x", std::string("\xff\x00garbage", 9)));
  structuring("ACC-AFTER", 4);
  ASSERT_TRUE(producer.value()->flush());

  nexus::connectors::KafkaSourceConfig reader_config;
  reader_config.properties = {{"bootstrap.servers", bootstrap}, {"group.id", "hostile-reader"}};
  reader_config.topics = {"alerts", "transactions.dlq"};
  auto reader = nexus::connectors::KafkaSource::create(std::move(reader_config));
  ASSERT_TRUE(reader);
  std::multiset<std::string> reasons;
  std::set<std::string> alerted;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while ((reasons.size() < 5 || alerted.size() < 2) &&
         std::chrono::steady_clock::now() < deadline) {
    auto record = reader.value()->poll(100);
    if (!record) continue;
    if (record->topic() == "alerts") {
      nexus::v1::Alert alert;
      ASSERT_TRUE(
          alert.ParseFromArray(record->value().data(), static_cast<int>(record->value().size())));
      alerted.insert(alert.subject());
    } else {
      nexus::v1::DeadLetter letter;
      ASSERT_TRUE(
          letter.ParseFromArray(record->value().data(), static_cast<int>(record->value().size())));
      EXPECT_FALSE(letter.detail().empty()) << letter.reason();
      reasons.insert(letter.reason());
    }
  }
  EXPECT_EQ(reasons, (std::multiset<std::string>{"amount_out_of_range", "conflicting_duplicate",
                                                 "future_event", "future_event", "undecodable"}))
      << slurp(at("nexus.log"));
  // Monitoring went on: the payments after the hostile records still alert.
  EXPECT_EQ(alerted, (std::set<std::string>{"ACC-BEFORE", "ACC-AFTER"})) << slurp(at("nexus.log"));
  EXPECT_EQ(stop_run(child), 0);
}

TEST_F(E2e, NexusBrokerServesNexusRunAndAnOutsideProducerAcrossProcesses) {
  // Three processes, as a user has them: `nexus broker`, `nexus run` on the config it
  // writes, and a producer and reader of their own (this test).
  const pid_t broker = fork();
  ASSERT_GE(broker, 0);
  if (broker == 0) {
    const std::string config_path = at("nexus.yaml"), log_path = at("broker.log");
    int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(log, 1);
    dup2(log, 2);
    execl(NEXUS_BINARY, NEXUS_BINARY, "broker", "--write-config", config_path.c_str(),
          "--input-format", "protobuf", nullptr);
    _exit(127);
  }
  ASSERT_TRUE(wait_for_text(at("broker.log"), "read the alerts: kcat", 30))
      << slurp(at("broker.log"));
  const std::string log = slurp(at("broker.log"));
  const std::smatch found = [&log] {
    std::smatch match;
    std::regex_search(log, match, std::regex("embedded Kafka at (127\\.0\\.0\\.1:[0-9]+)"));
    return match;
  }();
  ASSERT_EQ(found.size(), 2u) << log;
  const std::string bootstrap = found[1];
  EXPECT_NE(slurp(at("nexus.yaml")).find("bootstrap.servers: " + bootstrap), std::string::npos);
  {
    std::string config = slurp(at("nexus.yaml"));
    config.replace(config.find("./nexus-data/state"), 18, at("state"));
    std::ofstream(at("nexus.yaml"), std::ios::trunc) << config;
  }
  const pid_t engine = start_run(at("nexus.yaml"), at("nexus.log"));
  ASSERT_GE(engine, 0);
  auto producer = nexus::connectors::KafkaProducer::create({{"bootstrap.servers", bootstrap}});
  ASSERT_TRUE(producer);
  for (int i = 0; i < 3; ++i) {
    const auto tx =
        cash_deposit("OUTSIDE-" + std::to_string(i), "ACC-OUTSIDE", 1'735'689'600 + i * 86'400);
    ASSERT_TRUE(producer.value()->produce("transactions", "ACC-OUTSIDE", tx.SerializeAsString()));
  }
  ASSERT_TRUE(producer.value()->flush());
  nexus::connectors::KafkaSourceConfig reader_config;
  reader_config.properties = {{"bootstrap.servers", bootstrap}, {"group.id", "outside-reader"}};
  reader_config.topics = {"alerts"};
  auto reader = nexus::connectors::KafkaSource::create(std::move(reader_config));
  ASSERT_TRUE(reader);
  nexus::v1::Alert alert;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (alert.id().empty() && std::chrono::steady_clock::now() < deadline) {
    if (auto record = reader.value()->poll(100)) {
      ASSERT_TRUE(
          alert.ParseFromArray(record->value().data(), static_cast<int>(record->value().size())));
    }
  }
  EXPECT_EQ(alert.rule_id(), "AML-STRUCT-CASH") << slurp(at("nexus.log"));
  EXPECT_EQ(alert.subject(), "ACC-OUTSIDE");
  EXPECT_EQ(stop_run(engine), 0);
  EXPECT_EQ(stop_run(broker), 0);
  EXPECT_NE(slurp(at("broker.log")).find("embedded Kafka stopped"), std::string::npos);
}

TEST_F(E2e, BacktestOfAPackAgainstItselfShowsNoDifferenceAndATunedThresholdShowsOneRule) {
  ASSERT_EQ(run("generate --seed 3 --accounts 3000 --transactions 40000 --out " + at("tx.ndjson") +
                " --labels " + at("labels.ndjson"))
                .status,
            0);
  const std::string packs = std::string(NEXUS_SOURCE_DIR) + "/rules/packs";
  auto same = run("backtest --input " + at("tx.ndjson") + " --rules " + packs + " --baseline " +
                  packs + " --labels " + at("labels.ndjson") + " --format json");
  ASSERT_EQ(same.status, 0) << same.output;
  const auto report = nlohmann::json::parse(same.output);
  EXPECT_EQ(report["rules_changed"], 0);
  for (const auto& rule : report["rules"]) {
    EXPECT_EQ(rule["before"], rule["after"]) << rule.dump();
    EXPECT_FALSE(rule["changed_without_version_bump"].get<bool>()) << rule.dump();
    if (rule["scenarios"].get<int>() > 0) {
      EXPECT_EQ(rule["recall"], 1.0) << rule.dump();
    }
  }

  fs::create_directories(at("tuned"));
  for (const auto& file : fs::directory_iterator(packs)) {
    if (file.path().extension() == ".yaml")
      fs::copy_file(file.path(), at("tuned") + "/" + file.path().filename().string());
  }
  std::string pack = slurp(packs + "/core.yaml");
  const std::string from = "agg.outbound_by_originator_1h.count >= 20";
  ASSERT_NE(pack.find(from), std::string::npos);
  pack.replace(pack.find(from), from.size(), "agg.outbound_by_originator_1h.count >= 25");
  std::ofstream(at("tuned/core.yaml"), std::ios::trunc) << pack;
  // The raised threshold fails the rule's own "twentieth payment alerts" example: the
  // backtest is refused (tested in cli_input_test) unless asked for, as here.
  const std::string tuned_vs_packs =
      " --rules " + at("tuned") + " --baseline " + packs + " --allow-failing-tests";
  auto tuned = run("backtest --input " + at("tx.ndjson") + tuned_vs_packs + " --format json");
  ASSERT_EQ(tuned.status, 0) << tuned.output;
  // stderr first (the failing test, the warning), then the report.
  ASSERT_EQ(tuned.output.rfind("FAIL AML-VELOCITY-1H test", 0), 0u) << tuned.output;
  const auto diff = nlohmann::json::parse(tuned.output.substr(tuned.output.find("\n{") + 1));
  EXPECT_EQ(diff["rules_changed"], 1);
  for (const auto& rule : diff["rules"]) {
    const bool changed = rule["added"].get<int>() + rule["removed"].get<int>() > 0;
    EXPECT_EQ(changed, rule["rule"] == "AML-VELOCITY-1H") << rule.dump();
    // The threshold changed under the same version number: the report must say so.
    EXPECT_EQ(rule["changed_without_version_bump"].get<bool>(), rule["rule"] == "AML-VELOCITY-1H")
        << rule.dump();
    // What changed, not just that it did: the condition before and after.
    if (rule["rule"] == "AML-VELOCITY-1H") {
      ASSERT_EQ(rule["differences"].size(), 1u) << rule.dump();
      EXPECT_EQ(rule["differences"][0]["what"], "condition");
      EXPECT_EQ(rule["differences"][0]["before"], from);
      EXPECT_EQ(rule["differences"][0]["after"], "agg.outbound_by_originator_1h.count >= 25");
    } else {
      EXPECT_FALSE(rule.contains("differences")) << rule.dump();
    }
  }
  auto text = run("backtest --input " + at("tx.ndjson") + tuned_vs_packs);
  ASSERT_EQ(text.status, 0) << text.output;
  EXPECT_NE(text.output.find("definitions changed (- baseline, + candidate)\nAML-VELOCITY-1H 1 "
                             "CHANGED, same version\n  - condition: " +
                             from + "\n  + condition: agg.outbound_by_originator_1h.count >= 25\n"),
            std::string::npos)
      << text.output;
  // The same comparison as a page for a review meeting: the changed rule is marked.
  auto page = run("backtest --input " + at("tx.ndjson") + tuned_vs_packs + " --format html");
  ASSERT_EQ(page.status, 0) << page.output;
  EXPECT_NE(page.output.find("\n<!doctype html>"), std::string::npos);  // after the warning
  EXPECT_NE(page.output.find("<p id=\"summary\">1 rule(s) with differences</p>"),
            std::string::npos);
  EXPECT_NE(page.output.find("<tr class=\"warn\"><td>AML-VELOCITY-1H</td>"), std::string::npos)
      << page.output.substr(0, 2000);
  EXPECT_NE(page.output.find("</html>"), std::string::npos);
}

/// Each NDJSON line of an alerts file, without the set's content hash (the one part a rule
/// added to the set changes in every alert).
std::vector<std::string> alerts_without_ruleset_hash(const fs::path& path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    auto alert = nlohmann::json::parse(line);
    alert.erase("ruleset_hash");
    out.push_back(alert.dump());
  }
  return out;
}

TEST_F(E2e, AShadowRuleWritesItsOwnFileLeavesLiveAlertsAloneAndBacktestShowsItsPromotion) {
  ASSERT_EQ(
      run("generate --seed 3 --accounts 3000 --transactions 40000 --out " + at("tx.ndjson")).status,
      0);
  const std::string packs = std::string(NEXUS_SOURCE_DIR) + "/rules/packs";
  // The packs plus a looser velocity rule on trial, in a file of its own.
  auto trial_set = [&](const std::string& dir, const std::string& mode, int version) {
    fs::create_directories(at(dir));
    for (const auto& file : fs::directory_iterator(packs)) {
      if (file.path().extension() == ".yaml")
        fs::copy_file(file.path(), at(dir) + "/" + file.path().filename().string());
    }
    std::ofstream(at(dir) + "/trial.yaml")
        << "- rule: AML-VELOCITY-1H-TRIAL\n  version: " << version << "\n  mode: " << mode
        << "\n  source: test\n  subject: originator.account\n  suppress: 24h\n"
           "  condition: agg.outbound_by_originator_1h.count >= 15\n";
  };
  trial_set("trial", "shadow", 1);
  auto live = run("replay --input " + at("tx.ndjson") + " --out " + at("live.ndjson"));
  ASSERT_EQ(live.status, 0) << live.output;
  EXPECT_FALSE(fs::exists(at("live.shadow.ndjson"))) << "no shadow rule, no shadow file";
  auto shadow = run("replay --input " + at("tx.ndjson") + " --rules " + at("trial") + " --out " +
                    at("with.ndjson"));
  ASSERT_EQ(shadow.status, 0) << shadow.output;
  // Live alerts: the same, line for line, as without the rule on trial.
  const auto without_lines = alerts_without_ruleset_hash(at("live.ndjson"));
  ASSERT_FALSE(without_lines.empty());
  EXPECT_EQ(alerts_without_ruleset_hash(at("with.ndjson")), without_lines);
  EXPECT_EQ(slurp(at("with.ndjson")).find("AML-VELOCITY-1H-TRIAL"), std::string::npos);
  // The trial's alerts, marked, in the file beside them (and named so in the summary).
  const auto trial_lines = alerts_without_ruleset_hash(at("with.shadow.ndjson"));
  ASSERT_FALSE(trial_lines.empty()) << shadow.output;
  for (const auto& line : trial_lines) {
    const auto alert = nlohmann::json::parse(line);
    EXPECT_EQ(alert["rule_id"], "AML-VELOCITY-1H-TRIAL");
    EXPECT_EQ(alert["shadow"], true);
  }
  EXPECT_NE(shadow.output.find("shadow alerts       " + std::to_string(trial_lines.size()) +
                               " (shadow rules"),
            std::string::npos)
      << shadow.output;
  EXPECT_NE(shadow.output.find("AML-VELOCITY-1H-TRIAL (shadow)"), std::string::npos);
  EXPECT_NE(shadow.output.find("shadow alerts to    " + at("with.shadow.ndjson")),
            std::string::npos);

  // backtest: the trial side by side with the live rules, its alerts counted apart.
  auto added = run("backtest --input " + at("tx.ndjson") + " --rules " + at("trial") +
                   " --baseline " + packs + " --format json");
  ASSERT_EQ(added.status, 0) << added.output;
  const auto report = nlohmann::json::parse(added.output);
  EXPECT_EQ(report["alerts"]["candidate"]["shadow"], trial_lines.size());
  EXPECT_EQ(report["alerts"]["baseline"]["shadow"], 0);
  EXPECT_EQ(report["alerts"]["candidate"]["live"], without_lines.size());
  EXPECT_EQ(report["alerts"]["baseline"]["live"], without_lines.size());
  for (const auto& rule : report["rules"]) {
    const bool trial = rule["rule"] == "AML-VELOCITY-1H-TRIAL";
    EXPECT_EQ(rule["mode_after"], trial ? "shadow" : "live") << rule.dump();
    EXPECT_EQ(rule["mode_before"], trial ? "-" : "live") << rule.dump();
    if (!trial) {
      EXPECT_EQ(rule["before"], rule["after"]) << rule.dump();
    }
  }
  // Promoted with a version bump: named so, the mode shown part by part.
  trial_set("promoted", "live", 2);
  auto promoted = run("backtest --input " + at("tx.ndjson") + " --rules " + at("promoted") +
                      " --baseline " + at("trial"));
  ASSERT_EQ(promoted.status, 0) << promoted.output;
  const size_t row = promoted.output.find("\nAML-VELOCITY-1H-TRIAL ");
  ASSERT_NE(row, std::string::npos) << promoted.output;
  const std::string line =
      promoted.output.substr(row + 1, promoted.output.find('\n', row + 1) - row - 1);
  EXPECT_NE(line.find(" shadow->live promoted 1->2 "), std::string::npos) << line;
  EXPECT_TRUE(std::regex_search(promoted.output, std::regex("\nrule +mode +version +before ")))
      << promoted.output;
  EXPECT_NE(promoted.output.find("AML-VELOCITY-1H-TRIAL 1->2\n  - mode: shadow\n  + mode: live\n"),
            std::string::npos)
      << promoted.output;
  EXPECT_EQ(promoted.output.find("warning:"), std::string::npos) << promoted.output;
  // Promoted under the same version: warned, since alerts tell rules apart by version.
  trial_set("unbumped", "live", 1);
  auto unbumped = run("backtest --input " + at("tx.ndjson") + " --rules " + at("unbumped") +
                      " --baseline " + at("trial"));
  ASSERT_EQ(unbumped.status, 0) << unbumped.output;
  EXPECT_NE(unbumped.output.find("warning: AML-VELOCITY-1H-TRIAL: mode shadow -> live under the "
                                 "same version 1: promoted rules need a new version"),
            std::string::npos)
      << unbumped.output;
}

}  // namespace
