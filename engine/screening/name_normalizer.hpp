// NameNormalizer: turns a name in any script into a NormalizedName: NFKC, case
// folding, diacritics stripped, Arabic/Cyrillic/Greek/Hebrew/CJK/... transliterated
// to Latin by ICU ("Any-Latin; ...; Latin-ASCII"), then tokenised, each token given
// its role (particle, honorific, legal form) and consonant skeleton.
//
// Owns one ICU Transliterator, which is expensive to build (~ms) and not
// thread-safe: one NameNormalizer per thread / per owner. Pure ASCII input skips
// ICU entirely (the common case on payment messages), so it costs well under 1 us.
// Arabic-script names are read by a fixed letter table (arabic_letters.hpp), which
// also gives each token its letter codes; Latin with diacritics, Cyrillic, Han and
// Hangul through a per-code-point table of the transliterator's answers, filled
// on first use; everything else (Greek, Hebrew, Indic, Thai, ...) through ICU.
#pragma once

#include "engine/screening/normalized_name.hpp"

#include "base/result.hpp"

#include <memory>
#include <string>
#include <string_view>

namespace nexus::screening {

class NameNormalizer {
 public:
  /// Builds the ICU transliterator. Errors: "icu" when ICU data is missing.
  static Result<NameNormalizer> create();

  NameNormalizer(NameNormalizer&&) noexcept;
  NameNormalizer& operator=(NameNormalizer&&) noexcept;
  NameNormalizer(const NameNormalizer&) = delete;
  NameNormalizer& operator=(const NameNormalizer&) = delete;
  ~NameNormalizer();

  /// Normalises one UTF-8 name; invalid UTF-8 bytes act as separators. Never throws.
  NormalizedName normalize(std::string_view utf8_name);

  /// The same through the ICU transliterator only, with none of the per-letter
  /// tables normalize() uses for Arabic-script and context-free scripts and without
  /// its ASCII fast path: the reference they are tested against. Never throws.
  NormalizedName normalize_with_icu(std::string_view utf8_name);

  /// Only the ASCII folding step (transliteration, lower case, no tokens):
  /// used for identifiers and country names. Never throws.
  std::string fold_to_ascii(std::string_view utf8_text);

  /// The traditional form of a simplified Han character (ICU Simplified-Traditional, built
  /// on first use: ~30 ms), for the Hanja table of cjk_readings.hpp; cp itself when ICU
  /// maps it to anything but one character. Never throws.
  char32_t traditional_han(char32_t cp);

 private:
  /// fold_to_ascii through the whole ICU chain, whatever the text.
  std::string fold_with_icu(std::string_view utf8_text);
  /// fold_to_ascii one code point at a time, from a table filled on first use.
  std::string fold_context_free(std::string_view utf8_text);
  /// fold_to_ascii for text in one script: that script's ICU transliterator, then
  /// fold_context_free. False (out untouched) for mixed scripts or no transliterator.
  bool fold_single_script(std::string_view utf8_text, std::string& out);

  struct Impl;  // holds the ICU Transliterator (keeps ICU headers out of this one)
  explicit NameNormalizer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// Builds the token list, roles and skeletons from already-folded ASCII text.
/// Exposed for tests. Pure; thread-safe.
NormalizedName tokenize_folded(std::string_view folded, bool abjad_source);

}  // namespace nexus::screening
