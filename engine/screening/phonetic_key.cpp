#include "engine/screening/phonetic_key.hpp"

namespace nexus::screening {
namespace {

bool is_vowel_like(char c) {
  // w and v too: Hebrew vav and Arabic waw are v, w, o or u depending on the word.
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y' || c == 'w' ||
         c == 'v';
}

}  // namespace

std::string phonetic_key(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  auto push = [&out](char c) {
    if (out.empty() || out.back() != c) out.push_back(c);
  };
  for (std::size_t i = 0; i < token.size(); ++i) {
    char c = token[i];
    char next = i + 1 < token.size() ? token[i + 1] : '\0';
    if (next == 'h' &&
        (c == 'k' || c == 'g' || c == 's' || c == 't' || c == 'd' || c == 'p' || c == 'c')) {
      // Arabic kh/gh/sh/th/dh and Latin ph/ch: one consonant each.
      push(c == 'p' ? 'f' : (c == 'c' ? 's' : c));
      ++i;
      continue;
    }
    if (is_vowel_like(c)) continue;
    if (c == 'd' && next == 'j') continue;  // French dj for Arabic jim (Djamel, Djouadi)
    // Russian -ий / -ый endings come out of ICU as "ij" / "yj" (Dmitrij, Dmitry).
    if (c == 'j' && i + 1 == token.size() && i > 0 &&
        (token[i - 1] == 'i' || token[i - 1] == 'y')) {
      continue;
    }
    switch (c) {
      case 'c':
        // Soft c before e, i, y (Lounici, Cecilia); hard otherwise.
        push(next == 'e' || next == 'i' || next == 'y' ? 's' : 'k');
        break;
      case 'q':
        push('k');
        break;
      case 'z':
        push('s');
        break;
      case 'x':
        push('k');
        push('s');
        break;
      case 'h':
        // A final h is as often written as not (Abdullah / Abdulla, ta marbuta).
        if (i + 1 < token.size()) push('h');
        break;
      default:
        push(c);
        break;
    }
  }
  if (out.empty()) out.assign(token);
  return out;
}

}  // namespace nexus::screening
