// ScreenApi: `nexus screen-server`'s HTTP API, shaped like yente's (the OpenSanctions
// screening API), so a client built for yente can point at Nexus:
//
//   POST /match/{dataset}   FollowTheMoney query-by-example batch, scored results   (scope match)
//   GET  /search/{dataset}  ?q= name search, or the dataset's entities without q    (scope search)
//   GET  /entities/{id}     one listed entity                                       (scope search)
//   GET  /healthz, /readyz, /catalog, /algorithms, /metrics (Prometheus)            (open)
//
// Datasets are the loaded lists under yente's names (un_sc_sanctions, us_ofac_sdn, ...) plus
// the collections `default` and `sanctions` (every list). Scores are NameScreener's;
// `match` is score >= threshold (default: the screener's operating threshold). Errors come in
// yente's shape, {"detail": "..."}. A request needs `Authorization: Bearer <token>` (or
// `ApiKey <token>`, or `?api_key=`) of a ScreenTokens token with the route's scope: none or an
// unknown token is 401, a token without the scope 403.
//
// Lifecycle: owns its NameScreener (not thread-safe), so handle() must be called from one
// thread at a time: HttpServer's handler thread. Built once over a loaded index.
#pragma once

#include "connectors/http_server.hpp"
#include "connectors/screen_tokens.hpp"
#include "engine/screening/name_screener.hpp"

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace nexus::connectors {

struct ScreenApiConfig {
  /// `match` is score >= this when the request gives no `threshold`. Default: unset, which
  /// means the screener's operating threshold (ScreeningConfig::threshold, 0.88): Nexus
  /// scores are calibrated there (engine/screening/README.md), not at yente's 0.70.
  double default_threshold = -1;
  /// Queries in one /match batch at most (yente's YENTE_MAX_BATCH). Default: 100.
  std::size_t max_batch = 100;
  /// Results per /match query when the request gives no `limit` (YENTE_MATCH_PAGE). Default: 5.
  int match_page = 5;
  /// `limit` of /match at most (YENTE_MAX_MATCHES). Default: 500.
  int max_matches = 500;
  /// Names screened per query at most (name, alias, previousName values). Default: 20.
  std::size_t max_names_per_query = 20;
  /// Publication date per list ("UN" -> "2026-02-27"), shown as the datasets' versions in
  /// /catalog. Default: none (version "unknown").
  std::map<std::string, std::string> list_versions;
};

class ScreenApi {
 public:
  ScreenApi(std::unique_ptr<screening::NameScreener> screener, ScreenTokens tokens,
            ScreenApiConfig config = {});
  ~ScreenApi();
  ScreenApi(const ScreenApi&) = delete;
  ScreenApi& operator=(const ScreenApi&) = delete;

  /// One request, one answer; never throws. Server thread only.
  HttpResponse handle(const HttpRequest& request);

  /// The dataset names served, collections first ("default", "sanctions", then one per list).
  std::vector<std::string> datasets() const;
  /// The threshold `match` uses when a request gives none.
  double default_threshold() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nexus::connectors
