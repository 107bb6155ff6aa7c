#include "connectors/lists/detail/xml_document.hpp"

#include "connectors/lists/detail/list_text.hpp"
#include "connectors/lists/list_format.hpp"

namespace nexus::lists::detail {

Result<XmlDocument> XmlDocument::parse(const std::string& path) {
  NEXUS_TRY(text, read_file(path));
  XmlDocument d;
  d.text_ = std::make_unique<std::string>(std::move(text));
  d.doc_ = std::make_unique<pugi::xml_document>();
  const pugi::xml_parse_result r = d.doc_->load_buffer(d.text_->data(), d.text_->size(),
                                                       pugi::parse_default, pugi::encoding_auto);
  if (!r) {
    return make_error("parse",
                      path + ":" +
                          std::to_string(line_at(*d.text_, static_cast<std::size_t>(r.offset))) +
                          ": XML error: " + r.description());
  }
  if (!d.doc_->document_element()) return make_error("parse", path + ": empty XML document");
  return d;
}

std::size_t XmlDocument::line_of(const pugi::xml_node& node) const {
  const std::ptrdiff_t off = node.offset_debug();
  return off < 0 ? 0 : line_at(*text_, static_cast<std::size_t>(off));
}

}  // namespace nexus::lists::detail
