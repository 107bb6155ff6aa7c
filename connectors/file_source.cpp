#include "connectors/file_source.hpp"

#include <cstring>

namespace nexus::connectors {

Result<engine::InputFormat> format_for(const std::filesystem::path& path,
                                       std::string_view override_name) {
  if (override_name == "ndjson" || override_name == "json") return engine::InputFormat::kNdjson;
  if (override_name == "pb" || override_name == "protobuf") return engine::InputFormat::kProtobuf;
  if (override_name == "csv") return engine::InputFormat::kCsv;
  if (!override_name.empty()) {
    return make_error(
        "format", "unknown format '" + std::string(override_name) + "' (use ndjson, pb or csv)");
  }
  if (path.extension() == ".pb") return engine::InputFormat::kProtobuf;
  if (path.extension() == ".csv" || path.extension() == ".CSV") return engine::InputFormat::kCsv;
  return engine::InputFormat::kNdjson;
}

Result<std::unique_ptr<FileSource>> FileSource::open(const std::filesystem::path& path,
                                                     engine::InputFormat format,
                                                     CsvReadOptions csv) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    return make_error("input", path.string() + ": " + std::strerror(errno));
  }
  std::unique_ptr<FileSource> source(new FileSource(file, format));
  source->csv_ = std::move(csv);
  if (format == engine::InputFormat::kCsv && source->csv_.header &&
      !source->next_line(&source->header_)) {
    return make_error("input", path.string() + ": empty file, expected a CSV header line");
  }
  return source;
}

bool FileSource::next_line(std::string* line) {
  while (true) {
    const size_t newline = buffer_.find('\n', position_);
    if (newline == std::string::npos) {
      if (fill()) continue;
      if (position_ >= buffer_.size()) return false;
      line->assign(buffer_, position_, std::string::npos);
      position_ = buffer_.size();
    } else {
      line->assign(buffer_, position_, newline - position_);
      position_ = newline + 1;
    }
    if (!line->empty() && line->back() == '\r') line->pop_back();
    // Blank lines separate nothing: skip them rather than dead-letter them.
    if (line->find_first_not_of(" \t") == std::string::npos) continue;
    bool skipped = false;
    for (const auto& prefix : csv_.skip_prefixes) {
      if (line->rfind(prefix, 0) == 0) skipped = true;
    }
    if (skipped) continue;
    return true;
  }
}

FileSource::~FileSource() { std::fclose(file_); }

bool FileSource::fill() {
  if (eof_) return false;
  buffer_.erase(0, position_);
  position_ = 0;
  const size_t old_size = buffer_.size();
  constexpr size_t kChunk = 1 << 20;
  buffer_.resize(old_size + kChunk);
  const size_t got = std::fread(buffer_.data() + old_size, 1, kChunk, file_);
  buffer_.resize(old_size + got);
  if (got == 0) eof_ = true;
  return got > 0;
}

std::optional<std::string_view> FileSource::next() {
  if (format_ != engine::InputFormat::kProtobuf) {
    if (!next_line(&record_)) return std::nullopt;
    ++ordinal_;
    return std::string_view(record_);
  }
  // Length-delimited protobuf: varint32 length, then that many bytes.
  while (true) {
    uint64_t length = 0;
    size_t cursor = position_;
    int shift = 0;
    bool complete = false;
    while (cursor < buffer_.size() && shift < 35) {
      const auto byte = static_cast<unsigned char>(buffer_[cursor++]);
      length |= static_cast<uint64_t>(byte & 0x7F) << shift;
      shift += 7;
      if ((byte & 0x80) == 0) {
        complete = true;
        break;
      }
    }
    if (!complete && shift < 35) {
      if (fill()) continue;
      if (position_ >= buffer_.size()) return std::nullopt;
    }
    if (!complete || length > engine::TransactionDecoder::kMaxRecordBytes * 4) {
      // Corrupt framing: hand back the rest as one bad record, then stop.
      while (fill()) {
      }
      record_.assign(buffer_, position_, std::string::npos);
      position_ = buffer_.size();
      ++ordinal_;
      return std::string_view(record_);
    }
    if (buffer_.size() - cursor < length) {
      if (fill()) continue;
      record_.assign(buffer_, position_, std::string::npos);  // truncated last record
      position_ = buffer_.size();
      ++ordinal_;
      return std::string_view(record_);
    }
    record_.assign(buffer_, cursor, length);
    position_ = cursor + length;
    ++ordinal_;
    return std::string_view(record_);
  }
}

}  // namespace nexus::connectors
