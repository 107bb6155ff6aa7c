// The desk's store on PostgreSQL (libpq): for a desk that outgrows one file, or several
// desk processes over one database. Full-text search on a generated tsvector column with a
// GIN index. Cases of one subject are grouped under a transaction-scoped advisory lock.
#pragma once

#include "base/result.hpp"
#include "desk/desk_store.hpp"

#include <memory>
#include <string>

namespace nexus::connectors {

struct PostgresDeskConfig {
  /// A libpq connection string, e.g. "host=127.0.0.1 port=15432 dbname=nexus user=nexus".
  std::string conninfo;
  /// The clock the store stamps events with. Default: the wall clock.
  desk::DeskClock clock = desk::system_desk_clock();
};

/// Connects and migrates. Fails with errc::kStoreUnavailable and libpq's reason when the
/// server cannot be reached or refuses the login, and with errc::kSchemaTooNew when a
/// newer nexus wrote the database.
Result<std::unique_ptr<desk::DeskStore>> open_postgres_desk_store(const PostgresDeskConfig& config);

}  // namespace nexus::connectors
