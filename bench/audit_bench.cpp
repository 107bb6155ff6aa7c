// nexus_audit_bench: the desk's audit chain on SQLite. How fast entries are appended (each
// its own transaction, as a human action or a log-in is), how fast `nexus audit verify`'s
// check reads and recomputes the whole chain, and what one signed head costs.
//
//   nexus_audit_bench [--entries N]   (default 1,000,000, or NEXUS_AUDIT_BENCH_ENTRIES)
//
// Prints its setup and numbers; never fails on them.
#include "connectors/desk_sqlite_store.hpp"

#include "bench/report.hpp"
#include "desk/audit_chain.hpp"
#include "desk/desk_store.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr const char* kHarness = "nexus_audit_bench";

nexus::desk::AuditRecord record_for(uint64_t i) {
  static const char* kActions[] = {"case.status", "case.comment", "case.assigned", "session.login",
                                   "hit.decide"};
  nexus::desk::AuditRecord record;
  record.actor = "analyst-" + std::to_string(i % 7);
  record.role = "analyst";
  record.action = kActions[i % 5];
  record.object = "case:" + std::to_string(i / 3);
  record.before_json = R"({"status":"new"})";
  record.after_json =
      R"({"status":"in_review","note":"checked the counterparty )" + std::to_string(i) + R"("})";
  return record;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t entries = 1'000'000;
  if (const char* env = std::getenv("NEXUS_AUDIT_BENCH_ENTRIES")) entries = std::stoull(env);
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--entries") == 0 && i + 1 < argc) {
      entries = std::stoull(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: %s [--entries N]\n", kHarness);
      return 2;
    }
  }
  const auto work = nexus::bench::fresh_temp_dir("nexus-audit-bench");
  nexus::connectors::SqliteDeskConfig config;
  config.path = (work / "desk.db").string();
  auto opened = nexus::connectors::open_sqlite_desk_store(config);
  if (!opened) nexus::bench::fail(kHarness, opened.error().message);
  nexus::desk::DeskStore& store = *opened.value();
  const nexus::desk::AuditKey key = nexus::desk::generate_audit_key();

  std::printf("# %s\n\n", kHarness);
  std::printf("machine: %s; load average %s\n", nexus::bench::machine().c_str(),
              nexus::bench::load_average().c_str());
  std::printf("store: SQLite (WAL, synchronous=NORMAL) in %s\n", work.c_str());
  std::printf("entries: %s, one transaction each (an action, a log-in), ~170 bytes of fields\n\n",
              nexus::bench::with_commas(entries).c_str());

  // (a) appends, reported per tenth.
  const uint64_t step = std::max<uint64_t>(entries / 10, 1);
  const auto start = SteadyClock::now();
  auto last = start;
  std::printf("| entries | appends/s in this tenth |\n|---:|---:|\n");
  for (uint64_t i = 0; i < entries; ++i) {
    if (auto appended = store.record(record_for(i)); !appended) {
      nexus::bench::fail(kHarness, appended.error().message);
    }
    if ((i + 1) % step == 0) {
      const auto now = SteadyClock::now();
      const double seconds = std::chrono::duration<double>(now - last).count();
      std::printf("| %s | %s |\n", nexus::bench::with_commas(i + 1).c_str(),
                  nexus::bench::with_commas(static_cast<uint64_t>(step / seconds)).c_str());
      std::fflush(stdout);
      last = now;
    }
  }
  const double append_seconds = nexus::bench::seconds_since(start);

  // (b) one signed head.
  const auto sign_start = SteadyClock::now();
  auto head = store.sign_audit_head(key);
  if (!head || !head.value()) nexus::bench::fail(kHarness, "signing the head failed");
  const double sign_ms = nexus::bench::seconds_since(sign_start) * 1000;

  // (c) the whole chain recomputed and the head's signature checked, as `audit verify` does.
  const auto verify_start = SteadyClock::now();
  auto verdict = nexus::desk::verify_audit(store, key.public_key);
  if (!verdict) nexus::bench::fail(kHarness, verdict.error().message);
  const double verify_seconds = nexus::bench::seconds_since(verify_start);
  if (!verdict.value().intact)
    nexus::bench::fail(kHarness, "chain broken: " + verdict.value().detail);

  std::printf("\n| measure | value |\n|---|---:|\n");
  std::printf("| appends/s overall | %s |\n",
              nexus::bench::with_commas(static_cast<uint64_t>(entries / append_seconds)).c_str());
  std::printf("| sign one head | %.2f ms |\n", sign_ms);
  std::printf("| verify %s entries | %.2f s (%s entries/s) |\n",
              nexus::bench::with_commas(entries).c_str(), verify_seconds,
              nexus::bench::with_commas(static_cast<uint64_t>(entries / verify_seconds)).c_str());
  std::printf("| database size | %.0f MiB |\n",
              static_cast<double>(std::filesystem::file_size(work / "desk.db")) / (1 << 20));
  opened.value().reset();
  std::filesystem::remove_all(work);
  return 0;
}
