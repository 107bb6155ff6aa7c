#include "app/screening_setup.hpp"

#include "app/common.hpp"
#include "connectors/lists/lists_snapshot.hpp"

#include <cstdio>
#include <cstdlib>

namespace nexus::app {

std::unique_ptr<lists::SnapshotScreener> make_screener_or_exit(const std::string& lists_dir) {
  if (lists_dir.empty()) return nullptr;
  auto snapshot = lists::load_lists_snapshot(lists_dir);
  if (!snapshot) {
    std::fprintf(stderr, "nexus: sanctions lists in %s: %s\n", lists_dir.c_str(),
                 snapshot.error().message.c_str());
    std::exit(2);
  }
  auto screener = lists::SnapshotScreener::create(snapshot.value());
  if (!screener) {
    std::fprintf(stderr, "nexus: %s\n", screener.error().message.c_str());
    std::exit(2);
  }
  log_json("info", "sanctions screening on",
           {{"lists_dir", lists_dir}, {"lists", snapshot.value()->versions()}});
  return std::move(screener.value());
}

}  // namespace nexus::app
