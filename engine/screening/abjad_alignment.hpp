// Similarity of an Arabic-script token (as letter codes, see arabic_letters.hpp)
// and a Latin-script token, by aligning letters with their customary Latin
// spellings: dad as d, dh or z; zah as z, dh or th; thal as dh, z or d; theh as
// th or s; qaf as q, k, g or gh; waw as w, v, o, u or ou; yeh as y, i, e or ee;
// ain and hamza as nothing or a vowel; ta marbuta as -a, -ah, -at or nothing.
// Short vowels, which Arabic script does not write, and doubled consonants
// (shadda) are free on the Latin side; anything else costs.
//
// This replaces the plain consonant skeleton for abjad queries, which cannot
// tell Fazal (فضل) from a spelling error, nor Kathim (كاظم) from a different name.
// Pure functions; thread-safe; cost O(|codes| x |latin| x spellings per letter).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace nexus::screening {

/// 1.0 when latin is a customary spelling of the letters in codes, falling by
/// cost / letters (a foreign consonant costs 1, a long vowel not written 0.5,
/// a less usual spelling 0.2-0.5). Returns -1 when it cannot say (empty input,
/// a code outside the alphabet, or longer than 24 letters / 40 characters).
/// When a cheap lower bound on the cost already puts the similarity below floor,
/// returns 0 without aligning (most unrelated pairs): cost O(|codes| + |latin|).
double abjad_similarity(std::string_view codes, std::string_view latin, double floor = 0.0);

/// The Latin letters (bit c - 'a') some spelling of some letter in codes uses.
/// A Latin token with k consonants outside this set costs at least k, so
/// abjad_similarity < 1 - k / |codes| (the scorer's pre-check). Cost O(|codes|).
std::uint32_t abjad_spellable_letters(std::string_view codes);

/// Up to max_variants Latin texts of codes that spell its ambiguous letters
/// differently from the default transliteration (dad as z, thal as z, theh as s,
/// zah as d or th, qaf and jeem as g, khah as h), for extra index keys. The
/// default text itself is not included. Deterministic order.
std::vector<std::string> abjad_spelling_variants(std::string_view codes, std::size_t max_variants);

}  // namespace nexus::screening
