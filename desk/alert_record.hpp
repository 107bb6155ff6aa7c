// The alert as the desk stores it: the columns its queue filters and sorts on, the text
// its free-text search reads, and the nexus.v1.Alert bytes as published. Plain values.
#pragma once

#include "nexus/v1/alert.pb.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nexus::desk {

struct AlertRecord {
  std::string id;  // nexus.v1.Alert.id: deterministic, the idempotency key
  std::string rule_id;
  uint32_t rule_version = 0;
  nexus::v1::Severity severity = nexus::v1::SEVERITY_UNSPECIFIED;
  std::vector<std::string> typologies;
  std::string subject_key;   // the rule's subject (an account); cases group by it
  std::string subject_name;  // the subject party's name when the evidence shows it
  double score = 0;          // 0..100
  int64_t event_time_ms = 0;
  bool has_sanctions_hit = false;
  std::string alert_pb;  // the serialized nexus.v1.Alert
  // What free-text search matches: subject, names (parties, listed names), remittance
  // text, rule id and title, as its words (search_words).
  std::string search_text;
};

/// Builds the record for `alert`: its identity and queue columns, and the search text from
/// its evidence (values of fields named `*name*` and `*remittance*`, matched keywords) and
/// sanctions hits (listed names, references). The subject's name is the observed value of
/// `<role>.name` where `<role>.account` equals the subject. Cost: linear in the evidence.
AlertRecord alert_record_from(const nexus::v1::Alert& alert);

/// The words of a free-text query: runs of ASCII letters and digits and of non-ASCII bytes
/// (UTF-8 letters), everything else separates. Stores match all the words (AND), so a query
/// carrying SQL or FTS syntax is only ever a list of words.
std::vector<std::string> search_terms(std::string_view text);

/// The words of `text` joined by single spaces: the form search text is stored and matched
/// in, so both stores' tokenizers (FTS5's, PostgreSQL's) see the same plain words.
std::string search_words(std::string_view text);

}  // namespace nexus::desk
