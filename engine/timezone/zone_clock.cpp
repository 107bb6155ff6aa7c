#include "engine/timezone/zone_clock.hpp"

#include <absl/time/time.h>

#include <limits>
#include <vector>

namespace nexus::timezone {

namespace {

constexpr int64_t kMinuteMs = 60'000;
constexpr int64_t kHourMs = 60 * kMinuteMs;
constexpr int64_t kDayMs = 24 * kHourMs;

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
int64_t floor_mod(int64_t a, int64_t b) { return a - floor_div(a, b) * b; }

}  // namespace

// One zone's rules and the span [from_ms, until_ms) of constant offset met last.
struct ZoneState {
  bool loaded = false;
  absl::TimeZone zone;
  int64_t from_ms = std::numeric_limits<int64_t>::max();
  int64_t until_ms = std::numeric_limits<int64_t>::min();
  int32_t offset_s = 0;
  bool dst = false;
};

struct ZoneClock::Impl {
  std::vector<ZoneState> zones;
};

ZoneClock::ZoneClock(const ZoneTable& table) : table_(table), impl_(std::make_unique<Impl>()) {
  impl_->zones.resize(table.size());
}

ZoneClock::~ZoneClock() = default;

LocalTime ZoneClock::at_offset(int64_t utc_ms, int32_t offset_s) {
  LocalTime out;
  out.local_ms = utc_ms + int64_t{offset_s} * 1000;
  out.utc_offset_s = offset_s;
  const int64_t in_day = floor_mod(out.local_ms, kDayMs);
  out.hour = static_cast<int>(in_day / kHourMs);
  out.minute = static_cast<int>(in_day % kHourMs / kMinuteMs);
  // 1970-01-01 was a Thursday (3 with Monday = 0).
  out.weekday = static_cast<int>(floor_mod(floor_div(out.local_ms, kDayMs) + 3, 7));
  return out;
}

LocalTime ZoneClock::at(ZoneId zone, int64_t utc_ms) {
  if (zone == kUtc || zone >= impl_->zones.size()) return at_offset(utc_ms, 0);
  ZoneState& state = impl_->zones[zone];
  if (!state.loaded) {
    state.loaded = true;
    // On failure Abseil leaves the zone at UTC, which is what the contract says.
    (void)absl::LoadTimeZone(table_.name(zone), &state.zone);
  }
  if (utc_ms < state.from_ms || utc_ms >= state.until_ms) {
    const absl::Time instant = absl::FromUnixMillis(utc_ms);
    const absl::TimeZone::CivilInfo info = state.zone.At(instant);
    state.offset_s = info.offset;
    state.dst = info.is_dst;
    // The span of this offset: from the last transition at or before the instant to
    // the next one after it (a zone without transitions: all time). A transition's
    // instant is `trans` of its new civil time: the same as `pre` when the clock
    // jumped forward, the second occurrence when it was set back.
    absl::TimeZone::CivilTransition transition;
    state.from_ms = std::numeric_limits<int64_t>::min();
    state.until_ms = std::numeric_limits<int64_t>::max();
    // PrevTransition finds transitions strictly before its argument; transitions fall
    // on whole seconds, so the one at or before the instant is the last before the
    // next whole second.
    const absl::Time next_second = absl::FromUnixSeconds(floor_div(utc_ms, 1000) + 1);
    if (state.zone.PrevTransition(next_second, &transition)) {
      state.from_ms = absl::ToUnixMillis(state.zone.At(transition.to).trans);
    }
    if (state.zone.NextTransition(instant, &transition)) {
      state.until_ms = absl::ToUnixMillis(state.zone.At(transition.to).trans);
    }
  }
  LocalTime out = at_offset(utc_ms, state.offset_s);
  out.dst = state.dst;
  out.zone = zone;
  return out;
}

}  // namespace nexus::timezone
