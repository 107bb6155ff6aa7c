// Careless and hostile input to the nexus binary (issue: what a new user broke): each case
// is run as a user runs it and its answer read back.
#include "tests/cli_run.hpp"
#include "tests/tls_test_support.hpp"
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
using nexus::testing::run;
using nexus::testing::slurp;

class CliInput : public nexus::testing::ScratchDirTest {
 protected:
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(at(name), std::ios::binary) << text;
  }
  /// Starts `nexus desk --config desk.yaml` plus `extra` arguments, its output to desk.log, and
  /// waits (30 s at most) until the log says `serving`; the child's pid, and the log then.
  pid_t start_desk(const std::vector<std::string>& extra, const std::string& serving,
                   std::string* log) const {
    const pid_t child = fork();
    if (child == 0) {
      const int out = ::open(at("desk.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(out, 1);
      dup2(out, 2);
      const std::string config = at("desk.yaml");
      std::vector<const char*> argv = {NEXUS_BINARY, "desk", "--config", config.c_str()};
      for (const auto& argument : extra) argv.push_back(argument.c_str());
      argv.push_back(nullptr);
      execv(NEXUS_BINARY, const_cast<char* const*>(argv.data()));
      _exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline &&
           (*log = slurp(at("desk.log"))).find(serving) == std::string::npos) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return child;
  }
};

TEST_F(CliInput, RunRefusesOutOfRangeSettingsWithTheFieldTheValueAndTheRange) {
  struct Case {
    const char* yaml;
    const char* message;
  };
  const Case cases[] = {
      {"metrics:\n  port: 70000\n",
       "c.yaml:4:9: metrics.port: 70000 is out of range (allowed 0 to 65535)"},
      {"metrics:\n  port: -5\n",
       "c.yaml:4:9: metrics.port: -5 is out of range (allowed 0 to 65535)"},
      {"checkpoint:\n  events: 0\n",
       "c.yaml:4:11: checkpoint.events: 0 is out of range (allowed 1 to 100000000)"},
      {"checkpoint:\n  interval_ms: -1\n",
       "c.yaml:4:16: checkpoint.interval_ms: -1 is out of range (allowed 1 to 3600000)"},
      {"topics:\n  alerts: [x]\n",
       "c.yaml:4:11: topics.alerts: a list is not a valid value (expected a string)"},
      {"engine:\n  max_future: soon\n",
       "c.yaml:4:15: engine.max_future: 'soon' is not a duration such as 30m, 1h or 7d"},
      {"engine:\n  max_futur: 1d\n",
       "c.yaml:4:3: unknown key 'max_futur' (did you mean 'max_future'?)"},
      {"engine:\n  allowed_lateness: 2d\n  max_future: 1d\n",
       "engine.max_future must be at least engine.allowed_lateness"},
      // Shadow alerts must never share the topic the desk reads.
      {"topics:\n  shadow_alerts: alerts\n",
       "c.yaml:4:18: topics.shadow_alerts: 'alerts' must be a topic of its own"},
      {"topics:\n  alerts: alerts.shadow\n",
       "c.yaml:4:11: topics.shadow_alerts: 'alerts.shadow' must be a topic of its own"},
      {"topics:\n  shadow_alerts: ''\n",
       "c.yaml:4:18: topics.shadow_alerts: '' must be a topic of its own"},
  };
  for (const auto& c : cases) {
    write("c.yaml", std::string("kafka:\n  bootstrap.servers: 127.0.0.1:1\n") + c.yaml);
    const auto result = run("run --config " + at("c.yaml"));
    EXPECT_EQ(result.status, 2) << c.yaml << result.output;
    EXPECT_NE(result.output.find(c.message), std::string::npos) << c.yaml << result.output;
  }
}

TEST_F(CliInput, RunRefusesAReloadTokenOthersCanReadOrThatIsTooShort) {
  auto refused = [this](const std::string& token, fs::perms perms) {
    write("reload.token", token);
    fs::permissions(at("reload.token"), perms);
    write("c.yaml",
          "kafka:\n  bootstrap.servers: 127.0.0.1:1\nmetrics:\n  port: 0\n"
          "  reload_token_file: " +
              at("reload.token") + "\n");
    return run("run --config " + at("c.yaml"));
  };
  const auto readable =
      refused("0123456789abcdef0123\n",
              fs::perms::owner_read | fs::perms::owner_write | fs::perms::others_read);
  EXPECT_EQ(readable.status, 2) << readable.output;
  EXPECT_NE(readable.output.find("c.yaml:5:22: metrics.reload_token_file: '" + at("reload.token") +
                                 "' may be read by others than its owner (chmod 600 it)"),
            std::string::npos)
      << readable.output;
  const auto short_token = refused("secret\n", fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(short_token.status, 2) << short_token.output;
  EXPECT_NE(short_token.output.find("is shorter than 16 characters"), std::string::npos)
      << short_token.output;
}

TEST_F(CliInput, TheFirstDeadLetterOfAReplayCarriesOffsetZero) {
  write("in.ndjson", "{\"bad json\n");
  const auto result = run("replay --input " + at("in.ndjson") + " --out " + at("a.ndjson") +
                          " --dlq " + at("d.ndjson"));
  const std::string dlq = slurp(at("d.ndjson"));
  EXPECT_NE(dlq.find("\"source_offset\":\"0\""), std::string::npos) << dlq << result.output;
  EXPECT_NE(dlq.find("\"source_partition\":0"), std::string::npos) << dlq;
}

TEST_F(CliInput, AReplayKilledMidStreamAndResumedAppendsAndEndsByteIdenticalToAFullRun) {
  ASSERT_EQ(run("generate --seed 5 --accounts 5000 --transactions 150000 --out " + at("tx.ndjson"))
                .status,
            0);
  ASSERT_EQ(run("replay --input " + at("tx.ndjson") + " --out " + at("full.ndjson")).status, 0);
  const std::string resumable = "replay --input " + at("tx.ndjson") + " --out " + at("r.ndjson") +
                                " --state-dir " + at("state") + " --checkpoint-every 5000";
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    execl("/bin/sh", "sh", "-c", (std::string("exec ") + NEXUS_BINARY + " " + resumable).c_str(),
          nullptr);
    _exit(127);
  }
  // Kill it once the file has grown three times: alerts are flushed at each checkpoint
  // before its offsets are stored, so by the third the first checkpoint is durable.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::error_code ec;
  uintmax_t last = 0;
  int growths = 0;
  while (std::chrono::steady_clock::now() < deadline && growths < 3) {
    const auto size = fs::exists(at("r.ndjson"), ec) ? fs::file_size(at("r.ndjson"), ec) : 0;
    if (size > last) {
      last = size;
      ++growths;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the replay ended before it could be killed";
  const auto before = fs::file_size(at("r.ndjson"));
  ASSERT_GT(before, 0u);

  const auto resumed = run(resumable);
  ASSERT_EQ(resumed.status, 0) << resumed.output;
  EXPECT_NE(resumed.output.find("resumed from the checkpoint"), std::string::npos)
      << resumed.output;
  // What the killed run delivered is kept, nothing is written twice, nothing is missing.
  EXPECT_EQ(slurp(at("r.ndjson")), slurp(at("full.ndjson")));
  EXPECT_GT(fs::file_size(at("r.ndjson")), before);
}

TEST_F(CliInput, AResumedReplayCutsAPartlyWrittenLastAlertAndWritesItWhole) {
  ASSERT_EQ(
      run("generate --seed 5 --accounts 2000 --transactions 30000 --out " + at("tx.ndjson")).status,
      0);
  const std::string command = "replay --input " + at("tx.ndjson") + " --out " + at("r.ndjson") +
                              " --state-dir " + at("state");
  ASSERT_EQ(run(command).status, 0);
  const std::string full = slurp(at("r.ndjson"));
  ASSERT_GT(full.size(), 100u);
  // A kill mid-write leaves half a line; the next resumed run must not glue onto it.
  std::ofstream(at("r.ndjson"), std::ios::app) << "{\"id\":\"half";
  const auto again = run(command);
  ASSERT_EQ(again.status, 0) << again.output;
  EXPECT_EQ(slurp(at("r.ndjson")), full);

  // The same for length-delimited protobuf: a length prefix of 100 with 2 bytes after it.
  const std::string pb = "replay --input " + at("tx.ndjson") + " --out " + at("r.pb") +
                         " --state-dir " + at("state-pb");
  ASSERT_EQ(run(pb).status, 0);
  const std::string full_pb = slurp(at("r.pb"));
  ASSERT_GT(full_pb.size(), 100u);
  std::ofstream(at("r.pb"), std::ios::app | std::ios::binary) << "\x64"
                                                              << "ab";
  const auto again_pb = run(pb);
  ASSERT_EQ(again_pb.status, 0) << again_pb.output;
  EXPECT_NE(again_pb.output.find("resumed from the checkpoint"), std::string::npos)
      << again_pb.output;
  EXPECT_EQ(slurp(at("r.pb")), full_pb);
}

TEST_F(CliInput, VersionAndUnknownCommandsGetAClearAnswer) {
  const auto version = run("--version");
  EXPECT_EQ(version.status, 0);
  EXPECT_EQ(version.output.rfind("nexus ", 0), 0u) << version.output;
  for (const char* arguments : {"bogus", "bogus --help"}) {
    const auto bogus = run(arguments);
    EXPECT_EQ(bogus.status, 2) << arguments;
    EXPECT_NE(bogus.output.find("nexus: unknown command 'bogus'"), std::string::npos)
        << bogus.output;
  }
  const auto typo = run("replya --input x");
  EXPECT_EQ(typo.status, 2);
  EXPECT_NE(typo.output.find("(did you mean 'replay'?)"), std::string::npos) << typo.output;
  const auto nested = run("rules chek rules/packs");
  EXPECT_EQ(nested.status, 2);
  EXPECT_NE(nested.output.find("nexus rules: unknown command 'chek' (did you mean 'check'?)"),
            std::string::npos)
      << nested.output;
}

TEST_F(CliInput, BadLabelsAreRefusedBeforeTheReplayRuns) {
  ASSERT_EQ(
      run("generate --seed 1 --accounts 100 --transactions 200 --out " + at("tx.ndjson")).status,
      0);
  write("garbage.ndjson", "garbage\n");
  write("typed.ndjson", "{\"scenario_id\":5}\n");
  struct Case {
    std::string labels, message;
  };
  for (const Case& c : {Case{at("garbage.ndjson"), "garbage.ndjson:1: not a JSON object"},
                        Case{at("typed.ndjson"), "typed.ndjson:1: 'scenario_id' must be a string"},
                        Case{at("missing.ndjson"), "cannot read labels"}}) {
    const auto result = run("replay --input " + at("tx.ndjson") + " --out " + at("a.ndjson") +
                            " --labels " + c.labels);
    EXPECT_EQ(result.status, 2) << result.output;
    EXPECT_NE(result.output.find(c.message), std::string::npos) << result.output;
    // Refused before the replay: nothing was judged, no summary printed.
    EXPECT_EQ(result.output.find("== Summary =="), std::string::npos) << result.output;
  }
}

TEST_F(CliInput, AnInputWhoseEveryRecordIsDeadLetteredExitsNonZero) {
  write("bad.ndjson", "x\ny\n");
  const auto result = run("replay --input " + at("bad.ndjson") + " --out " + at("a.ndjson"));
  EXPECT_EQ(result.status, 3) << result.output;
  EXPECT_NE(result.output.find("every one of the 2 records was dead-lettered"), std::string::npos)
      << result.output;
}

TEST_F(CliInput, ALatin1InputFileNameIsLoggedNotAnAbort) {
  ASSERT_EQ(
      run("generate --seed 1 --accounts 100 --transactions 200 --out " + at("tx.ndjson")).status,
      0);
  const std::string latin1 = at("caf\xE9.ndjson");
  fs::copy_file(at("tx.ndjson"), latin1);
  const auto result = run("replay --input '" + latin1 + "' --out " + at("a.ndjson"));
  EXPECT_EQ(result.status, 0) << result.output;
  EXPECT_NE(result.output.find("caf\xEF\xBF\xBD.ndjson"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("dead-lettered       0"), std::string::npos) << result.output;
}

TEST_F(CliInput, ScreenRefusesBadSecondaryEvidenceAndSurvivesInvalidUtf8) {
  const std::string lists =
      std::string(NEXUS_SHARED_DATA_DIR) + "/sanctions/un_consolidated_2026-02-27.xml";
  ASSERT_EQ(run("lists import --data-dir " + at("lists") + " " + lists).status, 0);
  const std::string screen = "screen --data-dir " + at("lists") + " ";
  for (const auto& [arguments, message] :
       {std::pair<std::string, std::string>{"--threshold -1 John",
                                            "--threshold: Value -1 not in range"},
        {"--dob notadate John", "'notadate' is not a date of birth"},
        {"--dob 19xx John", "'19xx' is not a date of birth: YYYY, YYYY-MM or YYYY-MM-DD"},
        {"--dob 1970-13 John", "(no month 13)"},
        {"--dob 1970-02-30 John", "(no such day)"},
        {"--profile nexus John", "--profile"},
        {"--country ZZZ John", "'ZZZ' is not a country"}}) {
    const auto result = run(screen + arguments);
    // Exit 2: trouble, told apart from 1 (no match) as grep does.
    EXPECT_EQ(result.status, 2) << arguments;
    EXPECT_NE(result.output.find(message), std::string::npos) << result.output;
  }
  // A Latin-1 name among UTF-8 ones: every line answered, in order, the bad bytes replaced.
  write("names.txt", "Usama bin Laden\nSoci\xE9t\xE9 G\xE9n\xE9rale\nJohn Smith\n");
  const auto file = run(screen + "--file " + at("names.txt"));
  EXPECT_EQ(file.status, 0) << file.output;
  EXPECT_NE(file.output.find("\"query\":\"Usama bin Laden\""), std::string::npos) << file.output;
  EXPECT_NE(file.output.find("\"query\":\"Soci\xEF\xBF\xBDt\xEF\xBF\xBD"), std::string::npos)
      << file.output;
  EXPECT_NE(file.output.find("\"query\":\"John Smith\""), std::string::npos) << file.output;
  const auto json = run(screen + "--json 'Soci\xE9t\xE9'");
  EXPECT_EQ(json.status, 1) << json.output;  // no match
  EXPECT_NE(json.output.find("\"match\": false"), std::string::npos) << json.output;
}

TEST_F(CliInput, ScreenExitsLikeGrepSoScriptsCanTellMatchFromNoMatch) {
  const std::string lists =
      std::string(NEXUS_SHARED_DATA_DIR) + "/sanctions/un_consolidated_2026-02-27.xml";
  ASSERT_EQ(run("lists import --data-dir " + at("lists") + " " + lists).status, 0);
  const std::string screen = "screen --data-dir " + at("lists") + " ";
  const auto match = run(screen + "'Tariq Aziz' --dob 1936-07");
  EXPECT_EQ(match.status, 0) << match.output;
  EXPECT_NE(match.output.find("MATCH at threshold"), std::string::npos) << match.output;
  // A month against the listed full date 1936-07-01 is worth more than the year alone.
  EXPECT_NE(match.output.find("dob +0.04"), std::string::npos) << match.output;
  const auto none = run(screen + "'Maria Fernanda Lopez'");
  EXPECT_EQ(none.status, 1) << none.output;
  EXPECT_NE(none.output.find("no match at threshold"), std::string::npos) << none.output;
  write("none.txt", "Maria Fernanda Lopez\nJohn Smith\n");
  EXPECT_EQ(run(screen + "--file " + at("none.txt")).status, 1);
  write("some.txt", "Maria Fernanda Lopez\nSADDAM HUSSEIN AL-TIKRITI\n");
  EXPECT_EQ(run(screen + "--file " + at("some.txt")).status, 0);
  const auto no_lists = run("screen --data-dir " + at("empty") + " 'Tariq Aziz'");
  EXPECT_EQ(no_lists.status, 2) << no_lists.output;
  EXPECT_EQ(run(screen + "--file " + at("missing.txt")).status, 2);
  EXPECT_EQ(run(screen).status, 2);  // neither a name nor a file
  EXPECT_EQ(run("screen --help").status, 0);
}

TEST_F(CliInput, TheDemoRefusesADataDirWithFilesItDidNotCreate) {
  fs::create_directories(at("mine"));
  write("mine/thesis.txt", "two years of work\n");
  const auto foreign = run("demo --data-dir " + at("mine") + " --transactions 2000 --accounts 500");
  EXPECT_EQ(foreign.status, 2) << foreign.output;
  EXPECT_NE(foreign.output.find("holds files the demo did not create"), std::string::npos)
      << foreign.output;
  EXPECT_EQ(slurp(at("mine/thesis.txt")), "two years of work\n");

  const auto overlap = run("demo --data-dir " + at("mine") + " --lists " + at("mine") +
                           " --transactions 2000 --accounts 500");
  EXPECT_EQ(overlap.status, 2) << overlap.output;
  EXPECT_NE(overlap.output.find("is the --lists dir"), std::string::npos) << overlap.output;

  // Its own dir it may start afresh, keeping anything else put there.
  const std::string demo = "demo --data-dir " + at("demo") + " --transactions 2000 --accounts 500";
  ASSERT_EQ(run(demo).status, 0);
  write("demo/notes.txt", "kept\n");
  const auto again = run(demo);
  EXPECT_EQ(again.status, 0) << again.output;
  EXPECT_EQ(slurp(at("demo/notes.txt")), "kept\n");
  EXPECT_TRUE(fs::exists(at("demo/labels.ndjson")));
}

TEST_F(CliInput, BacktestRefusesACandidateThatFailsItsOwnInlineTestsUnlessAskedTo) {
  ASSERT_EQ(
      run("generate --seed 2 --accounts 500 --transactions 3000 --out " + at("tx.ndjson")).status,
      0);
  const std::string packs = std::string(NEXUS_SOURCE_DIR) + "/rules/packs";
  fs::copy(packs, at("candidate"));
  // A threshold no inline example reaches: the rule's own "must alert" test fails.
  std::string core = slurp(at("candidate/core.yaml"));
  const std::string from = "agg.outbound_by_originator_1h.count >= 20";
  ASSERT_NE(core.find(from), std::string::npos);
  core.replace(core.find(from), from.size(), "agg.outbound_by_originator_1h.count >= 2000");
  write("candidate/core.yaml", core);
  const std::string command = "backtest --input " + at("tx.ndjson") + " --rules " +
                              at("candidate") + " --baseline " + packs;
  const auto refused = run(command);
  EXPECT_EQ(refused.status, 2) << refused.output;
  EXPECT_NE(refused.output.find("FAIL AML-VELOCITY-1H test"), std::string::npos) << refused.output;
  EXPECT_NE(refused.output.find("fail 1 of their own inline test(s)"), std::string::npos)
      << refused.output;
  EXPECT_EQ(refused.output.find("backtest of"), std::string::npos) << refused.output;

  const auto forced = run(command + " --allow-failing-tests");
  EXPECT_EQ(forced.status, 0) << forced.output;
  EXPECT_NE(forced.output.find("warning: backtesting a candidate that fails 1 inline test(s)"),
            std::string::npos)
      << forced.output;
  EXPECT_NE(forced.output.find("backtest of"), std::string::npos) << forced.output;
}

TEST_F(CliInput, ReplayShowRulePrintsOnlyThatRulesAlertsAndRefusesAnUnknownId) {
  ASSERT_EQ(
      run("generate --seed 2 --accounts 500 --transactions 3000 --out " + at("tx.ndjson")).status,
      0);
  const std::string replay = "replay --input " + at("tx.ndjson") + " --out " + at("a.ndjson");
  const auto shown = run(replay + " --show-rule AML-VELOCITY-1H --show 2");
  ASSERT_EQ(shown.status, 0) << shown.output;
  size_t alerts = 0;
  for (size_t at_line = shown.output.find("ALERT "); at_line != std::string::npos;
       at_line = shown.output.find("\nALERT ", at_line + 1)) {
    const size_t start = shown.output[at_line] == '\n' ? at_line + 1 : at_line;
    const std::string line = shown.output.substr(start, shown.output.find('\n', start) - start);
    EXPECT_NE(line.find(" AML-VELOCITY-1H v"), std::string::npos) << line;
    ++alerts;
  }
  EXPECT_EQ(alerts, 2u) << shown.output;

  const auto typo = run(replay + " --show-rule AML-VELOCITY-1");
  EXPECT_EQ(typo.status, 2) << typo.output;
  EXPECT_NE(typo.output.find("--show-rule 'AML-VELOCITY-1' is not a rule of this set (did you "
                             "mean 'AML-VELOCITY-1H'?)"),
            std::string::npos)
      << typo.output;
}

TEST_F(CliInput, TheDeskRefusesATypoInItsConfigAndAStoreItCannotOpenBeforeServing) {
  write("desk.yaml", "listen:\n  port: 0\nstore:\n  sqlte: desk.db\n");
  const auto typo = run("desk --config " + at("desk.yaml"));
  EXPECT_EQ(typo.status, 2) << typo.output;
  EXPECT_NE(typo.output.find("desk.yaml:4:3: unknown key 'sqlte' (did you mean 'sqlite'?)"),
            std::string::npos)
      << typo.output;
  // A directory where the database file should be: refused with SQLite's reason.
  fs::create_directories(at("not-a-file.db"));
  const auto unopenable = run("desk --port 0 --store " + at("not-a-file.db"));
  EXPECT_EQ(unopenable.status, 2) << unopenable.output;
  EXPECT_NE(unopenable.output.find("desk store (SQLite " + at("not-a-file.db") + ") refused:"),
            std::string::npos)
      << unopenable.output;
  EXPECT_EQ(unopenable.output.find("desk (SQLite"), std::string::npos) << unopenable.output;
}

TEST_F(CliInput, TheDeskWithACertificateServesHttpsAndRefusesBadTlsFilesBeforeServing) {
  const auto identity = nexus::testing::make_tls_identity(dir_, "desk");
  const auto other = nexus::testing::make_tls_identity(dir_, "other");
  // The files relative to the config, as the other paths in it are.
  auto configure = [this](const std::string& certificate, const std::string& key) {
    write("desk.yaml", "listen:\n  port: 0\n  tls:\n    certificate: " + certificate +
                           "\n    private_key: " + key + "\nstore:\n  sqlite: desk.db\n");
  };
  configure("desk.crt.pem", "other.key.pem");
  const auto mismatched = run("desk --config " + at("desk.yaml"));
  EXPECT_EQ(mismatched.status, 2) << mismatched.output;
  EXPECT_NE(mismatched.output.find("desk.yaml:5:18: TLS private key " + at("other.key.pem") +
                                   " does not match the certificate " + at("desk.crt.pem") +
                                   " (OpenSSL: x509 certificate routines: key values mismatch)"),
            std::string::npos)
      << mismatched.output;
  configure("missing.pem", "desk.key.pem");
  const auto missing = run("desk --config " + at("desk.yaml"));
  EXPECT_EQ(missing.status, 2) << missing.output;
  EXPECT_NE(missing.output.find("desk.yaml:4:18: TLS certificate " + at("missing.pem") +
                                ": cannot read (No such file or directory)"),
            std::string::npos)
      << missing.output;
  EXPECT_FALSE(fs::exists(at("desk.db")));  // refused before the store was opened

  configure("desk.crt.pem", "desk.key.pem");
  const std::string serving = "at https://127.0.0.1:";
  std::string log;
  const pid_t child = start_desk({}, serving, &log);
  ASSERT_GE(child, 0);
  const auto at_port = log.find(serving);
  if (at_port == std::string::npos) kill(child, SIGKILL);
  ASSERT_NE(at_port, std::string::npos) << log;
  const auto port = static_cast<uint16_t>(std::stoi(log.substr(at_port + serving.size())));
  nexus::testing::HttpsClient client(port, identity.certificate_file);
  EXPECT_TRUE(client.ok()) << client.error();
  const auto health = client.request("GET", "/healthz");
  EXPECT_EQ(health.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << health << client.error();
  EXPECT_NE(health.find("Strict-Transport-Security"), std::string::npos) << health;
  // Plain HTTP to it: no answer, one warning in the log, and the desk goes on.
  const auto plain = nexus::testing::raw_exchange(port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
                                                  std::chrono::seconds(10));
  EXPECT_EQ(plain.received.find("HTTP/"), std::string::npos) << plain.received;
  EXPECT_EQ(client.request("GET", "/healthz").rfind("HTTP/1.1 200 OK\r\n", 0), 0u)
      << client.error();
  kill(child, SIGTERM);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  log = slurp(at("desk.log"));
  EXPECT_NE(log.find("\"msg\":\"TLS handshake failed; connection dropped\""), std::string::npos)
      << log;
}

TEST_F(CliInput, TheDeskSkipsShadowAlertsOfAnAlertsFileAndStoresTheLiveOnes) {
  // What `replay` writes: a live alert, and (as if --shadow-out were given --out's file) a
  // shadow one.
  write("alerts.ndjson",
        R"({"id":"live-1","rule_id":"AML-STRUCT-CASH","rule_version":2,"subject":"ACC-1",)"
        R"("transaction_ids":["t1"]})"
        "\n"
        R"({"id":"shadow-1","rule_id":"STRUCT-TRIAL","rule_version":1,"subject":"ACC-1",)"
        R"("transaction_ids":["t1"],"shadow":true})"
        "\n");
  write("desk.yaml", "listen:\n  port: 0\nstore:\n  sqlite: desk.db\n");
  std::string log;
  const pid_t child = start_desk({"--alerts", at("alerts.ndjson")}, " at http://127.0.0.1:", &log);
  ASSERT_GE(child, 0);
  kill(child, SIGTERM);
  int status = 0;
  waitpid(child, &status, 0);
  log = slurp(at("desk.log"));
  EXPECT_NE(log.find(at("alerts.ndjson") +
                     ": 1 shadow alert(s) skipped: shadow rules' alerts never enter the "
                     "analysts' queue"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("alerts from " + at("alerts.ndjson") +
                     ": 2 read, 1 new, 0 already stored, 0 refused"),
            std::string::npos)
      << log;
}

TEST_F(CliInput, BacktestColumnsStayAlignedForLongRuleIds) {
  ASSERT_EQ(
      run("generate --seed 2 --accounts 500 --transactions 3000 --out " + at("tx.ndjson")).status,
      0);
  fs::copy(std::string(NEXUS_SOURCE_DIR) + "/rules/packs", at("candidate"));
  std::string core = slurp(at("candidate/core.yaml"));
  const std::string from = "- rule: AML-VELOCITY-1H\n";
  ASSERT_NE(core.find(from), std::string::npos);
  core.replace(core.find(from), from.size(), "- rule: AML-VELOCITY-1H-WITH-A-MUCH-LONGER-NAME\n");
  write("candidate/core.yaml", core);
  const auto result = run("backtest --input " + at("tx.ndjson") + " --rules " + at("candidate") +
                          " --baseline " + std::string(NEXUS_SOURCE_DIR) + "/rules/packs");
  ASSERT_EQ(result.status, 0) << result.output;
  // The table: from the header line to the blank line after it; every line the same width.
  const auto header = result.output.find("\nrule ");
  ASSERT_NE(header, std::string::npos) << result.output;
  const auto end = result.output.find("\n\n", header + 1);
  std::istringstream table(result.output.substr(header + 1, end - header - 1));
  std::string line;
  size_t width = 0, lines = 0;
  while (std::getline(table, line)) {
    if (width == 0) width = line.size();
    EXPECT_EQ(line.size(), width) << line;
    ++lines;
  }
  EXPECT_GT(lines, 30u);
  EXPECT_NE(result.output.find("AML-VELOCITY-1H-WITH-A-MUCH-LONGER-NAME"), std::string::npos);
}

}  // namespace
