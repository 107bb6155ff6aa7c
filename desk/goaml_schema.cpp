#include "desk/goaml_schema.hpp"

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include <climits>
#include <mutex>

namespace nexus::desk {
namespace {

// libxml2's messages end in a newline; the report's line is carried apart.
void collect(void* user_data, xmlErrorPtr error) {
  auto* out = static_cast<std::vector<SchemaViolation>*>(user_data);
  if (error == nullptr) return;
  std::string message = error->message != nullptr ? error->message : "unknown libxml2 error";
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
    message.pop_back();
  }
  out->push_back(SchemaViolation{error->line, std::move(message)});
}

// xmlInitParser must run once before any thread uses libxml2 (its documentation: "call
// once from the main thread"); a static once-flag gives that without a global init step.
void init_libxml2() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
}

// Routes libxml2's generic (parser) errors of this thread into `out` for a scope; libxml2
// keeps that handler per thread, so other threads are not affected.
class ThreadErrorScope {
 public:
  explicit ThreadErrorScope(std::vector<SchemaViolation>* out)
      : previous_(xmlStructuredError), previous_context_(xmlStructuredErrorContext) {
    xmlSetStructuredErrorFunc(out, &collect);
  }
  ~ThreadErrorScope() { xmlSetStructuredErrorFunc(previous_context_, previous_); }
  ThreadErrorScope(const ThreadErrorScope&) = delete;
  ThreadErrorScope& operator=(const ThreadErrorScope&) = delete;

 private:
  xmlStructuredErrorFunc previous_;
  void* previous_context_;
};

}  // namespace

struct GoamlSchema::Impl {
  xmlSchemaPtr schema = nullptr;
  ~Impl() {
    if (schema != nullptr) xmlSchemaFree(schema);
  }
};

GoamlSchema::GoamlSchema(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
GoamlSchema::GoamlSchema(GoamlSchema&&) noexcept = default;
GoamlSchema& GoamlSchema::operator=(GoamlSchema&&) noexcept = default;
GoamlSchema::~GoamlSchema() = default;

Result<GoamlSchema> GoamlSchema::load(const std::string& path) {
  init_libxml2();
  std::vector<SchemaViolation> messages;
  ThreadErrorScope scope(&messages);
  xmlSchemaParserCtxtPtr parser = xmlSchemaNewParserCtxt(path.c_str());
  if (parser == nullptr) {
    return make_error("goaml_schema", path + ": cannot create a schema parser");
  }
  xmlSchemaSetParserStructuredErrors(parser, &collect, &messages);
  xmlSchemaPtr schema = xmlSchemaParse(parser);
  xmlSchemaFreeParserCtxt(parser);
  if (schema == nullptr) {
    return make_error("goaml_schema",
                      path + ": not a schema libxml2 can load:\n" + describe(messages));
  }
  auto impl = std::make_unique<Impl>();
  impl->schema = schema;
  return GoamlSchema(std::move(impl));
}

std::vector<SchemaViolation> GoamlSchema::violations(std::string_view xml) const {
  std::vector<SchemaViolation> out;
  if (xml.size() > static_cast<size_t>(INT_MAX)) {
    out.push_back({0, "the report is larger than libxml2 can parse from memory"});
    return out;
  }
  ThreadErrorScope scope(&out);
  xmlParserCtxtPtr parser = xmlNewParserCtxt();
  if (parser == nullptr) {
    out.push_back({0, "cannot create an XML parser"});
    return out;
  }
  // No entity expansion, no DTD loading, no network: a report is plain elements.
  xmlDocPtr doc = xmlCtxtReadMemory(parser, xml.data(), static_cast<int>(xml.size()), "report.xml",
                                    "UTF-8", XML_PARSE_NONET);
  xmlFreeParserCtxt(parser);
  if (doc == nullptr) {
    if (out.empty()) out.push_back({0, "not well-formed XML"});
    return out;
  }
  xmlSchemaValidCtxtPtr validator = xmlSchemaNewValidCtxt(impl_->schema);
  if (validator == nullptr) {
    xmlFreeDoc(doc);
    out.push_back({0, "cannot create a schema validation context"});
    return out;
  }
  xmlSchemaSetValidStructuredErrors(validator, &collect, &out);
  const int rc = xmlSchemaValidateDoc(validator, doc);
  xmlSchemaFreeValidCtxt(validator);
  xmlFreeDoc(doc);
  if (rc != 0 && out.empty()) {
    out.push_back({0, "the report does not validate (libxml2 gave no message, code " +
                          std::to_string(rc) + ")"});
  }
  return out;
}

Result<void> GoamlSchema::validate(std::string_view xml) const {
  const auto found = violations(xml);
  if (found.empty()) return outcome::success();
  return make_error("goaml_invalid", describe(found));
}

std::string describe(const std::vector<SchemaViolation>& violations) {
  std::string out;
  for (const auto& violation : violations) {
    if (!out.empty()) out += '\n';
    out += "line " + std::to_string(violation.line) + ": " + violation.message;
  }
  return out;
}

}  // namespace nexus::desk
