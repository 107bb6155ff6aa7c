#include "app/config_reader.hpp"

#include "rules/duration.hpp"
#include "rules/field_catalog.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace nexus::app {

void config_error(const std::string& path, const YAML::Mark& mark, const std::string& message) {
  std::fprintf(stderr, "nexus: %s:%d:%d: %s\n", path.c_str(), mark.line + 1, mark.column + 1,
               message.c_str());
  std::exit(2);
}

/// Refuses keys the config does not know, with the closest known one as a hint: a typo
/// must not silently fall back to a default.
void check_keys(const std::string& path, const YAML::Node& map,
                const std::vector<std::string>& allowed, const std::string& where) {
  if (!map.IsMap()) config_error(path, map.Mark(), where + " must be a map");
  for (const auto& pair : map) {
    const std::string key = pair.first.as<std::string>();
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string hint, all;
    size_t best = 4;
    for (const auto& candidate : allowed) {
      all += (all.empty() ? "" : ", ") + candidate;
      const size_t distance = rules::edit_distance(key, candidate);
      if (distance < best) {
        best = distance;
        hint = candidate;
      }
    }
    config_error(
        path, pair.first.Mark(),
        "unknown key '" + key + "'" +
            (hint.empty() ? " (allowed: " + all + ")" : " (did you mean '" + hint + "'?)"));
  }
}

/// An integer setting within [low, high], refused with the field, the value and the range.
int64_t read_in_range(const std::string& path, const YAML::Node& node, int64_t fallback,
                      const char* what, int64_t low, int64_t high) {
  if (!node) return fallback;
  const auto value = read<int64_t>(path, node, fallback, what);
  if (value < low || value > high) {
    config_error(path, node.Mark(),
                 std::string(what) + ": " + std::to_string(value) + " is out of range (allowed " +
                     std::to_string(low) + " to " + std::to_string(high) + ")");
  }
  return value;
}

/// A duration setting such as 1h or 7d.
int64_t read_duration(const std::string& path, const YAML::Node& node, int64_t fallback,
                      const char* what) {
  if (!node) return fallback;
  const auto text = read<std::string>(path, node, "", what);
  const auto ms = rules::parse_duration_ms(text);
  if (!ms || *ms < 0) {
    config_error(path, node.Mark(),
                 std::string(what) + ": '" + text + "' is not a duration such as 30m, 1h or 7d");
  }
  return *ms;
}

void read_kafka_settings(const std::string& path, const YAML::Node& node,
                         std::map<std::string, std::string>& out) {
  if (!node) return;
  if (!node.IsMap()) config_error(path, node.Mark(), "kafka must be a map of librdkafka settings");
  for (const auto& pair : node) {
    out[pair.first.as<std::string>()] = read<std::string>(path, pair.second, "", "kafka");
  }
}

}  // namespace nexus::app
