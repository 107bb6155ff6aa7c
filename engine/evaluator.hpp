// Evaluator: executes compiled rule conditions against one enriched event and
// the windows, and explains a condition that held as a list of Evidence.
// Holds per-event scratch space; one instance per engine thread.
#pragma once

#include "engine/flag_store.hpp"
#include "engine/graph/network.hpp"
#include "engine/screener.hpp"
#include "engine/timezone/zone_clock.hpp"
#include "engine/window_store.hpp"
#include "nexus/v1/alert.pb.h"
#include "nexus/v1/transaction.pb.h"
#include "rules/keyword_matcher.hpp"
#include "rules/rule_set.hpp"

#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace nexus::engine {

/// A screening hit on one party of the event.
struct PartyHit {
  std::string role;  // "originator" | "beneficiary"
  ScreeningHit hit;
};

/// The event as rules see it: the message plus what the engine derived.
struct EnrichedEvent {
  const nexus::v1::Transaction* tx = nullptr;
  int64_t time_ms = 0;
  double amount_usd = 0;
  double amount = 0;
  std::vector<PartyHit> hits;  // best first
  /// The money-flow network's facts for this payment; null when no rule reads them.
  const graph::NetworkFacts* network = nullptr;
};

struct Value {
  rules::ValueType type = rules::ValueType::kBool;
  double number = 0;
  bool boolean = false;
  std::string_view text;
};

class Evaluator {
 public:
  Evaluator(const rules::RuleSet& rules, WindowStore& windows, FlagStore& flags);
  ~Evaluator();
  Evaluator(const Evaluator&) = delete;
  Evaluator& operator=(const Evaluator&) = delete;

  /// True when `condition` holds for `event`. Check io_error() afterwards.
  bool holds(const rules::Expr& condition, const EnrichedEvent& event);

  /// Evidence for a condition that holds: each comparison that made it true, and
  /// each aggregate it read with the window's transactions.
  void explain(const rules::Expr& condition, const EnrichedEvent& event,
               google::protobuf::RepeatedPtrField<nexus::v1::Evidence>* out);

  /// Adds to `alert` the network pictures (pattern subgraphs, exposure paths, clusters)
  /// behind the network fields `condition` reads, once each.
  void collect_subgraphs(const rules::Expr& condition, const EnrichedEvent& event,
                         nexus::v1::Alert* alert);

  /// Reads a field (for keys and alert subjects) as text; numbers are rendered.
  std::string field_text(const rules::FieldRef& field, const EnrichedEvent& event);
  Value field(const rules::FieldRef& field, const EnrichedEvent& event);
  /// A value as text without copying strings (numbers and bools are rendered into
  /// per-event scratch). Valid until reset_scratch().
  std::string_view as_text(const Value& value);

  /// The first state I/O error met since the last call, if any (then cleared).
  std::optional<Error> take_io_error();

  /// Drops per-event scratch (strings built by lower()/upper()).
  void reset_scratch() { scratch_.clear(); }

 private:
  /// The clock of the event's place (timezone::event_zone): what `hour` and `weekday` read.
  timezone::LocalTime local_time(const EnrichedEvent& event);
  Value eval(const rules::Expr& expr, const EnrichedEvent& event);
  Value aggregate(const rules::Expr& expr, const EnrichedEvent& event, MeasureResult* detail);
  void explain_node(const rules::Expr& expr, const EnrichedEvent& event,
                    google::protobuf::RepeatedPtrField<nexus::v1::Evidence>* out);
  void explain_aggregates(const rules::Expr& expr, const EnrichedEvent& event,
                          google::protobuf::RepeatedPtrField<nexus::v1::Evidence>* out);
  std::string_view enum_name(const google::protobuf::EnumDescriptor* type, int number);
  /// A plain explanation of a network field's value ("" for other fields).
  std::string network_detail(const rules::FieldRef& field, const EnrichedEvent& event);
  /// The mark behind flag.NAME[key] when it is active at the event's time, else null.
  const FlagMark* active_flag(const rules::Expr& expr, const EnrichedEvent& event);

  const rules::RuleSet& rules_;
  WindowStore& windows_;
  FlagStore& flags_;
  const timezone::ZoneTable* zones_ = nullptr;  // ZoneTable::system(); null without tzdata
  std::unique_ptr<timezone::ZoneClock> clock_;
  rules::KeywordScanner scanner_;
  std::unordered_map<const google::protobuf::EnumDescriptor*, std::vector<std::string>> enum_names_;
  std::deque<std::string> scratch_;
  std::optional<Error> io_error_;
};

/// Renders a number as an analyst reads it: "20", "9500", "499.5", "0.8".
std::string format_number(double value);
std::string render(const Value& value);

}  // namespace nexus::engine
