#include "engine/transaction_decoder.hpp"

#include "engine/csv_mapping.hpp"

#include "base/civil_time.hpp"
#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/util/json_util.h>
#include <simdjson.h>

#include <cstring>
#include <mutex>

namespace nexus::engine {

namespace {

using nexus::v1::Party;
using nexus::v1::Transaction;

// protobuf logs (rather than returns) why a binary parse failed, e.g. invalid
// UTF-8 in a string field. Capture the last message per thread instead of
// letting it reach stderr once per bad record.
thread_local std::string t_last_protobuf_log;

void capture_protobuf_log(google::protobuf::LogLevel level, const char*, int,
                          const std::string& message) {
  if (level >= google::protobuf::LOGLEVEL_FATAL) {
    std::fprintf(stderr, "protobuf fatal: %s\n", message.c_str());
    return;
  }
  t_last_protobuf_log = message;
}

bool digits(std::string_view text, size_t pos, size_t count, int* out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  *out = value;
  return true;
}

enum class Key {
  kUnknown,
  kId,
  kEventTime,
  kAmountMinor,
  kCurrency,
  kChannel,
  kOriginator,
  kBeneficiary,
  kPurposeCode,
  kRemittanceInfo,
  kMerchantCategoryCode,
  kMerchantName,
  kDeviceId,
  kLocationId,
  kTimeZone,
};

Key transaction_key(std::string_view key) {
  struct Entry {
    std::string_view snake, camel;
    Key key;
  };
  static constexpr Entry kKeys[] = {
      {"id", "id", Key::kId},
      {"event_time", "eventTime", Key::kEventTime},
      {"amount_minor", "amountMinor", Key::kAmountMinor},
      {"currency", "currency", Key::kCurrency},
      {"channel", "channel", Key::kChannel},
      {"originator", "originator", Key::kOriginator},
      {"beneficiary", "beneficiary", Key::kBeneficiary},
      {"purpose_code", "purposeCode", Key::kPurposeCode},
      {"remittance_info", "remittanceInfo", Key::kRemittanceInfo},
      {"merchant_category_code", "merchantCategoryCode", Key::kMerchantCategoryCode},
      {"merchant_name", "merchantName", Key::kMerchantName},
      {"device_id", "deviceId", Key::kDeviceId},
      {"location_id", "locationId", Key::kLocationId},
      {"time_zone", "timeZone", Key::kTimeZone},
  };
  for (const auto& entry : kKeys) {
    if (key == entry.snake || key == entry.camel) return entry.key;
  }
  return Key::kUnknown;
}

using simdjson::dom::element;

bool read_string(element field, std::string* out) {
  std::string_view text;
  if (field.get_string().get(text)) return false;
  out->assign(text.data(), text.size());
  return true;
}

bool read_party(element field, Party* party) {
  simdjson::dom::object object;
  if (field.get_object().get(object)) return false;
  for (auto [key, inner] : object) {
    if (key == "account") {
      if (!read_string(inner, party->mutable_account())) return false;
    } else if (key == "name") {
      if (!read_string(inner, party->mutable_name())) return false;
    } else if (key == "country") {
      if (!read_string(inner, party->mutable_country())) return false;
    } else if (key == "address") {
      if (!read_string(inner, party->mutable_address())) return false;
    } else if (key == "phone") {
      if (!read_string(inner, party->mutable_phone())) return false;
    } else if (key == "email") {
      if (!read_string(inner, party->mutable_email())) return false;
    } else if (key == "date_of_birth" || key == "dateOfBirth") {
      if (!read_string(inner, party->mutable_date_of_birth())) return false;
    } else if (key == "national_id" || key == "nationalId") {
      if (!read_string(inner, party->mutable_national_id())) return false;
    } else if (key == "agent_bic" || key == "agentBic") {
      if (!read_string(inner, party->mutable_agent_bic())) return false;
    } else if (key == "type") {
      std::string_view name;
      if (inner.get_string().get(name)) return false;
      nexus::v1::PartyType type;
      if (!nexus::v1::PartyType_Parse(std::string(name), &type)) return false;
      party->set_type(type);
    } else {
      return false;
    }
  }
  return true;
}

// The fast path: true when every member was understood; false sends the record
// to protobuf's parser, which either accepts it or explains what is wrong.
// simdjson's DOM API dispatches at run time to the best kernel for this CPU.
bool fast_parse(simdjson::dom::parser& parser, const char* json, size_t length, Transaction* tx) {
  element doc;
  if (parser.parse(json, length, false).get(doc)) return false;
  simdjson::dom::object object;
  if (doc.get_object().get(object)) return false;
  for (auto [key, field] : object) {
    switch (transaction_key(key)) {
      case Key::kId:
        if (!read_string(field, tx->mutable_id())) return false;
        break;
      case Key::kEventTime: {
        std::string_view text;
        int64_t ms = 0;
        if (field.get_string().get(text) || !parse_rfc3339_ms(text, &ms)) return false;
        tx->mutable_event_time()->set_seconds(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
        tx->mutable_event_time()->set_nanos(static_cast<int32_t>(((ms % 1000) + 1000) % 1000) *
                                            1'000'000);
        break;
      }
      case Key::kAmountMinor: {
        int64_t amount = 0;
        if (field.is_int64()) {
          amount = field.get_int64().value_unsafe();
        } else if (field.is_string()) {
          std::string_view text = field.get_string().value_unsafe();
          if (text.empty() || text.size() > 18) return false;
          for (char c : text) {
            if (c < '0' || c > '9') return false;
            amount = amount * 10 + (c - '0');
          }
        } else {
          return false;
        }
        tx->set_amount_minor(amount);
        break;
      }
      case Key::kCurrency:
        if (!read_string(field, tx->mutable_currency())) return false;
        break;
      case Key::kChannel: {
        std::string_view name;
        if (field.get_string().get(name)) return false;
        nexus::v1::Channel channel;
        if (!nexus::v1::Channel_Parse(std::string(name), &channel)) return false;
        tx->set_channel(channel);
        break;
      }
      case Key::kOriginator:
        if (!read_party(field, tx->mutable_originator())) return false;
        break;
      case Key::kBeneficiary:
        if (!read_party(field, tx->mutable_beneficiary())) return false;
        break;
      case Key::kPurposeCode:
        if (!read_string(field, tx->mutable_purpose_code())) return false;
        break;
      case Key::kRemittanceInfo:
        if (!read_string(field, tx->mutable_remittance_info())) return false;
        break;
      case Key::kMerchantCategoryCode:
        if (!read_string(field, tx->mutable_merchant_category_code())) return false;
        break;
      case Key::kMerchantName:
        if (!read_string(field, tx->mutable_merchant_name())) return false;
        break;
      case Key::kDeviceId:
        if (!read_string(field, tx->mutable_device_id())) return false;
        break;
      case Key::kLocationId:
        if (!read_string(field, tx->mutable_location_id())) return false;
        break;
      case Key::kTimeZone:
        if (!read_string(field, tx->mutable_time_zone())) return false;
        break;
      case Key::kUnknown:
        return false;
    }
  }
  return true;
}

}  // namespace

struct TransactionDecoder::Impl {
  simdjson::dom::parser parser;
  std::string padded;  // copy of a JSON record with simdjson's padding
};

TransactionDecoder::TransactionDecoder() : impl_(std::make_unique<Impl>()) {
  static std::once_flag once;
  std::call_once(once, [] { google::protobuf::SetLogHandler(&capture_protobuf_log); });
}

TransactionDecoder::~TransactionDecoder() = default;

void TransactionDecoder::set_csv(std::shared_ptr<const CsvMapping> mapping, const FxTable* fx) {
  csv_ = std::move(mapping);
  csv_fx_ = fx;
}

DecodeStatus TransactionDecoder::decode(std::string_view bytes, InputFormat format,
                                        Transaction* out, int64_t ordinal) {
  out->Clear();
  if (bytes.size() > kMaxRecordBytes) {
    return {false, "oversize_record",
            "record is " + std::to_string(bytes.size()) + " bytes; the limit is " +
                std::to_string(kMaxRecordBytes)};
  }
  if (bytes.empty()) return {false, "empty_record", "record has no bytes"};
  if (format == InputFormat::kProtobuf) {
    t_last_protobuf_log.clear();
    if (out->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return {};
    if (t_last_protobuf_log.find("UTF-8") != std::string::npos) {
      return {false, "invalid_utf8", "a string field is not valid UTF-8"};
    }
    return {false, "undecodable", "not a nexus.v1.Transaction in protobuf binary form"};
  }
  if (!simdjson::validate_utf8(bytes.data(), bytes.size())) {
    return {false, "invalid_utf8", "record is not valid UTF-8"};
  }
  if (format == InputFormat::kCsv) {
    if (!csv_ || csv_fx_ == nullptr) {
      return {false, "csv_unmapped", "a CSV record arrived but no column mapping is configured"};
    }
    CsvMapping::RowError error;
    if (csv_->to_transaction(bytes, ordinal, *csv_fx_, out, &error)) return {};
    return {false, error.reason, error.detail};
  }
  impl_->padded.assign(bytes.data(), bytes.size());
  impl_->padded.append(simdjson::SIMDJSON_PADDING, ' ');
  if (fast_parse(impl_->parser, impl_->padded.data(), bytes.size(), out)) return {};
  ++json_fallbacks_;
  out->Clear();
  google::protobuf::util::JsonParseOptions options;
  auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(bytes.data(), bytes.size()), out, options);
  if (status.ok()) return {};
  return {false, "undecodable", std::string(status.message())};
}

bool parse_rfc3339_ms(std::string_view text, int64_t* epoch_ms) {
  int year, month, day, hour, minute, second;
  if (!digits(text, 0, 4, &year) || text.size() < 20 || text[4] != '-' ||
      !digits(text, 5, 2, &month) || text[7] != '-' || !digits(text, 8, 2, &day) ||
      (text[10] != 'T' && text[10] != 't') || !digits(text, 11, 2, &hour) || text[13] != ':' ||
      !digits(text, 14, 2, &minute) || text[16] != ':' || !digits(text, 17, 2, &second)) {
    return false;
  }
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1] || hour > 23 || minute > 59 ||
      second > 59) {
    return false;
  }
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && day == 29 && !leap) return false;
  size_t pos = 19;
  int64_t millis = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int scale = 100;
    size_t count = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (count < 3) millis += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
      ++count;
    }
    if (count == 0 || count > 9) return false;
  }
  int64_t offset_minutes = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int off_hour, off_minute;
    if (!digits(text, pos + 1, 2, &off_hour) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !digits(text, pos + 4, 2, &off_minute) || off_hour > 23 || off_minute > 59) {
      return false;
    }
    offset_minutes = (off_hour * 60 + off_minute) * (text[pos] == '+' ? 1 : -1);
    pos += 6;
  } else {
    return false;
  }
  if (pos != text.size()) return false;
  const int64_t days =
      days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
  *epoch_ms = seconds * 1000 + millis;
  return true;
}

std::string format_rfc3339_ms(int64_t epoch_ms) {
  int64_t seconds = epoch_ms >= 0 ? epoch_ms / 1000 : (epoch_ms - 999) / 1000;
  const int millis = static_cast<int>(epoch_ms - seconds * 1000);
  int64_t days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
  int64_t rem = seconds - days * 86400;
  // civil_from_days (H. Hinnant)
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  char buffer[96];
  if (millis) {
    std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03dZ",
                  static_cast<long long>(y + (m <= 2)), m, d, static_cast<long long>(rem / 3600),
                  static_cast<long long>(rem % 3600 / 60), static_cast<long long>(rem % 60),
                  millis);
  } else {
    std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ",
                  static_cast<long long>(y + (m <= 2)), m, d, static_cast<long long>(rem / 3600),
                  static_cast<long long>(rem % 3600 / 60), static_cast<long long>(rem % 60));
  }
  return buffer;
}

}  // namespace nexus::engine
