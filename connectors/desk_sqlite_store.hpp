// The desk's store on SQLite (Debian's libsqlite3): one file, WAL journal, foreign keys
// on, FTS5 for free-text search. For one desk process; several connections to the file
// (threads, `nexus desk` and a CLI) queue on the busy timeout.
#pragma once

#include "base/result.hpp"
#include "desk/desk_store.hpp"

#include <memory>
#include <string>

namespace nexus::connectors {

struct SqliteDeskConfig {
  std::string path;  // the database file; created when missing
  /// How long a writer waits for another connection's write transaction. Default: 5000.
  int busy_timeout_ms = 5000;
  /// SQLite's page cache for this connection, in MiB: the queue's indexes should fit (about
  /// 100 MiB per million alerts). Default: 256.
  int cache_mib = 256;
  /// The clock the store stamps events with. Default: the wall clock.
  desk::DeskClock clock = desk::system_desk_clock();
};

/// Opens (creating if needed) and migrates the database. Fails with
/// errc::kStoreUnavailable and SQLite's reason when the file cannot be opened or is not a
/// database, and with errc::kSchemaTooNew when a newer nexus wrote it.
Result<std::unique_ptr<desk::DeskStore>> open_sqlite_desk_store(const SqliteDeskConfig& config);

}  // namespace nexus::connectors
