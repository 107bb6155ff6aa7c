#include "rules/field_catalog.hpp"

#include "nexus/v1/transaction.pb.h"

#include <google/protobuf/descriptor.h>

#include <algorithm>
#include <cctype>

namespace nexus::rules {

namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

ValueType type_of(const FieldDescriptor* field) {
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64:
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT:
      return ValueType::kNumber;
    case FieldDescriptor::CPPTYPE_BOOL:
      return ValueType::kBool;
    default:
      return ValueType::kString;
  }
}

void add_message_fields(const Descriptor* message, const std::string& prefix,
                        std::vector<const FieldDescriptor*> chain, std::vector<FieldRef>* out) {
  for (int i = 0; i < message->field_count(); ++i) {
    const FieldDescriptor* field = message->field(i);
    if (field->is_repeated()) continue;
    auto path = prefix.empty() ? field->name() : prefix + "." + field->name();
    auto next = chain;
    next.push_back(field);
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      // Timestamps are read through the derived event_time_ms, hour, weekday (local)
      // and hour_utc, weekday_utc.
      if (field->message_type()->full_name() == "google.protobuf.Timestamp") continue;
      add_message_fields(field->message_type(), path, next, out);
      continue;
    }
    FieldRef ref;
    ref.path = path;
    ref.descriptors = std::move(next);
    ref.type = type_of(field);
    ref.is_enum = field->cpp_type() == FieldDescriptor::CPPTYPE_ENUM;
    out->push_back(std::move(ref));
  }
}

FieldRef virtual_field(std::string path, VirtualField kind, ValueType type) {
  FieldRef ref;
  ref.path = std::move(path);
  ref.virtual_field = kind;
  ref.type = type;
  return ref;
}

}  // namespace

FieldCatalog::FieldCatalog() {
  add_message_fields(nexus::v1::Transaction::descriptor(), "", {}, &fields_);
  fields_.push_back(virtual_field("amount_usd", VirtualField::kAmountUsd, ValueType::kNumber));
  fields_.push_back(virtual_field("amount", VirtualField::kAmount, ValueType::kNumber));
  fields_.push_back(virtual_field("hour", VirtualField::kHour, ValueType::kNumber));
  fields_.push_back(virtual_field("weekday", VirtualField::kWeekday, ValueType::kNumber));
  fields_.push_back(virtual_field("hour_utc", VirtualField::kHourUtc, ValueType::kNumber));
  fields_.push_back(virtual_field("weekday_utc", VirtualField::kWeekdayUtc, ValueType::kNumber));
  fields_.push_back(virtual_field("local_zone", VirtualField::kLocalZone, ValueType::kString));
  fields_.push_back(virtual_field("event_time_ms", VirtualField::kEventTimeMs, ValueType::kNumber));
  fields_.push_back(virtual_field("sanctions.hit", VirtualField::kSanctionsHit, ValueType::kBool));
  fields_.push_back(
      virtual_field("sanctions.score", VirtualField::kSanctionsScore, ValueType::kNumber));
  fields_.push_back(
      virtual_field("sanctions.list", VirtualField::kSanctionsList, ValueType::kString));
  fields_.push_back(
      virtual_field("sanctions.programme", VirtualField::kSanctionsProgramme, ValueType::kString));
  fields_.push_back(
      virtual_field("sanctions.reference", VirtualField::kSanctionsReference, ValueType::kString));
  const std::pair<const char*, VirtualField> network[] = {
      {"originator.cluster_size", VirtualField::kOriginatorClusterSize},
      {"originator.cluster_names", VirtualField::kOriginatorClusterNames},
      {"beneficiary.cluster_size", VirtualField::kBeneficiaryClusterSize},
      {"beneficiary.cluster_names", VirtualField::kBeneficiaryClusterNames}};
  for (const auto& [path, kind] : network) {
    fields_.push_back(virtual_field(path, kind, ValueType::kNumber));
  }
  fields_.push_back(virtual_field("originator.cluster_id", VirtualField::kOriginatorClusterId,
                                  ValueType::kString));
  fields_.push_back(virtual_field("beneficiary.cluster_id", VirtualField::kBeneficiaryClusterId,
                                  ValueType::kString));
  const std::pair<const char*, VirtualField> patterns[] = {
      {"pattern.fan_out", VirtualField::kPatternFanOut},
      {"pattern.fan_in", VirtualField::kPatternFanIn},
      {"pattern.cycle", VirtualField::kPatternCycle},
      {"pattern.scatter_gather", VirtualField::kPatternScatterGather},
      {"pattern.gather_scatter", VirtualField::kPatternGatherScatter},
      {"pattern.pass_through", VirtualField::kPatternPassThrough}};
  for (const auto& [path, kind] : patterns) {
    fields_.push_back(virtual_field(path, kind, ValueType::kBool));
  }
}

const FieldCatalog& FieldCatalog::instance() {
  static const FieldCatalog catalog;
  return catalog;
}

std::optional<FieldRef> FieldCatalog::resolve(std::string_view path) const {
  for (const auto& field : fields_) {
    if (field.path == path) return field;
  }
  return std::nullopt;
}

std::string FieldCatalog::suggest(std::string_view path) const {
  std::string best;
  size_t best_distance = std::max<size_t>(3, path.size() / 3) + 1;
  for (const auto& field : fields_) {
    const size_t distance = edit_distance(path, field.path);
    if (distance < best_distance) {
      best_distance = distance;
      best = field.path;
    }
  }
  return best;
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string enum_display_name(std::string_view enum_type_prefix, std::string_view value_name) {
  std::string_view name = value_name;
  if (name.size() > enum_type_prefix.size() &&
      name.substr(0, enum_type_prefix.size()) == enum_type_prefix &&
      name[enum_type_prefix.size()] == '_') {
    name.remove_prefix(enum_type_prefix.size() + 1);
  }
  std::string out(name);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace nexus::rules

namespace nexus::rules {

std::vector<std::string> enum_display_names(const google::protobuf::EnumDescriptor* type) {
  // Type prefix by the protobuf style guide: PartyType -> PARTY_TYPE.
  std::string prefix;
  for (char c : type->name()) {
    if (std::isupper(static_cast<unsigned char>(c)) && !prefix.empty()) prefix.push_back('_');
    prefix.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  std::vector<std::string> names;
  names.reserve(static_cast<size_t>(type->value_count()));
  for (int i = 0; i < type->value_count(); ++i) {
    names.push_back(enum_display_name(prefix, type->value(i)->name()));
  }
  return names;
}

}  // namespace nexus::rules
