// TransactionDecoder: turns the bytes of one input record into a
// nexus.v1.Transaction. Two wire forms: protobuf binary (Kafka's default) and
// protobuf's JSON mapping (one NDJSON line). JSON takes a simdjson fast path
// for the fields Nexus defines and falls back to protobuf's own JSON parser
// for anything unusual, so the accepted language is exactly protobuf's while
// the common case runs at simdjson speed. One instance per thread.
#pragma once

#include "nexus/v1/transaction.pb.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace nexus::engine {

/// kCsv: one line of a CSV file, read through the CsvMapping given to set_csv().
enum class InputFormat { kProtobuf, kNdjson, kCsv };

struct CsvMapping;
class FxTable;

/// Why a record could not be decoded; `reason` is a stable code for counters and
/// the dead-letter topic, `detail` a plain message.
struct DecodeStatus {
  bool ok = true;
  std::string reason;
  std::string detail;
};

class TransactionDecoder {
 public:
  TransactionDecoder();
  ~TransactionDecoder();
  TransactionDecoder(const TransactionDecoder&) = delete;
  TransactionDecoder& operator=(const TransactionDecoder&) = delete;

  /// Decodes `bytes` into `*out` (cleared first). Never throws. `ordinal` (the record's
  /// offset) names CSV rows that have no id column.
  DecodeStatus decode(std::string_view bytes, InputFormat format, nexus::v1::Transaction* out,
                      int64_t ordinal = 0);

  /// The mapping (bound to its header) and FX table for kCsv records; both must outlive
  /// the decoder. Without one, CSV records are dead-lettered ("csv_unmapped").
  void set_csv(std::shared_ptr<const CsvMapping> mapping, const FxTable* fx);

  /// Records larger than this are refused before parsing (reason "oversize_record").
  static constexpr size_t kMaxRecordBytes = 64 * 1024;

  /// Statistics: how many JSON records needed the slow (protobuf) path.
  uint64_t json_fallbacks() const { return json_fallbacks_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  uint64_t json_fallbacks_ = 0;
  std::shared_ptr<const CsvMapping> csv_;
  const FxTable* csv_fx_ = nullptr;
};

/// Parses RFC 3339 "2025-01-01T10:00:00Z" / "...T10:00:00.250+02:00" to epoch
/// milliseconds; false when malformed.
bool parse_rfc3339_ms(std::string_view text, int64_t* epoch_ms);

/// Renders epoch milliseconds as RFC 3339 UTC with milliseconds only when non-zero.
std::string format_rfc3339_ms(int64_t epoch_ms);

}  // namespace nexus::engine
