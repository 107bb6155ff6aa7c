// How a sanctions-list entry looks to a yente client: a FollowTheMoney entity (schema,
// properties as lists of strings), the yente dataset its list is published as, and a
// stable entity id. Pure functions of the entry; any thread.
#pragma once

#include "engine/screening/list_entry.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace nexus::connectors::detail {

/// The yente / OpenSanctions dataset name of a Nexus list: UN -> un_sc_sanctions, OFAC-SDN ->
/// us_ofac_sdn, OFAC-CONS -> us_ofac_cons, EU -> eu_fsf, UK -> gb_hmt_sanctions,
/// OpenSanctions -> opensanctions; any other list lowercased with '_' for the rest.
std::string ftm_dataset(std::string_view list);

/// A readable title for the catalog ("UN Security Council consolidated list").
std::string ftm_dataset_title(std::string_view list);

/// The FollowTheMoney schema of an entry type: Person, Organization, Vessel, Airplane, and
/// LegalEntity when the list does not say.
std::string_view ftm_schema(screening::EntryType type);

/// The entry's id as the API shows it: a prefix per list and the publisher's reference
/// ("unsc-QDi.299", "ofac-306", "eu-fsf-EU.27.28", "gb-hmt-6895"); an OpenSanctions entry keeps
/// its own id.
std::string ftm_entity_id(const screening::ListEntry& entry);

/// yente's EntityResponse for an entry: id, caption, schema, properties (name, alias,
/// weakAlias, previousName, birthDate, nationality or country, idNumber or
/// registrationNumber, programId, topics), datasets, referents, target, first_seen,
/// last_seen, last_change.
nlohmann::json ftm_entity_json(const screening::ListEntry& entry);

}  // namespace nexus::connectors::detail
