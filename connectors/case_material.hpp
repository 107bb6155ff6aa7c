// What a case's goAML report and evidence package are made of: the case, its alerts and the
// transactions behind them. The transactions come from the desk's store first (those it
// kept earlier) and then from transaction files (NDJSON or length-delimited protobuf, as
// `nexus replay` reads them); what the files give is kept in the store, so the material
// survives the files and the input topic's retention.
//
// One call does file and database I/O on the caller's thread; not for the engine thread.
#pragma once

#include "nexus/v1/alert.pb.h"
#include "nexus/v1/transaction.pb.h"

#include "base/result.hpp"
#include "desk/case.hpp"
#include "desk/desk_store.hpp"

#include <cstddef>
#include <span>
#include <string>
#include <vector>

namespace nexus::connectors {

struct CaseMaterial {
  desk::Case case_row;
  std::vector<nexus::v1::Alert> alerts;              // the case's alerts, as stored
  std::vector<nexus::v1::Transaction> transactions;  // those the alerts name, in that order
  std::vector<std::string> missing;     // ids the alerts name that neither store nor files hold
  size_t newly_kept = 0;                // transactions read from files and kept in the store now
  std::vector<std::string> unreadable;  // "file: why" for each file that could not be read
};

/// Gathers case `id`: not found is errc::kNotFound. A transaction file that cannot be read is
/// named in `unreadable` (the others are still read); records that do not decode are
/// skipped (they never made an alert). Files are read only for ids the store does not keep.
Result<CaseMaterial> gather_case_material(desk::DeskStore& store, desk::CaseId id,
                                          std::span<const std::string> transaction_files);

}  // namespace nexus::connectors
