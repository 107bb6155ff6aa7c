// The audit chain: every change the desk makes (case work, users, tokens, hit decisions,
// log-ins, exports) is one entry of an append-only log whose entries are hash-chained,
//
//   hash(n) = SHA-256( hash(n-1) || canonical_bytes(entry n) ),   hash(0) = 32 zero bytes,
//
// and whose head is signed from time to time with the desk's Ed25519 key. The signed heads
// are kept apart from the entries. Editing, deleting, reordering or inserting an entry
// breaks the chain at that entry; rewriting the whole chain after it (SHA-256 has no key)
// is caught by the first signed head past the change; cutting off the tail is caught by a
// signed head past the new end.
//
// This file holds the pure parts: the canonical bytes, the hashes, the head signatures
// (libsodium) and the verifier. The stores append and read; app/ reads and writes key files.
#pragma once

#include "base/result.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nexus::desk {

/// One entry of the audit log, as stored.
struct AuditEntry {
  int64_t seq = 0;          // 1, 2, 3, ... with no gaps
  int64_t at_ms = 0;        // wall clock of the change
  std::string actor;        // a user name, or "system"
  std::string role;         // "analyst", "supervisor", "auditor", "admin", "system", "anonymous"
  std::string action;       // e.g. "case.status", "user.create", "session.login_failed"
  std::string object;       // e.g. "case:12", "user:alice", "hit:ACC-1/UN:QDi.299"
  std::string before_json;  // the changed fields before ("{}" when nothing was there)
  std::string after_json;   // the changed fields after, and the facts of the action
  std::string prev_hash;    // hex of hash(seq - 1)
  std::string hash;         // hex of hash(seq)
};

/// What a caller appends; the store gives it its seq, time and hashes.
struct AuditRecord {
  std::string actor;
  std::string role;
  std::string action;
  std::string object;
  std::string before_json = "{}";
  std::string after_json = "{}";
};

/// A signed chain head: "entries 1..seq hash to `hash`", signed at `signed_ms`.
struct SignedHead {
  int64_t id = 0;
  int64_t seq = 0;
  std::string hash;  // hex
  int64_t signed_ms = 0;
  std::string public_key;  // hex of the Ed25519 key that signed (informational)
  std::string signature;   // hex, over head_message(seq, hash, signed_ms)
};

/// 64 hex zeros: the hash before the first entry.
const std::string& genesis_hash();

/// The bytes hashed for an entry: each field length-prefixed, seq and time in decimal, so
/// no two different entries share them.
std::string canonical_bytes(const AuditEntry& entry);

/// hex SHA-256(raw(prev_hash) || canonical_bytes(entry)); empty when prev_hash is not 64 hex.
std::string chain_hash(std::string_view prev_hash_hex, const AuditEntry& entry);

/// The signed message of a head.
std::string head_message(int64_t seq, std::string_view hash_hex, int64_t signed_ms);

/// An Ed25519 key pair (libsodium's crypto_sign).
struct AuditKey {
  std::array<unsigned char, 32> seed{};
  std::array<unsigned char, 32> public_key{};
  std::array<unsigned char, 64> secret_key{};
};

AuditKey generate_audit_key();
/// From the 32-byte seed written as 64 hex characters.
Result<AuditKey> audit_key_from_seed_hex(std::string_view hex);
std::string seed_hex(const AuditKey& key);
std::string public_key_hex(const AuditKey& key);
/// A public key from 64 hex characters.
Result<std::array<unsigned char, 32>> parse_public_key_hex(std::string_view hex);

/// Ed25519 signature (hex) of any message, and its check: what heads and evidence
/// manifests are signed with.
std::string sign_message_hex(const AuditKey& key, std::string_view message);
bool message_signature_valid(std::string_view message, std::string_view signature_hex,
                             const std::array<unsigned char, 32>& key);

SignedHead sign_head(const AuditKey& key, int64_t seq, std::string_view hash_hex,
                     int64_t signed_ms);
bool head_signature_valid(const SignedHead& head, const std::array<unsigned char, 32>& key);

std::string to_hex(std::string_view bytes);

/// The verifier's answer.
struct AuditVerdict {
  bool intact = true;     // no entry and no head failed
  int64_t entries = 0;    // entries read
  int64_t first_seq = 0;  // of the entries read (0: none)
  int64_t last_seq = 0;
  std::string last_hash;        // recomputed hash of the last entry read
  int64_t heads = 0;            // signed heads checked
  int64_t last_signed_seq = 0;  // seq of the newest head that verified
  int64_t unsigned_tail = 0;    // entries after the newest verified head
  // The first problem, when !intact: the entry (or head) it is at and what it is.
  int64_t problem_seq = 0;
  std::string problem;  // "edited", "missing", "reordered or inserted", "rewritten",
                        // "truncated", "bad signature", "foreign key"
  std::string detail;   // a sentence naming the entry or head
};

/// Checks entries (fed in ascending seq) against their hashes and the signed heads. Give
/// `key` to check the heads' signatures; without it, heads are matched but not trusted.
class AuditVerifier {
 public:
  /// `first_seq` and `prev_hash`: where the entries start (1 and genesis for a whole store;
  /// an export's header for an export).
  AuditVerifier(std::vector<SignedHead> heads, std::optional<std::array<unsigned char, 32>> key,
                int64_t first_seq = 1, std::string prev_hash = genesis_hash());

  /// Feeds the next entry. Stops checking (returns false) after the first problem.
  bool feed(const AuditEntry& entry);
  /// Ends the run: checks heads past the last entry (a truncated log) and counts the tail.
  AuditVerdict finish();

  /// For a verifier kept alive and fed as the log grows: a head signed since it started.
  /// A head past the entries fed so far waits for them; one at the newest entry is checked
  /// now; an older one is left to a full run.
  void add_head(SignedHead head);
  /// The state so far, without finish's truncation check.
  AuditVerdict snapshot() const;
  int64_t last_seq() const { return expected_seq_ - 1; }

 private:
  void fail(int64_t seq, std::string problem, std::string detail);
  void check_heads_at(int64_t seq, const std::string& hash);

  std::vector<SignedHead> heads_;  // by seq
  size_t next_head_ = 0;
  std::optional<std::array<unsigned char, 32>> key_;
  int64_t expected_seq_;
  std::string prev_hash_;         // recomputed
  std::string prev_stored_hash_;  // as stored, for telling an edit from a reorder
  AuditVerdict verdict_;
};

/// "entry 12 (case.status on case:3 by alice)": for messages.
std::string describe_entry(const AuditEntry& entry);

}  // namespace nexus::desk
