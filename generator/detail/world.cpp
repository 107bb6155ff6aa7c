#include "generator/detail/world.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace nexus::generator::detail {
namespace {

// Name regions, indexes into kFirstNames / kLastNames / kCompanySuffixes.
enum NameRegion : uint8_t {
  kAnglo,
  kGerman,
  kFrench,
  kDutch,
  kArabic,
  kTurkish,
  kIndian,
  kPakistani,
  kNigerian,
  kKenyan,
  kFilipino,
  kHispanic,
  kJapanese,
  kItalian,
  kSomali,
  kAfghan,
  kChinese,
  kGreek,
  kSahel,
  kNameRegionCount
};

using NameList = std::vector<const char*>;

// No first x last name of a region, and no company stem x industry, may be a name on the
// sanctions lists that ship with the project (tests/screening/generator_names_test.cpp
// screens them all): "Tariq Aziz", "Luis Lopez", "Pioneer Logistics" and others were, and
// made every demo raise sanctions hits on customers who were only namesakes.
const std::vector<NameList> kFirstNames = {
    {"James", "Mary", "Robert", "Linda", "Michael", "Sarah", "David", "Emily", "Daniel", "Olivia"},
    {"Lukas", "Anna", "Felix", "Lena", "Jonas", "Marie", "Tobias", "Laura", "Stefan", "Julia"},
    {"Louis", "Camille", "Hugo", "Chloe", "Jules", "Manon", "Antoine", "Lea", "Mathieu", "Ines"},
    {"Daan", "Sanne", "Bram", "Fleur", "Thijs", "Lotte", "Ruben", "Eva", "Sem", "Noor"},
    {"Omar", "Fatima", "Khalid", "Layla", "Yousef", "Mariam", "Hassan", "Noura", "Rami", "Huda"},
    {"Kerem", "Ayse", "Emre", "Elif", "Burak", "Zeynep", "Murat", "Selin", "Can", "Derya"},
    {"Rahul", "Priya", "Arjun", "Ananya", "Vikram", "Kavya", "Rohan", "Sneha", "Amit", "Pooja"},
    {"Imran", "Ayesha", "Bilal", "Sana", "Usman", "Hira", "Faisal", "Zainab", "Hamza", "Mehwish"},
    {"Chinedu", "Ngozi", "Emeka", "Amaka", "Tunde", "Funmi", "Ibrahim", "Aisha", "Segun", "Bola"},
    {"Kamau", "Wanjiru", "Otieno", "Achieng", "Mwangi", "Njeri", "Kiprop", "Chebet", "Juma",
     "Akinyi"},
    {"Jose", "Maria", "Mark", "Angelica", "Paolo", "Kristine", "Rafael", "Joy", "Carlo", "Bea"},
    {"Juan", "Guadalupe", "Carlos", "Sofia", "Diego", "Valeria", "Alejandro", "Camila", "Andres",
     "Lucia"},
    {"Hiroshi", "Yuki", "Takeshi", "Sakura", "Kenji", "Aiko", "Daichi", "Haruka", "Ren", "Mei"},
    {"Marco", "Giulia", "Luca", "Francesca", "Matteo", "Chiara", "Andrea", "Sara", "Davide",
     "Elena"},
    {"Abdi", "Hodan", "Mahad", "Ifrah", "Yusuf", "Sahra", "Abdirahman", "Ayaan", "Liban", "Hibo"},
    {"Nasir", "Zarghona", "Farid", "Mina", "Habib", "Parwana", "Jawid", "Nilofar", "Sami", "Laila"},
    {"Tao", "Li", "Jun", "Xin", "Hao", "Ying", "Ming", "Fang", "Qiang", "Jing"},
    {"Andreas", "Eleni", "Nikos", "Maria", "Giorgos", "Sofia", "Kostas", "Anna", "Panos",
     "Katerina"},
    {"Amadou", "Aminata", "Moussa", "Fatoumata", "Oumar", "Mariam", "Seydou", "Awa", "Issa",
     "Kadiatou"},
};

const std::vector<NameList> kLastNames = {
    {"Smith", "Johnson", "Brown", "Taylor", "Wilson", "Davies", "Clark", "Walker", "Hughes",
     "Reed"},
    {"Muller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffmann",
     "Koch"},
    {"Martin", "Bernard", "Dubois", "Durand", "Lefebvre", "Moreau", "Laurent", "Simon", "Michel",
     "Garnier"},
    {"de Jong", "Jansen", "de Vries", "van Dijk", "Bakker", "Visser", "Smit", "Meijer", "Mulder",
     "Bos"},
    {"Al-Mansouri", "Daher", "Khoury", "Nasser", "Saleh", "Hamdan", "Rahman", "Aziz", "Karim",
     "Farouk"},
    {"Yilmaz", "Kaya", "Demir", "Sahin", "Celik", "Yildiz", "Aydin", "Ozturk", "Arslan", "Dogan"},
    {"Sharma", "Patel", "Singh", "Kumar", "Gupta", "Reddy", "Iyer", "Nair", "Mehta", "Joshi"},
    {"Khan", "Malik", "Qureshi", "Chaudhry", "Butt", "Sheikh", "Raza", "Siddiqui", "Mirza", "Awan"},
    {"Okafor", "Adeyemi", "Okonkwo", "Balogun", "Eze", "Bello", "Nwosu", "Adebayo", "Obi",
     "Danjuma"},
    {"Kariuki", "Odhiambo", "Wafula", "Kimani", "Mutua", "Korir", "Ochieng", "Njoroge", "Wekesa",
     "Kiptoo"},
    {"Santos", "Reyes", "Cruz", "Bautista", "Garcia", "Mendoza", "Villanueva", "Ramos", "Aquino",
     "Castillo"},
    {"Hernandez", "Lopez", "Martinez", "Gonzalez", "Perez", "Rodriguez", "Sanchez", "Ramirez",
     "Flores", "Torres"},
    {"Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura",
     "Kobayashi", "Kato"},
    {"Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino",
     "Greco"},
    {"Mohamed", "Hassan", "Farah", "Warsame", "Abdullahi", "Osman", "Jama", "Hersi", "Nur", "Ali"},
    {"Ahmadzai", "Karimi", "Rahimi", "Popal", "Noori", "Safi", "Hashimi", "Stanekzai", "Sultani",
     "Wardak"},
    {"Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou"},
    {"Papadopoulos", "Georgiou", "Christodoulou", "Ioannou", "Charalambous", "Kyriacou", "Nicolaou",
     "Constantinou", "Demetriou", "Savva"},
    {"Traore", "Diallo", "Keita", "Coulibaly", "Maiga", "Ouedraogo", "Toure", "Sangare", "Cisse",
     "Kone"},
};

const std::vector<const char*> kCompanySuffixes = {
    "Ltd",  "GmbH",         "SARL", "B.V.",   "LLC", "A.S.", "Pvt Ltd", "Pvt Ltd", "Ltd", "Ltd",
    "Inc.", "S.A. de C.V.", "K.K.", "S.r.l.", "Ltd", "Ltd",  "Co. Ltd", "Ltd",     "SARL"};

const std::vector<const char*> kCompanyStems = {
    "Northwind",   "Bluewater", "Silverline", "Crescent", "Evergreen", "Summit", "Harbor",
    "Golden Gate", "Riverside", "Oakwood",    "Sunrise",  "Pinecrest", "Alder",  "Meridian",
    "Cedar",       "Horizon",   "Lighthouse", "Keystone", "Falcon",    "Orchid"};

const std::vector<const char*> kIndustries = {
    "Trading", "Logistics",   "Textiles", "Foods",  "Consulting", "Construction",
    "Imports", "Electronics", "Motors",   "Pharma", "Travel",     "Holdings"};

// Online classified and escort-advertising sites (adult ads category): names
// the keyword set adult_ad_merchants of rules/packs/trafficking.yaml knows.
const std::vector<const char*> kOnlineBrands = {"Megapersonals", "SkipTheGames Ads",
                                                "Adult Classifieds Online", "Eros Guide Listings",
                                                "Escort Directory Ads"};

// Street names: stem x type, 48 x 10 = 480 streets per city; with house numbers
// 1-1999 and 3 cities a country has about 2.9 million addresses, so unrelated
// people rarely share one (households are planted on purpose, see background.cpp).
const std::vector<const char*> kStreetStems = {
    "Main",    "Station", "Market", "Park",   "Church", "Harbour", "King",    "Garden",
    "Mill",    "Bridge",  "Oak",    "Maple",  "Cedar",  "Elm",     "Queen",   "Victoria",
    "High",    "River",   "Lake",   "Hill",   "Forest", "Meadow",  "Orchard", "Chapel",
    "School",  "Castle",  "Abbey",  "Manor",  "Spring", "Willow",  "Birch",   "Ash",
    "Beech",   "Rose",    "Lily",   "Sunset", "North",  "South",   "West",    "East",
    "Windsor", "Albert",  "Brook",  "Fern",   "Heath",  "Ivy",     "Jasmine", "Laurel"};
const std::vector<const char*> kStreetTypes = {"Street", "Road", "Avenue",   "Lane",   "Drive",
                                               "Close",  "Way",  "Crescent", "Square", "Terrace"};

const std::vector<const char*> kBankCodes = {"NXBK", "ORIB", "CRST", "MERI", "HALO", "ATLS"};
const std::vector<const char*> kBicLocations = {"2L", "22", "XX", "PP"};
const std::vector<const char*> kMailDomains = {"example.com", "example.net", "example.org"};

void append_digits(std::string* out, uint64_t value, int digits) {
  char buf[24];
  for (int i = digits - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out->append(buf, static_cast<size_t>(digits));
}

void append_hex(std::string* out, uint64_t value, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = digits - 1; i >= 0; --i) out->push_back(kHex[(value >> (4 * i)) & 0xF]);
}

// An affine bijection of [0, modulus): distinct indexes below the modulus get
// distinct numbers (the multiplier is coprime with 2, 5 and 7, hence with every
// modulus used here), which do not look sequential.
uint64_t unique_number(uint64_t index, uint64_t offset, uint64_t modulus) {
  constexpr uint64_t kMultiplier = 2'654'435'761ULL;
  return ((index % modulus) * (kMultiplier % modulus) + offset % modulus) % modulus;
}

std::string lower_ascii(std::string_view in) {
  std::string out;
  for (char c : in) {
    if (c >= 'A' && c <= 'Z') {
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      out.push_back(c);
    }
  }
  return out;
}

// ISO 13616 check digits over country code + BBAN.
std::string iban_check_digits(std::string_view country, std::string_view bban) {
  uint32_t mod = 0;
  auto feed = [&mod](char c) {
    if (c >= '0' && c <= '9') {
      mod = (mod * 10 + static_cast<uint32_t>(c - '0')) % 97;
    } else {
      const uint32_t v = static_cast<uint32_t>(c - 'A' + 10);
      mod = (mod * 100 + v) % 97;
    }
  };
  for (char c : bban) feed(c);
  for (char c : country) feed(c);
  feed('0');
  feed('0');
  const uint32_t check = 98 - mod;
  std::string out;
  append_digits(&out, check, 2);
  return out;
}

}  // namespace

// Rates as 1000 / (USD per unit) of engine/fx_table.cpp at the time of writing,
// so that the generator's amount_usd matches the engine's to a fraction of a percent.
const std::vector<Currency> kCurrencies = {
    {"USD", 2, 1'000},   {"EUR", 2, 926},    {"GBP", 2, 787},     {"AED", 2, 3'672},
    {"TRY", 2, 32'258},  {"INR", 2, 83'333}, {"PKR", 2, 277'778}, {"NGN", 2, 1'515'152},
    {"KES", 2, 129'870}, {"PHP", 2, 56'180}, {"MXN", 2, 17'241},  {"CAD", 2, 1'370},
    {"JPY", 0, 149'254}, {"KWD", 3, 308},    {"SAR", 2, 3'750},   {"EGP", 2, 48'309},
    {"CHF", 2, 893},
};

const std::vector<Country> kCountries = {
    // Home countries of background customers.
    {"US", "1", 0, kAnglo, -5, false, 22, {"New York", "Houston", "Chicago"}},
    {"GB", "44", 2, kAnglo, 0, true, 12, {"London", "Manchester", "Birmingham"}},
    {"DE", "49", 1, kGerman, 1, true, 10, {"Berlin", "Hamburg", "Munich"}},
    {"FR", "33", 1, kFrench, 1, true, 8, {"Paris", "Lyon", "Marseille"}},
    {"NL", "31", 1, kDutch, 1, true, 5, {"Amsterdam", "Rotterdam", "Utrecht"}},
    {"AE", "971", 3, kArabic, 4, true, 5, {"Dubai", "Abu Dhabi", "Sharjah"}},
    {"TR", "90", 4, kTurkish, 3, true, 5, {"Istanbul", "Ankara", "Gaziantep"}},
    {"IN", "91", 5, kIndian, 5, false, 7, {"Mumbai", "Delhi", "Bengaluru"}},
    {"PK", "92", 6, kPakistani, 5, true, 4, {"Karachi", "Lahore", "Peshawar"}},
    {"NG", "234", 7, kNigerian, 1, false, 5, {"Lagos", "Abuja", "Kano"}},
    {"KE", "254", 8, kKenyan, 3, false, 3, {"Nairobi", "Mombasa", "Kisumu"}},
    {"PH", "63", 9, kFilipino, 8, false, 4, {"Manila", "Cebu", "Davao"}},
    {"MX", "52", 10, kHispanic, -6, false, 5, {"Mexico City", "Guadalajara", "Monterrey"}},
    {"CA", "1", 11, kAnglo, -5, false, 2, {"Toronto", "Montreal", "Vancouver"}},
    {"ES", "34", 1, kHispanic, 1, true, 2, {"Madrid", "Barcelona", "Valencia"}},
    {"IT", "39", 1, kItalian, 1, true, 2, {"Rome", "Milan", "Naples"}},
    {"JP", "81", 12, kJapanese, 9, false, 1, {"Tokyo", "Osaka", "Nagoya"}},
    {"KW", "965", 13, kArabic, 3, true, 1, {"Kuwait City", "Hawalli", "Salmiya"}},
    {"SA", "966", 14, kArabic, 3, true, 1, {"Riyadh", "Jeddah", "Dammam"}},
    {"EG", "20", 15, kArabic, 2, true, 1, {"Cairo", "Alexandria", "Giza"}},
    // Counterparty-only countries (remittance destinations, conflict zones and
    // their neighbours, offshore hubs): nobody there originates a payment.
    {"SY", "963", 0, kArabic, 3, false, 0, {"Damascus", "Aleppo", "Homs"}},
    {"IQ", "964", 0, kArabic, 3, true, 0, {"Baghdad", "Erbil", "Basra"}},
    {"AF", "93", 0, kAfghan, 4, false, 0, {"Kabul", "Herat", "Kandahar"}},
    {"YE", "967", 0, kArabic, 3, false, 0, {"Sanaa", "Aden", "Taiz"}},
    {"SO", "252", 0, kSomali, 3, false, 0, {"Mogadishu", "Hargeisa", "Kismayo"}},
    {"LY", "218", 0, kArabic, 2, true, 0, {"Tripoli", "Benghazi", "Misrata"}},
    {"ML", "223", 0, kSahel, 0, false, 0, {"Bamako", "Mopti", "Gao"}},
    {"NE", "227", 0, kSahel, 1, false, 0, {"Niamey", "Zinder", "Maradi"}},
    {"TD", "235", 0, kSahel, 1, false, 0, {"N'Djamena", "Moundou", "Abeche"}},
    {"CM", "237", 0, kSahel, 1, false, 0, {"Yaounde", "Douala", "Garoua"}},
    {"BF", "226", 0, kSahel, 0, false, 0, {"Ouagadougou", "Bobo-Dioulasso", "Koudougou"}},
    {"LB", "961", 0, kArabic, 2, true, 0, {"Beirut", "Tripoli", "Sidon"}},
    {"JO", "962", 0, kArabic, 3, true, 0, {"Amman", "Zarqa", "Irbid"}},
    {"HK", "852", 0, kChinese, 8, false, 0, {"Hong Kong", "Kowloon", "Tsuen Wan"}},
    {"CY", "357", 0, kGreek, 2, true, 0, {"Nicosia", "Limassol", "Larnaca"}},
    {"CN", "86", 0, kChinese, 8, false, 0, {"Shanghai", "Shenzhen", "Guangzhou"}},
};

// Card spending shares (per mille, sum 1000): everyday categories dominate;
// lodging and travel are occasional; adult advertising is rare.
const std::vector<MerchantCategory> kMerchantCategories = {
    {"5411", "Grocers", 230},
    {"5812", "Restaurant", 150},
    {"5541", "Fuel", 110},
    {"5912", "Pharmacy", 60},
    {"5311", "Department Store", 70},
    {"4121", "Taxi", 50},
    {"5732", "Electronics", 40},
    {"5999", "Market", 85},
    {"7011", "Hotel", 12},
    {"4814", "Telecom", 50},
    {"5651", "Fashion", 60},
    {"5814", "Burgers", 65},
    {"4511", "Airways", 5},
    {"4722", "Travel", 4},
    {"4131", "Coach Lines", 3},
    {"7311", "Adult Ads", 1, true},
    {"7011", "Motel", 5},
};

int currency_index(std::string_view code) {
  for (size_t i = 0; i < kCurrencies.size(); ++i) {
    if (code == kCurrencies[i].code) return static_cast<int>(i);
  }
  return -1;
}

namespace {
int64_t pow10(int digits) {
  int64_t v = 1;
  for (int i = 0; i < digits; ++i) v *= 10;
  return v;
}
}  // namespace

int64_t usd_cents_to_minor(int64_t usd_cents, uint8_t currency) {
  const Currency& c = kCurrencies[currency];
  const int64_t num = usd_cents * c.per_usd_milli * pow10(c.minor_digits);
  const int64_t den = 100 * 1000;
  const int64_t minor = (num + den / 2) / den;
  return minor < 1 ? 1 : minor;
}

int64_t minor_to_usd_cents(int64_t minor, uint8_t currency) {
  const Currency& c = kCurrencies[currency];
  const int64_t den = c.per_usd_milli * pow10(c.minor_digits);
  return (minor * 100 * 1000 + den / 2) / den;
}

uint8_t country_index(std::string_view code) {
  for (size_t i = 0; i < kCountries.size(); ++i) {
    if (code == kCountries[i].code) return static_cast<uint8_t>(i);
  }
  // A scenario table names a country missing from kCountries: a bug, not input.
  std::fprintf(stderr, "generator: unknown country %.*s\n", static_cast<int>(code.size()),
               code.data());
  std::abort();
}

std::vector<std::pair<std::string, bool>> all_background_names() {
  std::vector<std::pair<std::string, bool>> out;
  for (std::size_t region = 0; region < kNameRegionCount; ++region) {
    for (const char* first : kFirstNames[region]) {
      for (const char* last : kLastNames[region]) {
        out.emplace_back(std::string(first) + ' ' + last, false);
      }
    }
  }
  for (const char* stem : kCompanyStems) {
    for (const char* industry : kIndustries) {
      for (const char* suffix : kCompanySuffixes) {
        out.emplace_back(std::string(stem) + ' ' + industry + ' ' + suffix, true);
      }
    }
    for (const MerchantCategory& category : kMerchantCategories) {
      if (category.online) continue;
      for (const Country& country : kCountries) {
        for (const char* city : country.cities) {
          out.emplace_back(std::string(stem) + ' ' + category.stem + ' ' + city, true);
        }
      }
    }
  }
  for (const char* brand : kOnlineBrands) out.emplace_back(brand, true);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

uint32_t World::add_profile(uint8_t country, bool organization, int merchant_category) {
  const Country& c = kCountries[country];
  const uint32_t index = size();
  Profile p;
  p.country = country;
  p.organization = organization;
  p.merchant_category = static_cast<uint16_t>(merchant_category + 1);

  // Account number: a bijection of the index (odd multiplier not divisible by 5
  // is invertible mod 10^12), so ids are unique and do not look sequential.
  const uint64_t number = ((uint64_t{index} + 1) * 2'654'435'761ULL) % 1'000'000'000'000ULL;
  const char* bank = kBankCodes[rng_.below(kBankCodes.size())];
  if (c.iban) {
    std::string bban = bank;
    append_digits(&bban, rng_.below(100), 2);
    append_digits(&bban, number, 12);
    p.account = c.code;
    p.account += iban_check_digits(c.code, bban);
    p.account += bban;
  } else {
    p.account = "ACC-";
    p.account += c.code;
    p.account += '-';
    append_digits(&p.account, number, 12);
  }
  p.agent_bic = bank;
  p.agent_bic += c.code;
  p.agent_bic += kBicLocations[rng_.below(kBicLocations.size())];

  const NameList& firsts = kFirstNames[c.name_region];
  const NameList& lasts = kLastNames[c.name_region];
  const char* first = firsts[rng_.below(firsts.size())];
  const char* last = lasts[rng_.below(lasts.size())];
  const char* city = c.cities[rng_.below(3)];
  if (merchant_category >= 0 &&
      kMerchantCategories[static_cast<size_t>(merchant_category)].online) {
    p.name = kOnlineBrands[index % kOnlineBrands.size()];
  } else if (merchant_category >= 0) {
    p.name = kCompanyStems[rng_.below(kCompanyStems.size())];
    p.name += ' ';
    p.name += kMerchantCategories[static_cast<size_t>(merchant_category)].stem;
    p.name += ' ';
    p.name += city;
  } else if (organization) {
    p.name = kCompanyStems[rng_.below(kCompanyStems.size())];
    p.name += ' ';
    p.name += kIndustries[rng_.below(kIndustries.size())];
    p.name += ' ';
    p.name += kCompanySuffixes[c.name_region];
  } else {
    p.name = first;
    p.name += ' ';
    p.name += last;
  }

  p.address = std::to_string(1 + rng_.below(1999));
  p.address += ' ';
  p.address += kStreetStems[rng_.below(kStreetStems.size())];
  p.address += ' ';
  p.address += kStreetTypes[rng_.below(kStreetTypes.size())];
  p.address += ", ";
  p.address += city;

  // Phones, e-mails and ids are unique per profile (bijections of the index with a
  // per-world offset): nobody shares one by accident; planted families share on purpose.
  p.phone = "+";
  p.phone += c.calling_code;
  // North American numbers have 10 digits after +1, the others here 9.
  if (c.calling_code[0] == '1' && c.calling_code[1] == '\0')
    p.phone += static_cast<char>('2' + rng_.below(8));
  append_digits(&p.phone, 200'000'000 + unique_number(index, offsets_[0], 700'000'000), 9);

  const char* domain = kMailDomains[rng_.below(kMailDomains.size())];
  const uint64_t mail_number = unique_number(index, offsets_[1], 1'000'000);
  if (organization) {
    p.email = organization && merchant_category >= 0 ? "sales@" : "finance@";
    p.email += lower_ascii(p.name.substr(0, p.name.find(' ')));
    p.email += std::to_string(mail_number);
    p.email += '.';
    p.email += domain;
    p.national_id = "REG-";
    p.national_id += c.code;
    p.national_id += '-';
    append_digits(&p.national_id, unique_number(index, offsets_[2], 100'000'000), 8);
  } else {
    p.email = lower_ascii(first);
    p.email += '.';
    p.email += lower_ascii(last);
    p.email += std::to_string(mail_number);
    p.email += '@';
    p.email += domain;
    append_digits(&p.date_of_birth, 1945 + rng_.below(62), 4);
    p.date_of_birth += '-';
    append_digits(&p.date_of_birth, 1 + rng_.below(12), 2);
    p.date_of_birth += '-';
    append_digits(&p.date_of_birth, 1 + rng_.below(28), 2);
    p.national_id = c.code;
    p.national_id += '-';
    append_digits(&p.national_id, unique_number(index, offsets_[3], 1'000'000'000), 9);
  }
  p.device_id = "dev-";
  append_hex(&p.device_id, rng_.next(), 16);
  profiles_.push_back(std::move(p));
  return index;
}

void World::fill_party(uint32_t index, bool cash, nexus::v1::Party* party) const {
  const Profile& p = profiles_[index];
  if (cash) {
    party->mutable_account()->assign("CASH-");
    party->mutable_account()->append(p.account);
  } else {
    party->set_account(p.account);
  }
  party->set_name(p.name);
  party->set_type(p.organization ? nexus::v1::PARTY_TYPE_ORGANIZATION
                                 : nexus::v1::PARTY_TYPE_PERSON);
  party->set_country(kCountries[p.country].code);
  party->set_address(p.address);
  party->set_phone(p.phone);
  party->set_email(p.email);
  if (!p.date_of_birth.empty()) party->set_date_of_birth(p.date_of_birth);
  party->set_national_id(p.national_id);
  party->set_agent_bic(p.agent_bic);
}

}  // namespace nexus::generator::detail
