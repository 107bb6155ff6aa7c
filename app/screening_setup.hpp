// Gives the engine a sanctions Screener built from the lists imported into a
// data directory (`nexus lists import`). Main thread, at start-up.
#pragma once

#include "engine/screener.hpp"

#include <memory>
#include <string>

namespace nexus::app {

/// The screener for `lists_dir`, or null when `lists_dir` is empty (screening off).
/// Exits with status 2 and a plain message when the directory holds no usable lists.
std::unique_ptr<engine::Screener> make_screener_or_exit(const std::string& lists_dir);

}  // namespace nexus::app
