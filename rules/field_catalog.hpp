// FieldCatalog: the field paths a rule may read, taken from the protobuf
// descriptor of nexus.v1.Transaction plus the values the engine derives
// (amount_usd, hour, sanctions.*). Immutable after construction; thread-safe.
#pragma once

#include "rules/rule_set.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nexus::rules {

class FieldCatalog {
 public:
  FieldCatalog();

  /// The field for a path such as "beneficiary.country", or nullopt.
  std::optional<FieldRef> resolve(std::string_view path) const;

  /// The known path closest to `path` by edit distance, for "did you mean" hints;
  /// empty when nothing is close.
  std::string suggest(std::string_view path) const;

  const std::vector<FieldRef>& fields() const { return fields_; }

  /// The catalog for nexus.v1.Transaction (built once).
  static const FieldCatalog& instance();

 private:
  std::vector<FieldRef> fields_;
};

/// Levenshtein distance, for suggestions.
size_t edit_distance(std::string_view a, std::string_view b);

/// Lower-case enum value name without its type prefix: CHANNEL_CASH_DEPOSIT -> cash_deposit.
std::string enum_display_name(std::string_view enum_type_prefix, std::string_view value_name);

}  // namespace nexus::rules

namespace google::protobuf {
class EnumDescriptor;
}

namespace nexus::rules {

/// Display names of an enum's values, indexed like EnumDescriptor::value(i):
/// Channel's CHANNEL_CASH_DEPOSIT -> "cash_deposit", CHANNEL_UNSPECIFIED -> "unspecified".
std::vector<std::string> enum_display_names(const google::protobuf::EnumDescriptor* type);

}  // namespace nexus::rules
