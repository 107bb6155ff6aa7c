#include "connectors/lists/import_diff.hpp"

#include <algorithm>
#include <map>

namespace nexus::lists {
namespace {

template <class T>
std::vector<T> sorted(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  return v;
}

std::vector<std::string> name_keys(const screening::ListEntry& e) {
  std::vector<std::string> out;
  for (const auto& n : e.names) {
    out.push_back(n.text + '\x1f' + std::string(screening::to_string(n.kind)) +
                  (n.strength == screening::AliasStrength::kWeak ? "w" : "s"));
  }
  return sorted(std::move(out));
}

std::vector<std::string> changed_fields(const screening::ListEntry& a,
                                        const screening::ListEntry& b) {
  std::vector<std::string> f;
  if (name_keys(a) != name_keys(b)) f.push_back("names");
  if (a.type != b.type) f.push_back("type");
  if (sorted(a.dates_of_birth) != sorted(b.dates_of_birth)) f.push_back("dates_of_birth");
  if (sorted(a.countries) != sorted(b.countries)) f.push_back("countries");
  if (sorted(a.identifiers) != sorted(b.identifiers)) f.push_back("identifiers");
  if (a.programme != b.programme) f.push_back("programme");
  if (a.listed_on != b.listed_on) f.push_back("listed_on");
  return f;
}

}  // namespace

ImportDiff diff_lists(const std::vector<screening::ListEntry>& previous,
                      const std::vector<screening::ListEntry>& current) {
  std::map<std::string, const screening::ListEntry*> old_by_ref, new_by_ref;
  for (const auto& e : previous) old_by_ref.emplace(e.reference, &e);
  for (const auto& e : current) new_by_ref.emplace(e.reference, &e);
  ImportDiff d;
  for (const auto& [ref, e] : new_by_ref) {
    auto it = old_by_ref.find(ref);
    if (it == old_by_ref.end()) {
      d.added.push_back(ref);
      continue;
    }
    auto fields = changed_fields(*it->second, *e);
    if (fields.empty()) {
      ++d.unchanged;
    } else {
      d.changed.push_back(ChangedEntry{ref, std::move(fields)});
    }
  }
  for (const auto& [ref, e] : old_by_ref) {
    if (!new_by_ref.count(ref)) d.removed.push_back(ref);
  }
  return d;
}

}  // namespace nexus::lists
