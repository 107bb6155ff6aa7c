// End to end through the CLI11 commands as `nexus` registers them: import the two
// real UN list versions into a temp data dir, then screen single names and a file.
#include "app/screen_command.hpp"

#include "tests/screening/name_sets.hpp"
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

namespace nexus::app {
namespace {

using screening::testing::shared_data;

class ScreenCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("nexus_cli_test_" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Runs `nexus ARGS...`; returns stdout, sets exit_code (0 or the RuntimeError's).
  std::string run(std::vector<std::string> args) {
    CLI::App app;
    add_screening_commands(app);
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    std::ostringstream out;
    auto* old = std::cout.rdbuf(out.rdbuf());
    exit_code_ = 0;
    try {
      app.parse(reversed);
    } catch (const CLI::ParseError& e) {
      exit_code_ = args.empty() || args[0] != "screen" ? e.get_exit_code() : screen_exit_code(e);
    }
    std::cout.rdbuf(old);
    return out.str();
  }
  std::filesystem::path dir_;
  int exit_code_ = 0;
};

TEST_F(ScreenCommandTest, ImportDiffThenScreen) {
  const std::string data = "--data-dir=" + dir_.string();
  std::string out = run({"lists", "import", shared_data("sanctions/un_consolidated.xml"), data});
  ASSERT_EQ(exit_code_, 0) << out;
  out = run({"lists", "import", shared_data("sanctions/un_consolidated_2026-02-27.xml"), data});
  ASSERT_EQ(exit_code_, 0) << out;
  EXPECT_NE(out.find("version 1 -> 2"), std::string::npos) << out;
  EXPECT_NE(out.find("added:"), std::string::npos) << out;
  EXPECT_NE(out.find("removed:"), std::string::npos) << out;

  out = run({"screen", "Abu Bakr Baghdadi", "--json", data});
  ASSERT_EQ(exit_code_, 0) << out;
  const auto j = nlohmann::json::parse(out);
  EXPECT_EQ(j["query"], "Abu Bakr Baghdadi");
  EXPECT_TRUE(j["match"].get<bool>()) << out;
  EXPECT_EQ(j["hits"][0]["list"], "UN");
  EXPECT_TRUE(j["hits"][0]["explanation"].get<std::string>().find("threshold") !=
              std::string::npos);

  out = run({"screen", "Tariq Aziz", "--dob", "1936", "--country", "IQ", "--type", "person", data});
  ASSERT_EQ(exit_code_, kScreenMatch) << out;
  EXPECT_NE(out.find("MATCH at threshold"), std::string::npos) << out;
  EXPECT_NE(out.find("UN IQi.025  TARIQ AZIZ"), std::string::npos) << out;
  EXPECT_NE(out.find("dob +0.03"), std::string::npos) << out;

  const auto names = dir_ / "names.txt";
  std::ofstream(names) << "SADDAM HUSSEIN AL-TIKRITI\nMaria Fernanda Lopez\n\nصدام حسين التكريتي\n";
  out = run({"screen", "--file", names.string(), data});
  ASSERT_EQ(exit_code_, 0) << out;
  std::istringstream lines(out);
  std::vector<nlohmann::json> rows;
  for (std::string line; std::getline(lines, line);) rows.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0]["query"], "SADDAM HUSSEIN AL-TIKRITI");
  EXPECT_TRUE(rows[0]["match"].get<bool>());
  EXPECT_EQ(rows[0]["hits"][0]["reference"], "IQi.001");
  EXPECT_FALSE(rows[1]["match"].get<bool>());
  EXPECT_FALSE(rows[2]["match"].get<bool>());
  EXPECT_TRUE(rows[3]["match"].get<bool>());
}

TEST_F(ScreenCommandTest, MalformedImportIsRefusedAndPreviousVersionStays) {
  const std::string data = "--data-dir=" + dir_.string();
  ASSERT_EQ((run({"lists", "import", shared_data("sanctions/eu_fsf_excerpt_2026-08-05.xml"), data}),
             exit_code_),
            0);
  const auto bad = dir_ / "broken_eu.xml";
  std::ofstream(bad)
      << "<export xmlns=\"http://eu.europa.ec/fpi/fsd/export\"><sanctionEntity>\n<nameAlias";
  run({"lists", "import", bad.string(), data});
  EXPECT_EQ(exit_code_, 1);
  const std::string status = run({"lists", "status", data});
  EXPECT_NE(status.find("EU: version 1, 4 entries"), std::string::npos) << status;
}

TEST_F(ScreenCommandTest, OfacProfileShowsTheToolsScores) {
  const std::string data = "--data-dir=" + dir_.string();
  ASSERT_EQ(
      (run({"lists", "import", shared_data("sanctions/un_consolidated_2026-02-27.xml"), data}),
       exit_code_),
      0);
  std::string out = run({"screen", "TARIQ AZIZ", "--profile", "ofac", "--json", data});
  ASSERT_EQ(exit_code_, kScreenMatch) << out;
  auto j = nlohmann::json::parse(out);
  EXPECT_EQ(j["profile"], "ofac");
  EXPECT_DOUBLE_EQ(j["threshold"].get<double>(), 0.90);
  EXPECT_EQ(j["hits"][0]["reference"], "IQi.025") << out;
  EXPECT_DOUBLE_EQ(j["hits"][0]["score"].get<double>(), 1.0) << out;
  EXPECT_NE(j["hits"][0]["explanation"].get<std::string>().find("OFAC Sanctions List Search"),
            std::string::npos)
      << out;
  // The tool's order asymmetry: the whole name needs the same first letter.
  out = run({"screen", "AZIZ TARIQ", "--profile", "ofac", "--json", data});
  j = nlohmann::json::parse(out);
  ASSERT_FALSE(j["hits"].empty()) << out;
  EXPECT_EQ(j["hits"][0]["reference"], "IQi.025") << out;
  run({"screen", "TARIQ AZIZ", "--profile", "nexus", data});
  EXPECT_EQ(exit_code_, kScreenError);
}

TEST_F(ScreenCommandTest, ScreeningWithoutListsSaysWhatToDo) {
  run({"screen", "Anyone", "--data-dir=" + dir_.string()});
  EXPECT_EQ(exit_code_, kScreenError);
}

}  // namespace
}  // namespace nexus::app
