#include "connectors/lists/detail/list_text.hpp"

#include "base/utf8.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>

namespace nexus::lists::detail {
namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int month_number(std::string_view m) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  if (m.size() < 3) return 0;
  std::string lower;
  for (char c : m.substr(0, 3))
    lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    if (lower == kMonths[i]) return static_cast<int>(i) + 1;
  }
  return 0;
}

std::string two(int v) {
  std::string s = std::to_string(v);
  return s.size() == 1 ? "0" + s : s;
}

}  // namespace

std::string trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::string iso_date_from_dmy(std::string_view raw) {
  const std::string s = trim(raw);
  if (s.size() == 10 && s[4] == '-' && all_digits(s.substr(0, 4))) return s;
  if (s.size() == 4 && all_digits(s)) return s;
  if (s.size() == 10 && s[2] == '/' && s[5] == '/') {
    const std::string_view v = s;
    const auto d = v.substr(0, 2), m = v.substr(3, 2), y = v.substr(6, 4);
    if (!all_digits(y)) return {};
    if (!all_digits(d) || !all_digits(m) || d == "00" || m == "00") return std::string(y);
    return std::string(y) + "-" + std::string(m) + "-" + std::string(d);
  }
  return {};
}

std::string iso_date_from_ofac(std::string_view raw) {
  std::string s = trim(raw);
  for (std::string_view prefix : {"circa ", "Circa ", "approximately "}) {
    if (s.starts_with(prefix)) s.erase(0, prefix.size());
  }
  std::vector<std::string> parts;
  std::string cur;
  for (char c : s) {
    if (c == ' ') {
      if (!cur.empty()) parts.push_back(std::move(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) parts.push_back(std::move(cur));
  if (parts.size() >= 3 && all_digits(parts[0]) && month_number(parts[1]) && all_digits(parts[2]) &&
      parts[2].size() == 4) {
    return parts[2] + "-" + two(month_number(parts[1])) + "-" + two(std::stoi(parts[0]));
  }
  if (parts.size() >= 2 && month_number(parts[0]) && all_digits(parts[1]) && parts[1].size() == 4) {
    return parts[1] + "-" + two(month_number(parts[0]));
  }
  if (!parts.empty() && all_digits(parts[0]) && parts[0].size() == 4) return parts[0];
  return {};
}

void add_unique(std::vector<std::string>& values, std::string value) {
  if (value.empty()) return;
  if (std::find(values.begin(), values.end(), value) == values.end()) {
    values.push_back(std::move(value));
  }
}

std::vector<std::string> split_packed_names(std::string_view text) {
  const std::size_t open = text.find('(');
  const std::size_t close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return {trim(text)};
  }
  std::vector<std::string> out;
  const std::string outer =
      trim(std::string(text.substr(0, open)) + " " + std::string(text.substr(close + 1)));
  if (!outer.empty()) out.push_back(outer);
  std::string item;
  for (char c : text.substr(open + 1, close - open - 1)) {
    if (c == ';') {
      if (!trim(item).empty()) out.push_back(trim(item));
      item.clear();
    } else {
      item.push_back(c);
    }
  }
  if (!trim(item).empty()) out.push_back(trim(item));
  return out;
}

std::size_t line_at(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + static_cast<std::size_t>(std::count(
                 text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
}

std::string windows1252_to_utf8(std::string_view bytes) {
  // Code points of 0x80..0x9F in Windows-1252 (0 = undefined, kept as U+FFFD).
  static constexpr std::array<std::uint16_t, 32> kHigh = {
      0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
      0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
      0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 8);
  for (char ch : bytes) {
    const auto b = static_cast<unsigned char>(ch);
    std::uint32_t cp = b;
    if (b >= 0x80 && b <= 0x9F) cp = kHigh[b - 0x80] ? kHigh[b - 0x80] : 0xFFFD;
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }
  return out;
}

bool is_valid_utf8(std::string_view s) { return nexus::is_valid_utf8(s); }

}  // namespace nexus::lists::detail
