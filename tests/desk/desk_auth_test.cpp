// The desk's credentials: Argon2id passwords, tokens kept as digests, the login limit.
#include "desk/auth.hpp"
#include <gtest/gtest.h>

#include <set>

namespace nexus::desk {
namespace {

TEST(DeskAuth, APasswordVerifiesAgainstItsArgon2idHashAndNothingElseDoes) {
  const auto hash = hash_password("correct horse battery staple");
  ASSERT_TRUE(hash) << hash.error().message;
  EXPECT_EQ(hash.value().rfind("$argon2id$", 0), 0u) << hash.value();
  EXPECT_TRUE(verify_password(hash.value(), "correct horse battery staple"));
  EXPECT_FALSE(verify_password(hash.value(), "correct horse battery stapl"));
  EXPECT_FALSE(verify_password(hash.value(), ""));
  // A fresh salt each time: the same password never hashes to the same string.
  const auto again = hash_password("correct horse battery staple");
  ASSERT_TRUE(again);
  EXPECT_NE(again.value(), hash.value());
  EXPECT_TRUE(verify_password(again.value(), "correct horse battery staple"));
  // Whatever a damaged row holds is a failed check, not a crash.
  EXPECT_FALSE(verify_password("", "x"));
  EXPECT_FALSE(verify_password("$argon2id$garbage", "x"));
  EXPECT_FALSE(verify_password(std::string(500, '$'), "x"));
}

TEST(DeskAuth, WeakPasswordsAreRefusedWithTheReason) {
  EXPECT_EQ(password_problem("ana", "short"), "a password needs at least 12 characters");
  EXPECT_EQ(password_problem("ana.analyst1", "ana.analyst1"),
            "a password may not be the user's name");
  EXPECT_EQ(password_problem("ana", std::string(1025, 'x')),
            "a password may have at most 1024 bytes");
  EXPECT_EQ(password_problem("ana", "a long enough passphrase"), "");
}

TEST(DeskAuth, TokensAreRandomUrlSafeAndStoredOnlyAsTheirDigest) {
  std::set<std::string> tokens;
  for (int i = 0; i < 200; ++i) {
    const auto token = random_token();
    EXPECT_EQ(token.size(), 43u) << token;
    EXPECT_EQ(
        token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos)
        << token;
    tokens.insert(token);
  }
  EXPECT_EQ(tokens.size(), 200u);
  // SHA-256 of "abc" (FIPS 180-2 example).
  EXPECT_EQ(token_digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const auto token = random_token();
  EXPECT_EQ(token_digest(token), token_digest(token));
  EXPECT_EQ(token_digest(token).find(token), std::string::npos);
  const auto password = one_time_password();
  EXPECT_EQ(password.size(), 20u);
  EXPECT_EQ(password_problem("admin", password), "");
  EXPECT_NE(one_time_password(), password);
}

TEST(DeskAuth, ConstantTimeEqualIsEquality) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("csrf-token", "csrf-token"));
  EXPECT_FALSE(constant_time_equal("csrf-token", "csrf-tokem"));
  EXPECT_FALSE(constant_time_equal("csrf-token", "csrf-token "));
  EXPECT_FALSE(constant_time_equal("", "x"));
}

TEST(DeskAuth, TheEleventhFailureInAMinuteIsRefusedUntilTheOldestLeavesTheWindow) {
  LoginLimiter limiter(10, 60'000);
  const int64_t t0 = 1'000'000;
  for (int i = 0; i < 10; ++i) {
    EXPECT_TRUE(limiter.allowed("ana", t0 + i * 1'000)) << i;
    limiter.record_failure("ana", t0 + i * 1'000);
  }
  EXPECT_FALSE(limiter.allowed("ana", t0 + 10'000));
  EXPECT_EQ(limiter.retry_after_ms("ana", t0 + 10'000), 50'000);
  // Another key is not held back by ana's failures.
  EXPECT_TRUE(limiter.allowed("bob", t0 + 10'000));
  // A minute after the first failure it leaves the window: one more try.
  EXPECT_FALSE(limiter.allowed("ana", t0 + 59'999));
  EXPECT_TRUE(limiter.allowed("ana", t0 + 60'000));
  EXPECT_EQ(limiter.retry_after_ms("ana", t0 + 60'000), 0);
  limiter.record_failure("ana", t0 + 60'000);
  EXPECT_FALSE(limiter.allowed("ana", t0 + 60'500));
  // Long after, all is forgotten.
  EXPECT_TRUE(limiter.allowed("ana", t0 + 10 * 60'000));
}

}  // namespace
}  // namespace nexus::desk
