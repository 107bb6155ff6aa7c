#include "connectors/case_material.hpp"

#include "connectors/file_source.hpp"
#include "connectors/lists/list_store.hpp"
#include "engine/transaction_decoder.hpp"

#include "desk/case_rules.hpp"
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <unordered_set>

namespace nexus::connectors {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr int kFileShift = 40;  // read_order = file index << 40 | record ordinal

// The wanted transactions in `files`, in file order (first copy of an id wins).
std::vector<desk::KeptTransaction> read_wanted(std::span<const std::string> files,
                                               const std::set<std::string>& wanted,
                                               std::vector<std::string>* unreadable) {
  std::vector<desk::KeptTransaction> found;
  std::unordered_set<std::string> seen;
  engine::TransactionDecoder decoder;
  for (size_t index = 0; index < files.size() && seen.size() < wanted.size(); ++index) {
    const std::string& path = files[index];
    auto format = format_for(path, "");
    if (!format) {
      unreadable->push_back(path + ": " + format.error().message);
      continue;
    }
    if (format.value() == engine::InputFormat::kCsv) {
      unreadable->push_back(path + ": the desk reads transaction files as NDJSON or .pb, not CSV");
      continue;
    }
    auto opened = FileSource::open(path, format.value());
    if (!opened) {
      unreadable->push_back(opened.error().message);
      continue;
    }
    auto& source = opened.value();
    while (const auto record = source->next()) {
      desk::KeptTransaction kept;
      if (!decoder.decode(*record, format.value(), &kept.transaction, source->ordinal()).ok) {
        continue;
      }
      const std::string& id = kept.transaction.id();
      if (wanted.count(id) == 0 || !seen.insert(id).second) continue;
      kept.read_order = (static_cast<int64_t>(index) << kFileShift) | source->ordinal();
      found.push_back(std::move(kept));
      if (seen.size() == wanted.size()) break;
    }
  }
  return found;
}

Result<std::string> read_whole(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("input", path.string() + ": cannot read");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

std::string list_of(const std::vector<std::string>& ids, size_t shown) {
  std::string out;
  for (size_t i = 0; i < ids.size() && i < shown; ++i) out += (i ? ", " : "") + ids[i];
  if (ids.size() > shown) out += ", ...";
  return out;
}

}  // namespace

Result<CaseMaterial> gather_case_material(desk::DeskStore& store, desk::CaseId id,
                                          std::span<const std::string> transaction_files,
                                          const desk::CaseEvidenceOptions& options) {
  CaseMaterial material;
  // A first pass without a source names every transaction the case needs.
  desk::CaseEvidenceOptions naming = options;
  naming.audit = false;
  NEXUS_TRY(first, desk::gather_case_evidence(store, id, nullptr, naming));
  const std::vector<std::string>& wanted = first.missing_transactions;
  NEXUS_TRY(kept, store.kept_transactions(wanted));
  std::set<std::string> still(wanted.begin(), wanted.end());
  for (const auto& item : kept) still.erase(item.transaction.id());
  if (!still.empty() && !transaction_files.empty()) {
    std::vector<desk::KeptTransaction> read =
        read_wanted(transaction_files, still, &material.unreadable);
    NEXUS_TRY(added, store.keep_transactions(read));
    material.newly_kept = added;
    for (auto& item : read) kept.push_back(std::move(item));
  }
  std::stable_sort(kept.begin(), kept.end(),
                   [](const auto& a, const auto& b) { return a.read_order < b.read_order; });
  // The second pass reads them in the engine's order.
  size_t next = 0;
  desk::TransactionReader reader = [&kept, &next]() -> std::optional<nexus::v1::Transaction> {
    if (next >= kept.size()) return std::nullopt;
    return kept[next++].transaction;
  };
  NEXUS_TRY(evidence, desk::gather_case_evidence(store, id, reader, options));
  material.evidence = std::move(evidence);
  return material;
}

// The rule files of a directory as the compiler reads them (*.yaml, *.yml, name order).
Result<std::vector<desk::EvidenceRuleFile>> read_rule_files(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return make_error("rule_dir", dir.string() + ": not a directory of rule files");
  }
  std::vector<fs::path> paths;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const auto extension = entry.path().extension();
    if (entry.is_regular_file() && (extension == ".yaml" || extension == ".yml")) {
      paths.push_back(entry.path());
    }
  }
  std::sort(paths.begin(), paths.end());
  std::vector<desk::EvidenceRuleFile> out;
  for (const auto& path : paths) {
    NEXUS_TRY(bytes, read_whole(path));
    out.push_back({path.filename().string(), std::move(bytes)});
  }
  return out;
}

// The list snapshots in `dir` and the entries the alerts' sanctions hits name, as JSON.
Result<std::pair<std::string, std::string>> list_evidence(
    const std::string& dir, const std::vector<nexus::v1::Alert>& alerts) {
  if (dir.empty()) return std::pair<std::string, std::string>{"[]", "[]"};
  lists::ListStore store(dir);
  NEXUS_TRY(stored, store.stored_lists());
  json versions = json::array();
  for (const auto& info : stored) {
    versions.push_back({{"list", info.list},
                        {"version", info.version},
                        {"source_version", info.source_version},
                        {"entries", info.entries}});
  }
  std::set<std::pair<std::string, std::string>> wanted;
  for (const auto& alert : alerts) {
    for (const auto& hit : alert.sanctions_hits()) wanted.insert({hit.list(), hit.reference()});
  }
  json matched = json::array();
  std::set<std::string> read_lists;
  for (const auto& [list, reference] : wanted) {
    if (!read_lists.insert(list).second) continue;
    NEXUS_TRY(entries, store.load_list(list));
    for (const auto& entry : entries) {
      if (wanted.count({entry.list, entry.reference})) {
        matched.push_back(json::parse(lists::list_entry_json(entry)));
      }
    }
  }
  return std::pair<std::string, std::string>{versions.dump(2) + "\n", matched.dump(2) + "\n"};
}

Result<desk::EvidenceInput> case_evidence_input(desk::DeskStore& store, desk::CaseId id,
                                                std::span<const std::string> transaction_files,
                                                std::vector<desk::EvidenceRuleFile> rule_files,
                                                const rules::RuleSet& rule_set,
                                                const std::string& lists_dir, int64_t created_ms) {
  desk::CaseEvidenceOptions options;
  options.rules = &rule_set;
  options.audit = true;
  NEXUS_TRY(material, gather_case_material(store, id, transaction_files, options));
  desk::CaseEvidence& evidence = material.evidence;
  const std::string case_name = "case " + std::to_string(static_cast<int64_t>(id));
  if (evidence.alerts.empty()) {
    return make_error(std::string(desk::errc::kInvalidState),
                      case_name + " has no alerts: nothing to package");
  }
  if (!evidence.missing_transactions.empty()) {
    std::string files;
    for (const auto& file : transaction_files) files += (files.empty() ? "" : ", ") + file;
    for (const auto& file : material.unreadable) files += "; not read: " + file;
    return make_error("transactions_missing",
                      std::to_string(evidence.missing_transactions.size()) +
                          " transaction(s) the alerts of " + case_name +
                          " name are neither kept by the desk nor in " +
                          (files.empty() ? std::string("any transactions file") : files) + ": " +
                          list_of(evidence.missing_transactions, 5));
  }
  for (const auto& alert : evidence.alerts) {
    if (alert.ruleset_hash() != rule_set.content_hash) {
      return make_error("rule_set_mismatch", "alert " + alert.id() + " (" + alert.rule_id() +
                                                 ") was raised by rule set " +
                                                 alert.ruleset_hash() + "; the rules hash to " +
                                                 rule_set.content_hash);
    }
  }
  auto lists = list_evidence(lists_dir, evidence.alerts);
  if (!lists) return make_error("lists", "lists in " + lists_dir + ": " + lists.error().message);
  NEXUS_TRY(heads, store.signed_heads());

  desk::EvidenceInput input;
  input.case_row = evidence.case_row;
  input.timeline = std::move(evidence.timeline);
  input.alerts = std::move(evidence.alerts);
  input.supporting_alerts = std::move(evidence.supporting_alerts);
  input.transactions = std::move(evidence.transactions);
  input.rule_files = std::move(rule_files);
  input.ruleset_hash = rule_set.content_hash;
  input.list_versions_json = lists.value().first;
  input.matched_entries_json = lists.value().second;
  input.audit_entries = std::move(evidence.audit_entries);
  // The heads from the first bundled entry up to the first one past the last.
  const int64_t first_seq = input.audit_entries.empty() ? 0 : input.audit_entries.front().seq;
  const int64_t last_seq = input.audit_entries.empty() ? 0 : input.audit_entries.back().seq;
  for (const auto& head : heads) {
    if (head.seq < first_seq) continue;
    input.signed_heads.push_back(head);
    if (head.seq >= last_seq) break;
  }
  input.created_ms = created_ms;
  return input;
}

}  // namespace nexus::connectors
