// Parsing of window lengths written in rule files: "500ms", "30s", "15m", "24h", "7d".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nexus::rules {

/// Milliseconds for a duration literal, or nullopt when the text is not one.
/// Accepts a positive integer followed by one unit of ms, s, m, h, d, w.
std::optional<int64_t> parse_duration_ms(std::string_view text);

/// The shortest exact rendering of a duration, e.g. 86400000 -> "24h", 604800000 -> "7d".
std::string format_duration(int64_t ms);

}  // namespace nexus::rules
