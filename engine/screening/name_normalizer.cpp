#include "engine/screening/name_normalizer.hpp"

#include "engine/screening/name_particles.hpp"
#include "engine/screening/phonetic_key.hpp"

#include <unicode/translit.h>
#include <unicode/unistr.h>
#include <unicode/utypes.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>

namespace nexus::screening {

struct NameNormalizer::Impl {
  std::unique_ptr<icu::Transliterator> transliterator;
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

// Decodes one UTF-8 code point at s[i], advancing i; invalid bytes give U+FFFD.
char32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  int len = b0 < 0x80 ? 1 : (b0 >> 5) == 0x6 ? 2 : (b0 >> 4) == 0xE ? 3 : (b0 >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + static_cast<std::size_t>(len) > s.size()) {
    ++i;
    return 0xFFFD;
  }
  char32_t cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1F) : len == 3 ? (b0 & 0x0F) : (b0 & 0x07);
  for (int k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  i += static_cast<std::size_t>(len);
  return cp;
}

bool is_abjad(char32_t cp) {
  return (cp >= 0x0590 && cp <= 0x05FF) ||  // Hebrew
         (cp >= 0x0600 && cp <= 0x06FF) ||  // Arabic
         (cp >= 0x0750 && cp <= 0x077F) ||  // Arabic supplement
         (cp >= 0xFB1D && cp <= 0xFDFF) ||  // Hebrew/Arabic presentation forms A
         (cp >= 0xFE70 && cp <= 0xFEFF);    // Arabic presentation forms B
}

// Apostrophes and the ayn/hamza letters ICU leaves as modifier letters join the
// token ("Qa'ida" -> "qaida", "ʿbd" -> "bd") instead of splitting it.
bool is_joining_mark(char32_t cp) {
  return cp == '\'' || cp == '`' || cp == 0x2018 || cp == 0x2019 || cp == 0x02BC || cp == 0x02BE ||
         cp == 0x02BF || cp == 0x00B4 || cp == 0x02B9 || cp == 0x02BB;
}

bool one_of(const std::string& w, std::initializer_list<std::string_view> set) {
  for (auto s : set) {
    if (w == s) return true;
  }
  return false;
}

// Arabic theophoric compounds are written as one word or several ("Abd al-Rahman",
// "Abdul Rahman", "Abdurrahman"; "Atiq Allah", "Atiqullah"), so they are joined
// into one token before comparison: "abd"+["al"]+next, and previous+"allah".
// Returns whether anything was merged.
bool merge_compounds(std::vector<std::string>& words) {
  std::vector<std::string> out;
  bool merged_any = false;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    const bool abd = one_of(w, {"abd", "abdul", "abdel", "abdal", "abdol", "abdoul", "abdu",
                                "abdur", "abdus", "abdil", "bd"});
    if (abd && i + 1 < words.size()) {
      std::string merged = w;
      std::size_t j = i + 1;
      if (one_of(words[j], {"al", "el", "ul", "ar", "ur", "as", "us", "ad", "an", "ash", "az"}) &&
          j + 1 < words.size()) {
        merged += words[j++];
      }
      merged += words[j];
      out.push_back(std::move(merged));
      merged_any = true;
      i = j;
      continue;
    }
    if (!out.empty() &&
        one_of(w, {"allah", "ullah", "ulla", "allh", "alla", "ollah", "illah", "ulah", "olla"})) {
      out.back() += w;
      merged_any = true;
      continue;
    }
    out.push_back(w);
  }
  words = std::move(out);
  return merged_any;
}

}  // namespace

NormalizedName tokenize_folded(std::string_view folded, bool abjad_source) {
  NormalizedName out;
  out.abjad_source = abjad_source;
  std::vector<std::string> words;
  std::string current;
  std::size_t i = 0;
  while (i < folded.size()) {
    const char32_t cp = next_code_point(folded, i);
    if (cp < 0x80 && std::isalnum(static_cast<int>(cp))) {
      current.push_back(static_cast<char>(std::tolower(static_cast<int>(cp))));
    } else if (is_joining_mark(cp)) {
      continue;
    } else if (!current.empty()) {
      words.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) words.push_back(std::move(current));

  // The Arabic article is written attached (التكريتي -> "altkryty"); split it off
  // so it can weigh as the particle it is. Only for abjad sources: in Latin text
  // "Alexander" is not "al" + "exander".
  if (abjad_source) {
    std::vector<std::string> split;
    for (auto& word : words) {
      if (word.size() > 4 && word.starts_with("al")) {
        split.emplace_back("al");
        word.erase(0, 2);
      }
      split.push_back(std::move(word));
    }
    words = std::move(split);
  }
  auto make_token = [](std::string word) {
    NameToken token;
    token.role = classify_token(word);
    token.skeleton = phonetic_key(word);
    for (char c : word) {
      if (std::string_view("aeiouyw").find(c) == std::string_view::npos)
        token.consonants.push_back(c);
    }
    std::array<std::uint8_t, 36> counts{};
    for (char c : word) {
      const int slot =
          c >= 'a' && c <= 'z' ? c - 'a' : (c >= '0' && c <= '9' ? 26 + (c - '0') : -1);
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
    token.text = std::move(word);
    return token;
  };
  std::vector<std::string> compounds = words;
  if (merge_compounds(compounds)) {
    for (auto& w : compounds) out.compound_tokens.push_back(make_token(std::move(w)));
  }
  for (auto& word : words) out.tokens.push_back(make_token(std::move(word)));
  std::vector<std::string_view> sorted;
  std::vector<std::string_view> skeletons;
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

NormalizedName NameNormalizer::normalize(std::string_view utf8_name) {
  if (is_ascii(utf8_name)) return tokenize_folded(utf8_name, false);
  bool abjad = false;
  for (std::size_t i = 0; i < utf8_name.size() && !abjad;) {
    abjad = is_abjad(next_code_point(utf8_name, i));
  }
  return tokenize_folded(fold_to_ascii(utf8_name), abjad);
}

}  // namespace nexus::screening
