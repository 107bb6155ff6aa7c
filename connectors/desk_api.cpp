#include "connectors/desk_api.hpp"

#include "connectors/case_material.hpp"
#include "connectors/lists/list_history.hpp"
#include "engine/fx_table.hpp"
#include "rules/compiler.hpp"

#include "base/json_text.hpp"
#include <google/protobuf/util/json_util.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace nexus::connectors {

namespace {

using nlohmann::json;

constexpr std::string_view kCookie = "nexus_session";

/// What every answer carries: no inline script, no framing, no sniffing, no caching.
void security_headers(HttpResponse& response) {
  response.headers.emplace_back("Content-Security-Policy",
                                "default-src 'self'; script-src 'self'; style-src 'self'; "
                                "img-src 'self' data:; object-src 'none'; base-uri 'none'; "
                                "frame-ancestors 'none'; form-action 'self'");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  response.headers.emplace_back("X-Frame-Options", "DENY");
  response.headers.emplace_back("Cache-Control", "no-store");
}

HttpResponse json_response(int status, const json& body) {
  return {status, "application/json", json_text(body) + "\n", {}};
}

HttpResponse error_response(int status, std::string_view code, const std::string& message) {
  return json_response(status, {{"error", code}, {"message", message}});
}

/// The HTTP status for a desk error code.
HttpResponse from_error(const Error& error) {
  namespace errc = desk::errc;
  const std::string& code = error.code;
  const int status =
      code == errc::kForbidden                                                            ? 403
      : code == errc::kNotFound                                                           ? 404
      : code == errc::kInvalidState || code == errc::kFourEyes || code == errc::kConflict ? 409
      : code == errc::kInvalidArgument || code == errc::kBadCursor                        ? 400
      : code == errc::kStoreUnavailable                                                   ? 503
                                                                                          : 500;
  return error_response(status, code, error.message);
}

std::string cookie_value(const HttpRequest& request, std::string_view name) {
  const std::string header = request.header("cookie");
  size_t at = 0;
  while (at < header.size()) {
    while (at < header.size() && (header[at] == ' ' || header[at] == ';')) ++at;
    const size_t end = header.find(';', at);
    const std::string pair =
        header.substr(at, end == std::string::npos ? std::string::npos : end - at);
    const size_t equals = pair.find('=');
    if (equals != std::string::npos && pair.substr(0, equals) == name) {
      return pair.substr(equals + 1);
    }
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return "";
}

// Severities by protobuf's own enum names, without the SEVERITY_ prefix, lowercased:
// SEVERITY_HIGH <-> "high".
constexpr std::string_view kSeverityPrefix = "SEVERITY_";

std::string severity_name(nexus::v1::Severity severity) {
  std::string name = nexus::v1::Severity_Name(severity);
  if (name.rfind(kSeverityPrefix, 0) != 0) return "unspecified";
  name.erase(0, kSeverityPrefix.size());
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

std::optional<nexus::v1::Severity> parse_severity(std::string_view text) {
  std::string name(kSeverityPrefix);
  for (const char c : text)
    name.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  nexus::v1::Severity severity;
  if (text.empty() || text == "unspecified" || !nexus::v1::Severity_Parse(name, &severity)) {
    return std::nullopt;
  }
  return severity;
}

std::vector<std::string> comma_list(const std::string& text) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(text);
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

/// A whole number in [low, high], or nullopt.
std::optional<int64_t> parse_int(const std::string& text, int64_t low, int64_t high) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || *end != '\0' || value < low || value > high) return std::nullopt;
  return value;
}

std::optional<double> parse_number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (*end != '\0' || value != value) return std::nullopt;
  return value;
}

json alert_summary(const desk::StoredAlert& stored) {
  const auto& record = stored.record;
  return {{"id", record.id},
          {"rule_id", record.rule_id},
          {"rule_version", record.rule_version},
          {"severity", severity_name(record.severity)},
          {"typologies", record.typologies},
          {"subject", record.subject_key},
          {"subject_name", record.subject_name},
          {"score", record.score},
          {"event_time_ms", record.event_time_ms},
          {"has_sanctions_hit", record.has_sanctions_hit},
          {"case_id", static_cast<int64_t>(stored.case_id)},
          {"status", desk::status_name(stored.status)},
          {"assignee", stored.assignee}};
}

json case_json(const desk::Case& item) {
  json out = {{"id", static_cast<int64_t>(item.id)},
              {"subject", item.subject_key},
              {"status", desk::status_name(item.status)},
              {"assignee", item.assignee},
              {"max_severity", severity_name(item.max_severity)},
              {"alert_count", item.alert_count},
              {"created_ms", item.created_ms},
              {"updated_ms", item.updated_ms}};
  out["snoozed_until_ms"] = item.snoozed_until_ms ? json(*item.snoozed_until_ms) : json();
  out["close_reason"] =
      item.close_reason ? json(desk::close_reason_name(*item.close_reason)) : json();
  out["merged_into"] = item.merged_into ? json(static_cast<int64_t>(*item.merged_into)) : json();
  return out;
}

json proposal_json(const desk::CloseProposal& proposal) {
  return {{"id", static_cast<int64_t>(proposal.id)},
          {"case_id", static_cast<int64_t>(proposal.case_id)},
          {"reason", desk::close_reason_name(proposal.reason)},
          {"note", proposal.note},
          {"proposed_by", proposal.proposed_by},
          {"proposed_ms", proposal.proposed_ms},
          {"state", desk::proposal_state_name(proposal.state)},
          {"decided_by", proposal.decided_by},
          {"decided_ms", proposal.decided_ms ? json(*proposal.decided_ms) : json()}};
}

json decision_json(const desk::HitDecision& decision) {
  return {{"id", static_cast<int64_t>(decision.id)},
          {"party_key", decision.party_key},
          {"list_entry_id", decision.list_entry_id},
          {"verdict", desk::verdict_name(decision.verdict)},
          {"reason", decision.reason},
          {"decided_by", decision.decided_by},
          {"decided_ms", decision.decided_ms},
          {"revoked", decision.revoked},
          {"revoked_by", decision.revoked_by},
          {"revoked_ms", decision.revoked_ms ? json(*decision.revoked_ms) : json()}};
}

/// The details a store wrote as JSON text, as JSON (a string when it is not JSON).
json details(const std::string& text) {
  auto parsed = json::parse(text, nullptr, false);
  return parsed.is_discarded() ? json(text) : parsed;
}

/// The queue filters of a request's query string; fails with the parameter at fault.
Result<desk::AlertFilter> filter_from(const HttpRequest& request) {
  desk::AlertFilter filter;
  for (const auto& name : comma_list(request.query("status"))) {
    const auto status = desk::parse_status(name);
    if (!status) {
      return make_error(std::string(desk::errc::kInvalidArgument),
                        "status: '" + name + "' is not new, in_review, escalated or closed");
    }
    filter.statuses.push_back(*status);
  }
  for (const auto& name : comma_list(request.query("severity"))) {
    const auto severity = parse_severity(name);
    if (!severity) {
      return make_error(std::string(desk::errc::kInvalidArgument),
                        "severity: '" + name + "' is not low, medium, high or critical");
    }
    filter.severities.push_back(*severity);
  }
  if (request.has_query("rule")) filter.rule_id = request.query("rule");
  if (request.has_query("rule_version")) {
    const auto version = parse_int(request.query("rule_version"), 0, 1'000'000);
    if (!version) {
      return make_error(std::string(desk::errc::kInvalidArgument),
                        "rule_version: a whole number is expected");
    }
    filter.rule_version = static_cast<uint32_t>(*version);
  }
  if (request.has_query("typology")) filter.typology = request.query("typology");
  if (request.has_query("subject")) filter.subject_key = request.query("subject");
  if (request.has_query("assignee")) filter.assignee = request.query("assignee");
  for (const auto& [name, target] :
       {std::pair{"min_score", &filter.min_score}, std::pair{"max_score", &filter.max_score}}) {
    if (!request.has_query(name)) continue;
    const auto value = parse_number(request.query(name));
    if (!value) {
      return make_error(std::string(desk::errc::kInvalidArgument),
                        std::string(name) + ": a number is expected");
    }
    *target = *value;
  }
  for (const auto& [name, target] :
       {std::pair{"from_ms", &filter.from_ms}, std::pair{"to_ms", &filter.to_ms}}) {
    if (!request.has_query(name)) continue;
    const auto value = parse_int(request.query(name), 0, 253'402'300'799'999);
    if (!value) {
      return make_error(std::string(desk::errc::kInvalidArgument),
                        std::string(name) + ": milliseconds since 1970 are expected");
    }
    *target = *value;
  }
  if (request.has_query("sanctions")) {
    const std::string value = request.query("sanctions");
    if (value != "true" && value != "false") {
      return make_error(std::string(desk::errc::kInvalidArgument),
                        "sanctions: true or false is expected");
    }
    filter.has_sanctions_hit = value == "true";
  }
  filter.text = request.query("q");
  return filter;
}

/// The body as a JSON object; fails when it is not one.
Result<json> body_object(const HttpRequest& request) {
  // No desk body nests deeper than 3; a deep one would overflow the parser's stack.
  if (json_nests_deeper_than(request.body, 16)) {
    return make_error(std::string(desk::errc::kInvalidArgument),
                      "the request body nests deeper than 16 levels");
  }
  auto parsed = json::parse(request.body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return make_error(std::string(desk::errc::kInvalidArgument),
                      "the request body must be a JSON object");
  }
  return parsed;
}

/// A string member of a body (`fallback` when absent); fails when it is not a string.
Result<std::string> member(const json& body, const char* name, bool required,
                           std::string fallback = "") {
  const auto found = body.find(name);
  if (found == body.end()) {
    if (!required) return fallback;
    return make_error(std::string(desk::errc::kInvalidArgument),
                      std::string("'") + name + "' is required");
  }
  if (!found->is_string()) {
    return make_error(std::string(desk::errc::kInvalidArgument),
                      std::string("'") + name + "' must be a string");
  }
  return found->get<std::string>();
}

std::optional<int64_t> id_from(const std::string& text) {
  return parse_int(text, 1, std::numeric_limits<int64_t>::max());
}

}  // namespace

DeskApi::DeskApi(desk::DeskStore& store, desk::DeskClock clock, DeskApiConfig config)
    : store_(store), clock_(std::move(clock)), config_(std::move(config)) {
  if (!config_.lists_dir.empty()) {
    lists_ = std::make_unique<lists::ListHistory>(config_.lists_dir);
  }
}

DeskApi::~DeskApi() = default;

std::vector<std::string> DeskApi::routes() {
  return {"GET /healthz",
          "GET /api/v1/session",
          "POST /api/v1/session",
          "DELETE /api/v1/session",
          "POST /api/v1/session/password",
          "GET /api/v1/alerts",
          "GET /api/v1/alerts/counts",
          "GET /api/v1/alerts/{id}",
          "GET /api/v1/cases/{id}",
          "POST /api/v1/cases/{id}/status",
          "POST /api/v1/cases/{id}/assign",
          "POST /api/v1/cases/{id}/comments",
          "POST /api/v1/cases/{id}/snooze",
          "POST /api/v1/cases/{id}/close",
          "POST /api/v1/cases/{id}/proposals",
          "POST /api/v1/cases/{id}/merge",
          "POST /api/v1/cases/{id}/split",
          "GET /api/v1/cases/{id}/goaml",
          "GET /api/v1/cases/{id}/evidence",
          "POST /api/v1/proposals/{id}/approve",
          "POST /api/v1/proposals/{id}/reject",
          "GET /api/v1/hits",
          "POST /api/v1/hits",
          "POST /api/v1/hits/{id}/revoke",
          "GET /api/v1/audit",
          "POST /api/v1/audit/verify",
          "GET /api/v1/rules",
          "GET /api/v1/lists",
          "GET /api/v1/users",
          "POST /api/v1/users",
          "POST /api/v1/users/{name}/role",
          "POST /api/v1/users/{name}/disabled",
          "GET /api/v1/tokens",
          "POST /api/v1/tokens",
          "POST /api/v1/tokens/{id}/revoke"};
}

HttpResponse DeskApi::handle(const HttpRequest& request) {
  HttpResponse response = route(request);
  security_headers(response);
  return response;
}

Result<DeskApi::Caller> DeskApi::authenticate(const HttpRequest& request) {
  const int64_t now = clock_();
  const std::string authorization = request.header("authorization");
  if (authorization.rfind("Bearer ", 0) == 0) {
    const std::string digest = desk::token_digest(authorization.substr(7));
    NEXUS_TRY(token, store_.find_token(digest));
    if (!token || token->revoked || (token->expires_ms && *token->expires_ms <= now)) {
      return make_error("unauthenticated", "the API token is unknown, revoked or expired");
    }
    NEXUS_TRY(user, store_.get_user(token->user));
    if (!user || user->disabled) {
      return make_error("unauthenticated", "the token's user is unknown or disabled");
    }
    return Caller{{user->name, user->role}, false, ""};
  }
  const std::string cookie = cookie_value(request, kCookie);
  if (cookie.empty()) return make_error("unauthenticated", "log in first (POST /api/v1/session)");
  const std::string digest = desk::token_digest(cookie);
  auto found = sessions_.find(digest);
  if (found == sessions_.end() || now - found->second.last_used_ms > config_.session_idle_ms ||
      now - found->second.created_ms > config_.session_max_ms) {
    if (found != sessions_.end()) sessions_.erase(found);
    return make_error("unauthenticated", "the session has ended: log in again");
  }
  // A user disabled or given another role since logging in is checked on every request.
  NEXUS_TRY(user, store_.get_user(found->second.user));
  if (!user || user->disabled) {
    sessions_.erase(found);
    return make_error("unauthenticated", "the user is disabled");
  }
  found->second.role = user->role;
  found->second.last_used_ms = now;
  return Caller{{user->name, user->role}, true, digest};
}

HttpResponse DeskApi::login(const HttpRequest& request) {
  auto body = body_object(request);
  if (!body) return from_error(body.error());
  auto name = member(body.value(), "user", true);
  auto password = member(body.value(), "password", true);
  if (!name) return from_error(name.error());
  if (!password) return from_error(password.error());
  const int64_t now = clock_();
  const std::string address_key = "address:" + request.peer;
  const std::string user_key = "user:" + name.value();
  if (!by_user_.allowed(user_key, now) || !by_address_.allowed(address_key, now)) {
    const int64_t wait = std::max(by_user_.retry_after_ms(user_key, now),
                                  by_address_.retry_after_ms(address_key, now));
    HttpResponse refused = error_response(
        429, "too_many_attempts",
        "too many failed logins; try again in " + std::to_string((wait + 999) / 1000) + " s");
    refused.headers.emplace_back("Retry-After", std::to_string((wait + 999) / 1000));
    return refused;
  }
  auto user = store_.get_user(name.value());
  if (!user) return from_error(user.error());
  // Unknown users cost a hash check too, so timing does not tell which names exist.
  static const std::string kDummy = desk::hash_password("not a real password").value();
  const bool matches = user.value() && !user.value()->disabled
                           ? desk::verify_password(user.value()->password_hash, password.value())
                           : (desk::verify_password(kDummy, password.value()) && false);
  if (!matches) {
    by_user_.record_failure(user_key, now);
    by_address_.record_failure(address_key, now);
    record_session(name.value(), "anonymous", "session.login_failed", request,
                   !user.value()            ? "no such user"
                   : user.value()->disabled ? "user disabled"
                                            : "wrong password");
    return error_response(401, "unauthenticated", "wrong user name or password");
  }
  Session session;
  session.user = user.value()->name;
  session.role = user.value()->role;
  session.csrf = desk::random_token();
  session.created_ms = session.last_used_ms = now;
  const std::string cookie = desk::random_token();
  sessions_[desk::token_digest(cookie)] = session;
  record_session(session.user, desk::role_name(session.role), "session.login", request);
  HttpResponse response = json_response(200, {{"user", session.user},
                                              {"role", desk::role_name(session.role)},
                                              {"csrf_token", session.csrf}});
  response.headers.emplace_back(
      "Set-Cookie", std::string(kCookie) + "=" + cookie + "; Path=/; HttpOnly; SameSite=Strict" +
                        (config_.secure_cookies || request.tls ? "; Secure" : ""));
  return response;
}

void DeskApi::record_session(std::string_view user, std::string_view role, std::string_view action,
                             const HttpRequest& request, std::string_view reason) {
  json after = {{"address", request.peer}};
  if (!reason.empty()) after["reason"] = reason;
  desk::AuditRecord record{
      std::string(user), std::string(role), std::string(action), "user:" + std::string(user), "{}",
      after.dump()};
  if (auto appended = store_.record(record); !appended) {
    std::fprintf(stderr, "nexus: desk: audit log: %s\n", appended.error().message.c_str());
  }
}

void DeskApi::resume_audit_check(const desk::AuditVerifier& verifier, int64_t newest_head_id) {
  verifier_ = std::make_unique<desk::AuditVerifier>(verifier);
  verifier_head_id_ = newest_head_id;
}

Result<json> DeskApi::audit_verification(bool again) {
  if (again || !verifier_) {
    verifier_ = std::make_unique<desk::AuditVerifier>(std::vector<desk::SignedHead>{},
                                                      config_.audit_public_key);
    verifier_head_id_ = 0;
  }
  NEXUS_TRY(heads, store_.signed_heads());
  for (auto& head : heads) {
    if (head.id <= verifier_head_id_) continue;
    verifier_head_id_ = std::max(verifier_head_id_, head.id);
    verifier_->add_head(std::move(head));
  }
  for (;;) {
    NEXUS_TRY(entries, store_.audit_entries({}, verifier_->last_seq(), 5000));
    bool going = true;
    for (const auto& entry : entries) {
      if (!verifier_->feed(entry)) {
        going = false;
        break;
      }
    }
    if (!going || entries.size() < 5000) break;
  }
  verified_at_ms_ = clock_();
  const desk::AuditVerdict verdict = verifier_->snapshot();
  const char* state = !verdict.intact             ? "broken"
                      : !config_.audit_public_key ? "chain intact, no key to check heads"
                      : verdict.unsigned_tail > 0 ? "verified, unsigned tail"
                                                  : "verified";
  json out = {{"state", state},
              {"intact", verdict.intact},
              {"entries", verdict.entries},
              {"checked_through", verdict.last_seq},
              {"signed_through", verdict.last_signed_seq},
              {"unsigned_tail", verdict.unsigned_tail},
              {"heads_checked", verdict.heads},
              {"signatures_checked", config_.audit_public_key.has_value()},
              {"checked_at_ms", verified_at_ms_}};
  if (!verdict.intact) {
    out["problem"] = verdict.problem;
    out["problem_seq"] = verdict.problem_seq;
    out["detail"] = verdict.detail;
  }
  return out;
}

HttpResponse DeskApi::serve_web(const HttpRequest& request) const {
  namespace fs = std::filesystem;
  if (request.method != "GET" && request.method != "HEAD") {
    return error_response(405, "method_not_allowed", "the web UI's files are read with GET");
  }
  if (config_.web_dir.empty() || !fs::is_regular_file(fs::path(config_.web_dir) / "index.html")) {
    return {503,
            "text/plain",
            "the web UI is not built here (web/dist): scripts/setup.sh builds it; the API is "
            "under /api/v1\n",
            {}};
  }
  // Only plain names below the UI's directory: no "..", no hidden files, no slashes or
  // backslashes inside a (decoded) name.
  fs::path file = config_.web_dir;
  for (const auto& part : split_path(request.path())) {
    if (part.empty() || part[0] == '.' || part.find_first_of("/\\") != std::string::npos ||
        part.find('\0') != std::string::npos) {
      return error_response(404, "not_found", "no such file");
    }
    file /= part;
  }
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) file = fs::path(config_.web_dir) / "index.html";
  std::ifstream in(file, std::ios::binary);
  std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  static const std::map<std::string, std::string> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"}};
  const auto type = kTypes.find(file.extension().string());
  return {
      200, type == kTypes.end() ? "application/octet-stream" : type->second, std::move(body), {}};
}

HttpResponse DeskApi::route(const HttpRequest& request) {
  const auto parts = split_path(request.path());
  const std::string& method = request.method;
  if (parts.size() == 1 && parts[0] == "healthz" && method == "GET") {
    return {200, "text/plain", "ok\n", {}};
  }
  if (parts.empty() || parts[0] != "api") return serve_web(request);
  if (parts.size() < 2 || parts[1] != "v1") {
    return error_response(404, "not_found", "no such route: the API is under /api/v1");
  }
  const std::vector<std::string> rest(parts.begin() + 2, parts.end());
  auto is = [&rest](std::initializer_list<const char*> shape) {
    if (rest.size() != shape.size()) return false;
    size_t i = 0;
    for (const char* part : shape) {
      if (std::string_view(part) != "*" && rest[i] != part) return false;
      ++i;
    }
    return true;
  };
  if (is({"session"}) && method == "POST") return login(request);

  auto caller = authenticate(request);
  if (!caller) {
    if (caller.error().code != "unauthenticated") return from_error(caller.error());
    HttpResponse refused = error_response(401, "unauthenticated", caller.error().message);
    refused.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"nexus desk\"");
    return refused;
  }
  const desk::Actor& actor = caller.value().actor;
  const bool changes = method != "GET" && method != "HEAD";
  if (changes) {
    // A cookie comes with any request the browser makes; the CSRF token only with ours.
    if (caller.value().by_cookie) {
      const auto& session = sessions_.at(caller.value().session_digest);
      if (!desk::constant_time_equal(request.header("x-csrf-token"), session.csrf)) {
        return error_response(403, "csrf", "missing or wrong X-CSRF-Token header");
      }
    }
    if (method == "POST" && request.header("content-type").rfind("application/json", 0) != 0) {
      return error_response(415, "unsupported_media_type",
                            "send the body as Content-Type: application/json");
    }
  }
  auto require = [&actor](desk::Action action) -> std::optional<HttpResponse> {
    if (desk::allowed(actor.role, action)) return std::nullopt;
    const std::string role(desk::role_name(actor.role));
    return error_response(403, desk::errc::kForbidden,
                          std::string(role == "admin" || role == "auditor" ? "an " : "a ") + role +
                              " may not " + std::string(desk::action_name(action)));
  };
  auto done = [](const Result<void>& result, json body = {{"ok", true}}) {
    return result ? json_response(200, body) : from_error(result.error());
  };

  // ---- session ----
  if (is({"session"}) && method == "GET") {
    const auto& session =
        caller.value().by_cookie ? sessions_.at(caller.value().session_digest) : Session{};
    return json_response(200, {{"user", actor.user},
                               {"role", desk::role_name(actor.role)},
                               {"csrf_token", session.csrf}});
  }
  if (is({"session"}) && method == "DELETE") {
    if (caller.value().by_cookie) sessions_.erase(caller.value().session_digest);
    record_session(actor.user, desk::role_name(actor.role), "session.logout", request);
    HttpResponse response = json_response(200, {{"ok", true}});
    response.headers.emplace_back("Set-Cookie", std::string(kCookie) +
                                                    "=; Path=/; HttpOnly; SameSite=Strict; "
                                                    "Max-Age=0");
    return response;
  }
  if (is({"session", "password"}) && method == "POST") {
    auto body = body_object(request);
    if (!body) return from_error(body.error());
    auto current = member(body.value(), "current", true);
    auto next = member(body.value(), "new", true);
    if (!current || !next) return from_error((!current ? current : next).error());
    auto user = store_.get_user(actor.user);
    if (!user || !user.value()) return error_response(404, "not_found", "no such user");
    if (!desk::verify_password(user.value()->password_hash, current.value())) {
      return error_response(403, "forbidden", "the current password is wrong");
    }
    if (auto problem = desk::password_problem(actor.user, next.value()); !problem.empty()) {
      return error_response(400, desk::errc::kInvalidArgument, problem);
    }
    auto hash = desk::hash_password(next.value());
    if (!hash) return from_error(hash.error());
    return done(store_.set_password_hash(actor, actor.user, hash.value()));
  }

  // ---- alerts ----
  if (rest.size() >= 1 && rest[0] == "alerts" && method == "GET") {
    if (auto refused = require(desk::Action::kReadCases)) return *refused;
    if (is({"alerts"})) {
      auto filter = filter_from(request);
      if (!filter) return from_error(filter.error());
      desk::AlertQuery query;
      query.filter = std::move(filter.value());
      const std::string sort = request.query("sort");
      if (sort == "score") {
        query.sort.field = desk::SortField::kScore;
      } else if (sort == "severity") {
        query.sort.field = desk::SortField::kSeverity;
      } else if (!sort.empty() && sort != "event_time") {
        return error_response(400, desk::errc::kInvalidArgument,
                              "sort: event_time, score or severity");
      }
      const std::string order = request.query("order");
      if (!order.empty() && order != "asc" && order != "desc") {
        return error_response(400, desk::errc::kInvalidArgument, "order: asc or desc");
      }
      query.sort.descending = order != "asc";
      query.cursor = request.query("cursor");
      if (request.has_query("limit")) {
        const auto limit = parse_int(request.query("limit"), 1, 1000);
        if (!limit) return error_response(400, desk::errc::kInvalidArgument, "limit: 1 to 1000");
        query.limit = static_cast<int>(*limit);
      }
      auto page = store_.query_alerts(query);
      if (!page) return from_error(page.error());
      json alerts = json::array();
      for (const auto& alert : page.value().alerts) alerts.push_back(alert_summary(alert));
      return json_response(200, {{"alerts", alerts}, {"next_cursor", page.value().next_cursor}});
    }
    if (is({"alerts", "counts"})) {
      auto filter = filter_from(request);
      if (!filter) return from_error(filter.error());
      auto counts = store_.count_by_status(filter.value());
      if (!counts) return from_error(counts.error());
      json out = json::object();
      for (const auto status : {desk::CaseStatus::kNew, desk::CaseStatus::kInReview,
                                desk::CaseStatus::kEscalated, desk::CaseStatus::kClosed}) {
        const auto found = counts.value().find(status);
        out[std::string(desk::status_name(status))] =
            found == counts.value().end() ? 0 : found->second;
      }
      return json_response(200, out);
    }
    if (is({"alerts", "*"})) {
      auto stored = store_.get_alert(rest[1]);
      if (!stored) return from_error(stored.error());
      if (!stored.value()) return error_response(404, "not_found", "no alert " + rest[1]);
      json out = alert_summary(*stored.value());
      nexus::v1::Alert alert;
      std::string alert_json;
      if (alert.ParseFromString(stored.value()->record.alert_pb)) {
        google::protobuf::util::JsonPrintOptions options;
        options.preserve_proto_field_names = true;
        (void)google::protobuf::util::MessageToJsonString(alert, &alert_json, options);
      }
      out["alert"] = details(alert_json);
      auto siblings = store_.case_alert_ids(stored.value()->case_id);
      if (siblings) out["case_alert_ids"] = siblings.value();
      return json_response(200, out);
    }
  }

  // ---- cases ----
  if (rest.size() >= 2 && rest[0] == "cases") {
    const auto id = id_from(rest[1]);
    if (!id) return error_response(404, "not_found", "no case " + rest[1]);
    const desk::CaseId case_id{*id};
    if (is({"cases", "*", "evidence"}) && method == "GET") {
      if (auto refused = require(desk::Action::kExportCase)) return *refused;
      return evidence_export(actor, case_id);
    }
    if (is({"cases", "*", "goaml"}) && method == "GET") {
      if (auto refused = require(desk::Action::kExportCase)) return *refused;
      return goaml_export(actor, case_id);
    }
    if (is({"cases", "*"}) && method == "GET") {
      if (auto refused = require(desk::Action::kReadCases)) return *refused;
      auto item = store_.get_case(case_id);
      if (!item) return from_error(item.error());
      if (!item.value()) return error_response(404, "not_found", "no case " + rest[1]);
      json out = case_json(*item.value());
      auto alert_ids = store_.case_alert_ids(case_id);
      auto events = store_.case_events(case_id);
      auto proposals = store_.case_proposals(case_id);
      if (!alert_ids || !events || !proposals) {
        return from_error(!alert_ids ? alert_ids.error()
                          : !events  ? events.error()
                                     : proposals.error());
      }
      out["alert_ids"] = alert_ids.value();
      // The first kCaseAlertsShown alerts as queue rows: the page's table in this answer.
      constexpr int kCaseAlertsShown = 200;
      auto alerts = store_.case_alerts(case_id, kCaseAlertsShown);
      if (!alerts) return from_error(alerts.error());
      json summaries = json::array();
      for (const auto& alert : alerts.value()) summaries.push_back(alert_summary(alert));
      out["alerts"] = summaries;
      json timeline = json::array();
      for (const auto& event : events.value()) {
        timeline.push_back({{"id", event.id},
                            {"at_ms", event.at_ms},
                            {"actor", event.actor},
                            {"kind", event.kind},
                            {"details", details(event.details_json)}});
      }
      out["timeline"] = timeline;
      json pending = json::array();
      for (const auto& proposal : proposals.value()) pending.push_back(proposal_json(proposal));
      out["proposals"] = pending;
      return json_response(200, out);
    }
    if (method == "POST" && rest.size() == 3) {
      auto body = body_object(request);
      if (!body) return from_error(body.error());
      const json& in = body.value();
      auto note = member(in, "note", false);
      if (!note) return from_error(note.error());
      const std::string& action = rest[2];
      if (action == "status") {
        auto to = member(in, "status", true);
        if (!to) return from_error(to.error());
        const auto status = desk::parse_status(to.value());
        if (!status) {
          return error_response(400, desk::errc::kInvalidArgument,
                                "status: new, in_review, escalated or closed");
        }
        return done(store_.set_status(actor, case_id, *status, note.value()));
      }
      if (action == "assign") {
        auto assignee = member(in, "assignee", true);
        if (!assignee) return from_error(assignee.error());
        return done(store_.assign(actor, case_id, assignee.value()));
      }
      if (action == "comments") {
        auto text = member(in, "text", true);
        if (!text) return from_error(text.error());
        if (text.value().empty() || text.value().size() > 20'000) {
          return error_response(400, desk::errc::kInvalidArgument, "text: 1 to 20,000 characters");
        }
        return done(store_.comment(actor, case_id, text.value()));
      }
      if (action == "snooze") {
        const auto until = in.find("until_ms");
        if (until != in.end() && !until->is_null() && !until->is_number_integer()) {
          return error_response(400, desk::errc::kInvalidArgument,
                                "until_ms: milliseconds since 1970, or null to wake");
        }
        return done(store_.snooze(actor, case_id,
                                  until == in.end() || until->is_null()
                                      ? std::nullopt
                                      : std::optional<int64_t>(until->get<int64_t>())));
      }
      if (action == "close" || action == "proposals") {
        auto reason_text = member(in, "reason", true);
        if (!reason_text) return from_error(reason_text.error());
        const auto reason = desk::parse_close_reason(reason_text.value());
        if (!reason) {
          return error_response(400, desk::errc::kInvalidArgument,
                                "reason: false_positive, explained or reported");
        }
        if (action == "close")
          return done(store_.close_case(actor, case_id, *reason, note.value()));
        auto proposal = store_.propose_close(actor, case_id, *reason, note.value());
        if (!proposal) return from_error(proposal.error());
        return json_response(201, {{"proposal_id", static_cast<int64_t>(proposal.value())}});
      }
      if (action == "merge") {
        const auto from = in.find("from_case_id");
        if (from == in.end() || !from->is_number_integer()) {
          return error_response(400, desk::errc::kInvalidArgument, "from_case_id: a case id");
        }
        return done(store_.merge_cases(actor, case_id, desk::CaseId{from->get<int64_t>()}));
      }
      if (action == "split") {
        const auto ids = in.find("alert_ids");
        if (ids == in.end() || !ids->is_array()) {
          return error_response(400, desk::errc::kInvalidArgument, "alert_ids: a list of ids");
        }
        std::vector<std::string> alert_ids;
        for (const auto& item : *ids) {
          if (!item.is_string()) {
            return error_response(400, desk::errc::kInvalidArgument, "alert_ids: strings");
          }
          alert_ids.push_back(item.get<std::string>());
        }
        auto split = store_.split_case(actor, case_id, alert_ids);
        if (!split) return from_error(split.error());
        return json_response(201, {{"case_id", static_cast<int64_t>(split.value())}});
      }
    }
  }

  // ---- four-eyes ----
  if (rest.size() == 3 && rest[0] == "proposals" && method == "POST") {
    const auto id = id_from(rest[1]);
    if (!id) return error_response(404, "not_found", "no proposal " + rest[1]);
    auto body = body_object(request);
    if (!body) return from_error(body.error());
    auto note = member(body.value(), "note", false);
    if (!note) return from_error(note.error());
    if (rest[2] == "approve") {
      return done(store_.approve_close(actor, desk::ProposalId{*id}, note.value()));
    }
    if (rest[2] == "reject") {
      return done(store_.reject_close(actor, desk::ProposalId{*id}, note.value()));
    }
  }

  // ---- sanctions hit decisions ----
  if (is({"hits"}) && method == "GET") {
    if (auto refused = require(desk::Action::kReadCases)) return *refused;
    auto decisions = store_.hit_decisions(request.query("party"));
    if (!decisions) return from_error(decisions.error());
    json out = json::array();
    for (const auto& decision : decisions.value()) out.push_back(decision_json(decision));
    return json_response(200, {{"decisions", out}});
  }
  if (is({"hits"}) && method == "POST") {
    auto body = body_object(request);
    if (!body) return from_error(body.error());
    auto party = member(body.value(), "party_key", true);
    auto entry = member(body.value(), "list_entry_id", true);
    auto verdict_text = member(body.value(), "verdict", true);
    auto reason = member(body.value(), "reason", true);
    for (const auto* field : {&party, &entry, &verdict_text, &reason}) {
      if (!*field) return from_error(field->error());
    }
    const auto verdict = desk::parse_verdict(verdict_text.value());
    if (!verdict) {
      return error_response(400, desk::errc::kInvalidArgument,
                            "verdict: true_match or false_positive");
    }
    auto decided = store_.decide_hit(actor, party.value(), entry.value(), *verdict, reason.value());
    if (!decided) return from_error(decided.error());
    return json_response(201, {{"decision_id", static_cast<int64_t>(decided.value())}});
  }
  if (is({"hits", "*", "revoke"}) && method == "POST") {
    const auto id = id_from(rest[1]);
    if (!id) return error_response(404, "not_found", "no decision " + rest[1]);
    auto body = body_object(request);
    if (!body) return from_error(body.error());
    auto reason = member(body.value(), "reason", true);
    if (!reason) return from_error(reason.error());
    return done(store_.revoke_decision(actor, desk::DecisionId{*id}, reason.value()));
  }

  // ---- audit ----
  if (is({"audit"}) && method == "GET") {
    if (auto refused = require(desk::Action::kReadAudit)) return *refused;
    const auto after = request.has_query("after") ? parse_int(request.query("after"), 0,
                                                              std::numeric_limits<int64_t>::max())
                                                  : std::optional<int64_t>(0);
    const auto limit = request.has_query("limit") ? parse_int(request.query("limit"), 1, 1000)
                                                  : std::optional<int64_t>(100);
    if (!after || !limit) {
      return error_response(400, desk::errc::kInvalidArgument,
                            "after: an entry's seq; limit: 1 to 1000");
    }
    desk::AuditFilter filter;
    auto text_filter = [&](std::string_view name, std::optional<std::string>* field) {
      if (request.has_query(name) && !request.query(name).empty()) *field = request.query(name);
    };
    text_filter("actor", &filter.actor);
    text_filter("action", &filter.action);
    text_filter("object", &filter.object);
    for (const auto& [name, field] : {std::pair{"from", &filter.from_ms}, {"to", &filter.to_ms}}) {
      if (!request.has_query(name)) continue;
      auto value = parse_int(request.query(name), 0, std::numeric_limits<int64_t>::max());
      if (!value) {
        return error_response(400, desk::errc::kInvalidArgument,
                              std::string(name) + ": milliseconds since the Unix epoch");
      }
      *field = *value;
    }
    auto rows = store_.audit_entries(filter, *after, static_cast<int>(*limit));
    if (!rows) return from_error(rows.error());
    auto verification = audit_verification(false);
    if (!verification) return from_error(verification.error());
    json out = json::array();
    for (const auto& row : rows.value()) {
      out.push_back({{"seq", row.seq},
                     {"at_ms", row.at_ms},
                     {"actor", row.actor},
                     {"role", row.role},
                     {"action", row.action},
                     {"object", row.object},
                     {"before", details(row.before_json)},
                     {"after", details(row.after_json)},
                     {"prev_hash", row.prev_hash},
                     {"hash", row.hash}});
    }
    json body = {{"entries", out}, {"verification", verification.value()}};
    if (rows.value().size() == static_cast<size_t>(*limit)) {
      body["next_after"] = rows.value().back().seq;
    }
    return json_response(200, body);
  }
  if (is({"audit", "verify"}) && method == "POST") {
    if (auto refused = require(desk::Action::kReadAudit)) return *refused;
    auto verification = audit_verification(true);
    if (!verification) return from_error(verification.error());
    return json_response(200, {{"verification", verification.value()}});
  }

  // ---- rules and lists: what the desk's alerts come from; every role reads them ----
  if (is({"rules"}) && method == "GET") return rules_page();
  if (is({"lists"}) && method == "GET") return lists_page();

  // ---- users and tokens (admin) ----
  if (rest.size() >= 1 && (rest[0] == "users" || rest[0] == "tokens")) {
    if (auto refused = require(desk::Action::kManageUsers)) return *refused;
    if (is({"tokens"}) && method == "GET") {
      auto tokens = store_.list_tokens();
      if (!tokens) return from_error(tokens.error());
      const int64_t now = clock_();
      json out = json::array();
      // Never the secret (it is not kept) nor its digest.
      for (const auto& token : tokens.value()) {
        out.push_back({{"id", static_cast<int64_t>(token.id)},
                       {"user", token.user},
                       {"label", token.label},
                       {"created_ms", token.created_ms},
                       {"expires_ms", token.expires_ms ? json(*token.expires_ms) : json()},
                       {"expired", token.expires_ms && *token.expires_ms <= now},
                       {"revoked", token.revoked}});
      }
      return json_response(200, {{"tokens", out}});
    }
    if (is({"users"}) && method == "GET") {
      auto users = store_.list_users();
      if (!users) return from_error(users.error());
      json out = json::array();
      for (const auto& user : users.value()) {
        out.push_back({{"name", user.name},
                       {"role", desk::role_name(user.role)},
                       {"disabled", user.disabled},
                       {"created_ms", user.created_ms}});
      }
      return json_response(200, {{"users", out}});
    }
    if (method == "POST") {
      auto body = body_object(request);
      if (!body) return from_error(body.error());
      const json& in = body.value();
      if (is({"users"})) {
        auto name = member(in, "name", true);
        auto role_text = member(in, "role", true);
        auto password = member(in, "password", true);
        for (const auto* field : {&name, &role_text, &password}) {
          if (!*field) return from_error(field->error());
        }
        const auto role = desk::parse_role(role_text.value());
        if (!role) {
          return error_response(400, desk::errc::kInvalidArgument,
                                "role: analyst, supervisor, auditor or admin");
        }
        if (auto problem = desk::password_problem(name.value(), password.value());
            !problem.empty()) {
          return error_response(400, desk::errc::kInvalidArgument, problem);
        }
        auto hash = desk::hash_password(password.value());
        if (!hash) return from_error(hash.error());
        desk::User user;
        user.name = name.value();
        user.role = *role;
        user.password_hash = hash.value();
        user.created_ms = clock_();
        auto created = store_.create_user(actor, user);
        return created ? json_response(201, {{"name", user.name}}) : from_error(created.error());
      }
      if (is({"users", "*", "role"})) {
        auto role_text = member(in, "role", true);
        if (!role_text) return from_error(role_text.error());
        const auto role = desk::parse_role(role_text.value());
        if (!role) {
          return error_response(400, desk::errc::kInvalidArgument,
                                "role: analyst, supervisor, auditor or admin");
        }
        return done(store_.set_user_role(actor, rest[1], *role));
      }
      if (is({"users", "*", "disabled"})) {
        const auto disabled = in.find("disabled");
        if (disabled == in.end() || !disabled->is_boolean()) {
          return error_response(400, desk::errc::kInvalidArgument, "disabled: true or false");
        }
        return done(store_.set_user_disabled(actor, rest[1], disabled->get<bool>()));
      }
      if (is({"tokens"})) {
        auto label = member(in, "label", true);
        auto user = member(in, "user", false, actor.user);
        if (!label || !user) return from_error((!label ? label : user).error());
        const std::string secret = desk::random_token();
        desk::ApiToken token;
        token.user = user.value();
        token.token_hash = desk::token_digest(secret);
        token.label = label.value();
        token.created_ms = clock_();
        if (const auto expires = in.find("expires_ms");
            expires != in.end() && !expires->is_null()) {
          if (!expires->is_number_integer() || expires->get<int64_t>() <= token.created_ms) {
            return error_response(400, desk::errc::kInvalidArgument,
                                  "expires_ms: a time in the future (ms since 1970), or null");
          }
          token.expires_ms = expires->get<int64_t>();
        }
        auto id = store_.create_token(actor, token);
        if (!id) return from_error(id.error());
        // The token itself is shown here once; the store keeps only its digest.
        return json_response(201,
                             {{"id", static_cast<int64_t>(id.value())},
                              {"token", secret},
                              {"user", token.user},
                              {"expires_ms", token.expires_ms ? json(*token.expires_ms) : json()}});
      }
      if (is({"tokens", "*", "revoke"})) {
        const auto id = id_from(rest[1]);
        if (!id) return error_response(404, "not_found", "no token " + rest[1]);
        return done(store_.revoke_token(actor, desk::TokenId{*id}));
      }
    }
  }
  return error_response(404, "not_found", method + " " + request.path() + " is not an API route");
}

HttpResponse DeskApi::rules_page() {
  const int64_t now = clock_();
  auto stats = store_.rule_stats(now);
  if (!stats) return from_error(stats.error());
  struct Entry {
    json definition;  // null when the configured rule set does not hold the rule
    json versions = json::array();
    int64_t total = 0, last_24h = 0, last_7d = 0;
    std::string title;
    nexus::v1::Severity severity = nexus::v1::SEVERITY_UNSPECIFIED;
  };
  std::map<std::string, Entry> by_id;
  for (const auto& rule : config_.rules) {
    Entry& entry = by_id[rule.id];
    entry.definition = {{"version", rule.version},
                        {"title", rule.title},
                        {"severity", severity_name(rule.severity)},
                        {"typologies", rule.typologies},
                        {"source", rule.source}};
    entry.title = rule.title;
    entry.severity = rule.severity;
  }
  for (const auto& item : stats.value()) {
    Entry& entry = by_id[item.rule_id];
    json hashes = json::array({item.first_ruleset_hash});
    if (item.last_ruleset_hash != item.first_ruleset_hash) hashes.push_back(item.last_ruleset_hash);
    entry.versions.push_back({{"version", item.rule_version},
                              {"total", item.total},
                              {"last_24h", item.last_24h},
                              {"last_7d", item.last_7d},
                              {"first_ms", item.first_ms},
                              {"last_ms", item.last_ms},
                              {"title", item.title},
                              {"severity", severity_name(item.severity)},
                              {"ruleset_hashes", hashes}});
    entry.total += item.total;
    entry.last_24h += item.last_24h;
    entry.last_7d += item.last_7d;
    // The definition names the rule; without one, the newest alerts' title does.
    if (entry.definition.is_null()) {
      entry.title = item.title;
      entry.severity = item.severity;
    }
  }
  json rules = json::array();
  for (const auto& [id, entry] : by_id) {
    rules.push_back({{"id", id},
                     {"title", entry.title},
                     {"severity", severity_name(entry.severity)},
                     {"definition", entry.definition},
                     {"versions", entry.versions},
                     {"total", entry.total},
                     {"last_24h", entry.last_24h},
                     {"last_7d", entry.last_7d}});
  }
  return json_response(
      200, {{"now_ms", now},
            {"rules_dir", config_.rules_dir.empty() ? json() : json(config_.rules_dir)},
            {"ruleset_hash", config_.ruleset_hash.empty() ? json() : json(config_.ruleset_hash)},
            {"rules", rules}});
}

HttpResponse DeskApi::goaml_export(const desk::Actor& actor, desk::CaseId id) {
  if (!config_.goaml_schema) {
    return error_response(503, "unavailable", "this desk has no goAML schema configured");
  }
  // The status first: a refused export reads and keeps nothing.
  auto found = store_.get_case(id);
  if (!found) return from_error(found.error());
  if (!found.value()) {
    return error_response(404, "not_found", "no case " + std::to_string(static_cast<int64_t>(id)));
  }
  const desk::Case& row = *found.value();
  const bool reported = row.status == desk::CaseStatus::kClosed && row.close_reason &&
                        *row.close_reason == desk::CloseReason::kReported;
  if (row.status != desk::CaseStatus::kEscalated && !reported) {
    return error_response(409, desk::errc::kInvalidState,
                          "a goAML report is made from an escalated case, or one closed as "
                          "reported; case " +
                              std::to_string(static_cast<int64_t>(id)) + " is " +
                              std::string(desk::status_name(row.status)));
  }
  auto material = gather_case_material(store_, id, config_.transaction_files);
  if (!material) return from_error(material.error());
  desk::CaseEvidence& evidence = material.value().evidence;
  const auto& missing = evidence.missing_transactions;
  if (!missing.empty()) {
    std::string first;
    for (size_t i = 0; i < missing.size() && i < 5; ++i) first += (i ? ", " : "") + missing[i];
    std::string unreadable;
    for (const auto& file : material.value().unreadable) unreadable += "; not read: " + file;
    return error_response(409, "transactions_missing",
                          std::to_string(missing.size()) +
                              " transaction(s) behind the case's alerts are neither kept by the "
                              "desk nor in its transaction files (" +
                              first + (missing.size() > 5 ? ", ..." : "") + ")" + unreadable +
                              ": add the file that holds them to the desk config's "
                              "transactions:");
  }
  const desk::GoamlCaseInput input = desk::goaml_case_input(std::move(evidence), clock_());
  auto report = desk::build_goaml_report(config_.goaml_entity, input, engine::FxTable::defaults(),
                                         *config_.goaml_schema);
  if (!report) {
    // Never handed out: libxml2's messages say why the schema refused it.
    return error_response(422, report.error().code, report.error().message);
  }
  const std::string sha256 = rules::sha256_hex(report.value().xml);
  const std::string file = "case-" + std::to_string(static_cast<int64_t>(id)) + "-goaml-" +
                           report.value().report_code + ".xml";
  const json after = {{"file", file},
                      {"sha256", sha256},
                      {"report_code", report.value().report_code},
                      {"alerts", report.value().alerts},
                      {"transactions", report.value().transactions},
                      {"transactions_newly_kept", material.value().newly_kept},
                      {"placeholder_entity", config_.goaml_entity.placeholder}};
  auto recorded =
      store_.record({actor.user, std::string(desk::role_name(actor.role)), "report.goaml",
                     "case:" + std::to_string(static_cast<int64_t>(id)), "{}", json_text(after)});
  if (!recorded) return from_error(recorded.error());
  if (config_.on_export) config_.on_export();
  HttpResponse response{200, "application/xml; charset=utf-8", std::move(report.value().xml), {}};
  response.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + file + "\"");
  response.headers.emplace_back("X-Content-SHA256", sha256);
  response.headers.emplace_back("X-Audit-Seq", std::to_string(recorded.value()));
  return response;
}

HttpResponse DeskApi::evidence_export(const desk::Actor& actor, desk::CaseId id) {
  if (!config_.rule_set || !config_.signing_key) {
    return error_response(503, "unavailable",
                          "evidence packages need the desk's rules: directory and its audit key");
  }
  // The head signed now covers the case's entries; only a chain that verifies is signed.
  auto checked = audit_verification(false);
  if (!checked) return from_error(checked.error());
  if (!checked.value().value("intact", false)) {
    return error_response(409, "audit_broken",
                          "the audit log does not verify: no package is signed (see nexus audit "
                          "verify)");
  }
  if (auto head = store_.sign_audit_head(*config_.signing_key); !head) {
    return from_error(head.error());
  }
  const std::string object = "case:" + std::to_string(static_cast<int64_t>(id));
  auto input = case_evidence_input(store_, id, config_.transaction_files, config_.rule_files,
                                   *config_.rule_set, config_.lists_dir, clock_());
  if (!input) {
    const std::string& code = input.error().code;
    if (code == "transactions_missing" || code == "rule_set_mismatch" ||
        code == desk::errc::kInvalidState) {
      return error_response(409, code, input.error().message);
    }
    return from_error(input.error());
  }
  auto package = desk::build_evidence_package(input.value(), *config_.signing_key);
  if (!package) return from_error(package.error());
  const std::string sha256 = rules::sha256_hex(package.value());
  const std::string file = "case-" + std::to_string(static_cast<int64_t>(id)) + "-evidence.tar";
  const json after = {{"file", file},
                      {"sha256", sha256},
                      {"alerts", input.value().alerts.size()},
                      {"transactions", input.value().transactions.size()},
                      {"ruleset_hash", input.value().ruleset_hash},
                      {"audit_entries", input.value().audit_entries.size()}};
  auto recorded = store_.record({actor.user, std::string(desk::role_name(actor.role)),
                                 "evidence.export", object, "{}", json_text(after)});
  if (!recorded) return from_error(recorded.error());
  if (config_.on_export) config_.on_export();
  HttpResponse response{200, "application/x-tar", std::move(package.value()), {}};
  response.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + file + "\"");
  response.headers.emplace_back("X-Content-SHA256", sha256);
  response.headers.emplace_back("X-Audit-Seq", std::to_string(recorded.value()));
  return response;
}

HttpResponse DeskApi::lists_page() {
  if (!lists_) return json_response(200, {{"lists_dir", nullptr}, {"lists", json::array()}});
  auto summaries = lists_->summaries();
  if (!summaries) {
    return error_response(503, "lists_unreadable", summaries.error().message);
  }
  json out = json::array();
  for (const auto& list : summaries.value()) {
    out.push_back(
        {{"list", list.list},
         {"version", list.version},
         {"source_version", list.source_version},
         {"entries", list.entries},
         {"imported_ms", list.imported_ms},
         {"previous_version", list.previous_version == 0 ? json() : json(list.previous_version)},
         {"added", list.added},
         {"removed", list.removed},
         {"changed", list.changed}});
  }
  return json_response(200, {{"lists_dir", lists_->data_dir()}, {"lists", out}});
}

}  // namespace nexus::connectors
