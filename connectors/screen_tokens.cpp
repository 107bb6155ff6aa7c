#include "connectors/screen_tokens.hpp"

#include "desk/auth.hpp"
#include <sys/stat.h>

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace nexus::connectors {

namespace {

bool is_hex_digest(const std::string& text) {
  if (text.size() != 64) return false;
  for (const char c : text) {
    if (!std::isxdigit(static_cast<unsigned char>(c)) ||
        std::isupper(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return true;
}

bool is_token_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (const char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string screen_scopes_problem(const std::string& scopes) {
  if (scopes.empty()) return "no scope: give match, search or match,search";
  std::istringstream in(scopes);
  std::string scope;
  while (std::getline(in, scope, ',')) {
    if (scope != "match" && scope != "search") {
      return "unknown scope '" + scope + "' (scopes: match, search)";
    }
  }
  return "";
}

Result<void> ScreenTokens::insert(std::string digest, const std::string& name,
                                  const std::string& scopes, const std::string& where) {
  if (!is_token_name(name)) {
    return make_error("tokens", where + "bad token name '" + name +
                                    "' (letters, digits, '.', '-', '_'; at most 64)");
  }
  if (const std::string problem = screen_scopes_problem(scopes); !problem.empty()) {
    return make_error("tokens", where + problem);
  }
  for (const auto& known : in_order_) {
    if (known.name == name)
      return make_error("tokens", where + "token name '" + name + "' given twice");
  }
  ScreenToken token;
  token.name = name;
  token.match = ("," + scopes + ",").find(",match,") != std::string::npos;
  token.search = ("," + scopes + ",").find(",search,") != std::string::npos;
  if (!by_digest_.emplace(std::move(digest), token).second) {
    return make_error("tokens", where + "the same token digest is given twice");
  }
  in_order_.push_back(token);
  return outcome::success();
}

Result<ScreenTokens> ScreenTokens::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return make_error("tokens", path +
                                    ": cannot read the tokens file (create one with: nexus "
                                    "screen-server token add NAME --tokens " +
                                    path + ")");
  }
  ScreenTokens tokens;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    std::istringstream fields(line);
    std::string name, scopes, digest, extra;
    fields >> name >> scopes >> digest >> extra;
    const std::string where = path + ":" + std::to_string(number) + ": ";
    if (digest.empty() || !extra.empty()) {
      return make_error("tokens", where + "expected 'NAME SCOPES SHA256HEX', three fields");
    }
    if (!is_hex_digest(digest)) {
      return make_error("tokens", where + "'" + digest +
                                      "' is not a SHA-256 in lowercase hex (64 characters); the "
                                      "file keeps digests, never tokens");
    }
    NEXUS_TRY(tokens.insert(std::move(digest), name, scopes, where));
  }
  return tokens;
}

Result<ScreenTokens> ScreenTokens::from_plain(
    const std::vector<std::tuple<std::string, std::string, std::string>>& plain) {
  ScreenTokens tokens;
  for (const auto& [name, scopes, token] : plain) {
    NEXUS_TRY(tokens.insert(desk::token_digest(token), name, scopes, ""));
  }
  return tokens;
}

const ScreenToken* ScreenTokens::find(std::string_view presented) const {
  if (presented.empty()) return nullptr;
  // The map is keyed by digest: looking one up tells a caller nothing about the tokens,
  // whose digests cannot be chosen.
  const auto found = by_digest_.find(desk::token_digest(presented));
  return found == by_digest_.end() ? nullptr : &found->second;
}

Result<std::string> ScreenTokens::add(const std::string& path, const std::string& name,
                                      const std::string& scopes) {
  ScreenTokens existing;
  std::error_code ec;
  const bool exists = std::filesystem::exists(path, ec);
  if (exists) {
    NEXUS_TRY(loaded, load(path));
    existing = std::move(loaded);
  }
  std::string token = desk::random_token();
  NEXUS_TRY(existing.insert(desk::token_digest(token), name, scopes, path + ": "));
  if (!exists) {
    // Created private: the digests are not secrets, but who may call is nobody else's business.
    std::ofstream create(path);
    if (!create) return make_error("tokens", path + ": cannot create the tokens file");
    create << "# nexus screen-server API tokens: NAME SCOPES SHA256HEX (one a line)\n";
    create.close();
    if (::chmod(path.c_str(), 0600) != 0) {
      return make_error("tokens", path + ": cannot make the tokens file private (chmod 600)");
    }
  }
  std::ofstream out(path, std::ios::app);
  out << name << " " << scopes << " " << desk::token_digest(token) << "\n";
  out.close();
  if (!out) return make_error("tokens", path + ": cannot write the tokens file");
  return token;
}

}  // namespace nexus::connectors
