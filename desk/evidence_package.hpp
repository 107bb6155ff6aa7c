// Evidence packages: one tar file holding what a case rests on, for a court or a regulator,
//
//   manifest.json            case id, rule set hash, list versions, creation time, signer's
//                            public key, and every other file's SHA-256 and size
//   manifest.sig             Ed25519 over the exact bytes of manifest.json (hex)
//   case.json                the case row and its timeline
//   alerts.ndjson            the case's alerts (protobuf JSON mapping, one a line)
//   supporting_alerts.ndjson alerts outside the case that raised flags its alerts relied on
//   transactions.ndjson      every transaction the alerts name, in the order the engine read
//                            them (protobuf JSON mapping: read back exactly)
//   rules/<file>.yaml        the rule files, byte for byte, whose hash is the rule set hash
//   lists/versions.json      the sanctions-list snapshots screened against
//   lists/matched_entries.json  the list entries the alerts' sanctions hits name
//   audit/entries.ndjson     the case's audit entries (case:N, alert:<id>)
//   audit/heads.ndjson       the signed chain heads at or after them
//
// The same input gives the same bytes (fixed order, owner and mode; every mtime is the
// creation time). Pure functions; any thread.
#pragma once

#include "nexus/v1/alert.pb.h"
#include "nexus/v1/transaction.pb.h"

#include "base/result.hpp"
#include "desk/audit_chain.hpp"
#include "desk/case.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nexus::desk {

/// One rule file: its name inside rules/ (a file name, no directories) and its bytes.
struct EvidenceRuleFile {
  std::string name;
  std::string bytes;
};

/// What goes into a package (gather_case_evidence gives most of it).
struct EvidenceInput {
  Case case_row;
  std::vector<CaseEvent> timeline;
  std::vector<nexus::v1::Alert> alerts;
  std::vector<nexus::v1::Alert> supporting_alerts;
  std::vector<nexus::v1::Transaction> transactions;  // in the order the engine read them
  std::vector<EvidenceRuleFile> rule_files;
  std::string ruleset_hash;  // RuleSet::content_hash of rule_files
  /// JSON arrays: [{"list":"UN","version":3,"source_version":"2026-11-30","entries":731}],
  /// and the matched entries as the list store holds them. "[]" when not screened.
  std::string list_versions_json = "[]";
  std::string matched_entries_json = "[]";
  std::vector<AuditEntry> audit_entries;
  std::vector<SignedHead> signed_heads;
  int64_t created_ms = 0;  // wall clock: the desk's action, not the engine's
};

/// The package's tar bytes, its manifest signed with `key`. Errors: "archive" (libarchive
/// failed), "input" (a rule file name with a '/', no alerts).
Result<std::string> build_evidence_package(const EvidenceInput& input, const AuditKey& key);

/// One file of a package as read back.
using EvidenceFiles = std::map<std::string, std::string>;  // path -> bytes

/// What verify found. `problems` names each: a file whose hash or size differs, a missing or
/// extra file, a bad signature, a manifest that does not parse, an audit entry whose hash
/// does not follow from its fields.
struct EvidenceVerdict {
  std::vector<std::string> problems;
  size_t files = 0;         // files the manifest lists whose hash matched
  std::string signer_hex;   // the manifest's public key
  bool key_pinned = false;  // checked against a key given by the caller
  bool signature_valid = false;
  int64_t case_id = 0;
  std::string ruleset_hash;
  int64_t created_ms = 0;
  size_t audit_entries = 0, signed_heads = 0;
  bool ok() const { return problems.empty(); }
};

/// Checks every hash and the signature: against `key` when given (a package signed by
/// another key is refused), else against the key the manifest names.
EvidenceVerdict verify_evidence_package(std::string_view bytes,
                                        std::optional<std::array<unsigned char, 32>> key);

/// A package read back for replay.
struct EvidenceBundle {
  int64_t case_id = 0;
  std::string ruleset_hash;  // as the manifest says
  std::vector<EvidenceRuleFile> rule_files;
  std::vector<nexus::v1::Alert> alerts;
  std::vector<nexus::v1::Alert> supporting_alerts;
  std::vector<nexus::v1::Transaction> transactions;
  std::string list_versions_json = "[]";
  std::string matched_entries_json = "[]";
};

/// Reads the files of a package (no hash check: verify does that). Errors: "archive" (not a
/// tar), "parse" (a file that does not read back, with file:line).
Result<EvidenceFiles> read_evidence_files(std::string_view bytes);
Result<EvidenceBundle> read_evidence_bundle(std::string_view bytes);

/// Writes `files` as a tar the way build_evidence_package does (order as given by the map,
/// mtime `mtime_s`): for tools and tests that rewrite a package.
Result<std::string> write_evidence_tar(
    const std::vector<std::pair<std::string, std::string>>& files, int64_t mtime_s);

}  // namespace nexus::desk
