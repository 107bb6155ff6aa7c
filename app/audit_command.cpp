// nexus audit: what an auditor runs against the desk's audit chain (desk/audit_chain.hpp).
//
//   nexus audit verify [--config desk.yaml | --store FILE|postgres:...] [--key PUB]
//   nexus audit verify --export FILE --key PUB
//   nexus audit export [--config ... | --store ...] [--from T] [--to T] --out FILE
//
// Also the desk's key files and its head signer, which `nexus desk` uses.
#include "app/commands.hpp"
#include "app/desk_setup.hpp"
#include "rules/compiler.hpp"

#include "desk/audit_chain.hpp"
#include "desk/audit_json.hpp"
#include "desk/desk_store.hpp"
#include <CLI/CLI.hpp>
#include <google/protobuf/util/time_util.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace nexus::app {

namespace fs = std::filesystem;
using nlohmann::json;

std::string audit_key_path(const DeskConfig& config) {
  if (!config.audit_key.empty()) return config.audit_key;
  if (!config.postgres.empty()) return "./nexus-data/desk-audit.key";
  return (fs::path(config.sqlite).parent_path() / "desk-audit.key").string();
}

std::string audit_heads_path(const DeskConfig& config) { return audit_key_path(config) + ".heads"; }

namespace {

// The first line of a key file, trimmed; errors name the file.
Result<std::string> read_hex_line(const std::string& path, std::string_view what) {
  std::ifstream in(path);
  if (!in) return make_error("audit", path + ": cannot read the " + std::string(what));
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

Result<void> write_file(const std::string& path, const std::string& text, mode_t mode) {
  std::error_code ec;
  const auto parent = fs::path(path).parent_path();
  if (!parent.empty()) fs::create_directories(parent, ec);
  {
    std::ofstream out(path, std::ios::trunc);
    if (!out) return make_error("audit", path + ": cannot write");
    out << text;
    if (!out.flush()) return make_error("audit", path + ": cannot write");
  }
  if (::chmod(path.c_str(), mode) != 0) return make_error("audit", path + ": cannot chmod");
  return outcome::success();
}

std::string short_key(const std::string& hex) { return hex.substr(0, 16); }

std::string when(int64_t ms) {
  return google::protobuf::util::TimeUtil::ToString(
      google::protobuf::util::TimeUtil::MillisecondsToTimestamp(ms));
}

}  // namespace

Result<desk::AuditKey> load_or_create_audit_key(const std::string& path, bool* created) {
  *created = false;
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    const desk::AuditKey key = desk::generate_audit_key();
    NEXUS_TRY(write_file(path, desk::seed_hex(key) + "\n", 0600));
    NEXUS_TRY(write_file(path + ".pub", desk::public_key_hex(key) + "\n", 0644));
    *created = true;
    return key;
  }
  NEXUS_TRY(line, read_hex_line(path, "audit signing key"));
  auto key = desk::audit_key_from_seed_hex(line);
  if (!key) return make_error("audit", path + ":1: " + key.error().message);
  if (!fs::exists(path + ".pub", ec)) {
    NEXUS_TRY(write_file(path + ".pub", desk::public_key_hex(key.value()) + "\n", 0644));
  }
  return key.value();
}

Result<std::array<unsigned char, 32>> read_audit_public_key(const std::string& path) {
  NEXUS_TRY(line, read_hex_line(path, "public key"));
  auto key = desk::parse_public_key_hex(line);
  if (!key) return make_error("audit", path + ":1: " + key.error().message);
  return key.value();
}

void print_audit_verdict(const desk::AuditVerdict& verdict, const std::string& what,
                         const std::string& key_hex) {
  if (!verdict.intact) {
    std::printf("%s: %lld entries verified before entry %lld\n", what.c_str(),
                static_cast<long long>(verdict.entries),
                static_cast<long long>(verdict.problem_seq));
    std::printf("  BROKEN at entry %lld: %s\n  %s\n", static_cast<long long>(verdict.problem_seq),
                verdict.problem.c_str(), verdict.detail.c_str());
    return;
  }
  std::printf("%s: %lld entries", what.c_str(), static_cast<long long>(verdict.entries));
  if (verdict.entries > 0) {
    std::printf(" (%lld..%lld)", static_cast<long long>(verdict.first_seq),
                static_cast<long long>(verdict.last_seq));
  }
  std::printf("\n");
  std::printf("  hash chain     intact: every entry matches its hash and follows the one before\n");
  if (key_hex.empty()) {
    std::printf("  signed heads   %lld matched, signatures NOT checked (no --key)\n",
                static_cast<long long>(verdict.heads));
  } else if (verdict.heads == 0) {
    std::printf("  signed heads   none yet\n");
  } else {
    std::printf(
        "  signed heads   %lld checked with key %s (the newest vouches for entries up to "
        "%lld)\n",
        static_cast<long long>(verdict.heads), short_key(key_hex).c_str(),
        static_cast<long long>(verdict.last_signed_seq));
  }
  if (verdict.unsigned_tail > 0) {
    std::printf(
        "  unsigned tail  %lld %s after the newest signed head (intact as far as "
        "the chain goes; the next head will cover them)\n",
        static_cast<long long>(verdict.unsigned_tail),
        verdict.unsigned_tail == 1 ? "entry" : "entries");
  }
}

// ---- the head signer of `nexus desk` ----

AuditSigner::AuditSigner(std::unique_ptr<desk::DeskStore> store, desk::AuditKey key,
                         std::string heads_file)
    : store_(std::move(store)), key_(key), heads_file_(std::move(heads_file)) {}

AuditSigner::~AuditSigner() = default;

Result<std::optional<desk::SignedHead>> AuditSigner::tick() {
  if (!verifier_) {
    NEXUS_TRY(heads, store_->signed_heads());
    for (const auto& head : heads) head_id_ = std::max(head_id_, head.id);
    verifier_ = std::make_unique<desk::AuditVerifier>(std::move(heads), key_.public_key);
  } else {
    NEXUS_TRY(heads, store_->signed_heads());
    for (auto& head : heads) {
      if (head.id <= head_id_) continue;
      head_id_ = head.id;
      verifier_->add_head(std::move(head));
    }
  }
  for (;;) {
    NEXUS_TRY(entries, store_->audit_entries({}, verifier_->last_seq(), 5000));
    for (const auto& entry : entries) {
      if (!verifier_->feed(entry)) break;
    }
    if (entries.size() < 5000 || !verifier_->snapshot().intact) break;
  }
  verdict_ = verifier_->snapshot();
  // Never vouch for a chain that does not verify: a broken one stays unsigned.
  if (!verdict_.intact || verdict_.entries == 0 || verdict_.unsigned_tail == 0) {
    return std::optional<desk::SignedHead>{};
  }
  NEXUS_TRY(head, store_->sign_audit_head(key_));
  if (head) {
    if (!heads_file_.empty()) {
      std::ofstream out(heads_file_, std::ios::app);
      out << json{{"head", desk::signed_head_json(*head)}}.dump() << "\n";
      if (!out.flush()) {
        return make_error("audit", heads_file_ + ": cannot append the signed head");
      }
    }
    head_id_ = std::max(head_id_, head->id);
    verifier_->add_head(*head);
    verdict_ = verifier_->snapshot();
  }
  return head;
}

std::optional<std::string> sign_head_for_export(const DeskConfig& config, const desk::AuditKey& key,
                                                const std::string& where) {
  std::string ignored;
  auto second = open_desk_store(config, &ignored);
  if (!second) return "audit log: " + second.error().message;
  AuditSigner signer(std::move(second).value(), key, audit_heads_path(config));
  auto signed_head = signer.tick();
  if (!signed_head) return "audit log: " + signed_head.error().message;
  if (!signer.verdict().intact) {
    print_audit_verdict(signer.verdict(), "audit log in " + where, desk::public_key_hex(key));
    return std::string("the audit log does not verify");
  }
  return std::nullopt;
}

namespace {

// ---- exports ----

struct AuditOptions {
  std::string config;
  std::string store;
  std::string key;
  std::string export_file;
  std::string out;
  std::string from;
  std::string to;
};

DeskConfig config_of(const AuditOptions& options) {
  DeskConfig config = load_desk_config(options.config);
  apply_store_option(&config, options.store);
  return config;
}

// "2026-12-01", "2026-12-01T10:00:00Z" (RFC 3339), or milliseconds since the epoch.
std::optional<int64_t> parse_when(const std::string& text) {
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) {
    return std::stoll(text);
  }
  google::protobuf::Timestamp at;
  const std::string full = text.size() == 10 ? text + "T00:00:00Z" : text;
  if (!google::protobuf::util::TimeUtil::FromString(full, &at)) return std::nullopt;
  return google::protobuf::util::TimeUtil::TimestampToMilliseconds(at);
}

int fail(const std::string& message) {
  std::fprintf(stderr, "nexus: %s\n", message.c_str());
  return 2;
}

int verify_store(const AuditOptions& options) {
  const DeskConfig config = config_of(options);
  std::string where;
  auto store = open_desk_store(config, &where);
  if (!store) return fail("desk store (" + where + ") refused: " + store.error().message);
  std::string key_file = options.key;
  std::error_code ec;
  if (key_file.empty() && fs::exists(audit_key_path(config) + ".pub", ec)) {
    key_file = audit_key_path(config) + ".pub";
  }
  std::optional<std::array<unsigned char, 32>> key;
  std::string key_hex;
  if (!key_file.empty()) {
    auto read = read_audit_public_key(key_file);
    if (!read) return fail(read.error().message);
    key = read.value();
    key_hex = desk::to_hex({reinterpret_cast<const char*>(key->data()), key->size()});
    std::printf("public key %s (%s)\n", short_key(key_hex).c_str(), key_file.c_str());
  }
  // The desk's copy of its signed heads, kept apart from the database: a head row deleted
  // from the store is still checked, and named.
  std::vector<desk::SignedHead> copies;
  const std::string heads_file = audit_heads_path(config);
  if (fs::exists(heads_file, ec)) {
    std::ifstream in(heads_file);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
      ++number;
      if (line.empty()) continue;
      try {
        copies.push_back(desk::signed_head_from_json(json::parse(line).at("head")));
      } catch (const json::exception& e) {
        return fail(heads_file + ":" + std::to_string(number) + ": " + e.what());
      }
    }
    std::printf("signed heads also read from %s (%zu)\n", heads_file.c_str(), copies.size());
  }
  auto stored_heads = store.value()->signed_heads();
  if (!stored_heads) return fail("audit log: " + stored_heads.error().message);
  std::optional<desk::SignedHead> deleted;
  for (const auto& copy : copies) {
    const bool kept =
        std::any_of(stored_heads.value().begin(), stored_heads.value().end(),
                    [&](const desk::SignedHead& head) { return head.signature == copy.signature; });
    if (!kept && !deleted) deleted = copy;
  }
  auto verdict = desk::verify_audit(*store.value(), key, 5000, copies);
  if (!verdict) return fail("audit log: " + verdict.error().message);
  if (verdict.value().intact && deleted) {
    verdict.value().intact = false;
    verdict.value().problem = "head deleted";
    verdict.value().problem_seq = deleted->seq;
    verdict.value().detail = "the head signed at " + when(deleted->signed_ms) +
                             " over entries up to " + std::to_string(deleted->seq) + " is in " +
                             heads_file + " but no longer in the store's table of heads";
  }
  print_audit_verdict(verdict.value(), "audit log in " + where, key_hex);
  std::printf(verdict.value().intact ? "verified\n" : "NOT VERIFIED\n");
  return verdict.value().intact ? 0 : 1;
}

int verify_export(const AuditOptions& options) {
  if (options.key.empty()) {
    return fail(
        "audit verify --export needs --key (the desk's public key, <key>.pub): an "
        "export cannot vouch for itself");
  }
  auto key = read_audit_public_key(options.key);
  if (!key) return fail(key.error().message);
  std::ifstream in(options.export_file);
  if (!in) return fail(options.export_file + ": cannot read");
  std::string line;
  int line_number = 0;
  json header;
  std::vector<desk::SignedHead> heads;
  std::vector<desk::AuditEntry> entries;
  bool ended = false;
  try {
    while (std::getline(in, line)) {
      ++line_number;
      if (line.empty()) continue;
      const json row = json::parse(line);
      if (line_number == 1) {
        if (row.value("format", "") != "nexus-audit-export" || row.value("version", 0) != 1) {
          return fail(options.export_file + ":1: not a nexus audit export (version 1)");
        }
        header = row;
      } else if (row.contains("head")) {
        heads.push_back(desk::signed_head_from_json(row["head"]));
      } else if (row.contains("entry")) {
        entries.push_back(desk::audit_entry_from_json(row["entry"]));
      } else if (row.contains("end")) {
        ended = row["end"].value("entries", -1) == static_cast<int64_t>(entries.size()) &&
                row["end"].value("heads", -1) == static_cast<int64_t>(heads.size());
      }
    }
  } catch (const json::exception& e) {
    return fail(options.export_file + ":" + std::to_string(line_number) + ": " + e.what());
  }
  if (header.is_null()) return fail(options.export_file + ": empty");
  const int64_t first = header.value("first_seq", int64_t{1});
  desk::AuditVerifier verifier(heads, key.value(), first,
                               header.value("prev_hash", desk::genesis_hash()));
  for (const auto& entry : entries) {
    if (!verifier.feed(entry)) break;
  }
  desk::AuditVerdict verdict = verifier.finish();
  if (verdict.intact && !ended) {
    verdict.intact = false;
    verdict.problem = "truncated";
    verdict.problem_seq = verdict.last_seq + 1;
    verdict.detail = "the export has no end line matching its entries and heads: it was cut off";
  }
  if (verdict.intact && verdict.last_seq != header.value("last_seq", int64_t{0})) {
    verdict.intact = false;
    verdict.problem = "truncated";
    verdict.problem_seq = verdict.last_seq + 1;
    verdict.detail = "the header says the export ends at entry " +
                     std::to_string(header.value("last_seq", int64_t{0})) + ", the entries at " +
                     std::to_string(verdict.last_seq);
  }
  if (verdict.intact && verdict.unsigned_tail > 0) {
    verdict.intact = false;
    verdict.problem = "unsigned";
    verdict.problem_seq = verdict.last_signed_seq + 1;
    verdict.detail = "entries after " + std::to_string(verdict.last_signed_seq) +
                     " are covered by no signed head in the export";
  }
  const std::string key_hex =
      desk::to_hex({reinterpret_cast<const char*>(key.value().data()), key.value().size()});
  std::printf("public key %s (%s)\n", short_key(key_hex).c_str(), options.key.c_str());
  print_audit_verdict(verdict, "audit export " + options.export_file, key_hex);
  if (verdict.intact && first > 1) {
    std::printf(
        "  chains on from entry %lld, whose hash it gives as %s... (check it against the "
        "export before)\n",
        static_cast<long long>(first - 1),
        header.value("prev_hash", std::string()).substr(0, 16).c_str());
  }
  std::printf(verdict.intact ? "verified\n" : "NOT VERIFIED\n");
  return verdict.intact ? 0 : 1;
}

int export_audit(const AuditOptions& options) {
  if (options.out.empty()) return fail("audit export needs --out FILE");
  desk::AuditFilter range;
  for (const auto& [text, field] :
       {std::pair{&options.from, &range.from_ms}, std::pair{&options.to, &range.to_ms}}) {
    if (text->empty()) continue;
    *field = parse_when(*text);
    if (!*field) {
      return fail("'" + *text +
                  "' is not a time: give 2026-12-01, 2026-12-01T10:00:00Z or "
                  "milliseconds since the epoch");
    }
  }
  const DeskConfig config = config_of(options);
  std::string where;
  auto opened = open_desk_store(config, &where);
  if (!opened) return fail("desk store (" + where + ") refused: " + opened.error().message);
  desk::DeskStore& store = *opened.value();
  bool created = false;
  auto key = load_or_create_audit_key(audit_key_path(config), &created);
  if (!key) return fail(key.error().message);
  if (auto refused = sign_head_for_export(config, key.value(), where)) {
    return fail(*refused + ": nothing exported (run nexus audit verify)");
  }
  // The selected entries: the seq range from the first to the last entry in [from, to).
  auto first_page = store.audit_entries(range, 0, 1);
  if (!first_page) return fail(first_page.error().message);
  if (first_page.value().empty()) return fail("no audit entries in that time range");
  const int64_t first_seq = first_page.value().front().seq;
  int64_t last_selected = first_seq;
  for (int64_t after = first_seq - 1;;) {
    auto page = store.audit_entries(range, after, 10000);
    if (!page) return fail(page.error().message);
    if (page.value().empty()) break;
    last_selected = page.value().back().seq;
    after = last_selected;
  }
  auto heads = store.signed_heads();
  if (!heads) return fail(heads.error().message);
  std::vector<desk::SignedHead> covering;
  int64_t end_seq = 0;
  for (const auto& head : heads.value()) {
    if (head.seq < first_seq) continue;
    if (end_seq == 0 && head.seq >= last_selected) end_seq = head.seq;
    if (end_seq != 0 && head.seq > end_seq) break;
    covering.push_back(head);
  }
  if (end_seq == 0) return fail("no signed head covers entry " + std::to_string(last_selected));
  std::string prev_hash = desk::genesis_hash();
  if (first_seq > 1) {
    auto before = store.audit_entries({}, first_seq - 2, 1);
    if (!before || before.value().empty()) return fail("cannot read entry before the range");
    prev_hash = before.value().front().hash;
  }
  std::ostringstream out;
  out << json{{"format", "nexus-audit-export"},
              {"version", 1},
              {"source", where},
              {"exported_ms", desk::system_desk_clock()()},
              {"from", options.from},
              {"to", options.to},
              {"first_seq", first_seq},
              {"last_seq", end_seq},
              {"selected_last_seq", last_selected},
              {"prev_hash", prev_hash},
              {"public_key", desk::public_key_hex(key.value())}}
             .dump()
      << "\n";
  for (const auto& head : covering)
    out << json{{"head", desk::signed_head_json(head)}}.dump() << "\n";
  int64_t written = 0;
  for (int64_t after = first_seq - 1; after < end_seq;) {
    auto page = store.audit_entries({}, after, 10000);
    if (!page) return fail(page.error().message);
    if (page.value().empty()) break;
    for (const auto& entry : page.value()) {
      if (entry.seq > end_seq) break;
      out << json{{"entry", desk::audit_entry_json(entry)}}.dump() << "\n";
      ++written;
      after = entry.seq;
    }
  }
  out << json{{"end", {{"entries", written}, {"heads", covering.size()}}}}.dump() << "\n";
  const std::string text = out.str();
  std::ofstream file(options.out, std::ios::trunc);
  if (!file || !(file << text) || !file.flush()) return fail(options.out + ": cannot write");
  const std::string digest = rules::sha256_hex(text);
  auto recorded =
      store.record({"nexus-audit", "system", "audit.export",
                    "audit:" + std::to_string(first_seq) + ".." + std::to_string(end_seq), "{}",
                    json{{"file", fs::path(options.out).filename().string()},
                         {"sha256", digest},
                         {"entries", written},
                         {"heads", covering.size()}}
                        .dump()});
  if (!recorded) return fail("audit log: " + recorded.error().message);
  std::printf(
      "exported entries %lld..%lld (%lld entries, %zu signed heads, the newest at %lld, "
      "signed %s) to %s\n  sha256 %s (recorded as audit entry %lld)\n"
      "  verify offline: nexus audit verify --export %s --key %s.pub\n",
      static_cast<long long>(first_seq), static_cast<long long>(end_seq),
      static_cast<long long>(written), covering.size(), static_cast<long long>(end_seq),
      when(covering.back().signed_ms).c_str(), options.out.c_str(), digest.c_str(),
      static_cast<long long>(recorded.value()), options.out.c_str(),
      audit_key_path(config).c_str());
  return 0;
}

}  // namespace

void add_audit_command(CLI::App& app) {
  auto options = std::make_shared<AuditOptions>();
  auto* audit =
      app.add_subcommand("audit", "Check and export the review desk's tamper-evident audit log");
  audit->require_subcommand(1);
  auto add_store = [&options](CLI::App* command) {
    command->add_option("--config,-c", options->config,
                        "The desk's YAML config (deploy/desk.yaml)");
    command->add_option(
        "--store", options->store,
        "SQLite file, or postgres:<libpq connection string> (overrides the config)");
  };
  auto* verify = audit->add_subcommand(
      "verify", "Recompute the hash chain and check the signed heads; exit 1 when it is broken");
  add_store(verify);
  verify->add_option("--key", options->key,
                     "The desk's public key file (<key>.pub); default: the config's, if present");
  verify->add_option("--export", options->export_file,
                     "Check an export file offline instead of a store (needs --key)");
  verify->callback([options] {
    std::exit(options->export_file.empty() ? verify_store(*options) : verify_export(*options));
  });
  auto* exporter = audit->add_subcommand(
      "export", "Write the entries of a time range with the signed heads that cover them");
  add_store(exporter);
  exporter->add_option("--from", options->from, "First time (2026-12-01, RFC 3339, or epoch ms)");
  exporter->add_option("--to", options->to, "End time, exclusive");
  exporter->add_option("--out,-o", options->out, "The export file (JSON lines)")->required();
  exporter->callback([options] { std::exit(export_audit(*options)); });
}

}  // namespace nexus::app
