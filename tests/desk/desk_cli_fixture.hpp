// For the desk's end-to-end tests: a SQLite desk holding the engine's alerts, as
// `nexus desk --alerts` stores them.
#pragma once

#include "connectors/desk_sqlite_store.hpp"

#include "desk/alert_record.hpp"
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

namespace nexus::testing {

/// Stores the alerts of `alerts_file` (what `nexus replay` wrote) in the SQLite desk at
/// `db_path`; returns how many it read.
inline size_t store_engine_alerts(const std::string& alerts_file, const std::string& db_path) {
  std::vector<desk::AlertRecord> records;
  std::ifstream in(alerts_file);
  for (std::string line; std::getline(in, line);) {
    nexus::v1::Alert alert;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(line, &alert).ok()) << line;
    records.push_back(desk::alert_record_from(alert));
  }
  connectors::SqliteDeskConfig config;
  config.path = db_path;
  auto store = connectors::open_sqlite_desk_store(config);
  EXPECT_TRUE(store) << store.error().message;
  if (store) {
    EXPECT_TRUE(store.value()->insert_batch(records));
  }
  return records.size();
}

}  // namespace nexus::testing
