#include "desk/audit_chain.hpp"

#include "desk/auth.hpp"
#include <sodium.h>

#include <algorithm>
#include <utility>

namespace nexus::desk {

namespace {

void append_field(std::string* out, std::string_view field) {
  *out += std::to_string(field.size());
  *out += ':';
  *out += field;
  *out += ';';
}

Result<std::string> from_hex(std::string_view hex, size_t bytes, std::string_view what) {
  std::string raw(bytes, '\0');
  size_t written = 0;
  if (hex.size() != bytes * 2 ||
      sodium_hex2bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(), hex.data(),
                     hex.size(), nullptr, &written, nullptr) != 0 ||
      written != bytes) {
    return make_error(
        "audit", std::string(what) + " must be " + std::to_string(bytes * 2) + " hex characters");
  }
  return raw;
}

std::string short_hash(std::string_view hex) { return std::string(hex.substr(0, 16)); }

}  // namespace

const std::string& genesis_hash() {
  static const std::string zeros(64, '0');
  return zeros;
}

std::string to_hex(std::string_view bytes) {
  std::string out(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                 bytes.size());
  out.pop_back();
  return out;
}

std::string canonical_bytes(const AuditEntry& entry) {
  std::string out = "nexus-audit-entry-v1;";
  append_field(&out, std::to_string(entry.seq));
  append_field(&out, std::to_string(entry.at_ms));
  append_field(&out, entry.actor);
  append_field(&out, entry.role);
  append_field(&out, entry.action);
  append_field(&out, entry.object);
  append_field(&out, entry.before_json);
  append_field(&out, entry.after_json);
  return out;
}

std::string chain_hash(std::string_view prev_hash_hex, const AuditEntry& entry) {
  ensure_sodium();
  auto prev = from_hex(prev_hash_hex, crypto_hash_sha256_BYTES, "a hash");
  if (!prev) return "";
  const std::string bytes = canonical_bytes(entry);
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(prev.value().data()),
                            prev.value().size());
  crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(bytes.data()),
                            bytes.size());
  std::string digest(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256_final(&state, reinterpret_cast<unsigned char*>(digest.data()));
  return to_hex(digest);
}

std::string head_message(int64_t seq, std::string_view hash_hex, int64_t signed_ms) {
  return "nexus-audit-head-v1\n" + std::to_string(seq) + "\n" + std::string(hash_hex) + "\n" +
         std::to_string(signed_ms) + "\n";
}

namespace {
AuditKey key_from_seed(const unsigned char* seed) {
  AuditKey key;
  std::copy(seed, seed + key.seed.size(), key.seed.begin());
  crypto_sign_seed_keypair(key.public_key.data(), key.secret_key.data(), key.seed.data());
  return key;
}
}  // namespace

AuditKey generate_audit_key() {
  ensure_sodium();
  std::array<unsigned char, 32> seed{};
  randombytes_buf(seed.data(), seed.size());
  AuditKey key = key_from_seed(seed.data());
  sodium_memzero(seed.data(), seed.size());
  return key;
}

Result<AuditKey> audit_key_from_seed_hex(std::string_view hex) {
  ensure_sodium();
  NEXUS_TRY(seed, from_hex(hex, 32, "an audit signing key (its seed)"));
  AuditKey key = key_from_seed(reinterpret_cast<const unsigned char*>(seed.data()));
  sodium_memzero(seed.data(), seed.size());
  return key;
}

std::string seed_hex(const AuditKey& key) {
  return to_hex({reinterpret_cast<const char*>(key.seed.data()), key.seed.size()});
}

std::string public_key_hex(const AuditKey& key) {
  return to_hex({reinterpret_cast<const char*>(key.public_key.data()), key.public_key.size()});
}

Result<std::array<unsigned char, 32>> parse_public_key_hex(std::string_view hex) {
  ensure_sodium();
  NEXUS_TRY(raw, from_hex(hex, 32, "an audit public key"));
  std::array<unsigned char, 32> key{};
  std::copy(raw.begin(), raw.end(), key.begin());
  return key;
}

std::string sign_message_hex(const AuditKey& key, std::string_view message) {
  ensure_sodium();
  std::array<unsigned char, crypto_sign_BYTES> signature{};
  crypto_sign_detached(signature.data(), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       key.secret_key.data());
  return to_hex({reinterpret_cast<const char*>(signature.data()), signature.size()});
}

bool message_signature_valid(std::string_view message, std::string_view signature_hex,
                             const std::array<unsigned char, 32>& key) {
  ensure_sodium();
  auto signature = from_hex(signature_hex, crypto_sign_BYTES, "a signature");
  if (!signature) return false;
  return crypto_sign_verify_detached(
             reinterpret_cast<const unsigned char*>(signature.value().data()),
             reinterpret_cast<const unsigned char*>(message.data()), message.size(),
             key.data()) == 0;
}

SignedHead sign_head(const AuditKey& key, int64_t seq, std::string_view hash_hex,
                     int64_t signed_ms) {
  SignedHead head;
  head.seq = seq;
  head.hash = std::string(hash_hex);
  head.signed_ms = signed_ms;
  head.public_key = public_key_hex(key);
  head.signature = sign_message_hex(key, head_message(seq, hash_hex, signed_ms));
  return head;
}

bool head_signature_valid(const SignedHead& head, const std::array<unsigned char, 32>& key) {
  return message_signature_valid(head_message(head.seq, head.hash, head.signed_ms), head.signature,
                                 key);
}

std::string describe_entry(const AuditEntry& entry) {
  return "entry " + std::to_string(entry.seq) + " (" + entry.action + " on " + entry.object +
         " by " + entry.actor + ")";
}

AuditVerifier::AuditVerifier(std::vector<SignedHead> heads,
                             std::optional<std::array<unsigned char, 32>> key, int64_t first_seq,
                             std::string prev_hash)
    : heads_(std::move(heads)),
      key_(key),
      expected_seq_(first_seq),
      prev_hash_(prev_hash),
      prev_stored_hash_(std::move(prev_hash)) {
  std::sort(heads_.begin(), heads_.end(), [](const SignedHead& a, const SignedHead& b) {
    return a.seq != b.seq ? a.seq < b.seq : a.id < b.id;
  });
  // Heads before the first entry cover nothing this run can see.
  while (next_head_ < heads_.size() && heads_[next_head_].seq < first_seq) ++next_head_;
  verdict_.last_signed_seq = first_seq - 1;
}

void AuditVerifier::fail(int64_t seq, std::string problem, std::string detail) {
  if (!verdict_.intact) return;
  verdict_.intact = false;
  verdict_.problem_seq = seq;
  verdict_.problem = std::move(problem);
  verdict_.detail = std::move(detail);
}

void AuditVerifier::check_heads_at(int64_t seq, const std::string& hash) {
  while (verdict_.intact && next_head_ < heads_.size() && heads_[next_head_].seq == seq) {
    const SignedHead& head = heads_[next_head_++];
    const std::string name =
        "signed head " + std::to_string(head.id) + " (entry " + std::to_string(head.seq) + ")";
    if (head.hash != hash) {
      fail(seq, "rewritten",
           name + " says the entries up to " + std::to_string(seq) + " hash to " +
               short_hash(head.hash) + "..., but they now hash to " + short_hash(hash) +
               "...: an entry after " + std::to_string(verdict_.last_signed_seq) + " and up to " +
               std::to_string(seq) + " was changed and the chain after it recomputed");
      return;
    }
    if (key_ && !head_signature_valid(head, *key_)) {
      fail(seq, "bad signature",
           name +
               ": its signature does not verify with the given public key (a forged head,"
               " or a head signed by another key)");
      return;
    }
    ++verdict_.heads;
    verdict_.last_signed_seq = seq;
  }
}

bool AuditVerifier::feed(const AuditEntry& entry) {
  if (!verdict_.intact) return false;
  if (verdict_.entries == 0) verdict_.first_seq = entry.seq;
  if (entry.seq > expected_seq_) {
    fail(expected_seq_, "missing",
         "entries " + std::to_string(expected_seq_) +
             (entry.seq - 1 > expected_seq_ ? ".." + std::to_string(entry.seq - 1) : "") +
             " are missing: the log goes from " + std::to_string(expected_seq_ - 1) + " to " +
             std::to_string(entry.seq) + " (deleted)");
    return false;
  }
  if (entry.seq < expected_seq_) {
    fail(entry.seq, "reordered or inserted",
         describe_entry(entry) + " appears again after entry " + std::to_string(expected_seq_ - 1));
    return false;
  }
  if (entry.prev_hash != prev_stored_hash_) {
    fail(entry.seq, "reordered or inserted",
         describe_entry(entry) + " does not follow the entry before it (its previous hash " +
             short_hash(entry.prev_hash) + "... is not " + short_hash(prev_stored_hash_) +
             "...): moved, swapped or inserted");
    return false;
  }
  const std::string hash = chain_hash(prev_hash_, entry);
  if (hash != entry.hash) {
    fail(entry.seq, "edited",
         describe_entry(entry) + ": its contents no longer match its hash (" +
             short_hash(entry.hash) + "... stored, " + short_hash(hash) + "... computed)");
    return false;
  }
  ++verdict_.entries;
  verdict_.last_seq = entry.seq;
  verdict_.last_hash = hash;
  prev_hash_ = hash;
  prev_stored_hash_ = entry.hash;
  ++expected_seq_;
  check_heads_at(entry.seq, hash);
  return verdict_.intact;
}

void AuditVerifier::add_head(SignedHead head) {
  const int64_t fed = expected_seq_ - 1;
  if (head.seq < fed || (head.seq == fed && verdict_.entries == 0)) return;
  if (head.seq == fed) {
    heads_.insert(heads_.begin() + static_cast<std::ptrdiff_t>(next_head_), std::move(head));
    check_heads_at(fed, verdict_.last_hash);
    return;
  }
  auto at = std::upper_bound(heads_.begin() + static_cast<std::ptrdiff_t>(next_head_), heads_.end(),
                             head, [](const SignedHead& a, const SignedHead& b) {
                               return a.seq != b.seq ? a.seq < b.seq : a.id < b.id;
                             });
  heads_.insert(at, std::move(head));
}

AuditVerdict AuditVerifier::snapshot() const {
  AuditVerdict out = verdict_;
  if (out.intact && out.entries > 0) out.unsigned_tail = out.last_seq - out.last_signed_seq;
  return out;
}

AuditVerdict AuditVerifier::finish() {
  if (verdict_.intact && next_head_ < heads_.size()) {
    const SignedHead& head = heads_[next_head_];
    const int64_t end = expected_seq_ - 1;
    fail(end + 1, "truncated",
         "signed head " + std::to_string(head.id) + " covers the entries up to " +
             std::to_string(head.seq) + ", but the log ends at " + std::to_string(end) +
             ": entries " + std::to_string(end + 1) + ".." + std::to_string(head.seq) +
             " were removed");
  }
  if (verdict_.intact) verdict_.unsigned_tail = verdict_.last_seq - verdict_.last_signed_seq;
  if (verdict_.entries == 0) verdict_.unsigned_tail = 0;
  return verdict_;
}

}  // namespace nexus::desk
