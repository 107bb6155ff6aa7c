// FileSource: reads input records from a file, one at a time, in file order:
// NDJSON (one protobuf-JSON transaction per line) or length-delimited protobuf
// (varint32 length, then the bytes), or CSV lines (one row per record; the
// header and lines starting with a skip prefix are not records). Single-threaded.
#pragma once

#include "engine/transaction_decoder.hpp"

#include "base/result.hpp"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nexus::connectors {

/// The format a file name implies: ".pb" delimited protobuf, ".csv" CSV, anything else
/// NDJSON. `override_name` ("ndjson" / "pb" / "protobuf" / "csv") wins when not empty.
Result<engine::InputFormat> format_for(const std::filesystem::path& path,
                                       std::string_view override_name);

/// How a CSV file is read (from its CsvMapping).
struct CsvReadOptions {
  bool header = true;                      // the first non-blank line is the header
  std::vector<std::string> skip_prefixes;  // lines starting with one of these are skipped
};

class FileSource {
 public:
  static Result<std::unique_ptr<FileSource>> open(const std::filesystem::path& path,
                                                  engine::InputFormat format,
                                                  CsvReadOptions csv = {});
  ~FileSource();
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  /// The next record, or nullopt at end of file. A corrupt length prefix in a
  /// protobuf file returns the rest of the file as one record (it will be
  /// dead-lettered as undecodable) and then ends.
  std::optional<std::string_view> next();
  /// Ordinal of the record last returned (0-based).
  int64_t ordinal() const { return ordinal_; }
  engine::InputFormat format() const { return format_; }
  /// CSV: the header line ("" without one), read at open.
  const std::string& header() const { return header_; }

 private:
  FileSource(std::FILE* file, engine::InputFormat format) : file_(file), format_(format) {}
  bool fill();

  std::FILE* file_;
  engine::InputFormat format_;
  std::string buffer_;
  size_t position_ = 0;
  bool eof_ = false;
  std::string record_;
  int64_t ordinal_ = -1;
  CsvReadOptions csv_;
  std::string header_;
  bool next_line(std::string* line);
};

}  // namespace nexus::connectors
