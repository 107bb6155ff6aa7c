// DeskApi: the review desk's HTTP API (/api/v1, JSON) over a DeskStore, as a handler for
// HttpServer. It authenticates (session cookie from POST /api/v1/session, or an API token
// as `Authorization: Bearer`), checks the role of every request (401 without
// credentials, 403 with the wrong role), demands the session's CSRF token in
// `X-CSRF-Token` on every state change made with a cookie, rate-limits logins (the
// eleventh failure for a user or an address in a minute is refused without checking the
// password) and sends a Content-Security-Policy without inline script on every answer.
// The routes are listed in docs/desk-openapi.yaml. Not thread-safe: HttpServer calls it
// from its one thread.
#pragma once

#include "connectors/http_server.hpp"
#include "rules/rule_set.hpp"

#include "desk/auth.hpp"
#include "desk/desk_store.hpp"
#include "desk/evidence_package.hpp"
#include "desk/goaml_report.hpp"
#include "desk/goaml_schema.hpp"
#include <nlohmann/json.hpp>

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace nexus::lists {
class ListHistory;
}

namespace nexus::connectors {

/// One rule as its definition reads (a rule file of the desk config's `rules:` directory),
/// so GET /api/v1/rules lists rules that never alerted too.
struct DeskRule {
  std::string id;
  uint32_t version = 0;
  std::string title;
  nexus::v1::Severity severity = nexus::v1::SEVERITY_UNSPECIFIED;
  std::vector<std::string> typologies;
  std::string source;  // the indicator it implements, with its citation
};

struct DeskApiConfig {
  /// Secure on the session cookie also over plain HTTP (TLS ends at a proxy in front); a
  /// request that came over TLS always gets it. Default: false.
  bool secure_cookies = false;
  int64_t session_idle_ms = 30 * 60'000;  // a session unused this long ends
  int64_t session_max_ms = 12 * 3'600'000;
  /// The built web UI (web/dist): GET of any path outside /api/ serves a file from it, and
  /// paths without a file the UI's index.html (its own routes). Empty: no UI.
  std::string web_dir;
  /// The key that signs the audit chain's heads: GET /api/v1/audit checks the heads'
  /// signatures with it. Without it, heads are matched to the chain but not trusted.
  std::optional<std::array<unsigned char, 32>> audit_public_key;
  /// The rule directory the desk was configured with (`rules:`), its rule set's content
  /// hash and its rules. Empty rules_dir: GET /api/v1/rules answers from the alerts alone.
  std::string rules_dir;
  std::string ruleset_hash;
  std::vector<DeskRule> rules;
  /// The lists data directory (`lists:`, what `nexus lists import --data-dir` writes) for
  /// GET /api/v1/lists. Empty: none configured, and the answer says so.
  std::string lists_dir;
  /// Files of the transactions the alerts were made from (the desk config's
  /// `transactions:`): a case's exports read the transactions behind its alerts from the
  /// store, then from these (and keep what they read in the store).
  std::vector<std::string> transaction_files;
  /// GET /api/v1/cases/{id}/goaml: the reporting entity, and the schema every report is
  /// validated against before it is handed out. No schema: the route answers 503.
  desk::GoamlEntity goaml_entity = desk::placeholder_goaml_entity();
  std::shared_ptr<const desk::GoamlSchema> goaml_schema;
  /// Called after each export is recorded: the desk signs the audit chain's head then ("at
  /// every export"), off the HTTP thread. Empty: heads are signed on the desk's interval.
  std::function<void()> on_export;
  /// GET /api/v1/cases/{id}/evidence: the rule files of `rules_dir` as read at start and the
  /// rule set compiled from them (its hash must be the alerts'), and the key that signs the
  /// package's manifest and the chain head before it. Without them the route answers 503.
  std::vector<desk::EvidenceRuleFile> rule_files;
  std::shared_ptr<const rules::RuleSet> rule_set;
  std::optional<desk::AuditKey> signing_key;
};

class DeskApi {
 public:
  DeskApi(desk::DeskStore& store, desk::DeskClock clock, DeskApiConfig config = {});
  ~DeskApi();
  DeskApi(const DeskApi&) = delete;
  DeskApi& operator=(const DeskApi&) = delete;
  DeskApi(DeskApi&&) = delete;
  DeskApi& operator=(DeskApi&&) = delete;
  HttpResponse handle(const HttpRequest& request);

  /// Starts GET /api/v1/audit's check from `verifier` (one that has already read the chain,
  /// as the desk's head signer has at start), so its first call need not read it all.
  void resume_audit_check(const desk::AuditVerifier& verifier, int64_t newest_head_id);

  /// Every route as "METHOD /path/{param}", for the OpenAPI check.
  static std::vector<std::string> routes();

 private:
  struct Session {
    std::string user;
    desk::Role role = desk::Role::kAnalyst;
    std::string csrf;
    int64_t created_ms = 0;
    int64_t last_used_ms = 0;
  };
  struct Caller {
    desk::Actor actor;
    bool by_cookie = false;
    std::string session_digest;
  };
  HttpResponse route(const HttpRequest& request);
  HttpResponse serve_web(const HttpRequest& request) const;
  HttpResponse login(const HttpRequest& request);
  Result<Caller> authenticate(const HttpRequest& request);
  /// Appends a log-in, a failed log-in or a log-out to the audit chain; a store error is
  /// printed, not answered (the request itself went through or was refused on its own).
  void record_session(std::string_view user, std::string_view role, std::string_view action,
                      const HttpRequest& request, std::string_view reason = {});
  /// Feeds the audit entries and heads added since the last call to the live verifier
  /// (from scratch when `again`), and returns its state as JSON.
  Result<nlohmann::json> audit_verification(bool again);
  HttpResponse rules_page();
  HttpResponse lists_page();
  /// GET /api/v1/cases/{id}/goaml: the case's goAML report, validated, its export audited.
  HttpResponse goaml_export(const desk::Actor& actor, desk::CaseId id);
  /// GET /api/v1/cases/{id}/evidence: the case's signed evidence package, audited.
  HttpResponse evidence_export(const desk::Actor& actor, desk::CaseId id);

  desk::DeskStore& store_;
  desk::DeskClock clock_;
  DeskApiConfig config_;
  std::map<std::string, Session> sessions_;  // by SHA-256 of the cookie value
  desk::LoginLimiter by_user_, by_address_;
  std::unique_ptr<desk::AuditVerifier> verifier_;  // fed as GET /api/v1/audit is called
  int64_t verifier_head_id_ = 0;                   // newest signed head it was given
  int64_t verified_at_ms_ = 0;
  std::unique_ptr<lists::ListHistory> lists_;  // when config_.lists_dir is set
};

}  // namespace nexus::connectors
