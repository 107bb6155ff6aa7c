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
  kHour,                // hour of day of event_time on the clock of the event's place, 0..23
  kWeekday,             // day of week there, 0 = Monday .. 6 = Sunday (engine/timezone/README.md)
  kEventTimeMs,         // event time, milliseconds since the epoch
  kSanctionsHit,        // bool: either party screened positive
  kSanctionsScore,      // number: best screening score of either party (0 when none)
  kSanctionsList,       // string: list of the best hit ("" when none)
  kSanctionsProgramme,  // string: programme of the best hit
  kSanctionsReference,  // string: entry reference of the best hit
  // The money-flow network (graph/): entity clusters of the parties, patterns detected on
  // this payment, exposure of either party to flagged accounts.
  kOriginatorClusterSize,   // number: accounts in the originator's cluster
  kOriginatorClusterNames,  // number: distinct names in it
  kBeneficiaryClusterSize,
  kBeneficiaryClusterNames,
  kOriginatorClusterId,  // string: the cluster's id (its smallest account), for aggregate keys
  kBeneficiaryClusterId,
  kPatternFanOut,  // bool: the pattern fired on this payment
  kPatternFanIn,
  kPatternCycle,
  kPatternScatterGather,
  kPatternGatherScatter,
  kPatternPassThrough,
  kExposure,     // number 0..1: best exposure of either party in FieldRef::argument's category
  kPatternFact,  // number: a fact of a detection on this payment, FieldRef::argument
                 // "cycle.amount_min" (0 when the pattern did not fire)
  kHourUtc,      // hour of day of event_time in UTC, 0..23
  kWeekdayUtc,   // day of week of event_time in UTC, 0 = Monday
  kLocalZone,    // string: the IANA zone kHour and kWeekday read ("UTC" when unknown)
};

/// Which network parts a virtual field needs: 1 clusters, 2 patterns, 4 exposure, 0 none.
int network_part(VirtualField field);

/// A resolved field path such as "beneficiary.country". Message fields are read
/// through `descriptors` (outermost first); enums read as their lower-case name
/// without the type prefix ("CHANNEL_CASH_DEPOSIT" -> "cash_deposit").
struct FieldRef {
  std::string path;
  std::vector<const google::protobuf::FieldDescriptor*> descriptors;
  VirtualField virtual_field = VirtualField::kNone;
  std::string argument;  // kExposure: the category ("sanctions" or a flag id)
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
  kMatches,  // string matches a keyword set (Hyperscan)
  kAdd,
  kSub,
  kMul,
  kDiv,
};
const char* op_name(Op op);
bool is_comparison(Op op);

enum class Function { kLower, kUpper, kLen, kAbs, kMin, kMax, kSubstr, kCountOf };

/// One node of a compiled condition. `text` is the node's source text, used as
/// the evidence name ("agg.inbound_24h.count").
struct Expr {
  enum class Kind {
    kNumber,
    kString,
    kBool,
    kList,
    kField,
    kAggregate,
    kUnary,
    kBinary,
    kCall,
    kKeywords,  // a keyword set's name (right side of `matches`)
    kFlag,      // flag.NAME[key]: the key was flagged within the flag's window
  };
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
  int keyword_index = -1;                   // kKeywords: index into RuleSet::keywords
  int flag_index = -1;                      // kFlag: index into RuleSet::flags
  int measure_index = -1;                   // kAggregate
  Op op = Op::kAnd;                         // kUnary, kBinary
  Function function = Function::kLower;     // kCall
  std::vector<std::unique_ptr<Expr>> args;  // operands; kAggregate: optional key override;
                                            // kFlag: the key
  int depth = 1;                            // height of this subtree (a leaf is 1)
};

/// A named set of strings (`- list:`), or a list literal in a condition.
struct NamedList {
  std::string id;
  SourcePos pos;
  std::vector<std::string> items;
  std::unordered_set<std::string> set;
};

/// A compiled multi-pattern keyword matcher (`- keywords:`), case-insensitive over
/// UTF-8 text, whole words. Opaque here; the engine scans with it.
struct KeywordDatabase;

/// A named set of keywords and phrases in several languages and scripts.
struct KeywordSet {
  std::string id;
  SourcePos pos;
  struct Pattern {
    std::string text;      // as written
    std::string language;  // e.g. "ar", "en"; "" when not given
    bool regex = false;    // written under regex: (a Hyperscan regular expression)
  };
  std::vector<Pattern> patterns;
  std::shared_ptr<const KeywordDatabase> database;
};

/// A named mark that rules put on accounts (`- flag:`, set by a rule's `flags:`) and
/// other rules read back (`flag.NAME[account]`) for as long as `window_ms` after it was
/// last raised: how one typology's finding feeds another's.
struct FlagDef {
  std::string id;
  SourcePos pos;
  int64_t window_ms = 0;
  std::string description;
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

/// Where a rule's alerts go (`mode:`). A live rule's alerts reach the analysts' queue and
/// its flags are raised; a shadow rule is evaluated and counted the same way, but its alerts
/// (marked `shadow`) go to a separate sink (`alerts.shadow`) and it raises no flags, so it
/// never changes what live rules do or what analysts see.
enum class RuleMode { kLive, kShadow };
/// "live" or "shadow", as written in the YAML and shown in metrics and reports.
const char* rule_mode_name(RuleMode mode);

/// An inline example a rule must pass (`tests:`): events in protobuf JSON, and
/// whether the last event must raise this rule's alert.
struct RuleTest {
  std::string name;
  SourcePos pos;
  bool expect_alert = true;
  std::vector<std::string> events_json;
  /// Party names that the test's screener reports as sanctioned (exact match, score 1).
  std::vector<std::string> sanctioned_names;
};

struct Rule {
  std::string id;
  uint32_t version = 1;
  /// `mode: live|shadow`; default live. Part of the fingerprint when shadow, so a mode
  /// change under the same version reads as a change without a version bump.
  RuleMode mode = RuleMode::kLive;
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
  /// Flags this rule raises on its subject when it fires (indexes into RuleSet::flags).
  std::vector<int> flags;
  /// Hash of what decides when the rule fires and what it reports (condition, subject,
  /// suppress, severity, score, and the aggregates it reads): two sets that give a rule
  /// the same id and version but different fingerprints disagree about its definition.
  std::string fingerprint;
};

/// Settings of the money-flow network's detectors (`- network:`), by name, as numbers
/// (durations in ms, booleans 0/1). The engine maps them onto graph::NetworkConfig.
struct NetworkSetting {
  std::string name;
  double value = 0;
};

struct RuleSet {
  std::vector<NetworkSetting> network_settings;
  std::vector<NamedList> lists;
  std::vector<Aggregate> aggregates;
  std::vector<Rule> rules;
  std::vector<KeywordSet> keywords;
  std::vector<FlagDef> flags;
  std::vector<std::string> files;
  /// First 16 hex digits of SHA-256 over the files' names (without directory) and bytes,
  /// in name order: the same pack hashes the same wherever it is.
  std::string content_hash;
  /// Longest aggregate window, for state retention.
  int64_t max_window_ms = 0;
  /// The network parts any rule reads (network_part bits): the engine runs only those.
  int network_use = 0;
  /// Whether any rule is in shadow mode (commands then open the shadow output).
  bool has_shadow_rules() const;
};

}  // namespace nexus::rules
