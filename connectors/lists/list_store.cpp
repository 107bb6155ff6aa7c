#include "connectors/lists/list_store.hpp"

#include "base/json_text.hpp"
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace nexus::lists {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using screening::AliasStrength;
using screening::ListedName;
using screening::ListEntry;

json to_json(const ListEntry& e) {
  json names = json::array();
  for (const auto& n : e.names) {
    names.push_back({{"text", n.text},
                     {"kind", screening::to_string(n.kind)},
                     {"weak", n.strength == AliasStrength::kWeak}});
  }
  return {{"list", e.list},
          {"reference", e.reference},
          {"type", screening::to_string(e.type)},
          {"names", names},
          {"dates_of_birth", e.dates_of_birth},
          {"countries", e.countries},
          {"identifiers", e.identifiers},
          {"programme", e.programme},
          {"listed_on", e.listed_on}};
}

ListEntry from_json(const json& j) {
  ListEntry e;
  e.list = j.at("list").get<std::string>();
  e.reference = j.at("reference").get<std::string>();
  e.type = screening::entry_type_from_string(j.at("type").get<std::string>());
  for (const auto& n : j.at("names")) {
    e.names.push_back(
        ListedName{n.at("text").get<std::string>(),
                   screening::name_kind_from_string(n.at("kind").get<std::string>()),
                   n.at("weak").get<bool>() ? AliasStrength::kWeak : AliasStrength::kStrong});
  }
  e.dates_of_birth = j.at("dates_of_birth").get<std::vector<std::string>>();
  e.countries = j.at("countries").get<std::vector<std::string>>();
  e.identifiers = j.at("identifiers").get<std::vector<std::string>>();
  e.programme = j.at("programme").get<std::string>();
  e.listed_on = j.at("listed_on").get<std::string>();
  return e;
}

std::string snapshot_name(int version) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "v%06d.jsonl", version);
  return buf;
}

// Current version number of a list directory (0 when none).
int current_version_in(const fs::path& dir) {
  std::ifstream in(dir / "CURRENT");
  std::string name;
  if (!(in >> name) || name.size() < 2) return 0;
  return std::atoi(name.c_str() + 1);
}

struct Snapshot {
  json header;
  std::vector<ListEntry> entries;
};

Result<Snapshot> read_snapshot(const fs::path& file) {
  std::ifstream in(file);
  if (!in) return make_error("io", file.string() + ": cannot open snapshot");
  Snapshot s;
  std::string line;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded())
      return make_error("parse", file.string() + ":" + std::to_string(n) + ": bad JSON");
    if (n == 1) {
      s.header = std::move(j);
      continue;
    }
    try {
      s.entries.push_back(from_json(j));
    } catch (const json::exception& ex) {  // third-party exception, wrapped here
      return make_error("parse", file.string() + ":" + std::to_string(n) + ": " + ex.what());
    }
  }
  // The header counts the entries the importer wrote: fewer means a file cut short (a copy or
  // a disk that stopped half-way), which would otherwise screen without the entries it lost.
  if (n == 0 || !s.header.is_object()) {
    return make_error("parse", file.string() + ":1: no snapshot header (empty file?)");
  }
  const auto declared = s.header.find("entries");
  if (declared != s.header.end() && declared->is_number_unsigned() &&
      declared->get<std::size_t>() != s.entries.size()) {
    return make_error("parse", file.string() + ":" + std::to_string(n) + ": the header declares " +
                                   std::to_string(declared->get<std::size_t>()) +
                                   " entries but the file holds " +
                                   std::to_string(s.entries.size()) + " (cut short?)");
  }
  return s;
}

}  // namespace

std::string ListStore::list_dir(const std::string& list) const {
  return (fs::path(data_dir_) / "lists" / list).string();
}

Result<std::vector<ListEntry>> ListStore::load_list(const std::string& list) const {
  const fs::path dir = list_dir(list);
  const int v = current_version_in(dir);
  if (v == 0) return std::vector<ListEntry>{};
  NEXUS_TRY(snap, read_snapshot(dir / snapshot_name(v)));
  return std::move(snap.entries);
}

std::string list_entry_json(const screening::ListEntry& entry) { return to_json(entry).dump(); }

Result<ImportResult> ListStore::import(const LoadedList& loaded) {
  const fs::path dir = list_dir(loaded.list);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return make_error("io", dir.string() + ": " + ec.message());
  ImportResult r;
  r.list = loaded.list;
  r.previous_version = current_version_in(dir);
  r.entries = loaded.entries.size();
  NEXUS_TRY(previous, load_list(loaded.list));
  r.diff = diff_lists(previous, loaded.entries);
  if (r.previous_version != 0 && r.diff.empty()) {
    r.version = r.previous_version;
    return r;
  }
  r.version = r.previous_version + 1;
  const fs::path file = dir / snapshot_name(r.version);
  const fs::path tmp = dir / (snapshot_name(r.version) + ".tmp");
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return make_error("io", tmp.string() + ": cannot write");
    json header = {{"list", loaded.list},
                   {"format", to_string(loaded.format)},
                   {"source_version", loaded.version},
                   {"files", loaded.files},
                   {"entries", loaded.entries.size()}};
    out << json_text(header) << '\n';
    for (const auto& e : loaded.entries) out << json_text(to_json(e)) << '\n';
    out.flush();
    if (!out) return make_error("io", tmp.string() + ": write failed");
  }
  fs::rename(tmp, file, ec);
  if (ec) return make_error("io", file.string() + ": " + ec.message());
  const fs::path current_tmp = dir / "CURRENT.tmp";
  {
    std::ofstream out(current_tmp, std::ios::trunc);
    out << snapshot_name(r.version) << '\n';
    if (!out) return make_error("io", current_tmp.string() + ": write failed");
  }
  fs::rename(current_tmp, dir / "CURRENT", ec);
  if (ec) return make_error("io", (dir / "CURRENT").string() + ": " + ec.message());
  return r;
}

Result<std::vector<StoredListInfo>> ListStore::stored_lists() const {
  std::vector<StoredListInfo> out;
  const fs::path root = fs::path(data_dir_) / "lists";
  std::error_code ec;
  if (!fs::exists(root, ec)) return out;
  std::vector<fs::path> dirs;
  for (const auto& d : fs::directory_iterator(root, ec)) {
    if (d.is_directory()) dirs.push_back(d.path());
  }
  std::sort(dirs.begin(), dirs.end());
  for (const auto& d : dirs) {
    const int v = current_version_in(d);
    if (v == 0) continue;
    NEXUS_TRY(snap, read_snapshot(d / snapshot_name(v)));
    out.push_back(StoredListInfo{d.filename().string(), v,
                                 snap.header.value("source_version", std::string()),
                                 snap.entries.size()});
  }
  return out;
}

std::vector<std::string> ListStore::list_names() const {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& d : fs::directory_iterator(fs::path(data_dir_) / "lists", ec)) {
    if (d.is_directory()) names.push_back(d.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string ListStore::snapshot_path(const std::string& list, int version) const {
  return (fs::path(list_dir(list)) / snapshot_name(version)).string();
}

int ListStore::current_version(const std::string& list) const {
  return current_version_in(list_dir(list));
}

Result<StoredSnapshot> ListStore::load_version(const std::string& list, int version) const {
  const fs::path file = snapshot_path(list, version);
  std::error_code ec;
  const auto written = fs::last_write_time(file, ec);
  if (ec) return make_error("io", file.string() + ": " + ec.message());
  NEXUS_TRY(snap, read_snapshot(file));
  StoredSnapshot out;
  out.info = StoredListInfo{list, version, snap.header.value("source_version", std::string()),
                            snap.entries.size()};
  const auto system = fs::file_time_type::clock::to_sys(written);
  out.written_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(system.time_since_epoch()).count();
  out.entries = std::move(snap.entries);
  return out;
}

Result<std::vector<ListEntry>> ListStore::load_current() const {
  std::vector<ListEntry> all;
  NEXUS_TRY(infos, stored_lists());
  for (const auto& info : infos) {
    NEXUS_TRY(entries, load_list(info.list));
    for (auto& e : entries) all.push_back(std::move(e));
  }
  return all;
}

}  // namespace nexus::lists
