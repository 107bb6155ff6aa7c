// Jaro-Winkler similarity over bytes (names are ASCII after normalisation).
// Pure function; thread-safe; no allocation for inputs up to 64 bytes.
#pragma once

#include <cstddef>
#include <string_view>

namespace nexus::screening {

/// Jaro similarity in 0..1; 1 for two empty strings. Cost: O(|a| * |b|) worst case.
double jaro(std::string_view a, std::string_view b);

/// Jaro-Winkler (Winkler 1990): jaro + l * 0.1 * (1 - jaro), l = common prefix up to 4.
double jaro_winkler(std::string_view a, std::string_view b);

/// The highest Jaro-Winkler two strings of these lengths can reach: lets callers
/// skip pairs that cannot pass a floor. O(1).
inline double jaro_winkler_upper_bound(std::size_t len_a, std::size_t len_b) {
  if (len_a == 0 || len_b == 0) return len_a == len_b ? 1.0 : 0.0;
  const double m = static_cast<double>(len_a < len_b ? len_a : len_b);
  const double j = (m / static_cast<double>(len_a) + m / static_cast<double>(len_b) + 1.0) / 3.0;
  return j + 0.4 * (1.0 - j);
}

}  // namespace nexus::screening
