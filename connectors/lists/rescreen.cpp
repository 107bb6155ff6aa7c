#include "connectors/lists/rescreen.hpp"

#include "connectors/lists/import_diff.hpp"
#include "connectors/lists/snapshot_screener.hpp"
#include "engine/party_index.hpp"
#include "engine/screening/name_screener.hpp"
#include "engine/transaction_decoder.hpp"
#include "rules/compiler.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <map>

namespace nexus::lists {

namespace {

constexpr char kMarkPrefix[] = "r/";
constexpr char kScreenedPrefix[] = "l/";

std::string days_text(int64_t ms) { return std::to_string(ms / 86'400'000) + "d"; }

std::string usd_text(double amount) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.2f", amount);
  return buffer;
}

// The protobuf timestamp of an epoch-milliseconds instant.
void set_time(google::protobuf::Timestamp* time, int64_t ms) {
  int64_t seconds = ms / 1000;
  int64_t rest = ms % 1000;
  if (rest < 0) {
    rest += 1000;
    --seconds;
  }
  time->set_seconds(seconds);
  time->set_nanos(static_cast<int32_t>(rest * 1'000'000));
}

nexus::v1::Alert retro_hit_alert(const nexus::v1::PartyRecord& record,
                                 const engine::ScreeningHit& hit, const std::string& name,
                                 const std::string& what,
                                 const std::vector<const nexus::v1::PartyTransaction*>& cited,
                                 const RescreenConfig& config) {
  const std::string& account = record.party().account();
  nexus::v1::Alert alert;
  alert.set_id(retro_hit_id(hit.list, hit.reference, account));
  alert.set_rule_id(kRetroHitRule);
  alert.set_rule_version(kRetroHitRuleVersion);
  alert.set_severity(nexus::v1::SEVERITY_CRITICAL);
  alert.set_score(90);
  alert.add_typologies("sanctions");
  alert.add_typologies("retroactive-screening");
  alert.set_subject(account);
  alert.set_title(
      "A party seen before matches a sanctions-list entry that was added or changed since");
  alert.set_source(
      "FATF Recommendation 6 and its Interpretive Note (targeted financial sanctions: identify "
      "and freeze without delay the funds of designated persons, including those already "
      "held); Wolfsberg Group, Guidance on Sanctions Screening (2019): re-screening of the "
      "customer base when the lists change");
  alert.set_ruleset_hash(config.ruleset_hash);
  // Cited newest first: the newest payment is the alert's "triggering" one.
  for (const auto* payment : cited) alert.add_transaction_ids(payment->id());
  set_time(alert.mutable_event_time(), cited.front()->time_ms());

  std::string version = hit.list + " v" + std::to_string(hit.list_version);
  if (!hit.list_source_version.empty()) version += " (" + hit.list_source_version + ")";
  auto* matched = alert.add_evidence();
  matched->set_name("sanctions.retro_hit");
  matched->set_observed(name);
  matched->set_op("matches");
  matched->set_threshold(hit.matched_name + " (" + hit.list + " " + hit.reference + ")");
  char score[32];
  std::snprintf(score, sizeof score, "%.3f", hit.score);
  matched->set_detail("score " + std::string(score) + (hit.basis.empty() ? "" : "; " + hit.basis));
  auto* change = alert.add_evidence();
  change->set_name("list.change");
  change->set_observed(hit.reference + " " + what);
  change->set_op("in");
  change->set_threshold(version);
  change->set_detail(hit.programme.empty() ? "" : "programme " + hit.programme);
  // The payments in event-time order, as evidence lines list them.
  auto* payments = alert.add_evidence();
  payments->set_name("party.payments_in_lookback");
  payments->set_observed(std::to_string(cited.size()));
  payments->set_op(">=");
  payments->set_threshold("1");
  payments->set_window_ms(config.lookback_ms);
  payments->set_window_key(account);
  double total = 0;
  std::string roles;
  for (auto it = cited.rbegin(); it != cited.rend(); ++it) {
    payments->add_transaction_ids((*it)->id());
    total += (*it)->amount_usd();
    if (roles.find((*it)->role()) == std::string::npos) {
      roles += (roles.empty() ? "" : ",") + (*it)->role();
    }
  }
  // Older payments than those kept, or more in the look-back than an alert cites.
  payments->set_truncated(record.transactions() > static_cast<uint64_t>(record.recent_size()) ||
                          cited.size() >= config.max_transactions);
  payments->set_detail("USD " + usd_text(total) + " in the " + days_text(config.lookback_ms) +
                       " look-back; " + std::to_string(record.transactions()) +
                       " payments in all, first seen " +
                       engine::format_rfc3339_ms(record.first_seen_ms()) + ", last seen " +
                       engine::format_rfc3339_ms(record.last_seen_ms()));
  auto* sanctions = alert.add_sanctions_hits();
  sanctions->set_party_role(roles);
  sanctions->set_list(hit.list);
  sanctions->set_reference(hit.reference);
  sanctions->set_matched_name(hit.matched_name);
  sanctions->set_score(hit.score);
  sanctions->set_programme(hit.programme);
  sanctions->set_basis(hit.basis);
  sanctions->set_list_version(hit.list_version);
  sanctions->set_list_source_version(hit.list_source_version);
  return alert;
}

}  // namespace

std::string retro_hit_mark(std::string_view list, std::string_view reference,
                           std::string_view account) {
  std::string key(kMarkPrefix);
  key += list;
  key += '/';
  key += reference;
  key += '/';
  key += account;
  return key;
}

std::string retro_hit_id(std::string_view list, std::string_view reference,
                         std::string_view account) {
  std::string input(kRetroHitRule);
  input += '\x1f';
  input += std::to_string(kRetroHitRuleVersion);
  for (std::string_view part : {list, reference, account}) {
    input += '\x1f';
    input += part;
  }
  return rules::sha256_hex(input, 32);
}

Result<std::map<std::string, uint32_t>> screened_versions(engine::StateStore& store) {
  std::map<std::string, uint32_t> out;
  NEXUS_TRY(stored, store.scan(kScreenedPrefix));
  for (const auto& [key, value] : stored) {
    uint32_t version = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), version);
    if (error != std::errc() || end != value.data() + value.size()) {
      return make_error("state_corrupt",
                        "state store: the list version under '" + key + "' is not a number");
    }
    out[key.substr(sizeof kScreenedPrefix - 1)] = version;
  }
  return out;
}

void record_screened(const ListsSnapshot& snapshot, const std::map<std::string, uint32_t>& previous,
                     engine::StateBatch* batch) {
  for (const auto& list : snapshot.lists) {
    batch->put(kScreenedPrefix + list.list, std::to_string(list.version));
  }
  for (const auto& [list, version] : previous) {
    if (!snapshot.find(list)) batch->erase(kScreenedPrefix + list);
  }
}

ListDelta list_delta(const ListsSnapshot& before, const ListsSnapshot& after) {
  ListDelta delta;
  delta.changes = diff_snapshots(before, after);
  for (const auto& change : delta.changes) {
    if (change.version == change.previous_version) continue;
    const auto previous = before.entries_of(change.list);
    const auto current = after.entries_of(change.list);
    const ImportDiff diff = diff_lists(previous, current);
    for (const auto& reference : diff.added) {
      delta.entries.push_back({{change.list, reference}, "added"});
    }
    for (const auto& changed : diff.changed) {
      std::string fields;
      for (const auto& field : changed.fields) fields += (fields.empty() ? "" : ",") + field;
      delta.entries.push_back({{change.list, changed.reference}, "changed: " + fields});
    }
    for (const auto& reference : diff.removed) {
      Delisting delisting{change.list, reference, "", change.version, {}};
      for (const auto& entry : previous) {
        if (entry.reference == reference && !entry.names.empty()) {
          delisting.name = entry.names.front().text;
        }
      }
      delta.delistings.push_back(std::move(delisting));
    }
  }
  std::sort(delta.entries.begin(), delta.entries.end());
  return delta;
}

Result<RescreenReport> rescreen(engine::StateStore& store,
                                const std::shared_ptr<const ListsSnapshot>& before,
                                const std::shared_ptr<const ListsSnapshot>& after,
                                const ListDelta& delta, int64_t as_of_ms,
                                const RescreenConfig& config,
                                const screening::ScreeningConfig& screening) {
  const auto started = std::chrono::steady_clock::now();
  RescreenReport report;
  // Which entries count, and how they changed.
  std::map<std::pair<std::string, std::string>, std::string> wanted;
  for (const auto& [entry, what] : delta.entries) wanted.emplace(entry, what);

  if (!wanted.empty()) {
    NEXUS_TRY(now, SnapshotScreener::create(after, screening));
    // The prefilter: the changed entries alone, indexed apart. A name with no candidate
    // among them scoring prefilter_min_score by name alone cannot hit one in the whole
    // index, and costs only this look-up (one normalisation, a tiny index).
    std::unique_ptr<screening::NameScreener> sieve;
    if (config.prefilter_min_score > 0) {
      std::vector<screening::ListEntry> changed;
      for (const auto& entry : after->index->entries()) {
        if (wanted.count({entry.list, entry.reference})) changed.push_back(entry);
      }
      NEXUS_TRY(normalizer, screening::NameNormalizer::create());
      NEXUS_TRY(made,
                screening::NameScreener::create(
                    screening::ScreeningIndex::build(std::move(changed), normalizer), screening));
      sieve = std::move(made);
    }
    screening::ScreeningQuery sieve_query;
    std::unique_ptr<SnapshotScreener> then;  // the old snapshot, for changed entries only
    struct Match {
      engine::ScreeningHit hit;
      std::string name;  // the party's name that matched
      std::string what;  // "added" or "changed: ..."
    };
    NEXUS_TRY(store.scan_each(
        engine::PartyIndex::kPrefix,
        [&](std::string_view key, std::string_view value) -> Result<void> {
          NEXUS_TRY(record, engine::PartyIndex::decode(key, value));
          ++report.parties;
          nexus::v1::Party query = record.party();
          std::vector<std::string> names{record.party().name()};
          for (const auto& other : record.other_names()) names.push_back(other);
          // The best hit per changed entry over the party's names.
          std::map<std::pair<std::string, std::string>, Match> matches;
          for (const auto& name : names) {
            query.set_name(name);
            ++report.names;
            if (sieve) {
              sieve_query.name = name;
              sieve_query.type = screening::entry_type_of(query.type());
              if (sieve->score_all(sieve_query, config.prefilter_min_score, 1).empty()) continue;
              ++report.sieved;
            }
            for (auto& hit : now->screen(query)) {
              auto found = wanted.find({hit.list, hit.reference});
              if (found == wanted.end()) continue;
              auto& slot = matches[found->first];
              if (slot.name.empty() || hit.score > slot.hit.score) {
                slot = Match{std::move(hit), name, found->second};
              }
            }
          }
          for (auto& [entry, match] : matches) {
            ++report.hits;
            const std::string& account = record.party().account();
            const std::string mark = retro_hit_mark(entry.first, entry.second, account);
            NEXUS_TRY(raised, store.get(mark));
            if (raised) {
              ++report.already_raised;
              continue;
            }
            if (match.what != "added") {
              if (!then) {
                NEXUS_TRY(made, SnapshotScreener::create(before, screening));
                then = std::move(made);
              }
              query.set_name(match.name);
              bool known = false;
              for (const auto& old : then->screen(query)) {
                known = known || (old.list == entry.first && old.reference == entry.second);
              }
              if (known) {
                ++report.known_before;
                continue;
              }
            }
            // The payments within the look-back, newest first, at most max_transactions.
            std::vector<const nexus::v1::PartyTransaction*> cited;
            for (int i = record.recent_size() - 1; i >= 0; --i) {
              const auto& payment = record.recent(i);
              if (payment.time_ms() > as_of_ms || payment.time_ms() < as_of_ms - config.lookback_ms)
                continue;
              if (cited.size() >= config.max_transactions) break;
              cited.push_back(&payment);
            }
            if (cited.empty()) {
              ++report.outside_lookback;
              continue;
            }
            report.alerts.push_back(
                retro_hit_alert(record, match.hit, match.name, match.what, cited, config));
            report.marks.put(mark, report.alerts.back().id());
          }
          return outcome::success();
        }));
  }
  std::sort(report.alerts.begin(), report.alerts.end(),
            [](const auto& a, const auto& b) { return a.id() < b.id(); });
  // Delistings, with the parties that had a retro-hit on the entry.
  for (const auto& delisting : delta.delistings) {
    Delisting out = delisting;
    NEXUS_TRY(marked, store.scan(retro_hit_mark(delisting.list, delisting.reference, "")));
    for (const auto& [key, value] : marked) {
      out.accounts.push_back(
          key.substr(retro_hit_mark(delisting.list, delisting.reference, "").size()));
    }
    report.delistings.push_back(std::move(out));
  }
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace nexus::lists
