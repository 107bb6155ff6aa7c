#include "engine/csv_mapping.hpp"

#include "engine/transaction_decoder.hpp"

#include "base/civil_time.hpp"
#include <google/protobuf/descriptor.h>
#include <google/protobuf/reflection.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace nexus::engine {

namespace {

using google::protobuf::FieldDescriptor;

bool is_special(const std::string& field) {
  return field == "id" || field == "event_time" || field == "amount" || field == "currency";
}

std::string trim(std::string_view text) {
  const size_t begin = text.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  const size_t end = text.find_last_not_of(" \t\r");
  return std::string(text.substr(begin, end - begin + 1));
}

// Exact decimal "1234.56" (optional sign, optional fraction) to minor units with `digits`
// decimals; more fraction digits than the currency has are refused, not rounded.
bool parse_minor(std::string_view text, int digits, bool round, int64_t* out) {
  if (text.empty()) return false;
  bool negative = false;
  if (text.front() == '-' || text.front() == '+') {
    negative = text.front() == '-';
    text.remove_prefix(1);
  }
  const size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  while (static_cast<int>(fraction.size()) > digits && fraction.back() == '0') {
    fraction.remove_suffix(1);
  }
  if (whole.empty() && fraction.empty()) return false;
  // Rounding (half away from zero) only when the mapping asks for it.
  bool round_up = false;
  if (static_cast<int>(fraction.size()) > digits) {
    if (!round) return false;
    const char next = fraction[static_cast<size_t>(digits)];
    if (!std::isdigit(static_cast<unsigned char>(next))) return false;
    round_up = next >= '5';
    fraction = fraction.substr(0, static_cast<size_t>(digits));
  }
  int64_t value = 0;
  for (const char c : whole) {
    if (!std::isdigit(static_cast<unsigned char>(c)) || value > (INT64_MAX - 9) / 10) return false;
    value = value * 10 + (c - '0');
  }
  for (int i = 0; i < digits; ++i) {
    const char c = i < static_cast<int>(fraction.size()) ? fraction[static_cast<size_t>(i)] : '0';
    if (!std::isdigit(static_cast<unsigned char>(c)) || value > (INT64_MAX - 9) / 10) return false;
    value = value * 10 + (c - '0');
  }
  if (round_up) ++value;
  *out = negative ? -value : value;
  return true;
}

}  // namespace

bool split_csv_line(std::string_view line, char delimiter, std::vector<std::string_view>* fields,
                    std::string* scratch) {
  fields->clear();
  scratch->clear();
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  // Quoted fields are unescaped into `scratch`; reserve so views into it stay valid.
  scratch->reserve(line.size());
  size_t i = 0;
  while (true) {
    if (i < line.size() && line[i] == '"') {
      const size_t start = scratch->size();
      ++i;
      while (true) {
        if (i >= line.size()) return false;  // quote left open
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            scratch->push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        scratch->push_back(line[i++]);
      }
      fields->push_back(std::string_view(scratch->data() + start, scratch->size() - start));
      if (i < line.size() && line[i] != delimiter) return false;  // text after the quote
    } else {
      const size_t end = std::min(line.find(delimiter, i), line.size());
      fields->push_back(line.substr(i, end - i));
      i = end;
    }
    if (i >= line.size()) return true;
    ++i;  // the delimiter
    if (i == line.size()) {
      fields->push_back(std::string_view());
      return true;
    }
  }
}

bool parse_time_with_format(std::string_view text, std::string_view format, int64_t* epoch_ms) {
  if (format == "rfc3339") return parse_rfc3339_ms(text, epoch_ms);
  if (format.rfind("days_since:", 0) == 0) {
    // A simulation step in days (AMLSim), counted from the given date.
    int64_t origin = 0, day = 0;
    if (!parse_time_with_format(format.substr(11), "%Y-%m-%d", &origin)) return false;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), day);
    if (ec != std::errc() || end != text.data() + text.size()) return false;
    *epoch_ms = origin + day * 86'400'000;
    return true;
  }
  if (format == "unix_s" || format == "unix_ms") {
    int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) return false;
    *epoch_ms = format == "unix_s" ? value * 1000 : value;
    return true;
  }
  int64_t parts[6] = {1970, 1, 1, 0, 0, 0};  // Y m d H M S
  size_t at = 0;
  for (size_t f = 0; f < format.size(); ++f) {
    if (format[f] == '%' && f + 1 < format.size()) {
      const char spec = format[++f];
      const std::string_view specs = "YmdHMS";
      const size_t index = specs.find(spec);
      if (index == std::string_view::npos) return false;
      const size_t max_digits = spec == 'Y' ? 4 : 2;
      size_t digits = 0;
      int64_t value = 0;
      while (at < text.size() && digits < max_digits &&
             std::isdigit(static_cast<unsigned char>(text[at]))) {
        value = value * 10 + (text[at++] - '0');
        ++digits;
      }
      if (digits == 0) return false;
      parts[index] = value;
    } else {
      if (at >= text.size() || text[at] != format[f]) return false;
      ++at;
    }
  }
  if (at != text.size()) return false;
  if (parts[1] < 1 || parts[1] > 12 || parts[2] < 1 || parts[2] > 31 || parts[3] > 23 ||
      parts[4] > 59 || parts[5] > 60) {
    return false;
  }
  const int64_t days =
      days_from_civil(parts[0], static_cast<unsigned>(parts[1]), static_cast<unsigned>(parts[2]));
  *epoch_ms = ((days * 24 + parts[3]) * 60 + parts[4]) * 60'000 + parts[5] * 1000;
  return true;
}

Result<void> CsvMapping::bind(std::string_view header_line, size_t column_count) {
  columns.clear();
  if (header) {
    std::vector<std::string_view> fields;
    std::string scratch;
    if (!split_csv_line(header_line, delimiter, &fields, &scratch)) {
      return make_error("csv_mapping", "the header line is not valid CSV");
    }
    for (const auto& field : fields) columns.push_back(trim(field));
    // A UTF-8 byte order mark on the first name is not part of it.
    if (!columns.empty() && columns[0].rfind("\xEF\xBB\xBF", 0) == 0) columns[0].erase(0, 3);
    bound_columns_ = columns.size();
  } else {
    bound_columns_ = column_count;
  }
  std::string names;
  for (const auto& column : columns) names += (names.empty() ? "" : ", ") + column;
  const auto* descriptor = nexus::v1::Transaction::descriptor();
  bool has_time = false, has_amount = false, has_currency = false;
  for (auto& target : targets) {
    has_time |= target.field == "event_time";
    has_amount |= target.field == "amount";
    has_currency |= target.field == "currency";
    target.pieces.clear();
    target.path.clear();
    // Parse the template: literal text and {Column}, {Column#2} (second column of that
    // name) or {#3} (third column).
    const std::string& text = target.text;
    size_t i = 0;
    while (i < text.size()) {
      const size_t open = text.find('{', i);
      if (open == std::string::npos) {
        target.pieces.push_back({text.substr(i), -1});
        break;
      }
      if (open > i) target.pieces.push_back({text.substr(i, open - i), -1});
      const size_t close = text.find('}', open);
      if (close == std::string::npos) {
        return make_error("csv_mapping", target.field + ": '{' without '}' in '" + text + "'");
      }
      std::string column_name = text.substr(open + 1, close - open - 1);
      int occurrence = 1;
      int column = -1;
      const size_t hash = column_name.rfind('#');
      if (hash != std::string::npos) {
        try {
          occurrence = std::stoi(column_name.substr(hash + 1));
        } catch (const std::exception&) {
          return make_error("csv_mapping",
                            target.field + ": bad position in '{" + column_name + "}'");
        }
        column_name.erase(hash);
      }
      if (column_name.empty()) {
        column = occurrence - 1;  // {#3}: by position
        if (column < 0 || (bound_columns_ > 0 && static_cast<size_t>(column) >= bound_columns_)) {
          return make_error("csv_mapping", target.field + ": column #" +
                                               std::to_string(occurrence) + " does not exist (" +
                                               std::to_string(bound_columns_) + " columns)");
        }
      } else {
        int seen = 0;
        for (size_t c = 0; c < columns.size(); ++c) {
          if (columns[c] == column_name && ++seen == occurrence) column = static_cast<int>(c);
        }
        if (column < 0) {
          return make_error("csv_mapping", target.field + ": no column '" + column_name + "'" +
                                               (occurrence > 1 ? " #" + std::to_string(occurrence)
                                                               : std::string()) +
                                               " in the header (columns: " + names + ")");
        }
      }
      target.pieces.push_back({std::string(), column});
      i = close + 1;
    }
    if (is_special(target.field)) continue;
    // A plain field of Transaction, by path.
    const auto* message = descriptor;
    size_t start = 0;
    while (true) {
      const size_t dot = target.field.find('.', start);
      const std::string part = target.field.substr(start, dot - start);
      const FieldDescriptor* field = message ? message->FindFieldByName(part) : nullptr;
      if (field == nullptr || field->is_repeated()) {
        return make_error("csv_mapping", "'" + target.field + "' is not a field of a transaction");
      }
      target.path.push_back(field);
      if (dot == std::string::npos) {
        if (field->cpp_type() != FieldDescriptor::CPPTYPE_STRING &&
            field->cpp_type() != FieldDescriptor::CPPTYPE_ENUM) {
          return make_error("csv_mapping", "'" + target.field + "' cannot be mapped from text");
        }
        break;
      }
      if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
        return make_error("csv_mapping", "'" + target.field + "' is not a field of a transaction");
      }
      message = field->message_type();
      start = dot + 1;
    }
  }
  if (!has_time || !has_amount || !has_currency) {
    return make_error("csv_mapping",
                      "a mapping needs event_time, amount and currency (and usually "
                      "originator.account and beneficiary.account)");
  }
  return outcome::success();
}

bool CsvMapping::to_transaction(std::string_view line, int64_t ordinal, const FxTable& fx,
                                nexus::v1::Transaction* out, RowError* error) const {
  thread_local std::vector<std::string_view> fields;
  thread_local std::string scratch;
  out->Clear();
  if (!split_csv_line(line, delimiter, &fields, &scratch)) {
    *error = {"csv_malformed", "a quoted field is not closed or is followed by text"};
    return false;
  }
  if (fields.size() != bound_columns_) {
    *error = {"csv_malformed", "expected " + std::to_string(bound_columns_) + " columns, found " +
                                   std::to_string(fields.size())};
    return false;
  }
  std::string currency, amount;
  bool has_id = false;
  for (const auto& target : targets) {
    std::string value;
    for (const auto& piece : target.pieces) {
      if (piece.column < 0) {
        value += piece.literal;
      } else {
        value += trim(fields[static_cast<size_t>(piece.column)]);
      }
    }
    if (!target.values.empty()) {
      auto found = target.values.find(value);
      if (found == target.values.end()) found = target.values.find("*");
      if (found == target.values.end()) {
        *error = {"csv_unknown_value",
                  target.field + ": '" + value + "' is not in the mapping's values"};
        return false;
      }
      value = found->second;
    }
    if (value.empty()) {
      if (target.required || target.field == "event_time" || target.field == "amount" ||
          target.field == "currency") {
        *error = {"csv_malformed", target.field + " is empty"};
        return false;
      }
      continue;
    }
    if (target.field == "id") {
      out->set_id(value);
      has_id = true;
    } else if (target.field == "event_time") {
      int64_t ms = 0;
      if (!parse_time_with_format(value, time_format, &ms)) {
        *error = {"csv_bad_time", "'" + value + "' does not match the time format " + time_format};
        return false;
      }
      out->mutable_event_time()->set_seconds(ms / 1000 - (ms % 1000 < 0 ? 1 : 0));
      out->mutable_event_time()->set_nanos(static_cast<int32_t>(((ms % 1000) + 1000) % 1000) *
                                           1'000'000);
    } else if (target.field == "amount") {
      amount = value;
    } else if (target.field == "currency") {
      currency = value;
    } else {
      google::protobuf::Message* message = out;
      for (size_t i = 0; i + 1 < target.path.size(); ++i) {
        message = message->GetReflection()->MutableMessage(message, target.path[i]);
      }
      const FieldDescriptor* leaf = target.path.back();
      if (leaf->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
        message->GetReflection()->SetString(message, leaf, value);
      } else {
        // Enums: the full name (CHANNEL_WIRE) or the short one rules use (wire).
        const auto* type = leaf->enum_type();
        std::string upper = value;
        for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        const auto* found = type->FindValueByName(upper);
        if (found == nullptr && type->value_count() > 0) {
          std::string prefix = type->value(0)->name();
          prefix.erase(prefix.rfind('_') + 1);  // "CHANNEL_UNSPECIFIED" -> "CHANNEL_"
          found = type->FindValueByName(prefix + upper);
        }
        if (found == nullptr) {
          *error = {"csv_unknown_value",
                    target.field + ": '" + value + "' is not a value of " + type->name()};
          return false;
        }
        message->GetReflection()->SetEnumValue(message, leaf, found->number());
      }
    }
  }
  if (!has_id) out->set_id(id_prefix + std::to_string(ordinal));
  const FxTable::Currency* found = fx.find(currency);
  if (found == nullptr) {
    *error = {"unknown_currency", "currency '" + currency + "' is not in the FX table"};
    return false;
  }
  out->set_currency(currency);
  int64_t minor = 0;
  if (!parse_minor(amount, found->minor_digits, round_amounts, &minor)) {
    *error = {"csv_bad_amount", "'" + amount + "' is not an amount in " + currency + " (" +
                                    std::to_string(found->minor_digits) + " decimals)"};
    return false;
  }
  out->set_amount_minor(minor);
  return true;
}

}  // namespace nexus::engine
