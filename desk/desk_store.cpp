#include "desk/desk_store.hpp"

#include <chrono>

namespace nexus::desk {

DeskClock system_desk_clock() {
  return [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
}

}  // namespace nexus::desk
