// The compiled form of a rule pack: plain data the engine executes. Built once
// by rules::compile_rule_dir(), then immutable and shared (std::shared_ptr<const
// RuleSet>) between the engine thread and whoever swaps it on hot reload.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

namespace google::protobuf {
class FieldDescriptor;
}

namespace nexus::rules {

/// Where something was written: file, 1-based line and column.
struct SourcePos {
  std::string file;
  int line = 0;
  int column = 0;
  std::string to_string() const;
};

enum class ValueType { kNumber, kString, kBool, kList };
const char* value_type_name(ValueType type);

/// Values the engine computes rather than reads from the message.
enum class VirtualField {
  kNone,
  kAmountUsd,           // amount in the reference currency (major units)
  kAmount,              // amount in its own currency (major units)
  kHour,                // hour of day of event_time, UTC, 0..23
  kWeekday,             // day of week of event_time, UTC, 0 = Monday .. 6 = Sunday
  kEventTimeMs,         // event time, milliseconds since the epoch
  kSanctionsHit,        // bool: either party screened positive
  kSanctionsScore,      // number: best screening score of either party (0 when none)
  kSanctionsList,       // string: list of the best hit ("" when none)
  kSanctionsProgramme,  // string: programme of the best hit
  kSanctionsReference,  // string: entry reference of the best hit
};

/// A resolved field path such as "beneficiary.country". Message fields are read
/// through `descriptors` (outermost first); enums read as their lower-case name
/// without the type prefix ("CHANNEL_CASH_DEPOSIT" -> "cash_deposit").
struct FieldRef {
  std::string path;
  std::vector<const google::protobuf::FieldDescriptor*> descriptors;
  VirtualField virtual_field = VirtualField::kNone;
  ValueType type = ValueType::kString;
  bool is_enum = false;
};

enum class Op {
  kOr,
  kAnd,
  kNot,
  kNeg,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kIn,
  kNotIn,
  kContains,
  kStartsWith,
  kEndsWith,
  kAdd,
  kSub,
  kMul,
  kDiv,
};
const char* op_name(Op op);
bool is_comparison(Op op);

enum class Function { kLower, kUpper, kLen, kAbs, kMin, kMax };

/// One node of a compiled condition. `text` is the node's source text, used as
/// the evidence name ("agg.inbound_24h.count").
struct Expr {
  enum class Kind { kNumber, kString, kBool, kList, kField, kAggregate, kUnary, kBinary, kCall };
  Kind kind = Kind::kNumber;
  ValueType type = ValueType::kNumber;
  std::string text;
  SourcePos pos;

  double number = 0;                        // kNumber
  bool boolean = false;                     // kBool
  std::string string;                       // kString; kList: the list's name or the literal text
  int list_index = -1;                      // kList: index into RuleSet::lists
  FieldRef field;                           // kField
  int aggregate_index = -1;                 // kAggregate
  int measure_index = -1;                   // kAggregate
  Op op = Op::kAnd;                         // kUnary, kBinary
  Function function = Function::kLower;     // kCall
  std::vector<std::unique_ptr<Expr>> args;  // operands; kAggregate: optional key override
};

/// A named set of strings (`- list:`), or a list literal in a condition.
struct NamedList {
  std::string id;
  SourcePos pos;
  std::vector<std::string> items;
  std::unordered_set<std::string> set;
};

struct Measure {
  enum class Kind { kCount, kSum, kMin, kMax, kAvg, kDistinct };
  Kind kind = Kind::kCount;
  FieldRef field;    // unused for count
  std::string name;  // as rules read it: "count", "sum_amount_usd", "distinct_originator_account"
};

/// An event-time sliding window per key (`- aggregate:`). The window at event
/// time t covers (t - window_ms, t] and includes the current event when it
/// matches `where`.
struct Aggregate {
  std::string id;
  SourcePos pos;
  FieldRef key;
  int64_t window_ms = 0;
  std::string window_text;
  std::unique_ptr<Expr> where;  // may be null
  std::vector<Measure> measures;
  /// Hash of the id and definition: state written under another definition is not reused.
  std::string fingerprint;
  /// Number of 64-bit value slots an entry needs (one per non-count measure).
  int slot_count() const;
};

enum class Severity { kLow = 1, kMedium = 2, kHigh = 3, kCritical = 4 };

/// An inline example a rule must pass (`tests:`): events in protobuf JSON, and
/// whether the last event must raise this rule's alert.
struct RuleTest {
  std::string name;
  SourcePos pos;
  bool expect_alert = true;
  std::vector<std::string> events_json;
};

struct Rule {
  std::string id;
  uint32_t version = 1;
  SourcePos pos;
  std::string title;
  std::string source;  // the indicator it implements, with citation
  Severity severity = Severity::kMedium;
  double score = 50;
  std::vector<std::string> typologies;
  FieldRef subject;  // the account the alert is about
  std::unique_ptr<Expr> condition;
  /// After an alert, further firings for the same subject within this event-time
  /// span are counted as suppressed instead of alerting again (0 = never suppress).
  int64_t suppress_ms = 0;
  std::vector<RuleTest> tests;
  /// Hash of what decides when the rule fires and what it reports (condition, subject,
  /// suppress, severity, score, and the aggregates it reads): two sets that give a rule
  /// the same id and version but different fingerprints disagree about its definition.
  std::string fingerprint;
};

struct RuleSet {
  std::vector<NamedList> lists;
  std::vector<Aggregate> aggregates;
  std::vector<Rule> rules;
  std::vector<std::string> files;
  /// First 16 hex digits of SHA-256 over the files' names (without directory) and bytes,
  /// in name order: the same pack hashes the same wherever it is.
  std::string content_hash;
  /// Longest aggregate window, for state retention.
  int64_t max_window_ms = 0;
};

}  // namespace nexus::rules
