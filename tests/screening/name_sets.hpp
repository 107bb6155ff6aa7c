// Test-data readers for the shared name-matching files (yente CSVs, watchman
// cross-script pairs, Norwegian company names). Paths are relative to
// NEXUS_SHARED_DATA_DIR; nothing is copied into the repository.
#pragma once

#include <string>
#include <vector>

namespace nexus::screening::testing {

/// Rows of a CSV file as fields (RFC 4180 quoting), header row dropped.
std::vector<std::vector<std::string>> read_csv(const std::string& path, char separator = ',');

/// Absolute path of a file under the shared data directory.
std::string shared_data(const std::string& relative);

}  // namespace nexus::screening::testing
