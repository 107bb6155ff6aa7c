// Shared identifiers that link accounts into one entity (phone, email, address,
// device, national id), and their normalisation: two spellings of the same
// identifier must give the same key, or the link is missed. Pure functions.
#pragma once

#include <string>
#include <string_view>

namespace nexus::graph {

enum class IdentifierKind { kPhone, kEmail, kAddress, kDevice, kNationalId };

/// "phone", "email", "address", "device", "national_id".
std::string_view identifier_kind_name(IdentifierKind kind);

/// The normalised key "<kind>:<value>", or "" when the value is unusable (too short,
/// no '@' in an email, ...); an unusable identifier links nothing. Rules:
/// - phone: digits only, a leading international "00" dropped ("+44 20 7946-0958" and
///   "0044 2079460958" agree); at least 7 digits.
/// - email: trimmed, lower-cased; in the local part a "+tag" is dropped, and for
///   gmail.com / googlemail.com the dots too (the provider ignores them).
/// - address: upper-cased, punctuation to spaces, runs of spaces collapsed, common
///   street words abbreviated (STREET -> ST, ROAD -> RD, AVENUE -> AVE, ...); at least 6 chars.
/// - device: lower-cased letters and digits only (MAC "AA:BB:.." == "aabb.."); at least 6.
/// - national id: upper-cased letters and digits only; at least 4.
/// Bytes outside ASCII are kept as they are.
std::string normalize_identifier(IdentifierKind kind, std::string_view raw);

/// A person or company name for counting distinct names: upper-cased ASCII, runs of
/// spaces and punctuation collapsed to one space, trimmed.
std::string normalize_name(std::string_view raw);

}  // namespace nexus::graph
