// JSON text that survives any bytes: nlohmann::json::dump throws on invalid UTF-8, which
// aborted a running engine while it logged a refused rule file. Every dump goes through here,
// and an ill-formed byte comes out as U+FFFD.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace nexus {

inline std::string json_text(const nlohmann::json& value, int indent = -1) {
  return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

/// Whether JSON text nests arrays and objects deeper than `limit` (strings skipped). Check
/// untrusted text before parsing it: nlohmann::json parses and frees nested values
/// recursively, so a body of a few hundred thousand '[' would overflow the stack. O(size),
/// no allocation.
inline bool json_nests_deeper_than(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

}  // namespace nexus
