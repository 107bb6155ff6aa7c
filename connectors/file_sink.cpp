#include "connectors/file_sink.hpp"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/util/json_util.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

namespace nexus::connectors {

std::string to_json_line(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string out;
  // Cannot fail for messages of this process's own descriptors.
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  return out;
}

Result<std::unique_ptr<MessageFileWriter>> MessageFileWriter::open(
    const std::filesystem::path& path, engine::InputFormat format) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return make_error("output", path.string() + ": " + std::strerror(errno));
  return std::unique_ptr<MessageFileWriter>(new MessageFileWriter(file, format, path.string()));
}

Result<std::unique_ptr<MessageFileWriter>> MessageFileWriter::append(
    const std::filesystem::path& path, engine::InputFormat format,
    const std::function<void(std::string_view)>& each) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    std::string text;
    {
      std::ifstream in(path, std::ios::binary);
      if (!in) return make_error("output", path.string() + ": cannot read to resume");
      std::ostringstream buffer;
      buffer << in.rdbuf();
      text = buffer.str();
    }
    size_t complete = 0;  // bytes of whole records
    if (format == engine::InputFormat::kNdjson) {
      size_t at = 0;
      for (size_t end = text.find('\n'); end != std::string::npos; end = text.find('\n', at)) {
        if (end > at) each(std::string_view(text).substr(at, end - at));
        at = end + 1;
      }
      complete = at;
    } else {
      // Length-delimited records, read with protobuf's own varint decoder.
      if (text.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
        return make_error("output", path.string() +
                                        ": over 2 GiB of protobuf records cannot be "
                                        "resumed; write .ndjson or start afresh");
      }
      google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(text.data()),
                                                static_cast<int>(text.size()));
      size_t at = 0;
      uint32_t length = 0;
      while (at < text.size() && in.ReadVarint32(&length)) {
        const auto start = static_cast<size_t>(in.CurrentPosition());
        if (length > text.size() - start) break;
        each(std::string_view(text).substr(start, length));
        at = start + length;
        if (!in.Skip(static_cast<int>(length))) break;
      }
      complete = at;
    }
    if (complete < text.size()) {
      std::filesystem::resize_file(path, complete, ec);
      if (ec)
        return make_error("output",
                          path.string() + ": cannot cut the partial last record: " + ec.message());
    }
  }
  std::FILE* file = std::fopen(path.c_str(), "ab");
  if (file == nullptr) return make_error("output", path.string() + ": " + std::strerror(errno));
  return std::unique_ptr<MessageFileWriter>(new MessageFileWriter(file, format, path.string()));
}

MessageFileWriter::~MessageFileWriter() {
  (void)flush();
  std::fclose(file_);
}

void MessageFileWriter::write(const google::protobuf::Message& message) {
  if (format_ == engine::InputFormat::kNdjson) {
    buffer_ += to_json_line(message);
    buffer_.push_back('\n');
  } else {
    const size_t size = message.ByteSizeLong();
    uint64_t length = size;
    do {
      const auto byte = static_cast<char>((length & 0x7F) | (length > 0x7F ? 0x80 : 0));
      buffer_.push_back(byte);
      length >>= 7;
    } while (length);
    const size_t at = buffer_.size();
    buffer_.resize(at + size);
    message.SerializeWithCachedSizesToArray(reinterpret_cast<uint8_t*>(buffer_.data() + at));
  }
  ++written_;
  if (buffer_.size() > (1 << 20)) {
    std::fwrite(buffer_.data(), 1, buffer_.size(), file_);
    buffer_.clear();
  }
}

Result<void> MessageFileWriter::flush() {
  if (!buffer_.empty()) {
    const size_t wrote = std::fwrite(buffer_.data(), 1, buffer_.size(), file_);
    const bool complete = wrote == buffer_.size();
    buffer_.clear();
    if (!complete) return make_error("output", path_ + ": write failed: " + std::strerror(errno));
  }
  if (std::fflush(file_) != 0) return make_error("output", path_ + ": " + std::strerror(errno));
  return outcome::success();
}

}  // namespace nexus::connectors
