// Builds the screening index from the current snapshots in a data directory: the
// one call production wiring needs to give the engine a Screener, e.g.
//
//   NEXUS_TRY(index, lists::load_screening_index("./nexus-data"));
//   NEXUS_TRY(screener, screening::NameScreener::create(index, config));
//
// Call from any thread; the returned index is immutable and shareable.
#pragma once

#include "engine/screening/screening_index.hpp"

#include "base/result.hpp"

#include <memory>
#include <string>

namespace nexus::lists {

/// Errors: "io"/"parse" (damaged snapshot, naming file and line), "empty" (no list
/// imported yet; the message says how to import), "icu".
Result<std::shared_ptr<const screening::ScreeningIndex>> load_screening_index(
    const std::string& data_dir);

}  // namespace nexus::lists
