// XmlDocument: a pugixml document loaded from a file, with parse errors reported
// as "path:line: message" and line numbers for nodes. Owns the file text (pugixml
// parses in place). Not thread-safe; one per load.
#pragma once

#include "base/result.hpp"
#include <pugixml.hpp>

#include <cstddef>
#include <memory>
#include <string>

namespace nexus::lists::detail {

class XmlDocument {
 public:
  /// Errors: "io" (unreadable), "parse" ("path:line: XML error: ..."),
  /// "parse" for an empty document.
  static Result<XmlDocument> parse(const std::string& path);

  const pugi::xml_document& root() const { return *doc_; }
  /// 1-based line of node in the file; 0 when unknown.
  std::size_t line_of(const pugi::xml_node& node) const;

 private:
  std::unique_ptr<std::string> text_;
  std::unique_ptr<pugi::xml_document> doc_;
};

}  // namespace nexus::lists::detail
