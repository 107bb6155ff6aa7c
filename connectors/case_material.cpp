#include "connectors/case_material.hpp"

#include "connectors/file_source.hpp"
#include "engine/transaction_decoder.hpp"

#include "desk/case_rules.hpp"
#include "desk/goaml_report.hpp"

#include <set>
#include <unordered_map>

namespace nexus::connectors {

namespace errc = desk::errc;

namespace {

// Reads the wanted transactions out of `files` (each file once, first copy of an id wins).
Result<std::unordered_map<std::string, nexus::v1::Transaction>> read_wanted(
    std::span<const std::string> files, const std::set<std::string>& wanted,
    std::vector<std::string>* unreadable) {
  std::unordered_map<std::string, nexus::v1::Transaction> found;
  engine::TransactionDecoder decoder;
  for (const auto& path : files) {
    if (found.size() == wanted.size()) break;
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
      nexus::v1::Transaction transaction;
      if (!decoder.decode(*record, format.value(), &transaction, source->ordinal()).ok) continue;
      if (wanted.count(transaction.id()) == 0 || found.count(transaction.id()) != 0) continue;
      const std::string id = transaction.id();
      found.emplace(id, std::move(transaction));
      if (found.size() == wanted.size()) break;
    }
  }
  return found;
}

}  // namespace

Result<CaseMaterial> gather_case_material(desk::DeskStore& store, desk::CaseId id,
                                          std::span<const std::string> transaction_files) {
  CaseMaterial material;
  NEXUS_TRY(found, store.get_case(id));
  if (!found) {
    return make_error(std::string(errc::kNotFound),
                      "no case " + std::to_string(static_cast<int64_t>(id)));
  }
  material.case_row = *found;
  NEXUS_TRY(alert_ids, store.case_alert_ids(id));
  for (const auto& alert_id : alert_ids) {
    NEXUS_TRY(stored, store.get_alert(alert_id));
    if (!stored) continue;
    nexus::v1::Alert alert;
    if (!alert.ParseFromString(stored->record.alert_pb)) {
      return make_error(std::string(errc::kInvalidState),
                        "alert " + alert_id + ": its stored bytes do not parse");
    }
    material.alerts.push_back(std::move(alert));
  }

  const std::vector<std::string> wanted = desk::goaml_transaction_ids(material.alerts);
  NEXUS_TRY(kept, store.kept_transactions(wanted));
  std::unordered_map<std::string, nexus::v1::Transaction> by_id;
  for (auto& transaction : kept) {
    const std::string key = transaction.id();
    by_id.emplace(key, std::move(transaction));
  }
  std::set<std::string> still_wanted;
  for (const auto& wanted_id : wanted) {
    if (by_id.count(wanted_id) == 0) still_wanted.insert(wanted_id);
  }
  if (!still_wanted.empty() && !transaction_files.empty()) {
    NEXUS_TRY(read, read_wanted(transaction_files, still_wanted, &material.unreadable));
    std::vector<nexus::v1::Transaction> to_keep;
    for (const auto& wanted_id : wanted) {
      const auto at = read.find(wanted_id);
      if (at != read.end()) to_keep.push_back(at->second);
    }
    NEXUS_TRY(added, store.keep_transactions(to_keep));
    material.newly_kept = added;
    for (auto& [key, transaction] : read) by_id.emplace(key, std::move(transaction));
  }
  for (const auto& wanted_id : wanted) {
    const auto at = by_id.find(wanted_id);
    if (at == by_id.end()) {
      material.missing.push_back(wanted_id);
    } else {
      material.transactions.push_back(at->second);
    }
  }
  return material;
}

}  // namespace nexus::connectors
