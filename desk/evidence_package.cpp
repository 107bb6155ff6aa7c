#include "desk/evidence_package.hpp"

#include "engine/transaction_decoder.hpp"
#include "rules/compiler.hpp"

#include "desk/audit_json.hpp"
#include <archive.h>
#include <archive_entry.h>
#include <google/protobuf/util/json_util.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>
#include <set>
#include <sstream>

namespace nexus::desk {

namespace {

using nlohmann::json;

constexpr const char* kManifest = "manifest.json";
constexpr const char* kSignature = "manifest.sig";
constexpr const char* kFormat = "nexus-evidence";
// A package is read whole into memory; anything larger than this is not one of ours.
constexpr size_t kMaxFileBytes = 1ull << 30;

struct ArchiveDeleter {
  void operator()(archive* a) const { archive_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveDeleter>;

la_ssize_t append_to_string(archive*, void* target, const void* data, size_t size) {
  static_cast<std::string*>(target)->append(static_cast<const char*>(data), size);
  return static_cast<la_ssize_t>(size);
}

std::string json_line(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(message, &out, options);
  return out;
}

template <class Message>
std::string ndjson(const std::vector<Message>& messages) {
  std::string out;
  for (const auto& message : messages) out += json_line(message) + "\n";
  return out;
}

std::string case_json(const EvidenceInput& input) {
  const Case& row = input.case_row;
  json timeline = json::array();
  for (const auto& event : input.timeline) {
    json details = json::parse(event.details_json, nullptr, false);
    timeline.push_back({{"id", event.id},
                        {"at_ms", event.at_ms},
                        {"actor", event.actor},
                        {"kind", event.kind},
                        {"details", details.is_discarded() ? json(event.details_json) : details}});
  }
  json out = {{"id", static_cast<int64_t>(row.id)},
              {"subject_key", row.subject_key},
              {"status", std::string(status_name(row.status))},
              {"assignee", row.assignee},
              {"max_severity", nexus::v1::Severity_Name(row.max_severity)},
              {"alert_count", row.alert_count},
              {"created_ms", row.created_ms},
              {"updated_ms", row.updated_ms},
              {"timeline", timeline}};
  if (row.close_reason) out["close_reason"] = std::string(close_reason_name(*row.close_reason));
  if (row.merged_into) out["merged_into"] = static_cast<int64_t>(*row.merged_into);
  return out.dump(2) + "\n";
}

// Calls `use(where, json)` for each line of the file at `path` ("file:line" in `where`);
// a line that is not JSON, or that `use` throws on, is a problem and ends the file.
template <class Use>
void each_json_line(const EvidenceFiles& files, const std::string& path, EvidenceVerdict* verdict,
                    Use use) {
  const auto found = files.find(path);
  if (found == files.end()) return;
  std::istringstream in(found->second);
  int line_number = 0;
  for (std::string line; std::getline(in, line);) {
    const std::string where = path + ":" + std::to_string(++line_number);
    if (line.empty()) continue;
    try {
      use(where, json::parse(line));
    } catch (const json::exception& e) {
      verdict->problems.push_back(where + ": " + e.what());
      return;
    }
  }
}

// Audit entries whose hash does not follow from their fields, or from the entry before when
// both are bundled; heads whose signature fails with `key`.
void check_audit(const EvidenceFiles& files, const std::array<unsigned char, 32>& key,
                 EvidenceVerdict* verdict) {
  std::map<int64_t, std::string> hashes;
  std::optional<AuditEntry> previous;
  each_json_line(
      files, "audit/entries.ndjson", verdict, [&](const std::string& where, const json& line) {
        const AuditEntry entry = audit_entry_from_json(line);
        ++verdict->audit_entries;
        if (chain_hash(entry.prev_hash, entry) != entry.hash) {
          verdict->problems.push_back(where + ": " + describe_entry(entry) +
                                      ": its hash does not follow from its fields (edited)");
        } else if (previous && previous->seq + 1 == entry.seq &&
                   previous->hash != entry.prev_hash) {
          verdict->problems.push_back(where + ": " + describe_entry(entry) +
                                      " does not follow entry " + std::to_string(previous->seq));
        }
        hashes[entry.seq] = entry.hash;
        previous = entry;
      });
  each_json_line(files, "audit/heads.ndjson", verdict,
                 [&](const std::string& where, const json& line) {
                   const SignedHead head = signed_head_from_json(line);
                   ++verdict->signed_heads;
                   const std::string what =
                       where + ": the head over entries up to " + std::to_string(head.seq);
                   const auto at = hashes.find(head.seq);
                   if (!head_signature_valid(head, key)) {
                     verdict->problems.push_back(what + ": bad signature");
                   } else if (at != hashes.end() && at->second != head.hash) {
                     verdict->problems.push_back(what + " signs another hash than bundled entry " +
                                                 std::to_string(head.seq) + " has");
                   }
                 });
}

template <class Message>
Result<std::vector<Message>> parse_ndjson(const EvidenceFiles& files, const std::string& path,
                                          bool required) {
  std::vector<Message> out;
  const auto found = files.find(path);
  if (found == files.end()) {
    if (!required) return out;
    return make_error("parse", path + ": not in the package");
  }
  std::istringstream in(found->second);
  int line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    if (line.empty()) continue;
    Message message;
    const auto status = google::protobuf::util::JsonStringToMessage(line, &message);
    if (!status.ok()) {
      return make_error(
          "parse", path + ":" + std::to_string(line_number) + ": " + std::string(status.message()));
    }
    out.push_back(std::move(message));
  }
  return out;
}

}  // namespace

Result<std::string> write_evidence_tar(
    const std::vector<std::pair<std::string, std::string>>& files, int64_t mtime_s) {
  std::string out;
  ArchivePtr writer(archive_write_new());
  if (!writer || archive_write_set_format_ustar(writer.get()) != ARCHIVE_OK ||
      archive_write_open(writer.get(), &out, nullptr, append_to_string, nullptr) != ARCHIVE_OK) {
    return make_error("archive", std::string("cannot start the tar: ") +
                                     (writer ? archive_error_string(writer.get()) : "no memory"));
  }
  for (const auto& [path, bytes] : files) {
    std::unique_ptr<archive_entry, void (*)(archive_entry*)> entry(archive_entry_new(),
                                                                   archive_entry_free);
    archive_entry_set_pathname(entry.get(), path.c_str());
    archive_entry_set_size(entry.get(), static_cast<la_int64_t>(bytes.size()));
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    archive_entry_set_perm(entry.get(), 0644);
    archive_entry_set_mtime(entry.get(), mtime_s, 0);
    archive_entry_set_uid(entry.get(), 0);
    archive_entry_set_gid(entry.get(), 0);
    archive_entry_set_uname(entry.get(), "nexus");
    archive_entry_set_gname(entry.get(), "nexus");
    if (archive_write_header(writer.get(), entry.get()) != ARCHIVE_OK ||
        archive_write_data(writer.get(), bytes.data(), bytes.size()) !=
            static_cast<la_ssize_t>(bytes.size())) {
      return make_error("archive", path + ": " + archive_error_string(writer.get()));
    }
  }
  if (archive_write_close(writer.get()) != ARCHIVE_OK) {
    return make_error("archive",
                      std::string("cannot finish the tar: ") + archive_error_string(writer.get()));
  }
  return out;
}

Result<std::string> build_evidence_package(const EvidenceInput& input, const AuditKey& key) {
  if (input.alerts.empty()) return make_error("input", "a package needs at least one alert");
  std::vector<std::pair<std::string, std::string>> files;
  files.emplace_back("case.json", case_json(input));
  files.emplace_back("alerts.ndjson", ndjson(input.alerts));
  files.emplace_back("supporting_alerts.ndjson", ndjson(input.supporting_alerts));
  files.emplace_back("transactions.ndjson", ndjson(input.transactions));
  for (const auto& rule : input.rule_files) {
    if (rule.name.empty() || rule.name.find('/') != std::string::npos || rule.name[0] == '.') {
      return make_error("input", "rule file name '" + rule.name + "' is not a plain file name");
    }
    files.emplace_back("rules/" + rule.name, rule.bytes);
  }
  files.emplace_back("lists/versions.json", input.list_versions_json);
  files.emplace_back("lists/matched_entries.json", input.matched_entries_json);
  std::string entries, heads;
  for (const auto& entry : input.audit_entries) entries += audit_entry_json(entry).dump() + "\n";
  for (const auto& head : input.signed_heads) heads += signed_head_json(head).dump() + "\n";
  files.emplace_back("audit/entries.ndjson", entries);
  files.emplace_back("audit/heads.ndjson", heads);
  std::sort(files.begin(), files.end());

  json listed = json::array();
  for (const auto& [path, bytes] : files) {
    listed.push_back(
        {{"path", path}, {"sha256", rules::sha256_hex(bytes)}, {"size", bytes.size()}});
  }
  json lists = json::parse(input.list_versions_json, nullptr, false);
  const json manifest = {{"format", kFormat},
                         {"version", 1},
                         {"case_id", static_cast<int64_t>(input.case_row.id)},
                         {"ruleset_hash", input.ruleset_hash},
                         {"lists", lists.is_discarded() ? json::array() : lists},
                         {"alerts", input.alerts.size()},
                         {"transactions", input.transactions.size()},
                         {"audit_entries", input.audit_entries.size()},
                         {"created_ms", input.created_ms},
                         {"created", engine::format_rfc3339_ms(input.created_ms)},
                         {"public_key", public_key_hex(key)},
                         {"files", listed}};
  const std::string manifest_bytes = manifest.dump(2) + "\n";
  files.insert(files.begin(),
               {std::string(kSignature), sign_message_hex(key, manifest_bytes) + "\n"});
  files.insert(files.begin(), {std::string(kManifest), manifest_bytes});
  return write_evidence_tar(files, input.created_ms / 1000);
}

Result<EvidenceFiles> read_evidence_files(std::string_view bytes) {
  ArchivePtr reader(archive_read_new());
  if (!reader) return make_error("archive", "no memory");
  archive_read_support_format_tar(reader.get());
  if (archive_read_open_memory(reader.get(), bytes.data(), bytes.size()) != ARCHIVE_OK) {
    return make_error("archive", std::string("not a tar: ") + archive_error_string(reader.get()));
  }
  EvidenceFiles files;
  archive_entry* entry = nullptr;
  for (;;) {
    const int status = archive_read_next_header(reader.get(), &entry);
    if (status == ARCHIVE_EOF) break;
    if (status != ARCHIVE_OK) {
      return make_error("archive",
                        std::string("not a readable tar: ") + archive_error_string(reader.get()));
    }
    const std::string path = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
    if (archive_entry_filetype(entry) != AE_IFREG) {
      return make_error("archive", path + ": not a regular file (a package holds only files)");
    }
    const la_int64_t size = archive_entry_size(entry);
    if (size < 0 || static_cast<uint64_t>(size) > kMaxFileBytes) {
      return make_error("archive", path + ": size " + std::to_string(size) + " is out of range");
    }
    std::string data(static_cast<size_t>(size), '\0');
    if (size > 0 && archive_read_data(reader.get(), data.data(), data.size()) !=
                        static_cast<la_ssize_t>(size)) {
      return make_error("archive", path + ": truncated");
    }
    if (!files.emplace(path, std::move(data)).second) {
      return make_error("archive", path + ": in the tar twice");
    }
  }
  if (files.empty()) return make_error("archive", "an empty tar");
  return files;
}

EvidenceVerdict verify_evidence_package(std::string_view bytes,
                                        std::optional<std::array<unsigned char, 32>> key) {
  EvidenceVerdict verdict;
  verdict.key_pinned = key.has_value();
  auto read = read_evidence_files(bytes);
  if (!read) {
    verdict.problems.push_back(read.error().message);
    return verdict;
  }
  const EvidenceFiles& files = read.value();
  const auto manifest_file = files.find(kManifest);
  if (manifest_file == files.end()) {
    verdict.problems.push_back("manifest.json: missing: not an evidence package");
    return verdict;
  }
  const json manifest = json::parse(manifest_file->second, nullptr, false);
  if (manifest.is_discarded() || !manifest.is_object() || manifest.value("format", "") != kFormat ||
      !manifest.contains("files") || !manifest["files"].is_array() ||
      !manifest.contains("public_key") || !manifest["public_key"].is_string()) {
    verdict.problems.push_back(
        "manifest.json: unparsable (not JSON, or no format/files/public_key)");
    return verdict;
  }
  verdict.signer_hex = manifest["public_key"].get<std::string>();
  verdict.case_id = manifest.value("case_id", int64_t{0});
  verdict.ruleset_hash = manifest.value("ruleset_hash", std::string());
  verdict.created_ms = manifest.value("created_ms", int64_t{0});
  auto signer = parse_public_key_hex(verdict.signer_hex);
  std::array<unsigned char, 32> check_key{};
  if (key) {
    check_key = *key;
    const std::string pinned = to_hex({reinterpret_cast<const char*>(key->data()), key->size()});
    if (pinned != verdict.signer_hex) {
      verdict.problems.push_back("manifest.json: signed by key " +
                                 verdict.signer_hex.substr(0, 16) + "..., not by the pinned key " +
                                 pinned.substr(0, 16) + "...");
    }
  } else if (signer) {
    check_key = signer.value();
  } else {
    verdict.problems.push_back("manifest.json: public_key is not an Ed25519 key (64 hex)");
  }
  const auto signature = files.find(kSignature);
  if (signature == files.end()) {
    verdict.problems.push_back("manifest.sig: missing");
  } else {
    std::string hex = signature->second;
    while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r')) hex.pop_back();
    verdict.signature_valid = message_signature_valid(manifest_file->second, hex, check_key);
    if (!verdict.signature_valid) {
      verdict.problems.push_back(
          "manifest.sig: bad signature: manifest.json was changed after signing, or another key "
          "signed it");
    }
  }
  std::set<std::string> listed;
  for (const auto& item : manifest["files"]) {
    if (!item.is_object() || !item.contains("path") || !item["path"].is_string()) {
      verdict.problems.push_back("manifest.json: a file entry without a path");
      continue;
    }
    const std::string path = item["path"].get<std::string>();
    listed.insert(path);
    const auto found = files.find(path);
    if (found == files.end()) {
      verdict.problems.push_back(path + ": missing (the manifest lists it)");
      continue;
    }
    const std::string want = item.value("sha256", std::string());
    const std::string got = rules::sha256_hex(found->second);
    const uint64_t want_size = item.value("size", uint64_t{0});
    if (got != want) {
      verdict.problems.push_back(path + ": sha256 differs (manifest " + want.substr(0, 16) +
                                 "..., file " + got.substr(0, 16) + "...)" +
                                 (want_size != found->second.size()
                                      ? ", size " + std::to_string(found->second.size()) +
                                            " bytes, manifest " + std::to_string(want_size)
                                      : ""));
      continue;
    }
    ++verdict.files;
  }
  for (const auto& [path, data] : files) {
    if (path == kManifest || path == kSignature || listed.count(path)) continue;
    verdict.problems.push_back(path + ": extra file (not in the manifest)");
  }
  if (key || signer) check_audit(files, check_key, &verdict);
  return verdict;
}

Result<EvidenceBundle> read_evidence_bundle(std::string_view bytes) {
  NEXUS_TRY(files, read_evidence_files(bytes));
  EvidenceBundle bundle;
  const auto manifest_file = files.find(kManifest);
  if (manifest_file == files.end()) return make_error("parse", "manifest.json: missing");
  const json manifest = json::parse(manifest_file->second, nullptr, false);
  if (manifest.is_discarded() || !manifest.is_object()) {
    return make_error("parse", "manifest.json: not JSON");
  }
  bundle.case_id = manifest.value("case_id", int64_t{0});
  bundle.ruleset_hash = manifest.value("ruleset_hash", std::string());
  for (const auto& [path, data] : files) {
    if (path.rfind("rules/", 0) == 0) bundle.rule_files.push_back({path.substr(6), data});
  }
  NEXUS_TRY(alerts, parse_ndjson<nexus::v1::Alert>(files, "alerts.ndjson", true));
  NEXUS_TRY(supporting, parse_ndjson<nexus::v1::Alert>(files, "supporting_alerts.ndjson", false));
  NEXUS_TRY(transactions, parse_ndjson<nexus::v1::Transaction>(files, "transactions.ndjson", true));
  bundle.alerts = std::move(alerts);
  bundle.supporting_alerts = std::move(supporting);
  bundle.transactions = std::move(transactions);
  if (const auto found = files.find("lists/versions.json"); found != files.end()) {
    bundle.list_versions_json = found->second;
  }
  if (const auto found = files.find("lists/matched_entries.json"); found != files.end()) {
    bundle.matched_entries_json = found->second;
  }
  return bundle;
}

}  // namespace nexus::desk
