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

#include "base/result.hpp"
#include "desk/case_evidence.hpp"
#include "desk/desk_store.hpp"

#include <cstddef>
#include <span>
#include <string>
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

}  // namespace nexus::connectors
