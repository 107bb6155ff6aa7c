#include "desk/alert_query.hpp"

#include <charconv>
#include <vector>

namespace nexus::desk {

namespace {

constexpr std::string_view kHex = "0123456789abcdef";

Error bad_cursor(std::string_view why) {
  return make_error(std::string(errc::kBadCursor), "invalid page cursor: " + std::string(why));
}

std::vector<std::string_view> split(std::string_view text, char separator, size_t parts) {
  std::vector<std::string_view> out;
  while (out.size() + 1 < parts) {
    const auto at = text.find(separator);
    if (at == std::string_view::npos) break;
    out.push_back(text.substr(0, at));
    text.remove_prefix(at + 1);
  }
  out.push_back(text);
  return out;
}

template <class T>
bool parse_number(std::string_view text, T* value) {
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, *value);
  return ec == std::errc() && ptr == end && !text.empty();
}

}  // namespace

std::string encode_cursor(const CursorPosition& position) {
  char key[64];
  const auto [end, ec] =
      position.sort.field == SortField::kScore
          ? std::to_chars(key, key + sizeof key, position.score_key)  // shortest exact form
          : std::to_chars(key, key + sizeof key, position.int_key);
  (void)ec;  // 64 bytes hold any double or int64
  std::string plain = "1:" + std::to_string(static_cast<int>(position.sort.field)) + ":" +
                      (position.sort.descending ? "d" : "a") + ":" + std::string(key, end) + ":" +
                      std::to_string(position.seq);
  std::string hex;
  hex.reserve(plain.size() * 2);
  for (const char c : plain) {
    hex.push_back(kHex[static_cast<unsigned char>(c) >> 4]);
    hex.push_back(kHex[static_cast<unsigned char>(c) & 15]);
  }
  return hex;
}

Result<CursorPosition> decode_cursor(std::string_view cursor, const AlertSort& sort) {
  if (cursor.size() % 2 != 0) return bad_cursor("odd length");
  std::string plain;
  plain.reserve(cursor.size() / 2);
  for (size_t i = 0; i < cursor.size(); i += 2) {
    const auto high = kHex.find(cursor[i]);
    const auto low = kHex.find(cursor[i + 1]);
    if (high == std::string_view::npos || low == std::string_view::npos) {
      return bad_cursor("not hex");
    }
    plain.push_back(static_cast<char>(high * 16 + low));
  }
  const auto parts = split(plain, ':', 5);
  if (parts.size() != 5 || parts[0] != "1") return bad_cursor("unknown format");
  int field = -1;
  if (!parse_number(parts[1], &field) || field != static_cast<int>(sort.field) ||
      parts[2] != (sort.descending ? "d" : "a")) {
    return bad_cursor("it belongs to another sort order");
  }
  CursorPosition position;
  position.sort = sort;
  const bool parsed = sort.field == SortField::kScore ? parse_number(parts[3], &position.score_key)
                                                      : parse_number(parts[3], &position.int_key);
  if (!parsed) return bad_cursor("bad sort key");
  if (!parse_number(parts[4], &position.seq)) return bad_cursor("bad position");
  return position;
}

}  // namespace nexus::desk
