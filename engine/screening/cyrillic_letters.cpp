#include "engine/screening/cyrillic_letters.hpp"

namespace nexus::screening {
namespace {

// U+0430-U+044F: а б в г д е ж з и й к л м н о п р с т у ф х ц ч ш щ ъ ы ь э ю я
constexpr std::string_view kBasic[32] = {
    "a", "b", "v", "g", "d", "e", "zh", "z",  "i",  "j",    "k", "l", "m", "n", "o", "p",
    "r", "s", "t", "u", "f", "h", "c",  "ch", "sh", "shch", "",  "y", "",  "e", "u", "a"};
// U+0450-U+045F: ѐ ё ђ ѓ є ѕ і ї ј љ њ ћ ќ ѝ ў џ (Serbian, Macedonian, Ukrainian,
// Belarusian), as ICU reads them.
constexpr std::string_view kExtended[16] = {"e", "e", "d", "g", "e", "z", "i", "i",
                                            "j", "l", "n", "c", "k", "i", "u", "d"};

}  // namespace

const std::string_view* cyrillic_letter(char32_t cp) {
  if (cp >= 0x0430 && cp <= 0x044F) return &kBasic[cp - 0x0430];
  if (cp >= 0x0410 && cp <= 0x042F) return &kBasic[cp - 0x0410];
  if (cp >= 0x0450 && cp <= 0x045F) return &kExtended[cp - 0x0450];
  if (cp >= 0x0400 && cp <= 0x040F) return &kExtended[cp - 0x0400];
  return nullptr;
}

}  // namespace nexus::screening
