// Small list entries and list files for the list-store, snapshot and re-screening tests.
#pragma once

#include "connectors/lists/list_file.hpp"
#include "engine/screening/list_entry.hpp"

#include <string>
#include <utility>
#include <vector>

namespace nexus::lists::testing {

/// A person entry with one name and one date of birth.
inline screening::ListEntry person(const std::string& list, const std::string& reference,
                                   const std::string& name, const std::string& dob) {
  screening::ListEntry entry;
  entry.list = list;
  entry.reference = reference;
  entry.type = screening::EntryType::kPerson;
  entry.names.push_back({name});
  entry.dates_of_birth = {dob};
  entry.programme = "test";
  return entry;
}

/// A list file as a loader would give it.
inline LoadedList list_of(const std::string& list, const std::string& published,
                          std::vector<screening::ListEntry> entries) {
  LoadedList loaded;
  loaded.list = list;
  loaded.version = published;
  loaded.entries = std::move(entries);
  return loaded;
}

}  // namespace nexus::lists::testing
