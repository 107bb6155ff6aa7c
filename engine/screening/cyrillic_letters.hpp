// Cyrillic letters to Latin. ICU's Cyrillic-Latin is ISO 9, whose hushing
// sibilants lose their hook once diacritics are stripped (ч c, ж z, ш s, щ s):
// "Чатаев" would read "cataev", not the CHATAEV of the lists. These four are read
// as English-language lists write them (BGN/PCGN: ch, zh, sh, shch); every other
// letter as ICU reads it, because a Latin name written letter for letter in
// Cyrillic ("Хассан", "Эрик") must still read back (х h, ц c, й j, ю u, я a).
// Pure function over a constant table; thread-safe.
#pragma once

#include <string_view>

namespace nexus::screening {

/// Lower-case ASCII for a Cyrillic letter U+0400-U+045F (either case); null for
/// any other code point. Hard and soft signs give "".
const std::string_view* cyrillic_letter(char32_t cp);

}  // namespace nexus::screening
