// Portable randomness for the generator: splitmix64 and integer-only
// distributions, so that a seed gives the same bytes on every machine and
// compiler (std::*_distribution and libm results are implementation-defined).
// Not thread-safe; one Rng per stream.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace nexus::generator::detail {

/// Mixes a seed with a stream number into an independent seed (splitmix64 finaliser).
constexpr uint64_t mix_seed(uint64_t seed, uint64_t stream) {
  uint64_t z = seed ^ (stream * 0xD1B54A32D192ED03ULL + 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/// 2^(k/256) for k in [0, 256), Q30 fixed point, built by integer multiplication
/// only (error < 1e-6 relative, far below a cent's worth of shape).
constexpr std::array<uint64_t, 256> make_pow2_table() {
  constexpr uint64_t kTwoPowOneOver256Q30 = 1'076'653'033;  // round(2^(1/256) * 2^30)
  std::array<uint64_t, 256> table{};
  uint64_t value = uint64_t{1} << 30;
  for (auto& entry : table) {
    entry = value;
    value = (value * kTwoPowOneOver256Q30 + (uint64_t{1} << 29)) >> 30;
  }
  return table;
}
inline constexpr std::array<uint64_t, 256> kPow2Q30 = make_pow2_table();

/// splitmix64 stream with small integer distributions on top.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}

  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  /// Uniform in [0, n); n > 0. Modulo bias < n / 2^64, irrelevant here.
  uint64_t below(uint64_t n) { return next() % n; }

  /// Uniform in [lo, hi], inclusive; lo <= hi.
  int64_t between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(below(static_cast<uint64_t>(hi - lo) + 1));
  }

  /// True with probability permille / 1000.
  bool chance_permille(uint32_t permille) { return below(1000) < permille; }

  /// Approximately standard normal in Q8 (sd = 256): Irwin-Hall sum of twelve
  /// 16-bit uniforms, so tails stop at +-6 sd.
  int64_t normal_q8() {
    int64_t sum = 0;
    for (int i = 0; i < 3; ++i) {
      const uint64_t r = next();
      sum += static_cast<int64_t>(r & 0xFFFF) + static_cast<int64_t>((r >> 16) & 0xFFFF) +
             static_cast<int64_t>((r >> 32) & 0xFFFF) + static_cast<int64_t>(r >> 48);
    }
    return (sum - 6 * 65536) / 256;
  }

  /// Log-normal-like amount: median * 2^(sigma * Z), with sigma in log2 units Q8
  /// (256 = a factor of 2 per standard deviation). At least 1.
  int64_t log_normal(int64_t median, int64_t sigma_log2_q8) {
    const int64_t exponent_q8 = normal_q8() * sigma_log2_q8 / 256;
    const int64_t whole = exponent_q8 >= 0 ? exponent_q8 / 256 : -((-exponent_q8 + 255) / 256);
    const int64_t frac = exponent_q8 - whole * 256;
    int64_t value = static_cast<int64_t>(
        (static_cast<uint64_t>(median) * kPow2Q30[static_cast<std::size_t>(frac)]) >> 30);
    if (whole >= 0) {
      value <<= (whole > 20 ? 20 : whole);
    } else {
      value >>= (-whole > 62 ? 62 : -whole);
    }
    return value < 1 ? 1 : value;
  }

 private:
  uint64_t state_;
};

}  // namespace nexus::generator::detail
