// What a case's goAML report and evidence package are made of (desk::gather_case_evidence:
// the case, its timeline, its alerts and the alerts whose flags they relied on, its audit
// entries, the transactions behind them), with the transactions from the desk's store
// first (those it kept earlier) and then from transaction files (NDJSON or length-delimited
// protobuf, as `nexus replay` reads them). What the files give is kept in the store, so the
// material survives the files and the input topic's retention. Transactions come in the
// order the engine read them: the files' order (file index, then record ordinal), which the
// store keeps beside each one.
//
// One call does file and database I/O on the caller's thread; not for the engine thread.
#pragma once

#include "rules/rule_set.hpp"

#include "base/result.hpp"
#include "desk/case_evidence.hpp"
#include "desk/desk_store.hpp"
#include "desk/evidence_package.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace nexus::connectors {

struct CaseMaterial {
  desk::CaseEvidence evidence;          // missing_transactions: held by neither
  size_t newly_kept = 0;                // read from files and kept in the store now
  std::vector<std::string> unreadable;  // "file: why" for each file that could not be read
};

/// Gathers case `id` (errors as desk::gather_case_evidence). A transaction file that cannot
/// be read is named in `unreadable` (the others are still read); records that do not decode
/// are skipped (they never made an alert). Files are read only for ids the store does not
/// keep.
Result<CaseMaterial> gather_case_material(desk::DeskStore& store, desk::CaseId id,
                                          std::span<const std::string> transaction_files,
                                          const desk::CaseEvidenceOptions& options = {});

/// The rule files of a directory as the compiler reads them (*.yaml, *.yml, name order).
Result<std::vector<desk::EvidenceRuleFile>> read_rule_files(const std::filesystem::path& dir);

/// The list snapshots in `dir` and the entries the alerts' sanctions hits name, as JSON
/// (versions, matched entries); "[]" each for no dir.
Result<std::pair<std::string, std::string>> list_evidence(
    const std::string& dir, const std::vector<nexus::v1::Alert>& alerts);

/// Everything an evidence package of case `id` holds but its signature: the case gathered
/// (gather_case_material, with the flags' supporting alerts and the audit entries), checked,
/// the lists' versions and matched entries, and the signed heads that cover its entries
/// (sign one first). Errors: errc::kNotFound, errc::kInvalidState (no alerts),
/// "transactions_missing", "rule_set_mismatch" (an alert raised by another rule set),
/// "lists", and the store's.
Result<desk::EvidenceInput> case_evidence_input(desk::DeskStore& store, desk::CaseId id,
                                                std::span<const std::string> transaction_files,
                                                std::vector<desk::EvidenceRuleFile> rule_files,
                                                const rules::RuleSet& rule_set,
                                                const std::string& lists_dir, int64_t created_ms);

}  // namespace nexus::connectors
