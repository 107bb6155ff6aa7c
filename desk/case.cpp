#include "desk/case.hpp"

#include "desk/detail/enum_names.hpp"

namespace nexus::desk {

namespace {
constexpr detail::EnumNames<ProposalState, 4> kProposalStateNames{{
    {ProposalState::kPending, "pending"},
    {ProposalState::kApproved, "approved"},
    {ProposalState::kRejected, "rejected"},
    {ProposalState::kCancelled, "cancelled"},
}};
}  // namespace

std::string_view proposal_state_name(ProposalState state) {
  return detail::name_of(kProposalStateNames, state);
}
std::optional<ProposalState> parse_proposal_state(std::string_view text) {
  return detail::parse_name(kProposalStateNames, text);
}

}  // namespace nexus::desk
