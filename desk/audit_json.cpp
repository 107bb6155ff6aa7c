#include "desk/audit_json.hpp"

namespace nexus::desk {

nlohmann::json audit_entry_json(const AuditEntry& entry) {
  return {{"seq", entry.seq},
          {"at_ms", entry.at_ms},
          {"actor", entry.actor},
          {"role", entry.role},
          {"action", entry.action},
          {"object", entry.object},
          {"before", entry.before_json},
          {"after", entry.after_json},
          {"prev_hash", entry.prev_hash},
          {"hash", entry.hash}};
}

AuditEntry audit_entry_from_json(const nlohmann::json& e) {
  return {e.at("seq"),    e.at("at_ms"),  e.at("actor"), e.at("role"),      e.at("action"),
          e.at("object"), e.at("before"), e.at("after"), e.at("prev_hash"), e.at("hash")};
}

nlohmann::json signed_head_json(const SignedHead& head) {
  return {{"id", head.id},
          {"seq", head.seq},
          {"hash", head.hash},
          {"signed_ms", head.signed_ms},
          {"public_key", head.public_key},
          {"signature", head.signature}};
}

SignedHead signed_head_from_json(const nlohmann::json& h) {
  return {h.at("id"),        h.at("seq"),        h.at("hash"),
          h.at("signed_ms"), h.at("public_key"), h.at("signature")};
}

}  // namespace nexus::desk
