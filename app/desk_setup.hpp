// The review desk's start-up, shared by `nexus desk` and `nexus demo --desk`: open (and
// migrate) the store, create the first admin, store an alerts file, consume the alerts
// topic, serve the API and the web UI until SIGINT/SIGTERM.
#pragma once

#include "base/result.hpp"
#include "desk/audit_chain.hpp"
#include "desk/desk_store.hpp"
#include "desk/goaml_report.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#ifndef NEXUS_DEFAULT_GOAML_SCHEMA
#define NEXUS_DEFAULT_GOAML_SCHEMA "goAMLSchema_5.0.1.xsd"
#endif

#ifndef NEXUS_DEFAULT_WEB_DIR
#define NEXUS_DEFAULT_WEB_DIR "web/dist"
#endif

namespace nexus::app {

struct DeskConfig {
  std::string address = "127.0.0.1";
  int port = 8470;
  std::string sqlite = "./nexus-data/desk.db";
  std::string postgres;  // libpq conninfo; when set, used instead of sqlite
  std::string alerts_file;
  std::map<std::string, std::string> kafka;  // with bootstrap.servers: consume alerts_topic
  std::string alerts_topic = "alerts";
  std::string events_topic;     // the engines' events (nexus run's topics.events); "": none
  bool secure_cookies = false;  // Secure cookies over plain HTTP (TLS at a proxy in front)
  /// listen.tls: with both set, the desk serves only HTTPS and its cookie is Secure.
  /// Default: none (plain HTTP).
  std::string tls_certificate;                  // PEM: the certificate, then any CA chain
  std::string tls_private_key;                  // PEM: its private key, unencrypted
  std::string web_dir = NEXUS_DEFAULT_WEB_DIR;  // the built UI
  // The Ed25519 key that signs the audit chain's heads (created on first start, with its
  // public half in `<key>.pub`); empty: desk-audit.key beside the SQLite file, or
  // ./nexus-data/desk-audit.key with PostgreSQL.
  std::string audit_key;
  int64_t audit_sign_every_ms = 5 * 60'000;  // a new head at most this often, when it moved
  /// A rule directory (`rules:`), compiled at start: the rules page lists its rules, also
  /// those that never alerted. Default: none (the page shows what the alerts tell).
  std::string rules_dir;
  /// A lists data directory (`lists:`, what `nexus lists import --data-dir` writes): the
  /// lists page shows its lists. Default: none.
  std::string lists_dir;
  /// `transactions:`: files of the payments the alerts were made from (NDJSON or .pb, as
  /// `nexus replay` reads them). A case's goAML report and evidence package read the
  /// transactions behind its alerts from here, and the desk keeps those it read in its
  /// store. Default: none (only transactions the store already keeps).
  std::vector<std::string> transaction_files;
  /// `goaml.entity`: the reporting entity (YAML, as `nexus report goaml --entity`); empty:
  /// a marked placeholder. `goaml.schema`: the goAML XSD every report is validated against;
  /// empty: NEXUS_DEFAULT_GOAML_SCHEMA, and the desk serves without goAML reports when that
  /// file is not there (a schema that is named and refused stops the desk).
  std::string goaml_entity;
  std::string goaml_schema;
};

/// The reporting entity config (YAML) of goAML reports; "" gives the marked placeholder. A bad
/// file exits 2 with file:line.
desk::GoamlEntity load_goaml_entity(const std::string& path);

/// The desk config file (deploy/desk.yaml); "" gives the defaults. A bad file exits 2 with
/// file:line.
DeskConfig load_desk_config(const std::string& path);

/// `--store FILE` (SQLite) or `--store postgres:CONNINFO` over the config's store; "" keeps it.
void apply_store_option(DeskConfig* config, const std::string& store);

/// Opens (and migrates) the configured store; `where` names it for messages.
Result<std::unique_ptr<desk::DeskStore>> open_desk_store(const DeskConfig& config,
                                                         std::string* where);

/// The audit key file of `config` (see DeskConfig::audit_key).
std::string audit_key_path(const DeskConfig& config);
/// Where the desk keeps its copy of the signed heads: `<key>.heads`.
std::string audit_heads_path(const DeskConfig& config);

/// Reads the key, or creates it (mode 0600, its public key beside it as `<path>.pub`) when
/// the file is not there; `created` says which. Errors name the file and line.
Result<desk::AuditKey> load_or_create_audit_key(const std::string& path, bool* created);

/// An Ed25519 public key from a file of 64 hex characters (what `<key>.pub` holds).
Result<std::array<unsigned char, 32>> read_audit_public_key(const std::string& path);

/// Prints a verification result as `nexus audit verify` shows it.
void print_audit_verdict(const desk::AuditVerdict& verdict, const std::string& what,
                         const std::string& key_hex);

/// Signs the audit chain's head with the desk's key, on a store connection of its own, but
/// only once it has verified every entry up to it (incrementally: each tick reads what was
/// appended since the last).
class AuditSigner {
 public:
  /// Each head it signs is also appended to `heads_file` (JSON lines), a copy kept apart
  /// from the database ("" for none): `nexus audit verify` checks the store against it.
  AuditSigner(std::unique_ptr<desk::DeskStore> store, desk::AuditKey key,
              std::string heads_file = {});
  ~AuditSigner();
  AuditSigner(const AuditSigner&) = delete;
  AuditSigner& operator=(const AuditSigner&) = delete;

  /// Verifies the new entries and, when the chain is intact and has entries no head covers,
  /// signs a new head (returned).
  Result<std::optional<desk::SignedHead>> tick();
  const desk::AuditVerdict& verdict() const { return verdict_; }
  /// Where the check has got to (nullptr before the first tick), for the API to go on from.
  const desk::AuditVerifier* verifier() const { return verifier_.get(); }
  int64_t newest_head_id() const { return head_id_; }

 private:
  std::unique_ptr<desk::DeskStore> store_;
  desk::AuditKey key_;
  std::string heads_file_;
  std::unique_ptr<desk::AuditVerifier> verifier_;
  int64_t head_id_ = 0;
  desk::AuditVerdict verdict_;
};

/// Before an export: signs the chain's head with `key` on a connection of its own, so the
/// export ends at a signed head. Prints the verdict and returns a message when the chain
/// does not verify or cannot be read (nothing is signed then); nullopt when it is signed.
std::optional<std::string> sign_head_for_export(const DeskConfig& config, const desk::AuditKey& key,
                                                const std::string& where);

/// Runs the desk until SIGINT/SIGTERM; returns the exit code (2: refused before serving).
int serve_desk(const DeskConfig& config);

}  // namespace nexus::app
