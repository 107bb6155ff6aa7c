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

/// Winkler's prefix: the length of the common prefix of a and b, at most 4. O(1).
inline std::size_t jaro_winkler_prefix(std::string_view a, std::string_view b) {
  std::size_t prefix = 0;
  while (prefix < 4 && prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) {
    ++prefix;
  }
  return prefix;
}

/// The highest Jaro-Winkler of two strings of these lengths with at most `matches`
/// matching characters and this Winkler prefix (jaro_winkler_prefix): Jaro is at most
/// (m/|a| + m/|b| + 1) / 3 (no transpositions) and Jaro-Winkler grows with Jaro.
/// Computed as jaro_winkler() computes, so it is never below it in floating point
/// either. O(1).
inline double jaro_winkler_bound(std::size_t len_a, std::size_t len_b, std::size_t matches,
                                 std::size_t prefix) {
  if (len_a == 0 || len_b == 0) return len_a == len_b ? 1.0 : 0.0;
  if (matches == 0) return 0.0;
  const double m = static_cast<double>(matches);
  const double j = (m / static_cast<double>(len_a) + m / static_cast<double>(len_b) + 1.0) / 3.0;
  return j + static_cast<double>(prefix) * 0.1 * (1.0 - j);
}

}  // namespace nexus::screening
