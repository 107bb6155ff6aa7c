#include "engine/screening/name_particles.hpp"

#include <string>
#include <unordered_map>

namespace nexus::screening {
namespace {

// Word tables from the name conventions seen on UN, OFAC and EU lists (Arabic
// nasab/kunya particles, European particles) and OFAC/EU legal-form suffixes.
const std::unordered_map<std::string_view, TokenRole>& role_table() {
  static const std::unordered_map<std::string_view, TokenRole> table = [] {
    std::unordered_map<std::string_view, TokenRole> t;
    for (std::string_view w :
         {"al", "el", "ul", "ud", "ad", "ar", "as", "at", "az", "an", "bin", "ben", "ibn", "bint",
          "binti", "abu", "abou", "abo", "bu", "umm", "um", "ould", "wuld", "van", "von", "der",
          "den", "de", "del", "della", "di", "da", "dos", "das", "du", "la", "le", "y", "and", "of",
          "the", "mac", "mc", "st",
          // As Arabic script reads without vowels: ibn, bin, abu, bint; wa, fi.
          "bn", "abn", "abw", "bnt", "w", "wa", "wal", "fy", "fi", "wld",
          // The article assimilated to the next letter (Mati ur-Rehman, Shams ud-Din).
          "ur", "us", "ush", "uz", "ash"}) {
      t.emplace(w, TokenRole::kParticle);
    }
    for (std::string_view w :
         {"sheikh", "shaikh", "sheik", "shaykh", "sheykh", "mullah", "mulla", "mawlawi", "maulavi",
          "maulawi", "mawlavi", "moulavi", "qari", "hajji", "haji", "hajj", "alhaj", "alhaji",
          "sayyid", "sayed", "syed", "imam", "emir", "amir", "dr", "doctor", "mr", "mrs", "ms",
          "miss", "sir", "general", "gen", "colonel", "col", "major", "maj", "captain", "capt",
          "lieutenant", "lt", "brigadier", "admiral", "prof", "professor", "hon", "eng", "engineer",
          "ustadh", "ustaz", "mufti", "commander",
          // Generational suffixes (Delos Reyes Jr., in Arabic "al-ibn").
          "jr", "sr", "junior", "senior", "ii", "iii"}) {
      t.emplace(w, TokenRole::kHonorific);
    }
    for (std::string_view w : {"llc",
                               "ltd",
                               "limited",
                               "inc",
                               "incorporated",
                               "corp",
                               "corporation",
                               "co",
                               "company",
                               "plc",
                               "llp",
                               "lp",
                               "gmbh",
                               "ag",
                               "sa",
                               "sarl",
                               "sas",
                               "srl",
                               "spa",
                               "bv",
                               "nv",
                               "ab",
                               "as",
                               "asa",
                               "oy",
                               "kg",
                               "jsc",
                               "ojsc",
                               "cjsc",
                               "pjsc",
                               "ooo",
                               "oao",
                               "zao",
                               "pao",
                               "fze",
                               "fzco",
                               "fzc",
                               "fzllc",
                               "est",
                               "establishment",
                               "group",
                               "holding",
                               "holdings",
                               "sdn",
                               "bhd",
                               "pte",
                               "pvt",
                               "pty",
                               "kk",
                               "da",
                               "ans",
                               "enk",
                               "tov",
                               "doo",
                               "dd",
                               "sociedad",
                               "anonima",
                               "trading",
                               "international",
                               "intl",
                               "enterprise",
                               "enterprises",
                               "network"}) {
      t.emplace(w, TokenRole::kLegalForm);
    }
    return t;
  }();
  return table;
}

}  // namespace

bool glues_to_next_word(std::string_view particle) {
  for (std::string_view w :
       {"al",  "el",   "bin",  "ben", "ibn", "bint", "binti", "abu", "abou", "abo",   "bu",
        "umm", "ould", "wuld", "van", "von", "der",  "den",   "de",  "del",  "della", "di",
        "da",  "dos",  "das",  "du",  "la",  "le",   "mac",   "mc",  "st"}) {
    if (particle == w) return true;
  }
  return false;
}

TokenRole classify_token(std::string_view token) {
  const auto& table = role_table();
  auto it = table.find(token);
  return it == table.end() ? TokenRole::kName : it->second;
}

}  // namespace nexus::screening
