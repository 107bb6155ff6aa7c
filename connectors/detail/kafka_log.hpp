// librdkafka's log lines as the one-JSON-object-per-line logs Nexus writes on
// stderr (instead of librdkafka's own "%3|...|FAIL|..." text). Called on
// librdkafka's threads; writes one line with one fprintf.
#pragma once

#include <librdkafka/rdkafka.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>

namespace nexus::connectors::detail {

inline void kafka_log_line(const rd_kafka_t* handle, int level, const char* facility,
                           const char* message) {
  nlohmann::json line;
  line["level"] = level <= 3 ? "error" : level <= 4 ? "warn" : "info";
  line["msg"] = "kafka";
  line["client"] = rd_kafka_name(handle);
  line["facility"] = facility ? facility : "";
  line["detail"] = message ? message : "";
  const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::fprintf(stderr, "%s\n", text.c_str());
}

inline void use_json_log(rd_kafka_conf_t* conf) { rd_kafka_conf_set_log_cb(conf, kafka_log_line); }

}  // namespace nexus::connectors::detail
