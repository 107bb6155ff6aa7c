#include "desk/case_evidence.hpp"

#include "engine/alert_builder.hpp"

#include <map>
#include <set>
#include <unordered_map>

namespace nexus::desk {

namespace {

constexpr std::string_view kRaisedBy = "raised by ";
constexpr std::string_view kOnTransaction = " on transaction ";

// The id of the alert that raised each flag `alert` relied on (evidence detail "raised by
// RULE on transaction TX"), for the rules the set knows.
std::vector<std::string> flag_raiser_ids(const nexus::v1::Alert& alert,
                                         const rules::RuleSet& rules) {
  std::vector<std::string> out;
  for (const auto& evidence : alert.evidence()) {
    const std::string& detail = evidence.detail();
    if (detail.rfind(kRaisedBy, 0) != 0) continue;
    const size_t on = detail.find(kOnTransaction);
    if (on == std::string::npos) continue;
    const std::string rule_id = detail.substr(kRaisedBy.size(), on - kRaisedBy.size());
    const std::string tx_id = detail.substr(on + kOnTransaction.size());
    for (const auto& rule : rules.rules) {
      if (rule.id == rule_id) out.push_back(engine::alert_id(rule.id, rule.version, tx_id));
    }
  }
  return out;
}

Result<std::optional<nexus::v1::Alert>> stored_alert(DeskStore& store, const std::string& id) {
  NEXUS_TRY(found, store.get_alert(id));
  if (!found) return std::optional<nexus::v1::Alert>{};
  nexus::v1::Alert alert;
  if (!alert.ParseFromString(found->record.alert_pb)) {
    return make_error("parse", "alert " + id + ": the stored bytes do not parse");
  }
  return std::optional<nexus::v1::Alert>{std::move(alert)};
}

}  // namespace

std::vector<std::string> alert_transaction_ids(std::span<const nexus::v1::Alert> alerts,
                                               bool network_pictures) {
  std::vector<std::string> out;
  std::set<std::string, std::less<>> seen;
  auto add = [&](const std::string& id) {
    if (!id.empty() && seen.insert(id).second) out.push_back(id);
  };
  for (const auto& alert : alerts) {
    for (const auto& id : alert.transaction_ids()) add(id);
    for (const auto& evidence : alert.evidence()) {
      for (const auto& id : evidence.transaction_ids()) add(id);
    }
    if (!network_pictures) continue;
    for (const auto& picture : alert.subgraphs()) {
      for (const auto& edge : picture.edges()) add(edge.transaction_id());
    }
  }
  return out;
}

Result<CaseEvidence> gather_case_evidence(DeskStore& store, CaseId id,
                                          const TransactionReader& next,
                                          const CaseEvidenceOptions& options) {
  CaseEvidence out;
  NEXUS_TRY(found, store.get_case(id));
  if (!found) {
    return make_error("not_found", "no case " + std::to_string(static_cast<int64_t>(id)));
  }
  out.case_row = *found;
  NEXUS_TRY(timeline, store.case_events(id));
  out.timeline = std::move(timeline);
  NEXUS_TRY(alert_ids, store.case_alert_ids(id));
  std::set<std::string> known;
  for (const auto& alert_id : alert_ids) {
    NEXUS_TRY(alert, stored_alert(store, alert_id));
    if (!alert) continue;
    known.insert(alert_id);
    out.alerts.push_back(std::move(*alert));
  }
  if (options.rules != nullptr) {
    // Breadth first over the flags' raisers, three steps back at most.
    std::vector<const nexus::v1::Alert*> frontier;
    for (const auto& alert : out.alerts) frontier.push_back(&alert);
    out.supporting_alerts.reserve(64);
    for (int depth = 0; depth < 3 && !frontier.empty(); ++depth) {
      std::vector<std::string> wanted;
      for (const auto* alert : frontier) {
        for (auto& raiser : flag_raiser_ids(*alert, *options.rules)) {
          if (known.insert(raiser).second) wanted.push_back(std::move(raiser));
        }
      }
      frontier.clear();
      for (const auto& raiser : wanted) {
        NEXUS_TRY(alert, stored_alert(store, raiser));
        if (!alert || out.supporting_alerts.size() >= 64) continue;
        out.supporting_alerts.push_back(std::move(*alert));
        frontier.push_back(&out.supporting_alerts.back());
      }
    }
  }
  std::vector<nexus::v1::Alert> all = out.alerts;
  all.insert(all.end(), out.supporting_alerts.begin(), out.supporting_alerts.end());
  const std::vector<std::string> wanted = alert_transaction_ids(all);
  std::unordered_map<std::string, bool> kept;
  for (const auto& tx_id : wanted) kept.emplace(tx_id, false);
  if (next && !kept.empty()) {
    while (auto tx = next()) {
      const auto slot = kept.find(tx->id());
      if (slot == kept.end() || slot->second) continue;
      slot->second = true;
      out.transactions.push_back(std::move(*tx));
    }
  }
  for (const auto& tx_id : wanted) {
    if (!kept[tx_id]) out.missing_transactions.push_back(tx_id);
  }
  if (options.audit) {
    std::map<int64_t, AuditEntry> entries;
    std::vector<std::string> objects{"case:" + std::to_string(static_cast<int64_t>(id))};
    for (const auto& alert : out.alerts) objects.push_back("alert:" + alert.id());
    for (const auto& object : objects) {
      AuditFilter filter;
      filter.object = object;
      for (int64_t after = 0;;) {
        NEXUS_TRY(page, store.audit_entries(filter, after, 1000));
        for (auto& entry : page) {
          after = entry.seq;
          entries.emplace(entry.seq, std::move(entry));
        }
        if (page.size() < 1000) break;
      }
    }
    for (auto& [seq, entry] : entries) out.audit_entries.push_back(std::move(entry));
  }
  return out;
}

}  // namespace nexus::desk
