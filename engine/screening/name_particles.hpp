// Role of a token in a name: particle, honorific, legal form or plain name token.
// Pure function over fixed word tables; thread-safe.
#pragma once

#include "engine/screening/normalized_name.hpp"

#include <string_view>

namespace nexus::screening {

/// Classifies one normalised (ASCII lower-case) token. Cost: one hash lookup.
TokenRole classify_token(std::string_view token);

/// Whether a particle is also written together with the word after it
/// ("bin Laden" / "Binladen", "al-Qahtani" / "Alqahtani", "van den Berg" /
/// "Vandenberg", "de la Cruz" / "Delacruz"). False for conjunctions and
/// prepositions ("and", "of", "y", "wa", "fi"), for the assimilated article
/// ("ur", "ud", "ash": written onto the word before it, see the compounds in
/// name_normalizer.cpp) and for every non-particle. Cost: a few comparisons.
bool glues_to_next_word(std::string_view particle);

}  // namespace nexus::screening
