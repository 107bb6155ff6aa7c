// File sinks: alerts, dead letters and transactions written as NDJSON
// (protobuf JSON mapping, proto field names) or length-delimited protobuf.
// Single-threaded; flush() makes what was written durable (fflush + fsync).
#pragma once

#include "engine/sinks.hpp"
#include "engine/transaction_decoder.hpp"

#include "base/result.hpp"
#include <google/protobuf/message.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace nexus::connectors {

/// Writes any protobuf message to a file in one of the two forms.
class MessageFileWriter {
 public:
  static Result<std::unique_ptr<MessageFileWriter>> open(const std::filesystem::path& path,
                                                         engine::InputFormat format);
  /// Opens to append, for a resumed run: hands each complete record already in the file
  /// to `each` (the JSON line, or the protobuf bytes), cuts off a partly written last
  /// record (a kill mid-write), then appends after the rest. A missing file is created.
  static Result<std::unique_ptr<MessageFileWriter>> append(
      const std::filesystem::path& path, engine::InputFormat format,
      const std::function<void(std::string_view)>& each);
  ~MessageFileWriter();
  MessageFileWriter(const MessageFileWriter&) = delete;
  MessageFileWriter& operator=(const MessageFileWriter&) = delete;

  void write(const google::protobuf::Message& message);
  Result<void> flush();
  uint64_t written() const { return written_; }

 private:
  MessageFileWriter(std::FILE* file, engine::InputFormat format, std::string path)
      : file_(file), format_(format), path_(std::move(path)) {}
  std::FILE* file_;
  engine::InputFormat format_;
  std::string path_;
  std::string buffer_;
  uint64_t written_ = 0;
};

/// Renders a message as one line of protobuf JSON with proto field names.
std::string to_json_line(const google::protobuf::Message& message);

class FileAlertSink final : public engine::AlertSink {
 public:
  explicit FileAlertSink(std::unique_ptr<MessageFileWriter> writer) : writer_(std::move(writer)) {}
  void publish(const nexus::v1::Alert& alert) override { writer_->write(alert); }
  Result<void> flush() override { return writer_->flush(); }

 private:
  std::unique_ptr<MessageFileWriter> writer_;
};

class FileDeadLetterSink final : public engine::DeadLetterSink {
 public:
  explicit FileDeadLetterSink(std::unique_ptr<MessageFileWriter> writer)
      : writer_(std::move(writer)) {}
  void publish(const nexus::v1::DeadLetter& letter) override { writer_->write(letter); }
  Result<void> flush() override { return writer_->flush(); }

 private:
  std::unique_ptr<MessageFileWriter> writer_;
};

}  // namespace nexus::connectors
