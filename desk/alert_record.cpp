#include "desk/alert_record.hpp"

#include <cctype>

namespace nexus::desk {

namespace {

void append_word(std::string* text, std::string_view word) {
  if (word.empty()) return;
  if (!text->empty()) text->push_back(' ');
  text->append(word);
}

bool contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// "beneficiary.name" -> "beneficiary"; the role prefix of a party field.
std::string_view role_of(std::string_view field) {
  const auto dot = field.rfind('.');
  return dot == std::string_view::npos ? std::string_view{} : field.substr(0, dot);
}

std::string subject_name_of(const nexus::v1::Alert& alert) {
  for (const auto& account : alert.evidence()) {
    const std::string_view name = account.name();
    if (!name.ends_with(".account") || account.observed() != alert.subject()) continue;
    const std::string wanted = std::string(role_of(name)) + ".name";
    for (const auto& party_name : alert.evidence()) {
      if (party_name.name() == wanted) return party_name.observed();
    }
  }
  return {};
}

}  // namespace

AlertRecord alert_record_from(const nexus::v1::Alert& alert) {
  AlertRecord record;
  record.id = alert.id();
  record.rule_id = alert.rule_id();
  record.rule_version = alert.rule_version();
  record.severity = alert.severity();
  record.typologies.assign(alert.typologies().begin(), alert.typologies().end());
  record.subject_key = alert.subject();
  record.subject_name = subject_name_of(alert);
  record.score = alert.score();
  record.event_time_ms =
      alert.event_time().seconds() * 1000 + alert.event_time().nanos() / 1'000'000;
  record.has_sanctions_hit = alert.sanctions_hits_size() > 0;
  record.alert_pb = alert.SerializeAsString();

  std::string& text = record.search_text;
  append_word(&text, alert.subject());
  append_word(&text, record.subject_name);
  append_word(&text, alert.rule_id());
  append_word(&text, alert.title());
  for (const auto& evidence : alert.evidence()) {
    const std::string_view name = evidence.name();
    if (contains(name, "name") || contains(name, "remittance") || contains(name, "narrative")) {
      if (evidence.observed() != record.subject_name) append_word(&text, evidence.observed());
      append_word(&text, evidence.detail());
    }
  }
  for (const auto& hit : alert.sanctions_hits()) {
    append_word(&text, hit.matched_name());
    append_word(&text, hit.reference());
  }
  text = search_words(text);
  return record;
}

std::vector<std::string> search_terms(std::string_view text) {
  std::vector<std::string> terms;
  std::string current;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80 || std::isalnum(byte) != 0) {
      current.push_back(c);
    } else if (!current.empty()) {
      terms.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) terms.push_back(std::move(current));
  return terms;
}

std::string search_words(std::string_view text) {
  std::string words;
  for (const auto& term : search_terms(text)) append_word(&words, term);
  return words;
}

}  // namespace nexus::desk
