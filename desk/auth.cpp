#include "desk/auth.hpp"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <mutex>

namespace nexus::desk {

void ensure_sodium() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) {
      std::fprintf(stderr, "nexus: libsodium could not be initialised\n");
      std::abort();
    }
  });
}

std::string password_problem(std::string_view user, std::string_view password) {
  if (password.size() < 12) return "a password needs at least 12 characters";
  if (password.size() > 1024) return "a password may have at most 1024 bytes";
  if (password == user) return "a password may not be the user's name";
  return "";
}

Result<std::string> hash_password(std::string_view password) {
  ensure_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return make_error("auth", "hashing a password ran out of memory");
  }
  return std::string(out);
}

bool verify_password(std::string_view phc, std::string_view password) {
  ensure_sodium();
  if (phc.empty() || phc.size() >= crypto_pwhash_STRBYTES) return false;
  const std::string terminated(phc);  // crypto_pwhash_str_verify reads a C string
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

std::string random_token(size_t bytes) {
  ensure_sodium();
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  const int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(bytes, variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                    raw.size(), variant);
  out.resize(std::char_traits<char>::length(out.c_str()));
  sodium_memzero(raw.data(), raw.size());
  return out;
}

std::string one_time_password() {
  ensure_sodium();
  static constexpr std::string_view kAlphabet =
      "abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY234679";
  std::string out;
  for (int i = 0; i < 20; ++i) {
    out.push_back(kAlphabet[randombytes_uniform(static_cast<uint32_t>(kAlphabet.size()))]);
  }
  return out;
}

std::string token_digest(std::string_view token) {
  ensure_sodium();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  ensure_sodium();
  if (a.size() != b.size()) return false;
  return a.empty() || sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

void LoginLimiter::expire(std::deque<int64_t>& failures, int64_t now_ms) const {
  while (!failures.empty() && failures.front() <= now_ms - window_ms_) failures.pop_front();
}

bool LoginLimiter::allowed(const std::string& key, int64_t now_ms) {
  auto found = failures_.find(key);
  if (found == failures_.end()) return true;
  expire(found->second, now_ms);
  if (found->second.empty()) {
    failures_.erase(found);
    return true;
  }
  return static_cast<int>(found->second.size()) < max_failures_;
}

void LoginLimiter::record_failure(const std::string& key, int64_t now_ms) {
  // A spray of names or addresses must not grow the table for ever: past 100,000 keys,
  // the ones whose failures have all left the window go.
  if (failures_.size() > 100'000) {
    for (auto it = failures_.begin(); it != failures_.end();) {
      expire(it->second, now_ms);
      it = it->second.empty() ? failures_.erase(it) : std::next(it);
    }
  }
  auto& failures = failures_[key];
  expire(failures, now_ms);
  failures.push_back(now_ms);
  // Bounded: only the last max_failures matter for the decision.
  while (static_cast<int>(failures.size()) > max_failures_) failures.pop_front();
}

int64_t LoginLimiter::retry_after_ms(const std::string& key, int64_t now_ms) {
  if (allowed(key, now_ms)) return 0;
  return failures_[key].front() + window_ms_ - now_ms;
}

}  // namespace nexus::desk
