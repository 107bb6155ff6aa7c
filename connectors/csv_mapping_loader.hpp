// Loads a CsvMapping from a YAML mapping file or names a built-in preset
// (ibm-aml, ibm-aml-normalized, ibm-aml-patterns, amlsim-alerts, saml-d). Presets are
// written in the same YAML as user files (csv_mapping_preset_yaml() prints them),
// so each doubles as an example. Main thread, at start-up.
#pragma once

#include "engine/csv_mapping.hpp"

#include "base/result.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace nexus::connectors {

/// The preset names, in a stable order.
std::vector<std::string> csv_mapping_presets();
/// The YAML text of a preset, or "" when there is no such preset.
std::string csv_mapping_preset_yaml(const std::string& name);

/// `name_or_path`: a preset name, or a YAML mapping file. Errors name file:line.
Result<std::shared_ptr<engine::CsvMapping>> load_csv_mapping(const std::string& name_or_path);
/// Parses mapping YAML (`origin` names it in errors).
Result<std::shared_ptr<engine::CsvMapping>> parse_csv_mapping(const std::string& yaml,
                                                              const std::string& origin);

/// Loads the mapping and binds it to the file: its header line, or (headerless) the
/// column count of its first record. Errors say what is missing and what the file has.
Result<std::shared_ptr<const engine::CsvMapping>> csv_mapping_for_file(
    const std::string& name_or_path, const std::filesystem::path& file);

}  // namespace nexus::connectors
