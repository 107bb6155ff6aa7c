#include "connectors/kafka_sink.hpp"

#include "connectors/detail/kafka_conf.hpp"

#include <librdkafka/rdkafka.h>

namespace nexus::connectors {

namespace {
rd_kafka_t* rk(void* handle) { return static_cast<rd_kafka_t*>(handle); }
}  // namespace

void KafkaProducer::on_delivery(void* handle, const void* message, void* opaque) {
  (void)handle;
  auto* self = static_cast<KafkaProducer*>(opaque);
  const auto* msg = static_cast<const rd_kafka_message_t*>(message);
  if (msg->err) {
    self->failed_.fetch_add(1);
    self->last_error_ = rd_kafka_err2str(msg->err);
  } else {
    self->delivered_.fetch_add(1);
  }
}

Result<std::unique_ptr<KafkaProducer>> KafkaProducer::create(
    const std::map<std::string, std::string>& properties) {
  NEXUS_TRY(conf, detail::make_conf(detail::KafkaRole::kProducer, properties));
  char error[512];
  std::unique_ptr<KafkaProducer> producer(new KafkaProducer());
  rd_kafka_conf_set_opaque(conf, producer.get());
  rd_kafka_conf_set_dr_msg_cb(conf, [](rd_kafka_t* handle, const rd_kafka_message_t* message,
                                       void* opaque) { on_delivery(handle, message, opaque); });
  rd_kafka_t* handle = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
  if (!handle) {
    rd_kafka_conf_destroy(conf);
    return make_error("kafka", std::string("cannot create producer: ") + error);
  }
  producer->handle_ = handle;
  return producer;
}

KafkaProducer::~KafkaProducer() {
  if (handle_) {
    rd_kafka_flush(rk(handle_), 10'000);
    rd_kafka_destroy(rk(handle_));
  }
}

Result<void> KafkaProducer::produce(const std::string& topic, std::string_view key,
                                    std::string_view value) {
  while (true) {
    const auto err =
        rd_kafka_producev(rk(handle_), RD_KAFKA_V_TOPIC(topic.c_str()),
                          RD_KAFKA_V_KEY(const_cast<char*>(key.data()), key.size()),
                          RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                          RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(rk(handle_), 10);
      continue;
    }
    if (err) {
      failed_.fetch_add(1);
      last_error_ = rd_kafka_err2str(err);
      return make_error("kafka", "produce to " + topic + ": " + rd_kafka_err2str(err));
    }
    rd_kafka_poll(rk(handle_), 0);
    return outcome::success();
  }
}

void KafkaProducer::poll(int timeout_ms) { rd_kafka_poll(rk(handle_), timeout_ms); }

Result<void> KafkaProducer::flush(int timeout_ms) {
  const auto err = rd_kafka_flush(rk(handle_), timeout_ms);
  if (err) return make_error("kafka", std::string("flush: ") + rd_kafka_err2str(err));
  if (const uint64_t failed = failed_.exchange(0)) {
    return make_error("kafka", std::to_string(failed) + " messages not delivered: " + last_error_);
  }
  return outcome::success();
}

void KafkaAlertSink::publish(const nexus::v1::Alert& alert) {
  buffer_.clear();
  alert.SerializeToString(&buffer_);
  // A failed enqueue surfaces at flush (the delivery count falls short), before any checkpoint.
  if (auto result = producer_.produce(topic_, alert.subject(), buffer_); !result) {
    std::fprintf(stderr, "nexus: %s\n", result.error().message.c_str());
  }
}

void KafkaDeadLetterSink::publish(const nexus::v1::DeadLetter& letter) {
  buffer_.clear();
  letter.SerializeToString(&buffer_);
  if (auto result = producer_.produce(topic_, letter.reason(), buffer_); !result) {
    std::fprintf(stderr, "nexus: %s\n", result.error().message.c_str());
  }
}

}  // namespace nexus::connectors
