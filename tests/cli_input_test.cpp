// Careless and hostile input to the nexus binary (issue: what a new user broke): each case
// is run as a user runs it and its answer read back.
#include "tests/cli_run.hpp"
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace {

namespace fs = std::filesystem;
using nexus::testing::run;
using nexus::testing::slurp;

class CliInput : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("nexus-cli-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string at(const std::string& name) const { return (dir_ / name).string(); }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(at(name), std::ios::binary) << text;
  }
  fs::path dir_;
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
  };
  for (const auto& c : cases) {
    write("c.yaml", std::string("kafka:\n  bootstrap.servers: 127.0.0.1:1\n") + c.yaml);
    const auto result = run("run --config " + at("c.yaml"));
    EXPECT_EQ(result.status, 2) << c.yaml << result.output;
    EXPECT_NE(result.output.find(c.message), std::string::npos) << c.yaml << result.output;
  }
}

TEST_F(CliInput, TheFirstDeadLetterOfAReplayCarriesOffsetZero) {
  write("in.ndjson", "{\"bad json\n");
  const auto result = run("replay --input " + at("in.ndjson") + " --out " + at("a.ndjson") +
                          " --dlq " + at("d.ndjson"));
  const std::string dlq = slurp(at("d.ndjson"));
  EXPECT_NE(dlq.find("\"source_offset\":\"0\""), std::string::npos) << dlq << result.output;
  EXPECT_NE(dlq.find("\"source_partition\":0"), std::string::npos) << dlq;
}

}  // namespace
