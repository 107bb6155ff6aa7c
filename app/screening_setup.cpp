#include "app/screening_setup.hpp"

#include "app/common.hpp"
#include "connectors/lists/index_loader.hpp"
#include "engine/screening/name_screener.hpp"

#include <cstdio>
#include <cstdlib>

namespace nexus::app {

std::unique_ptr<engine::Screener> make_screener_or_exit(const std::string& lists_dir) {
  if (lists_dir.empty()) return nullptr;
  auto index = lists::load_screening_index(lists_dir);
  if (!index) {
    std::fprintf(stderr, "nexus: sanctions lists in %s: %s\n", lists_dir.c_str(),
                 index.error().message.c_str());
    std::exit(2);
  }
  auto screener = screening::NameScreener::create(index.value());
  if (!screener) {
    std::fprintf(stderr, "nexus: %s\n", screener.error().message.c_str());
    std::exit(2);
  }
  log_json("info", "sanctions screening on", {{"lists_dir", lists_dir}});
  return std::move(screener.value());
}

}  // namespace nexus::app
