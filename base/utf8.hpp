// UTF-8 checks shared by every module, on ICU's header-only U8_NEXT: whether text is
// valid and where its first ill-formed sequence is (a rule file refused at file:line).
#pragma once

#include <unicode/utf8.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace nexus {

/// Steps over the code point at `i`; false when its bytes are ill-formed (`i` then skips them).
inline bool next_utf8(std::string_view s, int64_t& i) {
  UChar32 c = 0;
  U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), i, static_cast<int64_t>(s.size()), c);
  return c >= 0;
}

/// Byte offset of the first ill-formed UTF-8 sequence in `s`, or npos when it is valid.
inline size_t first_invalid_utf8(std::string_view s) {
  for (int64_t i = 0; i < static_cast<int64_t>(s.size());) {
    const int64_t start = i;
    if (!next_utf8(s, i)) return static_cast<size_t>(start);
  }
  return std::string_view::npos;
}

inline bool is_valid_utf8(std::string_view s) {
  return first_invalid_utf8(s) == std::string_view::npos;
}

}  // namespace nexus
