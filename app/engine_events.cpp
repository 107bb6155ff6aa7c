#include "app/engine_events.hpp"

#include "app/common.hpp"
#include "nexus/v1/alert.pb.h"

#include <google/protobuf/util/time_util.h>
#include <unistd.h>

namespace nexus::app {

EngineEvents::EngineEvents(connectors::KafkaProducer* producer, std::string topic)
    : producer_(producer), topic_(std::move(topic)), start_ms_(wall_clock_ms()) {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  instance_ = std::string(host) + ":" + std::to_string(::getpid());
}

void EngineEvents::emit(const std::string& action, const std::string& object,
                        const nlohmann::json& details) {
  if (producer_ == nullptr || topic_.empty()) return;
  nexus::v1::EngineEvent event;
  event.set_id(instance_ + "/" + std::to_string(start_ms_) + "/" + std::to_string(next_++));
  event.set_instance(instance_);
  event.set_action(action);
  event.set_object(object);
  *event.mutable_at() = google::protobuf::util::TimeUtil::MillisecondsToTimestamp(wall_clock_ms());
  event.set_details_json(details.dump());
  auto produced = producer_->produce(topic_, instance_, event.SerializeAsString());
  if (produced) produced = producer_->flush();
  if (!produced) {
    log_json("error", "engine event not published; the engine goes on",
             {{"topic", topic_}, {"action", action}, {"error", produced.error().message}});
  }
}

}  // namespace nexus::app
