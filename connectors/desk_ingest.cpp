#include "connectors/desk_ingest.hpp"

#include "connectors/kafka_source.hpp"

#include "desk/alert_record.hpp"
#include <google/protobuf/util/time_util.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <vector>

namespace nexus::connectors {

struct DeskIngest::Impl {
  DeskIngestConfig config;
  std::unique_ptr<desk::DeskStore> store;
  std::unique_ptr<KafkaSource> source;
};

Result<std::unique_ptr<DeskIngest>> DeskIngest::start(DeskIngestConfig config,
                                                      std::unique_ptr<desk::DeskStore> store) {
  if (!config.kafka.count("bootstrap.servers")) {
    return make_error("config", "the desk's kafka settings need bootstrap.servers");
  }
  KafkaSourceConfig source_config;
  source_config.properties = config.kafka;
  if (!source_config.properties.count("group.id")) {
    source_config.properties["group.id"] = "nexus-desk";
  }
  source_config.properties["isolation.level"] = "read_committed";
  source_config.topics = {config.topic};
  if (!config.events_topic.empty()) source_config.topics.push_back(config.events_topic);
  source_config.resume_from_committed = true;
  NEXUS_TRY(source, KafkaSource::create(std::move(source_config)));
  std::unique_ptr<DeskIngest> ingest(new DeskIngest());
  ingest->impl_ = std::make_unique<Impl>();
  ingest->impl_->config = std::move(config);
  ingest->impl_->store = std::move(store);
  ingest->impl_->source = std::move(source);
  ingest->thread_ = std::thread([raw = ingest.get()] { raw->run(); });
  return ingest;
}

DeskIngest::~DeskIngest() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

size_t DeskIngest::assigned() const { return impl_->source->assigned(); }

namespace {

// Records an engine event in the audit chain unless an earlier read already did (the topic
// is read at least once: a restart may read an event again).
Result<bool> record_engine_event(desk::DeskStore& store, const nexus::v1::EngineEvent& event) {
  const std::string object = "engine:" + event.instance();
  desk::AuditFilter same;
  same.action = event.action();
  same.object = object;
  const std::string marker = nlohmann::json(event.id()).dump();
  for (int64_t after = 0;;) {
    NEXUS_TRY(entries, store.audit_entries(same, after, 1000));
    for (const auto& entry : entries) {
      if (entry.after_json.find("\"event\":" + marker) != std::string::npos) return false;
    }
    if (entries.size() < 1000) break;
    after = entries.back().seq;
  }
  nlohmann::json after = nlohmann::json::object();
  if (!event.details_json().empty()) {
    after = nlohmann::json::parse(event.details_json(), nullptr, false);
    if (!after.is_object()) after = {{"details", event.details_json()}};
  }
  after["event"] = event.id();
  after["about"] = event.object();
  after["at_ms"] = google::protobuf::util::TimeUtil::TimestampToMilliseconds(event.at());
  NEXUS_TRY(store.record({object, "system", event.action(), object, "{}", after.dump()}));
  return true;
}

}  // namespace

void DeskIngest::run() {
  using Clock = std::chrono::steady_clock;
  std::vector<desk::AlertRecord> batch;
  std::map<std::pair<std::string, int32_t>, int64_t> next_offsets;
  auto first_in_batch = Clock::now();
  // Stores the batch, retrying once a second while the store refuses (a locked or
  // unreachable database): nothing past an unstored alert is ever committed.
  auto flush = [&] {
    while (!batch.empty()) {
      auto added = impl_->store->insert_batch(batch);
      if (added) {
        counts_.stored += added.value();
        counts_.duplicates += batch.size() - added.value();
        batch.clear();
        break;
      }
      ++counts_.store_errors;
      if (impl_->config.on_refused) impl_->config.on_refused("store", added.error().message);
      if (stop_) return;  // uncommitted: read again after a restart
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    // Offsets move only past what is stored (or refused as not an alert).
    if (!next_offsets.empty()) impl_->source->commit(next_offsets);
    next_offsets.clear();
  };
  while (!stop_) {
    auto record = impl_->source->poll(100);
    if (record && !impl_->config.events_topic.empty() &&
        record->topic() == impl_->config.events_topic) {
      ++counts_.read;
      nexus::v1::EngineEvent event;
      const auto value = record->value();
      const std::string where = std::string(record->topic()) + "/" +
                                std::to_string(record->partition()) + "@" +
                                std::to_string(record->offset());
      if (!event.ParseFromArray(value.data(), static_cast<int>(value.size())) ||
          event.id().empty() || event.action().rfind("engine.", 0) != 0) {
        ++counts_.refused;
        if (impl_->config.on_refused) {
          impl_->config.on_refused(
              where, "not a nexus.v1.EngineEvent (" + std::to_string(value.size()) + " bytes)");
        }
      } else {
        // Recorded now, retried while the store refuses, like an alert batch.
        for (;;) {
          auto recorded = record_engine_event(*impl_->store, event);
          if (recorded) {
            if (recorded.value()) ++counts_.engine_events;
            break;
          }
          ++counts_.store_errors;
          if (impl_->config.on_refused) impl_->config.on_refused("store", recorded.error().message);
          if (stop_) return;
          std::this_thread::sleep_for(std::chrono::seconds(1));
        }
      }
      next_offsets[{std::string(record->topic()), record->partition()}] = record->offset() + 1;
    } else if (record) {
      ++counts_.read;
      nexus::v1::Alert alert;
      const auto value = record->value();
      if (!alert.ParseFromArray(value.data(), static_cast<int>(value.size())) ||
          alert.id().empty()) {
        ++counts_.refused;
        if (impl_->config.on_refused) {
          impl_->config.on_refused(
              std::string(record->topic()) + "/" + std::to_string(record->partition()) + "@" +
                  std::to_string(record->offset()),
              "not a nexus.v1.Alert (" + std::to_string(value.size()) + " bytes)");
        }
      } else if (alert.shadow()) {
        // A shadow rule's alert on the analysts' topic (a misconfigured engine): it must
        // never enter the queue.
        ++counts_.shadow;
        if (impl_->config.on_refused) {
          impl_->config.on_refused(std::string(record->topic()) + "/" +
                                       std::to_string(record->partition()) + "@" +
                                       std::to_string(record->offset()),
                                   "shadow alert " + alert.id() + " of " + alert.rule_id() + " v" +
                                       std::to_string(alert.rule_version()) +
                                       " skipped: shadow alerts never enter the analysts' queue");
        }
      } else {
        if (batch.empty()) first_in_batch = Clock::now();
        batch.push_back(desk::alert_record_from(alert));
      }
      next_offsets[{std::string(record->topic()), record->partition()}] = record->offset() + 1;
    }
    const bool full = batch.size() >= impl_->config.batch;
    const bool lingered =
        Clock::now() - first_in_batch >= std::chrono::milliseconds(impl_->config.linger_ms);
    if (full || ((!batch.empty() || !next_offsets.empty()) && (lingered || !record))) flush();
  }
  flush();
}

}  // namespace nexus::connectors
