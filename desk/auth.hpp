// The desk's credentials, on libsodium: passwords as Argon2id PHC strings
// (crypto_pwhash_str), random tokens for sessions, CSRF and machines (stored only as
// their SHA-256), one-time passwords for a first admin, and the login rate limit.
// No HTTP and no store here: the HTTP layer calls these and keeps the results in a
// DeskStore. Functions are thread-safe; LoginLimiter is not (guard it).
#pragma once

#include "base/result.hpp"

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>

namespace nexus::desk {

/// Initialises libsodium once; every function below calls it, so callers need not.
void ensure_sodium();

/// Why a new password is refused (empty when acceptable): at least 12 characters, at
/// most 1024 bytes, not the user's name.
std::string password_problem(std::string_view user, std::string_view password);

/// An Argon2id PHC string ("$argon2id$v=19$m=...") with a fresh salt; the cost is
/// libsodium's interactive level (64 MiB, 2 passes).
Result<std::string> hash_password(std::string_view password);

/// Whether `password` matches the PHC string; false for a malformed string.
bool verify_password(std::string_view phc, std::string_view password);

/// `bytes` random bytes as unpadded base64url (32 bytes: 43 characters).
std::string random_token(size_t bytes = 32);

/// A password a person can type once: 20 characters of an alphabet without look-alikes.
std::string one_time_password();

/// Lowercase hex SHA-256 of a token: what the store keeps instead of the token.
std::string token_digest(std::string_view token);

/// Equality that takes the same time wherever the strings first differ.
bool constant_time_equal(std::string_view a, std::string_view b);

/// Failed logins per key (a user name, a client address) in a sliding window. After
/// `max_failures` failures within `window_ms`, `allowed` says no until the oldest of them
/// leaves the window: the next attempt is refused without checking the password.
class LoginLimiter {
 public:
  explicit LoginLimiter(int max_failures = 10, int64_t window_ms = 60'000)
      : max_failures_(max_failures), window_ms_(window_ms) {}
  bool allowed(const std::string& key, int64_t now_ms);
  void record_failure(const std::string& key, int64_t now_ms);
  /// Milliseconds until `key` may try again (0 when it may now).
  int64_t retry_after_ms(const std::string& key, int64_t now_ms);

 private:
  void expire(std::deque<int64_t>& failures, int64_t now_ms) const;
  int max_failures_;
  int64_t window_ms_;
  std::map<std::string, std::deque<int64_t>> failures_;
};

}  // namespace nexus::desk
