// The one enum <-> text table helper of the desk: the stores keep statuses, reasons and
// verdicts as text, so every name has exactly one spelling. Header-only, constexpr data.
#pragma once

#include <array>
#include <optional>
#include <string_view>
#include <utility>

namespace nexus::desk::detail {

template <class Enum, size_t N>
using EnumNames = std::array<std::pair<Enum, std::string_view>, N>;

template <class Enum, size_t N>
std::string_view name_of(const EnumNames<Enum, N>& names, Enum value) {
  for (const auto& [candidate, name] : names) {
    if (candidate == value) return name;
  }
  return "unknown";
}

template <class Enum, size_t N>
std::optional<Enum> parse_name(const EnumNames<Enum, N>& names, std::string_view text) {
  for (const auto& [candidate, name] : names) {
    if (name == text) return candidate;
  }
  return std::nullopt;
}

}  // namespace nexus::desk::detail
