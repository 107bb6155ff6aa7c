#include "engine/screening/cjk_readings.hpp"

#include "engine/screening/name_normalizer.hpp"
#include "engine/screening/utf8.hpp"

#include <algorithm>
#include <array>
#include <fstream>

namespace nexus::screening {
namespace {

constexpr char32_t kHangulFirst = 0xAC00;
constexpr char32_t kHangulLast = 0xD7A3;

bool is_hangul(char32_t cp) { return cp >= kHangulFirst && cp <= kHangulLast; }
bool is_han(char32_t cp) {
  return (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
         (cp >= 0xF900 && cp <= 0xFAFF);  // compatibility ideographs (hanja.txt has some)
}
bool is_kana(char32_t cp) { return cp >= 0x3040 && cp <= 0x30FF; }

// A Hangul syllable is (initial * 21 + medial) * 28 + final from U+AC00 (Unicode 15,
// section 3.12, "Conjoining Jamo Behavior").
struct Jamo {
  int initial;  // 0..18: ㄱ ㄲ ㄴ ㄷ ㄸ ㄹ ㅁ ㅂ ㅃ ㅅ ㅆ ㅇ ㅈ ㅉ ㅊ ㅋ ㅌ ㅍ ㅎ
  int medial;  // 0..20: ㅏ ㅐ ㅑ ㅒ ㅓ ㅔ ㅕ ㅖ ㅗ ㅘ ㅙ ㅚ ㅛ ㅜ ㅝ ㅞ ㅟ ㅠ ㅡ ㅢ ㅣ
  int final;  // 0..27: none ㄱ ㄲ ㄳ ㄴ ㄵ ㄶ ㄷ ㄹ ㄺ ㄻ ㄼ ㄽ ㄾ ㄿ ㅀ ㅁ ㅂ ㅄ ㅅ ㅆ ㅇ ㅈ ㅊ ㅋ
              // ㅌ ㅍ ㅎ
};
Jamo jamo_of(char32_t syllable) {
  const int s = static_cast<int>(syllable - kHangulFirst);
  return Jamo{s / 588, (s % 588) / 28, s % 28};
}

// Revised Romanization of Korean (Ministry of Culture and Tourism notice 2000-8): initials,
// vowels and syllable-final consonants. Personal names are romanised syllable by syllable,
// without the sound changes between syllables (rule 3.4).
constexpr std::array<std::string_view, 19> kRrInitial = {"g",  "kk", "n", "d",  "tt", "r", "m",
                                                         "b",  "pp", "s", "ss", "",   "j", "jj",
                                                         "ch", "k",  "t", "p",  "h"};
constexpr std::array<std::string_view, 21> kRrMedial = {"a",  "ae", "ya", "yae", "eo", "e",  "yeo",
                                                        "ye", "o",  "wa", "wae", "oe", "yo", "u",
                                                        "wo", "we", "wi", "yu",  "eu", "ui", "i"};
constexpr std::array<std::string_view, 28> kFinal = {
    "",  "k", "k", "k", "n", "n", "n", "t",  "l", "k", "m", "l", "l", "l",
    "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"};
// McCune-Reischauer (1939) and the DPRK's 1992 system (UNGEGN, "Report on the current
// status of United Nations romanization systems for geographical names", Korean), both
// with the breves (ŏ ŭ) and MR's aspiration apostrophes dropped, as the lists write
// them (KIM CHOL SAM, CH'OE / CHOE): word-initial ㄱ ㄷ ㅂ ㅈ are k t p ch, voiced g d b
// j after a vowel or a nasal/liquid; DPRK writes ㅈ j everywhere and the aspirates kh th ph.
constexpr std::array<std::string_view, 19> kMrInitial = {"k",  "kk", "n", "t",  "tt", "r",  "m",
                                                         "p",  "pp", "s", "ss", "",   "ch", "tch",
                                                         "ch", "k",  "t", "p",  "h"};
constexpr std::array<std::string_view, 19> kMrVoiced = {"g",  "kk", "n", "d",  "tt", "r", "m",
                                                        "b",  "pp", "s", "ss", "",   "j", "tch",
                                                        "ch", "k",  "t", "p",  "h"};
constexpr std::array<std::string_view, 19> kDprkInitial = {"k",  "kk", "n",  "t",  "tt", "r", "m",
                                                           "p",  "pp", "s",  "ss", "",   "j", "jj",
                                                           "ch", "kh", "th", "ph", "h"};
constexpr std::array<std::string_view, 19> kDprkVoiced = {"g",  "kk", "n",  "d",  "tt", "r", "m",
                                                          "b",  "pp", "s",  "ss", "",   "j", "jj",
                                                          "ch", "kh", "th", "ph", "h"};
constexpr std::array<std::string_view, 21> kMrMedial = {"a",  "ae", "ya", "yae", "o",  "e",  "yo",
                                                        "ye", "o",  "wa", "wae", "oe", "yo", "u",
                                                        "wo", "we", "wi", "yu",  "u",  "ui", "i"};

// Customary vowels (passport and press spellings: Chung, Hyun, Kyung, Myung, Hee).
constexpr std::array<std::string_view, 21> kCustomaryMedial = {
    "a",  "ae", "ya", "yae", "u",  "e",  "yu", "ye", "o",  "wa", "wae",
    "oe", "yo", "u",  "wo",  "we", "wi", "yu", "eu", "ui", "i"};

// Finals after which MR and DPRK voice the next plain stop: none (a vowel), ㄴ ㄹ ㅁ ㅇ.
bool voices_next(int final) {
  return final == 0 || final == 4 || final == 8 || final == 16 || final == 21;
}

// Customary spellings of Korean surnames, most usual first. Sources: the "common
// romanizations" of Wikipedia's "List of Korean surnames" (read 2026) after the National
// Institute of the Korean Language's 2009 survey of passport spellings (Lee 2009: 이 Lee,
// 박 Park, 최 Choi, 정 Jung/Jeong/Chung), and, for North Korean bearers, the spellings of
// the UN Consolidated List's DPRK entries (RI, RIM, RYU, RA, RO, PAK, CHOE, JON).
// Roughly in order of frequency (Statistics Korea, 2015 census: 김, 이, 박, 최, 정 lead),
// the North Korean initial-ㄹ forms (리, 림, 량, 로, 라) beside their southern ones. The
// order decides which reading of a Hanja is its surname reading (korean_surname_rank).
using SurnameList = std::vector<std::pair<char32_t, std::vector<std::string_view>>>;
const SurnameList& surname_list() {
  static const SurnameList table = {
      {U'김', {"kim", "gim"}},
      {U'이', {"lee", "yi", "rhee", "i", "ri", "li"}},
      {U'리', {"ri", "lee", "li", "yi", "rhee"}},
      {U'박', {"park", "pak", "bak", "bahk"}},
      {U'최', {"choi", "choe", "chey"}},
      {U'정', {"jung", "jeong", "chung", "jong", "cheong"}},
      {U'강', {"kang", "gang"}},
      {U'조', {"cho", "jo", "joe"}},
      {U'윤', {"yoon", "yun"}},
      {U'장', {"jang", "chang"}},
      {U'임', {"lim", "im", "rim", "yim"}},
      {U'림', {"rim", "lim", "im"}},
      {U'한', {"han"}},
      {U'오', {"oh", "o"}},
      {U'서', {"seo", "suh", "so"}},
      {U'신', {"shin", "sin", "shinn"}},
      {U'권', {"kwon", "gwon"}},
      {U'황', {"hwang"}},
      {U'안', {"ahn", "an"}},
      {U'송', {"song"}},
      {U'류', {"ryu", "yu", "yoo", "ryoo"}},
      {U'유', {"yoo", "yu", "ryu"}},
      {U'전', {"jeon", "chun", "jun", "chon", "jon"}},
      {U'홍', {"hong"}},
      {U'고', {"ko", "go", "koh"}},
      {U'문', {"moon", "mun"}},
      {U'양', {"yang", "ryang"}},
      {U'량', {"ryang", "yang"}},
      {U'손', {"son", "sohn"}},
      {U'배', {"bae", "pae"}},
      {U'백', {"baek", "paek", "paik"}},
      {U'허', {"heo", "hur", "huh", "ho"}},
      {U'노', {"noh", "roh", "no", "ro"}},
      {U'로', {"ro", "roh", "noh"}},
      {U'남', {"nam"}},
      {U'심', {"shim", "sim"}},
      {U'하', {"ha"}},
      {U'곽', {"kwak", "gwak"}},
      {U'성', {"sung", "seong", "song"}},
      {U'차', {"cha"}},
      {U'주', {"joo", "ju", "chu"}},
      {U'우', {"woo", "u"}},
      {U'구', {"koo", "ku", "gu"}},
      {U'나', {"na", "ra"}},
      {U'라', {"ra", "na"}},
      {U'민', {"min"}},
      {U'진', {"jin", "chin"}},
      {U'지', {"ji", "chi"}},
      {U'엄', {"um", "eom", "om"}},
      {U'채', {"chae"}},
      {U'원', {"won"}},
      {U'천', {"cheon", "chun", "chon"}},
      {U'방', {"bang", "pang"}},
      {U'공', {"kong", "gong"}},
      {U'현', {"hyun", "hyeon", "hyon"}},
      {U'함', {"ham"}},
      {U'변', {"byun", "byeon", "pyon"}},
      {U'염', {"yeom", "yum", "ryom"}},
      {U'여', {"yeo", "yo", "yuh"}},
      {U'추', {"choo", "chu"}},
      {U'도', {"do", "doh", "to"}},
      {U'석', {"seok", "suk", "sok"}},
      {U'선', {"sun", "seon", "son"}},
      {U'설', {"seol", "sul", "sol"}},
      {U'마', {"ma"}},
      {U'길', {"gil", "kil"}},
      {U'연', {"yeon", "yun", "yon"}},
      {U'위', {"wi", "wee"}},
      {U'표', {"pyo"}},
      {U'명', {"myung", "myeong", "myong"}},
      {U'기', {"ki", "gi"}},
      {U'반', {"ban", "pan"}},
      {U'왕', {"wang"}},
      {U'금', {"keum", "geum", "kum"}},
      {U'옥', {"ok"}},
      {U'육', {"yuk", "yook"}},
      {U'인', {"in"}},
      {U'맹', {"maeng"}},
      {U'제', {"je"}},
      {U'모', {"mo"}},
      {U'탁', {"tak"}},
      {U'국', {"kook", "guk", "kuk"}},
      {U'태', {"tae"}},
      {U'봉', {"bong", "pong"}},
      {U'용', {"yong"}},
      {U'경', {"kyung", "gyeong", "kyong"}},
      {U'편', {"pyun", "pyeon", "pyon"}},
      {U'은', {"eun", "un"}},
      {U'계', {"kye", "gye"}},
      {U'피', {"pi", "phi"}},
      {U'두', {"doo", "du", "tu"}},
      {U'승', {"seung", "sung"}},
      {U'단', {"dan", "tan"}},
      {U'견', {"kyun", "gyeon", "kyon"}},
      {U'음', {"eum", "um"}},
  };
  return table;
}

struct SurnameIndex {
  std::unordered_map<char32_t, std::size_t> rank;
};
const SurnameIndex& surname_index() {
  static const SurnameIndex index = [] {
    SurnameIndex out;
    const SurnameList& list = surname_list();
    for (std::size_t i = 0; i < list.size(); ++i) out.rank.emplace(list[i].first, i);
    return out;
  }();
  return index;
}

// Pinyin initials, longest first, and their Wade-Giles spellings. Source: the Library of
// Congress "Pinyin Conversion Project: New Chinese Romanization Guidelines" (2000) and
// its Wade-Giles to pinyin conversion table; apostrophes mark aspiration.
struct Initial {
  std::string_view pinyin;
  std::string_view wade_giles;
};
constexpr std::array<Initial, 21> kPinyinInitials = {{
    {"zh", "ch"}, {"ch", "ch'"}, {"sh", "sh"}, {"b", "p"}, {"p", "p'"}, {"m", "m"},   {"f", "f"},
    {"d", "t"},   {"t", "t'"},   {"n", "n"},   {"l", "l"}, {"g", "k"},  {"k", "k'"},  {"h", "h"},
    {"j", "ch"},  {"q", "ch'"},  {"x", "hs"},  {"r", "j"}, {"z", "ts"}, {"c", "ts'"}, {"s", "s"},
}};

bool is_pinyin_final(std::string_view f) {
  static constexpr std::array<std::string_view, 35> kFinals = {
      "a",   "ai",   "an",  "ang",  "ao", "e",   "ei",   "en", "eng", "er",  "i",  "ia",
      "ian", "iang", "iao", "ie",   "in", "ing", "iong", "iu", "o",   "ong", "ou", "u",
      "ua",  "uai",  "uan", "uang", "ue", "ui",  "un",   "uo", "v",   "ve",  "van"};
  return std::find(kFinals.begin(), kFinals.end(), f) != kFinals.end();
}

std::string syllable_utf8(char32_t cp) {
  std::string out;
  append_utf8(cp, out);
  return out;
}

// One word of a name: a run of Han or of Hangul characters.
struct CjkWord {
  std::u32string chars;
  bool hangul = false;
};

std::vector<CjkWord> cjk_words(std::string_view utf8) {
  std::vector<CjkWord> words;
  CjkWord current;
  auto flush = [&] {
    if (!current.chars.empty()) words.push_back(std::move(current));
    current = CjkWord{};
  };
  for (std::size_t i = 0; i < utf8.size();) {
    const char32_t cp = next_code_point(utf8, i);
    const bool hangul = is_hangul(cp);
    if (!hangul && !is_han(cp)) {
      flush();
      continue;
    }
    if (!current.chars.empty() && current.hangul != hangul) flush();
    current.hangul = hangul;
    current.chars.push_back(cp);
  }
  flush();
  return words;
}

// A word of two to four characters is read as a person's name: surname, then given name
// (Korean and Chinese surnames are one character, save a few two-character ones).
bool person_like(const CjkWord& w) { return w.chars.size() >= 2 && w.chars.size() <= 4; }

// Of a Hanja's readings, the most common Korean surname (金: 김 Kim, not 금 Keum); the
// first reading when none is a surname.
char32_t surname_reading(const std::vector<char32_t>& readings) {
  char32_t best = readings.front();
  int best_rank = -1;
  for (char32_t r : readings) {
    const int rank = korean_surname_rank(r);
    if (rank >= 0 && (best_rank < 0 || rank < best_rank)) {
      best = r;
      best_rank = rank;
    }
  }
  return best;
}

void add_unique(std::vector<std::string>& out, std::string s) {
  if (!s.empty() && std::find(out.begin(), out.end(), s) == out.end()) out.push_back(std::move(s));
}

// The cross product of alternatives per word, joined by spaces (first alternatives first),
// at most max.
void cross(const std::vector<std::vector<std::string>>& words, std::size_t max,
           std::vector<std::string>& out) {
  std::vector<std::string> partial{""};
  for (const auto& alternatives : words) {
    std::vector<std::string> next;
    for (const auto& p : partial) {
      for (const auto& a : alternatives) {
        if (next.size() >= max) break;
        next.push_back(p.empty() ? a : p + " " + a);
      }
    }
    partial = std::move(next);
  }
  for (auto& p : partial) add_unique(out, std::move(p));
}

}  // namespace

std::string romanize_hangul(std::u32string_view syllables, KoreanRomanization system) {
  std::string out;
  int previous_final = -1;  // -1: at the start of the word
  for (char32_t cp : syllables) {
    if (!is_hangul(cp)) continue;
    const Jamo j = jamo_of(cp);
    if (!out.empty()) out.push_back(' ');
    const bool voiced = previous_final >= 0 && voices_next(previous_final);
    const auto ui = static_cast<std::size_t>(j.initial);
    const auto um = static_cast<std::size_t>(j.medial);
    switch (system) {
      case KoreanRomanization::kRevised:
        out += kRrInitial[ui];
        out += kRrMedial[um];
        break;
      case KoreanRomanization::kMcCuneReischauer:
        out += voiced ? kMrVoiced[ui] : kMrInitial[ui];
        // MR writes ㅅ before ㅣ and ㅟ as sh (시 shi, 쉬 shwi).
        if (j.initial == 9 && (j.medial == 20 || j.medial == 16)) out.push_back('h');
        out += kMrMedial[um];
        break;
      case KoreanRomanization::kDprk:
        out += voiced ? kDprkVoiced[ui] : kDprkInitial[ui];
        out += kMrMedial[um];
        break;
      case KoreanRomanization::kCustomary:
        out += voiced ? kMrVoiced[ui] : kMrInitial[ui];
        if (j.initial == 11 && j.medial == 6 && j.final == 21) {
          out += "you";  // 영 Young
        } else if (j.initial != 11 && j.medial == 19) {
          out += "ee";  // 희 Hee
        } else {
          out += kCustomaryMedial[um];
        }
        break;
    }
    out += kFinal[static_cast<std::size_t>(j.final)];
    previous_final = j.final;
  }
  return out;
}

const std::vector<std::string_view>& korean_surname_spellings(char32_t syllable) {
  static const std::vector<std::string_view> kNone;
  const int rank = korean_surname_rank(syllable);
  return rank < 0 ? kNone : surname_list()[static_cast<std::size_t>(rank)].second;
}

int korean_surname_rank(char32_t syllable) {
  const auto& rank = surname_index().rank;
  auto it = rank.find(syllable);
  return it == rank.end() ? -1 : static_cast<int>(it->second);
}

std::string pinyin_to_wade_giles(std::string_view syllable) {
  // Whole syllables that do not follow the initial + final rules (Library of Congress
  // table): the "empty rhyme" after sibilants, and y-/w- spellings.
  static const std::unordered_map<std::string_view, std::string_view> kWhole = {
      {"zhi", "chih"}, {"chi", "ch'ih"}, {"shi", "shih"}, {"ri", "jih"},    {"zi", "tzu"},
      {"ci", "tz'u"},  {"si", "ssu"},    {"er", "erh"},   {"e", "o"},       {"yi", "i"},
      {"you", "yu"},   {"yan", "yen"},   {"ye", "yeh"},   {"yong", "yung"}, {"yue", "yueh"},
      {"yu", "yu"},    {"yuan", "yuan"}, {"yun", "yun"},  {"wu", "wu"},     {"o", "o"},
      {"a", "a"},      {"ai", "ai"},     {"an", "an"},    {"ang", "ang"},   {"ao", "ao"},
      {"ei", "ei"},    {"en", "en"},     {"eng", "eng"},  {"ou", "ou"},
  };
  if (auto it = kWhole.find(syllable); it != kWhole.end()) return std::string(it->second);
  const Initial* initial = nullptr;
  for (const Initial& i : kPinyinInitials) {
    if (syllable.starts_with(i.pinyin)) {
      initial = &i;
      break;
    }
  }
  std::string_view pinyin_initial = initial != nullptr ? initial->pinyin : std::string_view();
  if (syllable.starts_with("y") || syllable.starts_with("w"))
    pinyin_initial = syllable.substr(0, 1);
  const std::string_view final = syllable.substr(pinyin_initial.size());
  if (!is_pinyin_final(final)) return std::string(syllable);
  std::string out(initial != nullptr ? initial->wade_giles : pinyin_initial);
  const bool velar = pinyin_initial == "g" || pinyin_initial == "k" || pinyin_initial == "h";
  if (final == "ong") {
    out += "ung";
  } else if (final == "iong") {
    out += "iung";
  } else if (final == "ian") {
    out += "ien";
  } else if (final == "ie") {
    out += "ieh";
  } else if (final == "ue" || final == "ve") {
    out += "ueh";
  } else if (final == "uo") {
    // duo to, zhuo cho, but guo kuo, kuo k'uo, huo huo, shuo shuo.
    out += velar || pinyin_initial == "sh" ? "uo" : "o";
  } else if (final == "e") {
    // ge ko, ke k'o, he ho; de te, zhe che, she she.
    out += velar ? "o" : "e";
  } else if (final == "ui") {
    out += velar && pinyin_initial != "h" ? "uei" : "ui";
  } else if (final == "v") {
    out += "u";
  } else if (final == "van") {
    out += "uan";
  } else {
    out += final;
  }
  return out;
}

bool is_korean_entry(const ListEntry& entry) {
  if (entry.reference.starts_with("KP")) return true;
  for (std::string_view p : {"DPRK", "NKSPEA"}) {
    if (entry.programme.find(p) != std::string::npos) return true;
  }
  return std::any_of(entry.countries.begin(), entry.countries.end(),
                     [](const std::string& c) { return c == "KP" || c == "KR"; });
}

bool may_hold_cjk(std::string_view utf8_text) {
  // U+3000-U+DFFF are three-byte sequences led by 0xE3-0xED; Latin, Arabic and Cyrillic
  // names hold none.
  for (char c : utf8_text) {
    const auto b = static_cast<unsigned char>(c);
    if (b >= 0xE3 && b <= 0xED) return true;
  }
  return false;
}

Result<CjkReadings> CjkReadings::load(std::string_view hanja_path) {
  const std::string path(hanja_path);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error("hanja", "cannot read the Hanja table " + path +
                                   " (install the Debian package libhangul-data)");
  }
  // Read whole, then split: getline over the 6 MB file costs twice as much.
  in.seekg(0, std::ios::end);
  std::string text(static_cast<std::size_t>(std::max<std::streamoff>(in.tellg(), 0)), '\0');
  in.seekg(0, std::ios::beg);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  CjkReadings out;
  for (std::size_t start = 0, end = 0; start < text.size(); start = end + 1) {
    end = std::min(text.find('\n', start), text.size());
    const std::string_view line(text.data() + start, end - start);
    // "김:金:사람의 성 김, 쇠 김": one Hangul syllable, one Han character, the meaning.
    if (line.empty() || line[0] == '#') continue;
    std::size_t i = 0;
    const char32_t hangul = next_code_point(line, i);
    if (!is_hangul(hangul) || i >= line.size() || line[i] != ':') continue;
    ++i;
    if (i >= line.size()) continue;
    const char32_t han = next_code_point(line, i);
    if (!is_han(han) || i >= line.size() || line[i] != ':') continue;
    auto& readings = out.hanja_[han];
    if (std::find(readings.begin(), readings.end(), hangul) == readings.end()) {
      readings.push_back(hangul);
    }
  }
  if (out.hanja_.empty()) {
    return make_error("hanja", "the Hanja table " + path + " holds no single-character entry");
  }
  return out;
}

const std::vector<char32_t>* CjkReadings::hanja_readings(char32_t han,
                                                         NameNormalizer& normalizer) const {
  auto it = hanja_.find(han);
  // The table is written in traditional characters (Hanja); Chinese names are often in
  // simplified ones (金铁三 for 金鐵三): those read as their traditional form.
  if (it == hanja_.end() && !hanja_.empty()) it = hanja_.find(normalizer.traditional_han(han));
  return it == hanja_.end() ? nullptr : &it->second;
}

std::string CjkReadings::hanja_to_hangul(std::string_view utf8_name,
                                         NameNormalizer& normalizer) const {
  std::string out;
  bool word_start = true;
  for (std::size_t i = 0; i < utf8_name.size();) {
    const char32_t cp = next_code_point(utf8_name, i);
    const std::vector<char32_t>* readings = is_han(cp) ? hanja_readings(cp, normalizer) : nullptr;
    if (readings == nullptr || readings->empty()) {
      append_utf8(cp, out);
      word_start = !is_han(cp);
      continue;
    }
    const char32_t reading = word_start ? surname_reading(*readings) : readings->front();
    append_utf8(reading, out);
    word_start = false;
  }
  return out;
}

std::vector<std::string> CjkReadings::readings(std::string_view utf8_name,
                                               NameNormalizer& normalizer, bool korean,
                                               std::size_t max_readings) const {
  std::vector<std::string> out;
  if (!may_hold_cjk(utf8_name)) return out;
  // Japanese names (kana beside kanji) are read neither as Chinese nor as Korean.
  for (std::size_t i = 0; i < utf8_name.size();) {
    if (is_kana(next_code_point(utf8_name, i))) return out;
  }
  const std::vector<CjkWord> words = cjk_words(utf8_name);
  if (words.empty()) return out;

  // Korean readings of each word: Hangul as written, Han through the Hanja table.
  // Per word, its alternatives: the surname's customary spellings and the given name in
  // each system, or the whole word in each system.
  auto korean_alternatives = [&](const std::u32string& hangul, bool name) {
    std::vector<std::string> alternatives;
    constexpr std::array<KoreanRomanization, 4> kSystems = {
        KoreanRomanization::kDprk, KoreanRomanization::kMcCuneReischauer,
        KoreanRomanization::kRevised, KoreanRomanization::kCustomary};
    // A surname written apart ("김 정은"): its customary spellings first.
    if (!name && hangul.size() == 1) {
      for (std::string_view s : korean_surname_spellings(hangul[0]))
        add_unique(alternatives, std::string(s));
    }
    if (!name) {
      for (auto s : kSystems) add_unique(alternatives, romanize_hangul(hangul, s));
      return alternatives;
    }
    std::vector<std::string> surnames;
    std::vector<std::string> given;
    for (auto s : kSystems) {
      add_unique(given, romanize_hangul(std::u32string_view(hangul).substr(1), s));
    }
    for (std::string_view s : korean_surname_spellings(hangul[0]))
      add_unique(surnames, std::string(s));
    for (auto s : kSystems) add_unique(surnames, romanize_hangul(hangul.substr(0, 1), s));
    for (const auto& s : surnames) {
      for (const auto& g : given) add_unique(alternatives, s + " " + g);
    }
    return alternatives;
  };

  // The Korean reading of a Han word: the surname by a reading that is a Korean surname.
  auto hangul_of = [&](const CjkWord& w, bool name) {
    std::u32string hangul;
    for (std::size_t k = 0; k < w.chars.size(); ++k) {
      const std::vector<char32_t>* r = hanja_readings(w.chars[k], normalizer);
      if (r == nullptr || r->empty()) return std::u32string();
      hangul.push_back(k == 0 && name ? surname_reading(*r) : r->front());
    }
    return hangul;
  };

  // Whether a Han name reads as Korean by its surname: its first word is a name whose
  // first character has a reading in the surname table.
  bool read_korean = korean || words.front().hangul;
  if (!read_korean && person_like(words.front())) {
    if (const auto* r = hanja_readings(words.front().chars[0], normalizer)) {
      read_korean = std::any_of(r->begin(), r->end(),
                                [](char32_t c) { return !korean_surname_spellings(c).empty(); });
    }
  }

  const bool all_hangul =
      std::all_of(words.begin(), words.end(), [](const CjkWord& w) { return w.hangul; });
  if (read_korean) {
    std::vector<std::vector<std::string>> per_word;
    bool complete = true;
    for (std::size_t k = 0; k < words.size() && complete; ++k) {
      const bool name = k == 0 && person_like(words[k]);
      const std::u32string hangul = words[k].hangul ? words[k].chars : hangul_of(words[k], name);
      if (hangul.empty()) {
        complete = false;
        break;
      }
      per_word.push_back(korean_alternatives(hangul, name));
    }
    if (complete) cross(per_word, max_readings, out);
  }

  // Mandarin readings of Han words: pinyin from ICU (via the normaliser's per-character
  // table, tones folded away), the given name joined ("xi jinping"); Wade-Giles with the
  // given name hyphenated ("hsi chin-p'ing").
  if (!all_hangul) {
    std::string pinyin;
    std::string wade_giles;
    bool complete = true;
    for (std::size_t k = 0; k < words.size() && complete; ++k) {
      const CjkWord& w = words[k];
      const bool name = k == 0 && person_like(w);
      for (std::size_t c = 0; c < w.chars.size(); ++c) {
        std::string syllable;
        if (w.hangul) {
          syllable =
              romanize_hangul(std::u32string_view(&w.chars[c], 1), KoreanRomanization::kRevised);
        } else {
          const NormalizedName n = normalizer.normalize(syllable_utf8(w.chars[c]));
          if (n.tokens.size() != 1) {
            complete = false;
            break;
          }
          syllable = n.tokens[0].text;
        }
        // Inside a given name the syllables are joined (pinyin) or hyphenated (Wade-Giles).
        const bool inside_given_name = name && c >= 2;
        if (!pinyin.empty() && !inside_given_name) pinyin.push_back(' ');
        if (!wade_giles.empty()) wade_giles.push_back(inside_given_name ? '-' : ' ');
        pinyin += syllable;
        wade_giles += w.hangul ? syllable : pinyin_to_wade_giles(syllable);
      }
    }
    if (complete) {
      if (out.size() < max_readings) add_unique(out, pinyin);
      if (out.size() < max_readings) add_unique(out, wade_giles);
    }
  }
  // What ICU gives already (the query's own form) is not a reading.
  const std::string plain = normalizer.normalize(utf8_name).joined;
  out.erase(
      std::remove_if(out.begin(), out.end(),
                     [&](const std::string& r) { return normalizer.normalize(r).joined == plain; }),
      out.end());
  return out;
}

}  // namespace nexus::screening
