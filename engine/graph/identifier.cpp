#include "engine/graph/identifier.hpp"

#include <array>
#include <cctype>
#include <utility>

namespace nexus::graph {

namespace {

bool is_ascii_alnum(unsigned char c) { return c < 0x80 && std::isalnum(c); }

/// Upper-cases ASCII, turns ASCII punctuation and spaces into single spaces, trims.
std::string collapse_upper(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  bool pending_space = false;
  for (unsigned char c : raw) {
    if (c < 0x80 && !std::isalnum(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c < 0x80 ? static_cast<char>(std::toupper(c)) : static_cast<char>(c));
  }
  return out;
}

std::string with_kind(IdentifierKind kind, const std::string& value) {
  std::string out(identifier_kind_name(kind));
  out.push_back(':');
  out += value;
  return out;
}

}  // namespace

std::string_view identifier_kind_name(IdentifierKind kind) {
  switch (kind) {
    case IdentifierKind::kPhone:
      return "phone";
    case IdentifierKind::kEmail:
      return "email";
    case IdentifierKind::kAddress:
      return "address";
    case IdentifierKind::kDevice:
      return "device";
    case IdentifierKind::kNationalId:
      return "national_id";
  }
  return "unknown";
}

std::string normalize_name(std::string_view raw) { return collapse_upper(raw); }

std::string normalize_identifier(IdentifierKind kind, std::string_view raw) {
  std::string value;
  switch (kind) {
    case IdentifierKind::kPhone: {
      for (unsigned char c : raw) {
        if (c >= '0' && c <= '9') value.push_back(static_cast<char>(c));
      }
      if (value.rfind("00", 0) == 0) value.erase(0, 2);
      if (value.size() < 7) return "";
      break;
    }
    case IdentifierKind::kEmail: {
      size_t begin = 0, end = raw.size();
      while (begin < end && std::isspace(static_cast<unsigned char>(raw[begin]))) ++begin;
      while (end > begin && std::isspace(static_cast<unsigned char>(raw[end - 1]))) --end;
      for (size_t i = begin; i < end; ++i) {
        const unsigned char c = static_cast<unsigned char>(raw[i]);
        value.push_back(c < 0x80 ? static_cast<char>(std::tolower(c)) : static_cast<char>(c));
      }
      const size_t at = value.rfind('@');
      if (at == std::string::npos || at == 0 || at + 1 == value.size()) return "";
      std::string local = value.substr(0, at);
      const std::string domain = value.substr(at + 1);
      if (const size_t plus = local.find('+'); plus != std::string::npos) local.resize(plus);
      if (domain == "gmail.com" || domain == "googlemail.com") {
        std::erase(local, '.');
      }
      if (local.empty()) return "";
      value = local + "@" + (domain == "googlemail.com" ? std::string("gmail.com") : domain);
      break;
    }
    case IdentifierKind::kAddress: {
      // USPS Publication 28 suffix abbreviations, the few that vary most in practice.
      static constexpr std::array<std::pair<std::string_view, std::string_view>, 10> kWords{{
          {"STREET", "ST"},
          {"ROAD", "RD"},
          {"AVENUE", "AVE"},
          {"BOULEVARD", "BLVD"},
          {"DRIVE", "DR"},
          {"LANE", "LN"},
          {"COURT", "CT"},
          {"PLACE", "PL"},
          {"APARTMENT", "APT"},
          {"SUITE", "STE"},
      }};
      const std::string collapsed = collapse_upper(raw);
      size_t start = 0;
      while (start <= collapsed.size()) {
        size_t stop = collapsed.find(' ', start);
        if (stop == std::string::npos) stop = collapsed.size();
        std::string_view word(collapsed.data() + start, stop - start);
        for (const auto& [from, to] : kWords) {
          if (word == from) {
            word = to;
            break;
          }
        }
        if (!value.empty()) value.push_back(' ');
        value += word;
        start = stop + 1;
      }
      if (value.size() < 6) return "";
      break;
    }
    case IdentifierKind::kDevice:
    case IdentifierKind::kNationalId: {
      const bool upper = kind == IdentifierKind::kNationalId;
      for (unsigned char c : raw) {
        if (c >= 0x80) {
          value.push_back(static_cast<char>(c));
        } else if (is_ascii_alnum(c)) {
          value.push_back(static_cast<char>(upper ? std::toupper(c) : std::tolower(c)));
        }
      }
      if (value.size() < (upper ? 4u : 6u)) return "";
      break;
    }
  }
  return with_kind(kind, value);
}

}  // namespace nexus::graph
