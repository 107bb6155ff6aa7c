#include "desk/evidence_replay.hpp"

#include "engine/alert_builder.hpp"
#include "engine/collecting_sinks.hpp"
#include "engine/engine.hpp"
#include "engine/memory_state_store.hpp"
#include "rules/compiler.hpp"

#include <algorithm>
#include <limits>
#include <unordered_map>
#include <unordered_set>

namespace nexus::desk {

namespace {

std::string short_id(const std::string& id) { return id.substr(0, 12); }

std::string joined(const google::protobuf::RepeatedPtrField<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ",") + id;
  return out;
}

void compare_field(const std::string& what, const std::string& bundled, const std::string& replayed,
                   std::vector<std::string>* out) {
  if (bundled != replayed) {
    out->push_back(what + " " + (bundled.empty() ? "(none)" : bundled) + " bundled, " +
                   (replayed.empty() ? "(none)" : replayed) + " replayed");
  }
}

std::vector<std::string> compare(const nexus::v1::Alert& bundled,
                                 const nexus::v1::Alert& replayed) {
  std::vector<std::string> out;
  compare_field("subject", bundled.subject(), replayed.subject(), &out);
  compare_field("rule version", std::to_string(bundled.rule_version()),
                std::to_string(replayed.rule_version()), &out);
  compare_field("ruleset", bundled.ruleset_hash(), replayed.ruleset_hash(), &out);
  compare_field("transactions", joined(bundled.transaction_ids()),
                joined(replayed.transaction_ids()), &out);
  const int evidence = std::max(bundled.evidence_size(), replayed.evidence_size());
  for (int i = 0; i < evidence; ++i) {
    if (i >= bundled.evidence_size() || i >= replayed.evidence_size()) {
      const auto& extra = i >= bundled.evidence_size() ? replayed.evidence(i) : bundled.evidence(i);
      out.push_back("evidence " + extra.name() + ": " +
                    (i >= bundled.evidence_size() ? "only replayed" : "only bundled"));
      continue;
    }
    const auto& a = bundled.evidence(i);
    const auto& b = replayed.evidence(i);
    const std::string name = "evidence " + a.name();
    compare_field(name + " (name)", a.name(), b.name(), &out);
    compare_field(name, a.observed(), b.observed(), &out);
    compare_field(name + " op", a.op(), b.op(), &out);
    compare_field(name + " threshold", a.threshold(), b.threshold(), &out);
    compare_field(name + " window_ms", std::to_string(a.window_ms()), std::to_string(b.window_ms()),
                  &out);
    compare_field(name + " window_key", a.window_key(), b.window_key(), &out);
    compare_field(name + " transactions", joined(a.transaction_ids()), joined(b.transaction_ids()),
                  &out);
    compare_field(name + " truncated", a.truncated() ? "true" : "false",
                  b.truncated() ? "true" : "false", &out);
    compare_field(name + " detail", a.detail(), b.detail(), &out);
  }
  const int hits = std::max(bundled.sanctions_hits_size(), replayed.sanctions_hits_size());
  for (int i = 0; i < hits; ++i) {
    auto text = [](const nexus::v1::Alert& alert, int index) -> std::string {
      if (index >= alert.sanctions_hits_size()) return {};
      const auto& hit = alert.sanctions_hits(index);
      return hit.party_role() + " " + hit.list() + ":" + hit.reference() + " '" +
             hit.matched_name() + "' " + std::to_string(hit.score());
    };
    compare_field("sanctions hit", text(bundled, i), text(replayed, i), &out);
  }
  const int pictures = std::max(bundled.subgraphs_size(), replayed.subgraphs_size());
  for (int i = 0; i < pictures; ++i) {
    auto text = [](const nexus::v1::Alert& alert, int index) -> std::string {
      if (index >= alert.subgraphs_size()) return {};
      const auto& picture = alert.subgraphs(index);
      return picture.label() + " (" + std::to_string(picture.edges_size()) + " edges; " +
             picture.detail() + ")";
    };
    compare_field("network picture", text(bundled, i), text(replayed, i), &out);
  }
  return out;
}

// Why `alert` may not come out of the bundle alone the same, for the parts of it that rest
// on state outside the bundle. `raised` holds the ids the replay raised.
std::vector<std::string> outside_state(const nexus::v1::Alert& alert,
                                       const std::unordered_set<std::string>& raised,
                                       const std::unordered_set<std::string>& supporting,
                                       const rules::RuleSet& rules, bool screened) {
  std::vector<std::string> out;
  bool screening = alert.sanctions_hits_size() > 0;
  bool network = alert.subgraphs_size() > 0;
  for (const auto& evidence : alert.evidence()) {
    const std::string& name = evidence.name();
    screening = screening || name.find("sanctions.") != std::string::npos;
    network = network || name.find("pattern.") != std::string::npos ||
              name.find("exposure.") != std::string::npos ||
              name.find("cluster") != std::string::npos;
    if (evidence.truncated()) {
      out.push_back("window " + name + " held more events than its cap: the bundle has the " +
                    std::to_string(evidence.transaction_ids_size()) +
                    " it named, not the older ones dropped");
    }
    const std::string& detail = evidence.detail();
    const size_t on = detail.find(" on transaction ");
    if (detail.rfind("raised by ", 0) == 0 && on != std::string::npos) {
      const std::string rule_id = detail.substr(10, on - 10);
      const std::string tx_id = detail.substr(on + 16);
      std::string raiser;
      for (const auto& rule : rules.rules) {
        if (rule.id == rule_id) raiser = engine::alert_id(rule.id, rule.version, tx_id);
      }
      if (raiser.empty() || raised.count(raiser) == 0) {
        out.push_back("needs state from before the bundle: " + name + " raised by " + rule_id +
                      " on transaction " + tx_id +
                      (raiser.empty() ? "" : " (alert " + short_id(raiser) + ")") +
                      (supporting.count(raiser)
                           ? ", which the bundle's transactions do not raise again"
                           : ", whose own alert is not in the package (it fired while suppressed, "
                             "or is not in the desk), so the payments behind it are not either"));
      }
    }
  }
  if (screening && !screened) {
    std::string lists;
    for (const auto& hit : alert.sanctions_hits()) {
      lists += (lists.empty() ? "" : ", ") + hit.list() + ":" + hit.reference();
    }
    out.push_back(
        "needs the sanctions lists screened against" +
        (lists.empty() ? std::string() : " (" + lists + ", in lists/matched_entries.json)") +
        ": replay with the list snapshots of lists/versions.json");
  }
  if (network) {
    out.push_back(
        "needs the money-flow network beyond the bundle: its pattern or exposure reads "
        "payments no alert names");
  }
  return out;
}

}  // namespace

size_t EvidenceReplay::count(ReplayOutcome outcome) const {
  return static_cast<size_t>(
      std::count_if(alerts.begin(), alerts.end(),
                    [outcome](const AlertReplay& a) { return a.outcome == outcome; }));
}

Result<EvidenceReplay> replay_evidence(const EvidenceBundle& bundle, engine::Screener* screener) {
  std::vector<rules::RuleSource> sources;
  for (const auto& file : bundle.rule_files) sources.push_back({"rules/" + file.name, file.bytes});
  auto compiled = rules::compile_rules(sources);
  if (!compiled)
    return make_error("rules", "the bundled rules do not compile:\n" + compiled.error().message);
  const auto& rule_set = compiled.value();
  if (rule_set->content_hash != bundle.ruleset_hash) {
    return make_error("ruleset", "the bundled rules hash to " + rule_set->content_hash +
                                     ", the manifest says " + bundle.ruleset_hash);
  }
  EvidenceReplay result;
  result.ruleset_hash = rule_set->content_hash;
  result.rules = rule_set->rules.size();
  result.transactions = bundle.transactions.size();

  engine::MemoryStateStore store;
  engine::CollectingAlertSink alerts;
  engine::CollectingDeadLetterSink dead_letters;
  // The bundle is a sample of the stream: weeks may lie between two of its payments, so no
  // bound on how far one runs ahead of the last (the original stream had the ones between).
  engine::EngineConfig config;
  config.max_future_ms = std::numeric_limits<int64_t>::max() / 2;
  engine::Engine engine(rule_set, engine::FxTable::defaults(), store, alerts, dead_letters,
                        screener, config);
  std::string bytes;
  int64_t offset = 0;
  for (const auto& tx : bundle.transactions) {
    bytes.clear();
    tx.SerializeToString(&bytes);
    const engine::InputRecord record{bytes, engine::InputFormat::kProtobuf, "evidence", 0,
                                     offset++};
    if (auto processed = engine.process(record); !processed) {
      return make_error("state", processed.error().message);
    }
  }
  if (auto done = engine.checkpoint(); !done) return make_error("state", done.error().message);
  result.dead_letters = dead_letters.letters.size();
  result.alerts_raised = alerts.alerts.size();

  std::unordered_set<std::string> supporting;
  for (const auto& alert : bundle.supporting_alerts) supporting.insert(alert.id());
  std::unordered_map<std::string, const nexus::v1::Alert*> by_id;
  std::unordered_set<std::string> raised;
  for (const auto& alert : alerts.alerts) {
    by_id.emplace(alert.id(), &alert);
    raised.insert(alert.id());
  }
  for (const auto& bundled : bundle.alerts) {
    AlertReplay replay;
    replay.alert_id = bundled.id();
    replay.rule_id = bundled.rule_id();
    const auto found = by_id.find(bundled.id());
    if (found == by_id.end()) {
      replay.differences.push_back("not raised by the replay");
    } else {
      replay.differences = compare(bundled, *found->second);
    }
    if (!replay.differences.empty()) {
      replay.needs = outside_state(bundled, raised, supporting, *rule_set, screener != nullptr);
      replay.outcome =
          replay.needs.empty() ? ReplayOutcome::kDiffers : ReplayOutcome::kNeedsOutside;
    }
    result.alerts.push_back(std::move(replay));
  }
  return result;
}

}  // namespace nexus::desk
