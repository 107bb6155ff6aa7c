// NormalizedName: a name after NameNormalizer (ASCII, lower case, tokens with
// roles and phonetic keys). Plain value type, built once per listed name at index
// time and once per query.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nexus::screening {

/// What a token is in a name. Particles, honorifics and legal forms are kept
/// but weigh less, so "Sheikh Abu Bakr al-Baghdadi" still pairs with "Abu Bakr Baghdadi".
enum class TokenRole { kName, kParticle, kHonorific, kLegalForm };

struct NameToken {
  std::string text;        // "baghdadi"
  std::string skeleton;    // consonant skeleton, see phonetic_key.hpp: "bgdd"
  std::string consonants;  // letters minus a e i o u y w, nothing else mapped: "bghdd"
  /// Arabic-script tokens only: one letter code per Arabic letter (see
  /// arabic_letters.hpp; "L" is the article inside a joined compound), which
  /// keeps apart the letters the Latin text merges (dad and dal are both "d").
  /// Empty for every other token.
  std::string abjad;
  TokenRole role = TokenRole::kName;
  /// A particle written glued to the next word ("bin" in "Binladen"; see
  /// glues_to_next_word), decided once here instead of per candidate pair.
  bool glues_to_next = false;
  /// Letter-count signature (two bits per letter a-z: seen once, seen twice; one
  /// bit per digit) and whether any character occurs more often than it records.
  /// popcount(a & b) bounds the Jaro matches of two tokens from above, so most
  /// non-matching pairs are rejected without running Jaro-Winkler.
  std::uint64_t signature = 0;
  bool signature_saturated = false;
  /// Letters b-z other than vowels present in text (bit c - 'a'), and for
  /// Arabic-script tokens the Latin letters their codes can be spelt with
  /// (abjad_spellable_letters): what the scorer's cheap pre-check compares.
  std::uint32_t consonant_letters = 0;
  std::uint32_t abjad_spellable = 0;
  /// Listed names only: the same number for every listed token with this text
  /// (interned by ScreeningIndex::build), so a query can remember its pair
  /// similarities across candidates. 0 for query tokens.
  std::uint32_t id = 0;
};

struct NormalizedName {
  std::vector<NameToken> tokens;
  /// The tokens with Arabic theophoric compounds joined ("abd al rahman" ->
  /// "abdalrahman", "atiq allah" -> "atiqallah"); empty when there is none. Both
  /// forms are indexed and scored; the better alignment counts.
  std::vector<NameToken> compound_tokens;
  /// The source was written in an abjad (Arabic, Hebrew): vowels are mostly absent,
  /// so skeleton agreement is the main evidence.
  bool abjad_source = false;
  /// Tokens joined by one space, in input order.
  std::string joined;
  /// Tokens sorted and joined by one space (order-free comparison).
  std::string sorted;
  /// Tokens concatenated without separators (split/merged tokens: "abdul hai" vs "abdulhai").
  std::string compact;
  /// Token skeletons sorted and joined, and concatenated: the order-free and
  /// separator-free forms compared when one side is an abjad source.
  std::string skeleton_sorted;
  std::string skeleton_compact;

  bool empty() const { return tokens.empty(); }
  /// Tokens (or the compound-joined tokens) joined by one space.
  std::string joined_tokens(bool compound) const {
    const auto& list = compound && !compound_tokens.empty() ? compound_tokens : tokens;
    std::string out;
    for (const auto& t : list) {
      if (!out.empty()) out.push_back(' ');
      out += t.text;
    }
    return out;
  }
};

}  // namespace nexus::screening
