// Organisation glossary: Arabic-script words of organisation names mapped to the
// English (and, where the UN list names the group in French, French) words their
// Latin names use. An organisation's Arabic name usually TRANSLATES its Latin one
// ("الجماعة الإسلامية المقاتلة الليبية" is LIBYAN ISLAMIC FIGHTING GROUP) rather
// than transliterating it, so no spelling comparison can pair the two; the
// translated form can. NameScreener screens it as an additional form of an
// Arabic-script query whose type is not a person (never in place of the original).
//
// The table is small, fixed and documented in organisation_glossary.cpp; words
// were chosen from the UN original-script entity names the screener missed.
// Pure functions of their input; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nexus::screening {

/// The English renderings of one Arabic-script word ("الجماعة", "والجهاد",
/// "للصرافة"), best first; empty when the word is not in the glossary. The article
/// (ال) and the attached prepositions (ب, ل, لل) are stripped before the lookup and
/// not rendered, the conjunction (و) is rendered "and" ("والجهاد" -> "and jihad"). Letter variants
/// are folded first (أ إ آ ٱ → ا, ة → ه, ى ی → ي, ھ ہ → ه, ک → ك; harakat and tatweel dropped), so
/// Persian and Urdu spellings find the same entry. An entry may render as nothing (Pashto "د",
/// "of"): one empty string.
std::vector<std::string> organisation_word_english(std::string_view arabic_word);

/// The query with every glossary word replaced by its English rendering (other
/// words, Arabic or not, kept as written; a word with the conjunction and the
/// article attached, "والمسلمين", written apart as "and المسلمين"; words are split
/// on whitespace). A word with several renderings gives several forms: form k takes
/// each word's k-th rendering (or its last); at most three forms, duplicates
/// dropped. Empty when no word is in the glossary. "الجماعة الإسلامية المقاتلة
/// الليبية" -> {"group islamic fighting libyan", "groupe islamique combattant
/// libyan", "الجماعة islamique combatant libyan"} (jama'a's third rendering keeps it
/// as written, for names the Latin list transliterates: JAMA'A NUSRAT UL-ISLAM).
std::vector<std::string> translate_organisation_words(std::string_view utf8_name);

}  // namespace nexus::screening
