#include "engine/screening/abjad_alignment.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>

namespace nexus::screening {
namespace {

struct Spelling {
  std::string_view latin;
  float cost;
};

// Customary Latin spellings of each letter code (arabic_letters.cpp), from the
// renderings on the UN, OFAC and EU lists (Fazal/Fazl, Kathim/Kazim,
// Ghedeir/Qadir, Ragab/Rajab, Gasmi/Qasmi, Noor/Nur, Sayed/Syed) and the
// BGN/PCGN, ALA-LC and French conventions they follow. Costs: 0 for a usual
// spelling, 0.2-0.5 for a regional or less usual one.
constexpr Spelling kAlif[] = {{"a", 0},    {"aa", 0},   {"e", 0.3f}, {"o", 0.3f},
                              {"i", 0.5f}, {"u", 0.5f}, {"", 0.4f}};
constexpr Spelling kAlifInitial[] = {{"a", 0}, {"e", 0}, {"i", 0}, {"o", 0}, {"u", 0}, {"", 0}};
constexpr Spelling kSilent[] = {{"", 0},  {"a", 0}, {"e", 0}, {"i", 0},
                                {"o", 0}, {"u", 0}, {"aa", 0}};  // ain, hamza, short vowels
constexpr Spelling kBeh[] = {{"b", 0}, {"bb", 0}, {"p", 0.2f}};  // Arabic has no p
constexpr Spelling kPeh[] = {{"p", 0}, {"b", 0.3f}};
constexpr Spelling kTeh[] = {{"t", 0}, {"tt", 0}, {"th", 0.3f}};
constexpr Spelling kTah[] = {{"t", 0}, {"tt", 0}, {"th", 0.2f}, {"d", 0.5f}};
constexpr Spelling kTheh[] = {{"th", 0}, {"s", 0}, {"ss", 0}, {"t", 0.2f}, {"ts", 0.3f}};
constexpr Spelling kJeem[] = {{"j", 0},     {"dj", 0},    {"g", 0.2f},  {"dzh", 0.2f},
                              {"dz", 0.2f}, {"zh", 0.3f}, {"gi", 0.3f}, {"y", 0.5f}};
constexpr Spelling kTcheh[] = {{"ch", 0}, {"tch", 0}, {"c", 0.2f}, {"tsh", 0.2f}, {"j", 0.5f}};
constexpr Spelling kHah[] = {{"h", 0}, {"hh", 0}, {"", 0.3f}, {"kh", 0.5f}};
constexpr Spelling kKhah[] = {{"kh", 0}, {"h", 0.2f}, {"x", 0.2f}, {"ch", 0.2f}, {"k", 0.4f}};
constexpr Spelling kDal[] = {{"d", 0}, {"dd", 0}, {"dh", 0.3f}, {"t", 0.5f}};
constexpr Spelling kThal[] = {{"dh", 0}, {"z", 0}, {"zz", 0}, {"d", 0.2f}, {"th", 0.2f}};
constexpr Spelling kDad[] = {{"d", 0}, {"dh", 0}, {"z", 0}, {"dd", 0}, {"zz", 0}, {"dz", 0.2f}};
constexpr Spelling kReh[] = {{"r", 0}, {"rr", 0}};
constexpr Spelling kZain[] = {{"z", 0}, {"zz", 0}, {"s", 0.3f}};
constexpr Spelling kJeh[] = {{"zh", 0}, {"j", 0.2f}, {"z", 0.3f}, {"dz", 0.3f}, {"g", 0.4f}};
constexpr Spelling kSeen[] = {{"s", 0}, {"ss", 0}, {"c", 0.3f}, {"ts", 0.3f}, {"z", 0.5f}};
constexpr Spelling kSad[] = {{"s", 0}, {"ss", 0}, {"c", 0.3f}, {"ts", 0.4f}};
constexpr Spelling kSheen[] = {{"sh", 0}, {"ch", 0}, {"sch", 0}, {"s", 0.4f}, {"j", 0.5f}};
constexpr Spelling kZah[] = {{"z", 0}, {"dh", 0}, {"th", 0}, {"zz", 0}, {"d", 0.3f}};
constexpr Spelling kGhain[] = {{"gh", 0}, {"g", 0}, {"q", 0.3f}, {"r", 0.5f}, {"kh", 0.5f}};
constexpr Spelling kFeh[] = {{"f", 0}, {"ff", 0}, {"ph", 0}, {"v", 0.2f}};  // nor v
constexpr Spelling kVeh[] = {{"v", 0}, {"f", 0.3f}, {"w", 0.3f}};
constexpr Spelling kQaf[] = {{"q", 0},  {"k", 0},  {"g", 0},  {"gh", 0},    {"c", 0},
                             {"ck", 0}, {"kk", 0}, {"qu", 0}, {"kh", 0.4f}, {"", 0.8f}};
constexpr Spelling kKaf[] = {{"k", 0},    {"c", 0},     {"ck", 0},   {"kk", 0},
                             {"q", 0.3f}, {"ch", 0.3f}, {"g", 0.3f}, {"kh", 0.4f}};
constexpr Spelling kGaf[] = {{"g", 0}, {"gu", 0}, {"gh", 0.2f}, {"k", 0.3f}};
constexpr Spelling kLam[] = {{"l", 0}, {"ll", 0}};
constexpr Spelling kMeem[] = {{"m", 0}, {"mm", 0}};
constexpr Spelling kNoon[] = {{"n", 0}, {"nn", 0}, {"m", 0.5f}, {"", 0.7f}};
constexpr Spelling kHeh[] = {{"h", 0}, {"hh", 0}, {"", 0.3f}};
// A final heh is as often a vowel ending as a consonant (Abdullah / Abdulla, -eh).
constexpr Spelling kHehFinal[] = {{"h", 0}, {"", 0}, {"a", 0}, {"e", 0}, {"ah", 0}, {"eh", 0}};
constexpr Spelling kAspiration[] = {{"h", 0}, {"", 0}};
constexpr Spelling kWaw[] = {{"w", 0},  {"v", 0},  {"o", 0},  {"u", 0},  {"ou", 0},
                             {"oo", 0}, {"ow", 0}, {"aw", 0}, {"au", 0}, {"uu", 0},
                             {"ww", 0}, {"wu", 0}, {"wa", 0}, {"", 0.5f}};
constexpr Spelling kYeh[] = {{"y", 0},  {"i", 0},  {"e", 0},  {"ee", 0},   {"ie", 0},
                             {"ei", 0}, {"ey", 0}, {"ay", 0}, {"ai", 0},   {"iy", 0},
                             {"ii", 0}, {"yy", 0}, {"ya", 0}, {"j", 0.3f}, {"", 0.5f}};
constexpr Spelling kAlefMaksura[] = {{"a", 0}, {"y", 0}, {"i", 0}, {"e", 0}, {"", 0}, {"aa", 0}};
constexpr Spelling kYehBarree[] = {{"e", 0}, {"ay", 0},   {"ai", 0},
                                   {"y", 0}, {"i", 0.2f}, {"", 0.3f}};
// The article inside a joined compound (Abd al-Rahman, Nur al-Din, Abd Allah):
// written al, ul, el, assimilated to the next letter (Abdurrahman, Nuruddin,
// Shamsuddin: the next letter is then doubled) or reduced to its vowel.
constexpr Spelling kArticle[] = {{"al", 0}, {"ul", 0}, {"el", 0}, {"il", 0}, {"ol", 0},
                                 {"l", 0},  {"a", 0},  {"u", 0},  {"e", 0},  {"i", 0},
                                 {"o", 0},  {"oo", 0}, {"ou", 0}, {"", 0.2f}};
constexpr Spelling kTehMarbuta[] = {{"", 0},  {"h", 0},  {"a", 0},  {"ah", 0}, {"at", 0},
                                    {"e", 0}, {"eh", 0}, {"et", 0}, {"t", 0}};

// Spellings of code c at position i of n; empty when c is not a letter code.
std::span<const Spelling> spellings(char c, std::size_t i, std::size_t n) {
  switch (c) {
    case 'a':
      return i == 0 ? std::span<const Spelling>(kAlifInitial) : kAlif;
    case '\'':
    case 'E':
    case '1':
    case '2':
    case '3':
      return kSilent;
    case 'b':
      return kBeh;
    case 'p':
      return kPeh;
    case 't':
      return kTeh;
    case 'T':
      return kTah;
    case 'V':
      return kTheh;
    case 'j':
      return kJeem;
    case 'c':
      return kTcheh;
    case 'H':
      return kHah;
    case 'x':
      return kKhah;
    case 'd':
      return kDal;
    case 'D':
      return kThal;
    case 'P':
      return kDad;
    case 'r':
      return kReh;
    case 'z':
      return kZain;
    case 'J':
      return kJeh;
    case 's':
      return kSeen;
    case 'C':
      return kSad;
    case 'S':
      return kSheen;
    case 'Z':
      return kZah;
    case 'G':
      return kGhain;
    case 'f':
      return kFeh;
    case 'v':
      return kVeh;
    case 'q':
      return kQaf;
    case 'k':
      return kKaf;
    case 'g':
      return kGaf;
    case 'l':
      return kLam;
    case 'm':
      return kMeem;
    case 'n':
      return kNoon;
    case 'h':
      return i + 1 == n ? std::span<const Spelling>(kHehFinal) : kHeh;
    case 'A':
      return kAspiration;
    case 'w':
      return kWaw;
    case 'y':
      return kYeh;
    case 'Y':
      return kAlefMaksura;
    case 'e':
      return kYehBarree;
    case 'O':
      return kTehMarbuta;
    case 'L':
      return kArticle;
    default:
      return {};
  }
}

bool is_vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

// Letters that carry weight in the normalisation: not short-vowel marks.
bool counts_as_letter(char c) { return c != '1' && c != '2' && c != '3'; }

constexpr std::size_t kMaxCodes = 24;
constexpr std::size_t kMaxLatin = 40;

// Letters (bit c - 'a') any spelling of a code uses, and those a spelling can
// start with; and whether the code can be written as nothing. Built once.
struct CodeLetters {
  std::uint32_t any = 0;
  std::uint32_t first = 0;
  bool silent = false;
  bool known = false;
};

const std::array<CodeLetters, 128>& code_letters() {
  static const std::array<CodeLetters, 128> table = [] {
    std::array<CodeLetters, 128> t{};
    for (int c = 0; c < 128; ++c) {
      for (std::size_t pos : {std::size_t{0}, std::size_t{1}}) {
        // Position 0 of 1 (initial and final) and 1 of 3 (medial): every variant.
        for (const Spelling& s : spellings(static_cast<char>(c), pos, pos == 0 ? 1 : 3)) {
          t[static_cast<std::size_t>(c)].known = true;
          if (s.latin.empty()) t[static_cast<std::size_t>(c)].silent = true;
          for (char l : s.latin) t[static_cast<std::size_t>(c)].any |= 1U << (l - 'a');
          if (!s.latin.empty()) t[static_cast<std::size_t>(c)].first |= 1U << (s.latin[0] - 'a');
        }
      }
    }
    return t;
  }();
  return table;
}

}  // namespace

double abjad_similarity(std::string_view codes, std::string_view latin, double floor) {
  if (codes.empty() || latin.empty() || codes.size() > kMaxCodes || latin.size() > kMaxLatin) {
    return -1;
  }
  const std::size_t n = codes.size();
  const std::size_t m = latin.size();
  std::size_t letters = 0;
  for (char c : codes) letters += counts_as_letter(c) ? 1 : 0;
  const double denominator = std::max<double>(2.0, static_cast<double>(letters));

  // Lower bound on the cost, in O(n + m), so most unrelated pairs skip the
  // alignment: every Latin consonant no code can spell costs 1 (an insertion or a
  // substitution), as does every code that must be written and whose spellings
  // all start with letters the Latin token lacks (a deletion or a substitution).
  // A substitution settles one of each, so the bound is the larger count.
  const auto& table = code_letters();
  std::uint32_t spellable = 0;
  bool digits = false;
  for (char c : codes) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 128) return -1;
    if (c >= '0' && c <= '9') {
      digits = true;
      continue;
    }
    if (!table[u].known) return -1;
    spellable |= table[u].any;
  }
  if (!digits && floor > 0) {
    std::uint32_t present = 0;
    std::size_t foreign = 0;
    for (std::size_t j = 0; j < m; ++j) {
      const char c = latin[j];
      if (c < 'a' || c > 'z') {
        ++foreign;
        continue;
      }
      present |= 1U << (c - 'a');
      if (is_vowel(c) || (j > 0 && latin[j - 1] == c)) continue;
      if (!(spellable & (1U << (c - 'a')))) ++foreign;
    }
    std::size_t unwritable = 0;
    for (char c : codes) {
      const CodeLetters& cl = table[static_cast<unsigned char>(c)];
      if (!cl.silent && !(cl.first & present)) ++unwritable;
    }
    const double bound = static_cast<double>(std::max(foreign, unwritable));
    if (1.0 - bound / denominator < floor) return 0.0;
  }

  constexpr float kInf = 1e9f;
  // cost[i][j]: cheapest alignment of codes[0, i) with latin[0, j).
  std::array<std::array<float, kMaxLatin + 1>, kMaxCodes + 1> cost;
  for (std::size_t i = 0; i <= n; ++i) std::fill_n(cost[i].begin(), m + 1, kInf);
  cost[0][0] = 0;
  // Costs only grow along an alignment: a cell already above what floor allows
  // leads nowhere, and once a whole row is, neither does anything after it.
  const float max_cost =
      floor > 0 ? static_cast<float>((1.0 - floor) * denominator) + 1e-4f : kInf / 2;
  // Per Latin position, the cost of a Latin letter with no Arabic letter: a short
  // vowel (free, unless it lengthens a vowel: Mahmoud is not Muhammad), a doubled
  // consonant (shadda, not written), or a foreign letter.
  std::array<float, kMaxLatin> insertion;
  for (std::size_t j = 0; j < m; ++j) {
    const char c = latin[j];
    if (is_vowel(c)) {
      insertion[j] = j > 0 && is_vowel(latin[j - 1]) ? 0.5f : 0.0f;
    } else {
      insertion[j] = j > 0 && latin[j - 1] == c ? 0.0f : 1.0f;
    }
  }
  for (std::size_t i = 0; i <= n; ++i) {
    const std::span<const Spelling> options =
        i < n ? spellings(codes[i], i, n) : std::span<const Spelling>();
    // A letter written as nothing: its cheapest empty spelling, else a deletion (1).
    float omit = 1.0f;
    std::uint32_t first_letters = 0;  // of its non-empty spellings
    for (const Spelling& s : options) {
      if (s.latin.empty()) {
        omit = std::min(omit, s.cost);
      } else {
        first_letters |= 1U << (s.latin[0] - 'a');
      }
    }
    bool row_alive = false;
    for (std::size_t j = 0; j <= m; ++j) {
      const float here = cost[i][j];
      if (here > max_cost) continue;
      row_alive = true;
      if (j < m) cost[i][j + 1] = std::min(cost[i][j + 1], here + insertion[j]);
      if (i == n) continue;
      cost[i + 1][j] = std::min(cost[i + 1][j], here + omit);
      if (j == m) continue;
      // A letter with a foreign counterpart.
      cost[i + 1][j + 1] = std::min(cost[i + 1][j + 1], here + 1.0f);
      const char c = latin[j];
      if (options.empty()) {  // a digit
        if (c == codes[i]) cost[i + 1][j + 1] = std::min(cost[i + 1][j + 1], here);
        continue;
      }
      if (c < 'a' || c > 'z' || !(first_letters & (1U << (c - 'a')))) continue;
      for (const Spelling& s : options) {
        const std::size_t len = s.latin.size();
        if (len == 0 || s.latin[0] != c || j + len > m) continue;
        bool match = true;
        for (std::size_t k = 1; k < len && match; ++k) match = latin[j + k] == s.latin[k];
        if (match) {
          float& next = cost[i + 1][j + len];
          next = std::min(next, here + s.cost);
        }
      }
    }
    if (!row_alive) return 0.0;
  }
  return std::max(0.0, 1.0 - static_cast<double>(cost[n][m]) / denominator);
}

std::uint32_t abjad_spellable_letters(std::string_view codes) {
  const auto& table = code_letters();
  std::uint32_t out = 0;
  for (char c : codes) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 128) out |= table[u].any;
  }
  return out;
}

std::vector<std::string> abjad_spelling_variants(std::string_view codes, std::size_t max_variants) {
  // Per letter: the default Latin text (as arabic_letters.cpp gives it, enough
  // for a skeleton) and its alternative, when the letter is ambiguous.
  struct Choice {
    std::string_view base;
    std::string_view alternative;
    bool ambiguous = true;
  };
  std::vector<Choice> choices;
  std::size_t n_ambiguous = 0;
  for (char c : codes) {
    Choice ch{"", "", false};
    switch (c) {
      case 'P':
        ch = {"d", "z"};
        break;
      case 'Z':
        ch = {"z", "th"};
        break;
      case 'D':
        ch = {"dh", "z"};
        break;
      case 'V':
        ch = {"th", "s"};
        break;
      case 'q':
        ch = {"q", "g"};
        break;
      case 'j':
        ch = {"j", "g"};
        break;
      case 'x':
        ch = {"kh", "h"};
        break;
      case 'L':  // the article in a compound, often assimilated (Shamsuddin)
        ch = {"l", ""};
        break;
      default: {
        // Only the consonants matter to the skeleton keys these feed.
        static constexpr std::string_view kPlain = "bptTdrzsCSGfvklmngc";
        static constexpr std::string_view kPlainText[] = {"b", "p", "t",  "t",  "d", "r", "z",
                                                          "s", "s", "sh", "gh", "f", "v", "k",
                                                          "l", "m", "n",  "g",  "ch"};
        const auto k = kPlain.find(c);
        if (k != std::string_view::npos) ch = {kPlainText[k], "", false};
        if (c == 'H' || c == 'h') ch = {"h", "", false};
        if (c == 'J') ch = {"zh", "", false};
        break;
      }
    }
    if (ch.ambiguous) ++n_ambiguous;
    choices.push_back(ch);
  }
  std::vector<std::string> out;
  if (n_ambiguous == 0 || max_variants == 0) return out;
  // Every combination but the all-default one, in bit order (first letters first).
  const std::size_t combos = std::size_t{1} << std::min<std::size_t>(n_ambiguous, 4);
  for (std::size_t mask = 1; mask < combos && out.size() < max_variants; ++mask) {
    std::string text;
    std::size_t k = 0;
    for (const Choice& ch : choices) {
      const bool alt = ch.ambiguous && k < 4 && ((mask >> k++) & 1U);
      text += alt ? ch.alternative : ch.base;
    }
    out.push_back(std::move(text));
  }
  return out;
}

}  // namespace nexus::screening
