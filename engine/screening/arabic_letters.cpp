#include "engine/screening/arabic_letters.hpp"

#include <array>

namespace nexus::screening {
namespace {

// Letter codes (one ASCII character per letter; what abjad_alignment.cpp reads):
//   a alif (all hamza and madda forms)   ' hamza       b beh      p peh
//   t teh, tteh                          V theh        j jeem     c tcheh
//   H hah        x khah      d dal, ddal        D thal        r reh, rreh
//   z zain       J jeh       s seen      S sheen       C sad         P dad
//   T tah        Z zah       E ain       G ghain       f feh         v veh
//   q qaf        k kaf, keheh            g gaf         l lam         m meem
//   n noon, noon ghunna      h heh, heh goal           A heh doachashmee (aspiration)
//   w waw (and hamza on waw)  y yeh, farsi yeh (and hamza on yeh)      Y alef maksura
//   e yeh barree   O teh marbuta   1 2 3 fatha, damma, kasra (written short vowels)
// The Latin text is what ICU's Any-Latin + Latin-ASCII gives for the letter (ta
// marbuta as "h", see name_normalizer.cpp), so index keys do not change; letters
// ICU drops (Urdu heh forms, yeh barree, retroflexes) get their usual spelling.
struct Row {
  char32_t cp;
  ArabicLetter letter;
};

constexpr Row kRows[] = {
    {0x060C, {" ", " "}},                         // Arabic comma
    {0x061B, {" ", " "}},                         // semicolon
    {0x061F, {" ", " "}},                         // question mark
    {0x0621, {"", "'"}},                          // hamza
    {0x0622, {"a", "a"}},                         // alef with madda
    {0x0623, {"a", "a"}},                         // alef with hamza above
    {0x0624, {"w", "w"}},                         // waw with hamza
    {0x0625, {"a", "a"}},                         // alef with hamza below
    {0x0626, {"y", "y"}},                         // yeh with hamza
    {0x0627, {"a", "a"}},                         // alef
    {0x0628, {"b", "b"}},  {0x0629, {"h", "O"}},  // teh marbuta
    {0x062A, {"t", "t"}},  {0x062B, {"th", "V"}}, {0x062C, {"j", "j"}},
    {0x062D, {"h", "H"}},  {0x062E, {"kh", "x"}}, {0x062F, {"d", "d"}},
    {0x0630, {"dh", "D"}}, {0x0631, {"r", "r"}},  {0x0632, {"z", "z"}},
    {0x0633, {"s", "s"}},  {0x0634, {"sh", "S"}}, {0x0635, {"s", "C"}},
    {0x0636, {"d", "P"}},  {0x0637, {"t", "T"}},  {0x0638, {"z", "Z"}},
    {0x0639, {"", "E"}},                        // ain: ICU's modifier letter, joined away
    {0x063A, {"gh", "G"}}, {0x0640, {"", ""}},  // tatweel
    {0x0641, {"f", "f"}},  {0x0642, {"q", "q"}},  {0x0643, {"k", "k"}},
    {0x0644, {"l", "l"}},  {0x0645, {"m", "m"}},  {0x0646, {"n", "n"}},
    {0x0647, {"h", "h"}},  {0x0648, {"w", "w"}},  {0x0649, {"y", "Y"}},  // alef maksura
    {0x064A, {"y", "y"}},  {0x064B, {"", ""}},                           // tanwin fath, damm, kasr
    {0x064C, {"", ""}},    {0x064D, {"", ""}},    {0x064E, {"a", "1"}},  // fatha
    {0x064F, {"u", "2"}},                                                // damma
    {0x0650, {"i", "3"}},                                                // kasra
    {0x0651, {"", ""}},                                                  // shadda
    {0x0652, {"", ""}},                                                  // sukun
    {0x0653, {"", ""}},                                                  // madda above
    {0x0654, {"", ""}},                                                  // hamza above
    {0x0655, {"", ""}},                                                  // hamza below
    {0x0660, {"0", "0"}},  {0x0661, {"1", "1"}},  {0x0662, {"2", "2"}},
    {0x0663, {"3", "3"}},  {0x0664, {"4", "4"}},  {0x0665, {"5", "5"}},
    {0x0666, {"6", "6"}},  {0x0667, {"7", "7"}},  {0x0668, {"8", "8"}},
    {0x0669, {"9", "9"}},  {0x066A, {" ", " "}},  // percent sign, separators
    {0x066B, {" ", " "}},  {0x066C, {" ", " "}},  {0x066D, {" ", " "}},
    {0x0670, {"a", "a"}},                          // superscript alef
    {0x0671, {"a", "a"}},                          // alef wasla
    {0x0679, {"t", "t"}},                          // tteh (Urdu)
    {0x067C, {"t", "t"}},                          // teh with ring (Pashto)
    {0x067E, {"p", "p"}},  {0x0681, {"dz", "J"}},  // hah with hamza (Pashto dze)
    {0x0685, {"ts", "s"}},                         // hah with three dots (Pashto tse)
    {0x0686, {"ch", "c"}}, {0x0688, {"d", "d"}},   // ddal (Urdu)
    {0x0689, {"d", "d"}},                          // dal with ring (Pashto)
    {0x0691, {"r", "r"}},                          // rreh (Urdu)
    {0x0693, {"r", "r"}},                          // reh with ring (Pashto)
    {0x0696, {"zh", "J"}}, {0x0698, {"zh", "J"}}, {0x069A, {"sh", "S"}},  // Pashto xin
    {0x06A4, {"v", "v"}},  {0x06A8, {"g", "q"}},                          // Maghrebi qaf
    {0x06A9, {"k", "k"}},                                                 // keheh
    {0x06AA, {"k", "k"}},  {0x06AB, {"g", "g"}},  {0x06AF, {"g", "g"}},
    {0x06BA, {"n", "n"}},                         // noon ghunna
    {0x06BC, {"n", "n"}},  {0x06BE, {"h", "A"}},  // heh doachashmee: aspiration (bh, kh, ph)
    {0x06C0, {"h", "h"}},  {0x06C1, {"h", "h"}},  // heh goal
    {0x06C2, {"h", "h"}},  {0x06C3, {"h", "O"}},  // teh marbuta goal
    {0x06C6, {"w", "w"}},  {0x06C7, {"w", "w"}},  {0x06CB, {"w", "w"}},
    {0x06CC, {"y", "y"}},                                                // farsi yeh
    {0x06CD, {"y", "y"}},  {0x06D0, {"y", "y"}},  {0x06D2, {"e", "e"}},  // yeh barree
    {0x06D3, {"e", "e"}},  {0x06D4, {" ", " "}},                         // full stop
    {0x06F0, {"0", "0"}},  {0x06F1, {"1", "1"}},  {0x06F2, {"2", "2"}},
    {0x06F3, {"3", "3"}},  {0x06F4, {"4", "4"}},  {0x06F5, {"5", "5"}},
    {0x06F6, {"6", "6"}},  {0x06F7, {"7", "7"}},  {0x06F8, {"8", "8"}},
    {0x06F9, {"9", "9"}},
};

struct Table {
  std::array<const ArabicLetter*, 0x100> by_offset{};
  constexpr Table() {
    for (const Row& r : kRows) by_offset[r.cp - 0x0600] = &r.letter;
  }
};

constexpr Table kTable;

}  // namespace

const ArabicLetter* arabic_letter(char32_t cp) {
  if (cp < 0x0600 || cp > 0x06FF) return nullptr;
  return kTable.by_offset[cp - 0x0600];
}

bool is_arabic_presentation_form(char32_t cp) {
  return (cp >= 0xFB50 && cp <= 0xFDFF) || (cp >= 0xFE70 && cp <= 0xFEFF);
}

}  // namespace nexus::screening
