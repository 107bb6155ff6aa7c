#include "engine/screening/organisation_glossary.hpp"

#include "engine/screening/utf8.hpp"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <utility>

namespace nexus::screening {
namespace {

// A rendering that keeps the Arabic word as written (its transliteration is then
// compared, as in the original form): for names the Latin list transliterates
// in part ("JAMA'A NUSRAT UL-ISLAM").
constexpr std::string_view kKeep = "=";

struct GlossaryEntry {
  std::string_view arabic;
  std::string_view english;  // renderings separated by '|', best first; French where the UN uses it
};

// Organisation and group vocabulary of the UN and OFAC Arabic-script entity names.
// Keys are written without the article; letter variants are folded (see fold()).
constexpr GlossaryEntry kGlossary[] = {
    // What the organisation is.
    {"جماعة", "group|groupe|="},
    {"جماعات", "groups"},
    {"تنظيم", "organization|organisation"},
    {"منظمة", "organization|organisation"},
    {"حركة", "movement|mouvement"},
    {"جبهة", "front"},
    {"دولة", "state"},
    {"جيش", "army"},
    {"لواء", "brigade"},
    {"كتائب", "brigades"},
    {"كتيبة", "battalion"},
    {"شبكة", "network"},
    {"اتحاد", "union"},
    {"مؤسسة", "foundation|establishment"},
    {"جمعية", "society|association"},
    {"خيرية", "charitable|charity"},
    {"شركة", "company"},
    {"كمپني", "company"},  // Persian/Pashto کمپنی
    {"مكتب", "office"},
    {"صرافة", "money exchange|exchange"},
    {"بنك", "bank"},
    {"مصرف", "bank"},
    {"تجارة", "trading"},
    // What it stands for, who it is.
    {"إسلامية", "islamic|islamique"},
    {"إسلامي", "islamic|islamique"},
    {"إسلام", "islam"},
    {"مقاتلة", "fighting|combattant|combatant"},
    {"جهاد", "jihad"},
    {"توحيد", "unification"},
    {"تحرير", "liberation"},
    {"أنصار", "supporters"},
    {"مهاجرين", "emigrants"},
    {"مهاجرون", "emigrants"},
    {"مجاهدين", "mujahideen"},
    {"شباب", "youth"},
    {"أهل", "people"},
    {"لأهل", "for the people of|people"},
    // Where.
    {"ليبية", "libyan"},
    {"ليبيا", "libya"},
    {"مغربية", "moroccan|marocain"},
    {"مغرب", "maghreb"},
    {"تونسية", "tunisian|tunisien"},
    {"مصري", "egyptian"},
    {"مصرية", "egyptian"},
    {"عراق", "iraq"},
    {"شام", "levant"},
    {"يمن", "yemen"},
    {"عرب", "arabian|arab"},
    {"جزيرة", "peninsula"},
    {"غرب", "west|ouest"},
    {"إفريقيا", "africa|afrique"},
    {"أفريقيا", "africa|afrique"},
    // Function words.
    {"في", "in|en"},
    {"و", "and|et|wa"},
    {"او", "and"},  // Pashto "and" (Arabic "or" is rare in organisation names)
    {"د", ""},      // Pashto "of": not rendered
};

// Letter variants folded for the lookup: alif forms, ta marbuta, alif maksura and
// the Persian/Urdu yeh, heh and kaf; harakat and tatweel dropped.
std::u32string fold(std::string_view utf8) {
  std::u32string out;
  for (std::size_t i = 0; i < utf8.size();) {
    char32_t cp = next_code_point(utf8, i);
    if ((cp >= 0x064B && cp <= 0x0652) || cp == 0x0640 || cp == 0x0670) continue;
    switch (cp) {
      case 0x0623:  // أ
      case 0x0625:  // إ
      case 0x0622:  // آ
      case 0x0671:  // ٱ
        cp = 0x0627;
        break;
      case 0x0629:  // ة
      case 0x06BE:  // ھ
      case 0x06C1:  // ہ
        cp = 0x0647;
        break;
      case 0x0649:  // ى
      case 0x06CC:  // ی
        cp = 0x064A;
        break;
      case 0x06A9:  // ک
        cp = 0x0643;
        break;
      default:
        break;
    }
    out.push_back(cp);
  }
  return out;
}

std::string to_utf8(const std::u32string& s) {
  std::string out;
  for (char32_t cp : s) append_utf8(cp, out);
  return out;
}

using Renderings = std::vector<std::string_view>;

const std::unordered_map<std::string, Renderings>& table() {
  static const std::unordered_map<std::string, Renderings> t = [] {
    std::unordered_map<std::string, Renderings> m;
    for (const auto& e : kGlossary) {
      Renderings r;
      std::size_t start = 0;
      for (std::size_t i = 0; i <= e.english.size(); ++i) {
        if (i == e.english.size() || e.english[i] == '|') {
          r.push_back(e.english.substr(start, i - start));
          start = i + 1;
        }
      }
      m.emplace(to_utf8(fold(e.arabic)), std::move(r));
    }
    return m;
  }();
  return t;
}

const Renderings* find(const std::u32string& folded) {
  const auto& t = table();
  auto it = t.find(to_utf8(folded));
  return it == t.end() ? nullptr : &it->second;
}

constexpr char32_t kAlif = 0x0627, kLam = 0x0644, kWaw = 0x0648, kBeh = 0x0628;

// Attached prefixes, longest first: conjunction + article, preposition + article,
// lil- (lam + article without its alif), the article, conjunction, prepositions.
// `conjunction`: rendered "and" (the conjunction entry's renderings).
struct Prefix {
  std::u32string letters;
  bool conjunction;
};

const std::vector<Prefix>& prefixes() {
  static const std::vector<Prefix> p = {
      {{kWaw, kAlif, kLam}, true},
      {{kBeh, kAlif, kLam}, false},
      {{kLam, kLam}, false},
      {{kAlif, kLam}, false},
      {{kWaw}, true},
      {{kBeh}, false},
      {{kLam}, false},
  };
  return p;
}

struct Lookup {
  const Renderings* renderings = nullptr;
  bool conjunction = false;
};

Lookup lookup(const std::u32string& folded) {
  if (const Renderings* r = find(folded)) return {r, false};
  for (const Prefix& p : prefixes()) {
    if (folded.size() < p.letters.size() + 2 || !folded.starts_with(p.letters)) continue;
    if (const Renderings* r = find(folded.substr(p.letters.size()))) return {r, p.conjunction};
  }
  return {};
}

std::vector<std::string_view> split_words(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || space(s[i])) {
      if (i > start) out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> organisation_word_english(std::string_view arabic_word) {
  std::vector<std::string> out;
  const Lookup l = lookup(fold(arabic_word));
  if (l.renderings == nullptr) return out;
  const std::string_view conjunction = find(fold("و"))->front();
  for (std::string_view r : *l.renderings) {
    if (r == kKeep) continue;
    std::string rendered = l.conjunction ? std::string(conjunction) : std::string();
    if (!rendered.empty() && !r.empty()) rendered.push_back(' ');
    rendered += r;
    out.push_back(std::move(rendered));
  }
  return out;
}

std::vector<std::string> translate_organisation_words(std::string_view utf8_name) {
  constexpr std::size_t kMaxForms = 3;
  struct Word {
    std::string_view text;
    Lookup found;
  };
  std::vector<Word> words;
  std::size_t forms = 0;
  for (std::string_view w : split_words(utf8_name)) {
    Word word{w, lookup(fold(w))};
    if (word.found.renderings != nullptr) {
      forms = std::max(forms, std::min(kMaxForms, word.found.renderings->size()));
    }
    words.push_back(word);
  }
  std::vector<std::string> out;
  if (forms == 0) return out;
  const Renderings& conjunction = *find(fold("و"));
  auto pick = [](const Renderings& r, std::size_t k) { return r[std::min(k, r.size() - 1)]; };
  for (std::size_t k = 0; k < forms; ++k) {
    std::string form;
    auto add = [&form](std::string_view part) {
      if (part.empty()) return;
      if (!form.empty()) form.push_back(' ');
      form += part;
    };
    for (const Word& w : words) {
      if (w.found.renderings == nullptr) {
        // An untranslated word with the conjunction and the article attached
        // ("والمسلمين", "and the Muslims") is written apart ("wa al-muslimin").
        const std::u32string folded = fold(w.text);
        if (folded.size() > 5 && folded.starts_with(std::u32string{kWaw, kAlif, kLam})) {
          add(pick(conjunction, k));
          add(to_utf8(folded.substr(1)));
          continue;
        }
        add(w.text);
        continue;
      }
      const std::string_view r = pick(*w.found.renderings, k);
      if (r == kKeep) {
        add(w.text);
        continue;
      }
      if (w.found.conjunction) add(pick(conjunction, k));
      add(r);
    }
    if (std::find(out.begin(), out.end(), form) == out.end()) out.push_back(std::move(form));
  }
  return out;
}

}  // namespace nexus::screening
