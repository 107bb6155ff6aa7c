// nexus_screen_api_bench: `nexus screen-server`'s POST /match over HTTP/1.1 keep-alive, as a
// yente client calls it (see README.md). One ScreenApi on one HttpServer thread (the server
// is single-threaded, so its throughput is per core), over the UN consolidated list
// 2026-02-27 + OFAC SDN CSV 2021-07; C client threads in the same process, each on its own
// keep-alive connection (Boost.Beast, synchronous), send single-name /match requests from a
// mix of yente's non-listed names and perturbed UN names, every name scored afresh
// (NameScreener::score_all is not cached). Prints the setup, then one row per client count:
// requests/s on the wall clock, the server thread's CPU seconds (process CPU minus the
// clients' own thread CPU) and requests per server CPU second, latency percentiles.
// Not a test: it never fails on a number.
#include "connectors/http_server.hpp"
#include "connectors/lists/list_file.hpp"
#include "connectors/screen_api.hpp"
#include "connectors/screen_tokens.hpp"

#include "bench/report.hpp"
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using nexus::bench::load_average;
using nexus::bench::percentile;
using nexus::bench::with_commas;
using SteadyClock = std::chrono::steady_clock;

constexpr const char* kToken = "bench-token";

std::string data(const std::string& relative) {
  return std::string(NEXUS_SHARED_DATA_DIR) + "/" + relative;
}

/// The first column of a yente name CSV (header dropped; names with commas are quoted).
std::vector<std::string> first_column(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (header) {
      header = false;
      continue;
    }
    std::string name;
    if (!line.empty() && line[0] == '"') {
      const auto end = line.find('"', 1);
      name = line.substr(1, end == std::string::npos ? std::string::npos : end - 1);
    } else {
      name = line.substr(0, line.find(','));
    }
    if (!name.empty()) out.push_back(name);
  }
  return out;
}

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) * 1e-6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

struct ClientResult {
  std::vector<double> latency_us;
  std::uint64_t failures = 0;
  std::uint64_t matched = 0;  // responses whose first result is a match
  double cpu_s = 0;
};

/// One keep-alive connection sending `requests` single-name /match bodies from `bodies`,
/// starting at `start`.
ClientResult run_client(uint16_t port, const std::vector<std::string>& bodies, std::size_t start,
                        std::size_t requests) {
  ClientResult out;
  out.latency_us.reserve(requests);
  const double cpu0 = thread_cpu_seconds();
  asio::io_context io;
  tcp::socket socket(io);
  socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  socket.set_option(tcp::no_delay(true));
  beast::flat_buffer buffer;
  for (std::size_t i = 0; i < requests; ++i) {
    http::request<http::string_body> request{http::verb::post, "/match/default", 11};
    request.set(http::field::host, "127.0.0.1");
    request.set(http::field::authorization, std::string("Bearer ") + kToken);
    request.set(http::field::content_type, "application/json");
    request.keep_alive(true);
    request.body() = bodies[(start + i) % bodies.size()];
    request.prepare_payload();
    const auto t0 = SteadyClock::now();
    http::response<http::string_body> response;
    beast::error_code ec;
    http::write(socket, request, ec);
    if (!ec) http::read(socket, buffer, response, ec);
    const auto t1 = SteadyClock::now();
    if (ec || response.result_int() != 200) {
      ++out.failures;
      if (ec) break;
      continue;
    }
    out.latency_us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    // Cheap check that answers are real: the first result's "match":true.
    const auto& body = response.body();
    const auto first = body.find("\"match\":");
    out.matched += first != std::string::npos && body.compare(first + 8, 4, "true") == 0;
  }
  out.cpu_s = thread_cpu_seconds() - cpu0;
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t requests = 20'000;
  std::vector<int> client_counts = {1, 2};
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--requests" && i + 1 < argc) {
      requests = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--clients" && i + 1 < argc) {
      client_counts.clear();
      std::istringstream in(argv[++i]);
      for (std::string item; std::getline(in, item, ',');) client_counts.push_back(std::stoi(item));
    } else {
      std::printf(
          "usage: nexus_screen_api_bench [--requests N] [--clients 1,2]\n"
          "  N requests per client count (default 20,000), spread over the clients\n");
      return arg == "--help" ? 0 : 2;
    }
  }

  std::vector<nexus::screening::ListEntry> entries;
  std::string lists;
  for (const char* file :
       {"sanctions/un_consolidated_2026-02-27.xml", "sanctions/ofac_sdn_csv_2021-07/sdn.csv"}) {
    auto loaded = nexus::lists::load_list_file(data(file));
    if (!loaded) {
      std::fprintf(stderr, "%s\n", loaded.error().message.c_str());
      return 1;
    }
    lists += (lists.empty() ? "" : " + ") + loaded.value().list + " " +
             (loaded.value().version.empty() ? "(undated)" : loaded.value().version);
    for (auto& entry : loaded.value().entries) entries.push_back(std::move(entry));
  }
  auto normalizer = nexus::screening::NameNormalizer::create().value();
  std::shared_ptr<const nexus::screening::ScreeningIndex> index =
      nexus::screening::ScreeningIndex::build(std::move(entries), normalizer);
  auto screener = nexus::screening::NameScreener::create(index).value();
  auto tokens = nexus::connectors::ScreenTokens::from_plain({{"bench", "match", kToken}}).value();
  nexus::connectors::ScreenApi api(std::move(screener), std::move(tokens));
  auto server = nexus::connectors::HttpServer::start(
      "127.0.0.1", 0, nexus::connectors::HttpLimits{},
      [&api](const nexus::connectors::HttpRequest& request) { return api.handle(request); });
  if (!server) {
    std::fprintf(stderr, "%s\n", server.error().message.c_str());
    return 1;
  }
  const uint16_t port = server.value()->port();

  // The mix: yente's non-listed names (as most payment parties are) and perturbed UN names.
  std::vector<std::string> names;
  for (const char* file : {"names/yente_negatives_global_1k.csv", "names/yente_negatives_us_1k.csv",
                           "names/yente_positives_un_treated.csv"}) {
    for (auto& name : first_column(data(file))) names.push_back(std::move(name));
  }
  std::mt19937 rng(7);
  std::shuffle(names.begin(), names.end(), rng);
  std::vector<std::string> bodies;
  std::size_t body_bytes = 0;
  for (const auto& name : names) {
    bodies.push_back(nlohmann::json{
        {"queries", {{"q1", {{"schema", "LegalEntity"}, {"properties", {{"name", {name}}}}}}}}}
                         .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    body_bytes += bodies.back().size();
  }

  std::printf(
      "nexus_screen_api_bench: POST /match/default, one name a request, HTTP/1.1 keep-alive\n");
  std::printf("  lists: %s: %s entries, %s names; one server thread (HttpServer), build %s\n",
              lists.c_str(), with_commas(index->entries().size()).c_str(),
              with_commas(index->names().size()).c_str(), NEXUS_BUILD_TYPE);
  std::printf(
      "  mix: %s names (yente negatives global + US, perturbed UN positives), %zu bytes "
      "a body on average; threshold %.2f, limit 5\n",
      with_commas(bodies.size()).c_str(), body_bytes / std::max<std::size_t>(1, bodies.size()),
      api.default_threshold());
  std::printf("  cpu: %s x %u; load average at start %s\n\n", nexus::bench::cpu_model().c_str(),
              std::thread::hardware_concurrency(), load_average().c_str());

  // What `match` means at yente's default threshold (0.70) and at Nexus's (0.88): the share of
  // yente's non-listed names and of its perturbed UN names whose first result is a match,
  // through ScreenApi::handle (no HTTP).
  {
    std::vector<std::string> negatives, positives;
    for (const char* file :
         {"names/yente_negatives_global_1k.csv", "names/yente_negatives_us_1k.csv"}) {
      for (auto& name : first_column(data(file))) negatives.push_back(std::move(name));
    }
    positives = first_column(data("names/yente_positives_un_treated.csv"));
    auto rate = [&api](const std::vector<std::string>& set, const char* threshold) {
      std::size_t matched = 0;
      for (const auto& name : set) {
        nexus::connectors::HttpRequest request;
        request.method = "POST";
        request.target = std::string("/match/default?threshold=") + threshold;
        request.headers.emplace_back("authorization", std::string("Bearer ") + kToken);
        request.body =
            nlohmann::json{
                {"queries",
                 {{"q1", {{"schema", "LegalEntity"}, {"properties", {{"name", {name}}}}}}}}}
                .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        const auto answer = nlohmann::json::parse(api.handle(request).body, nullptr, false);
        if (answer.is_discarded()) continue;
        const auto& results = answer["responses"]["q1"]["results"];
        matched += !results.empty() && results[0].value("match", false);
      }
      return static_cast<double>(matched) /
             static_cast<double>(std::max<std::size_t>(1, set.size()));
    };
    std::printf(
        "| threshold | non-listed names matched (%zu, yente negatives) | perturbed UN names "
        "matched (%zu, yente positives) |\n",
        negatives.size(), positives.size());
    std::printf("|---|---|---|\n");
    for (const char* threshold : {"0.70", "0.88"}) {
      std::printf("| %s | %.4f | %.4f |\n", threshold, rate(negatives, threshold),
                  rate(positives, threshold));
    }
    std::printf("\n");
  }

  // Warm-up: the normaliser's per-code-point tables and the pair memo fill on first sight.
  run_client(port, bodies, 0, std::min<std::size_t>(bodies.size(), 3000));

  std::printf(
      "| clients | requests | wall s | req/s (wall) | server CPU s | req/s per server core | "
      "p50 µs | p99 µs | p99.9 µs | failures | first result a match |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (const int clients : client_counts) {
    const std::size_t each = requests / static_cast<std::size_t>(std::max(1, clients));
    std::vector<ClientResult> results(static_cast<std::size_t>(clients));
    const double cpu0 = process_cpu_seconds();
    const auto t0 = SteadyClock::now();
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) {
      threads.emplace_back([&, c] {
        results[static_cast<std::size_t>(c)] =
            run_client(port, bodies, static_cast<std::size_t>(c) * 997, each);
      });
    }
    for (auto& thread : threads) thread.join();
    const double wall = std::chrono::duration<double>(SteadyClock::now() - t0).count();
    const double cpu = process_cpu_seconds() - cpu0;
    std::vector<double> latency;
    std::uint64_t failures = 0, matched = 0;
    double client_cpu = 0;
    for (auto& r : results) {
      latency.insert(latency.end(), r.latency_us.begin(), r.latency_us.end());
      failures += r.failures;
      matched += r.matched;
      client_cpu += r.cpu_s;
    }
    const double server_cpu = std::max(1e-9, cpu - client_cpu);
    const std::size_t done = latency.size();
    const double p50 = percentile(latency, 0.50);
    const double p99 = percentile(latency, 0.99);
    const double p999 = percentile(latency, 0.999);
    std::printf(
        "| %d | %s | %.2f | %s | %.2f | %s | %.0f | %.0f | %.0f | %llu | %s |\n", clients,
        with_commas(done).c_str(), wall,
        with_commas(static_cast<std::uint64_t>(static_cast<double>(done) / wall)).c_str(),
        server_cpu,
        with_commas(static_cast<std::uint64_t>(static_cast<double>(done) / server_cpu)).c_str(),
        p50, p99, p999, static_cast<unsigned long long>(failures), with_commas(matched).c_str());
    std::fflush(stdout);
  }
  std::printf("\nload average at end %s\n", load_average().c_str());
  return 0;
}
