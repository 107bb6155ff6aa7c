// nexus desk: the review desk's HTTP API over a SQLite or PostgreSQL store, fed with the
// alerts of a file (what `replay --out` and `demo` write). On first start it creates the
// user `admin` with a one-time password, printed once.
#include "app/commands.hpp"
#include "app/common.hpp"
#include "app/config_reader.hpp"
#include "app/desk_setup.hpp"
#include "connectors/case_material.hpp"
#include "connectors/desk_api.hpp"
#include "connectors/desk_ingest.hpp"
#include "connectors/desk_postgres_store.hpp"
#include "connectors/desk_sqlite_store.hpp"
#include "connectors/http_server.hpp"
#include "rules/compiler.hpp"

#include "desk/alert_record.hpp"
#include "desk/auth.hpp"
#include <google/protobuf/util/json_util.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <thread>

namespace nexus::app {

namespace {

std::atomic<bool> g_stop{false};

struct DeskOptions {
  std::string config;
  std::string alerts;
  std::string store;  // sqlite path, or a postgres conninfo after "postgres:"
  std::string kafka;  // bootstrap.servers
  int port = -1;
};

/// listen.tls: both files, read and checked now, so that a bad one is refused at the line
/// that names it before anything is served.
template <class Resolve>
void read_tls(const std::string& path, const YAML::Node& tls, const Resolve& resolve,
              DeskConfig& config) {
  check_keys(path, tls, {"certificate", "private_key"}, "listen.tls");
  for (const char* key : {"certificate", "private_key"}) {
    if (!tls[key]) {
      config_error(
          path, tls.Mark(),
          std::string("listen.tls: no ") + key + " (give both certificate and private_key)");
    }
  }
  config.tls_certificate =
      resolve(read<std::string>(path, tls["certificate"], "", "listen.tls.certificate"));
  config.tls_private_key =
      resolve(read<std::string>(path, tls["private_key"], "", "listen.tls.private_key"));
  auto checked = connectors::check_tls_files({config.tls_certificate, config.tls_private_key, {}});
  if (!checked) {
    const bool key_at_fault = checked.error().code == "tls_private_key";
    config_error(path, tls[key_at_fault ? "private_key" : "certificate"].Mark(),
                 checked.error().message);
  }
}

}  // namespace

namespace {

std::map<std::string, std::string> read_code_map(const std::string& path, const YAML::Node& node,
                                                 const char* what) {
  std::map<std::string, std::string> out;
  if (!node) return out;
  if (!node.IsMap()) config_error(path, node.Mark(), std::string(what) + ": expected a map");
  for (const auto& item : node) {
    out[item.first.as<std::string>()] = read<std::string>(path, item.second, "", what);
  }
  return out;
}

}  // namespace

desk::GoamlEntity load_goaml_entity(const std::string& path) {
  if (path.empty()) return desk::placeholder_goaml_entity();
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    std::fprintf(stderr, "nexus: %s: %s\n", path.c_str(), e.what());
    std::exit(2);
  }
  check_keys(path, root,
             {"rentity_id", "rentity_branch", "currency_code_local", "reporting_person", "location",
              "action", "transmode_codes", "funds_codes", "indicator_codes"},
             "the entity config");
  desk::GoamlEntity entity;
  entity.rentity_id = read<int64_t>(path, root["rentity_id"], 0, "rentity_id");
  entity.rentity_branch = read<std::string>(path, root["rentity_branch"], "", "rentity_branch");
  entity.currency_code_local =
      read<std::string>(path, root["currency_code_local"], "", "currency_code_local");
  if (const auto person = root["reporting_person"]) {
    check_keys(path, person, {"first_name", "last_name", "email", "occupation"},
               "reporting_person");
    entity.reporting_person.first_name =
        read<std::string>(path, person["first_name"], "", "first_name");
    entity.reporting_person.last_name =
        read<std::string>(path, person["last_name"], "", "last_name");
    entity.reporting_person.email = read<std::string>(path, person["email"], "", "email");
    entity.reporting_person.occupation =
        read<std::string>(path, person["occupation"], "", "occupation");
  }
  if (const auto location = root["location"]) {
    check_keys(path, location, {"address_type", "address", "city", "zip", "country_code", "state"},
               "location");
    entity.location.address_type =
        read<std::string>(path, location["address_type"], "-", "address_type");
    entity.location.address = read<std::string>(path, location["address"], "", "address");
    entity.location.city = read<std::string>(path, location["city"], "", "city");
    entity.location.zip = read<std::string>(path, location["zip"], "", "zip");
    entity.location.country_code =
        read<std::string>(path, location["country_code"], "", "country_code");
    entity.location.state = read<std::string>(path, location["state"], "", "state");
  }
  entity.action = read<std::string>(path, root["action"], entity.action, "action");
  entity.transmode_codes = read_code_map(path, root["transmode_codes"], "transmode_codes");
  entity.funds_codes = read_code_map(path, root["funds_codes"], "funds_codes");
  entity.indicator_codes = read_code_map(path, root["indicator_codes"], "indicator_codes");
  return entity;
}

DeskConfig load_desk_config(const std::string& path) {
  DeskConfig config;
  if (path.empty()) return config;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    std::fprintf(stderr, "nexus: %s: no such config file (see deploy/desk.yaml)\n", path.c_str());
    std::exit(2);
  }
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    config_error(path, e.mark, e.msg);
  }
  const auto base = std::filesystem::path(path).parent_path();
  auto resolve = [&base](const std::string& value) {
    if (value.empty() || std::filesystem::path(value).is_absolute()) return value;
    return (base / value).string();
  };
  check_keys(path, root,
             {"listen", "store", "alerts_file", "kafka", "alerts_topic", "events_topic",
              "secure_cookies", "web_dir", "audit", "rules", "lists", "transactions", "goaml"},
             "the desk config");
  read_kafka_settings(path, root["kafka"], config.kafka);
  config.alerts_topic = read(path, root["alerts_topic"], config.alerts_topic, "alerts_topic");
  config.events_topic = read(path, root["events_topic"], config.events_topic, "events_topic");
  if (auto listen = root["listen"]) {
    check_keys(path, listen, {"address", "port", "tls"}, "listen");
    config.address = read(path, listen["address"], config.address, "listen.address");
    config.port =
        static_cast<int>(read_in_range(path, listen["port"], config.port, "listen.port", 0, 65535));
    if (auto tls = listen["tls"]) read_tls(path, tls, resolve, config);
  }
  if (auto store = root["store"]) {
    check_keys(path, store, {"sqlite", "postgres"}, "store");
    if (store["sqlite"] && store["postgres"]) {
      config_error(path, store.Mark(), "store: give sqlite or postgres, not both");
    }
    config.sqlite = resolve(read(path, store["sqlite"], config.sqlite, "store.sqlite"));
    config.postgres = read<std::string>(path, store["postgres"], "", "store.postgres");
  }
  config.alerts_file = resolve(read<std::string>(path, root["alerts_file"], "", "alerts_file"));
  config.secure_cookies = read(path, root["secure_cookies"], false, "secure_cookies");
  config.web_dir = resolve(read(path, root["web_dir"], config.web_dir, "web_dir"));
  if (auto audit = root["audit"]) {
    check_keys(path, audit, {"key", "sign_every"}, "audit");
    config.audit_key = resolve(read<std::string>(path, audit["key"], "", "audit.key"));
    config.audit_sign_every_ms =
        read_duration(path, audit["sign_every"], config.audit_sign_every_ms, "audit.sign_every");
  }
  config.rules_dir = resolve(read<std::string>(path, root["rules"], "", "rules"));
  config.lists_dir = resolve(read<std::string>(path, root["lists"], "", "lists"));
  if (auto files = root["transactions"]) {
    if (files.IsScalar()) {
      config.transaction_files.push_back(
          resolve(read<std::string>(path, files, "", "transactions")));
    } else if (files.IsSequence()) {
      for (const auto& file : files) {
        config.transaction_files.push_back(
            resolve(read<std::string>(path, file, "", "transactions")));
      }
    } else {
      config_error(path, files.Mark(), "transactions: a file or a list of files");
    }
  }
  if (auto goaml = root["goaml"]) {
    check_keys(path, goaml, {"entity", "schema"}, "goaml");
    config.goaml_entity = resolve(read<std::string>(path, goaml["entity"], "", "goaml.entity"));
    config.goaml_schema = resolve(read<std::string>(path, goaml["schema"], "", "goaml.schema"));
  }
  return config;
}

namespace {

/// Reads an alerts file (NDJSON, one nexus.v1.Alert in protobuf's JSON mapping a line) into
/// the store, 1,000 a transaction. A line that is not an alert is reported with its number
/// and skipped; a shadow rule's alert (`shadow`) is counted and skipped, never stored; the
/// rest are stored, each once (by id).
int ingest_file(desk::DeskStore& store, const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "nexus: cannot read alerts file %s\n", path.c_str());
    return -1;
  }
  std::vector<desk::AlertRecord> batch;
  size_t read_lines = 0, refused = 0, stored = 0, shadow = 0;
  auto flush = [&]() -> bool {
    if (batch.empty()) return true;
    auto added = store.insert_batch(batch);
    if (!added) {
      std::fprintf(stderr, "nexus: desk store: %s\n", added.error().message.c_str());
      return false;
    }
    stored += added.value();
    batch.clear();
    return true;
  };
  std::string line;
  size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    ++read_lines;
    nexus::v1::Alert alert;
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;
    const auto status = google::protobuf::util::JsonStringToMessage(line, &alert, options);
    if (!status.ok() || alert.id().empty()) {
      ++refused;
      std::string why = status.ok() ? "no id" : std::string(status.message());
      for (char& c : why) c = c == '\n' ? ' ' : c;
      std::fprintf(stderr, "nexus: %s:%zu: not an alert (%s); skipped\n", path.c_str(), number,
                   why.c_str());
      continue;
    }
    if (alert.shadow()) {
      // A shadow rule's alert (from a --shadow-out file): never into the analysts' queue.
      ++shadow;
      continue;
    }
    batch.push_back(desk::alert_record_from(alert));
    if (batch.size() >= 1000 && !flush()) return -1;
  }
  if (shadow > 0) {
    std::fprintf(stderr,
                 "nexus: %s: %zu shadow alert(s) skipped: shadow rules' alerts never enter the "
                 "analysts' queue\n",
                 path.c_str(), shadow);
  }
  if (!flush()) return -1;
  std::printf("alerts from %s: %zu read, %zu new, %zu already stored, %zu refused\n", path.c_str(),
              read_lines, stored, read_lines - refused - stored - shadow, refused);
  return static_cast<int>(refused);
}

int run_desk(const DeskOptions& options) {
  DeskConfig config = load_desk_config(options.config);
  if (!options.alerts.empty()) config.alerts_file = options.alerts;
  if (options.port >= 0) config.port = options.port;
  if (!options.kafka.empty()) config.kafka["bootstrap.servers"] = options.kafka;
  apply_store_option(&config, options.store);
  return serve_desk(config);
}

}  // namespace

void apply_store_option(DeskConfig* config, const std::string& store) {
  if (store.empty()) return;
  if (store.rfind("postgres:", 0) == 0) {
    config->postgres = store.substr(9);
  } else {
    config->sqlite = store;
    config->postgres.clear();
  }
}

Result<std::unique_ptr<desk::DeskStore>> open_desk_store(const DeskConfig& config,
                                                         std::string* where) {
  if (!config.postgres.empty()) {
    connectors::PostgresDeskConfig pg;
    pg.conninfo = config.postgres;
    *where = "PostgreSQL";
    return connectors::open_postgres_desk_store(pg);
  }
  std::error_code ec;
  const auto parent = std::filesystem::path(config.sqlite).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  connectors::SqliteDeskConfig sqlite;
  sqlite.path = config.sqlite;
  *where = "SQLite " + config.sqlite;
  return connectors::open_sqlite_desk_store(sqlite);
}

int serve_desk(const DeskConfig& config) {
  // The rules and lists pages' sources, refused before the store is touched.
  connectors::DeskApiConfig api_config;
  if (!config.rules_dir.empty()) {
    // A rule set the engine would refuse is refused here too, before serving.
    const auto rule_set = load_rules_or_exit(config.rules_dir);
    api_config.rules_dir = config.rules_dir;
    api_config.ruleset_hash = rule_set->content_hash;
    // The bytes an evidence package bundles, and the rule set compiled from those bytes.
    auto files = connectors::read_rule_files(config.rules_dir);
    if (!files) {
      std::fprintf(stderr, "nexus: rules: %s\n", files.error().message.c_str());
      return 2;
    }
    std::vector<rules::RuleSource> sources;
    for (const auto& file : files.value()) {
      sources.push_back(
          {(std::filesystem::path(config.rules_dir) / file.name).string(), file.bytes});
    }
    auto compiled = rules::compile_rules(sources);
    if (!compiled) {
      std::fprintf(stderr, "nexus: rules refused:\n%s\n", compiled.error().message.c_str());
      return 2;
    }
    api_config.rule_files = std::move(files.value());
    api_config.rule_set = compiled.value();
    for (const auto& rule : rule_set->rules) {
      // rules::Severity numbers its values as nexus.v1.Severity does (alert_builder.cpp).
      api_config.rules.push_back({rule.id, rule.version, rule.title,
                                  static_cast<nexus::v1::Severity>(static_cast<int>(rule.severity)),
                                  rule.typologies, rule.source});
    }
  }
  if (!config.lists_dir.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_directory(std::filesystem::path(config.lists_dir) / "lists", ec)) {
      std::fprintf(stderr,
                   "nexus: lists: %s holds no imported lists (nexus lists import --data-dir %s "
                   "<file>)\n",
                   config.lists_dir.c_str(), config.lists_dir.c_str());
      return 2;
    }
    api_config.lists_dir = config.lists_dir;
  }
  // goAML reports: the entity and the schema, refused before serving as `report goaml`
  // refuses them.
  api_config.goaml_entity = load_goaml_entity(config.goaml_entity);
  {
    const std::string path =
        config.goaml_schema.empty() ? NEXUS_DEFAULT_GOAML_SCHEMA : config.goaml_schema;
    auto schema = desk::GoamlSchema::load(path);
    if (schema) {
      api_config.goaml_schema =
          std::make_shared<const desk::GoamlSchema>(std::move(schema.value()));
    } else if (!config.goaml_schema.empty()) {
      std::fprintf(stderr, "nexus: goaml.schema: %s\n", schema.error().message.c_str());
      return 2;
    } else {
      std::fprintf(stderr,
                   "nexus: goAML reports are off: no schema at %s (set goaml.schema in the desk "
                   "config)\n",
                   path.c_str());
    }
  }
  for (const auto& file : config.transaction_files) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) {
      std::fprintf(stderr, "nexus: transactions: %s: no such file\n", file.c_str());
      return 2;
    }
  }
  api_config.transaction_files = config.transaction_files;
  std::string where;
  auto open_store = [&config, &where] { return open_desk_store(config, &where); };
  auto opened = open_store();
  if (!opened) {
    std::fprintf(stderr, "nexus: desk store (%s) refused: %s\n", where.c_str(),
                 opened.error().message.c_str());
    return 2;
  }
  desk::DeskStore& store = *opened.value();
  // First start: one admin, with a password shown once and never stored in clear.
  auto users = store.list_users();
  if (!users) {
    std::fprintf(stderr, "nexus: desk store: %s\n", users.error().message.c_str());
    return 2;
  }
  if (users.value().empty()) {
    const std::string password = desk::one_time_password();
    desk::User admin{"admin", desk::Role::kAdmin, desk::hash_password(password).value(), false,
                     desk::system_desk_clock()()};
    if (auto created = store.create_user({"nexus-desk", desk::Role::kAdmin}, admin); !created) {
      std::fprintf(stderr, "nexus: desk store: %s\n", created.error().message.c_str());
      return 2;
    }
    std::printf(
        "first start: created user 'admin' (role admin) with the one-time password\n\n    %s\n\n"
        "it is shown only now; log in and change it (POST /api/v1/session/password), then "
        "create the analysts, supervisors and auditors (POST /api/v1/users)\n",
        password.c_str());
  }
  if (!config.alerts_file.empty() && ingest_file(store, config.alerts_file) < 0) return 2;

  // The audit chain: the key that signs its heads (made on first start), a check of the
  // whole chain before serving, and a signer on a connection of its own.
  const std::string key_path = audit_key_path(config);
  bool key_created = false;
  auto key = load_or_create_audit_key(key_path, &key_created);
  if (!key) {
    std::fprintf(stderr, "nexus: audit signing key refused: %s\n", key.error().message.c_str());
    return 2;
  }
  auto signer_store = open_store();
  if (!signer_store) {
    std::fprintf(stderr, "nexus: desk store (%s) refused: %s\n", where.c_str(),
                 signer_store.error().message.c_str());
    return 2;
  }
  AuditSigner signer(std::move(signer_store.value()), key.value(), audit_heads_path(config));
  auto record_desk = [&store, &where, &key](const char* action) {
    const nlohmann::json after = {{"version", NEXUS_VERSION},
                                  {"store", where},
                                  {"public_key", desk::public_key_hex(key.value())}};
    if (auto recorded = store.record({"nexus-desk", "system", action, "desk", "{}", after.dump()});
        !recorded) {
      std::fprintf(stderr, "nexus: audit log: %s\n", recorded.error().message.c_str());
    }
  };
  bool reported_broken = false;
  auto sign = [&signer, &reported_broken, &key_path](bool say) {
    auto signed_head = signer.tick();
    if (!signed_head) {
      std::fprintf(stderr, "nexus: audit log: %s\n", signed_head.error().message.c_str());
      return;
    }
    const desk::AuditVerdict& verdict = signer.verdict();
    if (!verdict.intact && !reported_broken) {
      reported_broken = true;
      std::fprintf(stderr,
                   "nexus: the audit log does NOT verify: entry %lld: %s: %s\n"
                   "nexus: no head is signed until it does; see nexus audit verify\n",
                   static_cast<long long>(verdict.problem_seq), verdict.problem.c_str(),
                   verdict.detail.c_str());
    } else if (verdict.intact && say) {
      std::printf(
          "audit log: %lld entries, chain intact, signed through entry %lld (public key "
          "%s.pub)\n",
          static_cast<long long>(verdict.entries), static_cast<long long>(verdict.last_signed_seq),
          key_path.c_str());
    }
  };
  if (key_created) {
    std::printf("audit signing key: created %s (give its public half, %s.pub, to the auditors)\n",
                key_path.c_str(), key_path.c_str());
  }
  record_desk("desk.start");
  sign(true);

  // The alerts topic, on a thread and a store connection of its own.
  std::unique_ptr<connectors::DeskIngest> ingest;
  if (config.kafka.count("bootstrap.servers")) {
    auto second = open_store();
    if (!second) {
      std::fprintf(stderr, "nexus: desk store (%s) refused: %s\n", where.c_str(),
                   second.error().message.c_str());
      return 2;
    }
    connectors::DeskIngestConfig ingest_config;
    ingest_config.kafka = config.kafka;
    ingest_config.topic = config.alerts_topic;
    ingest_config.events_topic = config.events_topic;
    ingest_config.on_refused = [](const std::string& at, const std::string& why) {
      log_json("warn", "alert record refused; the desk goes on", {{"at", at}, {"why", why}});
    };
    auto started =
        connectors::DeskIngest::start(std::move(ingest_config), std::move(second.value()));
    if (!started) {
      std::fprintf(stderr, "nexus: %s\n", started.error().message.c_str());
      return 2;
    }
    ingest = std::move(started.value());
  }

  api_config.secure_cookies = config.secure_cookies;
  api_config.web_dir = config.web_dir;
  api_config.audit_public_key = key.value().public_key;
  api_config.signing_key = key.value();
  static std::atomic<bool> sign_requested{false};
  api_config.on_export = [] { sign_requested = true; };
  connectors::DeskApi api(store, desk::system_desk_clock(), api_config);
  if (const desk::AuditVerifier* checked = signer.verifier()) {
    api.resume_audit_check(*checked, signer.newest_head_id());
  }
  connectors::HttpLimits limits;
  limits.body_limit = 1 << 20;
  limits.header_limit = 16 * 1024;
  limits.request_timeout = std::chrono::seconds(10);
  std::optional<connectors::TlsConfig> tls;
  if (!config.tls_certificate.empty() || !config.tls_private_key.empty()) {
    tls = connectors::TlsConfig{config.tls_certificate, config.tls_private_key,
                                dropped_handshake_log()};
  }
  const bool https = tls.has_value();
  auto server = connectors::HttpServer::start(
      config.address, static_cast<uint16_t>(config.port), limits,
      [&api](const connectors::HttpRequest& request) { return api.handle(request); },
      std::move(tls));
  if (!server) {
    std::fprintf(stderr, "nexus: %s\n", server.error().message.c_str());
    return 2;
  }
  std::printf("desk (%s) at %s://%s:%u/ (API under /api/v1; Ctrl-C stops it)\n", where.c_str(),
              https ? "https" : "http", config.address.c_str(), server.value()->port());
  std::fflush(stdout);
  std::signal(SIGINT, [](int) { g_stop = true; });
  std::signal(SIGTERM, [](int) { g_stop = true; });
  if (ingest) {
    std::printf(
        "consuming topic %s at %s (group %s, read_committed)\n", config.alerts_topic.c_str(),
        config.kafka.at("bootstrap.servers").c_str(),
        config.kafka.count("group.id") ? config.kafka.at("group.id").c_str() : "nexus-desk");
    std::fflush(stdout);
  }
  uint64_t reported = 0, reported_refused = 0;
  auto last_report = std::chrono::steady_clock::now();
  auto last_signed = last_report;
  while (!g_stop) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (sign_requested.exchange(false) ||
        std::chrono::steady_clock::now() - last_signed >=
            std::chrono::milliseconds(config.audit_sign_every_ms)) {
      sign(false);
      last_signed = std::chrono::steady_clock::now();
    }
    if (!ingest) continue;
    const auto& counts = ingest->counts();
    const uint64_t seen = counts.stored + counts.duplicates;
    const auto now = std::chrono::steady_clock::now();
    if ((seen != reported || counts.refused != reported_refused) &&
        now - last_report >= std::chrono::seconds(1)) {
      std::printf("alerts from topic %s: %llu stored, %llu already stored, %llu refused\n",
                  config.alerts_topic.c_str(), static_cast<unsigned long long>(counts.stored),
                  static_cast<unsigned long long>(counts.duplicates),
                  static_cast<unsigned long long>(counts.refused.load()));
      std::fflush(stdout);
      reported = seen;
      reported_refused = counts.refused;
      last_report = now;
    }
  }
  ingest.reset();
  server.value().reset();
  record_desk("desk.stop");
  sign(false);
  std::printf("desk stopped (audit log signed through entry %lld)\n",
              static_cast<long long>(signer.verdict().last_signed_seq));
  return 0;
}

void add_desk_command(CLI::App& app) {
  auto options = std::make_shared<DeskOptions>();
  auto* command = app.add_subcommand(
      "desk", "Serve the review desk's API over a SQLite or PostgreSQL store of alerts");
  command->add_option("--config,-c", options->config, "YAML config (see deploy/desk.yaml)");
  command->add_option("--alerts", options->alerts,
                      "Store the alerts of this file first (NDJSON, as replay --out writes)");
  command->add_option("--store", options->store,
                      "SQLite file, or postgres:<libpq connection string> (overrides the config)");
  command->add_option("--kafka", options->kafka,
                      "Consume the alerts topic of this Kafka (bootstrap.servers)");
  command->add_option("--port", options->port, "Listen port (0 picks a free one)")
      ->check(CLI::Range(0, 65535));
  command->callback([options] { std::exit(run_desk(*options)); });
}

}  // namespace nexus::app
