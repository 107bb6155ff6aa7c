// docs/desk-openapi.yaml against the code: the same routes as DeskApi::routes() (both
// ways, /healthz included), every query parameter the queue reads, 401 documented wherever
// credentials are needed, and the two public operations marked as needing none.
#include "connectors/desk_api.hpp"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>
#include <vector>

namespace nexus::connectors {
namespace {

constexpr const char* kSpecPath = NEXUS_SOURCE_DIR "/docs/desk-openapi.yaml";
const std::vector<std::string> kMethods = {"get",   "put",  "post",   "delete",
                                           "patch", "head", "options"};

// What GET /api/v1/alerts reads from its query string (filter_from and the sort, order,
// cursor and limit in desk_api.cpp); /alerts/counts reads the filters only.
const std::set<std::string> kQueueFilters = {
    "status",    "severity",  "rule",    "rule_version", "typology",  "subject", "assignee",
    "min_score", "max_score", "from_ms", "to_ms",        "sanctions", "q"};
const std::set<std::string> kQueuePaging = {"sort", "order", "cursor", "limit"};

bool is_public(const std::string& route) {
  return route == "POST /api/v1/session" || route == "GET /healthz";
}

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

std::string joined(const std::set<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += "\n  " + item;
  return out;
}

class DeskOpenApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    try {
      spec_ = YAML::LoadFile(kSpecPath);
    } catch (const YAML::Exception& e) {
      FAIL() << kSpecPath << ": " << e.what();
    }
    ASSERT_TRUE(spec_["paths"].IsMap()) << kSpecPath << ": no paths";
  }

  /// Every operation as "METHOD /path", with its YAML node.
  std::vector<std::pair<std::string, YAML::Node>> operations() const {
    std::vector<std::pair<std::string, YAML::Node>> out;
    for (const auto& path : spec_["paths"]) {
      for (const auto& method : kMethods) {
        if (path.second[method]) {
          out.emplace_back(upper(method) + " " + path.first.as<std::string>(), path.second[method]);
        }
      }
    }
    return out;
  }

  /// A parameter as written, or the one its "#/components/parameters/<name>" names.
  YAML::Node resolved(const YAML::Node& parameter) const {
    if (!parameter["$ref"]) return parameter;
    const std::string ref = parameter["$ref"].as<std::string>();
    const std::string prefix = "#/components/parameters/";
    EXPECT_EQ(ref.rfind(prefix, 0), 0u) << ref;
    const YAML::Node target = spec_["components"]["parameters"][ref.substr(prefix.size())];
    EXPECT_TRUE(target.IsMap()) << ref << " names no parameter";
    return target;
  }

  /// The names of an operation's parameters that sit `in` (query, path).
  std::set<std::string> parameter_names(const YAML::Node& operation, const std::string& in) const {
    std::set<std::string> names;
    for (const auto& parameter : operation["parameters"]) {
      const YAML::Node actual = resolved(parameter);
      if (actual["in"] && actual["in"].as<std::string>() == in) {
        names.insert(actual["name"].as<std::string>());
      }
    }
    return names;
  }

  YAML::Node operation(const std::string& path, const std::string& method) const {
    return spec_["paths"][path][method];
  }

  YAML::Node spec_;
};

TEST_F(DeskOpenApiTest, DocumentsExactlyTheRoutesTheApiServes) {
  std::set<std::string> documented;
  for (const auto& [route, node] : operations()) documented.insert(route);
  const auto served = DeskApi::routes();
  const std::set<std::string> code(served.begin(), served.end());
  ASSERT_EQ(code.size(), served.size()) << "DeskApi::routes() lists a route twice";
  std::set<std::string> undocumented, stale;
  std::set_difference(code.begin(), code.end(), documented.begin(), documented.end(),
                      std::inserter(undocumented, undocumented.end()));
  std::set_difference(documented.begin(), documented.end(), code.begin(), code.end(),
                      std::inserter(stale, stale.end()));
  EXPECT_TRUE(undocumented.empty())
      << "routes of DeskApi::routes() missing from " << kSpecPath << ":" << joined(undocumented);
  EXPECT_TRUE(stale.empty()) << "operations in " << kSpecPath
                             << " that DeskApi::routes() does not list:" << joined(stale);
}

TEST_F(DeskOpenApiTest, TheQueueDocumentsEveryQueryParameterItReads) {
  const YAML::Node queue = operation("/api/v1/alerts", "get");
  ASSERT_TRUE(queue) << "GET /api/v1/alerts is not documented";
  std::set<std::string> expected = kQueueFilters;
  expected.insert(kQueuePaging.begin(), kQueuePaging.end());
  EXPECT_EQ(parameter_names(queue, "query"), expected);

  const YAML::Node counts = operation("/api/v1/alerts/counts", "get");
  ASSERT_TRUE(counts) << "GET /api/v1/alerts/counts is not documented";
  EXPECT_EQ(parameter_names(counts, "query"), kQueueFilters);
}

TEST_F(DeskOpenApiTest, EveryPathParameterIsDeclared) {
  for (const auto& [route, node] : operations()) {
    std::set<std::string> in_path;
    for (size_t open = route.find('{'); open != std::string::npos;
         open = route.find('{', open + 1)) {
      in_path.insert(route.substr(open + 1, route.find('}', open) - open - 1));
    }
    EXPECT_EQ(parameter_names(node, "path"), in_path) << route;
  }
}

TEST_F(DeskOpenApiTest, EveryOperationButLoginAndHealthDocuments401) {
  for (const auto& [route, node] : operations()) {
    ASSERT_TRUE(node["responses"].IsMap()) << route << " has no responses";
    const bool documents_401 = static_cast<bool>(node["responses"]["401"]);
    const bool open =
        node["security"] && node["security"].IsSequence() && node["security"].size() == 0;
    if (is_public(route)) {
      EXPECT_TRUE(open) << route << " needs no credentials: `security: []`";
    } else {
      EXPECT_TRUE(documents_401) << route << " does not document 401";
      EXPECT_FALSE(open) << route << " needs credentials but says `security: []`";
    }
  }
}

TEST_F(DeskOpenApiTest, DeclaresTheCookieCsrfAndBearerSchemes) {
  const YAML::Node schemes = spec_["components"]["securitySchemes"];
  ASSERT_TRUE(schemes.IsMap());
  EXPECT_EQ(schemes["cookieSession"]["in"].as<std::string>(""), "cookie");
  EXPECT_EQ(schemes["cookieSession"]["name"].as<std::string>(""), "nexus_session");
  EXPECT_EQ(schemes["csrfToken"]["in"].as<std::string>(""), "header");
  EXPECT_EQ(schemes["csrfToken"]["name"].as<std::string>(""), "X-CSRF-Token");
  EXPECT_EQ(schemes["bearerToken"]["scheme"].as<std::string>(""), "bearer");
}

}  // namespace
}  // namespace nexus::connectors
