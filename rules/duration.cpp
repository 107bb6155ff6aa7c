#include "rules/duration.hpp"

#include <charconv>
#include <string>

namespace nexus::rules {

std::optional<int64_t> parse_duration_ms(std::string_view text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data() || value <= 0) return std::nullopt;
  const std::string_view unit(end, static_cast<size_t>(text.data() + text.size() - end));
  int64_t scale = 0;
  if (unit == "ms") {
    scale = 1;
  } else if (unit == "s") {
    scale = 1000;
  } else if (unit == "m") {
    scale = 60'000;
  } else if (unit == "h") {
    scale = 3'600'000;
  } else if (unit == "d") {
    scale = 86'400'000;
  } else if (unit == "w") {
    scale = 7 * 86'400'000LL;
  } else {
    return std::nullopt;
  }
  // Windows beyond ten years are a typo, not a policy.
  if (value > 10 * 366 * 86'400'000LL / scale) return std::nullopt;
  return value * scale;
}

std::string format_duration(int64_t ms) {
  struct Unit {
    int64_t ms;
    const char* suffix;
  };
  static constexpr Unit kUnits[] = {
      {86'400'000, "d"}, {3'600'000, "h"}, {60'000, "m"}, {1000, "s"}};
  for (const auto& unit : kUnits) {
    // "24h" reads better than "1d"; days from two on.
    if (unit.ms == 86'400'000 && ms < 2 * unit.ms) continue;
    if (ms >= unit.ms && ms % unit.ms == 0) return std::to_string(ms / unit.ms) + unit.suffix;
  }
  return std::to_string(ms) + "ms";
}

}  // namespace nexus::rules
