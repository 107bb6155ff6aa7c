// What the benchmark harnesses print about their machine and their samples: the CPU, the
// load average (these machines are shared), thousands separators, nearest-rank
// percentiles, elapsed seconds, a fresh temp dir, and how a harness gives up. Header-only, plain
// functions; thread-safe.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace nexus::bench {

/// The first "model name" of /proc/cpuinfo, or "unknown".
inline std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(colon + 2);
    }
  }
  return "unknown";
}

/// The 1, 5 and 15 minute load averages of /proc/loadavg.
inline std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

/// 1234567 -> "1,234,567".
inline std::string with_commas(uint64_t value) {
  // Built forwards rather than with std::string::insert, which GCC 12 at -O2 flags with a
  // false -Wrestrict once inlined (GCC PR 105329).
  const std::string digits = std::to_string(value);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

/// p in [0, 1]; nearest-rank. Reorders `values`; 0 when empty.
template <class T>
T percentile(std::vector<T>& values, double p) {
  if (values.empty()) return T{};
  size_t rank = static_cast<size_t>(p * static_cast<double>(values.size()));
  if (rank >= values.size()) rank = values.size() - 1;
  std::nth_element(values.begin(), values.begin() + static_cast<long>(rank), values.end());
  return values[rank];
}

/// Seconds since `start` on the steady clock.
inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// Prints "<harness>: <message>" to stderr and exits 1: a harness that cannot set up.
[[noreturn]] inline void fail(const char* harness, const std::string& message) {
  std::fprintf(stderr, "%s: %s\n", harness, message.c_str());
  std::exit(1);
}

/// "<cpu model>, <n> hardware threads", for a harness's setup lines.
inline std::string machine() {
  return cpu_model() + ", " + std::to_string(std::thread::hardware_concurrency()) +
         " hardware threads";
}

/// An empty directory `<temp dir>/<prefix>-<pid>` for a harness's files (it removes it).
inline std::filesystem::path fresh_temp_dir(const std::string& prefix) {
  const auto dir =
      std::filesystem::temp_directory_path() / (prefix + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace nexus::bench
