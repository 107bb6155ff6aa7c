#include "connectors/screen_api.hpp"

#include "connectors/detail/ftm_entity.hpp"
#include "engine/screening/country_resolver.hpp"

#include "base/json_text.hpp"
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>
#include <unordered_map>

namespace nexus::connectors {

namespace {

using nlohmann::json;
using screening::EntryType;
using screening::ListEntry;
using screening::ScreeningMatch;
using screening::ScreeningQuery;

constexpr std::string_view kAlgorithm = "nexus-v1";
// yente's algorithm names (yente/routers/util.py ENABLED_ALGORITHMS, plus "best"): accepted so
// a client configured for one of them works; every one is scored by Nexus's screener.
constexpr std::array<std::string_view, 8> kAlgorithmAliases = {
    "best",       "nexus-v1",       "logic-v1", "logic-v2",
    "name-based", "name-qualified", "ofac-249", "regression-v1"};
// The FollowTheMoney schemata a query may have: the ones that carry names Nexus screens.
constexpr std::array<std::string_view, 9> kQuerySchemata = {"Person",     "Organization", "Company",
                                                            "PublicBody", "LegalEntity",  "Vessel",
                                                            "Airplane",   "Vehicle",      "Thing"};
// Query properties read, by role (FollowTheMoney property names).
constexpr std::array<std::string_view, 3> kNameProperties = {"name", "alias", "previousName"};
constexpr std::array<std::string_view, 5> kNamePartProperties = {
    "firstName", "secondName", "middleName", "fatherName", "lastName"};
constexpr std::array<std::string_view, 6> kCountryProperties = {
    "nationality", "country", "citizenship", "jurisdiction", "mainCountry", "birthCountry"};
constexpr std::array<std::string_view, 10> kIdentifierProperties = {
    "idNumber", "passportNumber", "registrationNumber", "taxNumber", "imoNumber", "innCode",
    "ogrnCode", "leiCode",        "swiftBic",           "vatCode"};

HttpResponse json_response(int status, const json& body) {
  return {status, "application/json", json_text(body), {}};
}

/// yente's error shape (FastAPI's HTTPException): {"detail": "..."}.
HttpResponse error_response(int status, const std::string& detail) {
  return json_response(status, {{"detail", detail}});
}

double round4(double value) { return std::round(value * 10000) / 10000; }

bool starts_with_scheme(const std::string& header, std::string_view scheme) {
  if (header.size() <= scheme.size() + 1 || header[scheme.size()] != ' ') return false;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) != scheme[i]) return false;
  }
  return true;
}

/// The token a request presents: `Authorization: Bearer T` or `ApiKey T` (the hosted
/// OpenSanctions API's scheme), else `?api_key=T` (what Marble sends in its SaaS mode).
std::string presented_token(const HttpRequest& request) {
  const std::string header = request.header("authorization");
  for (std::string_view scheme : {std::string_view("bearer"), std::string_view("apikey")}) {
    if (starts_with_scheme(header, scheme)) {
      std::string token = header.substr(scheme.size() + 1);
      while (!token.empty() && token.front() == ' ') token.erase(token.begin());
      while (!token.empty() && token.back() == ' ') token.pop_back();
      return token;
    }
  }
  return request.query("api_key");
}

/// A number in [low, high] from a query parameter; nullopt (with `problem` set) otherwise.
std::optional<double> parse_number(const std::string& name, const std::string& text, double low,
                                   double high, std::string& problem) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !(value >= low && value <= high)) {
    std::ostringstream out;
    out << "Invalid query parameter " << name << "='" << text << "': expected a number from " << low
        << " to " << high;
    problem = out.str();
    return std::nullopt;
  }
  return value;
}

std::optional<int> parse_int(const std::string& name, const std::string& text, int low, int high,
                             std::string& problem) {
  char* end = nullptr;
  const long value = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || value < low || value > high) {
    problem = "Invalid query parameter " + name + "='" + text + "': expected a whole number from " +
              std::to_string(low) + " to " + std::to_string(high);
    return std::nullopt;
  }
  return static_cast<int>(value);
}

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& items, std::string_view item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

EntryType query_type(std::string_view schema) {
  if (schema == "Person") return EntryType::kPerson;
  if (schema == "Organization" || schema == "Company" || schema == "PublicBody") {
    return EntryType::kEntity;
  }
  if (schema == "Vessel") return EntryType::kVessel;
  if (schema == "Airplane") return EntryType::kAircraft;
  return EntryType::kUnknown;
}

/// Whether an entry of `type` may be a result for a query of `schema`, as FollowTheMoney's
/// matchable schemata decide in yente: a Person never returns an Organization; an entry of
/// unknown type (LegalEntity) may match any.
bool schema_admits(std::string_view schema, EntryType type) {
  if (type == EntryType::kUnknown || schema == "Thing") return true;
  if (schema == "LegalEntity") return type == EntryType::kPerson || type == EntryType::kEntity;
  if (schema == "Vehicle") return type == EntryType::kVessel || type == EntryType::kAircraft;
  return query_type(schema) == type;
}

/// A date property value as the screener takes it: "YYYY", "YYYY-MM" or "YYYY-MM-DD" (a
/// longer ISO timestamp is cut to its date); "" when it is not one.
std::string date_prefix(const std::string& value) {
  auto digits = [&](std::size_t from, std::size_t count) {
    for (std::size_t i = from; i < from + count; ++i) {
      if (i >= value.size() || !std::isdigit(static_cast<unsigned char>(value[i]))) return false;
    }
    return true;
  };
  if (!digits(0, 4)) return "";
  if (value.size() == 4) return value;
  if (value[4] != '-' || !digits(5, 2)) return "";
  if (value.size() == 7) return value;
  if (value.size() < 10 || value[7] != '-' || !digits(8, 2)) return "";
  if (value.size() > 10 && value[10] != 'T' && value[10] != ' ') return "";
  return value.substr(0, 10);
}

/// The parameters of a request that apply to every query of a /match batch.
struct MatchParams {
  double threshold = 0;
  double cutoff = 0;
  int limit = 5;
  std::set<std::string> include_dataset, exclude_dataset, exclude_schema, topics,
      exclude_entity_ids;
};

/// One query of a batch as read: what is screened, and the echo of what was understood.
struct ParsedQuery {
  std::string schema;
  json id;  // the caller's id, or null
  std::vector<std::string> names;
  ScreeningQuery base;  // date_of_birth, country, type, identifier (name set per name)
  json echo = json::object();
};

}  // namespace

struct ScreenApi::Impl {
  std::unique_ptr<screening::NameScreener> screener;
  ScreenTokens tokens;
  ScreenApiConfig config;
  screening::CountryResolver countries;
  double threshold = 0.88;
  // Per entry (index order): its id, dataset and entity JSON, made once at start.
  std::vector<std::string> ids;
  std::vector<std::string> entry_datasets;
  std::vector<json> entities;
  std::unordered_map<std::string, std::uint32_t> by_id;
  std::vector<std::string> list_datasets;            // one per list, sorted
  std::map<std::string, std::string> dataset_lists;  // dataset -> Nexus list name
  // Requests answered by (route, status) and /match queries screened, for /metrics. Touched
  // only on the server thread, like everything here.
  std::map<std::pair<std::string, int>, std::uint64_t> answered;
  std::uint64_t match_queries = 0;

  Impl(std::unique_ptr<screening::NameScreener> s, ScreenTokens t, ScreenApiConfig c)
      : screener(std::move(s)), tokens(std::move(t)), config(std::move(c)) {
    threshold =
        config.default_threshold >= 0 ? config.default_threshold : screener->config().threshold;
    const auto& entries = screener->index().entries();
    ids.reserve(entries.size());
    entities.reserve(entries.size());
    for (std::uint32_t i = 0; i < entries.size(); ++i) {
      ids.push_back(detail::ftm_entity_id(entries[i]));
      entry_datasets.push_back(detail::ftm_dataset(entries[i].list));
      entities.push_back(detail::ftm_entity_json(entries[i]));
      by_id.emplace(ids.back(), i);  // a reference listed twice: the first entry answers
      dataset_lists.emplace(entry_datasets.back(), entries[i].list);
    }
    for (const auto& [dataset, list] : dataset_lists) list_datasets.push_back(dataset);
  }

  bool is_collection(const std::string& dataset) const {
    return dataset == "default" || dataset == "sanctions";
  }
  bool known_dataset(const std::string& dataset) const {
    return is_collection(dataset) || dataset_lists.count(dataset) > 0;
  }
  bool in_dataset(std::uint32_t entry, const std::string& dataset) const {
    return is_collection(dataset) || entry_datasets[entry] == dataset;
  }

  /// 401 / 403 for a request that may not use `scope`; nullopt when it may.
  std::optional<HttpResponse> refuse(const HttpRequest& request, ScreenScope scope,
                                     std::string_view route) const {
    const std::string token = presented_token(request);
    if (token.empty()) {
      HttpResponse response = error_response(
          401,
          "Authentication required: send 'Authorization: Bearer <token>' (or 'ApiKey <token>', "
          "or ?api_key=<token>); tokens come from: nexus screen-server token add NAME");
      response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"nexus-screen\"");
      return response;
    }
    const ScreenToken* found = tokens.find(token);
    if (found == nullptr) {
      HttpResponse response = error_response(401, "Invalid API token.");
      response.headers.emplace_back("WWW-Authenticate",
                                    "Bearer realm=\"nexus-screen\", error=\"invalid_token\"");
      return response;
    }
    if (!found->allows(scope)) {
      return error_response(403, "Token '" + found->name + "' may not use " + std::string(route) +
                                     " (it needs the scope '" +
                                     (scope == ScreenScope::kMatch ? "match" : "search") + "')");
    }
    return std::nullopt;
  }

  HttpResponse route(const HttpRequest& request) {
    const auto parts = split_path(request.path());
    const bool get = request.method == "GET";
    const bool post = request.method == "POST";
    auto not_allowed = [] { return error_response(405, "Method Not Allowed"); };
    if (parts.size() == 1 && (parts[0] == "healthz" || parts[0] == "readyz")) {
      if (!get) return not_allowed();
      if (parts[0] == "readyz" && screener->index().entries().empty()) {
        return error_response(503, "Index not ready.");
      }
      return json_response(200, {{"status", "ok"}});
    }
    if (parts.size() == 1 && (parts[0] == "catalog" || parts[0] == "manifest")) {
      return get ? catalog() : not_allowed();
    }
    if (parts.size() == 1 && parts[0] == "algorithms") {
      return get ? algorithms() : not_allowed();
    }
    if (parts.size() == 1 && parts[0] == "metrics") {
      return get ? metrics() : not_allowed();
    }
    if (parts.size() == 2 && parts[0] == "match") {
      if (!post) return not_allowed();
      if (auto refused = refuse(request, ScreenScope::kMatch, "/match")) return *refused;
      return match(request, parts[1]);
    }
    if (parts.size() == 2 && parts[0] == "search") {
      if (!get) return not_allowed();
      if (auto refused = refuse(request, ScreenScope::kSearch, "/search")) return *refused;
      return search(request, parts[1]);
    }
    if (parts.size() == 2 && parts[0] == "entities") {
      if (!get) return not_allowed();
      if (auto refused = refuse(request, ScreenScope::kSearch, "/entities")) return *refused;
      const auto found = by_id.find(parts[1]);
      if (found == by_id.end()) return error_response(404, "No such entity!");
      return json_response(200, entities[found->second]);
    }
    return error_response(404, "Not Found");
  }

  // ---- /match ---------------------------------------------------------------------------

  /// The batch-wide parameters from the query string (and a body's "params", as Marble's
  /// Motiva mode sends them); "" or the reason they are refused.
  std::string read_params(const HttpRequest& request, const json& body, MatchParams& params) {
    std::string problem;
    params.threshold = threshold;
    if (request.has_query("threshold")) {
      auto value = parse_number("threshold", request.query("threshold"), 0, 1, problem);
      if (!value) return problem;
      params.threshold = *value;
    }
    params.cutoff = params.threshold;
    if (request.has_query("cutoff")) {
      auto value = parse_number("cutoff", request.query("cutoff"), 0, 1, problem);
      if (!value) return problem;
      // As yente: a cutoff above the threshold would hide matches.
      params.cutoff = std::min(*value, params.threshold);
    }
    params.limit = config.match_page;
    if (request.has_query("limit")) {
      auto value = parse_int("limit", request.query("limit"), 0, config.max_matches, problem);
      if (!value) return problem;
      params.limit = *value;
    }
    if (request.has_query("algorithm")) {
      const std::string algorithm = request.query("algorithm");
      std::string lowered;
      for (const char c : algorithm) {
        if (c != ' ')
          lowered.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      }
      if (!contains(kAlgorithmAliases, lowered)) return "Invalid algorithm: " + algorithm;
    }
    if (request.has_query("changed_since")) {
      return "changed_since is not supported: Nexus keeps no per-entity change dates (list "
             "versions are diffed by `nexus lists import` instead)";
    }
    auto add_all = [&](std::set<std::string>& into, const char* name) {
      for (auto& value : request.query_all(name)) into.insert(std::move(value));
    };
    add_all(params.include_dataset, "include_dataset");
    add_all(params.exclude_dataset, "exclude_dataset");
    add_all(params.exclude_schema, "exclude_schema");
    add_all(params.topics, "topics");
    add_all(params.exclude_entity_ids, "exclude_entity_ids");
    if (params.exclude_entity_ids.size() > 50) {
      return "exclude_entity_ids: at most 50 (as yente)";
    }
    if (const auto extra = body.find("params"); extra != body.end() && !extra->is_null()) {
      if (!extra->is_object()) return "params: expected an object";
      for (const auto& [key, into] : {std::pair<const char*, std::set<std::string>*>{
                                          "include_datasets", &params.include_dataset},
                                      {"exclude_datasets", &params.exclude_dataset},
                                      {"exclude_entity_ids", &params.exclude_entity_ids}}) {
        const auto list = extra->find(key);
        if (list == extra->end() || list->is_null()) continue;
        if (!list->is_array()) return std::string("params.") + key + ": expected a list of strings";
        for (const auto& item : *list) {
          if (!item.is_string()) {
            return std::string("params.") + key + ": expected a list of strings";
          }
          into->insert(item.get<std::string>());
        }
      }
    }
    return "";
  }

  /// Reads one query of the batch; "" or the reason it is refused (the caller prefixes it).
  std::string read_query(const json& example, ParsedQuery& out) const {
    if (!example.is_object()) return "expected an entity example object";
    const auto schema = example.find("schema");
    if (schema == example.end() || !schema->is_string()) {
      return "schema is missing (a FollowTheMoney schema such as Person or Company)";
    }
    out.schema = schema->get<std::string>();
    if (!contains(kQuerySchemata, out.schema)) {
      return "Cannot parse example entity: schema '" + out.schema +
             "' is not one Nexus screens (Person, Organization, Company, PublicBody, "
             "LegalEntity, Vessel, Airplane, Vehicle, Thing)";
    }
    if (const auto id = example.find("id"); id != example.end()) {
      if (!id->is_string() && !id->is_null()) return "id: expected a string";
      out.id = *id;
    }
    const auto properties = example.find("properties");
    if (properties == example.end() || !properties->is_object()) {
      return "properties is missing (an object of property name to list of values)";
    }
    // Every value as text, as yente coerces them (numbers become strings).
    std::map<std::string, std::vector<std::string>> values;
    for (const auto& [key, value] : properties->items()) {
      auto& into = values[key];
      const json items = value.is_array() ? value : json::array({value});
      for (const auto& item : items) {
        if (item.is_string()) {
          into.push_back(item.get<std::string>());
        } else if (item.is_number_integer() || item.is_number_unsigned()) {
          into.push_back(item.dump());
        } else if (item.is_number()) {
          into.push_back(item.dump());
        } else if (!item.is_null()) {
          return "properties." + key + ": expected strings or a list of strings";
        }
      }
    }
    auto add_name = [&](const std::string& property, const std::string& name) {
      if (name.find_first_not_of(" \t\r\n") == std::string::npos) return;
      if (std::find(out.names.begin(), out.names.end(), name) != out.names.end()) return;
      if (out.names.size() >= config.max_names_per_query) return;
      out.names.push_back(name);
      out.echo[property].push_back(name);
    };
    for (std::string_view property : kNameProperties) {
      if (const auto found = values.find(std::string(property)); found != values.end()) {
        for (const auto& name : found->second) add_name(found->first, name);
      }
    }
    if (out.names.empty()) {
      // No full name: the parts, in the usual order, as one name.
      std::string joined;
      for (std::string_view property : kNamePartProperties) {
        if (const auto found = values.find(std::string(property)); found != values.end()) {
          for (const auto& part : found->second) joined += (joined.empty() ? "" : " ") + part;
          for (const auto& part : found->second) out.echo[found->first].push_back(part);
        }
      }
      if (!joined.empty() && joined.find_first_not_of(" \t") != std::string::npos) {
        out.names.push_back(joined);
      }
    }
    if (out.names.empty()) {
      return "no name: Nexus screens by name; give properties.name (or alias, or firstName "
             "and lastName)";
    }
    out.base.type = query_type(out.schema);
    if (const auto found = values.find("birthDate"); found != values.end()) {
      for (const auto& value : found->second) {
        const std::string date = date_prefix(value);
        if (date.empty()) continue;
        out.base.date_of_birth = date;
        out.echo["birthDate"] = json::array({date});
        break;
      }
    }
    for (std::string_view property : kCountryProperties) {
      const auto found = values.find(std::string(property));
      if (found == values.end() || !out.base.country.empty()) continue;
      for (const auto& value : found->second) {
        const std::string code = countries.resolve(value);
        if (code.empty()) continue;
        out.base.country = code;
        std::string lower = code;
        for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out.echo[found->first] = json::array({lower});
        break;
      }
    }
    for (std::string_view property : kIdentifierProperties) {
      const auto found = values.find(std::string(property));
      if (found == values.end() || !out.base.identifier.empty()) continue;
      for (const auto& value : found->second) {
        if (value.empty()) continue;
        out.base.identifier = value;
        out.echo[found->first] = json::array({value});
        break;
      }
    }
    return "";
  }

  bool admitted(std::uint32_t entry, const std::string& dataset, const std::string& schema,
                const MatchParams& params) const {
    const ListEntry& listed = screener->index().entries()[entry];
    const std::string& ds = entry_datasets[entry];
    if (!in_dataset(entry, dataset)) return false;
    if (!params.include_dataset.empty() && params.include_dataset.count(ds) == 0) return false;
    if (params.exclude_dataset.count(ds) > 0) return false;
    if (!schema_admits(schema, listed.type)) return false;
    if (params.exclude_schema.count(std::string(detail::ftm_schema(listed.type))) > 0) return false;
    // Every listed entry is a sanctions target: only the topic "sanction" (or none) admits it.
    if (!params.topics.empty() && params.topics.count("sanction") == 0) return false;
    return params.exclude_entity_ids.count(ids[entry]) == 0;
  }

  json result_json(const ScreeningMatch& m, double score, double match_threshold,
                   const std::string& query_name) const {
    const ListEntry& entry = screener->index().entries()[m.entry];
    json result = entities[m.entry];
    result["score"] = score;
    result["match"] = score >= match_threshold;
    // Old yente (< 4.0) gave features as named numbers; current yente gives explanations,
    // FeatureResult objects. Both, from the same parts of the Nexus score.
    const std::array<std::pair<const char*, double>, 10> parts = {{
        {"name_token", m.name.token},
        {"name_jaro_winkler", m.name.jaro_winkler},
        {"name_phonetic", m.name.phonetic},
        {"name_compact", m.name.compact},
        {"name_score", m.name.total},
        {"dob_adjustment", m.dob_adjustment},
        {"country_adjustment", m.country_adjustment},
        {"identifier_adjustment", m.identifier_adjustment},
        {"type_adjustment", m.type_adjustment},
        {"weak_alias_adjustment", m.alias_adjustment},
    }};
    json features = json::object();
    json explanations = json::object();
    auto join = [](const std::vector<std::string>& items) {
      std::string out;
      for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
      return out;
    };
    for (const auto& [name, value] : parts) {
      features[name] = round4(value);
      explanations[name] = {{"score", round4(value)}, {"detail", nullptr}};
    }
    explanations["name_score"]["detail"] = m.explain();
    explanations["name_score"]["query"] = query_name;
    explanations["name_score"]["candidate"] = m.hit.matched_name;
    if (m.dob_adjustment != 0) {
      explanations["dob_adjustment"]["detail"] =
          "listed dates of birth: " + join(entry.dates_of_birth);
    }
    if (m.country_adjustment != 0) {
      explanations["country_adjustment"]["detail"] = "listed countries: " + join(entry.countries);
    }
    if (m.identifier_adjustment != 0) {
      explanations["identifier_adjustment"]["detail"] = "an identifier equals a listed one";
    }
    result["features"] = std::move(features);
    result["explanations"] = std::move(explanations);
    // What Nexus itself says about the hit (extra fields: yente clients ignore them).
    result["nexus"] = {{"list", m.hit.list},
                       {"reference", m.hit.reference},
                       {"matched_name", m.hit.matched_name},
                       {"matched_kind", std::string(screening::to_string(m.matched_kind))},
                       {"in_stream", m.counts_in_stream()},
                       {"basis", m.basis()}};
    return result;
  }

  json match_one(const ParsedQuery& query, const std::string& dataset, const MatchParams& params) {
    // Best name per entry over the query's names. More results kept than `limit` (as yente
    // scores limit x 10 candidates, at least 20): the filters drop some after scoring.
    const std::size_t candidates =
        std::max<std::size_t>(20, static_cast<std::size_t>(params.limit) * 10);
    std::unordered_map<std::uint32_t, std::pair<ScreeningMatch, std::string>> best;
    for (const auto& name : query.names) {
      ScreeningQuery q = query.base;
      q.name = name;
      for (auto& m : screener->score_all(q, params.cutoff, candidates)) {
        if (!admitted(m.entry, dataset, query.schema, params)) continue;
        auto found = best.find(m.entry);
        if (found == best.end() || m.hit.score > found->second.first.hit.score) {
          best.insert_or_assign(m.entry, std::make_pair(std::move(m), name));
        }
      }
    }
    std::vector<const std::pair<ScreeningMatch, std::string>*> ranked;
    ranked.reserve(best.size());
    for (const auto& [entry, scored] : best) ranked.push_back(&scored);
    std::sort(ranked.begin(), ranked.end(), [this](const auto* a, const auto* b) {
      if (a->first.hit.score != b->first.hit.score) return a->first.hit.score > b->first.hit.score;
      return ids[a->first.entry] < ids[b->first.entry];
    });
    json results = json::array();
    int matches = 0;
    for (const auto* scored : ranked) {
      // Rounded once, so that `match` agrees with the score a client reads.
      const double score = round4(std::clamp(scored->first.hit.score, 0.0, 1.0));
      if (score < params.cutoff) continue;
      matches += score >= params.threshold;
      if (static_cast<int>(results.size()) < params.limit) {
        results.push_back(result_json(scored->first, score, params.threshold, scored->second));
      }
    }
    return {{"status", 200},
            {"results", std::move(results)},
            {"total", {{"value", matches}, {"relation", "eq"}}},
            {"query", {{"id", query.id}, {"schema", query.schema}, {"properties", query.echo}}}};
  }

  HttpResponse match(const HttpRequest& request, const std::string& dataset) {
    if (!known_dataset(dataset)) return error_response(404, "No such dataset.");
    // A query is {"queries": {"q": {"properties": {"name": [...]}}}}: depth 5; yente's
    // Motiva extensions nest one or two more.
    constexpr int kMaxDepth = 16;
    if (json_nests_deeper_than(request.body, kMaxDepth)) {
      return error_response(400, "Request body nests deeper than " + std::to_string(kMaxDepth) +
                                     " levels; a match query needs 5");
    }
    json body;
    try {
      body = json::parse(request.body);
    } catch (const json::parse_error& e) {
      return error_response(400, std::string("Request body is not JSON: ") + e.what());
    }
    if (!body.is_object()) return error_response(400, "Request body: expected a JSON object");
    MatchParams params;
    if (std::string problem = read_params(request, body, params); !problem.empty()) {
      return error_response(400, problem);
    }
    if (const auto weights = body.find("weights"); weights != body.end() && !weights->is_null()) {
      if (!weights->is_object()) return error_response(400, "weights: expected an object");
    }
    if (const auto config_keys = body.find("config");
        config_keys != body.end() && !config_keys->is_null()) {
      if (!config_keys->is_object()) return error_response(400, "config: expected an object");
      if (!config_keys->empty()) {
        return error_response(400,
                              "Invalid configuration parameter: " + config_keys->begin().key() +
                                  " for algorithm " + std::string(kAlgorithm));
      }
    }
    const auto queries = body.find("queries");
    if (queries == body.end() || !queries->is_object()) {
      return error_response(400,
                            "queries is missing: expected {\"queries\": {\"q1\": {\"schema\": "
                            "\"Person\", \"properties\": {\"name\": [\"...\"]}}}}");
    }
    if (queries->size() > config.max_batch) {
      return error_response(
          400, "Too many queries in one batch (limit: " + std::to_string(config.max_batch) + ")");
    }
    std::vector<std::pair<std::string, ParsedQuery>> parsed;
    for (const auto& [key, example] : queries->items()) {
      if (example.is_null()) continue;  // as yente: a null query is skipped
      ParsedQuery query;
      if (std::string problem = read_query(example, query); !problem.empty()) {
        return error_response(400, "queries." + key + ": " + problem);
      }
      parsed.emplace_back(key, std::move(query));
    }
    if (parsed.empty()) return error_response(400, "No queries provided.");
    json responses = json::object();
    for (const auto& [key, query] : parsed) responses[key] = match_one(query, dataset, params);
    match_queries += parsed.size();
    HttpResponse response =
        json_response(200, {{"responses", std::move(responses)}, {"limit", params.limit}});
    response.headers.emplace_back("x-batch-size", std::to_string(parsed.size()));
    response.headers.emplace_back("x-nexus-algorithm", std::string(kAlgorithm));
    return response;
  }

  // ---- /search --------------------------------------------------------------------------

  HttpResponse search(const HttpRequest& request, const std::string& dataset) {
    if (!known_dataset(dataset)) return error_response(404, "No such dataset.");
    std::string problem;
    int limit = 10, offset = 0;
    if (request.has_query("limit")) {
      auto value = parse_int("limit", request.query("limit"), 0, 500, problem);
      if (!value) return error_response(400, problem);
      limit = *value;
    }
    if (request.has_query("offset")) {
      auto value = parse_int("offset", request.query("offset"), 0, 9499, problem);
      if (!value) return error_response(400, problem);
      offset = *value;
    }
    const std::string schema = request.has_query("schema") ? request.query("schema") : "Thing";
    if (!contains(kQuerySchemata, schema)) return error_response(400, "Invalid schema");
    MatchParams params;
    for (auto& value : request.query_all("include_dataset")) params.include_dataset.insert(value);
    for (auto& value : request.query_all("exclude_dataset")) params.exclude_dataset.insert(value);
    for (auto& value : request.query_all("exclude_schema")) params.exclude_schema.insert(value);
    for (auto& value : request.query_all("topics")) params.topics.insert(value);
    std::set<std::string> country_filter;
    for (const auto& value : request.query_all("countries")) {
      const std::string code = countries.resolve(value);
      if (code.empty()) return error_response(400, "Invalid country: '" + value + "'");
      country_filter.insert(code);
    }
    auto admitted_here = [&](std::uint32_t entry) {
      if (!admitted(entry, dataset, schema, params)) return false;
      if (country_filter.empty()) return true;
      for (const auto& country : screener->index().entries()[entry].countries) {
        if (country_filter.count(country) > 0) return true;
      }
      return false;
    };
    const std::string q = request.query("q");
    std::vector<std::uint32_t> found;
    if (q.find_first_not_of(" \t") == std::string::npos) {
      // No text: the dataset's entities in list order, as yente's match-all query pages them.
      for (std::uint32_t i = 0; i < entities.size(); ++i) {
        if (admitted_here(i)) found.push_back(i);
      }
    } else {
      // A name search: every entry whose name scores at least yente's match threshold (0.70),
      // a looser bar than /match's, as a person searching wants near misses too.
      ScreeningQuery query;
      query.name = q;
      query.type = query_type(schema);
      for (const auto& m : screener->score_all(query, 0.70, 500)) {
        if (admitted_here(m.entry)) found.push_back(m.entry);
      }
    }
    json results = json::array();
    for (std::size_t i = static_cast<std::size_t>(offset);
         i < found.size() && results.size() < static_cast<std::size_t>(limit); ++i) {
      results.push_back(entities[found[i]]);
    }
    return json_response(200, {{"results", std::move(results)},
                               {"facets", json::object()},
                               {"total", {{"value", found.size()}, {"relation", "eq"}}},
                               {"limit", limit},
                               {"offset", offset}});
  }

  // ---- /metrics, /catalog, /algorithms ---------------------------------------------------

  /// The route a request counts under: its first path segment when it names one, else
  /// "other" (so a scanner cannot grow the table).
  static std::string route_name(const HttpRequest& request) {
    static const std::set<std::string> kRoutes = {"match",    "search",     "entities",
                                                  "healthz",  "readyz",     "catalog",
                                                  "manifest", "algorithms", "metrics"};
    const auto parts = split_path(request.path());
    return !parts.empty() && kRoutes.count(parts[0]) > 0 ? parts[0] : "other";
  }

  HttpResponse metrics() const {
    std::ostringstream out;
    out << "# HELP nexus_screen_requests_total Requests answered, by route and HTTP status.\n"
           "# TYPE nexus_screen_requests_total counter\n";
    for (const auto& [key, count] : answered) {
      out << "nexus_screen_requests_total{route=\"" << key.first << "\",status=\"" << key.second
          << "\"} " << count << "\n";
    }
    out << "# HELP nexus_screen_match_queries_total Queries screened by POST /match.\n"
           "# TYPE nexus_screen_match_queries_total counter\n"
           "nexus_screen_match_queries_total "
        << match_queries
        << "\n# HELP nexus_screen_entities Listed entries served.\n"
           "# TYPE nexus_screen_entities gauge\n"
           "nexus_screen_entities "
        << entities.size() << "\n";
    return {200, "text/plain; version=0.0.4", out.str(), {}};
  }

  /// A list's publication date as yente's index_version ("20260227000000-nx"; Marble reads the
  /// part before '-' as a timestamp), or "" when unknown.
  std::string index_version(const std::string& list) const {
    const auto found = config.list_versions.find(list);
    if (found == config.list_versions.end()) return "";
    std::string digits;
    for (const char c : found->second) {
      if (std::isdigit(static_cast<unsigned char>(c))) digits.push_back(c);
    }
    if (digits.size() != 8) return "";
    return digits + "000000-nx";
  }

  HttpResponse catalog() const {
    json datasets = json::array();
    json current = json::array();
    std::string newest;
    std::map<std::string, std::size_t> counts;
    for (const auto& ds : entry_datasets) ++counts[ds];
    auto dataset_json = [](const std::string& name, const std::string& title,
                           const std::string& version, const json& children, std::size_t count,
                           bool collection) {
      return json{{"name", name},
                  {"title", title},
                  {"type", collection ? "collection" : "source"},
                  {"load", true},
                  {"version", version.empty() ? "unknown" : version},
                  {"index_version", version.empty() ? json() : json(version)},
                  {"index_current", true},
                  {"children", children},
                  {"tags", json::array({"list.sanction"})},
                  {"entity_count", count}};
    };
    json children = json::array();
    for (const auto& [dataset, list] : dataset_lists) {
      const std::string version = index_version(list);
      newest = std::max(newest, version);
      children.push_back(dataset);
      datasets.push_back(dataset_json(dataset, detail::ftm_dataset_title(list), version,
                                      json::array(), counts[dataset], false));
    }
    const std::size_t all = entities.size();
    datasets.insert(datasets.begin(), dataset_json("sanctions", "Sanctions lists loaded in Nexus",
                                                   newest, children, all, true));
    datasets.insert(datasets.begin(), dataset_json("default", "All lists loaded in Nexus", newest,
                                                   children, all, true));
    for (const auto& dataset : datasets) current.push_back(dataset["name"]);
    return json_response(200, {{"datasets", std::move(datasets)},
                               {"current", std::move(current)},
                               {"outdated", json::array()},
                               {"index_stale", false}});
  }

  HttpResponse algorithms() const {
    const auto& c = screener->config();
    auto feature = [](const char* description, double coefficient) {
      return json{{"description", description},
                  {"coefficient", coefficient},
                  {"url", "https://github.com/nexus/engine/screening/README.md"}};
    };
    const json features = {
        {"name_token", feature("weighted token-set similarity, particles and titles weighted down",
                               c.token_weight)},
        {"name_jaro_winkler",
         feature("Jaro-Winkler of the sorted name tokens", c.jaro_winkler_weight)},
        {"name_phonetic",
         feature("agreement of the tokens' consonant skeletons", c.phonetic_weight)},
        {"name_compact", feature("Jaro-Winkler without separators (split or merged words)", 0)},
        {"dob_adjustment",
         feature("date of birth: exact, same year, or every year off", c.dob_exact_bonus)},
        {"country_adjustment",
         feature("country among the listed ones, or not", c.country_match_bonus)},
        {"identifier_adjustment",
         feature("an identifier equals a listed one", c.identifier_match_bonus)},
        {"type_adjustment", feature("person against organisation", c.type_mismatch_penalty)},
        {"weak_alias_adjustment", feature("a weak (low-quality) alias", c.weak_alias_penalty)}};
    const std::string description =
        "Nexus name screening: transliteration-aware token pairing, Jaro-Winkler and consonant "
        "skeletons, then date of birth, country, identifier and type as adjustments. Every "
        "yente algorithm name is accepted and scored this way.";
    json algorithm = {{"name", kAlgorithm},
                      {"description", description},
                      {"features", features},
                      {"docs",
                       {{"name", kAlgorithm},
                        {"description", description},
                        {"config", json::object()},
                        {"features", features}}}};
    return json_response(
        200, {{"algorithms", json::array({algorithm})}, {"default", "best"}, {"best", kAlgorithm}});
  }
};

ScreenApi::ScreenApi(std::unique_ptr<screening::NameScreener> screener, ScreenTokens tokens,
                     ScreenApiConfig config)
    : impl_(std::make_unique<Impl>(std::move(screener), std::move(tokens), std::move(config))) {}

ScreenApi::~ScreenApi() = default;

HttpResponse ScreenApi::handle(const HttpRequest& request) {
  HttpResponse response;
  try {
    response = impl_->route(request);
  } catch (const std::exception& e) {
    // A bug, not bad input (bad input is answered above): the client gets a 500, the
    // server keeps serving.
    response = error_response(500, std::string("Internal error: ") + e.what());
  }
  ++impl_->answered[{Impl::route_name(request), response.status}];
  return response;
}

std::vector<std::string> ScreenApi::datasets() const {
  std::vector<std::string> out = {"default", "sanctions"};
  out.insert(out.end(), impl_->list_datasets.begin(), impl_->list_datasets.end());
  return out;
}

double ScreenApi::default_threshold() const { return impl_->threshold; }

}  // namespace nexus::connectors
