// screening_explain: loads list files, screens names given on the command line
// and prints every scored candidate above a floor with its explanation. For
// threshold tuning by hand: screening_explain LIST... -- NAME...
#include "connectors/lists/list_file.hpp"
#include "engine/screening/name_screener.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  using namespace nexus;
  std::vector<screening::ListEntry> entries;
  int i = 1;
  bool latin_only = false;
  for (; i < argc && std::string(argv[i]) != "--"; ++i) {
    if (std::string(argv[i]) == "--latin-only") {
      latin_only = true;
      continue;
    }
    auto l = lists::load_list_file(argv[i]);
    if (!l) {
      std::fprintf(stderr, "%s\n", l.error().message.c_str());
      return 1;
    }
    for (auto& e : l.value().entries) {
      if (latin_only) {
        std::erase_if(e.names, [](const screening::ListedName& n) {
          return n.kind == screening::NameKind::kOriginalScript;
        });
      }
      entries.push_back(std::move(e));
    }
  }
  auto normalizer = screening::NameNormalizer::create();
  if (!normalizer) return 1;
  auto index = screening::ScreeningIndex::build(std::move(entries), normalizer.value());
  auto screener = screening::NameScreener::create(std::move(index));
  if (!screener) return 1;
  if (std::getenv("EXPLAIN_ORIGINAL_SCRIPT") != nullptr) {
    // Diagnostic: score of each UN original-script name against its own entry.
    auto l = lists::load_list_file(std::getenv("EXPLAIN_ORIGINAL_SCRIPT"));
    if (!l) return 1;
    for (const auto& e : l.value().entries) {
      for (const auto& n : e.names) {
        if (n.kind != screening::NameKind::kOriginalScript) continue;
        auto ms = screener.value()->score_all({n.text, "", "", screening::EntryType::kUnknown, ""},
                                              0.0, 50);
        double own = -1;
        std::string own_explain = "not a candidate";
        for (const auto& m : ms) {
          if (m.hit.reference == e.reference && m.hit.list == e.list) {
            own = m.hit.score;
            own_explain = m.explain();
            break;
          }
        }
        std::printf("%.3f %s | %s\n", own, e.reference.c_str(), own_explain.c_str());
      }
    }
    return 0;
  }
  // EXPLAIN_CANDIDATES=N: also list the first N index candidates with their evidence.
  const int show_candidates =
      std::getenv("EXPLAIN_CANDIDATES") ? std::atoi(std::getenv("EXPLAIN_CANDIDATES")) : 0;
  for (++i; i < argc; ++i) {
    const auto q = screener.value()->normalizer().normalize(argv[i]);
    std::printf("== %s  [%s]%s\n", argv[i], q.joined.c_str(), q.abjad_source ? " abjad" : "");
    if (show_candidates > 0) {
      const auto& idx = screener.value()->index();
      screening::CandidateScratch scratch;
      std::vector<screening::Candidate> candidates;
      idx.candidates(q, static_cast<std::size_t>(show_candidates),
                     screener.value()->config().min_candidate_evidence, scratch, candidates);
      for (const auto& c : candidates) {
        const auto& n = idx.names()[c.name];
        std::printf("  candidate %.3f %s %s '%s'\n", c.evidence,
                    idx.entries()[n.entry].list.c_str(), idx.entries()[n.entry].reference.c_str(),
                    n.normalized.joined.c_str());
      }
    }
    for (const auto& m : screener.value()->score_all(
             {argv[i], "", "", screening::EntryType::kUnknown, ""}, 0.5, 5)) {
      std::printf("  %.3f %s\n", m.hit.score, m.explain().c_str());
    }
  }
  return 0;
}
