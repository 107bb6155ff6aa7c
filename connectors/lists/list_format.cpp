#include "connectors/lists/list_format.hpp"

#include "connectors/lists/detail/csv_reader.hpp"

#include <fstream>
#include <sstream>
#include <vector>

namespace nexus::lists {

std::string_view to_string(ListFormat format) {
  switch (format) {
    case ListFormat::kUnXml:
      return "un-xml";
    case ListFormat::kOfacXml:
      return "ofac-xml";
    case ListFormat::kOfacCsv:
      return "ofac-csv";
    case ListFormat::kOfacAltCsv:
      return "ofac-alt-csv";
    case ListFormat::kOfacAddCsv:
      return "ofac-add-csv";
    case ListFormat::kEuFsfXml:
      return "eu-fsf-xml";
    case ListFormat::kUkXml:
      return "uk-xml";
    case ListFormat::kUkConListCsv:
      return "uk-conlist-csv";
    case ListFormat::kFtmJson:
      return "ftm-json";
    case ListFormat::kUnknown:
      break;
  }
  return "unknown";
}

ListFormat detect_list_format(std::string_view head) {
  std::size_t i = 0;
  if (head.starts_with("\xEF\xBB\xBF")) i = 3;  // UTF-8 BOM
  while (i < head.size() && (head[i] == ' ' || head[i] == '\r' || head[i] == '\n')) ++i;
  const std::string_view body = head.substr(i);
  if (body.starts_with("<")) {
    if (body.find("<CONSOLIDATED_LIST") != std::string_view::npos) return ListFormat::kUnXml;
    if (body.find("<sdnList") != std::string_view::npos) return ListFormat::kOfacXml;
    if (body.find("fpi/fsd/export") != std::string_view::npos ||
        body.find("<sanctionEntity") != std::string_view::npos) {
      return ListFormat::kEuFsfXml;
    }
    if (body.find("<Designations") != std::string_view::npos) return ListFormat::kUkXml;
    return ListFormat::kUnknown;
  }
  if (body.starts_with("{")) {
    if (body.find("\"schema\"") != std::string_view::npos ||
        body.find("\"entity\"") != std::string_view::npos) {
      return ListFormat::kFtmJson;
    }
    return ListFormat::kUnknown;
  }
  if (body.starts_with("Last Updated,") || body.starts_with("Name 6,")) {
    return ListFormat::kUkConListCsv;
  }
  // OFAC CSVs: no header, first field a numeric ent_num; the column count tells
  // sdn (12) from alt (5) and add (6).
  detail::CsvReader reader(body, ',');
  std::vector<std::string> fields;
  if (!reader.next(fields) || fields.empty() || fields[0].empty()) return ListFormat::kUnknown;
  for (char c : detail::clean_field(fields[0])) {
    if (c < '0' || c > '9') return ListFormat::kUnknown;
  }
  if (fields.size() == 12) return ListFormat::kOfacCsv;
  if (fields.size() == 5) return ListFormat::kOfacAltCsv;
  if (fields.size() == 6) return ListFormat::kOfacAddCsv;
  return ListFormat::kUnknown;
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("io", path + ": cannot open file");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return make_error("io", path + ": read error");
  return ss.str();
}

}  // namespace nexus::lists
