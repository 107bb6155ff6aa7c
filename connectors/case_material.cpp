#include "connectors/case_material.hpp"

#include "connectors/file_source.hpp"
#include "engine/transaction_decoder.hpp"

#include <algorithm>
#include <set>
#include <unordered_set>

namespace nexus::connectors {

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

}  // namespace nexus::connectors
