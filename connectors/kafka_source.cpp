#include "connectors/kafka_source.hpp"

#include "connectors/detail/kafka_conf.hpp"

#include <librdkafka/rdkafka.h>

#include <cstdio>

namespace nexus::connectors {

namespace {
rd_kafka_t* rk(void* handle) { return static_cast<rd_kafka_t*>(handle); }
const rd_kafka_message_t* msg(void* message) { return static_cast<rd_kafka_message_t*>(message); }
}  // namespace

KafkaRecord::~KafkaRecord() {
  if (message_) rd_kafka_message_destroy(static_cast<rd_kafka_message_t*>(message_));
}
std::string_view KafkaRecord::value() const {
  return {static_cast<const char*>(msg(message_)->payload), msg(message_)->len};
}
std::string_view KafkaRecord::topic() const { return rd_kafka_topic_name(msg(message_)->rkt); }
int32_t KafkaRecord::partition() const { return msg(message_)->partition; }
int64_t KafkaRecord::offset() const { return msg(message_)->offset; }
int64_t KafkaRecord::timestamp_ms() const {
  return rd_kafka_message_timestamp(msg(message_), nullptr);
}

void KafkaSource::on_rebalance(void* handle, int err, void* partitions, void* opaque) {
  auto* self = static_cast<KafkaSource*>(opaque);
  auto* list = static_cast<rd_kafka_topic_partition_list_t*>(partitions);
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    for (int i = 0; i < list->cnt; ++i) {
      auto& partition = list->elems[i];
      const auto start = self->config_.start_offset
                             ? self->config_.start_offset(partition.topic, partition.partition)
                             : std::nullopt;
      partition.offset = start                                 ? *start
                         : self->config_.resume_from_committed ? RD_KAFKA_OFFSET_STORED
                                                               : RD_KAFKA_OFFSET_BEGINNING;
    }
    rd_kafka_assign(rk(handle), list);
    self->assigned_ = static_cast<size_t>(list->cnt);
  } else {
    if (self->config_.on_revoke) self->config_.on_revoke();
    rd_kafka_assign(rk(handle), nullptr);
    self->assigned_ = 0;
  }
}

Result<std::unique_ptr<KafkaSource>> KafkaSource::create(KafkaSourceConfig config) {
  NEXUS_TRY(conf, detail::make_conf(detail::KafkaRole::kConsumer, config.properties));
  char error[512];
  std::unique_ptr<KafkaSource> source(new KafkaSource());
  source->config_ = std::move(config);
  rd_kafka_conf_set_opaque(conf, source.get());
  rd_kafka_conf_set_rebalance_cb(
      conf,
      [](rd_kafka_t* handle, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* partitions,
         void* opaque) { on_rebalance(handle, err, partitions, opaque); });
  rd_kafka_t* handle = rd_kafka_new(RD_KAFKA_CONSUMER, conf, error, sizeof error);
  if (!handle) {
    rd_kafka_conf_destroy(conf);
    return make_error("kafka", std::string("cannot create consumer: ") + error);
  }
  source->handle_ = handle;
  rd_kafka_poll_set_consumer(handle);
  rd_kafka_topic_partition_list_t* topics =
      rd_kafka_topic_partition_list_new(static_cast<int>(source->config_.topics.size()));
  for (const auto& topic : source->config_.topics) {
    rd_kafka_topic_partition_list_add(topics, topic.c_str(), RD_KAFKA_PARTITION_UA);
  }
  const auto err = rd_kafka_subscribe(handle, topics);
  rd_kafka_topic_partition_list_destroy(topics);
  if (err) return make_error("kafka", std::string("subscribe: ") + rd_kafka_err2str(err));
  return source;
}

KafkaSource::~KafkaSource() {
  if (handle_) {
    rd_kafka_consumer_close(rk(handle_));
    rd_kafka_destroy(rk(handle_));
  }
}

std::optional<KafkaRecord> KafkaSource::poll(int timeout_ms) {
  rd_kafka_message_t* message = rd_kafka_consumer_poll(rk(handle_), timeout_ms);
  if (!message) return std::nullopt;
  if (message->err) {
    if (message->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      ++errors_;
      if (errors_ <= 10 || errors_ % 1000 == 0) {
        std::fprintf(stderr,
                     "{\"level\":\"warn\",\"msg\":\"kafka consume error\",\"error\":\"%s\"}\n",
                     rd_kafka_message_errstr(message));
      }
    }
    rd_kafka_message_destroy(message);
    return std::nullopt;
  }
  return KafkaRecord(message);
}

void KafkaSource::commit(const std::map<std::pair<std::string, int32_t>, int64_t>& next_offsets) {
  if (next_offsets.empty()) return;
  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(static_cast<int>(next_offsets.size()));
  for (const auto& [where, offset] : next_offsets) {
    rd_kafka_topic_partition_list_add(list, where.first.c_str(), where.second)->offset = offset;
  }
  rd_kafka_commit(rk(handle_), list, 1);
  rd_kafka_topic_partition_list_destroy(list);
}

}  // namespace nexus::connectors
