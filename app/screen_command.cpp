#include "app/screen_command.hpp"

#include "connectors/lists/detail/csv_reader.hpp"
#include "connectors/lists/index_loader.hpp"
#include "connectors/lists/list_file.hpp"
#include "connectors/lists/list_store.hpp"
#include "engine/screening/country_resolver.hpp"
#include "engine/screening/name_screener.hpp"

#include "base/json_text.hpp"
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace nexus::app {
namespace {

using nlohmann::json;
using screening::EntryType;
using screening::ScreeningMatch;
using screening::ScreeningQuery;

struct ScreenOptions {
  std::string name;
  std::string file;
  std::string dob;
  std::string country;
  std::string type;
  std::string data_dir = "./nexus-data";
  std::string allow_list;
  std::string profile = "default";
  double threshold = -1;
  bool json_out = false;
};

struct ImportOptions {
  std::vector<std::string> files;
  std::string data_dir = "./nexus-data";
  bool json_out = false;
  bool all = false;
  bool force = false;  // accept an older publication or a large shrink
};

/// Why importing `loaded` over the current snapshot of its list needs --force, or empty:
/// an older publication than the one in force (a rollback), or a file that would remove
/// more than half of the list's entries (often an excerpt or a different list sharing
/// the name).
std::string import_guard(const lists::ListStore& store, const lists::LoadedList& loaded) {
  auto stored = store.stored_lists();
  if (!stored) return "";
  for (const auto& current : stored.value()) {
    if (current.list != loaded.list) continue;
    if (!loaded.version.empty() && !current.source_version.empty() &&
        loaded.version < current.source_version) {
      return loaded.list + " published " + loaded.version + " is older than the one in force (" +
             current.source_version + ")";
    }
    if (current.entries >= 10 && loaded.entries.size() * 2 < current.entries) {
      return loaded.list + " would shrink from " + std::to_string(current.entries) + " to " +
             std::to_string(loaded.entries.size()) + " entries";
    }
  }
  return "";
}

[[noreturn]] void fail(const std::string& message, int code = 1) {
  std::cerr << "error: " << message << "\n";
  throw CLI::RuntimeError(code);
}

// `nexus screen` answers like grep (screen_command.hpp): anything that is neither a
// match nor a clean no-match exits with this.
constexpr int kScreenTrouble = kScreenError;

// Allow-list CSV: name,list,reference,reason,reviewed_by,reviewed_on (header line).
std::vector<screening::AllowListRecord> read_allow_list(const std::string& path) {
  auto text = lists::read_file(path);
  if (!text) fail(text.error().message, kScreenTrouble);
  lists::detail::CsvReader reader(text.value(), ',');
  std::vector<std::string> f;
  std::vector<screening::AllowListRecord> out;
  bool header = true;
  while (reader.next(f)) {
    if (header) {
      header = false;
      continue;
    }
    if (f.size() < 5) {
      fail(path + ":" + std::to_string(reader.line()) +
               ": expected name,list,reference,reason,reviewed_by[,reviewed_on]",
           kScreenTrouble);
    }
    out.push_back({f[0], f[1], f[2], f[3], f[4], f.size() > 5 ? f[5] : ""});
  }
  return out;
}

std::unique_ptr<screening::NameScreener> open_screener(const ScreenOptions& o) {
  auto index = lists::load_screening_index(o.data_dir);
  if (!index) fail(index.error().message, kScreenTrouble);
  auto normalizer = screening::NameNormalizer::create();
  if (!normalizer) fail(normalizer.error().message, kScreenTrouble);
  screening::ScreeningConfig config =
      o.profile == "ofac" ? screening::ofac_profile_config() : screening::ScreeningConfig{};
  if (o.threshold >= 0) config.threshold = o.threshold;
  screening::AllowList allow;
  if (!o.allow_list.empty())
    allow = screening::AllowList(read_allow_list(o.allow_list), normalizer.value());
  auto screener = screening::NameScreener::create(index.value(), config, std::move(allow));
  if (!screener) fail(screener.error().message, kScreenTrouble);
  return std::move(screener.value());
}

EntryType parse_type(const std::string& t) {
  if (t.empty()) return EntryType::kUnknown;
  if (t == "person" || t == "individual") return EntryType::kPerson;
  if (t == "entity" || t == "organization" || t == "organisation" || t == "company") {
    return EntryType::kEntity;
  }
  if (t == "vessel") return EntryType::kVessel;
  fail("--type must be person, entity or vessel, not '" + t + "'", kScreenTrouble);
}

json hit_json(const ScreeningMatch& m, bool detailed) {
  json h = {{"list", m.hit.list},
            {"reference", m.hit.reference},
            {"matched_name", m.hit.matched_name},
            {"score", std::round(m.hit.score * 1000) / 1000},
            {"above_threshold", m.hit.score >= m.threshold},
            // Whether the stream would alert on it (a distinctive or corroborated name), and why.
            {"in_stream", m.counts_in_stream()},
            {"basis", m.basis()}};
  if (!m.suppressed_by.empty()) h["suppressed_by"] = m.suppressed_by;
  if (detailed) {
    h["programme"] = m.hit.programme;
    h["matched_kind"] = std::string(screening::to_string(m.matched_kind));
    h["query_normalized"] = m.query_normalized;
    h["listed_normalized"] = m.listed_normalized;
    h["components"] = {{"token", m.name.token},
                       {"jaro_winkler", m.name.jaro_winkler},
                       {"phonetic", m.name.phonetic},
                       {"compact", m.name.compact},
                       {"name", m.name.total},
                       {"dob", m.dob_adjustment},
                       {"country", m.country_adjustment},
                       {"identifier", m.identifier_adjustment},
                       {"type", m.type_adjustment},
                       {"weak_alias", m.alias_adjustment}};
    h["explanation"] = m.explain();
  }
  return h;
}

// Hits at the threshold, or (when none) the best few candidates below it, so a
// monitor sees how close a non-match came.
std::vector<ScreeningMatch> top_matches(screening::NameScreener& s, const ScreeningQuery& q) {
  std::vector<ScreeningMatch> out = s.screen_query(q);
  if (out.empty()) out = s.score_all(q, 0.6, 3);
  return out;
}

json screen_json(screening::NameScreener& s, const ScreeningQuery& q, bool detailed) {
  const auto matches = top_matches(s, q);
  bool match = false;
  json hits = json::array();
  for (const auto& m : matches) {
    match = match || (m.hit.score >= m.threshold && m.suppressed_by.empty());
    hits.push_back(hit_json(m, detailed));
  }
  return {{"query", q.name},
          {"match", match},
          {"profile", s.config().profile == screening::ScoringProfile::kOfac ? "ofac" : "default"},
          {"threshold", s.config().threshold},
          {"hits", hits}};
}

// Screens the name (or every line of the file); true when any is a match (a hit at the
// threshold that no allow-list entry suppresses).
bool screen_names(const ScreenOptions& o) {
  if (o.name.empty() == o.file.empty()) fail("give either a NAME or --file FILE", kScreenTrouble);
  const EntryType type = parse_type(o.type);
  auto screener = open_screener(o);
  if (!o.file.empty()) {
    std::ifstream in(o.file);
    if (!in) fail(o.file + ": cannot open", kScreenTrouble);
    bool any = false;
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      ScreeningQuery q{line, o.dob, o.country, type, ""};
      const json row = screen_json(*screener, q, false);
      any = any || row["match"].get<bool>();
      std::cout << json_text(row) << "\n";
    }
    if (in.bad()) fail(o.file + ": read error", kScreenTrouble);
    return any;
  }
  ScreeningQuery q{o.name, o.dob, o.country, type, ""};
  if (o.json_out) {
    const json answer = screen_json(*screener, q, true);
    std::cout << json_text(answer, 2) << "\n";
    return answer["match"].get<bool>();
  }
  const auto matches = top_matches(*screener, q);
  const auto normalized = screener->normalizer().normalize(o.name);
  std::cout << "query: " << o.name << "  (normalised: " << normalized.joined << ")\n";
  std::size_t above = 0;
  for (const auto& m : matches) above += m.hit.score >= m.threshold && m.suppressed_by.empty();
  std::cout << (above > 0 ? "MATCH" : "no match") << " at threshold "
            << screener->config().threshold
            << (screener->config().profile == screening::ScoringProfile::kOfac
                    ? " (profile ofac: OFAC Sanctions List Search scores)"
                    : "")
            << " against " << screener->index().entries().size() << " entries ("
            << screener->index().names().size() << " names)\n";
  // Without Debian's libhangul-data, Han names are not read as Korean (金正恩: Kim Jong Un).
  if (!screener->index().cjk_status().empty() && screening::may_hold_cjk(o.name)) {
    std::cerr << "note: " << screener->index().cjk_status()
              << "; Han names are not read as Korean\n";
  }
  for (const auto& m : matches) {
    char score[16];
    std::snprintf(score, sizeof score, "%.3f", m.hit.score);
    std::cout << "  " << score << "  " << m.hit.list << " " << m.hit.reference << "  "
              << m.hit.matched_name
              << (m.hit.programme.empty() ? "" : "  [" + m.hit.programme + "]")
              << (m.hit.score < m.threshold ? "  (below threshold)" : "")
              << (m.hit.score >= m.threshold && !m.counts_in_stream()
                      ? "  (name only, common name: needs corroboration)"
                      : "")
              << (m.suppressed_by.empty() ? "" : "  (allow-listed)") << "\n"
              << "         " << m.explain() << "\n";
  }
  return above > 0;
}

void run_screen(const ScreenOptions& o) {
  if (!screen_names(o)) throw CLI::RuntimeError(kScreenNoMatch);
}

void print_refs(const char* label, const std::vector<std::string>& refs, bool all) {
  if (refs.empty()) return;
  std::cout << "  " << label << ":";
  const std::size_t n = all ? refs.size() : std::min<std::size_t>(refs.size(), 20);
  for (std::size_t i = 0; i < n; ++i) std::cout << " " << refs[i];
  if (n < refs.size()) std::cout << " ... (" << refs.size() - n << " more; --all lists them)";
  std::cout << "\n";
}

void run_import(const ImportOptions& o) {
  // OFAC alt/add/comments files are read with their sdn.csv / cons_prim.csv.
  std::vector<std::string> primaries;
  for (const auto& f : o.files) {
    auto text = lists::read_file(f);
    if (!text) fail(text.error().message);
    const auto format = lists::detect_list_format(std::string_view(text.value()).substr(0, 8192));
    const std::string base = std::filesystem::path(f).filename().string();
    if (format == lists::ListFormat::kOfacAltCsv || format == lists::ListFormat::kOfacAddCsv ||
        base == "sdn_comments.csv" || base == "cons_comments.csv") {
      continue;
    }
    primaries.push_back(f);
  }
  lists::ListStore store(o.data_dir);
  int failures = 0;
  json report = json::array();
  for (const auto& f : primaries) {
    auto loaded = lists::load_list_file(f);
    if (!loaded) {
      ++failures;
      std::cerr << "refused: " << loaded.error().message
                << " (the previously imported version stays current)\n";
      report.push_back({{"file", f}, {"error", loaded.error().message}});
      continue;
    }
    if (const std::string reason = import_guard(store, loaded.value());
        !reason.empty() && !o.force) {
      ++failures;
      std::cerr << "refused: " << f << ": " << reason
                << "; the current version stays in force (--force to import it anyway)\n";
      report.push_back({{"file", f}, {"error", reason}});
      continue;
    }
    auto result = store.import(loaded.value());
    if (!result) {
      ++failures;
      std::cerr << "error: " << result.error().message << "\n";
      report.push_back({{"file", f}, {"error", result.error().message}});
      continue;
    }
    const auto& r = result.value();
    std::vector<std::string> changed;
    for (const auto& c : r.diff.changed) changed.push_back(c.reference);
    if (o.json_out) {
      json ch = json::array();
      for (const auto& c : r.diff.changed)
        ch.push_back({{"reference", c.reference}, {"fields", c.fields}});
      report.push_back({{"file", f},
                        {"list", r.list},
                        {"format", std::string(lists::to_string(loaded.value().format))},
                        {"source_version", loaded.value().version},
                        {"version", r.version},
                        {"previous_version", r.previous_version},
                        {"entries", r.entries},
                        {"added", r.diff.added},
                        {"removed", r.diff.removed},
                        {"changed", ch},
                        {"unchanged", r.diff.unchanged}});
      continue;
    }
    std::cout << r.list << " (" << lists::to_string(loaded.value().format) << ", published "
              << (loaded.value().version.empty() ? "?" : loaded.value().version) << ") from " << f
              << "\n  " << r.entries << " entries; version " << r.previous_version << " -> "
              << r.version << (r.diff.empty() && r.previous_version != 0 ? " (no change)" : "")
              << "; added " << r.diff.added.size() << ", removed " << r.diff.removed.size()
              << ", changed " << r.diff.changed.size() << ", unchanged " << r.diff.unchanged
              << "\n";
    if (r.previous_version != 0) {
      print_refs("added", r.diff.added, o.all);
      print_refs("removed", r.diff.removed, o.all);
      print_refs("changed", changed, o.all);
    }
  }
  if (o.json_out) std::cout << json_text(report, 2) << "\n";
  if (failures > 0) throw CLI::RuntimeError(1);
}

void run_status(const std::string& data_dir) {
  lists::ListStore store(data_dir);
  auto infos = store.stored_lists();
  if (!infos) fail(infos.error().message);
  if (infos.value().empty()) std::cout << "no lists in " << data_dir << "\n";
  for (const auto& i : infos.value()) {
    std::cout << i.list << ": version " << i.version << ", " << i.entries << " entries, published "
              << (i.source_version.empty() ? "?" : i.source_version) << "\n";
  }
}

}  // namespace

std::string dob_problem(const std::string& value) {
  static const std::regex kDate(R"((\d{4})(-(\d{2})(-(\d{2}))?)?)");
  std::smatch m;
  const std::string refusal =
      "'" + value + "' is not a date of birth: YYYY, YYYY-MM or YYYY-MM-DD, 1900-2099";
  if (!std::regex_match(value, m, kDate)) return refusal;
  const int year = std::stoi(m[1].str());
  if (year < 1900 || year > 2099) return refusal;
  if (!m[3].matched) return "";
  const unsigned month = static_cast<unsigned>(std::stoi(m[3].str()));
  if (month < 1 || month > 12) return refusal + " (no month " + m[3].str() + ")";
  if (!m[5].matched) return "";
  const std::chrono::year_month_day day{
      std::chrono::year{year}, std::chrono::month{month},
      std::chrono::day{static_cast<unsigned>(std::stoi(m[5].str()))}};
  if (!day.ok()) return refusal + " (no such day)";
  return "";
}

int screen_exit_code(const CLI::ParseError& e) {
  if (e.get_exit_code() == 0) return 0;  // --help
  // Our own answers (match / no match / trouble) come as RuntimeErrors with their code;
  // anything CLI11 refuses (an unknown option, a bad value: 105-110) is trouble.
  if (dynamic_cast<const CLI::RuntimeError*>(&e) != nullptr) return e.get_exit_code();
  return kScreenError;
}

void add_screening_commands(CLI::App& app) {
  auto screen_opts = std::make_shared<ScreenOptions>();
  CLI::App* screen = app.add_subcommand(
      "screen", "Screen a name (or a file of names) against the imported sanctions lists");
  screen->add_option("name", screen_opts->name, "Name to screen, any script");
  screen->add_option("--file", screen_opts->file,
                     "One name per line; NDJSON out, one object per line in order");
  screen
      ->add_option("--dob", screen_opts->dob,
                   "Date of birth, YYYY, YYYY-MM or YYYY-MM-DD (secondary evidence; the lists "
                   "carry partial dates too)")
      ->check(CLI::Validator(dob_problem, "YYYY[-MM[-DD]]"));
  screen
      ->add_option("--country", screen_opts->country,
                   "Country, ISO alpha-2, alpha-3 or English name (secondary evidence)")
      ->check(CLI::Validator(
          [](const std::string& value) -> std::string {
            static const screening::CountryResolver kCountries;
            return kCountries.resolve(value).empty()
                       ? "'" + value + "' is not a country: use ISO 3166-1 alpha-2 such as SY"
                       : std::string();
          },
          "COUNTRY"));
  screen->add_option("--type", screen_opts->type, "person, entity or vessel");
  screen
      ->add_option("--profile", screen_opts->profile,
                   "Scoring: default (Nexus's own), or ofac (the scores of OFAC's Sanctions List "
                   "Search, name only, threshold 0.90)")
      ->check(CLI::IsMember({"default", "ofac"}))
      ->capture_default_str();
  screen
      ->add_option("--threshold", screen_opts->threshold,
                   "Override the operating threshold (default 0.88; 0.90 with --profile ofac)")
      ->check(CLI::Range(0.01, 1.0));
  screen->add_option(
      "--allow-list", screen_opts->allow_list,
      "CSV of reviewed false positives: name,list,reference,reason,reviewed_by,reviewed_on");
  screen->add_option("--data-dir", screen_opts->data_dir, "List index directory")
      ->capture_default_str();
  screen->add_flag("--json", screen_opts->json_out, "JSON output with explanations");
  screen->callback([screen_opts] { run_screen(*screen_opts); });

  CLI::App* lists_cmd = app.add_subcommand("lists", "Import and inspect sanctions lists");
  lists_cmd->require_subcommand(1);
  auto import_opts = std::make_shared<ImportOptions>();
  CLI::App* import = lists_cmd->add_subcommand(
      "import", "Import list files (UN/OFAC/EU/UK/OpenSanctions; format detected from content)");
  import->add_option("files", import_opts->files, "List files")->required();
  import->add_option("--data-dir", import_opts->data_dir, "List index directory")
      ->capture_default_str();
  import->add_flag("--json", import_opts->json_out, "JSON report");
  import->add_flag("--all", import_opts->all, "Print every added/removed/changed reference");
  import->add_flag("--force", import_opts->force,
                   "Import even an older publication or a file that removes over half the list");
  import->callback([import_opts] { run_import(*import_opts);
});
auto status_dir = std::make_shared<std::string>("./nexus-data");
CLI::App* status =
    lists_cmd->add_subcommand("status", "Show the imported lists and their versions");
status->add_option("--data-dir", *status_dir, "List index directory")->capture_default_str();
status->callback([status_dir] { run_status(*status_dir); });
}  // namespace nexus::app

}  // namespace nexus::app
