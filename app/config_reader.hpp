// Reading a YAML config file as a user deserves: every refusal names file:line:column,
// the field, the value and what is allowed; an unknown key gets the closest known one as a
// hint, so a typo never falls back to a default in silence. Each refusal exits 2.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <map>
#include <string>
#include <type_traits>
#include <vector>

namespace nexus::app {

[[noreturn]] void config_error(const std::string& path, const YAML::Mark& mark,
                               const std::string& message);

/// Refuses keys the config does not know, with the closest known one as a hint.
void check_keys(const std::string& path, const YAML::Node& map,
                const std::vector<std::string>& allowed, const std::string& where);

template <class T>
const char* expected_kind() {
  if constexpr (std::is_same_v<T, std::string>) {
    return "a string";
  } else if constexpr (std::is_same_v<T, bool>) {
    return "true or false";
  } else if constexpr (std::is_integral_v<T>) {
    return "an integer";
  } else {
    return "a value";
  }
}

/// The node as a T (`fallback` when absent); refused when it is not one.
template <class T>
T read(const std::string& path, const YAML::Node& node, const T& fallback, const char* what) {
  if (!node) return fallback;
  try {
    return node.as<T>();
  } catch (const YAML::Exception&) {
    const std::string shown = node.IsSequence() ? "a list"
                              : node.IsMap()    ? "a map"
                                                : "'" + node.as<std::string>("") + "'";
    config_error(path, node.Mark(),
                 std::string(what) + ": " + shown + " is not a valid value (expected " +
                     expected_kind<T>() + ")");
  }
}

/// An integer setting within [low, high], refused with the field, the value and the range.
int64_t read_in_range(const std::string& path, const YAML::Node& node, int64_t fallback,
                      const char* what, int64_t low, int64_t high);

/// A duration setting such as 1h or 7d.
int64_t read_duration(const std::string& path, const YAML::Node& node, int64_t fallback,
                      const char* what);

/// A `kafka:` map of librdkafka settings, passed through as strings into `out`.
void read_kafka_settings(const std::string& path, const YAML::Node& node,
                         std::map<std::string, std::string>& out);

}  // namespace nexus::app
