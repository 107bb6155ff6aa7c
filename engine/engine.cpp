#include "engine/engine.hpp"

#include "engine/alert_builder.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <chrono>

namespace nexus::engine {

graph::NetworkConfig network_config(const rules::RuleSet& rules) {
  graph::NetworkConfig config;
  auto& p = config.patterns;
  for (const auto& setting : rules.network_settings) {
    const double v = setting.value;
    const auto ms = static_cast<int64_t>(v);
    const auto n = static_cast<size_t>(v);
    const std::string& k = setting.name;
    if (k == "flow_window") config.flows.window_ms = ms;
    if (k == "fan_window") p.fan_window_ms = ms;
    if (k == "fan_in_min_senders") p.fan_in_min_senders = n;
    if (k == "fan_out_min_receivers") p.fan_out_min_receivers = n;
    if (k == "cycle_window") p.cycle_window_ms = ms;
    if (k == "cycle_min_hops") p.cycle_min_hops = n;
    if (k == "cycle_max_hops") p.cycle_max_hops = n;
    if (k == "scatter_window") p.scatter_window_ms = ms;
    if (k == "scatter_gather_min_intermediates") p.scatter_gather_min_intermediates = n;
    if (k == "gather_scatter_min_senders") p.gather_scatter_min_senders = n;
    if (k == "gather_scatter_min_receivers") p.gather_scatter_min_receivers = n;
    if (k == "pass_through_min_hops") p.pass_through_min_hops = n;
    if (k == "pass_through_max_dwell") p.pass_through_max_dwell_ms = ms;
    if (k == "pass_through_min_ratio") p.pass_through_min_ratio = v;
    if (k == "pass_through_max_ratio") p.pass_through_max_ratio = v;
    if (k == "require_time_order") p.require_time_order = v != 0;
    if (k == "max_accounts_per_identifier") config.entities.max_accounts_per_identifier = n;
    if (k == "exposure_max_hops") config.exposure.max_hops = n;
    if (k == "exposure_hop_decay") config.exposure.hop_decay = v;
    if (k == "exposure_half_life") config.exposure.half_life_ms = ms;
    if (k == "exposure_min_score") config.exposure.min_score = v;
  }
  return config;
}

Engine::Engine(std::shared_ptr<const rules::RuleSet> rules, FxTable fx, StateStore& store,
               AlertSink& alerts, DeadLetterSink& dead_letters, Screener* screener,
               EngineConfig config)
    : rules_(std::move(rules)),
      fx_(std::move(fx)),
      store_(store),
      alerts_(alerts),
      dead_letters_(dead_letters),
      screener_(screener),
      config_(config),
      windows_(store, config.windows),
      flags_(store),
      seen_(store, config.duplicate_horizon_ms) {
  if (screener_) parties_ = std::make_unique<PartyIndex>(store_, config_.parties);
  auto any = store_.any_with_prefix("s/");
  suppressions_complete_ = any && !any.value();
  set_rules(rules_);
}

Engine::~Engine() = default;

void Engine::set_rules(std::shared_ptr<const rules::RuleSet> rules) {
  // Flush per-rule counts of the outgoing set before the indexes change meaning.
  if (evaluator_) {
    for (size_t i = 0; i < rule_counts_.size() && i < rules_->rules.size(); ++i) {
      flush_rule_counts(i);
    }
  }
  rules_ = std::move(rules);
  if (rules_->network_use != 0 && !network_) {
    // The network's settings are read once, when it starts (see README: a reload that
    // changes them takes effect at the next start).
    network_ = std::make_unique<graph::Network>(store_, network_config(*rules_));
  }
  metrics_.set_rules_info(rules_->content_hash, rules_->rules.size());
  evaluator_ = std::make_unique<Evaluator>(*rules_, windows_, flags_);
  rule_counts_.assign(rules_->rules.size(), RuleCounts{});
}

std::string Engine::offset_key(std::string_view topic, int32_t partition) {
  return "o/" + std::string(topic) + "/" + std::to_string(partition);
}

int64_t Engine::watermark_ms() const {
  int64_t latest = 0;
  for (const auto& state : partitions_) latest = std::max(latest, state.watermark_ms);
  return latest;
}

Engine::PartitionState& Engine::partition_state(std::string_view topic, int32_t partition) {
  for (auto& state : partitions_) {
    if (state.partition == partition && state.topic == topic) return state;
  }
  partitions_.push_back(PartitionState{std::string(topic), partition, -1, 0});
  return partitions_.back();
}

Result<std::optional<int64_t>> Engine::committed_offset(std::string_view topic, int32_t partition) {
  PartitionState& state = partition_state(topic, partition);
  if (state.next_offset >= 0) return std::optional<int64_t>(state.next_offset);
  NEXUS_TRY(stored, store_.get(offset_key(topic, partition)));
  if (!stored) return std::optional<int64_t>();
  NEXUS_TRY(mark, store_.get("m/" + std::string(topic) + "/" + std::to_string(partition)));
  // A stored number that does not parse means a damaged store: say so, never throw.
  auto number = [&](const std::string& text, const char* what) -> Result<int64_t> {
    int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) {
      return make_error("state_corrupt", std::string("state store: the stored ") + what + " of " +
                                             std::string(topic) + "/" + std::to_string(partition) +
                                             " is not a number");
    }
    return value;
  };
  if (mark) {
    NEXUS_TRY(watermark, number(*mark, "watermark"));
    state.watermark_ms = watermark;
    state.watermark_support = 2;  // a checkpointed watermark stood for a whole run
  }
  NEXUS_TRY(next, number(*stored, "offset"));
  state.next_offset = next;
  return std::optional<int64_t>(state.next_offset);
}

void Engine::dead_letter(const InputRecord& record, const std::string& reason,
                         const std::string& detail) {
  nexus::v1::DeadLetter letter;
  letter.set_reason(reason);
  letter.set_detail(detail);
  letter.set_source_topic(std::string(record.topic));
  letter.set_source_partition(record.partition);
  letter.set_source_offset(record.offset);
  letter.set_payload(std::string(record.bytes));
  dead_letters_.publish(letter);
  metrics_.count_dead_letter(reason);
}

Result<void> Engine::process(const InputRecord& record) {
  metrics_.records_in.fetch_add(1, std::memory_order_relaxed);
  PartitionState& partition = partition_state(record.topic, record.partition);
  partition.next_offset = record.offset + 1;
  ++since_checkpoint_;
  evaluator_->reset_scratch();

  const DecodeStatus decoded = decoder_.decode(record.bytes, record.format, &tx_, record.offset);
  if (!decoded.ok) {
    dead_letter(record, decoded.reason, decoded.detail);
    return outcome::success();
  }
  const ValidationStatus valid = validate(tx_, fx_, config_.limits);
  if (!valid.ok) {
    dead_letter(record, valid.reason, valid.detail);
    return outcome::success();
  }
  EnrichedEvent event;
  event.tx = &tx_;
  event.time_ms = tx_.event_time().seconds() * 1000 + tx_.event_time().nanos() / 1'000'000;
  int64_t& watermark = partition.watermark_ms;
  if (latest_plausible_ms_ > 0 && event.time_ms > latest_plausible_ms_) {
    dead_letter(record, "future_event",
                "event time " + format_rfc3339_ms(event.time_ms) +
                    " is later than the wall clock allows (latest accepted " +
                    format_rfc3339_ms(latest_plausible_ms_) + ")");
    return outcome::success();
  }
  if (partition.watermark_support > 0) {
    if (event.time_ms > watermark + config_.max_future_ms) {
      dead_letter(record, "future_event",
                  "event time " + format_rfc3339_ms(event.time_ms) + " is " +
                      std::to_string((event.time_ms - watermark) / 1000) +
                      "s ahead of the partition's watermark " + format_rfc3339_ms(watermark) +
                      "; at most " + std::to_string(config_.max_future_ms / 1000) +
                      "s ahead is accepted (max_future)");
      return outcome::success();
    }
    if (event.time_ms < watermark - config_.allowed_lateness_ms) {
      if (partition.watermark_support == 1 && watermark - event.time_ms > config_.max_future_ms) {
        // The watermark rests on the partition's first record alone, and this one is
        // further behind it than any record may run ahead: that first record was the
        // mis-dated one. The watermark starts again here, so monitoring goes on.
        metrics_.watermark_resets.fetch_add(1, std::memory_order_relaxed);
        watermark = event.time_ms;
        partition.watermark_support = 0;
      } else {
        dead_letter(record, "late_event",
                    "event time is " + std::to_string((watermark - event.time_ms) / 1000) +
                        "s behind the partition's watermark; allowed lateness is " +
                        std::to_string(config_.allowed_lateness_ms / 1000) + "s");
        return outcome::success();
      }
    }
  }
  // A known id: the same content is a redelivery, other content a second payment that
  // would share the first one's alert ids.
  if (!seen_loaded_) {
    NEXUS_TRY(seen_.load());
    seen_loaded_ = true;
  }
  if (partition.watermark_support > 0) seen_.expire(watermark);
  tx_.SerializeToString(&fingerprint_buffer_);
  const auto seen =
      seen_.check(tx_.id(), WindowStore::hash_string(fingerprint_buffer_), event.time_ms);
  if (seen.verdict == SeenTransactions::Verdict::kConflict) {
    dead_letter(record, "conflicting_duplicate",
                "transaction id '" + tx_.id() + "' was first seen with event time " +
                    format_rfc3339_ms(seen.first_time_ms) +
                    " and other content; every payment needs an id of its own");
    return outcome::success();
  }
  if (seen.verdict == SeenTransactions::Verdict::kSame) {
    metrics_.duplicates.fetch_add(1, std::memory_order_relaxed);
    return outcome::success();
  }
  // Only a record that is processed moves the watermark.
  watermark = partition.watermark_support == 0 ? event.time_ms : std::max(watermark, event.time_ms);
  ++partition.watermark_support;
  metrics_.watermark_ms.store(watermark, std::memory_order_relaxed);
  const FxTable::Currency* currency = fx_.find(tx_.currency());
  event.amount = fx_.to_major(tx_.amount_minor(), *currency);
  event.amount_usd = fx_.to_reference(tx_.amount_minor(), *currency);
  if (screener_) {
    for (const auto* role : {"originator", "beneficiary"}) {
      const auto& party = role[0] == 'o' ? tx_.originator() : tx_.beneficiary();
      if (party.name().empty()) continue;
      for (auto& hit : screener_->screen(party))
        event.hits.push_back(PartyHit{role, std::move(hit)});
    }
    std::stable_sort(
        event.hits.begin(), event.hits.end(),
        [](const PartyHit& a, const PartyHit& b) { return a.hit.score > b.hit.score; });
    // Remembered for re-screening when a list changes (SANCTIONS-RETRO-HIT).
    NEXUS_TRY(parties_->observe(tx_.originator(), "originator", tx_.id(), event.time_ms,
                                event.amount_usd, tx_.beneficiary().account()));
    NEXUS_TRY(parties_->observe(tx_.beneficiary(), "beneficiary", tx_.id(), event.time_ms,
                                event.amount_usd, tx_.originator().account()));
  }

  // The network first (aggregates may be keyed by cluster id); it ignores a redelivered
  // payment by itself (the flow graph knows its transaction ids; observing a party again
  // changes nothing).
  if (network_ && rules_->network_use != 0) {
    NEXUS_TRY(observe_network(&event));
  }
  // Windows next, so an aggregate includes the event that is being judged.
  const int64_t horizon_base = watermark - config_.allowed_lateness_ms;
  size_t applied = 0, repeated = 0;
  for (const auto& aggregate : rules_->aggregates) {
    if (aggregate.where && !evaluator_->holds(*aggregate.where, event)) continue;
    const std::string_view key = evaluator_->as_text(evaluator_->field(aggregate.key, event));
    if (key.empty()) continue;
    slot_buffer_.clear();
    for (const auto& measure : aggregate.measures) {
      if (measure.kind == rules::Measure::Kind::kCount) continue;
      const Value value = evaluator_->field(measure.field, event);
      if (measure.kind == rules::Measure::Kind::kDistinct) {
        const std::string_view text = evaluator_->as_text(value);
        slot_buffer_.push_back(text.empty() ? 0 : WindowStore::hash_string(text));
      } else {
        slot_buffer_.push_back(std::bit_cast<uint64_t>(value.number));
      }
    }
    NEXUS_TRY(inserted, windows_.add(aggregate, key, event.time_ms, tx_.id(), slot_buffer_.data(),
                                     horizon_base - aggregate.window_ms));
    ++applied;
    if (!inserted) ++repeated;
  }
  // Every window already held this transaction: a redelivery (Kafka is at-least-once, a
  // file may be replayed into the same state). Its alerts were raised the first time.
  if (applied > 0 && repeated == applied) {
    metrics_.duplicates.fetch_add(1, std::memory_order_relaxed);
    return outcome::success();
  }
  NEXUS_TRY(evaluate(event));
  metrics_.events_processed.fetch_add(1, std::memory_order_relaxed);
  return outcome::success();
}

Result<void> Engine::observe_network(EnrichedEvent* event) {
  graph::NetworkUse use;
  use.clusters = (rules_->network_use & 1) != 0;
  use.patterns = (rules_->network_use & 2) != 0;
  use.exposure = (rules_->network_use & 4) != 0;
  // A party that screened positive is a source of sanctions exposure from now on.
  if (use.exposure) {
    for (const auto& party_hit : event->hits) {
      const auto& party = party_hit.role == "originator" ? tx_.originator() : tx_.beneficiary();
      if (party.account().empty()) continue;
      NEXUS_TRY(network_->flag(party.account(), "sanctions", event->time_ms,
                               party_hit.hit.list + " " + party_hit.hit.reference));
    }
  }
  auto view = [](const nexus::v1::Party& party, const std::string& device) {
    graph::PartyView out;
    out.account = party.account();
    out.name = party.name();
    out.phone = party.phone();
    out.email = party.email();
    out.address = party.address();
    out.national_id = party.national_id();
    out.device_id = device;
    return out;
  };
  // The network follows transfers between accounts: card purchases at merchants and cash
  // paid in or taken out are not edges (a shop's many customers are not a fan-in), and the
  // cash side of a deposit or withdrawal is not a party.
  const auto channel = tx_.channel();
  const bool cash_in = channel == nexus::v1::CHANNEL_CASH_DEPOSIT;
  const bool cash_out = channel == nexus::v1::CHANNEL_CASH_WITHDRAWAL;
  use.edge = !cash_in && !cash_out && channel != nexus::v1::CHANNEL_CARD &&
             channel != nexus::v1::CHANNEL_PREPAID_CARD;
  graph::FlowEdge edge{tx_.originator().account(), tx_.beneficiary().account(), event->amount_usd,
                       event->time_ms, tx_.id()};
  const graph::PartyView originator =
      cash_in ? graph::PartyView{} : view(tx_.originator(), tx_.device_id());
  const graph::PartyView beneficiary =
      cash_out ? graph::PartyView{} : view(tx_.beneficiary(), std::string());
  NEXUS_TRY(network_->observe(originator, beneficiary, edge, use, &network_facts_));
  event->network = &network_facts_;
  return outcome::success();
}

Result<bool> Engine::suppressed(const rules::Rule& rule, const std::string& subject,
                                int64_t time_ms) {
  if (rule.suppress_ms == 0) return false;
  const std::string key = "s/" + rule.id + "/" + subject;
  auto found = suppressions_.find(key);
  if (found == suppressions_.end()) {
    std::optional<std::string> stored;
    if (!suppressions_complete_) {
      NEXUS_TRY(read, store_.get(key));
      stored = std::move(read);
    }
    found = suppressions_.emplace(key, Suppression{stored ? std::stoll(*stored) : 0, false}).first;
  }
  if (time_ms < found->second.until_ms) return true;
  found->second = Suppression{time_ms + rule.suppress_ms, true};
  return false;
}

void Engine::flush_rule_counts(size_t index) {
  RuleCounts& counts = rule_counts_[index];
  // Time is sampled on 1 event in kTimingSample; scale the sample to all evaluations.
  const double seconds = counts.sampled ? static_cast<double>(counts.sampled_ns) * 1e-9 *
                                              static_cast<double>(counts.evaluations) /
                                              static_cast<double>(counts.sampled)
                                        : 0.0;
  const rules::Rule& rule = rules_->rules[index];
  metrics_.count_rule(rule.id, rules::rule_mode_name(rule.mode), counts.evaluations, counts.hits,
                      seconds);
  counts = RuleCounts{};
}

Result<void> Engine::evaluate(const EnrichedEvent& event) {
  // Wall time here only feeds the per-rule cost metric; it never changes a result.
  const bool timed = evaluated_events_++ % kTimingSample == 0;
  pending_flags_.clear();
  for (size_t i = 0; i < rules_->rules.size(); ++i) {
    const rules::Rule& rule = rules_->rules[i];
    RuleCounts& counts = rule_counts_[i];
    ++counts.evaluations;
    bool fired;
    if (timed) {
      const auto started = std::chrono::steady_clock::now();
      fired = evaluator_->holds(*rule.condition, event);
      counts.sampled_ns +=
          static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                    std::chrono::steady_clock::now() - started)
                                    .count());
      ++counts.sampled;
    } else {
      fired = evaluator_->holds(*rule.condition, event);
    }
    if (auto error = evaluator_->take_io_error()) return *error;
    if (!fired) continue;
    ++counts.hits;
    const std::string subject = evaluator_->field_text(rule.subject, event);
    // A shadow rule raises no flags: live rules read flags, and a rule on trial must not
    // change what they do (rules/README.md, "Shadow mode").
    const bool shadow = rule.mode == rules::RuleMode::kShadow;
    // A flag records the finding even when the alert itself is suppressed.
    if (!subject.empty() && !shadow) {
      for (const int flag : rule.flags) pending_flags_.push_back(PendingFlag{flag, subject, &rule});
    }
    NEXUS_TRY(is_suppressed, suppressed(rule, subject, event.time_ms));
    if (is_suppressed) {
      if (!shadow) metrics_.alerts_suppressed.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    alert_.Clear();
    alert_.set_id(alert_id(rule.id, rule.version, tx_.id()));
    fill_rule_identity(rule, rules_->content_hash, &alert_);
    alert_.set_subject(subject);
    *alert_.mutable_event_time() = tx_.event_time();
    evaluator_->explain(*rule.condition, event, alert_.mutable_evidence());
    if (event.network) evaluator_->collect_subgraphs(*rule.condition, event, &alert_);
    collect_transaction_ids(tx_.id(), &alert_);
    for (const auto& party_hit : event.hits) {
      auto* hit = alert_.add_sanctions_hits();
      hit->set_party_role(party_hit.role);
      hit->set_list(party_hit.hit.list);
      hit->set_reference(party_hit.hit.reference);
      hit->set_matched_name(party_hit.hit.matched_name);
      hit->set_score(party_hit.hit.score);
      hit->set_programme(party_hit.hit.programme);
      hit->set_basis(party_hit.hit.basis);
      hit->set_list_version(party_hit.hit.list_version);
      hit->set_list_source_version(party_hit.hit.list_source_version);
    }
    if (shadow) {
      // Same id and evidence as the live alert would have; marked, and kept apart.
      alert_.set_shadow(true);
      if (shadow_alerts_) shadow_alerts_->publish(alert_);
      metrics_.shadow_alerts.fetch_add(1, std::memory_order_relaxed);
      continue;
    }
    alerts_.publish(alert_);
    metrics_.alerts.fetch_add(1, std::memory_order_relaxed);
  }
  const bool exposure = network_ && (rules_->network_use & 4) != 0;
  for (auto& pending : pending_flags_) {
    const std::string& flag = rules_->flags[static_cast<size_t>(pending.flag)].id;
    NEXUS_TRY(
        flags_.raise(flag, pending.account, FlagMark{event.time_ms, tx_.id(), pending.rule->id}));
    // Exposure propagates from accounts the rules flagged, in the flag's category.
    if (exposure) {
      NEXUS_TRY(network_->flag(pending.account, flag, event.time_ms,
                               pending.rule->id + " on " + tx_.id()));
    }
  }
  return outcome::success();
}

Result<void> Engine::checkpoint() {
  NEXUS_TRY(alerts_.flush());
  if (shadow_alerts_) {
    NEXUS_TRY(shadow_alerts_->flush());
  }
  NEXUS_TRY(dead_letters_.flush());
  StateBatch batch;
  windows_.collect_dirty(&batch);
  flags_.collect_dirty(&batch);
  seen_.collect_dirty(&batch);
  if (network_) network_->collect_dirty(&batch);
  if (parties_) parties_->collect_dirty(&batch);
  for (auto& [key, suppression] : suppressions_) {
    if (!suppression.dirty) continue;
    batch.put(key, std::to_string(suppression.until_ms));
    suppression.dirty = false;
  }
  for (const auto& state : partitions_) {
    if (state.next_offset < 0) continue;
    batch.put(offset_key(state.topic, state.partition), std::to_string(state.next_offset));
    batch.put("m/" + state.topic + "/" + std::to_string(state.partition),
              std::to_string(state.watermark_ms));
  }
  NEXUS_TRY(store_.write(batch));
  checkpointed_offsets_.clear();
  for (const auto& state : partitions_) {
    if (state.next_offset >= 0) {
      checkpointed_offsets_.emplace_back(state.topic, state.partition, state.next_offset);
    }
  }
  windows_.evict();
  if (network_) network_->evict();
  if (parties_) parties_->evict();
  for (size_t i = 0; i < rule_counts_.size(); ++i) flush_rule_counts(i);
  metrics_.checkpoints.fetch_add(1, std::memory_order_relaxed);
  metrics_.cached_windows.store(windows_.cached_keys(), std::memory_order_relaxed);
  metrics_.state_misses.store(windows_.misses(), std::memory_order_relaxed);
  since_checkpoint_ = 0;
  return outcome::success();
}

}  // namespace nexus::engine
