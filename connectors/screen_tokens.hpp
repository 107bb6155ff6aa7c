// ScreenTokens: the API tokens of `nexus screen-server`, read from a tokens file that holds
// only their SHA-256 (the desk's scheme, desk/auth.hpp: a 32-byte random token as base64url,
// stored as lowercase hex SHA-256). One token a line:
//
//   # name   scopes         sha256 of the token
//   marble   match,search   9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
//
// Scopes: `match` (POST /match/{dataset}), `search` (GET /search/{dataset}, GET
// /entities/{id}). Immutable after load: any thread may call find().
#pragma once

#include "base/result.hpp"

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace nexus::connectors {

/// What a token may do.
enum class ScreenScope { kMatch, kSearch };

struct ScreenToken {
  std::string name;
  bool match = false;   // may call POST /match
  bool search = false;  // may call GET /search and GET /entities
  bool allows(ScreenScope scope) const { return scope == ScreenScope::kMatch ? match : search; }
};

class ScreenTokens {
 public:
  /// Reads a tokens file. Errors ("tokens"): a file that cannot be read, or a line that is
  /// not `NAME SCOPES SHA256HEX` (named as file:line with what is wrong), an unknown scope,
  /// a name or digest given twice.
  static Result<ScreenTokens> load(const std::string& path);
  /// From (token name, scopes "match,search", plain token) triples, for tests and benches.
  static Result<ScreenTokens> from_plain(
      const std::vector<std::tuple<std::string, std::string, std::string>>& tokens);

  /// The token whose SHA-256 the presented token has, or null. Cost: one SHA-256.
  const ScreenToken* find(std::string_view presented) const;
  std::size_t size() const { return by_digest_.size(); }
  /// The tokens in file order (names and scopes; the file holds no tokens).
  const std::vector<ScreenToken>& tokens() const { return in_order_; }

  /// Appends a new token called `name` with `scopes` to the tokens file (created with mode
  /// 0600 when absent) and returns the plain token, which is not stored anywhere. Errors
  /// ("tokens"): a bad name (letters, digits, `.-_`, at most 64) or scope list, a name that
  /// is already there, a file that cannot be read or written.
  static Result<std::string> add(const std::string& path, const std::string& name,
                                 const std::string& scopes);

 private:
  Result<void> insert(std::string digest, const std::string& name, const std::string& scopes,
                      const std::string& where);
  std::unordered_map<std::string, ScreenToken> by_digest_;
  std::vector<ScreenToken> in_order_;
};

/// Why a scope list such as "match,search" is refused, or "" when it is fine.
std::string screen_scopes_problem(const std::string& scopes);

}  // namespace nexus::connectors
