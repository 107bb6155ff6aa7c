#include "engine/screening/jaro_winkler.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <vector>

namespace nexus::screening {
namespace {

// Jaro for |a|, |b| <= 64, bit-parallel: for each character, a mask of where it
// occurs in b, so finding a[i]'s first unmatched equal character of b inside the
// window is a mask and a count-trailing-zeros instead of a scan. Same matches,
// same order as the textbook scan (the first free position in the window).
double jaro_small(std::string_view a, std::string_view b) {
  const std::size_t window = std::max<std::size_t>(std::max(a.size(), b.size()) / 2, 1) - 1;
  std::uint64_t occurs[256];
  for (char c : a) occurs[static_cast<unsigned char>(c)] = 0;
  for (char c : b) occurs[static_cast<unsigned char>(c)] = 0;
  for (std::size_t j = 0; j < b.size(); ++j) {
    occurs[static_cast<unsigned char>(b[j])] |= std::uint64_t{1} << j;
  }
  auto below = [](std::size_t n) {  // bits 0..n-1
    return n >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1;
  };
  std::uint64_t b_used = 0;
  std::uint64_t a_used = 0;
  std::size_t matches = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::size_t lo = i > window ? i - window : 0;
    const std::size_t hi = std::min(i + window + 1, b.size());
    if (lo >= hi) continue;
    const std::uint64_t free_in_window =
        occurs[static_cast<unsigned char>(a[i])] & below(hi) & ~below(lo) & ~b_used;
    if (free_in_window == 0) continue;
    b_used |= free_in_window & (~free_in_window + 1);  // lowest set bit
    a_used |= std::uint64_t{1} << i;
    ++matches;
  }
  if (matches == 0) return 0.0;
  std::size_t transpositions = 0;
  std::uint64_t pa = a_used;
  std::uint64_t pb = b_used;
  while (pa != 0) {
    const int i = std::countr_zero(pa);
    const int j = std::countr_zero(pb);
    if (a[static_cast<std::size_t>(i)] != b[static_cast<std::size_t>(j)]) ++transpositions;
    pa &= pa - 1;
    pb &= pb - 1;
  }
  const double m = static_cast<double>(matches);
  return (m / static_cast<double>(a.size()) + m / static_cast<double>(b.size()) +
          (m - static_cast<double>(transpositions) / 2.0) / m) /
         3.0;
}

double jaro_large(std::string_view a, std::string_view b) {
  const std::size_t window = std::max<std::size_t>(std::max(a.size(), b.size()) / 2, 1) - 1;
  std::vector<bool> a_used(a.size(), false);
  std::vector<bool> b_used(b.size(), false);
  std::size_t matches = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::size_t lo = i > window ? i - window : 0;
    const std::size_t hi = std::min(i + window + 1, b.size());
    for (std::size_t j = lo; j < hi; ++j) {
      if (b_used[j] || a[i] != b[j]) continue;
      a_used[i] = b_used[j] = true;
      ++matches;
      break;
    }
  }
  if (matches == 0) return 0.0;
  std::size_t transpositions = 0;
  std::size_t k = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!a_used[i]) continue;
    while (!b_used[k]) ++k;
    if (a[i] != b[k]) ++transpositions;
    ++k;
  }
  const double m = static_cast<double>(matches);
  return (m / static_cast<double>(a.size()) + m / static_cast<double>(b.size()) +
          (m - static_cast<double>(transpositions) / 2.0) / m) /
         3.0;
}

}  // namespace

double jaro(std::string_view a, std::string_view b) {
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  if (a == b) return 1.0;
  return a.size() <= 64 && b.size() <= 64 ? jaro_small(a, b) : jaro_large(a, b);
}

double jaro_winkler(std::string_view a, std::string_view b) {
  const double j = jaro(a, b);
  const std::size_t prefix = jaro_winkler_prefix(a, b);
  return j + static_cast<double>(prefix) * 0.1 * (1.0 - j);
}

}  // namespace nexus::screening
