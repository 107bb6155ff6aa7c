// GoamlSchema: the goAML report schema (UNODC goAML 5.0.1, goAMLSchema.xsd) loaded once, and
// the check every generated report passes before it is offered. libxml2 stays inside
// goaml_schema.cpp: no libxml2 type appears here.
//
// Lifecycle: load() parses the XSD once; the object is then immutable. validate() builds a
// validation context of its own per call, so one GoamlSchema may be used by several threads
// at once (libxml2's compiled schemas are read-only during validation). Moving is fine;
// copying is not.
#pragma once

#include "base/result.hpp"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace nexus::desk {

/// One message from libxml2: the line of the report it is about (0 when libxml2 gave none)
/// and libxml2's text, e.g. "Element 'date_transaction': [facet 'minInclusive'] The value
/// '1697-01-01T00:00:00' is less than the minimum value allowed ('1753-01-01T00:00:00')."
struct SchemaViolation {
  int line = 0;
  std::string message;
};

class GoamlSchema {
 public:
  /// Parses the XSD at `path`. Errors (code "goaml_schema"): the file cannot be read or is
  /// not a schema libxml2 can compile, with libxml2's messages. Cost: ~50 ms for 5.0.1.
  static Result<GoamlSchema> load(const std::string& path);

  GoamlSchema(GoamlSchema&&) noexcept;
  GoamlSchema& operator=(GoamlSchema&&) noexcept;
  ~GoamlSchema();

  /// Every message libxml2 reports for `xml`: parse errors (not well-formed) and schema
  /// errors, in document order; empty when the report is valid. Never prints. Entities
  /// are not expanded and nothing is fetched from the network.
  std::vector<SchemaViolation> violations(std::string_view xml) const;

  /// violations() as a Result: error code "goaml_invalid", its message one line per
  /// violation, "line N: message".
  Result<void> validate(std::string_view xml) const;

 private:
  struct Impl;
  explicit GoamlSchema(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// The violations as a message: one "line N: message" per line.
std::string describe(const std::vector<SchemaViolation>& violations);

}  // namespace nexus::desk
