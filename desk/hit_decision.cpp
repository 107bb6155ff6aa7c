#include "desk/hit_decision.hpp"

#include "desk/detail/enum_names.hpp"

namespace nexus::desk {

namespace {
constexpr detail::EnumNames<HitVerdict, 2> kVerdictNames{{
    {HitVerdict::kTrueMatch, "true_match"},
    {HitVerdict::kFalsePositive, "false_positive"},
}};
}  // namespace

std::string_view verdict_name(HitVerdict verdict) {
  return detail::name_of(kVerdictNames, verdict);
}
std::optional<HitVerdict> parse_verdict(std::string_view text) {
  return detail::parse_name(kVerdictNames, text);
}

}  // namespace nexus::desk
