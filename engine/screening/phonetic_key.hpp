// Consonant skeleton of a normalised token: the phonetic key used both for
// candidate generation and for phonetic agreement in scoring. Designed for
// cross-script transliteration, where vowels are the first thing to disagree
// (Arabic "mhmd" vs Latin "Mohamed", "Muhammad"). Pure function; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace nexus::screening {

/// Rules, in order: digraphs kh gh sh th dh ph ch -> k g s t d f s; c -> s before e/i/y
/// else k; q -> k, z -> s,
/// x -> ks; vowels and y, w, v dropped; a final h and a final j after i/y dropped;
/// runs collapsed.
/// An empty result falls back to the token itself. Cost: O(token length).
std::string phonetic_key(std::string_view token);

}  // namespace nexus::screening
