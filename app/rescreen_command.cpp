// nexus lists rescreen: the parties a state directory has seen, screened against what the
// lists added or changed since that state last screened them (offline; `nexus run` does the
// same live after a reload and at start).
#include "app/commands.hpp"
#include "app/common.hpp"
#include "app/party_rescreen.hpp"
#include "connectors/file_sink.hpp"
#include "connectors/file_source.hpp"
#include "connectors/rocksdb_state_store.hpp"
#include "engine/collecting_sinks.hpp"
#include "engine/transaction_decoder.hpp"
#include "rules/duration.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace nexus::app {

namespace {

struct RescreenOptions {
  std::string state_dir;
  std::string data_dir = "./nexus-data";
  std::vector<std::string> from;  // LIST=VERSION
  std::string lookback = "365d";
  std::string as_of;
  std::string out;
  int show = 3;
  bool json_out = false;
  bool dry_run = false;
  bool all = false;
};

[[noreturn]] void refuse(const std::string& message) {
  std::fprintf(stderr, "nexus: %s\n", message.c_str());
  throw CLI::RuntimeError(2);
}

std::map<std::string, uint32_t> parse_from(const std::vector<std::string>& from) {
  std::map<std::string, uint32_t> out;
  for (const auto& item : from) {
    const auto equals = item.find('=');
    uint32_t version = 0;
    const char* begin = item.data() + (equals == std::string::npos ? 0 : equals + 1);
    const char* end = item.data() + item.size();
    const auto parsed = std::from_chars(begin, end, version);
    if (equals == std::string::npos || equals == 0 || parsed.ec != std::errc() ||
        parsed.ptr != end) {
      refuse("--from '" + item + "': expected LIST=VERSION, e.g. UN=3 (0: the list is new)");
    }
    out[item.substr(0, equals)] = version;
  }
  return out;
}

std::string version_text(const std::map<std::string, uint32_t>& versions) {
  std::string out;
  for (const auto& [list, version] : versions) {
    out += (out.empty() ? "" : ",") + list + "=" + std::to_string(version);
  }
  return out.empty() ? "none" : out;
}

void run_rescreen(const RescreenOptions& o) {
  const auto lookback = rules::parse_duration_ms(o.lookback);
  if (!lookback || *lookback <= 0) refuse("--lookback '" + o.lookback + "': expected e.g. 365d");
  auto after = lists::load_lists_snapshot(o.data_dir);
  if (!after) refuse(after.error().message);
  auto opened = connectors::RocksDbStateStore::open(o.state_dir);
  if (!opened) {
    refuse(opened.error().message +
           " (a nexus run using this state directory holds it: it re-screens by itself)");
  }
  engine::StateStore& store = *opened.value();
  auto recorded = lists::screened_versions(store);
  if (!recorded) refuse(recorded.error().message);
  std::map<std::string, uint32_t> from = recorded.value();
  if (!o.from.empty()) {
    for (const auto& [list, version] : parse_from(o.from)) from[list] = version;
  } else if (from.empty()) {
    refuse("the state in " + o.state_dir +
           " does not say which list versions screened its parties; say it with --from, e.g. "
           "--from UN=3 --from OFAC-SDN=2 (nexus lists status shows the versions)");
  }
  for (auto it = from.begin(); it != from.end();) {
    it = it->second == 0 ? from.erase(it) : std::next(it);
  }
  auto before = lists::load_lists_snapshot(o.data_dir, from);
  if (!before) refuse(before.error().message);
  int64_t as_of = 0;
  if (!o.as_of.empty()) {
    if (!engine::parse_rfc3339_ms(o.as_of, &as_of)) {
      refuse("--as-of '" + o.as_of + "': expected an RFC 3339 time");
    }
  } else {
    auto stored = stored_watermark(store);
    if (!stored) refuse(stored.error().message);
    as_of = stored.value();
  }
  const lists::ListDelta delta = lists::list_delta(*before.value(), *after.value());
  lists::RescreenConfig config;
  config.lookback_ms = *lookback;

  engine::CollectingAlertSink collected;
  std::unique_ptr<connectors::FileAlertSink> file;
  if (!o.out.empty()) {
    auto format = connectors::format_for(o.out, "");
    if (!format) refuse(format.error().message);
    auto writer = connectors::MessageFileWriter::open(o.out, format.value());
    if (!writer) refuse(writer.error().message);
    file = std::make_unique<connectors::FileAlertSink>(std::move(writer.value()));
  }
  engine::AlertSink& sink = file ? static_cast<engine::AlertSink&>(*file) : collected;
  auto report = rescreen_and_publish(store, sink, before.value(), after.value(), delta, as_of,
                                     config, o.dry_run);
  if (!report) refuse(report.error().message);
  const lists::RescreenReport& r = report.value();
  if (o.json_out) {
    std::printf("%s\n", rescreen_facts(delta, r, as_of).dump().c_str());
    return;
  }
  std::printf("lists: %s -> %s\n", version_text(from).c_str(), after.value()->versions().c_str());
  for (const auto& change : delta.changes) {
    if (change.version == change.previous_version) continue;
    std::printf("  %s v%u -> v%u: added %zu, changed %zu, removed %zu\n", change.list.c_str(),
                change.previous_version, change.version, change.added, change.changed,
                change.removed);
  }
  std::printf(
      "parties: %zu (%zu names) screened against %zu new or changed entries in %.2f s, "
      "as of %s, look-back %s\n",
      r.parties, r.names, delta.entries.size(), r.seconds,
      as_of > 0 ? engine::format_rfc3339_ms(as_of).c_str() : "(no watermark)", o.lookback.c_str());
  std::printf(
      "hits: %zu -> %zu SANCTIONS-RETRO-HIT alerts; %zu already raised, %zu matched "
      "before the change, %zu with no payment in the look-back\n",
      r.hits, r.alerts.size(), r.already_raised, r.known_before, r.outside_lookback);
  // Delistings: those a retro-hit was raised on always, the others with --all (or a few).
  std::size_t quiet = 0;
  for (const auto& delisting : r.delistings) {
    if (delisting.accounts.empty() && !o.all && quiet++ >= 5) continue;
    std::string name = delisting.name;
    std::replace(name.begin(), name.end(), '\n', ' ');
    std::printf("delisted: %s %s %s (gone in v%u)", delisting.list.c_str(),
                delisting.reference.c_str(), name.c_str(), delisting.version);
    if (!delisting.accounts.empty()) {
      std::printf("; retro-hits raised on it before:");
      for (const auto& account : delisting.accounts) std::printf(" %s", account.c_str());
    }
    std::printf("\n");
  }
  if (quiet > 5) std::printf("  ... %zu more delisted (--all lists them)\n", quiet - 5);
  if (!o.out.empty()) std::printf("alerts written to %s\n", o.out.c_str());
  int shown = 0;
  for (const auto& alert : r.alerts) {
    if (shown++ >= o.show) break;
    print_alert(alert);
  }
  if (o.dry_run) std::printf("dry run: nothing recorded in the state\n");
}

}  // namespace

void add_rescreen_command(CLI::App& lists_command) {
  auto o = std::make_shared<RescreenOptions>();
  auto* command = lists_command.add_subcommand(
      "rescreen",
      "Screen the parties a state directory has seen against the list entries added or "
      "changed since it last screened them; raise SANCTIONS-RETRO-HIT alerts");
  command->add_option("--state-dir", o->state_dir, "State directory (nexus run/replay)")
      ->required();
  command->add_option("--data-dir", o->data_dir, "List index directory")->capture_default_str();
  command->add_option("--from", o->from,
                      "LIST=VERSION the parties were last screened with (default: what the "
                      "state recorded); repeat per list");
  command->add_option("--lookback", o->lookback, "Payments cited: those this far back")
      ->capture_default_str();
  command->add_option("--as-of", o->as_of,
                      "The look-back's end, RFC 3339 (default: the state's latest event time)");
  command->add_option("--out", o->out, "Write the alerts here (.ndjson or .pb)");
  command->add_option("--show", o->show, "Print this many alerts")->capture_default_str();
  command->add_flag("--json", o->json_out, "One JSON object of facts");
  command->add_flag("--all", o->all, "Print every delisted entry");
  command->add_flag("--dry-run", o->dry_run,
                    "Record nothing in the state (a second run raises the same alerts)");
  command->callback([o] { run_rescreen(*o); });
}

}  // namespace nexus::app
