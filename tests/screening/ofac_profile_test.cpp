// The `ofac` scoring profile against the scores OFAC's Sanctions List Search itself
// reported (../shared/data/names/nomenklatura_ofac_search_scores.csv: 164 scored
// pairs, and 6 pairs the tool did not show at its slider's 80, written -1). Issue 13:
// within +/-5 points on >= 95% of the cases.
#include "engine/screening/ofac_score.hpp"

#include "tests/screening/name_sets.hpp"
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace nexus::screening {
namespace {

TEST(OfacProfile, ReproducesTheToolsScoresWithinFivePoints) {
  const auto rows =
      testing::read_csv(testing::shared_data("names/nomenklatura_ofac_search_scores.csv"));
  int total = 0;
  int agree = 0;
  int scored = 0;
  int scored_agree = 0;
  double abs_error = 0;
  for (const auto& r : rows) {
    if (r.size() < 3 || r[2].empty()) continue;
    const int expected = std::stoi(r[2]);
    const OfacScore s = ofac_score(r[0], r[1]);
    const long got = std::lround(s.total() * 100);
    // -1: the tool did not list the pair at a minimum score of 80.
    const bool ok = expected < 0 ? got < 80 : std::labs(got - expected) <= 5;
    ++total;
    agree += ok;
    if (expected >= 0) {
      ++scored;
      scored_agree += ok;
      abs_error += std::fabs(static_cast<double>(got - expected));
    }
    if (!ok) {
      std::printf("[ofac] outside +/-5: %s | %s: OFAC %d, ours %ld (whole name %.2f, parts %.2f)\n",
                  r[0].c_str(), r[1].c_str(), expected, got, s.whole_name, s.name_parts);
    }
  }
  const double rate = static_cast<double>(agree) / total;
  std::printf(
      "[ofac] within +/-5 (or below 80 where the tool showed none): %d / %d = %.3f; "
      "scored pairs %d / %d, mean |error| %.2f points\n",
      agree, total, rate, scored_agree, scored, abs_error / scored);
  EXPECT_EQ(total, 170);  // the whole file
  EXPECT_GE(rate, 0.95);
}

TEST(OfacProfile, TheNameTableScoresExactlyAsThePureFunction) {
  const auto rows =
      testing::read_csv(testing::shared_data("names/nomenklatura_ofac_search_scores.csv"));
  OfacNameTable table;
  for (const auto& r : rows) table.add(r[1]);
  table.add("");  // a name without tokens scores 0
  ASSERT_EQ(table.size(), rows.size() + 1);
  std::vector<OfacScore> scores;
  for (const auto& q : rows) {
    table.score_all(ofac_tokens(q[0]), scores);
    ASSERT_EQ(scores.size(), table.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const OfacScore expected = ofac_score(q[0], rows[i][1]);
      EXPECT_EQ(scores[i].whole_name, expected.whole_name) << q[0] << " | " << rows[i][1];
      EXPECT_EQ(scores[i].name_parts, expected.name_parts) << q[0] << " | " << rows[i][1];
    }
    EXPECT_EQ(scores.back().total(), 0.0);
  }
}

TEST(OfacProfile, TheToolsQuirks) {
  // Whole name gated on the first letter: token order matters.
  EXPECT_GT(ofac_score("GEORGE BUSH", "GEORGIOU, Georgios").whole_name, 0.8);
  EXPECT_EQ(ofac_score("BUSH GEORGE", "GEORGIOU, Georgios").whole_name, 0.0);
  // A name part below 0.5 counts as unmatched: the mean of 1 and 0.
  EXPECT_DOUBLE_EQ(ofac_score("GEORGE BUSH", "HASWANI, George").name_parts, 0.5);
  // Query parts of two letters are dropped: KIM JONG UN is KIM JONG.
  EXPECT_DOUBLE_EQ(ofac_score("KIM JONG UN", "KIM, Jong Man").name_parts, 1.0);
  // ... unless nothing would be left.
  EXPECT_GT(ofac_score("AL", "AL").total(), 0.99);
  // Apostrophes are deleted, not split on.
  EXPECT_EQ(ofac_tokens("O'BRIEN, Sean").tokens, (std::vector<std::string>{"OBRIEN", "SEAN"}));
  EXPECT_EQ(ofac_score("", "ANYONE").total(), 0.0);
}

}  // namespace
}  // namespace nexus::screening
