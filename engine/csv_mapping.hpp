// CsvMapping: how the columns of a CSV file become a nexus.v1.Transaction, so
// data nobody here wrote (the IBM AML benchmark, AMLSim, bank exports) runs
// through the same engine. Each target field is a template over the row's
// columns ("{From Bank}:{Account}", "{#3}" by 1-based position), optionally
// translated through a value map ("US Dollar" -> "USD", "Wire" -> "wire").
// Built by connectors/csv_mapping_loader (YAML or a preset), bound to a header,
// then immutable and used by TransactionDecoder for InputFormat::kCsv.
#pragma once

#include "engine/fx_table.hpp"
#include "nexus/v1/transaction.pb.h"

#include "base/result.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace google::protobuf {
class FieldDescriptor;
}

namespace nexus::engine {

/// Splits one CSV line (RFC 4180 quoting: "a,b" and "" inside quotes); false when a
/// quote is left open.
bool split_csv_line(std::string_view line, char delimiter, std::vector<std::string_view>* fields,
                    std::string* scratch);

struct CsvMapping {
  struct Target {
    std::string
        field;  // "id", "event_time", "amount", "currency", "channel", "originator.account", ...
    std::string text;                           // the template as written
    std::map<std::string, std::string> values;  // optional translation of the rendered value
    bool required = false;                      // an empty result refuses the row
    // Bound form: literal pieces and column indexes, alternating (column -1 = literal).
    struct Piece {
      std::string literal;
      int column = -1;
    };
    std::vector<Piece> pieces;
    std::vector<const google::protobuf::FieldDescriptor*> path;  // for plain message fields
  };

  std::string name;
  char delimiter = ',';
  bool header = true;
  /// Lines starting with one of these are not records (block markers, comments).
  std::vector<std::string> skip_prefixes;
  /// event_time format: "rfc3339", "unix_s", "unix_ms", "days_since:YYYY-MM-DD" (a day
  /// number, e.g. a simulation step), or a strptime-like pattern of
  /// %Y %m %d %H %M %S and literal characters (UTC), e.g. "%Y/%m/%d %H:%M".
  std::string time_format = "rfc3339";
  /// More decimals than the currency has (e.g. yen with cents) are refused
  /// ("csv_bad_amount") unless this is set; then they are rounded half away from zero.
  bool round_amounts = false;
  /// Rows without an id target get "<id_prefix><ordinal>".
  std::string id_prefix = "row-";
  std::vector<Target> targets;
  std::vector<std::string> columns;  // the header's names (after bind)

  /// Resolves column names in the templates against `header_line` (or, without a
  /// header, checks positions against `column_count`). Errors name the template and
  /// list the columns found.
  Result<void> bind(std::string_view header_line, size_t column_count = 0);

  /// Fills `*out` from one data line. Errors are reasons for the dead-letter topic:
  /// "csv_malformed" (quoting, column count), "csv_bad_time", "csv_bad_amount",
  /// "csv_unknown_value" (a value outside a value map), "unknown_currency".
  struct RowError {
    std::string reason;
    std::string detail;
  };
  bool to_transaction(std::string_view line, int64_t ordinal, const FxTable& fx,
                      nexus::v1::Transaction* out, RowError* error) const;

  size_t column_count() const { return bound_columns_; }

 private:
  size_t bound_columns_ = 0;
};

/// Parses `text` in `format` (see CsvMapping::time_format) to epoch milliseconds, UTC.
bool parse_time_with_format(std::string_view text, std::string_view format, int64_t* epoch_ms);

}  // namespace nexus::engine
