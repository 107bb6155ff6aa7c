// Arabic-script letters (Arabic, Persian, Urdu, Pashto) to Latin, without ICU.
//
// ICU's Arabic-Latin folds distinct letters onto one Latin letter once its
// diacritics are stripped (dad and dal both become "d", zah and zain "z") and
// drops several Persian/Urdu letters (heh goal, heh doachashmee, yeh barree,
// tteh, ddal, rreh). A name written in Arabic script is therefore read here by a
// fixed table that gives, per letter, the Latin text ICU would give (so skeletons
// and index keys stay as they were) and a one-character letter code that keeps
// the letters apart. The codes feed abjad_alignment.hpp, which knows how each
// letter is customarily spelt in Latin (dad: d, dh, z; qaf: q, k, g, gh; ...).
//
// Pure functions over a constant table; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace nexus::screening {

/// One code point's reading: Latin text (ASCII lower case, possibly empty) and
/// letter codes (possibly empty, see arabic_letters.cpp for the alphabet).
struct ArabicLetter {
  std::string_view latin;
  std::string_view code;
};

/// The reading of cp when it is an Arabic-script letter, mark, digit or
/// punctuation in the table (U+0600-U+06FF); null otherwise. Presentation forms
/// are not in the table: NFKC them first.
const ArabicLetter* arabic_letter(char32_t cp);

/// Whether cp is an Arabic presentation form (U+FB50-U+FDFF, U+FE70-U+FEFF).
bool is_arabic_presentation_form(char32_t cp);

}  // namespace nexus::screening
