// The desk's pure rules with plain values: permissions, the case state machine, four-eyes,
// the page cursor, search words and the alert record.
#include "desk/alert_query.hpp"
#include "desk/alert_record.hpp"
#include "desk/case_rules.hpp"
#include "desk/roles.hpp"
#include <gtest/gtest.h>

namespace nexus::desk {
namespace {

constexpr Role kAllRoles[] = {Role::kAnalyst, Role::kSupervisor, Role::kAuditor, Role::kAdmin};
constexpr Action kWrites[] = {
    Action::kReviewCase,   Action::kDeescalateCase,  Action::kAssignCase,
    Action::kCommentCase,  Action::kSnoozeCase,      Action::kCloseCase,
    Action::kApproveClose, Action::kReopenCase,      Action::kMergeSplitCases,
    Action::kDecideHit,    Action::kRevokeAllowList, Action::kManageUsers};

TEST(DeskRoles, AuditorReadsEverythingAndChangesNothing) {
  EXPECT_TRUE(allowed(Role::kAuditor, Action::kReadCases));
  EXPECT_TRUE(allowed(Role::kAuditor, Action::kReadAudit));
  for (const Action action : kWrites) {
    EXPECT_FALSE(allowed(Role::kAuditor, action)) << action_name(action);
  }
}

TEST(DeskRoles, AdminManagesUsersAndDoesNoCaseWork) {
  EXPECT_TRUE(allowed(Role::kAdmin, Action::kManageUsers));
  for (const Action action : kWrites) {
    if (action == Action::kManageUsers) continue;
    EXPECT_FALSE(allowed(Role::kAdmin, action)) << action_name(action);
  }
}

TEST(DeskRoles, OnlySupervisorsApproveReopenAndRevoke) {
  for (const Action action : {Action::kApproveClose, Action::kReopenCase, Action::kRevokeAllowList,
                              Action::kDeescalateCase}) {
    for (const Role role : kAllRoles) {
      EXPECT_EQ(allowed(role, action), role == Role::kSupervisor)
          << role_name(role) << " " << action_name(action);
    }
  }
  EXPECT_TRUE(allowed(Role::kAnalyst, Action::kCloseCase));
  EXPECT_FALSE(allowed(Role::kAnalyst, Action::kManageUsers));
}

TEST(DeskRoles, NamesRoundTrip) {
  for (const Role role : kAllRoles) EXPECT_EQ(parse_role(role_name(role)), role);
  EXPECT_FALSE(parse_role("root").has_value());
  for (const auto status :
       {CaseStatus::kNew, CaseStatus::kInReview, CaseStatus::kEscalated, CaseStatus::kClosed}) {
    EXPECT_EQ(parse_status(status_name(status)), status);
  }
  EXPECT_EQ(parse_close_reason("false_positive"), CloseReason::kFalsePositive);
  EXPECT_FALSE(parse_close_reason("bored").has_value());
}

TEST(CaseStateMachine, AnalystReviewsAndEscalates) {
  EXPECT_TRUE(check_transition(Role::kAnalyst, CaseStatus::kNew, CaseStatus::kInReview));
  EXPECT_TRUE(check_transition(Role::kAnalyst, CaseStatus::kInReview, CaseStatus::kEscalated));
  const auto back = check_transition(Role::kAnalyst, CaseStatus::kEscalated, CaseStatus::kInReview);
  ASSERT_FALSE(back);
  EXPECT_EQ(back.error().code, errc::kForbidden);
  EXPECT_TRUE(check_transition(Role::kSupervisor, CaseStatus::kEscalated, CaseStatus::kInReview));
}

TEST(CaseStateMachine, RefusesSkipsAndClosingWithoutReason) {
  const auto skip = check_transition(Role::kSupervisor, CaseStatus::kNew, CaseStatus::kEscalated);
  ASSERT_FALSE(skip);
  EXPECT_EQ(skip.error().code, errc::kInvalidState);
  EXPECT_FALSE(check_transition(Role::kSupervisor, CaseStatus::kInReview, CaseStatus::kNew));
  EXPECT_FALSE(check_transition(Role::kSupervisor, CaseStatus::kClosed, CaseStatus::kEscalated));
  const auto close =
      check_transition(Role::kSupervisor, CaseStatus::kInReview, CaseStatus::kClosed);
  ASSERT_FALSE(close);
  EXPECT_EQ(close.error().code, errc::kInvalidArgument);
}

TEST(CaseStateMachine, ReopenIsTheSupervisors) {
  EXPECT_TRUE(check_transition(Role::kSupervisor, CaseStatus::kClosed, CaseStatus::kInReview));
  EXPECT_FALSE(check_transition(Role::kAnalyst, CaseStatus::kClosed, CaseStatus::kInReview));
  EXPECT_FALSE(check_transition(Role::kAuditor, CaseStatus::kNew, CaseStatus::kInReview));
}

TEST(CaseStateMachine, CloseFromReviewOrByASupervisorFromEscalated) {
  EXPECT_TRUE(check_close(Role::kAnalyst, CaseStatus::kInReview, CloseReason::kFalsePositive));
  EXPECT_FALSE(check_close(Role::kAnalyst, CaseStatus::kEscalated, CloseReason::kExplained));
  EXPECT_TRUE(check_close(Role::kSupervisor, CaseStatus::kEscalated, CloseReason::kExplained));
  EXPECT_FALSE(check_close(Role::kSupervisor, CaseStatus::kNew, CloseReason::kExplained));
  EXPECT_FALSE(check_close(Role::kSupervisor, CaseStatus::kClosed, CloseReason::kExplained));
  const auto merged = check_close(Role::kSupervisor, CaseStatus::kInReview, CloseReason::kMerged);
  ASSERT_FALSE(merged);
  EXPECT_EQ(merged.error().code, errc::kInvalidArgument);
  EXPECT_FALSE(check_close(Role::kAuditor, CaseStatus::kInReview, CloseReason::kExplained));
  // An analyst cannot close an escalated case, but may propose it to a supervisor.
  EXPECT_TRUE(
      check_propose_close(Role::kAnalyst, CaseStatus::kEscalated, CloseReason::kFalsePositive));
  EXPECT_FALSE(check_propose_close(Role::kAnalyst, CaseStatus::kEscalated, CloseReason::kMerged));
  EXPECT_FALSE(check_propose_close(Role::kAnalyst, CaseStatus::kNew, CloseReason::kExplained));
  EXPECT_FALSE(
      check_propose_close(Role::kAuditor, CaseStatus::kEscalated, CloseReason::kExplained));
}

TEST(FourEyes, NeededForReportedAndForHighOrCritical) {
  using nexus::v1::Severity;
  EXPECT_TRUE(needs_four_eyes(CloseReason::kReported, Severity::SEVERITY_LOW));
  EXPECT_TRUE(needs_four_eyes(CloseReason::kFalsePositive, Severity::SEVERITY_HIGH));
  EXPECT_TRUE(needs_four_eyes(CloseReason::kExplained, Severity::SEVERITY_CRITICAL));
  EXPECT_FALSE(needs_four_eyes(CloseReason::kFalsePositive, Severity::SEVERITY_MEDIUM));
  EXPECT_FALSE(needs_four_eyes(CloseReason::kExplained, Severity::SEVERITY_UNSPECIFIED));
}

TEST(FourEyes, CheckerIsAnotherSupervisor) {
  EXPECT_TRUE(check_decision_on_proposal(Actor{"bob", Role::kSupervisor}, "alice"));
  const auto own = check_decision_on_proposal(Actor{"alice", Role::kSupervisor}, "alice");
  ASSERT_FALSE(own);
  EXPECT_EQ(own.error().code, errc::kForbidden);
  EXPECT_FALSE(check_decision_on_proposal(Actor{"carol", Role::kAnalyst}, "alice"));
  EXPECT_FALSE(check_decision_on_proposal(Actor{"dave", Role::kAuditor}, "alice"));
}

TEST(PageCursor, RoundTripsEverySortKey) {
  for (const auto field : {SortField::kEventTime, SortField::kScore, SortField::kSeverity}) {
    for (const bool descending : {true, false}) {
      CursorPosition position{{field, descending}, -1'700'000'000'123, 0.1 + 0.2, 42};
      const auto decoded = decode_cursor(encode_cursor(position), position.sort);
      ASSERT_TRUE(decoded) << decoded.error().message;
      EXPECT_EQ(decoded.value().seq, position.seq);
      if (field == SortField::kScore) {
        EXPECT_EQ(decoded.value().score_key, position.score_key);  // exact, not close
      } else {
        EXPECT_EQ(decoded.value().int_key, position.int_key);
      }
    }
  }
}

TEST(PageCursor, RefusesForeignOrDamagedCursors) {
  const AlertSort by_time{SortField::kEventTime, true};
  const std::string cursor = encode_cursor(CursorPosition{by_time, 5, 0, 7});
  for (const AlertSort other :
       {AlertSort{SortField::kEventTime, false}, AlertSort{SortField::kScore, true}}) {
    const auto decoded = decode_cursor(cursor, other);
    ASSERT_FALSE(decoded);
    EXPECT_EQ(decoded.error().code, errc::kBadCursor);
  }
  for (const std::string& bad :
       {std::string("zz"), std::string("abc"), cursor.substr(0, 10), std::string("' OR 1=1 --")}) {
    EXPECT_FALSE(decode_cursor(bad, by_time)) << bad;
  }
}

TEST(SearchTerms, WordsAreJoinedBySingleSpaces) {
  EXPECT_EQ(search_words("  ACC-001;  Hassan\tTrading "), "ACC 001 Hassan Trading");
  EXPECT_EQ(search_words("--"), "");
}

TEST(SearchTerms, SplitOnAnythingButLettersAndDigits) {
  EXPECT_EQ(search_terms("Abu  Bakr, ACC-001"),
            (std::vector<std::string>{"Abu", "Bakr", "ACC", "001"}));
  EXPECT_EQ(search_terms("'; DROP TABLE alerts; --"),
            (std::vector<std::string>{"DROP", "TABLE", "alerts"}));
  EXPECT_TRUE(search_terms("\" * ( ) : ^ -").empty());
  EXPECT_EQ(search_terms("Müller"), (std::vector<std::string>{"Müller"}));
}

TEST(AlertRecord, TakesColumnsSubjectNameAndSearchTextFromTheAlert) {
  nexus::v1::Alert alert;
  alert.set_id("a1");
  alert.set_rule_id("TF-CROWDFUND-FANIN");
  alert.set_rule_version(3);
  alert.set_severity(nexus::v1::SEVERITY_HIGH);
  alert.set_score(80);
  alert.add_typologies("terrorist-financing");
  alert.set_subject("ACC-9");
  alert.set_title("Crowdfunding fan-in");
  alert.mutable_event_time()->set_seconds(1'700'000'000);
  alert.mutable_event_time()->set_nanos(250'000'000);
  auto* account = alert.add_evidence();
  account->set_name("beneficiary.account");
  account->set_observed("ACC-9");
  auto* name = alert.add_evidence();
  name->set_name("beneficiary.name");
  name->set_observed("Hassan Trading");
  auto* remittance = alert.add_evidence();
  remittance->set_name("remittance_info");
  remittance->set_observed("zakat for the brothers");
  remittance->set_detail("matched 'brothers'");
  auto* hit = alert.add_sanctions_hits();
  hit->set_matched_name("Abu Example");
  hit->set_reference("QDi.299");

  const AlertRecord record = alert_record_from(alert);
  EXPECT_EQ(record.id, "a1");
  EXPECT_EQ(record.rule_version, 3u);
  EXPECT_EQ(record.severity, nexus::v1::SEVERITY_HIGH);
  EXPECT_EQ(record.subject_key, "ACC-9");
  EXPECT_EQ(record.subject_name, "Hassan Trading");
  EXPECT_EQ(record.event_time_ms, 1'700'000'000'250);
  EXPECT_TRUE(record.has_sanctions_hit);
  EXPECT_EQ(record.typologies, (std::vector<std::string>{"terrorist-financing"}));
  // Stored as plain words (search_words), as both stores' tokenizers read them.
  for (const char* word :
       {"ACC 9", "Hassan Trading", "zakat", "brothers", "Abu Example", "QDi 299", "Crowdfunding"}) {
    EXPECT_NE(record.search_text.find(word), std::string::npos) << word;
  }
  nexus::v1::Alert parsed;
  ASSERT_TRUE(parsed.ParseFromString(record.alert_pb));
  EXPECT_EQ(parsed.id(), "a1");
}

}  // namespace
}  // namespace nexus::desk
