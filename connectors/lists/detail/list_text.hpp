// Small text helpers shared by the list loaders: trimming, date forms seen in the
// lists, de-duplicated appends, and error messages with line numbers. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace nexus::lists::detail {

std::string trim(std::string_view s);

/// "12/11/1967" -> "1967-11-12"; "dd/mm/1968", "00/00/1980" -> "1968"/"1980";
/// "1965" -> "1965"; "1937-04-28" kept; anything else -> "".
std::string iso_date_from_dmy(std::string_view s);

/// OFAC remark dates: "10 Dec 1948" -> "1948-12-10", "Dec 1948" -> "1948-12",
/// "circa 1950" / "1948 to 1950" -> "1950" / "1948"; else "".
std::string iso_date_from_ofac(std::string_view s);

/// Appends value unless empty or already present.
void add_unique(std::vector<std::string>& values, std::string value);

/// Splits a published name that packs several into one field, as the UN list
/// does: "جبهة النصرة (the Victory Front; Jabhat al-Nusrah)" -> the outer name and
/// each ';'-separated name in the parentheses; "HAQQANI NETWORK (HQN)" -> the name
/// and the acronym. Text without parentheses comes back as the only element.
std::vector<std::string> split_packed_names(std::string_view text);

/// 1-based line number of byte offset in text.
std::size_t line_at(std::string_view text, std::size_t offset);

/// Windows-1252 bytes to UTF-8 (0x80-0x9F per the code page; others as Latin-1).
std::string windows1252_to_utf8(std::string_view bytes);

/// True when the bytes are valid UTF-8.
bool is_valid_utf8(std::string_view bytes);

}  // namespace nexus::lists::detail
