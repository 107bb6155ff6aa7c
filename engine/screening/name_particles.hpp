// Role of a token in a name: particle, honorific, legal form or plain name token.
// Pure function over fixed word tables; thread-safe.
#pragma once

#include "engine/screening/normalized_name.hpp"

#include <string_view>

namespace nexus::screening {

/// Classifies one normalised (ASCII lower-case) token. Cost: one hash lookup.
TokenRole classify_token(std::string_view token);

}  // namespace nexus::screening
