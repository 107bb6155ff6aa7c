// The goAML report of a case: what a reporting entity files with its FIU through UNODC's
// goAML (schema 5.0.1), built from the case, its alerts and the transactions behind them,
// and checked against the schema before anyone gets it. libxml2 (its tree API writes the
// XML, so every text is escaped by the writer) stays in goaml_report.cpp.
//
// Plain values and pure functions: thread-safe. The FX table and the schema are read only.
#pragma once

#include "engine/fx_table.hpp"
#include "nexus/v1/alert.pb.h"
#include "nexus/v1/transaction.pb.h"

#include "base/result.hpp"
#include "desk/case.hpp"
#include "desk/case_evidence.hpp"
#include "desk/goaml_schema.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nexus::desk {

/// goAML t_address (the reporting entity's location).
struct GoamlAddress {
  std::string address_type = "-";  // contact_type code (the FIU's lookup); "-" unknown
  std::string address;             // required, 1..100 characters
  std::string city;                // required
  std::string zip;                 // optional, up to 10 characters
  std::string country_code;        // required, ISO 3166-1 alpha-2 ("AE")
  std::string state;               // optional
};

/// goAML t_person_registration_in_report: the person at the entity who files.
struct GoamlReportingPerson {
  std::string first_name;  // required
  std::string last_name;   // required
  std::string email;       // optional
  std::string occupation;  // optional ("MLRO")
};

/// Who reports: the reporting entity as its FIU registered it, and the code tables of that
/// FIU. The schema's enumerations (conduction_type, funds_type, report_indicator_type) list
/// codes without meanings; their meanings are each FIU's lookup tables, so the maps here
/// override Nexus's defaults (goaml_transmode_code) per Nexus name.
struct GoamlEntity {
  int64_t rentity_id = 0;           // required, >= 1: the FIU's id of the entity
  std::string rentity_branch;       // required, 1..255 characters
  std::string currency_code_local;  // required, ISO 4217 ("AED"); must be in the FX table
  GoamlReportingPerson reporting_person;
  GoamlAddress location;
  // What the entity did about it (the report's <action>).
  std::string action =
      "Case reviewed and approved for reporting in the Nexus review desk; "
      "the accounts involved are under enhanced monitoring.";
  // Channel name ("wire", "cash_deposit", ...) -> transmode_code, over the defaults.
  std::map<std::string, std::string> transmode_codes;
  // Channel name -> from_funds_code / to_funds_code; unmapped: "-".
  std::map<std::string, std::string> funds_codes;
  // Typology ("structuring") -> report indicator code; unmapped typologies add none and
  // the report carries "-" when none is mapped (5.0.1 lists only "-").
  std::map<std::string, std::string> indicator_codes;
  // True for placeholder_goaml_entity(): the report says so in its reason.
  bool placeholder = false;
};

/// A clearly marked placeholder entity the schema accepts (rentity_id 1, branch
/// "PLACEHOLDER - set rentity_id and branch in the entity config", local currency USD):
/// for a first look at a report, never for filing.
GoamlEntity placeholder_goaml_entity();

/// What a report is built from. The transactions are the caller's: those the alerts name
/// (goaml_transaction_ids); others are reported too when given.
struct GoamlCaseInput {
  Case case_row;
  std::vector<nexus::v1::Alert> alerts;
  std::vector<nexus::v1::Transaction> transactions;
  int64_t submission_ms = 0;  // the report's submission_date (UTC)
};

/// A report's input from a gathered case: its row, its alerts, and of its transactions those
/// the alerts and their evidence name (goaml_transaction_ids; not the network pictures').
GoamlCaseInput goaml_case_input(CaseEvidence evidence, int64_t submission_ms);

/// A report that validated.
struct GoamlReport {
  std::string xml;          // UTF-8, indented, what is filed
  std::string report_code;  // "STR" (with transactions) or "SAR" (activity only)
  size_t alerts = 0;
  size_t transactions = 0;
};

/// The transaction ids the alerts name: each alert's transaction_ids, then its evidence's,
/// first occurrence order, without repeats.
std::vector<std::string> goaml_transaction_ids(std::span<const nexus::v1::Alert> alerts);

/// The transmode_code of `channel` (its Nexus name, e.g. "cash_deposit") for `entity`:
/// the entity's map, else the default table (README "goAML reports"), else "-".
std::string goaml_transmode_code(const GoamlEntity& entity, std::string_view channel);

/// The analyst's narrative (<reason>): the case, then per alert its rule and version, title,
/// typologies, severity and score, and each evidence line as name, observed, op, threshold
/// and window; sanctions hits. At most 8000 characters (the schema's comments_type).
std::string goaml_reason(const GoamlEntity& entity, const GoamlCaseInput& input);

/// Text an XML 1.0 document can hold: invalid UTF-8 and the characters XML 1.0 excludes
/// (controls other than tab, newline and carriage return; U+FFFE, U+FFFF) dropped, then
/// cut to `max_chars` characters (0: no limit). Escaping is the writer's job.
std::string xml_safe_text(std::string_view text, size_t max_chars = 0);

/// Writes the report without validating it. Errors (code "goaml_input"): the local
/// currency or a transaction's currency is not in `fx`. Cost: linear in the input.
Result<std::string> build_goaml_xml(const GoamlEntity& entity, const GoamlCaseInput& input,
                                    const engine::FxTable& fx);

/// build_goaml_xml, then the schema check: a report that does not validate is refused
/// (code "goaml_invalid", libxml2's messages "line N: message", one a line).
Result<GoamlReport> build_goaml_report(const GoamlEntity& entity, const GoamlCaseInput& input,
                                       const engine::FxTable& fx, const GoamlSchema& schema);

}  // namespace nexus::desk
