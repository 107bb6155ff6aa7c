// Gives the engine a sanctions Screener built from the lists imported into a
// data directory (`nexus lists import`). Main thread, at start-up.
#pragma once

#include "connectors/lists/snapshot_screener.hpp"

#include <memory>
#include <string>

namespace nexus::app {

/// The screener for `lists_dir` (its hits carry the version of the list they matched), or
/// null when `lists_dir` is empty (screening off). Exits with status 2 and a plain message
/// when the directory holds no usable lists.
std::unique_ptr<lists::SnapshotScreener> make_screener_or_exit(const std::string& lists_dir);

}  // namespace nexus::app
