// Re-screening when a list changes (issue 13): parties indexed per second in the stream
// (PartyIndex::observe, with the checkpoint writes to RocksDB), then the time to screen
// every stored party against a delta of new entries (target: 1,000,000 parties against 100
// new entries in <= 10 s on one core).
//
// Setup: OFAC SDN (2021-07) + UN (2026-02-27) from ../shared/data. "Before" is both lists
// with the last N UN entries left out; "after" is both whole, so the delta is N added
// entries. Parties: distinct person names made of the first, middle and last names of
// yente's two negative sets (Latin and Arabic script, 2,000 people), with a date of birth
// and a country, each in 2 payments; a few are given the names of the added entries, so
// the run raises retro-hits that are counted.
//
//   build/dev/bench/nexus_rescreen_bench [--parties 1000000] [--delta 100] [--prefilter 0.5]
//   (--prefilter 0: every name against the whole index, the exact baseline)
#include "connectors/lists/list_file.hpp"
#include "connectors/lists/list_store.hpp"
#include "connectors/lists/rescreen.hpp"
#include "connectors/rocksdb_state_store.hpp"
#include "engine/party_index.hpp"

#include "bench/report.hpp"

#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using nexus::bench::fail;
using nexus::bench::seconds_since;
using nexus::bench::with_commas;

struct Person {
  std::string first, middle, last, dob, country;
};

// The people of a yente negatives CSV (full_name,first,middle,last,gender,dob,place,nationality).
std::vector<Person> read_people(const std::string& path) {
  std::ifstream in(path);
  if (!in) fail("rescreen_bench", "cannot read " + path);
  std::vector<Person> out;
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream row(line);
    std::string field;
    while (std::getline(row, field, ',')) f.push_back(field);
    if (f.size() < 6 || f[1].empty() || f[3].empty()) continue;
    out.push_back({f[1], f[2], f[3], f[5], ""});
  }
  return out;
}

// CPU time of this thread: on a shared machine at load 10 the wall time says more about
// the neighbours than about the code.
double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t parties = 1'000'000, delta_size = 100;
  double prefilter = nexus::lists::RescreenConfig{}.prefilter_min_score;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--parties") == 0) parties = std::stoul(argv[i + 1]);
    if (std::strcmp(argv[i], "--delta") == 0) delta_size = std::stoul(argv[i + 1]);
    if (std::strcmp(argv[i], "--prefilter") == 0) prefilter = std::stod(argv[i + 1]);
  }
  const std::string data = NEXUS_SHARED_DATA_DIR;
  const auto dir = nexus::bench::fresh_temp_dir("nexus-rescreen-bench");
  std::printf("nexus_rescreen_bench (%s build)\n%s\n", NEXUS_BUILD_TYPE,
              nexus::bench::machine().c_str());

  // Lists: before = OFAC + UN less its last `delta_size` entries; after = both whole.
  auto un = nexus::lists::load_list_file(data + "/sanctions/un_consolidated_2026-02-27.xml");
  auto ofac = nexus::lists::load_list_file(data + "/sanctions/ofac_sdn_csv_2021-07/sdn.csv");
  if (!un || !ofac) fail("rescreen_bench", "cannot load the lists from " + data);
  nexus::lists::ListStore store((dir / "lists").string());
  auto un_before = un.value();
  std::vector<nexus::screening::ListEntry> added(un_before.entries.end() - delta_size,
                                                 un_before.entries.end());
  un_before.entries.resize(un_before.entries.size() - delta_size);
  if (!store.import(ofac.value()) || !store.import(un_before)) fail("rescreen_bench", "import");
  auto before = nexus::lists::load_lists_snapshot((dir / "lists").string());
  if (!store.import(un.value())) fail("rescreen_bench", "import");
  auto after = nexus::lists::load_lists_snapshot((dir / "lists").string());
  if (!before || !after) fail("rescreen_bench", "snapshot");
  std::printf("lists: before %s, after %s (%s entries), delta %zu added UN entries\n",
              before.value()->versions().c_str(), after.value()->versions().c_str(),
              with_commas(after.value()->index->entries().size()).c_str(), delta_size);

  // Parties.
  auto people = read_people(data + "/names/yente_negatives_global_1k.csv");
  for (auto& person : read_people(data + "/names/yente_negatives_us_1k.csv")) {
    people.push_back(std::move(person));
  }
  auto state = nexus::connectors::RocksDbStateStore::open(dir / "state");
  if (!state) fail("rescreen_bench", state.error().message);
  nexus::engine::PartyIndexConfig config;
  config.max_cached = 100'000;
  nexus::engine::PartyIndex index(*state.value(), config);
  const std::size_t planted = std::min<std::size_t>(delta_size, 20);
  const int64_t t0 = 1'767'225'600'000;  // 2026-01-01
  const auto start = std::chrono::steady_clock::now();
  std::size_t payments = 0;
  for (std::size_t i = 0; i < parties; ++i) {
    nexus::v1::Party party;
    party.set_account("ACC-" + std::to_string(i));
    party.set_type(nexus::v1::PARTY_TYPE_PERSON);
    const Person& a = people[i % people.size()];
    const Person& b = people[(i / people.size()) % people.size()];
    const Person& c = people[(i / people.size() / people.size()) % people.size()];
    if (i % (parties / planted) == 0 && i / (parties / planted) < planted) {
      party.set_name(added[i / (parties / planted)].names.front().text);  // a new designation
    } else {
      party.set_name(a.first + " " + c.middle + (c.middle.empty() ? "" : " ") + b.last);
      party.set_date_of_birth(a.dob);
    }
    for (int k = 0; k < 2; ++k) {
      const int64_t time = t0 - static_cast<int64_t>((i * 7 + k * 13) % 300) * 86'400'000;
      if (!index.observe(party, k == 0 ? "originator" : "beneficiary",
                         "tx-" + std::to_string(i) + "-" + std::to_string(k), time, 100.0,
                         "ACC-X")) {
        fail("rescreen_bench", "observe");
      }
      ++payments;
    }
    if ((i + 1) % 50'000 == 0 || i + 1 == parties) {  // a checkpoint, as the engine takes them
      nexus::engine::StateBatch batch;
      index.collect_dirty(&batch);
      if (!state.value()->write(batch)) fail("rescreen_bench", "checkpoint");
      index.evict();
    }
  }
  const double index_s = seconds_since(start);
  std::printf(
      "indexing: %s parties in %s observations (one party of one payment each) in "
      "%.2f s: %s observations/s, checkpoints included; state %s MB\n",
      with_commas(parties).c_str(), with_commas(payments).c_str(), index_s,
      with_commas(static_cast<uint64_t>(payments / index_s)).c_str(),
      with_commas(state.value()->approximate_size() >> 20).c_str());

  const auto delta = nexus::lists::list_delta(*before.value(), *after.value());
  const auto rescreen_start = std::chrono::steady_clock::now();
  const double rescreen_cpu_start = thread_cpu_seconds();
  nexus::lists::RescreenConfig rescreen_config;
  rescreen_config.prefilter_min_score = prefilter;
  auto report = nexus::lists::rescreen(*state.value(), before.value(), after.value(), delta, t0,
                                       rescreen_config);
  if (!report) fail("rescreen_bench", report.error().message);
  const double rescreen_s = seconds_since(rescreen_start);
  const double rescreen_cpu = thread_cpu_seconds() - rescreen_cpu_start;
  std::printf(
      "rescreen: %s parties (%s names, %s past the prefilter) against %zu new entries "
      "(prefilter %.2f) in %.2f s wall, %.2f s CPU of one thread (%s parties per CPU second); %zu "
      "hits, "
      "%zu alerts (%zu planted)\n",
      with_commas(report.value().parties).c_str(), with_commas(report.value().names).c_str(),
      with_commas(report.value().sieved).c_str(), delta.entries.size(), prefilter, rescreen_s,
      rescreen_cpu,
      with_commas(static_cast<uint64_t>(report.value().parties / rescreen_cpu)).c_str(),
      report.value().hits, report.value().alerts.size(), planted);
  std::filesystem::remove_all(dir);
  return 0;
}
