#include "connectors/lists/list_file.hpp"

#include <fstream>

namespace nexus::lists {

Result<LoadedList> load_list_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("io", path + ": cannot open file");
  std::string head(8192, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  switch (detect_list_format(head)) {
    case ListFormat::kUnXml:
      return load_un_xml(path);
    case ListFormat::kOfacXml:
      return load_ofac_xml(path);
    case ListFormat::kOfacCsv:
      return load_ofac_csv(path);
    case ListFormat::kEuFsfXml:
      return load_eu_fsf_xml(path);
    case ListFormat::kUkXml:
      return load_uk_xml(path);
    case ListFormat::kUkConListCsv:
      return load_uk_conlist_csv(path);
    case ListFormat::kFtmJson:
      return load_ftm_json(path);
    case ListFormat::kOfacAltCsv:
    case ListFormat::kOfacAddCsv:
      return make_error("format",
                        path +
                            ": an OFAC alt/add file; import the sdn.csv (or cons_prim.csv) "
                            "next to it, which reads it");
    case ListFormat::kUnknown:
      break;
  }
  return make_error("format",
                    path +
                        ": unrecognised list format (expected UN XML, OFAC CSV/XML, EU FSF "
                        "XML, UK XML/CSV or OpenSanctions FtM JSON)");
}

}  // namespace nexus::lists
