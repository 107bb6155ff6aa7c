#include "rules/compiler.hpp"

#include "rules/duration.hpp"
#include "rules/expression_parser.hpp"
#include "rules/field_catalog.hpp"
#include "rules/keyword_matcher.hpp"

#include "base/utf8.hpp"
#include <google/protobuf/descriptor.h>
#include <openssl/evp.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace nexus::rules {

namespace {

constexpr size_t kMaxReportedErrors = 50;

/// Maps a byte offset inside a YAML scalar back to its line and column in the
/// file, for plain, quoted, folded (>) and literal (|) scalars.
class PositionMapper {
 public:
  PositionMapper(std::string file, const std::string& text) : file_(std::move(file)) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) lines_.push_back(line);
  }

  SourcePos at(const YAML::Mark& mark) const {
    return SourcePos{file_, mark.line + 1, mark.column + 1};
  }

  SourcePos at(const YAML::Mark& mark, size_t offset) const {
    if (mark.line < 0 || static_cast<size_t>(mark.line) >= lines_.size()) return at(mark);
    const std::string& first = lines_[static_cast<size_t>(mark.line)];
    const size_t col = static_cast<size_t>(mark.column);
    const char indicator = col < first.size() ? first[col] : ' ';
    if (indicator == '"' || indicator == '\'') {
      return SourcePos{file_, mark.line + 1, static_cast<int>(col + 2 + offset)};
    }
    // Walk the scalar's lines: the first starts at the mark (plain) or on the next
    // line (block); each line break folds into one character of the value.
    size_t line_index = static_cast<size_t>(mark.line);
    size_t start = col;
    if (indicator == '>' || indicator == '|') {
      ++line_index;
      start = std::string::npos;
    }
    size_t remaining = offset;
    for (; line_index < lines_.size(); ++line_index) {
      const std::string& line = lines_[line_index];
      size_t begin = start;
      if (begin == std::string::npos) {
        begin = line.find_first_not_of(' ');
        if (begin == std::string::npos) continue;
      }
      const size_t length = line.size() > begin ? line.size() - begin : 0;
      if (remaining <= length) {
        return SourcePos{file_, static_cast<int>(line_index) + 1,
                         static_cast<int>(begin + remaining) + 1};
      }
      remaining -= length + 1;
      start = std::string::npos;
    }
    return at(mark);
  }

  const std::string& file() const { return file_; }

 private:
  std::string file_;
  std::vector<std::string> lines_;
};

struct Item {
  YAML::Node node;
  const PositionMapper* mapper;
};

class Compiler {
 public:
  Result<std::shared_ptr<const RuleSet>> run(const std::vector<RuleSource>& sources) {
    auto sorted = sources;
    std::sort(sorted.begin(), sorted.end(), [](const RuleSource& a, const RuleSource& b) {
      return std::filesystem::path(a.name).filename() < std::filesystem::path(b.name).filename();
    });
    std::string hash_input;
    for (const auto& source : sorted) {
      // The file's name, not its path: the same pack gives the same hash wherever it lives.
      hash_input += std::filesystem::path(source.name).filename().string();
      hash_input.push_back('\0');
      hash_input += source.text;
      hash_input.push_back('\0');
      set_->files.push_back(source.name);
      mappers_.push_back(std::make_unique<PositionMapper>(source.name, source.text));
      load_file(source, *mappers_.back());
    }
    set_->content_hash = sha256_hex(hash_input, 16);
    for (const auto& item : lists_) compile_list(item);
    for (const auto& item : keywords_) compile_keywords_item(item);
    for (const auto& item : flags_) compile_flag(item);
    for (const auto& item : networks_) compile_network(item);
    for (const auto& item : aggregates_) compile_aggregate(item);
    for (const auto& item : rules_) compile_rule(item);
    if (sources.empty()) error(SourcePos{"(rules)", 0, 0}, "no rule files given");
    if (!errors_.empty()) {
      std::string message;
      for (size_t i = 0; i < errors_.size() && i < kMaxReportedErrors; ++i) {
        if (i) message += "\n";
        message += errors_[i];
      }
      if (errors_.size() > kMaxReportedErrors) {
        message += "\n... and " + std::to_string(errors_.size() - kMaxReportedErrors) + " more";
      }
      return make_error("rule_error", message);
    }
    for (const auto& aggregate : set_->aggregates) {
      set_->max_window_ms = std::max(set_->max_window_ms, aggregate.window_ms);
    }
    set_->network_use = network_use_;
    return std::shared_ptr<const RuleSet>(std::move(set_));
  }

 private:
  void error(const SourcePos& pos, const std::string& message) {
    errors_.push_back(pos.to_string() + ": " + message);
  }

  void load_file(const RuleSource& source, const PositionMapper& mapper) {
    if (source.text.size() > kMaxRuleFileBytes) {
      error(SourcePos{source.name, 1, 1},
            "rule file is " + std::to_string(source.text.size()) + " bytes; the limit is " +
                std::to_string(kMaxRuleFileBytes) + ": split it into several files");
      return;
    }
    if (const size_t bad = first_invalid_utf8(source.text); bad != std::string::npos) {
      const size_t line_start = source.text.rfind('\n', bad == 0 ? 0 : bad - 1);
      const int line =
          1 + static_cast<int>(std::count(source.text.begin(), source.text.begin() + bad, '\n'));
      const int column =
          static_cast<int>(bad -
                           (line_start == std::string::npos || bad == 0 ? 0 : line_start + 1)) +
          1;
      char byte[8];
      std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(source.text[bad]));
      error(SourcePos{source.name, line, column},
            std::string("byte ") + byte +
                " is not UTF-8 (a Latin-1 or Windows-1252 file?): save the file as UTF-8");
      return;
    }
    std::vector<YAML::Node> documents;
    try {
      documents = YAML::LoadAll(source.text);
    } catch (const YAML::Exception& e) {
      error(SourcePos{source.name, e.mark.line + 1, e.mark.column + 1}, "YAML syntax: " + e.msg);
      return;
    }
    for (const auto& document : documents) {
      if (document.IsNull()) continue;
      if (!document.IsSequence()) {
        error(mapper.at(document.Mark()),
              "a rule file is a YAML list of '- list:', '- keywords:', '- flag:', '- aggregate:' "
              "and '- rule:' items");
        continue;
      }
      for (const auto& node : document) {
        if (!node.IsMap()) {
          error(mapper.at(node.Mark()),
                "expected a map starting with list:, keywords:, flag:, aggregate: or rule:");
          continue;
        }
        if (node["list"]) {
          lists_.push_back({node, &mapper});
        } else if (node["aggregate"]) {
          aggregates_.push_back({node, &mapper});
        } else if (node["keywords"]) {
          keywords_.push_back({node, &mapper});
        } else if (node["flag"]) {
          flags_.push_back({node, &mapper});
        } else if (node["network"]) {
          networks_.push_back({node, &mapper});
        } else if (node["rule"]) {
          rules_.push_back({node, &mapper});
        } else {
          error(mapper.at(node.Mark()),
                "item has none of the keys list:, keywords:, flag:, network:, aggregate:, rule: "
                "(first key is '" +
                    node.begin()->first.Scalar() + "')");
        }
      }
    }
  }

  bool check_keys(const Item& item, const std::set<std::string>& allowed) {
    bool ok = true;
    for (const auto& pair : item.node) {
      const std::string key = pair.first.Scalar();
      if (allowed.count(key)) continue;
      std::string hint;
      size_t best = 3;
      for (const auto& candidate : allowed) {
        const size_t distance = edit_distance(key, candidate);
        if (distance < best) {
          best = distance;
          hint = candidate;
        }
      }
      std::string allowed_list;
      for (const auto& candidate : allowed)
        allowed_list += (allowed_list.empty() ? "" : ", ") + candidate;
      error(item.mapper->at(pair.first.Mark()),
            "unknown key '" + key + "'" +
                (hint.empty() ? " (allowed: " + allowed_list + ")"
                              : " (did you mean '" + hint + "'?)"));
      ok = false;
    }
    return ok;
  }

  std::optional<std::string> scalar(const Item& item, const char* key, bool required) {
    const YAML::Node value = item.node[key];
    if (!value) {
      if (required) error(item.mapper->at(item.node.Mark()), std::string("missing '") + key + "'");
      return std::nullopt;
    }
    if (!value.IsScalar()) {
      error(item.mapper->at(value.Mark()), std::string("'") + key + "' must be a single value");
      return std::nullopt;
    }
    return value.Scalar();
  }

  std::optional<std::string> identifier(const Item& item, const char* key) {
    auto id = scalar(item, key, true);
    if (!id) return std::nullopt;
    const bool valid = !id->empty() && std::all_of(id->begin(), id->end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    });
    if (!valid) {
      error(item.mapper->at(item.node[key].Mark()),
            "'" + *id + "' is not a valid id: use letters, digits, '_' and '-'");
      return std::nullopt;
    }
    return id;
  }

  void compile_list(const Item& item) {
    check_keys(item, {"list", "items", "description", "source"});
    auto id = identifier(item, "list");
    if (!id) return;
    NamedList list;
    list.id = *id;
    list.pos = item.mapper->at(item.node["list"].Mark());
    const YAML::Node items = item.node["items"];
    if (!items || !items.IsSequence()) {
      error(list.pos, "list '" + list.id + "' needs 'items:' as a YAML list, e.g. items: [SY, IQ]");
      return;
    }
    for (const auto& entry : items) {
      if (!entry.IsScalar()) {
        error(item.mapper->at(entry.Mark()), "list items must be single values");
        continue;
      }
      list.items.push_back(entry.Scalar());
      list.set.insert(entry.Scalar());
    }
    if (list_index_.count(list.id)) {
      error(list.pos, "list '" + list.id + "' is defined twice (first at " +
                          set_->lists[list_index_[list.id]].pos.to_string() + ")");
      return;
    }
    list_index_[list.id] = set_->lists.size();
    set_->lists.push_back(std::move(list));
  }

  std::optional<FieldRef> resolve_field(const std::string& path, const SourcePos& pos) {
    auto field = FieldCatalog::instance().resolve(path);
    if (field) {
      network_use_ |= network_part(field->virtual_field);
      return field;
    }
    const std::string hint = FieldCatalog::instance().suggest(path);
    error(pos,
          "unknown field '" + path + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
    return std::nullopt;
  }

  std::optional<Measure> parse_measure(const std::string& text, const SourcePos& pos) {
    Measure measure;
    if (text == "count") {
      measure.kind = Measure::Kind::kCount;
      measure.name = "count";
      return measure;
    }
    const size_t open = text.find('(');
    if (open == std::string::npos || text.back() != ')') {
      error(pos, "measure '" + text +
                     "' is not one of count, sum(f), min(f), max(f), avg(f), distinct(f)");
      return std::nullopt;
    }
    const std::string function = text.substr(0, open);
    const std::string path = text.substr(open + 1, text.size() - open - 2);
    static const std::map<std::string, Measure::Kind> kKinds = {
        {"sum", Measure::Kind::kSum},
        {"min", Measure::Kind::kMin},
        {"max", Measure::Kind::kMax},
        {"avg", Measure::Kind::kAvg},
        {"distinct", Measure::Kind::kDistinct}};
    auto kind = kKinds.find(function);
    if (kind == kKinds.end()) {
      error(pos, "unknown measure function '" + function +
                     "' (use sum, min, max, avg, distinct or count)");
      return std::nullopt;
    }
    auto field = resolve_field(path, pos);
    if (!field) return std::nullopt;
    if (kind->second != Measure::Kind::kDistinct && field->type != ValueType::kNumber) {
      error(pos, function + "(" + path + ") needs a number field; '" + path + "' is a " +
                     value_type_name(field->type));
      return std::nullopt;
    }
    measure.kind = kind->second;
    measure.field = *field;
    measure.name = function + "_" + path;
    std::replace(measure.name.begin(), measure.name.end(), '.', '_');
    return measure;
  }

  void compile_aggregate(const Item& item) {
    check_keys(item, {"aggregate", "key", "window", "where", "measures", "description"});
    auto id = identifier(item, "aggregate");
    if (!id) return;
    Aggregate aggregate;
    aggregate.id = *id;
    aggregate.pos = item.mapper->at(item.node["aggregate"].Mark());
    if (auto key = scalar(item, "key", true)) {
      auto field = resolve_field(*key, item.mapper->at(item.node["key"].Mark()));
      if (field) aggregate.key = *field;
    }
    if (auto window = scalar(item, "window", true)) {
      auto ms = parse_duration_ms(*window);
      if (!ms) {
        error(item.mapper->at(item.node["window"].Mark()),
              "window '" + *window + "' is not a duration such as 30m, 24h or 7d");
      } else {
        aggregate.window_ms = *ms;
        aggregate.window_text = *window;
      }
    }
    if (item.node["where"]) {
      aggregate.where = compile_condition(item, "where", /*allow_aggregates=*/false);
    }
    const YAML::Node measures = item.node["measures"];
    if (!measures || !measures.IsSequence() || measures.size() == 0) {
      error(aggregate.pos,
            "aggregate '" + aggregate.id + "' needs 'measures:', e.g. [count, sum(amount_usd)]");
    } else {
      for (const auto& node : measures) {
        auto measure = parse_measure(node.Scalar(), item.mapper->at(node.Mark()));
        if (measure) aggregate.measures.push_back(std::move(*measure));
      }
      if (aggregate.slot_count() > 8) error(aggregate.pos, "at most 8 measures besides count");
    }
    if (aggregate_index_.count(aggregate.id)) {
      error(aggregate.pos, "aggregate '" + aggregate.id + "' is defined twice");
      return;
    }
    std::string fingerprint = aggregate.id + "|" + aggregate.key.path + "|" +
                              std::to_string(aggregate.window_ms) + "|" +
                              (aggregate.where ? aggregate.where->text : "");
    for (const auto& measure : aggregate.measures) fingerprint += "|" + measure.name;
    aggregate.fingerprint = sha256_hex(fingerprint, 8);
    aggregate_index_[aggregate.id] = set_->aggregates.size();
    set_->aggregates.push_back(std::move(aggregate));
  }

  void compile_keywords_item(const Item& item) {
    check_keys(item, {"keywords", "description", "source", "patterns", "regex"});
    auto id = identifier(item, "keywords");
    if (!id) return;
    KeywordSet set;
    set.id = *id;
    set.pos = item.mapper->at(item.node["keywords"].Mark());
    if (list_index_.count(set.id) || keyword_index_.count(set.id)) {
      error(set.pos, "'" + set.id + "' is already defined");
      return;
    }
    std::vector<SourcePos> where;
    const YAML::Node patterns = item.node["patterns"];
    if (patterns && patterns.IsMap()) {
      // patterns: {en: [...], ar: [...]}: phrases by language.
      for (const auto& language : patterns) {
        if (!language.second.IsSequence()) {
          error(item.mapper->at(language.second.Mark()),
                "patterns." + language.first.Scalar() + " must be a list of phrases");
          continue;
        }
        for (const auto& phrase : language.second) {
          set.patterns.push_back({phrase.Scalar(), language.first.Scalar(), false});
          where.push_back(item.mapper->at(phrase.Mark()));
        }
      }
    } else if (patterns && patterns.IsSequence()) {
      for (const auto& phrase : patterns) {
        set.patterns.push_back({phrase.Scalar(), "", false});
        where.push_back(item.mapper->at(phrase.Mark()));
      }
    } else if (patterns) {
      error(item.mapper->at(patterns.Mark()),
            "patterns must be a list of phrases, or phrases by language: {en: [...], ar: [...]}");
    }
    if (const YAML::Node regex = item.node["regex"]) {
      if (!regex.IsSequence()) {
        error(item.mapper->at(regex.Mark()), "regex must be a list of regular expressions");
      } else {
        for (const auto& expression : regex) {
          set.patterns.push_back({expression.Scalar(), "", true});
          where.push_back(item.mapper->at(expression.Mark()));
        }
      }
    }
    for (size_t i = 0; i < set.patterns.size(); ++i) {
      if (set.patterns[i].text.empty()) error(where[i], "empty keyword");
    }
    if (set.patterns.empty()) {
      error(set.pos, "keywords '" + set.id + "' needs patterns: (phrases) or regex:");
      return;
    }
    auto compiled = compile_keywords(set);
    if (!compiled.database) {
      // Hyperscan names the first refused pattern only; each one alone says which others
      // it refuses too, so the author sees every problem in one check.
      bool named = false;
      for (size_t i = 0; i < set.patterns.size() && set.patterns.size() > 1; ++i) {
        KeywordSet single;
        single.id = set.id;
        single.patterns = {set.patterns[i]};
        auto alone = compile_keywords(single);
        if (alone.database) continue;
        error(where[i], "keyword pattern refused by Hyperscan: " + alone.error.message);
        named = true;
      }
      if (!named) {
        const int index = compiled.error.pattern_index;
        const SourcePos pos = index >= 0 && static_cast<size_t>(index) < where.size()
                                  ? where[static_cast<size_t>(index)]
                                  : set.pos;
        error(pos, "keyword pattern refused by Hyperscan: " + compiled.error.message);
      }
      // Registered all the same, so the conditions naming it are not reported as well.
    }
    set.database = std::move(compiled.database);
    keyword_index_[set.id] = set_->keywords.size();
    set_->keywords.push_back(std::move(set));
  }

  /// `- network: settings`: the detectors' thresholds. Kinds: d duration, n number > 0,
  /// r ratio in (0, 2], b true/false.
  void compile_network(const Item& item) {
    static const std::map<std::string, char> kSettings = {{"flow_window", 'd'},
                                                          {"fan_window", 'd'},
                                                          {"fan_in_min_senders", 'n'},
                                                          {"fan_out_min_receivers", 'n'},
                                                          {"cycle_window", 'd'},
                                                          {"cycle_min_hops", 'n'},
                                                          {"cycle_max_hops", 'n'},
                                                          {"scatter_window", 'd'},
                                                          {"scatter_gather_min_intermediates", 'n'},
                                                          {"gather_scatter_min_senders", 'n'},
                                                          {"gather_scatter_min_receivers", 'n'},
                                                          {"pass_through_min_hops", 'n'},
                                                          {"pass_through_max_dwell", 'd'},
                                                          {"pass_through_min_ratio", 'r'},
                                                          {"pass_through_max_ratio", 'r'},
                                                          {"require_time_order", 'b'},
                                                          {"max_accounts_per_identifier", 'n'},
                                                          {"exposure_max_hops", 'n'},
                                                          {"exposure_hop_decay", 'r'},
                                                          {"exposure_half_life", 'd'},
                                                          {"exposure_min_score", 'r'}};
    if (!set_->network_settings.empty()) {
      error(item.mapper->at(item.node["network"].Mark()),
            "a rule set has one '- network:' item; this is the second");
      return;
    }
    for (const auto& pair : item.node) {
      const std::string key = pair.first.Scalar();
      if (key == "network" || key == "description") continue;
      const SourcePos pos = item.mapper->at(pair.second.Mark());
      auto found = kSettings.find(key);
      if (found == kSettings.end()) {
        std::string hint, all;
        size_t best = 4;
        for (const auto& [name, kind] : kSettings) {
          all += (all.empty() ? "" : ", ") + name;
          if (edit_distance(key, name) < best) {
            best = edit_distance(key, name);
            hint = name;
          }
        }
        error(item.mapper->at(pair.first.Mark()),
              "unknown network setting '" + key + "'" +
                  (hint.empty() ? " (settings: " + all + ")" : " (did you mean '" + hint + "'?)"));
        continue;
      }
      const std::string text = pair.second.IsScalar() ? pair.second.Scalar() : "";
      double value = 0;
      bool ok = true;
      try {
        switch (found->second) {
          case 'd': {
            auto ms = parse_duration_ms(text);
            ok = ms && *ms > 0;
            value = ok ? static_cast<double>(*ms) : 0;
            break;
          }
          case 'b':
            ok = text == "true" || text == "false";
            value = text == "true" ? 1 : 0;
            break;
          default:
            value = std::stod(text);
            ok = found->second == 'r' ? value > 0 && value <= 2 : value >= 1;
        }
      } catch (const std::exception&) {
        ok = false;
      }
      if (!ok) {
        const char* expected = found->second == 'd'   ? "a duration such as 72h"
                               : found->second == 'b' ? "true or false"
                               : found->second == 'r' ? "a number in (0, 2]"
                                                      : "a whole number >= 1";
        error(pos, key + " must be " + std::string(expected) + ", got '" + text + "'");
        continue;
      }
      set_->network_settings.push_back({key, value});
    }
  }

  void compile_flag(const Item& item) {
    check_keys(item, {"flag", "window", "description"});
    auto id = identifier(item, "flag");
    if (!id) return;
    FlagDef flag;
    flag.id = *id;
    flag.pos = item.mapper->at(item.node["flag"].Mark());
    flag.description = scalar(item, "description", false).value_or("");
    if (auto window = scalar(item, "window", true)) {
      auto ms = parse_duration_ms(*window);
      if (!ms || *ms <= 0) {
        error(item.mapper->at(item.node["window"].Mark()),
              "window '" + *window + "' is not a duration such as 30d");
      } else {
        flag.window_ms = *ms;
      }
    }
    if (flag_index_.count(flag.id)) {
      error(flag.pos, "flag '" + flag.id + "' is defined twice");
      return;
    }
    flag_index_[flag.id] = set_->flags.size();
    set_->flags.push_back(std::move(flag));
  }

  void compile_rule(const Item& item) {
    // An unknown key is reported and the rest of the rule is still checked: a typo in one
    // key must not hide a misspelt field in another.
    check_keys(item, {"rule", "version", "title", "description", "source", "severity", "score",
                      "typologies", "subject", "condition", "tests", "enabled", "suppress", "flags",
                      "mode"});
    auto id = identifier(item, "rule");
    if (!id) return;
    Rule rule;
    rule.id = *id;
    rule.pos = item.mapper->at(item.node["rule"].Mark());
    if (auto enabled = scalar(item, "enabled", false)) {
      if (*enabled != "true" && *enabled != "false") {
        error(item.mapper->at(item.node["enabled"].Mark()),
              "enabled must be true or false, got '" + *enabled + "'");
      }
      if (*enabled != "true") return;
    }
    if (auto version = scalar(item, "version", true)) {
      try {
        const long value = std::stol(*version);
        if (value < 1 || std::to_string(value) != *version) throw std::invalid_argument("");
        rule.version = static_cast<uint32_t>(value);
      } catch (const std::exception&) {
        error(item.mapper->at(item.node["version"].Mark()),
              "version must be a whole number >= 1, got '" + *version + "'");
      }
    }
    if (auto mode = scalar(item, "mode", false)) {
      if (*mode == "shadow") {
        rule.mode = RuleMode::kShadow;
      } else if (*mode != "live") {
        error(item.mapper->at(item.node["mode"].Mark()),
              "mode must be live or shadow, got '" + *mode + "'");
      }
    }
    rule.title = scalar(item, "title", false).value_or(rule.id);
    if (auto source = scalar(item, "source", true)) rule.source = *source;
    static const std::map<std::string, std::pair<Severity, double>> kSeverities = {
        {"low", {Severity::kLow, 25}},
        {"medium", {Severity::kMedium, 50}},
        {"high", {Severity::kHigh, 75}},
        {"critical", {Severity::kCritical, 90}}};
    const std::string severity = scalar(item, "severity", false).value_or("medium");
    if (auto found = kSeverities.find(severity); found != kSeverities.end()) {
      rule.severity = found->second.first;
      rule.score = found->second.second;
    } else {
      error(item.mapper->at(item.node["severity"].Mark()),
            "severity '" + severity + "' is not one of low, medium, high, critical");
    }
    if (auto score = scalar(item, "score", false)) {
      try {
        rule.score = std::stod(*score);
        if (rule.score < 0 || rule.score > 100) throw std::out_of_range("");
      } catch (const std::exception&) {
        error(item.mapper->at(item.node["score"].Mark()), "score must be a number from 0 to 100");
      }
    }
    if (const YAML::Node typologies = item.node["typologies"]) {
      if (!typologies.IsSequence()) {
        error(item.mapper->at(typologies.Mark()), "typologies must be a list, e.g. [crowdfunding]");
      } else {
        for (const auto& tag : typologies) rule.typologies.push_back(tag.Scalar());
      }
    }
    const std::string subject = scalar(item, "subject", false).value_or("originator.account");
    const SourcePos subject_pos =
        item.node["subject"] ? item.mapper->at(item.node["subject"].Mark()) : rule.pos;
    if (auto field = resolve_field(subject, subject_pos)) rule.subject = *field;
    if (auto suppress = scalar(item, "suppress", false)) {
      auto ms = parse_duration_ms(*suppress);
      if (!ms) {
        error(item.mapper->at(item.node["suppress"].Mark()),
              "suppress '" + *suppress + "' is not a duration such as 1h or 24h");
      } else {
        rule.suppress_ms = *ms;
      }
    }
    if (const YAML::Node flags = item.node["flags"]) {
      if (!flags.IsSequence()) {
        error(item.mapper->at(flags.Mark()), "flags must be a list, e.g. [trafficking]");
      } else {
        for (const auto& flag : flags) {
          auto found = flag_index_.find(flag.Scalar());
          if (found == flag_index_.end()) {
            std::string hint;
            for (const auto& [name, index] : flag_index_) {
              if (edit_distance(name, flag.Scalar()) <= 3) hint = name;
            }
            error(item.mapper->at(flag.Mark()),
                  "unknown flag '" + flag.Scalar() + "'" +
                      (hint.empty() ? " (declare it with '- flag: " + flag.Scalar() + "')"
                                    : " (did you mean '" + hint + "'?)"));
          } else {
            rule.flags.push_back(static_cast<int>(found->second));
          }
        }
      }
    }
    rule.condition = compile_condition(item, "condition", /*allow_aggregates=*/true);
    if (!item.node["condition"]) error(rule.pos, "rule '" + rule.id + "' needs a 'condition:'");
    compile_tests(item, &rule);
    if (rule_ids_.count(rule.id)) {
      error(rule.pos, "rule '" + rule.id + "' is defined twice");
      return;
    }
    rule_ids_.insert(rule.id);
    std::string definition = (rule.condition ? rule.condition->text : "") + "|" +
                             rule.subject.path + "|" + std::to_string(rule.suppress_ms) + "|" +
                             std::to_string(static_cast<int>(rule.severity)) + "|" +
                             std::to_string(rule.score);
    for (const int flag : rule.flags)
      definition += "|flag:" + set_->flags[static_cast<size_t>(flag)].id;
    // Only a shadow rule adds its mode, so every live rule keeps the fingerprint it had.
    if (rule.mode == RuleMode::kShadow) definition += "|mode:shadow";
    for (const auto& aggregate : set_->aggregates) {
      if (rule.condition && rule.condition->text.find("agg." + aggregate.id) != std::string::npos) {
        definition += "|" + aggregate.fingerprint;
      }
    }
    for (const auto& set : set_->keywords) {
      if (rule.condition && rule.condition->text.find(set.id) != std::string::npos) {
        for (const auto& pattern : set.patterns) definition += "|kw:" + keyword_expression(pattern);
      }
    }
    for (const auto& flag : set_->flags) {
      if (rule.condition && rule.condition->text.find("flag." + flag.id) != std::string::npos) {
        definition += "|flag:" + flag.id + "/" + std::to_string(flag.window_ms);
      }
    }
    rule.fingerprint = sha256_hex(definition, 16);
    set_->rules.push_back(std::move(rule));
  }

  static std::string to_json(const YAML::Node& node) {
    switch (node.Type()) {
      case YAML::NodeType::Map: {
        std::string out = "{";
        bool first = true;
        for (const auto& pair : node) {
          if (!first) out += ",";
          first = false;
          out += quote(pair.first.Scalar()) + ":" + to_json(pair.second);
        }
        return out + "}";
      }
      case YAML::NodeType::Sequence: {
        std::string out = "[";
        for (size_t i = 0; i < node.size(); ++i) out += (i ? "," : "") + to_json(node[i]);
        return out + "]";
      }
      case YAML::NodeType::Scalar: {
        const std::string& value = node.Scalar();
        // Quoted YAML scalars carry the "!" tag: always strings.
        if (node.Tag() != "!") {
          if (value == "true" || value == "false") return value;
          char* end = nullptr;
          std::strtod(value.c_str(), &end);
          if (!value.empty() && end == value.c_str() + value.size()) return value;
        }
        return quote(value);
      }
      default:
        return "null";
    }
  }

  static std::string quote(const std::string& value) {
    std::string out = "\"";
    for (char c : value) {
      if (c == '"' || c == '\\') {
        out.push_back('\\');
        out.push_back(c);
      } else if (c == '\n') {
        out += "\\n";
      } else {
        out.push_back(c);
      }
    }
    return out + "\"";
  }

  void compile_tests(const Item& item, Rule* rule) {
    const YAML::Node tests = item.node["tests"];
    if (!tests) return;
    if (!tests.IsSequence()) {
      error(item.mapper->at(tests.Mark()), "tests must be a list");
      return;
    }
    for (const auto& node : tests) {
      RuleTest test;
      test.pos = item.mapper->at(node.Mark());
      test.name =
          node["name"] ? node["name"].Scalar() : "test " + std::to_string(rule->tests.size() + 1);
      const std::string expect = node["expect"] ? node["expect"].Scalar() : "";
      if (expect != "alert" && expect != "no_alert") {
        error(test.pos, "test '" + test.name + "' needs expect: alert or expect: no_alert");
        continue;
      }
      test.expect_alert = expect == "alert";
      const YAML::Node events = node["events"];
      if (!events || !events.IsSequence() || events.size() == 0) {
        error(test.pos, "test '" + test.name + "' needs 'events:', a list of transactions");
        continue;
      }
      for (const auto& event : events) test.events_json.push_back(to_json(event));
      if (const YAML::Node sanctioned = node["sanctioned"]) {
        if (!sanctioned.IsSequence()) {
          error(item.mapper->at(sanctioned.Mark()),
                "sanctioned must be a list of party names the test screener reports as listed");
        } else {
          for (const auto& name : sanctioned) test.sanctioned_names.push_back(name.Scalar());
        }
      }
      rule->tests.push_back(std::move(test));
    }
  }

  std::unique_ptr<Expr> compile_condition(const Item& item, const char* key,
                                          bool allow_aggregates) {
    const YAML::Node node = item.node[key];
    if (!node) return nullptr;
    if (!node.IsScalar()) {
      error(item.mapper->at(node.Mark()), std::string("'") + key + "' must be an expression");
      return nullptr;
    }
    const std::string text = node.Scalar();
    auto parsed = parse_expression(text);
    if (!parsed.ok()) {
      error(item.mapper->at(node.Mark(), parsed.error.offset), parsed.error.message);
      return nullptr;
    }
    context_ = Context{&item, node.Mark(), allow_aggregates};
    const size_t errors_before = errors_.size();
    resolve(parsed.expr.get());
    if (errors_.size() != errors_before) return nullptr;
    if (parsed.expr->type != ValueType::kBool) {
      error(item.mapper->at(node.Mark()), std::string("'") + key +
                                              "' must be true or false, but '" + parsed.expr->text +
                                              "' is a " + value_type_name(parsed.expr->type));
      return nullptr;
    }
    return std::move(parsed.expr);
  }

  SourcePos where_is(const Expr* expr) const {
    return context_.item->mapper->at(context_.mark, static_cast<size_t>(expr->pos.column));
  }

  void type_error(const Expr* expr, const std::string& message) { error(where_is(expr), message); }

  int add_literal_list(Expr* expr) {
    NamedList list;
    list.id = expr->text;
    for (const auto& item : expr->args) {
      std::string value = item->kind == Expr::Kind::kString ? item->string : item->text;
      list.items.push_back(value);
      list.set.insert(value);
    }
    set_->lists.push_back(std::move(list));
    return static_cast<int>(set_->lists.size() - 1);
  }

  void check_enum_literal(const Expr* field, const Expr* literal) {
    if (field->kind != Expr::Kind::kField || !field->field.is_enum) return;
    const auto names = enum_display_names(field->field.descriptors.back()->enum_type());
    auto check = [&](const std::string& value, const Expr* at) {
      if (std::find(names.begin(), names.end(), value) != names.end()) return;
      std::string hint, all;
      size_t best = 4;
      for (const auto& name : names) {
        all += (all.empty() ? "" : ", ") + name;
        if (edit_distance(value, name) < best) {
          best = edit_distance(value, name);
          hint = name;
        }
      }
      type_error(at,
                 "'" + value + "' is not a value of " + field->field.path +
                     (hint.empty() ? " (one of: " + all + ")" : " (did you mean '" + hint + "'?)"));
    };
    if (literal->kind == Expr::Kind::kString) check(literal->string, literal);
    if (literal->kind == Expr::Kind::kList) {
      for (const auto& item : set_->lists[static_cast<size_t>(literal->list_index)].items) {
        check(item, literal);
      }
    }
  }

  void resolve(Expr* expr) {
    switch (expr->kind) {
      case Expr::Kind::kNumber:
        expr->type = ValueType::kNumber;
        return;
      case Expr::Kind::kString:
        expr->type = ValueType::kString;
        return;
      case Expr::Kind::kBool:
        expr->type = ValueType::kBool;
        return;
      case Expr::Kind::kList:
        expr->type = ValueType::kList;
        expr->string = expr->text;
        expr->list_index = add_literal_list(expr);
        return;
      case Expr::Kind::kField: {
        if (auto list = list_index_.find(expr->field.path); list != list_index_.end()) {
          expr->kind = Expr::Kind::kList;
          expr->type = ValueType::kList;
          expr->string = list->first;
          expr->list_index = static_cast<int>(list->second);
          return;
        }
        if (auto set = keyword_index_.find(expr->field.path); set != keyword_index_.end()) {
          expr->kind = Expr::Kind::kKeywords;
          expr->type = ValueType::kList;
          expr->string = set->first;
          expr->keyword_index = static_cast<int>(set->second);
          return;
        }
        if (expr->field.path.rfind("pattern.", 0) == 0 &&
            std::count(expr->field.path.begin(), expr->field.path.end(), '.') == 2) {
          // pattern.<name>.<fact>: a number the detector reports (engine/graph/README.md).
          static const std::map<std::string, std::vector<std::string>> kFacts = {
              {"fan_in", {"distinct_senders", "edges", "amount_sum", "window_ms"}},
              {"fan_out", {"distinct_receivers", "edges", "amount_sum", "window_ms"}},
              {"cycle", {"hops", "duration_ms", "amount_min", "amount_max"}},
              {"scatter_gather", {"intermediates", "amount_scattered", "amount_gathered"}},
              {"gather_scatter",
               {"distinct_senders", "distinct_receivers", "amount_gathered", "amount_scattered"}},
              {"pass_through",
               {"hops", "duration_ms", "amount_first", "amount_last", "retention"}}};
          const std::string rest = expr->field.path.substr(8);
          const std::string pattern = rest.substr(0, rest.find('.'));
          const std::string fact = rest.substr(rest.find('.') + 1);
          auto found = kFacts.find(pattern);
          if (found == kFacts.end() ||
              std::find(found->second.begin(), found->second.end(), fact) == found->second.end()) {
            std::string known;
            if (found != kFacts.end()) {
              for (const auto& name : found->second) known += (known.empty() ? "" : ", ") + name;
            }
            type_error(expr, "unknown pattern fact '" + expr->field.path + "'" +
                                 (known.empty() ? " (patterns: fan_in, fan_out, cycle, "
                                                  "scatter_gather, gather_scatter, pass_through)"
                                                : " (facts of " + pattern + ": " + known + ")"));
            return;
          }
          expr->field.virtual_field = VirtualField::kPatternFact;
          expr->field.argument = rest;
          expr->field.type = ValueType::kNumber;
          expr->type = ValueType::kNumber;
          network_use_ |= network_part(VirtualField::kPatternFact);
          return;
        }
        if (expr->field.path.rfind("exposure.", 0) == 0) {
          // exposure.<category>: "sanctions" or a declared flag.
          const std::string category = expr->field.path.substr(9);
          if (category != "sanctions" && !flag_index_.count(category)) {
            std::string known = "sanctions";
            for (const auto& [name, index] : flag_index_) known += ", " + name;
            type_error(expr,
                       "unknown exposure category '" + category + "' (categories: " + known + ")");
            return;
          }
          expr->field.virtual_field = VirtualField::kExposure;
          expr->field.argument = category;
          expr->field.type = ValueType::kNumber;
          expr->type = ValueType::kNumber;
          network_use_ |= network_part(VirtualField::kExposure);
          return;
        }
        auto field = FieldCatalog::instance().resolve(expr->field.path);
        if (!field) {
          std::string hint = FieldCatalog::instance().suggest(expr->field.path);
          for (const auto& [name, index] : list_index_) {
            if (edit_distance(name, expr->field.path) <= 2) hint = name;
          }
          for (const auto& [name, index] : keyword_index_) {
            if (edit_distance(name, expr->field.path) <= 2) hint = name;
          }
          type_error(expr, "unknown field or list '" + expr->field.path + "'" +
                               (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
          return;
        }
        expr->field = *field;
        expr->type = field->type;
        network_use_ |= network_part(field->virtual_field);
        return;
      }
      case Expr::Kind::kAggregate:
        resolve_aggregate(expr);
        return;
      case Expr::Kind::kUnary:
        resolve(expr->args[0].get());
        expr->type = expr->op == Op::kNot ? ValueType::kBool : ValueType::kNumber;
        if (expr->args[0]->type == ValueType::kList) return;
        if (expr->op == Op::kNot) {
          expect_type(expr->args[0].get(), ValueType::kBool, "'not'");
          expr->type = ValueType::kBool;
        } else {
          expect_type(expr->args[0].get(), ValueType::kNumber, "'-'");
          expr->type = ValueType::kNumber;
        }
        return;
      case Expr::Kind::kBinary:
        resolve_binary(expr);
        return;
      case Expr::Kind::kCall:
        resolve_call(expr);
        return;
      case Expr::Kind::kKeywords:
        expr->type = ValueType::kList;
        return;
      case Expr::Kind::kFlag:
        resolve_flag(expr);
        return;
    }
  }

  void resolve_flag(Expr* expr) {
    expr->type = ValueType::kBool;
    auto found = flag_index_.find(expr->string);
    if (found == flag_index_.end()) {
      std::string hint;
      for (const auto& [name, index] : flag_index_) {
        if (edit_distance(name, expr->string) <= 3) hint = name;
      }
      type_error(expr, "unknown flag '" + expr->string + "'" +
                           (hint.empty() ? " (declare it with '- flag: " + expr->string + "')"
                                         : " (did you mean '" + hint + "'?)"));
      return;
    }
    expr->flag_index = static_cast<int>(found->second);
    resolve(expr->args[0].get());
    expect_type(expr->args[0].get(), ValueType::kString, "the account of flag." + expr->string);
  }

  void expect_type(const Expr* expr, ValueType type, const std::string& where) {
    if (expr->type != type) {
      type_error(expr, where + " needs a " + value_type_name(type) + ", but '" + expr->text +
                           "' is a " + value_type_name(expr->type));
    }
  }

  void resolve_aggregate(Expr* expr) {
    if (!context_.allow_aggregates) {
      type_error(expr, "an aggregate's 'where' cannot read other aggregates");
      return;
    }
    auto found = aggregate_index_.find(expr->string);
    if (found == aggregate_index_.end()) {
      std::string hint;
      for (const auto& [name, index] : aggregate_index_) {
        if (edit_distance(name, expr->string) <= 3) hint = name;
      }
      type_error(expr, "unknown aggregate '" + expr->string + "'" +
                           (hint.empty() ? "" : " (did you mean '" + hint + "'?)"));
      return;
    }
    const Aggregate& aggregate = set_->aggregates[found->second];
    expr->aggregate_index = static_cast<int>(found->second);
    std::string names;
    for (size_t i = 0; i < aggregate.measures.size(); ++i) {
      names += (i ? ", " : "") + aggregate.measures[i].name;
      if (aggregate.measures[i].name == expr->field.path) expr->measure_index = static_cast<int>(i);
    }
    if (expr->measure_index < 0) {
      type_error(expr, "aggregate '" + aggregate.id + "' has no measure '" + expr->field.path +
                           "' (it has: " + names + ")");
      return;
    }
    if (!expr->args.empty()) {
      resolve(expr->args[0].get());
      expect_type(expr->args[0].get(), aggregate.key.type, "the key of agg." + aggregate.id);
    }
    expr->type = ValueType::kNumber;
  }

  void resolve_binary(Expr* expr) {
    Expr* lhs = expr->args[0].get();
    Expr* rhs = expr->args[1].get();
    const size_t errors_before = errors_.size();
    resolve(lhs);
    resolve(rhs);
    // An operand already reported: checking this node would only repeat that error.
    if (errors_.size() != errors_before) {
      expr->type = is_comparison(expr->op) || expr->op == Op::kAnd || expr->op == Op::kOr
                       ? ValueType::kBool
                       : ValueType::kNumber;
      return;
    }
    const std::string op = std::string("'") + op_name(expr->op) + "'";
    switch (expr->op) {
      case Op::kAnd:
      case Op::kOr:
        expect_type(lhs, ValueType::kBool, op);
        expect_type(rhs, ValueType::kBool, op);
        expr->type = ValueType::kBool;
        return;
      case Op::kEq:
      case Op::kNe:
        if (lhs->type != rhs->type || lhs->type == ValueType::kList) {
          type_error(expr, "cannot compare " + std::string(value_type_name(lhs->type)) + " '" +
                               lhs->text + "' with " + value_type_name(rhs->type) + " '" +
                               rhs->text + "'");
        }
        check_enum_literal(lhs, rhs);
        check_enum_literal(rhs, lhs);
        expr->type = ValueType::kBool;
        return;
      case Op::kLt:
      case Op::kLe:
      case Op::kGt:
      case Op::kGe:
        expect_type(lhs, ValueType::kNumber, op);
        expect_type(rhs, ValueType::kNumber, op);
        expr->type = ValueType::kBool;
        return;
      case Op::kMatches:
        expect_type(lhs, ValueType::kString, op);
        if (rhs->kind != Expr::Kind::kKeywords) {
          std::string names;
          for (const auto& [name, index] : keyword_index_)
            names += (names.empty() ? "" : ", ") + name;
          type_error(rhs, op + " needs a keyword set on its right (a '- keywords:' item" +
                              (names.empty() ? std::string(")") : "; defined: " + names + ")") +
                              ", but '" + rhs->text + "' is not one");
        }
        expr->type = ValueType::kBool;
        return;
      case Op::kIn:
      case Op::kNotIn:
        if (rhs->kind == Expr::Kind::kKeywords) {
          type_error(rhs, "'" + rhs->text + "' is a keyword set: use 'matches " + rhs->text + "'");
          expr->type = ValueType::kBool;
          return;
        }
        if (rhs->type != ValueType::kList) {
          type_error(rhs, op + " needs a list on its right, e.g. [SY, IQ] or a list: name; '" +
                              rhs->text + "' is a " + value_type_name(rhs->type));
        }
        if (lhs->type != ValueType::kString && lhs->type != ValueType::kNumber) {
          type_error(lhs, op + " needs a string or number on its left");
        }
        check_enum_literal(lhs, rhs);
        expr->type = ValueType::kBool;
        return;
      case Op::kContains:
      case Op::kStartsWith:
      case Op::kEndsWith:
        expect_type(lhs, ValueType::kString, op);
        expect_type(rhs, ValueType::kString, op);
        expr->type = ValueType::kBool;
        return;
      default:
        expect_type(lhs, ValueType::kNumber, op);
        expect_type(rhs, ValueType::kNumber, op);
        expr->type = ValueType::kNumber;
        return;
    }
  }

  void resolve_call(Expr* expr) {
    const size_t errors_before = errors_.size();
    for (auto& arg : expr->args) resolve(arg.get());
    if (errors_.size() != errors_before) return;
    struct Signature {
      Function function;
      std::vector<ValueType> args;
      ValueType result;
    };
    if (expr->string == "count_of") {
      // count_of(cond, cond, ...): how many of the conditions hold.
      if (expr->args.empty()) type_error(expr, "count_of() needs at least one condition");
      for (const auto& arg : expr->args) expect_type(arg.get(), ValueType::kBool, "count_of()");
      expr->function = Function::kCountOf;
      expr->type = ValueType::kNumber;
      return;
    }
    static const std::map<std::string, Signature> kFunctions = {
        {"substr",
         {Function::kSubstr,
          {ValueType::kString, ValueType::kNumber, ValueType::kNumber},
          ValueType::kString}},
        {"lower", {Function::kLower, {ValueType::kString}, ValueType::kString}},
        {"upper", {Function::kUpper, {ValueType::kString}, ValueType::kString}},
        {"len", {Function::kLen, {ValueType::kString}, ValueType::kNumber}},
        {"abs", {Function::kAbs, {ValueType::kNumber}, ValueType::kNumber}},
        {"min", {Function::kMin, {ValueType::kNumber, ValueType::kNumber}, ValueType::kNumber}},
        {"max", {Function::kMax, {ValueType::kNumber, ValueType::kNumber}, ValueType::kNumber}}};
    auto found = kFunctions.find(expr->string);
    if (found == kFunctions.end()) {
      type_error(expr, "unknown function '" + expr->string +
                           "' (functions: lower, upper, len, substr, abs, min, max, count_of)");
      return;
    }
    const Signature& signature = found->second;
    if (expr->args.size() != signature.args.size()) {
      type_error(expr, expr->string + "() takes " + std::to_string(signature.args.size()) +
                           " argument(s), got " + std::to_string(expr->args.size()));
      return;
    }
    for (size_t i = 0; i < expr->args.size(); ++i) {
      expect_type(expr->args[i].get(), signature.args[i], expr->string + "()");
    }
    expr->function = signature.function;
    expr->type = signature.result;
  }

  struct Context {
    const Item* item = nullptr;
    YAML::Mark mark;
    bool allow_aggregates = true;
  };

  std::unique_ptr<RuleSet> set_ = std::make_unique<RuleSet>();
  std::vector<std::unique_ptr<PositionMapper>> mappers_;
  std::vector<Item> lists_, keywords_, flags_, networks_, aggregates_, rules_;
  std::map<std::string, size_t> list_index_, keyword_index_, flag_index_, aggregate_index_;
  std::set<std::string> rule_ids_;
  std::vector<std::string> errors_;
  int network_use_ = 0;
  Context context_;
};

}  // namespace

Result<std::shared_ptr<const RuleSet>> compile_rules(const std::vector<RuleSource>& sources) {
  return Compiler().run(sources);
}

Result<std::shared_ptr<const RuleSet>> compile_rule_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return make_error("rule_dir", dir.string() + ": not a directory of rule files");
  }
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const auto extension = entry.path().extension();
    if (entry.is_regular_file() && (extension == ".yaml" || extension == ".yml")) {
      paths.push_back(entry.path());
    }
  }
  std::sort(paths.begin(), paths.end());
  if (paths.empty()) return make_error("rule_dir", dir.string() + ": no *.yaml rule files");
  std::vector<RuleSource> sources;
  for (const auto& path : paths) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return make_error("rule_dir", path.string() + ": cannot read");
    std::ostringstream text;
    text << in.rdbuf();
    sources.push_back(RuleSource{path.string(), text.str()});
  }
  auto compiled = compile_rules(sources);
  if (compiled && compiled.value()->rules.empty()) {
    // A set that watches nothing must not pass as OK (a wrong folder, files emptied).
    return make_error("rule_dir", dir.string() + ": " + std::to_string(paths.size()) +
                                      " rule file(s) but no '- rule:' in them; nothing would "
                                      "be monitored");
  }
  return compiled;
}

std::string sha256_hex(std::string_view data, size_t hex_digits) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length && out.size() < hex_digits; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xF]);
  }
  out.resize(std::min(out.size(), hex_digits));
  return out;
}

}  // namespace nexus::rules
