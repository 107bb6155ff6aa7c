// CjkReadings: the customary Latin spellings of names written in Hangul or Han
// characters, which ICU's phonetic transliteration does not give (ICU reads 金正恩 in
// Mandarin, "jin zheng en"; the world writes Kim Jong Un).
//
// For a Hangul name: its Revised Romanization (RR, South Korea 2000), McCune-Reischauer
// (MR, breves and apostrophes dropped) and DPRK 1992 readings, computed from the jamo of
// each syllable, with the customary spellings of the surname (Lee, Park, Choi, Ri, ...).
// For a Han name: pinyin with the given name joined ("xi jinping"), Wade-Giles ("hsi
// chin-p'ing"), and, where the name may be Korean, the Korean reading of each character
// (Hanja, from Debian's libhangul-data table) romanised as above.
//
// Lifecycle: loaded once (the Hanja table, ~28,000 characters) and then immutable; any
// number of threads may call readings() at once, each with its own NameNormalizer (which
// gives the Mandarin reading of a character through ICU).
#pragma once

#include "engine/screening/list_entry.hpp"

#include "base/result.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace nexus::screening {

class NameNormalizer;

/// Where Debian's libhangul-data package puts its Hanja table (`hangul:hanja:meaning` lines).
inline constexpr std::string_view kDefaultHanjaPath = "/usr/share/libhangul/hanja/hanja.txt";

/// The romanisations of Korean this module writes.
enum class KoreanRomanization {
  kRevised,           // Revised Romanization of Korean (2000): 김정은 "gim jeong eun"
  kMcCuneReischauer,  // McCune-Reischauer without breves or apostrophes: "kim chong un"
  kDprk,              // DPRK 1992 (as the UN list writes it): "kim jong un"
  /// What passports and the press write: MR consonants, ㅓ u, ㅕ yu (영 young), ㅢ ee
  /// after a consonant: 정희 "chung hee", 명박 "myung bak".
  kCustomary,
};

/// One Hangul word (a run of syllables U+AC00-U+D7A3) in the given system, one Latin
/// syllable per Hangul syllable, space-separated; other code points are skipped. The
/// first syllable begins the word (MR and DPRK write k/t/p/ch there, and voiced g/d/b/j
/// after a vowel or a nasal/liquid inside it). Pure; thread-safe.
std::string romanize_hangul(std::u32string_view syllables, KoreanRomanization system);

/// The customary spellings of a Korean surname syllable ("Lee", "Rhee", "Yi", "Ri" for 이),
/// lower case, most usual first; empty for a syllable that is not a common surname.
const std::vector<std::string_view>& korean_surname_spellings(char32_t syllable);

/// How common a surname syllable is: 0 for 김 (the most common), rising; -1 when not in
/// the table. Picks the surname reading of a Hanja with several (金: 김, not 금).
int korean_surname_rank(char32_t syllable);

/// One toneless pinyin syllable ("zhou", "lu" for lü) in Wade-Giles with its apostrophes
/// ("chou", "ch'in", "hsi", "tzu"); the syllable itself when it is not pinyin. Pure.
std::string pinyin_to_wade_giles(std::string_view syllable);

class CjkReadings {
 public:
  /// Reads the Hanja table of libhangul-data (single-character lines). Errors: "hanja"
  /// when the file cannot be read or holds no entry (install the Debian package
  /// libhangul-data). Cost: ~30 ms (a 6 MB file).
  static Result<CjkReadings> load(std::string_view hanja_path = kDefaultHanjaPath);
  /// Without a Hanja table: Hangul names and the Mandarin readings of Han names still
  /// work; Han names get no Korean reading (the documented fallback when the file is missing).
  CjkReadings() = default;

  bool has_hanja() const { return !hanja_.empty(); }
  std::size_t hanja_count() const { return hanja_.size(); }

  /// The Korean readings (Hangul syllables) of one Han character, the table's order;
  /// a simplified character reads as its traditional form (铁 as 鐵: 철, through the
  /// normaliser's ICU Simplified-Traditional). Null when unknown.
  const std::vector<char32_t>* hanja_readings(char32_t han, NameNormalizer& normalizer) const;

  /// A Han name in Hangul by the first reading of each character (the surname by its
  /// most common surname reading, 金 김 rather than 금); other characters kept.
  std::string hanja_to_hangul(std::string_view utf8_name, NameNormalizer& normalizer) const;

  /// Latin readings of the Han and Hangul words of utf8_name (Latin words in it are
  /// ignored: "Jin Tiesan (金铁三)" is read from 金铁三), at most max_readings, each a
  /// whole name ("kim jong un"), without duplicates. Empty when the name holds no Han or
  /// Hangul. `korean`: read Han characters as Korean too (a Korean-programme entry, a
  /// Korean party); they are also read so when the name's first character reads as a
  /// Korean surname. Never throws; cost ~10 us per character on first sight (ICU), then
  /// table look-ups.
  std::vector<std::string> readings(std::string_view utf8_name, NameNormalizer& normalizer,
                                    bool korean, std::size_t max_readings = 24) const;

 private:
  std::unordered_map<char32_t, std::vector<char32_t>> hanja_;
};

/// Whether an entry's Han names may be Korean: a DPRK programme (UN KPi./KPe. references,
/// OFAC DPRK, DPRK2-4, NKSPEA) or a Korean country. Pure.
bool is_korean_entry(const ListEntry& entry);

/// Whether text may hold Han or Hangul (a UTF-8 lead byte of U+3000-U+DFFF): a byte scan,
/// so that Latin names pay nothing for the readings.
bool may_hold_cjk(std::string_view utf8_text);

}  // namespace nexus::screening
