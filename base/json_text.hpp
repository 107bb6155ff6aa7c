// JSON text that survives any bytes: nlohmann::json::dump throws on invalid UTF-8, which
// aborted a running engine while it logged a refused rule file. Every dump goes through here,
// and an ill-formed byte comes out as U+FFFD.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace nexus {

inline std::string json_text(const nlohmann::json& value, int indent = -1) {
  return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace nexus
