#include "engine/graph/pattern_listing.hpp"

#include "base/civil_time.hpp"

#include <charconv>
#include <fstream>
#include <sstream>

namespace nexus::graph {

namespace {

constexpr std::string_view kBegin = "BEGIN LAUNDERING ATTEMPT - ";
constexpr std::string_view kEnd = "END LAUNDERING ATTEMPT";

bool parse_int(std::string_view text, int64_t* out) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return error == std::errc() && end == text.data() + text.size();
}

/// "2022/09/01 00:06" -> ms since the epoch, UTC.
bool parse_time(std::string_view text, int64_t* out) {
  int64_t year = 0, month = 0, day = 0, hour = 0, minute = 0;
  if (text.size() != 16 || text[4] != '/' || text[7] != '/' || text[10] != ' ' || text[13] != ':' ||
      !parse_int(text.substr(0, 4), &year) || !parse_int(text.substr(5, 2), &month) ||
      !parse_int(text.substr(8, 2), &day) || !parse_int(text.substr(11, 2), &hour) ||
      !parse_int(text.substr(14, 2), &minute) || month < 1 || month > 12 || day < 1 || day > 31 ||
      hour > 23 || minute > 59) {
    return false;
  }
  *out = ((days_from_civil(year, month, day) * 24 + hour) * 60 + minute) * 60'000;
  return true;
}

bool parse_amount(std::string_view text, double* out) {
  // std::from_chars for double is in GCC 11+; the values are plain decimals.
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return error == std::errc() && end == text.data() + text.size();
}

bool parse_row(std::string_view line, PatternTransaction* out) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    fields.push_back(
        line.substr(start, comma == std::string_view::npos ? line.npos : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (fields.size() != 11) return false;
  out->from_bank = fields[1];
  out->from_account = fields[2];
  out->to_bank = fields[3];
  out->to_account = fields[4];
  out->receiving_currency = fields[6];
  out->payment_currency = fields[8];
  out->payment_format = fields[9];
  out->laundering = fields[10] == "1";
  return parse_time(fields[0], &out->time_ms) && parse_amount(fields[5], &out->amount_received) &&
         parse_amount(fields[7], &out->amount_paid) && !out->from_account.empty() &&
         !out->to_account.empty() && (fields[10] == "0" || fields[10] == "1");
}

Error listing_error(size_t line, const std::string& what) {
  return make_error("pattern_listing", std::to_string(line) + ": " + what);
}

}  // namespace

Result<std::vector<LaunderingAttempt>> parse_pattern_listing(std::string_view text) {
  std::vector<LaunderingAttempt> out;
  bool open = false;
  size_t line_number = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t stop = text.find('\n', start);
    if (stop == std::string_view::npos) stop = text.size();
    std::string_view line = text.substr(start, stop - start);
    start = stop + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (line.substr(0, kBegin.size()) == kBegin) {
      if (open) return listing_error(line_number, "BEGIN inside an attempt");
      std::string_view header = line.substr(kBegin.size());
      LaunderingAttempt attempt;
      attempt.line = line_number;
      const size_t colon = header.find(':');
      attempt.family = std::string(header.substr(0, colon));
      if (colon != std::string_view::npos) {
        std::string_view parameters = header.substr(colon + 1);
        while (!parameters.empty() && parameters.front() == ' ') parameters.remove_prefix(1);
        attempt.parameters = std::string(parameters);
      }
      out.push_back(std::move(attempt));
      open = true;
    } else if (line.substr(0, kEnd.size()) == kEnd) {
      if (!open) return listing_error(line_number, "END outside an attempt");
      open = false;
    } else {
      if (!open) return listing_error(line_number, "transaction row outside an attempt");
      PatternTransaction row;
      if (!parse_row(line, &row)) {
        return listing_error(line_number, "malformed row (want 11 comma-separated fields)");
      }
      out.back().transactions.push_back(std::move(row));
    }
  }
  if (open) return listing_error(line_number, "attempt not closed by END");
  return out;
}

Result<std::vector<LaunderingAttempt>> read_pattern_listing(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return make_error("io", "cannot read " + path.string());
  std::ostringstream text;
  text << file.rdbuf();
  auto parsed = parse_pattern_listing(text.str());
  if (!parsed) {
    return make_error(parsed.error().code, path.string() + ":" + parsed.error().message);
  }
  return parsed;
}

}  // namespace nexus::graph
