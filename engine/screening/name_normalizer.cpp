#include "engine/screening/name_normalizer.hpp"

#include "engine/screening/abjad_alignment.hpp"
#include "engine/screening/arabic_letters.hpp"
#include "engine/screening/cyrillic_letters.hpp"
#include "engine/screening/name_particles.hpp"
#include "engine/screening/phonetic_key.hpp"
#include "engine/screening/utf8.hpp"

#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>
#include <unicode/utypes.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <unordered_map>

namespace nexus::screening {

struct NameNormalizer::Impl {
  std::unique_ptr<icu::Transliterator> transliterator;
  /// Per code point, what the transliterator gives for it alone, for the scripts
  /// where that is what it gives in context too (see is_context_free). Filled on
  /// first sight of each code point: bounded by those scripts' size, and the same
  /// answer whenever it is filled, so results do not depend on what came before.
  std::unordered_map<char32_t, std::string> folded_code_points;
  /// Per script (UScriptCode), built on first use: "NFKC; <Script>-Latin" and
  /// "<Script>-Latin" alone, for text already in NFKC (most names: the NFKC pass was
  /// 45% of the transliteration's cost, and on NFKC text it changes nothing). Null
  /// when ICU has none for the script.
  struct ScriptTransliterators {
    std::unique_ptr<icu::Transliterator> with_nfkc;
    std::unique_ptr<icu::Transliterator> without_nfkc;
  };
  std::unordered_map<int, ScriptTransliterators> script_transliterators;
  /// Simplified-Traditional, built on the first traditional_han call (null if ICU has none).
  std::unique_ptr<icu::Transliterator> to_traditional;
  bool to_traditional_tried = false;
};

namespace {

// NFKC first (ligatures, full-width forms, Roman numerals), then any script to
// Latin, then diacritics off, then the Latin-ASCII fallbacks (ß -> ss, ø -> o).
constexpr const char* kTransliteratorId =
    "NFKC; Any-Latin; NFD; [:Nonspacing Mark:] Remove; NFC; Latin-ASCII; Any-Lower";

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

bool is_abjad(char32_t cp) {
  return (cp >= 0x0590 && cp <= 0x05FF) ||  // Hebrew
         (cp >= 0x0600 && cp <= 0x06FF) ||  // Arabic
         (cp >= 0x0750 && cp <= 0x077F) ||  // Arabic supplement
         (cp >= 0xFB1D && cp <= 0xFDFF) ||  // Hebrew/Arabic presentation forms A
         (cp >= 0xFE70 && cp <= 0xFEFF);    // Arabic presentation forms B
}

// Scripts whose ICU transliteration is one code point at a time (no context
// rules): Latin with diacritics (NFD, marks off, Latin-ASCII), combining marks,
// Cyrillic (ISO 9 style, letter by letter), Han (one Mandarin reading per
// character) and Hangul syllables, general punctuation and full-width forms.
// Names in these scripts are folded from a per-code-point table instead of
// running the transliterator over the whole string (5-50 us a name). The unit
// test FastPathsAgreeWithIcu checks the equivalence on the shared name sets.
bool is_context_free(char32_t cp) {
  return (cp >= 0x00A0 && cp <= 0x024F) ||  // Latin-1 supplement, Latin extended A/B
         (cp >= 0x0300 && cp <= 0x036F) ||  // combining diacritical marks
         (cp >= 0x0400 && cp <= 0x045F) ||  // basic Cyrillic (own table: cyrillic_letters.hpp)
         (cp >= 0x1E00 && cp <= 0x1EFF) ||  // Latin extended additional
         (cp >= 0x2000 && cp <= 0x206F) ||  // general punctuation
         (cp >= 0x3400 && cp <= 0x4DBF) ||  // CJK extension A
         (cp >= 0x4E00 && cp <= 0x9FFF) ||  // CJK unified ideographs
         (cp >= 0xAC00 && cp <= 0xD7A3) ||  // Hangul syllables
         (cp >= 0xFF01 && cp <= 0xFF5E);    // full-width ASCII
}

bool is_han(char32_t cp) {
  return (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF);
}

// Apostrophes and the ayn/hamza letters ICU leaves as modifier letters join the
// token ("Qa'ida" -> "qaida", "ʿbd" -> "bd") instead of splitting it.
bool is_joining_mark(char32_t cp) {
  return cp == '\'' || cp == '`' || cp == 0x2018 || cp == 0x2019 || cp == 0x02BC || cp == 0x02BE ||
         cp == 0x02BF || cp == 0x00B4 || cp == 0x02B9 || cp == 0x02BB;
}

bool one_of(std::string_view w, std::initializer_list<std::string_view> set) {
  for (auto s : set) {
    if (w == s) return true;
  }
  return false;
}

// One word before it becomes a token: its ASCII text and, for Arabic-script
// words, its letter codes (NameToken::abjad).
struct Word {
  std::string text;
  std::string code;
};

// Generic words of Arabic-script organisation names that their Latin names
// translate or drop ("tanzim" organisation, "maktab" office, "shabaka" network,
// "sharika" company, "mu'assasa" foundation, "munazzama" organisation, "lil-sirafa"
// for exchange): weighed as legal forms, so they neither make nor break a match.
bool is_abjad_generic_word(std::string_view w) {
  return one_of(w, {"tnzym", "mktb", "shbkh", "shrkh", "mwssh", "mnzmh", "llsrafh", "llsyrafh",
                    "lltjarh", "shbkt", "shrkt", "lmtd", "kmpny", "grwp", "mjmwh"});
}

// The article as it stands inside a joined compound, in letter codes: "L" (see
// abjad_alignment.cpp). "al" is alif + lam.
std::string article_code(const std::string& code) { return code == "al" ? "L" : code; }

// Arabic theophoric compounds are written as one word or several ("Abd al-Rahman",
// "Abdul Rahman", "Abdurrahman"; "Atiq Allah", "Atiqullah"; "Nur al-Din",
// "Noureddine"), so they are joined into one token before comparison:
// "abd"+["al"]+next, previous+"allah", previous+"al"+"din". Returns whether
// anything was merged.
bool merge_compounds(std::vector<Word>& words) {
  std::vector<Word> out;
  bool merged_any = false;
  auto join_code = [](std::string& into, const std::string& code, bool both_coded) {
    if (both_coded) {
      into += code;
    } else {
      into.clear();
    }
  };
  for (std::size_t i = 0; i < words.size(); ++i) {
    const Word& w = words[i];
    // "Abu Bakr" is also written "Abubakar", "Abu Hamza" "Abuhamza".
    const bool abd = one_of(w.text, {"abd", "abdul", "abdel", "abdal", "abdol", "abdoul", "abdu",
                                     "abdur", "abdus", "abdil", "bd", "abu", "abw", "abou"});
    if (abd && i + 1 < words.size()) {
      Word merged = w;
      bool coded = !w.code.empty();
      std::size_t j = i + 1;
      if (one_of(words[j].text,
                 {"al", "el", "ul", "ar", "ur", "as", "us", "ad", "an", "ash", "az"}) &&
          j + 1 < words.size()) {
        merged.text += words[j].text;
        coded = coded && !words[j].code.empty();
        join_code(merged.code, article_code(words[j].code), coded);
        ++j;
      }
      merged.text += words[j].text;
      coded = coded && !words[j].code.empty();
      join_code(merged.code, words[j].code, coded);
      out.push_back(std::move(merged));
      merged_any = true;
      i = j;
      continue;
    }
    if (!out.empty() && one_of(w.text, {"allah", "ullah", "ulla", "allh", "alla", "ollah", "illah",
                                        "ulah", "olla"})) {
      Word& prev = out.back();
      prev.text += w.text;
      // Arabic "allh" is alif, lam, lam, heh: the first two are the article.
      const bool coded = !prev.code.empty() && !w.code.empty();
      join_code(prev.code, w.code.starts_with("al") ? "L" + w.code.substr(2) : w.code, coded);
      merged_any = true;
      continue;
    }
    if (!out.empty() && i + 1 < words.size() &&
        one_of(w.text, {"al", "ad", "ud", "ed", "el", "ur", "ar", "er", "ul"}) &&
        one_of(words[i + 1].text,
               {"din", "dyn", "deen", "dine", "rhmn", "rhman", "rahman", "rehman"})) {
      Word& prev = out.back();
      const bool coded = !prev.code.empty() && !w.code.empty() && !words[i + 1].code.empty();
      prev.text += w.text + words[i + 1].text;
      join_code(prev.code, article_code(w.code) + words[i + 1].code, coded);
      merged_any = true;
      ++i;
      continue;
    }
    out.push_back(w);
  }
  words = std::move(out);
  return merged_any;
}

// Whether merge_compounds could merge anything (saves copying the words when not).
bool may_merge_compounds(const std::vector<Word>& words) {
  for (const Word& w : words) {
    const std::string_view t = w.text;
    if (t.starts_with("ab") || t == "bd" || t.ends_with("lla") || t.ends_with("llah") ||
        t.ends_with("llh") || t.ends_with("ulah") || t == "din" || t == "dyn" || t == "deen" ||
        t == "dine" || t.starts_with("r")) {
      return true;
    }
  }
  return false;
}

NameToken make_token(Word word, bool abjad_source) {
  NameToken token;
  token.role = classify_token(word.text);
  if (abjad_source && token.role == TokenRole::kName && is_abjad_generic_word(word.text)) {
    token.role = TokenRole::kLegalForm;
  }
  token.glues_to_next = token.role == TokenRole::kParticle && glues_to_next_word(word.text);
  token.skeleton = phonetic_key(word.text);
  // One pass over the letters (each query is tokenised once, so this is per-query cost).
  auto bit = [](char c) { return std::uint32_t{1} << (c - 'a'); };
  const std::uint32_t vowels = bit('a') | bit('e') | bit('i') | bit('o') | bit('u');
  const std::uint32_t not_consonants = vowels | bit('y') | bit('w');  // NameToken::consonants
  token.consonants.reserve(word.text.size());
  std::array<std::uint8_t, 36> counts{};
  for (char c : word.text) {
    const bool letter = c >= 'a' && c <= 'z';
    if (!letter || (bit(c) & not_consonants) == 0) token.consonants.push_back(c);
    if (letter && (bit(c) & vowels) == 0) token.consonant_letters |= bit(c);
    const int slot = letter ? c - 'a' : (c >= '0' && c <= '9' ? 26 + (c - '0') : -1);
    if (slot < 0) continue;
    const auto n = ++counts[static_cast<std::size_t>(slot)];
    if (slot < 26) {
      if (n == 1) token.signature |= std::uint64_t{1} << (2 * slot);
      if (n == 2) token.signature |= std::uint64_t{1} << (2 * slot + 1);
      if (n > 2) token.signature_saturated = true;
    } else {
      if (n == 1) token.signature |= std::uint64_t{1} << (52 + (slot - 26));
      if (n > 1) token.signature_saturated = true;
    }
  }
  if (!word.code.empty()) token.abjad_spellable = abjad_spellable_letters(word.code);
  token.text = std::move(word.text);
  token.abjad = std::move(word.code);
  return token;
}

NormalizedName tokenize_words(std::vector<Word> words, bool abjad_source) {
  NormalizedName out;
  out.abjad_source = abjad_source;
  // The Arabic article is written attached (التكريتي -> "altkryty"); split it off
  // so it can weigh as the particle it is. Only for abjad sources: in Latin text
  // "Alexander" is not "al" + "exander".
  if (abjad_source) {
    std::vector<Word> split;
    for (auto& word : words) {
      // With letter codes, only a real alif-lam: "عالیزی" (ain, alif, lam: Alizai)
      // reads "alyzy" too.
      const bool article =
          word.code.empty() ? word.text.starts_with("al") : word.code.starts_with("al");
      if (word.text.size() > 4 && article && word.text.starts_with("al")) {
        split.push_back(Word{"al", word.code.empty() ? "" : "al"});
        word.text.erase(0, 2);
        if (!word.code.empty()) word.code.erase(0, 2);
      }
      split.push_back(std::move(word));
    }
    words = std::move(split);
  }
  if (may_merge_compounds(words)) {
    std::vector<Word> compounds = words;
    if (merge_compounds(compounds)) {
      out.compound_tokens.reserve(compounds.size());
      for (auto& w : compounds) {
        out.compound_tokens.push_back(make_token(std::move(w), abjad_source));
      }
    }
  }
  out.tokens.reserve(words.size());
  for (auto& word : words) out.tokens.push_back(make_token(std::move(word), abjad_source));
  std::vector<std::string_view> sorted;
  std::vector<std::string_view> skeletons;
  sorted.reserve(out.tokens.size());
  skeletons.reserve(out.tokens.size());
  for (const auto& t : out.tokens) {
    if (!out.joined.empty()) out.joined.push_back(' ');
    out.joined += t.text;
    out.compact += t.text;
    out.skeleton_compact += t.skeleton;
    sorted.push_back(t.text);
    skeletons.push_back(t.skeleton);
  }
  auto join_sorted = [](std::vector<std::string_view>& parts, std::string& dest) {
    std::sort(parts.begin(), parts.end());
    for (auto s : parts) {
      if (!dest.empty()) dest.push_back(' ');
      dest += s;
    }
  };
  join_sorted(sorted, out.sorted);
  join_sorted(skeletons, out.skeleton_sorted);
  return out;
}

// Reads an Arabic-script name (letters in arabic_letters.cpp, ASCII, general
// punctuation) into words with letter codes. False when it holds anything else
// (Hebrew, other scripts, unknown Arabic code points): the caller falls back to ICU.
bool read_arabic_words(std::string_view utf8, std::vector<Word>& words) {
  Word current;
  bool coded = true;  // no Latin letters in the current word
  auto flush = [&] {
    if (!current.text.empty()) {
      if (!coded) current.code.clear();
      words.push_back(std::move(current));
    }
    current = Word{};
    coded = true;
  };
  for (std::size_t i = 0; i < utf8.size();) {
    const char32_t cp = next_code_point(utf8, i);
    if (cp < 0x80 && std::isalnum(static_cast<int>(cp))) {
      current.text.push_back(static_cast<char>(std::tolower(static_cast<int>(cp))));
      coded = false;
    } else if (is_joining_mark(cp)) {
      continue;
    } else if (const ArabicLetter* letter = arabic_letter(cp)) {
      if (letter->latin == " ") {
        flush();
      } else {
        current.text += letter->latin;
        current.code += letter->code;
      }
    } else if (cp < 0x80 || cp == 0xFFFD || (cp >= 0x2000 && cp <= 0x206F)) {
      flush();
    } else {
      return false;
    }
  }
  flush();
  return true;
}

}  // namespace

NormalizedName tokenize_folded(std::string_view folded, bool abjad_source) {
  std::vector<Word> words;
  std::string current;
  std::size_t i = 0;
  while (i < folded.size()) {
    const char32_t cp = next_code_point(folded, i);
    // ASCII letters and digits, lower-cased (isalnum/tolower in the C locale, without
    // a library call per byte).
    if (cp >= 'A' && cp <= 'Z') {
      current.push_back(static_cast<char>(cp - 'A' + 'a'));
    } else if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
      current.push_back(static_cast<char>(cp));
    } else if (is_joining_mark(cp)) {
      continue;
    } else if (!current.empty()) {
      words.push_back(Word{std::move(current), {}});
      current.clear();
    }
  }
  if (!current.empty()) words.push_back(Word{std::move(current), {}});
  return tokenize_words(std::move(words), abjad_source);
}

Result<NameNormalizer> NameNormalizer::create() {
  UErrorCode status = U_ZERO_ERROR;
  UParseError parse_error;
  std::unique_ptr<icu::Transliterator> t(icu::Transliterator::createInstance(
      icu::UnicodeString::fromUTF8(kTransliteratorId), UTRANS_FORWARD, parse_error, status));
  if (U_FAILURE(status) || !t) {
    return make_error("icu", std::string("cannot create ICU transliterator '") + kTransliteratorId +
                                 "': " + u_errorName(status));
  }
  auto impl = std::make_unique<Impl>();
  impl->transliterator = std::move(t);
  return NameNormalizer(std::move(impl));
}

NameNormalizer::NameNormalizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
NameNormalizer::NameNormalizer(NameNormalizer&&) noexcept = default;
NameNormalizer& NameNormalizer::operator=(NameNormalizer&&) noexcept = default;
NameNormalizer::~NameNormalizer() = default;

std::string NameNormalizer::fold_to_ascii(std::string_view utf8_text) {
  if (is_ascii(utf8_text)) {
    std::string out(utf8_text);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  }
  return fold_with_icu(utf8_text);
}

std::string NameNormalizer::fold_with_icu(std::string_view utf8_text) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8_text.data(), static_cast<int32_t>(utf8_text.size())));
  // Arabic ta marbuta is written -a/-ah in Latin (Hamza, Sajida), never -t: render
  // it as the heh it is pronounced like, so the skeleton's final-h rule drops it.
  u.findAndReplace(icu::UnicodeString(static_cast<UChar32>(0x0629)),
                   icu::UnicodeString(static_cast<UChar32>(0x0647)));
  impl_->transliterator->transliterate(u);
  u.foldCase();
  std::string out;
  u.toUTF8String(out);
  return out;
}

char32_t NameNormalizer::traditional_han(char32_t cp) {
  if (!impl_->to_traditional_tried) {
    impl_->to_traditional_tried = true;
    UErrorCode status = U_ZERO_ERROR;
    UParseError parse_error;
    impl_->to_traditional.reset(
        icu::Transliterator::createInstance(icu::UnicodeString::fromUTF8("Simplified-Traditional"),
                                            UTRANS_FORWARD, parse_error, status));
    if (U_FAILURE(status)) impl_->to_traditional.reset();
  }
  if (!impl_->to_traditional) return cp;
  icu::UnicodeString u(static_cast<UChar32>(cp));
  impl_->to_traditional->transliterate(u);
  return u.countChar32() == 1 ? static_cast<char32_t>(u.char32At(0)) : cp;
}

std::string NameNormalizer::fold_context_free(std::string_view utf8_text) {
  std::string out;
  out.reserve(utf8_text.size() + 8);
  char32_t previous = 0;
  for (std::size_t i = 0; i < utf8_text.size();) {
    const char32_t cp = next_code_point(utf8_text, i);
    if (cp < 0x80) {
      out.push_back(static_cast<char>(std::tolower(static_cast<int>(cp))));
      previous = cp;
      continue;
    }
    // Hangul: ICU separates a syllable with a final consonant from a following
    // one that starts with a vowel (initial ieung): 건우 -> "geon u", 정은 -> "jeong eun".
    constexpr char32_t kHangulFirst = 0xAC00, kHangulLast = 0xD7A3;
    if (cp >= kHangulFirst && cp <= kHangulLast && previous >= kHangulFirst &&
        previous <= kHangulLast && (cp - kHangulFirst) / 588 == 11 &&
        (previous - kHangulFirst) % 28 != 0) {
      out.push_back(' ');
    }
    const std::string_view* cyrillic = cyrillic_letter(cp);
    previous = cp;
    if (cyrillic != nullptr) {
      out += *cyrillic;
      continue;
    }
    auto it = impl_->folded_code_points.find(cp);
    if (it == impl_->folded_code_points.end()) {
      std::string utf8;
      append_utf8(cp, utf8);
      std::string folded = fold_to_ascii(utf8);
      // ICU reads a run of Han characters syllable by syllable, space-separated
      // (Hangul syllables of one word stay joined).
      if (is_han(cp) && !folded.empty()) folded = " " + folded + " ";
      it = impl_->folded_code_points.emplace(cp, std::move(folded)).first;
    }
    out += it->second;
  }
  return out;
}

bool NameNormalizer::fold_single_script(std::string_view utf8_text, std::string& out) {
  // One script besides Common/Inherited (and context-free Latin, punctuation) only.
  UScriptCode script = USCRIPT_INVALID_CODE;
  for (std::size_t i = 0; i < utf8_text.size();) {
    const char32_t cp = next_code_point(utf8_text, i);
    if (cp < 0x80 || is_context_free(cp)) continue;
    UErrorCode status = U_ZERO_ERROR;
    const UScriptCode sc = uscript_getScript(static_cast<UChar32>(cp), &status);
    if (U_FAILURE(status)) return false;
    if (sc == USCRIPT_COMMON || sc == USCRIPT_INHERITED) continue;
    if (script != USCRIPT_INVALID_CODE && sc != script) return false;
    script = sc;
  }
  if (script == USCRIPT_INVALID_CODE) return false;
  auto it = impl_->script_transliterators.find(script);
  if (it == impl_->script_transliterators.end()) {
    auto create = [](const std::string& id) {
      UErrorCode status = U_ZERO_ERROR;
      UParseError parse_error;
      std::unique_ptr<icu::Transliterator> t(icu::Transliterator::createInstance(
          icu::UnicodeString::fromUTF8(id), UTRANS_FORWARD, parse_error, status));
      if (U_FAILURE(status)) t.reset();
      return t;
    };
    const std::string latin = std::string(uscript_getName(script)) + "-Latin";
    Impl::ScriptTransliterators ts{create("NFKC; " + latin), create(latin)};
    it = impl_->script_transliterators.emplace(script, std::move(ts)).first;
  }
  if (!it->second.with_nfkc) return false;
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8_text.data(), static_cast<int32_t>(utf8_text.size())));
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  const bool is_nfkc = U_SUCCESS(status) && nfkc->isNormalized(u, status) && U_SUCCESS(status);
  (is_nfkc && it->second.without_nfkc ? it->second.without_nfkc : it->second.with_nfkc)
      ->transliterate(u);
  std::string latin;
  u.toUTF8String(latin);
  // What is left is Latin with diacritics (and punctuation): folded letter by letter.
  for (std::size_t i = 0; i < latin.size();) {
    const char32_t cp = next_code_point(latin, i);
    if (cp >= 0x80 && !is_context_free(cp) && !(cp >= 0x02B0 && cp <= 0x02FF)) return false;
  }
  out = fold_context_free(latin);
  return true;
}

NormalizedName NameNormalizer::normalize_with_icu(std::string_view utf8_name) {
  // ASCII too, unlike normalize(): the reference for its ASCII fast path.
  bool abjad = false;
  for (std::size_t i = 0; i < utf8_name.size() && !abjad;) {
    abjad = is_abjad(next_code_point(utf8_name, i));
  }
  return tokenize_folded(fold_with_icu(utf8_name), abjad);
}

NormalizedName NameNormalizer::normalize(std::string_view utf8_name) {
  if (is_ascii(utf8_name)) return tokenize_folded(utf8_name, false);
  bool abjad = false;
  bool presentation_forms = false;
  bool context_free = true;
  for (std::size_t i = 0; i < utf8_name.size();) {
    const char32_t cp = next_code_point(utf8_name, i);
    if (cp < 0x80) continue;
    abjad = abjad || is_abjad(cp);
    presentation_forms = presentation_forms || is_arabic_presentation_form(cp);
    context_free = context_free && is_context_free(cp);
  }
  if (abjad) {
    std::vector<Word> words;
    std::string composed;
    if (presentation_forms) {
      // Presentation forms (isolated, initial, medial, final, ligatures) to letters.
      UErrorCode status = U_ZERO_ERROR;
      const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
      if (U_SUCCESS(status)) {
        icu::UnicodeString u =
            nfkc->normalize(icu::UnicodeString::fromUTF8(icu::StringPiece(
                                utf8_name.data(), static_cast<int32_t>(utf8_name.size()))),
                            status);
        if (U_SUCCESS(status)) u.toUTF8String(composed);
      }
    }
    if ((!presentation_forms || !composed.empty()) &&
        read_arabic_words(presentation_forms ? composed : utf8_name, words)) {
      return tokenize_words(std::move(words), true);
    }
    std::string folded;
    if (fold_single_script(utf8_name, folded)) return tokenize_folded(folded, true);
    return tokenize_folded(fold_to_ascii(utf8_name), true);
  }
  if (context_free) return tokenize_folded(fold_context_free(utf8_name), false);
  // One other script (Greek, Devanagari, Thai, ...): its own transliterator, not
  // the whole Any-Latin chain.
  std::string folded;
  if (fold_single_script(utf8_name, folded)) return tokenize_folded(folded, false);
  return tokenize_folded(fold_to_ascii(utf8_name), false);
}

}  // namespace nexus::screening
