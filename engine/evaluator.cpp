#include "engine/evaluator.hpp"

#include "engine/timezone/event_zone.hpp"
#include "rules/field_catalog.hpp"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/reflection.h>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace nexus::engine {

std::string format_number(double value);

namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using rules::Expr;
using rules::Op;
using rules::ValueType;

Value number(double value) {
  Value out;
  out.type = ValueType::kNumber;
  out.number = value;
  return out;
}

Value boolean(bool value) {
  Value out;
  out.type = ValueType::kBool;
  out.boolean = value;
  return out;
}

Value text(std::string_view value) {
  Value out;
  out.type = ValueType::kString;
  out.text = value;
  return out;
}

const std::string kEmpty;

graph::Pattern pattern_of(rules::VirtualField field) {
  switch (field) {
    case rules::VirtualField::kPatternFanIn:
      return graph::Pattern::kFanIn;
    case rules::VirtualField::kPatternCycle:
      return graph::Pattern::kCycle;
    case rules::VirtualField::kPatternScatterGather:
      return graph::Pattern::kScatterGather;
    case rules::VirtualField::kPatternGatherScatter:
      return graph::Pattern::kGatherScatter;
    case rules::VirtualField::kPatternPassThrough:
      return graph::Pattern::kPassThrough;
    default:
      return graph::Pattern::kFanOut;
  }
}

void to_proto(const graph::Subgraph& from, const std::string& label, const std::string& detail,
              nexus::v1::Subgraph* out) {
  out->set_label(label);
  out->set_detail(detail);
  for (const auto& node : from.nodes) out->add_nodes(node);
  for (const auto& edge : from.edges) {
    auto* to = out->add_edges();
    to->set_from(edge.from);
    to->set_to(edge.to);
    to->set_amount_usd(edge.amount);
    to->mutable_time()->set_seconds(edge.time_ms / 1000);
    to->mutable_time()->set_nanos(static_cast<int32_t>(edge.time_ms % 1000) * 1'000'000);
    to->set_transaction_id(edge.tx_id);
  }
  out->set_truncated(from.truncated);
}

/// The detection a pattern field (pattern.cycle, or a fact of it) is about, if it fired.
const graph::Detection* find_detection(const graph::NetworkFacts& facts,
                                       const rules::FieldRef& ref) {
  if (ref.virtual_field != rules::VirtualField::kPatternFact) {
    return facts.detection(pattern_of(ref.virtual_field));
  }
  const std::string_view name = std::string_view(ref.argument).substr(0, ref.argument.find('.'));
  for (const auto& detection : facts.detections) {
    if (graph::pattern_name(detection.pattern) == name) return &detection;
  }
  return nullptr;
}

std::string facts_text(const std::vector<graph::Fact>& facts) {
  std::string out;
  for (const auto& fact : facts) {
    if (!out.empty()) out += ", ";
    // Amounts with cents, counts as they are; ratios below 1 to four significant digits
    // (0.9145, not 0.9145278336265393).
    char buffer[32];
    if (std::fabs(fact.value) >= 1 || fact.value == 0) {
      out += fact.name + "=" + format_number(fact.value);
    } else {
      std::snprintf(buffer, sizeof buffer, "%.4g", fact.value);
      out += fact.name + "=" + buffer;
    }
  }
  return out;
}

}  // namespace

std::string format_number(double value) {
  if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<long long>(value));
  }
  // Two decimals for money-sized numbers, shortest exact form otherwise.
  char buffer[64];
  if (std::fabs(value) >= 1) {
    std::snprintf(buffer, sizeof buffer, "%.2f", value);
    std::string out(buffer);
    while (!out.empty() && out.back() == '0') out.pop_back();
    if (!out.empty() && out.back() == '.') out.pop_back();
    return out;
  }
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, ec == std::errc() ? end : buffer);
}

std::string render(const Value& value) {
  switch (value.type) {
    case ValueType::kNumber:
      return format_number(value.number);
    case ValueType::kBool:
      return value.boolean ? "true" : "false";
    default:
      return std::string(value.text);
  }
}

Evaluator::Evaluator(const rules::RuleSet& rules, WindowStore& windows, FlagStore& flags)
    : rules_(rules), windows_(windows), flags_(flags) {
  // Without a tz database every clock field reads UTC; the app refuses to start then
  // (app/common.cpp), so only a library user who ignores that gets here.
  const auto& zones = timezone::ZoneTable::system();
  if (zones) {
    zones_ = &zones.value();
    clock_ = std::make_unique<timezone::ZoneClock>(*zones_);
  }
}

Evaluator::~Evaluator() = default;

timezone::LocalTime Evaluator::local_time(const EnrichedEvent& event) {
  if (!clock_) return timezone::ZoneClock::at_offset(event.time_ms, 0);
  return clock_->at(timezone::event_zone(*zones_, *event.tx).zone, event.time_ms);
}

const FlagMark* Evaluator::active_flag(const Expr& expr, const EnrichedEvent& event) {
  const auto& definition = rules_.flags[static_cast<size_t>(expr.flag_index)];
  const std::string_view account = as_text(eval(*expr.args[0], event));
  if (account.empty()) return nullptr;
  auto mark = flags_.get(definition.id, account);
  if (!mark) {
    if (!io_error_) io_error_ = mark.error();
    return nullptr;
  }
  const FlagMark* found = mark.value();
  if (found->time_ms == 0 || found->time_ms > event.time_ms ||
      event.time_ms - found->time_ms > definition.window_ms) {
    return nullptr;
  }
  return found;
}

std::optional<Error> Evaluator::take_io_error() {
  auto error = std::move(io_error_);
  io_error_.reset();
  return error;
}

std::string_view Evaluator::enum_name(const google::protobuf::EnumDescriptor* type, int value) {
  auto found = enum_names_.find(type);
  if (found == enum_names_.end()) {
    found = enum_names_.emplace(type, rules::enum_display_names(type)).first;
  }
  const auto* descriptor = type->FindValueByNumber(value);
  if (descriptor == nullptr) return "unknown";
  return found->second[static_cast<size_t>(descriptor->index())];
}

Value Evaluator::field(const rules::FieldRef& ref, const EnrichedEvent& event) {
  using rules::VirtualField;
  switch (ref.virtual_field) {
    case VirtualField::kNone:
      break;
    case VirtualField::kAmountUsd:
      return number(event.amount_usd);
    case VirtualField::kAmount:
      return number(event.amount);
    case VirtualField::kHour:
      return number(local_time(event).hour);
    case VirtualField::kWeekday:
      return number(local_time(event).weekday);
    case VirtualField::kHourUtc:
      return number(timezone::ZoneClock::at_offset(event.time_ms, 0).hour);
    case VirtualField::kWeekdayUtc:
      return number(timezone::ZoneClock::at_offset(event.time_ms, 0).weekday);
    case VirtualField::kLocalZone: {
      const timezone::LocalTime local = local_time(event);
      return text(zones_ ? std::string_view(zones_->name(local.zone)) : std::string_view("UTC"));
    }
    case VirtualField::kEventTimeMs:
      return number(static_cast<double>(event.time_ms));
    case VirtualField::kSanctionsHit:
      return boolean(!event.hits.empty());
    case VirtualField::kSanctionsScore:
      return number(event.hits.empty() ? 0 : event.hits.front().hit.score);
    case VirtualField::kSanctionsList:
      return text(event.hits.empty() ? kEmpty : event.hits.front().hit.list);
    case VirtualField::kSanctionsProgramme:
      return text(event.hits.empty() ? kEmpty : event.hits.front().hit.programme);
    case VirtualField::kSanctionsReference:
      return text(event.hits.empty() ? kEmpty : event.hits.front().hit.reference);
    case VirtualField::kOriginatorClusterSize:
      return number(event.network ? static_cast<double>(event.network->originator_cluster.size)
                                  : 0.0);
    case VirtualField::kOriginatorClusterNames:
      return number(event.network
                        ? static_cast<double>(event.network->originator_cluster.distinct_names())
                        : 0.0);
    case VirtualField::kBeneficiaryClusterSize:
      return number(event.network ? static_cast<double>(event.network->beneficiary_cluster.size)
                                  : 0.0);
    case VirtualField::kBeneficiaryClusterNames:
      return number(event.network
                        ? static_cast<double>(event.network->beneficiary_cluster.distinct_names())
                        : 0.0);
    case VirtualField::kOriginatorClusterId:
      return text(event.network ? event.network->originator_cluster.id : kEmpty);
    case VirtualField::kBeneficiaryClusterId:
      return text(event.network ? event.network->beneficiary_cluster.id : kEmpty);
    case VirtualField::kPatternFanOut:
    case VirtualField::kPatternFanIn:
    case VirtualField::kPatternCycle:
    case VirtualField::kPatternScatterGather:
    case VirtualField::kPatternGatherScatter:
    case VirtualField::kPatternPassThrough:
      return boolean(event.network && event.network->detection(pattern_of(ref.virtual_field)));
    case VirtualField::kExposure: {
      const auto* exposure = event.network ? event.network->exposure(ref.argument) : nullptr;
      return number(exposure ? exposure->score : 0.0);
    }
    case VirtualField::kPatternFact: {
      if (event.network == nullptr) return number(0);
      const std::string_view argument = ref.argument;
      const std::string_view name = argument.substr(0, argument.find('.'));
      const std::string_view fact = argument.substr(argument.find('.') + 1);
      for (const auto& detection : event.network->detections) {
        if (graph::pattern_name(detection.pattern) != name) continue;
        for (const auto& candidate : detection.facts) {
          if (candidate.name == fact) return number(candidate.value);
        }
      }
      return number(0);
    }
  }
  const Message* message = event.tx;
  const size_t depth = ref.descriptors.size();
  for (size_t i = 0; i + 1 < depth; ++i) {
    message = &message->GetReflection()->GetMessage(*message, ref.descriptors[i]);
  }
  const FieldDescriptor* leaf = ref.descriptors.back();
  const auto* reflection = message->GetReflection();
  switch (leaf->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string scratch;
      const std::string& value = reflection->GetStringReference(*message, leaf, &scratch);
      if (&value == &scratch) {
        scratch_.push_back(std::move(scratch));
        return text(scratch_.back());
      }
      return text(value);
    }
    case FieldDescriptor::CPPTYPE_ENUM:
      return text(enum_name(leaf->enum_type(), reflection->GetEnumValue(*message, leaf)));
    case FieldDescriptor::CPPTYPE_INT32:
      return number(reflection->GetInt32(*message, leaf));
    case FieldDescriptor::CPPTYPE_INT64:
      return number(static_cast<double>(reflection->GetInt64(*message, leaf)));
    case FieldDescriptor::CPPTYPE_UINT32:
      return number(reflection->GetUInt32(*message, leaf));
    case FieldDescriptor::CPPTYPE_UINT64:
      return number(static_cast<double>(reflection->GetUInt64(*message, leaf)));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return number(reflection->GetDouble(*message, leaf));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return number(reflection->GetFloat(*message, leaf));
    case FieldDescriptor::CPPTYPE_BOOL:
      return boolean(reflection->GetBool(*message, leaf));
    default:
      return text(kEmpty);
  }
}

std::string Evaluator::field_text(const rules::FieldRef& ref, const EnrichedEvent& event) {
  return render(field(ref, event));
}

std::string_view Evaluator::as_text(const Value& value) {
  if (value.type == ValueType::kString) return value.text;
  scratch_.push_back(render(value));
  return scratch_.back();
}

Value Evaluator::aggregate(const Expr& expr, const EnrichedEvent& event, MeasureResult* detail) {
  const auto& aggregate = rules_.aggregates[static_cast<size_t>(expr.aggregate_index)];
  const std::string_view key =
      as_text(expr.args.empty() ? field(aggregate.key, event) : eval(*expr.args[0], event));
  if (key.empty()) return number(0);
  auto result = windows_.measure(aggregate, expr.measure_index, key, event.time_ms);
  if (!result) {
    if (!io_error_) io_error_ = result.error();
    return number(0);
  }
  if (detail) *detail = result.value();
  return number(result.value().value);
}

bool Evaluator::holds(const Expr& condition, const EnrichedEvent& event) {
  return eval(condition, event).boolean;
}

Value Evaluator::eval(const Expr& expr, const EnrichedEvent& event) {
  switch (expr.kind) {
    case Expr::Kind::kNumber:
      return number(expr.number);
    case Expr::Kind::kString:
      return text(expr.string);
    case Expr::Kind::kBool:
      return boolean(expr.boolean);
    case Expr::Kind::kList: {
      Value out;
      out.type = ValueType::kList;
      out.text = expr.string;
      return out;
    }
    case Expr::Kind::kField:
      return field(expr.field, event);
    case Expr::Kind::kAggregate:
      return aggregate(expr, event, nullptr);
    case Expr::Kind::kKeywords: {
      Value out;
      out.type = ValueType::kList;
      out.text = expr.string;
      return out;
    }
    case Expr::Kind::kFlag:
      return boolean(active_flag(expr, event) != nullptr);
    case Expr::Kind::kUnary: {
      const Value operand = eval(*expr.args[0], event);
      return expr.op == Op::kNot ? boolean(!operand.boolean) : number(-operand.number);
    }
    case Expr::Kind::kCall: {
      if (expr.function == rules::Function::kCountOf) {
        double count = 0;
        for (const auto& arg : expr.args) count += eval(*arg, event).boolean ? 1 : 0;
        return number(count);
      }
      const Value first = eval(*expr.args[0], event);
      switch (expr.function) {
        case rules::Function::kCountOf:
          return number(0);  // handled above
        case rules::Function::kSubstr: {
          // substr(text, start, length) in bytes, clamped to the text.
          const double start = eval(*expr.args[1], event).number;
          const double length = eval(*expr.args[2], event).number;
          if (!(start >= 0) || !(length >= 0) || start >= static_cast<double>(first.text.size())) {
            return text(kEmpty);
          }
          return text(first.text.substr(static_cast<size_t>(start), static_cast<size_t>(length)));
        }
        case rules::Function::kLower:
        case rules::Function::kUpper: {
          std::string out(first.text);
          for (auto& c : out) {
            c = static_cast<char>(expr.function == rules::Function::kLower
                                      ? std::tolower(static_cast<unsigned char>(c))
                                      : std::toupper(static_cast<unsigned char>(c)));
          }
          scratch_.push_back(std::move(out));
          return text(scratch_.back());
        }
        case rules::Function::kLen:
          return number(static_cast<double>(first.text.size()));
        case rules::Function::kAbs:
          return number(std::fabs(first.number));
        case rules::Function::kMin:
          return number(std::min(first.number, eval(*expr.args[1], event).number));
        case rules::Function::kMax:
          return number(std::max(first.number, eval(*expr.args[1], event).number));
      }
      return number(0);
    }
    case Expr::Kind::kBinary:
      break;
  }
  // Binary operators; and/or short-circuit so aggregates are read only when needed.
  if (expr.op == Op::kAnd) {
    return boolean(eval(*expr.args[0], event).boolean && eval(*expr.args[1], event).boolean);
  }
  if (expr.op == Op::kOr) {
    return boolean(eval(*expr.args[0], event).boolean || eval(*expr.args[1], event).boolean);
  }
  const Value lhs = eval(*expr.args[0], event);
  if (expr.op == Op::kMatches) {
    const auto& set = rules_.keywords[static_cast<size_t>(expr.args[1]->keyword_index)];
    return boolean(scanner_.first_match(set, lhs.text) >= 0);
  }
  if (expr.op == Op::kIn || expr.op == Op::kNotIn) {
    const auto& list = rules_.lists[static_cast<size_t>(expr.args[1]->list_index)];
    const std::string key =
        lhs.type == ValueType::kNumber ? format_number(lhs.number) : std::string(lhs.text);
    const bool found = list.set.count(key) > 0;
    return boolean(expr.op == Op::kIn ? found : !found);
  }
  const Value rhs = eval(*expr.args[1], event);
  switch (expr.op) {
    case Op::kEq:
    case Op::kNe: {
      bool equal = false;
      if (lhs.type == ValueType::kNumber) {
        equal = lhs.number == rhs.number;
      } else if (lhs.type == ValueType::kBool) {
        equal = lhs.boolean == rhs.boolean;
      } else {
        equal = lhs.text == rhs.text;
      }
      return boolean(expr.op == Op::kEq ? equal : !equal);
    }
    case Op::kLt:
      return boolean(lhs.number < rhs.number);
    case Op::kLe:
      return boolean(lhs.number <= rhs.number);
    case Op::kGt:
      return boolean(lhs.number > rhs.number);
    case Op::kGe:
      return boolean(lhs.number >= rhs.number);
    case Op::kContains:
      return boolean(lhs.text.find(rhs.text) != std::string_view::npos);
    case Op::kStartsWith:
      return boolean(lhs.text.substr(0, rhs.text.size()) == rhs.text);
    case Op::kEndsWith:
      return boolean(lhs.text.size() >= rhs.text.size() &&
                     lhs.text.substr(lhs.text.size() - rhs.text.size()) == rhs.text);
    case Op::kAdd:
      return number(lhs.number + rhs.number);
    case Op::kSub:
      return number(lhs.number - rhs.number);
    case Op::kMul:
      return number(lhs.number * rhs.number);
    case Op::kDiv:
      return number(rhs.number == 0 ? 0 : lhs.number / rhs.number);
    default:
      return boolean(false);
  }
}

void Evaluator::explain(const Expr& condition, const EnrichedEvent& event,
                        google::protobuf::RepeatedPtrField<nexus::v1::Evidence>* out) {
  const int before = out->size();
  explain_node(condition, event, out);
  // An aggregate read on both sides of a comparison (or by two comparisons) is shown once.
  for (int i = out->size() - 1; i > before; --i) {
    const auto& candidate = out->Get(i);
    if (candidate.op() != "=") continue;
    for (int j = before; j < i; ++j) {
      if (out->Get(j).name() == candidate.name()) {
        out->DeleteSubrange(i, 1);
        break;
      }
    }
  }
}

void Evaluator::explain_node(const Expr& expr, const EnrichedEvent& event,
                             google::protobuf::RepeatedPtrField<nexus::v1::Evidence>* out) {
  if (expr.kind == Expr::Kind::kBinary && expr.op == Op::kAnd) {
    explain_node(*expr.args[0], event, out);
    explain_node(*expr.args[1], event, out);
    return;
  }
  if (expr.kind == Expr::Kind::kBinary && expr.op == Op::kOr) {
    // The branch that made it true (the first, as evaluation short-circuits).
    if (eval(*expr.args[0], event).boolean) {
      explain_node(*expr.args[0], event, out);
    } else {
      explain_node(*expr.args[1], event, out);
    }
    return;
  }
  auto* evidence = out->Add();
  evidence->set_name(expr.text);
  if (expr.kind == Expr::Kind::kBinary && rules::is_comparison(expr.op)) {
    const Expr& lhs = *expr.args[0];
    const Expr& rhs = *expr.args[1];
    evidence->set_name(lhs.text);
    evidence->set_observed(render(eval(lhs, event)));
    evidence->set_op(rules::op_name(expr.op));
    if (rhs.kind == Expr::Kind::kNumber || rhs.kind == Expr::Kind::kString ||
        rhs.kind == Expr::Kind::kList || rhs.kind == Expr::Kind::kBool ||
        rhs.kind == Expr::Kind::kKeywords) {
      evidence->set_threshold(rhs.kind == Expr::Kind::kString ? rhs.string : rhs.text);
    } else {
      evidence->set_threshold(render(eval(rhs, event)) + " (" + rhs.text + ")");
    }
    if (lhs.kind == Expr::Kind::kField) {
      const std::string detail = network_detail(lhs.field, event);
      if (!detail.empty()) evidence->set_detail(detail);
    }
    if (expr.op == Op::kMatches) {
      const auto& set = rules_.keywords[static_cast<size_t>(rhs.keyword_index)];
      const int index = scanner_.first_match(set, eval(lhs, event).text);
      if (index >= 0) {
        const auto& pattern = set.patterns[static_cast<size_t>(index)];
        evidence->set_detail("matched '" + pattern.text + "'" +
                             (pattern.language.empty() ? "" : " (" + pattern.language + ")") +
                             " of keyword set " + set.id);
      }
    }
    if (lhs.kind == Expr::Kind::kCall && lhs.function == rules::Function::kCountOf) {
      // Which of the counted conditions held, each with its own evidence.
      for (const auto& arg : lhs.args) {
        if (eval(*arg, event).boolean) explain_node(*arg, event, out);
      }
      return;
    }
  } else if (expr.kind == Expr::Kind::kFlag) {
    evidence->set_observed("true");
    evidence->set_op("is");
    evidence->set_threshold("true");
    const auto& definition = rules_.flags[static_cast<size_t>(expr.flag_index)];
    evidence->set_window_ms(definition.window_ms);
    evidence->set_window_key(render(eval(*expr.args[0], event)));
    if (const FlagMark* mark = active_flag(expr, event)) {
      evidence->add_transaction_ids(mark->tx_id);
      evidence->set_detail("raised by " + mark->rule_id + " on transaction " + mark->tx_id);
    }
    return;
  } else {
    evidence->set_observed(render(eval(expr, event)));
    evidence->set_op("is");
    evidence->set_threshold("true");
    if (expr.kind == Expr::Kind::kField) {
      const std::string detail = network_detail(expr.field, event);
      if (!detail.empty()) evidence->set_detail(detail);
    }
  }
  // Each aggregate the comparison read: its window and the transactions in it.
  const int first_aggregate_evidence = out->size();
  explain_aggregates(expr, event, out);
  if (out->size() > first_aggregate_evidence && expr.kind == Expr::Kind::kBinary &&
      expr.args[0]->kind == Expr::Kind::kAggregate) {
    // The comparison's left side is itself one aggregate: fold its window into the comparison.
    auto* window = out->Mutable(first_aggregate_evidence);
    evidence->set_window_ms(window->window_ms());
    evidence->set_window_key(window->window_key());
    *evidence->mutable_transaction_ids() = window->transaction_ids();
    evidence->set_truncated(window->truncated());
    out->DeleteSubrange(first_aggregate_evidence, 1);
  }
}

void Evaluator::explain_aggregates(const Expr& expr, const EnrichedEvent& event,
                                   google::protobuf::RepeatedPtrField<nexus::v1::Evidence>* out) {
  if (expr.kind == Expr::Kind::kAggregate) {
    MeasureResult detail;
    const Value value = aggregate(expr, event, &detail);
    const auto& definition = rules_.aggregates[static_cast<size_t>(expr.aggregate_index)];
    auto* evidence = out->Add();
    evidence->set_name(expr.text);
    evidence->set_observed(render(value));
    evidence->set_op("=");
    evidence->set_window_ms(definition.window_ms);
    evidence->set_window_key(expr.args.empty() ? field_text(definition.key, event)
                                               : render(eval(*expr.args[0], event)));
    if (detail.window) {
      for (size_t i = detail.first; i < detail.last; ++i) {
        evidence->add_transaction_ids(detail.window->tx_ids[i]);
      }
      evidence->set_truncated(detail.window->truncated);
    }
    return;
  }
  for (const auto& arg : expr.args) explain_aggregates(*arg, event, out);
}

std::string Evaluator::network_detail(const rules::FieldRef& ref, const EnrichedEvent& event) {
  using rules::VirtualField;
  const int part = rules::network_part(ref.virtual_field);
  if (part == 0 || event.network == nullptr) return {};
  const auto& facts = *event.network;
  if (part == 1) {
    const bool originator = ref.virtual_field == VirtualField::kOriginatorClusterSize ||
                            ref.virtual_field == VirtualField::kOriginatorClusterNames ||
                            ref.virtual_field == VirtualField::kOriginatorClusterId;
    const auto& cluster = originator ? facts.originator_cluster : facts.beneficiary_cluster;
    return "cluster " + cluster.id + ": " + std::to_string(cluster.size) + " accounts, " +
           std::to_string(cluster.distinct_names()) + " distinct names";
  }
  if (part == 2) {
    const auto* detection = find_detection(facts, ref);
    if (detection == nullptr) return {};
    return std::string(graph::pattern_name(detection->pattern)) + " on " + detection->subject +
           (detection->facts.empty() ? "" : ": " + facts_text(detection->facts));
  }
  const auto* exposure = facts.exposure(ref.argument);
  if (exposure == nullptr) return {};
  if (exposure->flagged) {
    return exposure->role + " " + exposure->account + " is flagged " + ref.argument;
  }
  return exposure->role + " " + exposure->account + " " +
         std::string(graph::exposure_direction_name(exposure->exposure.direction)) + " " +
         std::to_string(exposure->exposure.hops) + " hop(s) from flagged " +
         exposure->exposure.source;
}

void Evaluator::collect_subgraphs(const Expr& expr, const EnrichedEvent& event,
                                  nexus::v1::Alert* alert) {
  for (const auto& arg : expr.args) collect_subgraphs(*arg, event, alert);
  if (expr.kind != Expr::Kind::kField || event.network == nullptr) return;
  const int part = rules::network_part(expr.field.virtual_field);
  if (part == 0) return;
  // A fact of a pattern shows the pattern's picture, once.
  const std::string label =
      expr.field.virtual_field == rules::VirtualField::kPatternFact
          ? "pattern." + expr.field.argument.substr(0, expr.field.argument.find('.'))
          : expr.field.path;
  for (const auto& existing : alert->subgraphs()) {
    if (existing.label() == label) return;
  }
  const auto& facts = *event.network;
  if (part == 1) {
    const bool originator =
        expr.field.virtual_field == rules::VirtualField::kOriginatorClusterSize ||
        expr.field.virtual_field == rules::VirtualField::kOriginatorClusterNames ||
        expr.field.virtual_field == rules::VirtualField::kOriginatorClusterId;
    const auto& cluster = originator ? facts.originator_cluster : facts.beneficiary_cluster;
    if (cluster.size < 2) return;
    graph::Subgraph picture;
    picture.nodes = cluster.members;
    picture.truncated = cluster.members_truncated;
    to_proto(picture, label, network_detail(expr.field, event), alert->add_subgraphs());
    return;
  }
  if (part == 2) {
    const auto* detection = find_detection(facts, expr.field);
    if (detection == nullptr) return;
    to_proto(detection->subgraph, label, network_detail(expr.field, event), alert->add_subgraphs());
    return;
  }
  const auto* exposure = facts.exposure(expr.field.argument);
  if (exposure == nullptr || exposure->flagged) return;
  const auto picture = graph::Subgraph::from_edges(exposure->exposure.path, 64);
  to_proto(picture, label, network_detail(expr.field, event), alert->add_subgraphs());
}

}  // namespace nexus::engine
