// Byte codec for the graph's persisted records: little-endian fixed-width
// integers, doubles by bit pattern, length-prefixed strings. Header-only,
// no state; a Reader refuses truncated input rather than reading past it.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace nexus::graph::detail {

class Writer {
 public:
  explicit Writer(std::string* out) : out_(out) {}
  template <class T>
  void raw(T value) {
    char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));
    out_->append(bytes, sizeof(T));
  }
  void u8(uint8_t value) { raw(value); }
  void u32(uint32_t value) { raw(value); }
  void u64(uint64_t value) { raw(value); }
  void i64(int64_t value) { raw(value); }
  void f64(double value) { raw(value); }
  void str(std::string_view text) {
    u32(static_cast<uint32_t>(text.size()));
    out_->append(text);
  }

 private:
  std::string* out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  template <class T>
  bool raw(T* value) {
    if (in_.size() < sizeof(T)) return false;
    std::memcpy(value, in_.data(), sizeof(T));
    in_.remove_prefix(sizeof(T));
    return true;
  }
  bool u8(uint8_t* value) { return raw(value); }
  bool u32(uint32_t* value) { return raw(value); }
  bool u64(uint64_t* value) { return raw(value); }
  bool i64(int64_t* value) { return raw(value); }
  bool f64(double* value) { return raw(value); }
  bool str(std::string* text) {
    uint32_t size = 0;
    if (!u32(&size) || in_.size() < size) return false;
    text->assign(in_.substr(0, size));
    in_.remove_prefix(size);
    return true;
  }
  /// Whether every byte was consumed (a record with trailing bytes is refused).
  bool done() const { return in_.empty(); }

 private:
  std::string_view in_;
};

}  // namespace nexus::graph::detail
