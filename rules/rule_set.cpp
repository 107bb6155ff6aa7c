#include "rules/rule_set.hpp"

namespace nexus::rules {

std::string SourcePos::to_string() const {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

const char* rule_mode_name(RuleMode mode) { return mode == RuleMode::kShadow ? "shadow" : "live"; }

bool RuleSet::has_shadow_rules() const {
  for (const auto& rule : rules) {
    if (rule.mode == RuleMode::kShadow) return true;
  }
  return false;
}

const char* value_type_name(ValueType type) {
  switch (type) {
    case ValueType::kNumber:
      return "number";
    case ValueType::kString:
      return "string";
    case ValueType::kBool:
      return "bool";
    case ValueType::kList:
      return "list";
  }
  return "?";
}

const char* op_name(Op op) {
  switch (op) {
    case Op::kOr:
      return "or";
    case Op::kAnd:
      return "and";
    case Op::kNot:
      return "not";
    case Op::kNeg:
      return "-";
    case Op::kEq:
      return "==";
    case Op::kNe:
      return "!=";
    case Op::kLt:
      return "<";
    case Op::kLe:
      return "<=";
    case Op::kGt:
      return ">";
    case Op::kGe:
      return ">=";
    case Op::kIn:
      return "in";
    case Op::kNotIn:
      return "not in";
    case Op::kContains:
      return "contains";
    case Op::kStartsWith:
      return "startswith";
    case Op::kEndsWith:
      return "endswith";
    case Op::kMatches:
      return "matches";
    case Op::kAdd:
      return "+";
    case Op::kSub:
      return "-";
    case Op::kMul:
      return "*";
    case Op::kDiv:
      return "/";
  }
  return "?";
}

bool is_comparison(Op op) {
  switch (op) {
    case Op::kEq:
    case Op::kNe:
    case Op::kLt:
    case Op::kLe:
    case Op::kGt:
    case Op::kGe:
    case Op::kIn:
    case Op::kNotIn:
    case Op::kContains:
    case Op::kStartsWith:
    case Op::kEndsWith:
    case Op::kMatches:
      return true;
    default:
      return false;
  }
}

int network_part(VirtualField field) {
  switch (field) {
    case VirtualField::kOriginatorClusterSize:
    case VirtualField::kOriginatorClusterNames:
    case VirtualField::kBeneficiaryClusterSize:
    case VirtualField::kBeneficiaryClusterNames:
    case VirtualField::kOriginatorClusterId:
    case VirtualField::kBeneficiaryClusterId:
      return 1;
    case VirtualField::kPatternFanOut:
    case VirtualField::kPatternFanIn:
    case VirtualField::kPatternCycle:
    case VirtualField::kPatternScatterGather:
    case VirtualField::kPatternGatherScatter:
    case VirtualField::kPatternPassThrough:
    case VirtualField::kPatternFact:
      return 2;
    case VirtualField::kExposure:
      return 4;
    default:
      return 0;
  }
}

int Aggregate::slot_count() const {
  int slots = 0;
  for (const auto& measure : measures) {
    if (measure.kind != Measure::Kind::kCount) ++slots;
  }
  return slots;
}

}  // namespace nexus::rules
