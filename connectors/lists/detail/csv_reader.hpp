// CsvReader: RFC 4180 records from a whole file in memory, lenient the way real
// list files need: CRLF or LF, a trailing DOS EOF byte (0x1A), quoted fields with
// embedded separators, newlines and doubled quotes. Not thread-safe (a cursor).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace nexus::lists::detail {

class CsvReader {
 public:
  CsvReader(std::string_view text, char separator) : text_(text), separator_(separator) {}

  /// Reads the next record into fields; false at end of input. line() is the
  /// 1-based line where that record started. Blank lines are skipped.
  bool next(std::vector<std::string>& fields);
  std::size_t line() const { return record_line_; }
  /// True when the last record ended inside an unterminated quoted field.
  bool unterminated_quote() const { return unterminated_; }

 private:
  std::string_view text_;
  char separator_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::size_t record_line_ = 0;
  bool unterminated_ = false;
};

/// Trims ASCII spaces/tabs; OFAC's "-0-" (usually "-0- ") becomes empty.
std::string clean_field(std::string_view field);

}  // namespace nexus::lists::detail
