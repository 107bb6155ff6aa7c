#include "connectors/lists/detail/csv_reader.hpp"

namespace nexus::lists::detail {

bool CsvReader::next(std::vector<std::string>& fields) {
  fields.clear();
  unterminated_ = false;
  // Skip blank lines and the DOS EOF byte.
  while (pos_ < text_.size() &&
         (text_[pos_] == '\r' || text_[pos_] == '\n' || text_[pos_] == '\x1a')) {
    if (text_[pos_] == '\n') ++line_;
    ++pos_;
  }
  if (pos_ >= text_.size()) return false;
  record_line_ = line_;
  std::string field;
  bool in_quotes = false;
  bool was_quoted = false;
  while (pos_ < text_.size()) {
    const char c = text_[pos_];
    if (in_quotes) {
      if (c == '"') {
        if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
          field.push_back('"');
          pos_ += 2;
          continue;
        }
        in_quotes = false;
        ++pos_;
        continue;
      }
      if (c == '\n') ++line_;
      field.push_back(c);
      ++pos_;
      continue;
    }
    if (c == '"' && (field.empty() || !was_quoted)) {
      // A quote opens a quoted section; text before it in the same field is kept
      // (lenient: spreadsheets emit ` "x"`).
      in_quotes = true;
      was_quoted = true;
      ++pos_;
      continue;
    }
    if (c == separator_) {
      fields.push_back(std::move(field));
      field.clear();
      was_quoted = false;
      ++pos_;
      continue;
    }
    if (c == '\r' || c == '\n' || c == '\x1a') break;
    field.push_back(c);
    ++pos_;
  }
  if (in_quotes) unterminated_ = true;
  fields.push_back(std::move(field));
  return true;
}

std::string clean_field(std::string_view field) {
  std::size_t b = 0, e = field.size();
  while (b < e && (field[b] == ' ' || field[b] == '\t')) ++b;
  while (e > b && (field[e - 1] == ' ' || field[e - 1] == '\t')) --e;
  std::string_view v = field.substr(b, e - b);
  if (v == "-0-") return {};
  return std::string(v);
}

}  // namespace nexus::lists::detail
