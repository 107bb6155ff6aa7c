// Desk users and their API tokens, as rows. Hashing is the caller's: the store keeps the
// strings it is given (an Argon2id PHC string, a token's SHA-256). Plain values.
#pragma once

#include "desk/roles.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace nexus::desk {

enum class TokenId : int64_t {};

struct User {
  std::string name;  // unique
  Role role = Role::kAnalyst;
  std::string password_hash;
  bool disabled = false;
  int64_t created_ms = 0;
};

struct ApiToken {
  TokenId id{};
  std::string user;
  std::string token_hash;  // unique; never the token itself
  std::string label;
  int64_t created_ms = 0;
  std::optional<int64_t> expires_ms;
  bool revoked = false;
};

}  // namespace nexus::desk
