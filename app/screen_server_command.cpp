// `nexus screen-server`: the yente-compatible screening API (connectors/screen_api.hpp) over
// the imported lists (or list files read directly), and `nexus screen-server token add|list`
// for its tokens file. Main thread; the HTTP server has its own.
#include "app/commands.hpp"
#include "app/common.hpp"
#include "app/config_reader.hpp"
#include "connectors/http_server.hpp"
#include "connectors/lists/index_loader.hpp"
#include "connectors/lists/list_file.hpp"
#include "connectors/lists/list_store.hpp"
#include "connectors/screen_api.hpp"
#include "connectors/screen_tokens.hpp"
#include "engine/screening/name_screener.hpp"

#include <yaml-cpp/yaml.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace nexus::app {

namespace {

std::atomic<bool> g_stop{false};

struct ScreenServerOptions {
  std::string config;
  std::string lists;
  std::vector<std::string> list_files;
  std::string listen;
  std::string tokens;
  double threshold = -1;
  std::string tls_certificate;
  std::string tls_private_key;
  int max_batch = -1;
};

[[noreturn]] void exit_with(const std::string& message) {
  std::fprintf(stderr, "nexus screen-server: %s\n", message.c_str());
  std::exit(2);
}

/// The config file's settings, under the flags: a flag given on the command line wins.
void read_config(ScreenServerOptions& o) {
  if (o.config.empty()) return;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(o.config, ec)) {
    exit_with(o.config + ": no such config file (see deploy/screen-server.yaml)");
  }
  YAML::Node root;
  try {
    root = YAML::LoadFile(o.config);
  } catch (const YAML::Exception& e) {
    config_error(o.config, e.mark, e.msg);
  }
  if (!root.IsMap()) config_error(o.config, root.Mark(), "expected a map of settings");
  const auto base = std::filesystem::path(o.config).parent_path();
  auto resolve = [&base](const std::string& value) {
    if (value.empty() || std::filesystem::path(value).is_absolute()) return value;
    return (base / value).string();
  };
  const std::string& path = o.config;
  check_keys(path, root,
             {"listen", "lists", "list_files", "tokens", "threshold", "max_batch", "tls"},
             "the screen-server config");
  if (o.listen.empty()) o.listen = read<std::string>(path, root["listen"], "", "listen");
  if (o.lists.empty()) o.lists = resolve(read<std::string>(path, root["lists"], "", "lists"));
  if (o.list_files.empty() && root["list_files"]) {
    if (!root["list_files"].IsSequence()) {
      config_error(path, root["list_files"].Mark(), "list_files: expected a list of files");
    }
    for (const auto& file : root["list_files"]) {
      o.list_files.push_back(resolve(read<std::string>(path, file, "", "list_files[]")));
    }
  }
  if (o.tokens.empty()) o.tokens = resolve(read<std::string>(path, root["tokens"], "", "tokens"));
  if (o.threshold < 0 && root["threshold"]) {
    const double value = read<double>(path, root["threshold"], -1, "threshold");
    if (!(value > 0 && value <= 1)) {
      config_error(path, root["threshold"].Mark(), "threshold: expected a number in (0, 1]");
    }
    o.threshold = value;
  }
  if (o.max_batch < 0 && root["max_batch"]) {
    o.max_batch =
        static_cast<int>(read_in_range(path, root["max_batch"], 100, "max_batch", 1, 10000));
  }
  if (auto tls = root["tls"]) {
    check_keys(path, tls, {"certificate", "private_key"}, "tls");
    if (o.tls_certificate.empty()) {
      o.tls_certificate =
          resolve(read<std::string>(path, tls["certificate"], "", "tls.certificate"));
    }
    if (o.tls_private_key.empty()) {
      o.tls_private_key =
          resolve(read<std::string>(path, tls["private_key"], "", "tls.private_key"));
    }
  }
}

/// "127.0.0.1:8000" -> address and port; exits with the reason when it is not one.
std::pair<std::string, uint16_t> parse_listen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size()) {
    exit_with("--listen '" + listen + "': expected ADDRESS:PORT, such as 127.0.0.1:8000");
  }
  std::string address = listen.substr(0, colon);
  if (address.size() > 2 && address.front() == '[' && address.back() == ']') {
    address = address.substr(1, address.size() - 2);
  }
  char* end = nullptr;
  const long port = std::strtol(listen.c_str() + colon + 1, &end, 10);
  if (*end != '\0' || port < 0 || port > 65535) {
    exit_with("--listen '" + listen + "': the port must be a number from 0 to 65535");
  }
  return {address, static_cast<uint16_t>(port)};
}

/// The index and each list's publication date, from list files or an imported data dir.
std::shared_ptr<const screening::ScreeningIndex> load_index(
    const ScreenServerOptions& o, std::map<std::string, std::string>& versions) {
  if (!o.list_files.empty()) {
    std::vector<screening::ListEntry> entries;
    for (const auto& file : o.list_files) {
      auto loaded = lists::load_list_file(file);
      if (!loaded) exit_with(loaded.error().message);
      versions[loaded.value().list] = loaded.value().version;
      for (auto& entry : loaded.value().entries) entries.push_back(std::move(entry));
    }
    auto normalizer = screening::NameNormalizer::create();
    if (!normalizer) exit_with(normalizer.error().message);
    return std::shared_ptr<const screening::ScreeningIndex>(
        screening::ScreeningIndex::build(std::move(entries), normalizer.value()));
  }
  auto index = lists::load_screening_index(o.lists);
  if (!index) exit_with(index.error().message);
  lists::ListStore store(o.lists);
  if (auto stored = store.stored_lists()) {
    for (const auto& info : stored.value()) versions[info.list] = info.source_version;
  }
  return index.value();
}

int run_screen_server(ScreenServerOptions o) {
  read_config(o);
  if (o.listen.empty()) o.listen = "127.0.0.1:8000";
  if (o.lists.empty()) o.lists = "./nexus-data";
  if (o.tokens.empty()) {
    exit_with(
        "no --tokens FILE: every matching request needs a token. Make one with: nexus "
        "screen-server token add NAME --tokens FILE");
  }
  const auto [address, port] = parse_listen(o.listen);
  auto tokens = connectors::ScreenTokens::load(o.tokens);
  if (!tokens) exit_with(tokens.error().message);
  if (tokens.value().size() == 0) {
    exit_with(o.tokens +
              ": no tokens yet; add one with: nexus screen-server token add NAME --tokens " +
              o.tokens);
  }
  const auto started = std::chrono::steady_clock::now();
  connectors::ScreenApiConfig api_config;
  const auto index = load_index(o, api_config.list_versions);
  screening::ScreeningConfig screening_config;
  if (o.threshold > 0) screening_config.threshold = o.threshold;
  auto screener = screening::NameScreener::create(index, screening_config);
  if (!screener) exit_with(screener.error().message);
  if (o.max_batch > 0) api_config.max_batch = static_cast<std::size_t>(o.max_batch);
  const std::size_t token_count = tokens.value().size();
  connectors::ScreenApi api(std::move(screener.value()), std::move(tokens.value()), api_config);
  const auto load_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - started)
                           .count();

  connectors::HttpLimits limits;
  limits.body_limit = 1 << 20;  // a batch of 100 queries with a few names each
  limits.header_limit = 16 * 1024;
  std::optional<connectors::TlsConfig> tls;
  if (!o.tls_certificate.empty() || !o.tls_private_key.empty()) {
    if (o.tls_certificate.empty() || o.tls_private_key.empty()) {
      exit_with("TLS needs both --tls-cert and --tls-key");
    }
    tls = connectors::TlsConfig{o.tls_certificate, o.tls_private_key, dropped_handshake_log()};
  }
  const bool https = tls.has_value();
  auto server = connectors::HttpServer::start(
      address, port, limits,
      [&api](const connectors::HttpRequest& request) { return api.handle(request); },
      std::move(tls));
  if (!server) exit_with(server.error().message);
  std::string datasets;
  for (const auto& dataset : api.datasets()) datasets += (datasets.empty() ? "" : ", ") + dataset;
  std::printf(
      "screen-server at %s://%s:%u/ (yente-compatible: POST /match/{dataset}, GET "
      "/search/{dataset}, GET /entities/{id}; Ctrl-C stops it)\n"
      "  %zu entries, %zu names loaded in %lld ms; datasets: %s\n"
      "  match threshold %.2f unless a request gives one; %zu token(s) from %s\n",
      https ? "https" : "http", address.c_str(), server.value()->port(), index->entries().size(),
      index->names().size(), static_cast<long long>(load_ms), datasets.c_str(),
      api.default_threshold(), token_count, o.tokens.c_str());
  std::fflush(stdout);
  std::signal(SIGINT, [](int) { g_stop = true; });
  std::signal(SIGTERM, [](int) { g_stop = true; });
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::printf("screen-server stopped\n");
  return 0;
}

}  // namespace

void add_screen_server_command(CLI::App& app) {
  auto o = std::make_shared<ScreenServerOptions>();
  CLI::App* server = app.add_subcommand(
      "screen-server",
      "Serve a yente-compatible screening API (POST /match/{dataset}, GET /search/{dataset})");
  server->add_option("--config", o->config,
                     "YAML: listen, lists, list_files, tokens, threshold, "
                     "max_batch, tls {certificate, private_key}");
  server->add_option("--lists", o->lists,
                     "List index directory (nexus lists import); default ./nexus-data");
  server->add_option("--list-file", o->list_files,
                     "Read list files directly instead of --lists (repeatable; any format "
                     "nexus lists import reads)");
  server->add_option("--listen", o->listen, "ADDRESS:PORT; default 127.0.0.1:8000 (yente's port)");
  server->add_option("--tokens", o->tokens,
                     "Tokens file (NAME SCOPES SHA256 a line; nexus screen-server token add)");
  server
      ->add_option("--threshold", o->threshold,
                   "match = score >= this unless a request gives threshold (default 0.88)")
      ->check(CLI::Range(0.01, 1.0));
  server->add_option("--max-batch", o->max_batch, "Queries per /match batch at most (default 100)")
      ->check(CLI::Range(1, 10000));
  server->add_option("--tls-cert", o->tls_certificate, "PEM certificate: serve HTTPS only");
  server->add_option("--tls-key", o->tls_private_key, "PEM private key of --tls-cert");
  server->callback([o, server] {
    if (server->get_subcommands().empty()) std::exit(run_screen_server(*o));
  });

  CLI::App* token = server->add_subcommand("token", "Manage the API tokens file");
  token->require_subcommand(1);
  auto add_name = std::make_shared<std::string>();
  auto add_scopes = std::make_shared<std::string>("match,search");
  auto add_file = std::make_shared<std::string>();
  CLI::App* add = token->add_subcommand(
      "add", "Make a token, print it once, keep only its SHA-256 in the tokens file");
  add->add_option("name", *add_name, "Who uses it (marble, analyst-tool)")->required();
  add->add_option("--scopes", *add_scopes, "match, search or match,search")->capture_default_str();
  add->add_option("--tokens", *add_file, "Tokens file (created 0600 when absent)")->required();
  add->callback([add_name, add_scopes, add_file] {
    auto token_text = connectors::ScreenTokens::add(*add_file, *add_name, *add_scopes);
    if (!token_text) exit_with(token_text.error().message);
    std::printf("token '%s' (scopes %s) added to %s; it is shown only now:\n%s\n",
                add_name->c_str(), add_scopes->c_str(), add_file->c_str(),
                token_text.value().c_str());
    std::exit(0);
  });
  auto list_file = std::make_shared<std::string>();
  CLI::App* list = token->add_subcommand("list", "Show the tokens' names (never the tokens)");
  list->add_option("--tokens", *list_file, "Tokens file")->required();
  list->callback([list_file] {
    auto tokens = connectors::ScreenTokens::load(*list_file);
    if (!tokens) exit_with(tokens.error().message);
    for (const auto& t : tokens.value().tokens()) {
      std::printf("%s  %s\n", t.name.c_str(),
                  t.match && t.search ? "match,search" : (t.match ? "match" : "search"));
    }
    std::exit(0);
  });
}

}  // namespace nexus::app
