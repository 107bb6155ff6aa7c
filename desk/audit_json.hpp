// The JSON form of audit entries and signed heads, as `nexus audit export` writes them and
// evidence packages bundle them: one mapping, read back exactly. Pure functions.
#pragma once

#include "desk/audit_chain.hpp"
#include <nlohmann/json.hpp>

namespace nexus::desk {

nlohmann::json audit_entry_json(const AuditEntry& entry);
/// Throws nlohmann::json::exception on a missing or mistyped field (callers name the line).
AuditEntry audit_entry_from_json(const nlohmann::json& json);

nlohmann::json signed_head_json(const SignedHead& head);
/// Throws nlohmann::json::exception on a missing or mistyped field.
SignedHead signed_head_from_json(const nlohmann::json& json);

}  // namespace nexus::desk
