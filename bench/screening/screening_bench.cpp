// Screening speed and quality, side by side with a brute-force Jaro-Winkler scan
// (the baseline most users know: score every listed name, keep the best).
//
//   build/screening/bench/screening/screening_bench [--benchmark_filter=...]
//
// Setup printed first: lists (UN 2026-02-27 + OFAC SDN 2021-07 CSV trio from
// ../shared/data), index size and build time, the query mix. Then a quality table
// (recall on yente's perturbed UN names, false positives on 2,000 non-listed names)
// for both methods, then Google Benchmark timings on one thread: names/s uncached,
// cached, brute force, and the index at 1k..1M names (real lists + synthetic names).
#include "connectors/lists/list_file.hpp"
#include "engine/screening/cjk_readings.hpp"
#include "engine/screening/jaro_winkler.hpp"
#include "engine/screening/name_screener.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace nexus;
using screening::EntryType;
using screening::ListEntry;
using screening::NameScreener;
using screening::ScreeningQuery;

std::string data(const std::string& rel) { return std::string(NEXUS_SHARED_DATA_DIR) + "/" + rel; }

std::vector<std::string> first_column(const std::string& path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::string name;
    if (line[0] == '"') {
      name = line.substr(1, line.find('"', 1) - 1);
    } else {
      name = line.substr(0, line.find(','));
    }
    out.push_back(name);
  }
  return out;
}

struct World {
  std::vector<ListEntry> entries;              // UN + SDN
  std::vector<std::string> positives_listed;   // yente untreated (as listed)
  std::vector<std::string> positives_treated;  // yente treated (perturbed)
  std::vector<std::string> negatives;          // yente global + US
  std::vector<std::string> queries;            // the speed mix
};

World& world() {
  static World w = [] {
    World out;
    for (const char* f :
         {"sanctions/un_consolidated_2026-02-27.xml", "sanctions/ofac_sdn_csv_2021-07/sdn.csv"}) {
      auto l = lists::load_list_file(data(f));
      if (!l) {
        std::fprintf(stderr, "%s\n", l.error().message.c_str());
        std::exit(1);
      }
      for (auto& e : l.value().entries) out.entries.push_back(std::move(e));
    }
    out.positives_listed = first_column(data("names/yente_positives_un_untreated.csv"));
    out.positives_treated = first_column(data("names/yente_positives_un_treated.csv"));
    for (const char* f :
         {"names/yente_negatives_global_1k.csv", "names/yente_negatives_us_1k.csv"}) {
      for (auto& n : first_column(data(f))) out.negatives.push_back(std::move(n));
    }
    // Speed mix: mostly non-listed names (as in payment traffic), some listed variants.
    out.queries = out.negatives;
    out.queries.insert(out.queries.end(), out.positives_treated.begin(),
                       out.positives_treated.end());
    std::mt19937 rng(7);
    std::shuffle(out.queries.begin(), out.queries.end(), rng);
    return out;
  }();
  return w;
}

std::unique_ptr<NameScreener> make_screener(std::vector<ListEntry> entries, std::size_t cache,
                                            double* build_s = nullptr, bool cjk_readings = true) {
  auto normalizer = screening::NameNormalizer::create().value();
  const auto t0 = std::chrono::steady_clock::now();
  screening::IndexLimits limits;
  limits.cjk_readings = cjk_readings;
  std::shared_ptr<const screening::ScreeningIndex> index =
      screening::ScreeningIndex::build(std::move(entries), normalizer, limits);
  if (build_s != nullptr) {
    *build_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  screening::ScreeningConfig config;
  config.cache_capacity = cache;
  config.cjk_readings = cjk_readings;
  return std::move(NameScreener::create(index, config).value());
}

// The baseline: Jaro-Winkler of the normalised query against every normalised
// listed name (tokens sorted, so word order does not count against it).
class BruteForceJaroWinkler {
 public:
  explicit BruteForceJaroWinkler(const screening::ScreeningIndex& index) : index_(index) {}
  // Best score and its entry.
  std::pair<double, std::uint32_t> best(const screening::NormalizedName& q) const {
    double best = 0;
    std::uint32_t entry = 0;
    for (const auto& n : index_.names()) {
      const double s = screening::jaro_winkler(q.sorted, n.normalized.sorted);
      if (s > best) {
        best = s;
        entry = n.entry;
      }
    }
    return {best, entry};
  }

 private:
  const screening::ScreeningIndex& index_;
};

// Synthetic names: syllable compounds, so the vocabulary grows with the list.
std::vector<ListEntry> synthetic_entries(std::size_t names, unsigned seed) {
  static const char* kSyllables[] = {
      "ab",  "al",  "am",  "an",  "ar", "ba", "bar", "da",  "dar", "el",  "fa", "far", "ga",  "ha",
      "had", "ham", "har", "ib",  "il", "ja", "jam", "ka",  "kar", "kha", "la", "lam", "ma",  "man",
      "mar", "mu",  "na",  "nar", "no", "o",  "ra",  "ram", "ri",  "ro",  "sa", "sal", "sam", "se",
      "sha", "ta",  "tar", "to",  "u",  "va", "vi",  "wa",  "ya",  "yu",  "za", "zi",  "zo",  "ov",
      "ev",  "in",  "en",  "on",  "un", "ek", "ik",  "ok",  "os",  "is",  "us", "et",  "it"};
  constexpr std::size_t kN = sizeof(kSyllables) / sizeof(kSyllables[0]);
  std::mt19937 rng(seed);
  auto token = [&] {
    std::string t;
    const int parts = 2 + static_cast<int>(rng() % 3);
    for (int i = 0; i < parts; ++i) t += kSyllables[rng() % kN];
    return t;
  };
  std::vector<ListEntry> out;
  out.reserve(names);
  for (std::size_t i = 0; i < names; ++i) {
    ListEntry e;
    e.list = "SYNTH";
    e.reference = "S" + std::to_string(i);
    e.type = EntryType::kPerson;
    std::string name = token();
    const int tokens = 1 + static_cast<int>(rng() % 3);
    for (int k = 0; k < tokens; ++k) name += " " + token();
    e.names.push_back({name, screening::NameKind::kPrimary, screening::AliasStrength::kStrong});
    out.push_back(std::move(e));
  }
  return out;
}

void print_setup_and_quality() {
  World& w = world();
  double build_s = 0;
  auto screener = make_screener(w.entries, 0, &build_s);
  const auto& index = screener->index();
  std::printf("== setup\n");
  std::printf(
      "lists: UN 2026-02-27 + OFAC SDN 2021-07 (sdn/alt/add/comments): %zu entries, %zu names, %zu "
      "index keys; build %.2f s\n",
      index.entries().size(), index.names().size(), index.key_count(), build_s);
  std::printf(
      "query mix: %zu names (%zu non-listed yente negatives + %zu perturbed UN names), one "
      "thread\n",
      w.queries.size(), w.negatives.size(), w.positives_treated.size());
  std::printf("operating threshold %.2f\n\n", screener->config().threshold);

  // Quality: recall on perturbed UN names (the right entry = the one whose name
  // equals the untreated row), false positives on non-listed names.
  BruteForceJaroWinkler brute(index);
  std::map<std::string, std::set<std::uint32_t>> by_name;
  for (const auto& n : index.names()) by_name[n.normalized.sorted].insert(n.entry);
  std::vector<std::pair<std::string, std::set<std::uint32_t>>> positives;
  for (std::size_t i = 0; i < w.positives_treated.size() && i < w.positives_listed.size(); ++i) {
    auto it = by_name.find(screener->normalizer().normalize(w.positives_listed[i]).sorted);
    if (it != by_name.end()) positives.emplace_back(w.positives_treated[i], it->second);
  }
  std::vector<double> brute_pos, brute_neg;
  int ours_found = 0, ours_fp = 0;
  for (const auto& [q, expected] : positives) {
    const auto norm = screener->normalizer().normalize(q);
    const auto [score, entry] = brute.best(norm);
    brute_pos.push_back(expected.count(entry) ? score : 0.0);
    for (const auto& m :
         screener->screen_query(ScreeningQuery{q, "", "", EntryType::kUnknown, ""})) {
      if (expected.count(m.entry)) {
        ++ours_found;
        break;
      }
    }
  }
  for (const auto& q : w.negatives) {
    brute_neg.push_back(brute.best(screener->normalizer().normalize(q)).first);
    ours_fp += !screener->screen_query(ScreeningQuery{q, "", "", EntryType::kUnknown, ""}).empty();
  }
  std::printf(
      "== quality (recall: %zu perturbed UN names -> their entry; FP: %zu non-listed names with "
      "any hit)\n",
      positives.size(), w.negatives.size());
  std::printf("%-44s %8s %8s\n", "method", "recall", "FP rate");
  std::printf("%-44s %8.4f %8.4f\n", "nexus screening @0.88",
              static_cast<double>(ours_found) / positives.size(),
              static_cast<double>(ours_fp) / w.negatives.size());
  for (double t : {0.85, 0.88, 0.90, 0.92, 0.94, 0.96}) {
    const auto rec =
        std::count_if(brute_pos.begin(), brute_pos.end(), [t](double s) { return s >= t; });
    const auto fp =
        std::count_if(brute_neg.begin(), brute_neg.end(), [t](double s) { return s >= t; });
    char label[64];
    std::snprintf(label, sizeof label, "brute-force Jaro-Winkler @%.2f", t);
    std::printf("%-44s %8.4f %8.4f\n", label, static_cast<double>(rec) / positives.size(),
                static_cast<double>(fp) / w.negatives.size());
  }
  std::printf("\n");
}

void BM_ScreenUncached(benchmark::State& state) {
  World& w = world();
  static auto screener = make_screener(w.entries, 0);
  std::size_t i = 0, hits = 0;
  for (auto _ : state) {
    const auto& q = w.queries[i++ % w.queries.size()];
    hits += screener->screen_query(ScreeningQuery{q, "", "", EntryType::kUnknown, ""}).size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["hits_per_query"] =
      static_cast<double>(hits) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_ScreenUncached)->Unit(benchmark::kMicrosecond);

// The stages of an uncached query, for the cost breakdown.
void BM_StageNormalize(benchmark::State& state) {
  World& w = world();
  auto normalizer = screening::NameNormalizer::create().value();
  std::size_t i = 0;
  for (auto _ : state)
    benchmark::DoNotOptimize(normalizer.normalize(w.queries[i++ % w.queries.size()]));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_StageNormalize)->Unit(benchmark::kMicrosecond);

void BM_StageCandidates(benchmark::State& state) {
  World& w = world();
  static auto screener = make_screener(w.entries, 0);
  std::vector<screening::NormalizedName> norm;
  for (const auto& q : w.queries) norm.push_back(screener->normalizer().normalize(q));
  screening::CandidateScratch scratch;
  std::vector<screening::Candidate> out;
  std::size_t i = 0, total = 0;
  for (auto _ : state) {
    screener->index().candidates(norm[i++ % norm.size()], screener->config().max_candidates,
                                 screener->config().min_candidate_evidence, scratch, out);
    total += out.size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["candidates_per_query"] =
      static_cast<double>(total) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_StageCandidates)->Unit(benchmark::kMicrosecond);

// Latin-script queries only (the bulk of payment traffic): no ICU on the path.
void BM_ScreenUncachedLatinOnly(benchmark::State& state) {
  World& w = world();
  static auto screener = make_screener(w.entries, 0);
  static const std::vector<std::string> latin = [&] {
    std::vector<std::string> out;
    for (const auto& q : w.queries) {
      if (std::all_of(q.begin(), q.end(),
                      [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
        out.push_back(q);
      }
    }
    return out;
  }();
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& q = latin[i++ % latin.size()];
    benchmark::DoNotOptimize(
        screener->screen_query(ScreeningQuery{q, "", "", EntryType::kUnknown, ""}).size());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["queries_in_mix"] = static_cast<double>(latin.size());
}
BENCHMARK(BM_ScreenUncachedLatinOnly)->Unit(benchmark::kMicrosecond);

void BM_ScreenCached(benchmark::State& state) {
  World& w = world();
  static auto screener = make_screener(w.entries, 100000);
  for (const auto& q : w.queries)
    screener->screen_query(ScreeningQuery{q, "", "", EntryType::kUnknown, ""});
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& q = w.queries[i++ % w.queries.size()];
    benchmark::DoNotOptimize(
        screener->screen_query(ScreeningQuery{q, "", "", EntryType::kUnknown, ""}).size());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_ScreenCached)->Unit(benchmark::kMicrosecond);

void BM_BruteForceJaroWinkler(benchmark::State& state) {
  World& w = world();
  static auto screener = make_screener(w.entries, 0);
  BruteForceJaroWinkler brute(screener->index());
  std::size_t i = 0;
  for (auto _ : state) {
    const auto norm = screener->normalizer().normalize(w.queries[i++ % w.queries.size()]);
    benchmark::DoNotOptimize(brute.best(norm));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_BruteForceJaroWinkler)->Unit(benchmark::kMicrosecond);

// Index growth: the real lists plus synthetic names up to range(0) names in total.
void BM_ScreenIndexSize(benchmark::State& state) {
  World& w = world();
  const auto target = static_cast<std::size_t>(state.range(0));
  static std::map<std::size_t, std::unique_ptr<NameScreener>> by_size;
  auto& screener = by_size[target];
  if (!screener) {
    std::vector<ListEntry> entries;
    std::size_t names = 0;
    for (const auto& e : w.entries) {
      if (names >= target) break;
      names += e.names.size();
      entries.push_back(e);
    }
    if (names < target) {
      auto synth = synthetic_entries(target - names, 11);
      entries.insert(entries.end(), std::make_move_iterator(synth.begin()),
                     std::make_move_iterator(synth.end()));
    }
    screener = make_screener(std::move(entries), 0);
  }
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& q = w.queries[i++ % w.queries.size()];
    benchmark::DoNotOptimize(
        screener->screen_query(ScreeningQuery{q, "", "", EntryType::kUnknown, ""}).size());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["indexed_names"] = static_cast<double>(screener->index().names().size());
}
BENCHMARK(BM_ScreenIndexSize)
    ->RangeMultiplier(10)
    ->Range(1000, 1000000)
    ->Unit(benchmark::kMicrosecond);

void BM_BruteForceIndexSize(benchmark::State& state) {
  World& w = world();
  const auto target = static_cast<std::size_t>(state.range(0));
  auto normalizer = screening::NameNormalizer::create().value();
  static std::map<std::size_t, std::shared_ptr<const screening::ScreeningIndex>> by_size;
  auto& index = by_size[target];
  if (!index) index = screening::ScreeningIndex::build(synthetic_entries(target, 11), normalizer);
  BruteForceJaroWinkler brute(*index);
  std::size_t i = 0;
  for (auto _ : state) {
    const auto norm = normalizer.normalize(w.queries[i++ % w.queries.size()]);
    benchmark::DoNotOptimize(brute.best(norm));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_BruteForceIndexSize)
    ->RangeMultiplier(10)
    ->Range(1000, 100000)
    ->Unit(benchmark::kMicrosecond);

// Issue 13: what the CJK readings cost. range(0): 0 the Latin-script queries of the mix,
// 1 its Han and Hangul ones; range(1): readings off (0) or on (1, the default).
void BM_ScreenUncachedCjkReadings(benchmark::State& state) {
  World& w = world();
  const bool cjk_queries = state.range(0) == 1;
  const bool readings = state.range(1) == 1;
  static std::map<bool, std::unique_ptr<NameScreener>> by_readings;
  auto& screener = by_readings[readings];
  if (!screener) screener = make_screener(w.entries, 0, nullptr, readings);
  std::vector<std::string> queries;
  for (const auto& q : w.queries) {
    const bool ascii = std::all_of(q.begin(), q.end(),
                                   [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    if (cjk_queries ? screening::may_hold_cjk(q) : ascii) queries.push_back(q);
  }
  std::size_t i = 0;
  for (auto _ : state) {
    const auto& q = queries[i++ % queries.size()];
    benchmark::DoNotOptimize(
        screener->screen_query(ScreeningQuery{q, "", "", EntryType::kUnknown, ""}).size());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["queries_in_mix"] = static_cast<double>(queries.size());
}
BENCHMARK(BM_ScreenUncachedCjkReadings)
    ->ArgsProduct({{0, 1}, {0, 1}})
    ->ArgNames({"cjk_queries", "readings"})
    ->Unit(benchmark::kMicrosecond);

// Index build over UN + SDN with the readings off (0) and on (1): the Hanja table load.
void BM_IndexBuildCjkReadings(benchmark::State& state) {
  World& w = world();
  for (auto _ : state) {
    benchmark::DoNotOptimize(make_screener(w.entries, 0, nullptr, state.range(0) == 1));
  }
}
BENCHMARK(BM_IndexBuildCjkReadings)
    ->Arg(0)
    ->Arg(1)
    ->ArgName("readings")
    ->Iterations(5)
    ->Unit(benchmark::kMillisecond);
std::size_t screen_all(NameScreener& screener, const std::vector<std::string>& queries) {
  std::size_t hits = 0;
  for (const auto& q : queries) {
    hits += screener.screen_query(ScreeningQuery{q, "", "", EntryType::kUnknown, ""}).size();
  }
  return hits;
}

// The warm-up and the measured pass over the speed mix, kept out of line so that
// callgrind can count the second alone: `valgrind --tool=callgrind
// --collect-atstart=no --toggle-collect='*measured_pass*' screening_bench --one-pass`.
[[gnu::noipa]] std::size_t warm_up_pass(NameScreener& screener,
                                        const std::vector<std::string>& queries) {
  return screen_all(screener, queries);
}
[[gnu::noipa]] std::size_t measured_pass(NameScreener& screener,
                                         const std::vector<std::string>& queries) {
  return screen_all(screener, queries);
}

// --one-pass: builds the index, screens the mix once to warm up (per-code-point
// tables, ICU transliterators, scratch buffers), then once in measured_pass.
int one_pass() {
  World& w = world();
  auto screener = make_screener(w.entries, 0);
  const std::size_t warm = warm_up_pass(*screener, w.queries);
  const std::size_t hits = measured_pass(*screener, w.queries);
  std::printf("one pass: %zu names, %zu hits (warm-up %zu)\n", w.queries.size(), hits, warm);
  // NEXUS_BENCH_DUMP=FILE: every match down to 0.5 with its explanation, to compare the
  // full results of two builds (a speed change must not change them) with diff.
  if (const char* dump = std::getenv("NEXUS_BENCH_DUMP")) {
    std::ofstream out(dump);
    for (const auto& q : w.queries) {
      out << "query " << q << "\n";
      for (const auto& m :
           screener->score_all(ScreeningQuery{q, "", "", EntryType::kUnknown, ""}, 0.5, 50)) {
        char score[32];
        std::snprintf(score, sizeof score, "%.17g", m.hit.score);
        out << score << " " << m.explain() << " | " << m.basis() << "\n";
      }
    }
  }
  return hits == warm ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::string_view(argv[1]) == "--one-pass") return one_pass();
  // NEXUS_BENCH_SKIP_QUALITY=1 skips the quality table (it takes ~1 min: the
  // brute-force baseline scores 2,700 queries against every listed name).
  if (std::getenv("NEXUS_BENCH_SKIP_QUALITY") == nullptr) print_setup_and_quality();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
