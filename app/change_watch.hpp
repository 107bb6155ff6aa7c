// ChangeWatch: when a hot reload should look at its files again, shared by the rule and the
// list reloaders. Between events the reloader asks check(): at most once per interval, or at
// once after request() (SIGHUP, POST /-/reload), it takes the watched files' signature (names,
// sizes, modification times: cheap, no contents) and says whether they differ from the live
// ones and from the last refused ones (a refused change is tried again only when the files
// change again or a reload is requested). The reloader loads, then says accept() or refuse().
// Engine thread, except request(), which is async-signal-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

namespace nexus::app {

class ChangeWatch {
 public:
  /// `signature` is called on the engine thread at each due check; `live` is the signature of
  /// the files in force now.
  ChangeWatch(std::function<std::string()> signature, std::string live, int64_t interval_ms);

  struct Check {
    enum class Kind {
      kNothing,    // not due, or the files are the live or the refused ones
      kChanged,    // load `signature`'s files
      kWithdrawn,  // the files went back to the live ones after a refusal
    };
    Kind kind = Kind::kNothing;
    std::string signature;
  };
  Check check();
  /// The files of `signature` are in force now (loaded, or equal in content to the live ones).
  void accept(std::string signature);
  /// The files of `signature` were refused; the live ones stay.
  void refuse(std::string signature);
  void request() { requested_.store(true, std::memory_order_relaxed); }

 private:
  std::function<std::string()> signature_;
  std::string live_;
  std::string refused_;
  int64_t interval_ms_;
  int64_t last_check_ms_;
  std::atomic<bool> requested_{false};
};

}  // namespace nexus::app
