// nexus_desk_bench: the review desk's store and queue on SQLite (see README.md):
//   (a) alerts stored per second through DeskStore::insert_batch, batches of 1,000
//       generated nexus.v1.Alert messages (varied rules, subjects, severities, scores,
//       times, names, sanctions hits) made into records by desk::alert_record_from;
//   (b) queue-page latency through DeskApi::handle (a logged-in analyst's
//       GET /api/v1/alerts?..., so session check, SQL and JSON encoding are included) for
//       two-filter-and-sort queries over everything stored, first pages and pages
//       followed through next_cursor.
// Prints its setup, then markdown tables. Not a test: it never fails on a number.
#include "connectors/desk_api.hpp"
#include "connectors/desk_sqlite_store.hpp"

#include "bench/report.hpp"
#include "desk/alert_record.hpp"
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using nexus::bench::load_average;
using nexus::bench::percentile;
using nexus::bench::seconds_since;
using nexus::bench::with_commas;
using SteadyClock = std::chrono::steady_clock;

struct Options {
  uint64_t alerts = 1'000'000;  // --alerts, or NEXUS_DESK_BENCH_ALERTS
  uint64_t batch = 1'000;
  uint64_t subjects = 0;  // 0: alerts / 20
  int pages = 250;        // timed pages per query
  int limit = 50;         // alerts per page, as the web UI asks
  int cache_mib = 0;      // SQLite page cache; 0: SqliteDeskConfig's default
  uint64_t seed = 1;
  std::string keep;   // keep the database at this path (for EXPLAIN QUERY PLAN)
  std::string reuse;  // queue pages only, over a database an earlier --keep run left
};

void usage() {
  std::printf(
      "usage: nexus_desk_bench [--alerts N] [--batch B] [--subjects S] [--pages P] [--limit L]\n"
      "                        [--cache-mib M]\n"
      "                        [--seed S] [--keep FILE | --reuse FILE]\n"
      "  NEXUS_DESK_BENCH_ALERTS=N sets the default of --alerts (1,000,000)\n");
}

std::optional<Options> parse(int argc, char** argv) {
  Options options;
  if (const char* env = std::getenv("NEXUS_DESK_BENCH_ALERTS")) {
    options.alerts = std::strtoull(env, nullptr, 10);
  }
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) return std::nullopt;
    const char* value = argv[++i];
    const uint64_t number = std::strtoull(value, nullptr, 10);
    if (flag == "--alerts") {
      options.alerts = number;
    } else if (flag == "--batch") {
      options.batch = number;
    } else if (flag == "--subjects") {
      options.subjects = number;
    } else if (flag == "--pages") {
      options.pages = static_cast<int>(number);
    } else if (flag == "--limit") {
      options.limit = static_cast<int>(number);
    } else if (flag == "--cache-mib") {
      options.cache_mib = static_cast<int>(number);
    } else if (flag == "--seed") {
      options.seed = number;
    } else if (flag == "--keep") {
      options.keep = value;
    } else if (flag == "--reuse") {
      options.reuse = value;
    } else {
      return std::nullopt;
    }
  }
  if (options.alerts < 1 || options.batch < 1 || options.pages < 1 || options.limit < 1 ||
      options.limit > 1000) {
    return std::nullopt;
  }
  if (options.subjects == 0) options.subjects = std::max<uint64_t>(1, options.alerts / 20);
  return options;
}

[[noreturn]] void die(const std::string& message) {
  nexus::bench::fail("nexus_desk_bench", message);
}

// ---------------------------------------------------------------------------
// Generated alerts: what the shipped packs raise, in rough proportions.

struct RuleShape {
  const char* id;
  uint32_t version;
  const char* title;
  std::vector<std::string> typologies;
  int weight;            // share of all alerts, in percent
  bool sanctions;        // carries a sanctions hit
  const char* evidence;  // the aggregate or field the rule compared
};

const std::vector<RuleShape>& rule_shapes() {
  static const std::vector<RuleShape> kRules = {
      {"AML-STRUCT-CASH",
       2,
       "Cash deposits just under the reporting threshold",
       {"structuring"},
       20,
       false,
       "agg.cash_deposits_7d.count"},
      {"AML-FANIN-MULE",
       3,
       "Many distinct senders into one account within 24h",
       {"money-mules"},
       15,
       false,
       "agg.inbound_by_beneficiary_24h.distinct_originator_account"},
      {"AML-RAPID-PASS",
       1,
       "Funds in and out again within 48h",
       {"layering"},
       15,
       false,
       "agg.pass_through_48h.ratio"},
      {"AML-ROUND-AMT",
       1,
       "Repeated round-amount transfers",
       {"structuring"},
       10,
       false,
       "agg.round_amounts_30d.count"},
      {"AML-HIGH-RISK-GEO",
       2,
       "Transfer to a high-risk jurisdiction",
       {"high-risk-geography"},
       10,
       false,
       "beneficiary.country"},
      {"TF-CROWDFUND",
       1,
       "Crowdfunding payouts towards conflict-adjacent regions",
       {"terrorist-financing", "crowdfunding"},
       5,
       false,
       "agg.crowdfund_payouts_7d.sum_usd"},
      {"TF-NPO-DIVERSION",
       1,
       "Charity funds diverted to personal accounts",
       {"terrorist-financing", "npo"},
       3,
       false,
       "originator.category"},
      {"HT-ADS-PAYMENTS",
       2,
       "Payments to online classified-ad sites",
       {"human-trafficking"},
       5,
       false,
       "remittance_info"},
      {"HT-HOTEL-NIGHTS",
       1,
       "Many short hotel stays paid by one card",
       {"human-trafficking"},
       4,
       false,
       "agg.hotel_nights_30d.count"},
      {"SAN-NAME-MATCH",
       4,
       "Party name matches a sanctions list entry",
       {"sanctions"},
       5,
       true,
       "screening.name"},
      {"NET-FAN-OUT",
       1,
       "Fan-out to many new beneficiaries",
       {"money-mules", "layering"},
       5,
       false,
       "pattern.fan_out"},
      {"NET-EXPOSURE",
       1,
       "Two hops from a listed account",
       {"sanctions-exposure"},
       3,
       true,
       "exposure.sanctions"},
  };
  return kRules;
}

const std::vector<std::string> kFirstNames = {
    "Maria", "Ahmed", "Olga", "John",  "Wei",   "Fatima", "Carlos", "Anna", "Yusuf", "Elena",
    "Omar",  "Sofia", "Ivan", "Amina", "Lucas", "Hana",   "Pedro",  "Lena", "Tariq", "Nora"};
const std::vector<std::string> kLastNames = {"Garcia", "Khan",   "Petrova", "Smith",  "Chen",
                                             "Haddad", "Silva",  "Novak",   "Demir",  "Rossi",
                                             "Nasser", "Jensen", "Ivanova", "Okafor", "Martin",
                                             "Tanaka", "Moreau", "Weber",   "Rahman", "Costa"};
const std::vector<std::string> kRemittance = {"invoice consulting services",
                                              "rent",
                                              "school fees",
                                              "donation relief fund",
                                              "loan repayment",
                                              "family support",
                                              "car parts",
                                              "online ads",
                                              "hotel booking",
                                              "payroll"};

uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// Deterministic alerts: the i-th alert depends only on (seed, i).
class AlertMaker {
 public:
  explicit AlertMaker(const Options& options) : options_(options) {
    for (size_t r = 0; r < rule_shapes().size(); ++r) {
      for (int w = 0; w < rule_shapes()[r].weight; ++w) rule_by_percent_.push_back(r);
    }
  }

  // Event times spread over 90 days from 1 Sep 2026, in arrival order give or take an hour.
  static constexpr int64_t kStartMs = 1'788'220'800'000;
  static constexpr int64_t kSpanMs = 90LL * 86'400'000;

  nexus::v1::Alert make(uint64_t i) const {
    std::mt19937_64 rng(splitmix64(options_.seed * 0x100000001b3ULL + i));
    std::uniform_real_distribution<double> unit(0, 1);
    const RuleShape& rule = rule_shapes()[rule_by_percent_[rng() % rule_by_percent_.size()]];
    // A few subjects raise most alerts: P(index < k) = sqrt(k / subjects).
    const double u = unit(rng);
    const uint64_t subject_index =
        static_cast<uint64_t>(u * u * static_cast<double>(options_.subjects));
    char subject[32];
    std::snprintf(subject, sizeof subject, "ACC-%07llu",
                  static_cast<unsigned long long>(subject_index));
    // The subject's name follows from the subject, so one account has one name.
    const uint64_t name_hash = splitmix64(subject_index);
    const std::string name = kFirstNames[name_hash % kFirstNames.size()] + " " +
                             kLastNames[(name_hash >> 8) % kLastNames.size()];

    const double s = unit(rng);
    nexus::v1::Severity severity = s < 0.40   ? nexus::v1::SEVERITY_LOW
                                   : s < 0.75 ? nexus::v1::SEVERITY_MEDIUM
                                   : s < 0.95 ? nexus::v1::SEVERITY_HIGH
                                              : nexus::v1::SEVERITY_CRITICAL;
    if (rule.sanctions && severity < nexus::v1::SEVERITY_HIGH) severity = nexus::v1::SEVERITY_HIGH;
    const double base = (static_cast<int>(severity) - 1) * 25.0;
    const double score = std::round((base + unit(rng) * 25.0) * 10.0) / 10.0;

    nexus::v1::Alert alert;
    char id[33];
    std::snprintf(id, sizeof id, "%016llx%016llx",
                  static_cast<unsigned long long>(splitmix64(options_.seed ^ (i << 1))),
                  static_cast<unsigned long long>(splitmix64(options_.seed ^ (i << 1 | 1))));
    alert.set_id(id);
    alert.set_rule_id(rule.id);
    alert.set_rule_version(rule.version);
    alert.set_title(rule.title);
    alert.set_source("nexus rules/packs");
    alert.set_ruleset_hash("9f2c41d07ab3e8c5");
    alert.set_severity(severity);
    alert.set_score(score);
    for (const auto& typology : rule.typologies) alert.add_typologies(typology);
    alert.set_subject(subject);
    const int64_t event_ms = kStartMs +
                             static_cast<int64_t>(static_cast<double>(i) /
                                                  static_cast<double>(options_.alerts) * kSpanMs) -
                             static_cast<int64_t>(rng() % 3'600'000);
    alert.mutable_event_time()->set_seconds(event_ms / 1000);
    alert.mutable_event_time()->set_nanos(static_cast<int32_t>(event_ms % 1000) * 1'000'000);
    const int transactions = 1 + static_cast<int>(rng() % 3);
    for (int t = 0; t < transactions; ++t) {
      alert.add_transaction_ids("tx-" + std::to_string(i) + "-" + std::to_string(t));
    }
    auto add_evidence = [&](const std::string& field, const std::string& observed,
                            const std::string& op = "", const std::string& threshold = "") {
      auto* evidence = alert.add_evidence();
      evidence->set_name(field);
      evidence->set_observed(observed);
      evidence->set_op(op);
      evidence->set_threshold(threshold);
    };
    add_evidence("beneficiary.account", subject);
    add_evidence("beneficiary.name", name);
    add_evidence("originator.name", kFirstNames[rng() % kFirstNames.size()] + " " +
                                        kLastNames[rng() % kLastNames.size()]);
    add_evidence("remittance_info", kRemittance[rng() % kRemittance.size()]);
    auto* aggregate = alert.add_evidence();
    aggregate->set_name(rule.evidence);
    aggregate->set_observed(std::to_string(3 + rng() % 40));
    aggregate->set_op(">=");
    aggregate->set_threshold("3");
    aggregate->set_window_ms(7 * 86'400'000LL);
    aggregate->set_window_key(subject);
    for (int t = 0; t < transactions; ++t) {
      aggregate->add_transaction_ids("tx-" + std::to_string(i) + "-" + std::to_string(t));
    }
    if (rule.sanctions) {
      auto* hit = alert.add_sanctions_hits();
      hit->set_party_role("beneficiary");
      hit->set_list(rng() % 2 ? "UN" : "OFAC-SDN");
      hit->set_reference("QDi." + std::to_string(100 + rng() % 400));
      hit->set_matched_name(name);
      hit->set_score(0.85 + unit(rng) * 0.15);
      hit->set_programme("SDGT");
      hit->set_basis("distinctive name (21.8 bits)");
    }
    return alert;
  }

 private:
  Options options_;
  std::vector<size_t> rule_by_percent_;
};

// ---------------------------------------------------------------------------
// (a) Storing.

void ingest_section(const Options& options, nexus::desk::DeskStore& store) {
  const AlertMaker maker(options);
  // A row per tenth of the run (per 100,000 from 1M alerts up).
  const uint64_t interval = options.alerts >= 1'000'000
                                ? 100'000
                                : std::max<uint64_t>(options.batch, options.alerts / 10);
  std::printf("## (a) Alerts stored through insert_batch (batches of %s)\n\n",
              with_commas(options.batch).c_str());
  std::printf(
      "alerts/s count only the time inside insert_batch (one transaction per batch); making the\n"
      "nexus.v1.Alert messages and their records is not counted.\n\n");
  std::printf(
      "| stored | alerts/s over the last %s | alerts/s since the start | batch p50 ms | batch p99 "
      "ms |\n|---|---|---|---|---|\n",
      with_commas(interval).c_str());
  std::vector<nexus::desk::AlertRecord> records;
  std::vector<double> batch_ms;
  double total_s = 0, interval_s = 0;
  uint64_t stored = 0, interval_count = 0, next_report = interval;
  double first_interval_rate = 0, last_interval_rate = 0;
  while (stored < options.alerts) {
    const uint64_t n = std::min(options.batch, options.alerts - stored);
    records.clear();
    for (uint64_t k = 0; k < n; ++k) {
      records.push_back(nexus::desk::alert_record_from(maker.make(stored + k)));
    }
    const auto begin = SteadyClock::now();
    auto added = store.insert_batch(records);
    const double took = seconds_since(begin);
    if (!added) die("insert_batch: " + added.error().message);
    if (added.value() != n)
      die("insert_batch stored " + std::to_string(added.value()) + " of " + std::to_string(n) +
          ": generated ids collide");
    stored += n;
    interval_count += n;
    total_s += took;
    interval_s += took;
    batch_ms.push_back(took * 1e3);
    if (stored >= next_report || stored == options.alerts) {
      const double rate = static_cast<double>(interval_count) / interval_s;
      if (first_interval_rate == 0) first_interval_rate = rate;
      last_interval_rate = rate;
      std::printf("| %s | %s | %s | %.1f | %.1f |\n", with_commas(stored).c_str(),
                  with_commas(static_cast<uint64_t>(rate)).c_str(),
                  with_commas(static_cast<uint64_t>(static_cast<double>(stored) / total_s)).c_str(),
                  percentile(batch_ms, 0.5), percentile(batch_ms, 0.99));
      std::fflush(stdout);
      batch_ms.clear();
      interval_count = 0;
      interval_s = 0;
      next_report += interval;
    }
  }
  std::printf(
      "\nstored %s alerts in %.1f s inside insert_batch: **%s alerts/s** overall; first %s: "
      "%s/s; last %s (up to %s stored): **%s/s** (target >= 5,000/s)\n\n",
      with_commas(stored).c_str(), total_s,
      with_commas(static_cast<uint64_t>(static_cast<double>(stored) / total_s)).c_str(),
      with_commas(std::min(interval, stored)).c_str(),
      with_commas(static_cast<uint64_t>(first_interval_rate)).c_str(),
      with_commas(std::min(interval, stored)).c_str(), with_commas(stored).c_str(),
      with_commas(static_cast<uint64_t>(last_interval_rate)).c_str());
}

// ---------------------------------------------------------------------------
// Case work, so status and assignee filters have something to find: of the cases (one
// per subject), 12% assigned to one of five analysts and in review, a quarter of those
// escalated, 4% reviewed and closed as false positives where four eyes are not needed.

void case_work_section(const Options& options, nexus::desk::DeskStore& store) {
  const auto begin = SteadyClock::now();
  auto cases = store.list_cases("");
  if (!cases) die("list_cases: " + cases.error().message);
  std::mt19937_64 rng(options.seed);
  const nexus::desk::Actor analyst{"ana-0", nexus::desk::Role::kAnalyst};
  int assigned = 0, escalated = 0, closed = 0;
  for (const auto& item : cases.value()) {
    const uint64_t roll = rng() % 100;
    if (roll < 12) {
      const std::string assignee = "ana-" + std::to_string(rng() % 5);
      if (!store.assign(analyst, item.id, assignee) ||
          !store.set_status(analyst, item.id, nexus::desk::CaseStatus::kInReview, "")) {
        die("case work failed");
      }
      ++assigned;
      if (roll < 3) {
        if (!store.set_status(analyst, item.id, nexus::desk::CaseStatus::kEscalated, "")) {
          die("escalate failed");
        }
        ++escalated;
      }
    } else if (roll < 16) {
      if (!store.set_status(analyst, item.id, nexus::desk::CaseStatus::kInReview, "")) {
        die("review failed");
      }
      // A case holding a high or critical alert needs four eyes: it stays in review.
      if (store.close_case(analyst, item.id, nexus::desk::CloseReason::kFalsePositive, "payroll")) {
        ++closed;
      }
    }
  }
  auto counts = store.count_by_status({});
  if (!counts) die("count_by_status: " + counts.error().message);
  auto count = [&](nexus::desk::CaseStatus status) {
    const auto found = counts.value().find(status);
    return with_commas(found == counts.value().end() ? 0 : static_cast<uint64_t>(found->second));
  };
  std::printf(
      "case work: %s cases; %d assigned to ana-0..ana-4 and in review, %d of them escalated, %d "
      "closed as false positive (%.1f s). Alerts by case status: new %s, in_review %s, escalated "
      "%s, closed %s\n\n",
      with_commas(cases.value().size()).c_str(), assigned, escalated, closed, seconds_since(begin),
      count(nexus::desk::CaseStatus::kNew).c_str(),
      count(nexus::desk::CaseStatus::kInReview).c_str(),
      count(nexus::desk::CaseStatus::kEscalated).c_str(),
      count(nexus::desk::CaseStatus::kClosed).c_str());
  std::fflush(stdout);
}

// ---------------------------------------------------------------------------
// (b) Queue pages through the API.

struct QueueQuery {
  std::string name;
  // First-page query strings, used in turn; with `follow`, pages after the first follow
  // next_cursor (back to the first page when the queue ends).
  std::vector<std::string> queries;
  bool follow = false;
};

std::vector<QueueQuery> queue_queries(const Options& options) {
  std::vector<QueueQuery> out;
  const std::string limit = "&limit=" + std::to_string(options.limit);
  auto each = [&](const std::string& before, const std::vector<std::string>& values,
                  const std::string& after) {
    std::vector<std::string> queries;
    for (const auto& value : values) queries.push_back(before + value + after + limit);
    return queries;
  };
  std::vector<std::string> rules, typologies;
  for (const auto& rule : rule_shapes()) {
    rules.push_back(rule.id);
    for (const auto& typology : rule.typologies) {
      if (std::find(typologies.begin(), typologies.end(), typology) == typologies.end()) {
        typologies.push_back(typology);
      }
    }
  }
  const std::vector<std::string> analysts = {"ana-0", "ana-1", "ana-2", "ana-3", "ana-4"};
  out.push_back({"status=new + severity=high, sort score (followed)",
                 {"status=new&severity=high&sort=score" + limit},
                 true});
  out.push_back(
      {"status=new + severity=critical,high, sort score, each severity set",
       each("status=new&severity=", {"critical", "high", "critical,high", "medium"}, "&sort=score"),
       false});
  out.push_back({"status=new + rule=R, sort event_time, each of 12 rules",
                 each("status=new&rule=", rules, ""), false});
  out.push_back({"status=new + rule=AML-STRUCT-CASH, sort event_time (followed)",
                 {"status=new&rule=AML-STRUCT-CASH&sort=event_time" + limit},
                 true});
  out.push_back({"status=new + rule=TF-CROWDFUND, sort score (followed)",
                 {"status=new&rule=TF-CROWDFUND&sort=score" + limit},
                 true});
  out.push_back({"assignee=A + status=in_review, sort event_time, each of 5 analysts",
                 each("assignee=", analysts, "&status=in_review"), false});
  out.push_back({"assignee=ana-1 + status=in_review,escalated (followed)",
                 {"assignee=ana-1&status=in_review,escalated" + limit},
                 true});
  out.push_back({"status=new + typology=T, sort score, each typology",
                 each("status=new&typology=", typologies, "&sort=score"), false});
  out.push_back({"rule=SAN-NAME-MATCH + sanctions=true, sort score (followed)",
                 {"rule=SAN-NAME-MATCH&sanctions=true&sort=score" + limit},
                 true});
  out.push_back({"status=new,in_review,escalated + severity=high, sort score (followed)",
                 {"status=new,in_review,escalated&severity=high&sort=score" + limit},
                 true});
  out.push_back({"status=new,in_review + rule=R, sort score, each of 12 rules",
                 each("status=new,in_review&rule=", rules, "&sort=score"), false});
  out.push_back({"status=new + min_score=90, sort score (followed)",
                 {"status=new&min_score=90&sort=score" + limit},
                 true});
  out.push_back({"status=new + q=<last name>, sort event_time, each of 20 names",
                 each("status=new&q=", kLastNames, ""), false});
  out.push_back({"status=new + severity=critical, sort severity (followed)",
                 {"status=new&severity=critical&sort=severity" + limit},
                 true});
  return out;
}

struct Client {
  std::string cookie;
};

nexus::connectors::HttpRequest get(const Client& client, const std::string& target) {
  nexus::connectors::HttpRequest request;
  request.method = "GET";
  request.target = target;
  request.peer = "127.0.0.1";
  request.headers.emplace_back("cookie", "nexus_session=" + client.cookie);
  return request;
}

Client log_in(nexus::connectors::DeskApi& api, const std::string& user,
              const std::string& password) {
  nexus::connectors::HttpRequest request;
  request.method = "POST";
  request.target = "/api/v1/session";
  request.peer = "127.0.0.1";
  request.headers.emplace_back("content-type", "application/json");
  request.body = nlohmann::json{{"user", user}, {"password", password}}.dump();
  const auto response = api.handle(request);
  if (response.status != 200) die("login failed: " + response.body);
  for (const auto& [name, value] : response.headers) {
    if (name == "Set-Cookie") {
      const auto equals = value.find('=');
      return Client{value.substr(equals + 1, value.find(';') - equals - 1)};
    }
  }
  die("login set no cookie");
}

void queue_section(const Options& options, nexus::desk::DeskStore& store) {
  const int64_t now_ms = AlertMaker::kStartMs + AlertMaker::kSpanMs;
  nexus::connectors::DeskApi api(store, [now_ms] { return now_ms; });
  const std::string password = "a long benchmark passphrase";
  auto hash = nexus::desk::hash_password(password);
  if (!hash) die(hash.error().message);
  const nexus::desk::Actor bootstrap{"bootstrap", nexus::desk::Role::kAdmin};
  auto existing = store.get_user("ana-1");  // a --reuse database has the analyst already
  if (!existing) die(existing.error().message);
  if (!existing.value() && !store.create_user(bootstrap, {"ana-1", nexus::desk::Role::kAnalyst,
                                                          hash.value(), false, now_ms})) {
    die("cannot create the analyst");
  }
  const Client ana = log_in(api, "ana-1", password);

  std::printf(
      "## (b) Queue pages over %s stored alerts, through DeskApi::handle\n\n"
      "GET /api/v1/alerts?<query>&limit=%d as a logged-in analyst (cookie session): session "
      "check, SQL, JSON encoding. %d timed pages per query after 3 untimed ones; `followed` "
      "pages pass the last page's next_cursor.\n\n",
      with_commas(options.alerts).c_str(), options.limit, options.pages);
  std::printf(
      "| query | pages (first / followed) | alerts per page | p50 ms | p99 ms | max ms | p99 <= "
      "50 ms |\n|---|---|---|---|---|---|---|\n");
  for (const auto& query : queue_queries(options)) {
    std::vector<double> latency_ms;
    uint64_t rows = 0;
    int first_pages = 0, followed_pages = 0;
    std::string cursor;
    size_t next_query = 0;
    for (int page = -3; page < options.pages; ++page) {
      std::string target = "/api/v1/alerts?";
      const bool followed = query.follow && !cursor.empty();
      if (followed) {
        target += query.queries[0] + "&cursor=" + cursor;
      } else {
        target += query.queries[next_query++ % query.queries.size()];
      }
      const auto request = get(ana, target);
      const auto begin = SteadyClock::now();
      const auto response = api.handle(request);
      const double took_ms = seconds_since(begin) * 1e3;
      if (response.status != 200)
        die(target + ": " + std::to_string(response.status) + " " + response.body);
      const auto body = nlohmann::json::parse(response.body);
      cursor = body["next_cursor"].get<std::string>();
      if (page < 0) continue;
      latency_ms.push_back(took_ms);
      rows += body["alerts"].size();
      ++(followed ? followed_pages : first_pages);
    }
    const double max_ms = *std::max_element(latency_ms.begin(), latency_ms.end());
    const double p50 = percentile(latency_ms, 0.5);
    const double p99 = percentile(latency_ms, 0.99);
    std::printf("| %s | %d / %d | %.1f | %.1f | %.1f | %.1f | %s |\n", query.name.c_str(),
                first_pages, followed_pages,
                static_cast<double>(rows) / static_cast<double>(options.pages), p50, p99, max_ms,
                p99 <= 50 ? "met" : "**not met**");
    std::fflush(stdout);
  }
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  const auto parsed = parse(argc, argv);
  if (!parsed) {
    usage();
    return 2;
  }
  Options options = *parsed;
  const auto started = SteadyClock::now();
  const fs::path work = nexus::bench::fresh_temp_dir("nexus-desk-bench");
  const fs::path database = !options.reuse.empty() ? fs::path(options.reuse)
                            : options.keep.empty() ? work / "desk.db"
                                                   : fs::path(options.keep);
  if (!options.keep.empty()) {
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(database.string() + suffix);
  }

  nexus::connectors::SqliteDeskConfig config;
  config.path = database.string();
  if (options.cache_mib > 0) config.cache_mib = options.cache_mib;
  config.clock = [] { return AlertMaker::kStartMs + AlertMaker::kSpanMs; };
  auto store = nexus::connectors::open_sqlite_desk_store(config);
  if (!store) die(store.error().message);
  if (!options.reuse.empty()) {
    auto counts = store.value()->count_by_status({});
    if (!counts) die(counts.error().message);
    options.alerts = 0;
    for (const auto& [status, count] : counts.value())
      options.alerts += static_cast<uint64_t>(count);
  }

  std::printf("# nexus_desk_bench\n\n");
  std::printf("- machine: %s\n", nexus::bench::machine().c_str());
  std::printf("- build: %s (CMAKE_BUILD_TYPE)\n", NEXUS_BUILD_TYPE);
  std::printf("- store: SQLite (WAL, synchronous=NORMAL, %d MiB page cache) at %s%s\n",
              config.cache_mib, database.c_str(),
              !options.reuse.empty() ? " (reused: no storing, no case work)"
              : options.keep.empty() ? " (removed at the end)"
                                     : " (kept)");
  std::printf(
      "- alerts: %s generated (seed %llu) over %s subjects (skewed: a few subjects raise most), "
      "%zu rules, 90 days of event time; batches of %s\n",
      with_commas(options.alerts).c_str(), static_cast<unsigned long long>(options.seed),
      with_commas(options.subjects).c_str(), rule_shapes().size(),
      with_commas(options.batch).c_str());
  std::printf("- queue: %d timed pages per query, %d alerts per page\n", options.pages,
              options.limit);
  std::printf("- load average at start: %s (other work on the machine skews the numbers)\n\n",
              load_average().c_str());
  std::fflush(stdout);

  if (options.reuse.empty()) {
    ingest_section(options, *store.value());
    case_work_section(options, *store.value());
  }
  queue_section(options, *store.value());

  store.value().reset();
  std::error_code ec;
  const auto bytes = fs::file_size(database, ec);
  if (!ec) {
    std::printf("database file: %.0f MiB\n", static_cast<double>(bytes) / (1 << 20));
  }
  fs::remove_all(work);
  std::printf("total harness time %.1f s; load average at end: %s\n", seconds_since(started),
              load_average().c_str());
  return 0;
}
