#include "engine/screening/screening_index.hpp"

#include "engine/screening/abjad_alignment.hpp"
#include "engine/screening/name_particles.hpp"
#include "engine/screening/phonetic_key.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <string_view>

namespace nexus::screening {
namespace {

// Skeletons shorter than this get no one-deletion keys: deleting from "mhd"
// gives two-letter keys that select half the list.
constexpr std::size_t kMinDeletionSkeleton = 4;

// FNV-1a, 64 bit: stable across runs and platforms (std::hash is not required to be).
std::uint64_t fnv1a(std::uint64_t h, std::string_view s) {
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

// Whether the sorted, non-empty posting holds id: a binary search whose steps are
// conditional moves, not branches (the branch of std::binary_search is taken at
// random, so it mispredicts about every other step).
bool in_posting(std::span<const std::uint32_t> posting, std::uint32_t id) {
  const std::uint32_t* base = posting.data();
  std::size_t len = posting.size();
  while (len > 1) {
    const std::size_t half = len / 2;
    base = base[half] <= id ? base + half : base;
    len -= half;
  }
  return *base == id;
}

// Calls visit(token) for the tokens that carry the name (plain and compound-joined
// forms); particles and titles only when nothing else is there.
template <class Visit>
void for_key_tokens(const NormalizedName& name, Visit visit) {
  bool any = false;
  for (const auto* list : {&name.tokens, &name.compound_tokens}) {
    for (const auto& t : *list) {
      if (t.role == TokenRole::kName && t.text.size() > 1) {
        visit(t);
        any = true;
      }
    }
  }
  if (!any) {
    for (const auto& t : name.tokens) visit(t);
  }
}

// Alternative skeletons per Arabic-script token (dad as z, qaf as g, ...).
constexpr std::size_t kMaxSpellingVariants = 3;

// Longest skeleton whose one-letter deletions are keyed; longer ones key their
// first kMaxDeletionSkeleton letters' deletions only (no listed name is that long).
constexpr std::size_t kMaxDeletionSkeleton = 48;

// Calls add(kind, text) for each one-letter deletion of skeleton, without allocating.
template <class Add>
void for_deletions(std::string_view skeleton, Add add) {
  if (skeleton.size() < kMinDeletionSkeleton) return;
  char buffer[kMaxDeletionSkeleton];
  const std::size_t n = std::min(skeleton.size(), kMaxDeletionSkeleton);
  for (std::size_t k = 0; k < n; ++k) {
    std::size_t len = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (i != k) buffer[len++] = skeleton[i];
    }
    add(std::string_view(buffer, len));
  }
}

// Calls visit(joined) for each run of two or three particles that are written
// together with the name after them, joined with it ("van den berg" ->
// "vandenberg", "de la cruz" -> "delacruz"): the glued spelling's key. A single
// particle and its name are already an adjacent-token pair.
template <class Visit>
void for_glued_particle_runs(const std::vector<NameToken>& tokens, std::string& joined,
                             Visit visit) {
  for (std::size_t s = 0; s + 2 < tokens.size(); ++s) {
    joined.clear();
    for (std::size_t e = s; e < tokens.size() && e - s < 3; ++e) {
      const NameToken& t = tokens[e];
      joined += t.text;
      if (t.role == TokenRole::kName || t.role == TokenRole::kHonorific) {
        if (e - s >= 2) visit(std::string_view(joined));
        break;
      }
      if (!t.glues_to_next) break;
    }
  }
}

// Keys a query looks up, each with the weight of its kind; sorted by key, unique.
void query_keys(const NormalizedName& q, std::vector<QueryKey>& keys) {
  keys.clear();
  auto add = [&keys](KeyKind kind, std::string_view text, float w) {
    keys.push_back({index_key(kind, text), w, kind, false});
  };
  for_key_tokens(q, [&](const NameToken& t) {
    add(KeyKind::kToken, t.text, 1.0f);
    add(KeyKind::kSkeleton, t.skeleton, 0.8f);
    if (q.abjad_source && !t.abjad.empty()) {
      for (const std::string& v : abjad_spelling_variants(t.abjad, kMaxSpellingVariants)) {
        keys.push_back(
            {index_key(KeyKind::kSkeleton, phonetic_key(v)), 0.8f, KeyKind::kSkeleton, true});
      }
    }
    // One edit on the skeleton (SymSpell): the deletion space holds every listed
    // skeleton and its one-letter deletions, so looking up the query skeleton finds
    // a deleted letter, and its deletions find an inserted or substituted one.
    if (t.skeleton.size() >= kMinDeletionSkeleton - 1) add(KeyKind::kDeletion, t.skeleton, 0.5f);
    for_deletions(t.skeleton, [&](std::string_view del) { add(KeyKind::kDeletion, del, 0.4f); });
  });
  std::string pair;
  for (std::size_t i = 0; i + 1 < q.tokens.size(); ++i) {
    pair.assign(q.tokens[i].text).append(q.tokens[i + 1].text);
    add(KeyKind::kToken, pair, 1.0f);
    add(KeyKind::kSkeleton, phonetic_key(pair), 0.8f);
  }
  for_glued_particle_runs(q.tokens, pair, [&](std::string_view run) {
    add(KeyKind::kToken, run, 1.0f);
    add(KeyKind::kSkeleton, phonetic_key(run), 0.8f);
  });
  std::sort(keys.begin(), keys.end(), [](const QueryKey& a, const QueryKey& b) {
    if (a.key != b.key) return a.key < b.key;
    if (a.weight != b.weight) return a.weight > b.weight;
    return a.variant < b.variant;  // a key that is also the default spelling counts as such
  });
  keys.erase(std::unique(keys.begin(), keys.end(),
                         [](const QueryKey& a, const QueryKey& b) { return a.key == b.key; }),
             keys.end());
}

}  // namespace

std::uint64_t index_key(KeyKind kind, std::string_view text) {
  const char k = static_cast<char>(kind);
  const std::uint64_t h = fnv1a(fnv1a(14695981039346656037ULL, std::string_view(&k, 1)), text);
  return h == 0 ? 1 : h;  // 0 marks an empty slot
}

namespace {
std::size_t slot_of(std::uint64_t key, std::size_t mask) {
  return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> 17) & mask;
}
}  // namespace

void ScreeningIndex::freeze(BuildPostings postings) {
  key_count_ = postings.size();
  std::size_t capacity = 16;
  while (capacity < 2 * key_count_) capacity *= 2;
  slots_.assign(capacity, Slot{});
  std::size_t total = 0;
  for (const auto& [key, ids] : postings) total += ids.size();
  ids_.clear();
  ids_.reserve(total);
  // Keys in a fixed order, so the layout (and so every lookup) is deterministic.
  std::vector<std::uint64_t> keys;
  keys.reserve(postings.size());
  for (const auto& [key, ids] : postings) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  for (std::uint64_t key : keys) {
    const auto& ids = postings[key];
    std::size_t i = slot_of(key, capacity - 1);
    while (slots_[i].key != 0) i = (i + 1) & (capacity - 1);
    // Rarer keys say more: inverse document frequency over the indexed names.
    const auto idf = static_cast<float>(
        std::log(1.0 + static_cast<double>(names_.size()) / static_cast<double>(ids.size())));
    slots_[i] = Slot{key, static_cast<std::uint32_t>(ids_.size()),
                     static_cast<std::uint32_t>(ids.size()), idf};
    ids_.insert(ids_.end(), ids.begin(), ids.end());
  }
}

std::span<const std::uint32_t> ScreeningIndex::posting(std::uint64_t key, float* idf) const {
  if (slots_.empty()) return {};
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = slot_of(key, mask);; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (s.key == key) {
      if (idf != nullptr) *idf = s.idf;
      return {ids_.data() + s.offset, s.length};
    }
    if (s.key == 0) return {};
  }
}

std::unique_ptr<ScreeningIndex> ScreeningIndex::build(std::vector<ListEntry> entries,
                                                      NameNormalizer& normalizer,
                                                      IndexLimits limits) {
  std::unique_ptr<ScreeningIndex> index(new ScreeningIndex());
  index->limits_ = limits;
  index->entries_ = std::move(entries);
  if (limits.cjk_readings) {
    auto cjk = CjkReadings::load(limits.hanja_path);
    if (cjk) {
      index->cjk_ = std::move(cjk).value();
    } else {
      index->cjk_status_ = cjk.error().message;
    }
  }
  BuildPostings postings;
  // Token texts interned in order of first appearance (deterministic), from 1.
  std::unordered_map<std::string, std::uint32_t> token_ids;
  auto intern = [&token_ids](std::vector<NameToken>& tokens) {
    for (auto& t : tokens) {
      t.id = token_ids.try_emplace(t.text, static_cast<std::uint32_t>(token_ids.size() + 1))
                 .first->second;
    }
  };
  // Per token id, how many entries of each kind (0 persons, 1 organisations) hold it.
  std::array<std::vector<std::uint32_t>, 2> holders;
  std::array<std::uint32_t, 2> kind_entries{};
  std::vector<std::uint32_t> entry_tokens;
  for (std::uint32_t e = 0; e < index->entries_.size(); ++e) {
    const auto& entry = index->entries_[e];
    entry_tokens.clear();
    for (std::uint32_t n = 0; n < entry.names.size(); ++n) {
      auto add_name = [&](NormalizedName normalized, bool reading) {
        if (normalized.empty()) return;
        intern(normalized.tokens);
        intern(normalized.compound_tokens);
        for (const auto* list : {&normalized.tokens, &normalized.compound_tokens}) {
          for (const auto& t : *list) entry_tokens.push_back(t.id);
        }
        index->names_.push_back(IndexedName{e, n, std::move(normalized), reading});
        index->add_keys(static_cast<std::uint32_t>(index->names_.size() - 1), postings);
      };
      const std::string& text = entry.names[n].text;
      add_name(normalizer.normalize(text), false);
      // A Han or Hangul name is also listed under its customary romanisations.
      if (limits.cjk_readings && may_hold_cjk(text)) {
        for (const std::string& reading :
             index->cjk_.readings(text, normalizer, is_korean_entry(entry))) {
          add_name(normalizer.normalize(reading), true);
        }
      }
    }
    const std::size_t kind = entry.type == EntryType::kPerson ? 0 : 1;
    ++kind_entries[kind];
    std::sort(entry_tokens.begin(), entry_tokens.end());
    entry_tokens.erase(std::unique(entry_tokens.begin(), entry_tokens.end()), entry_tokens.end());
    for (std::uint32_t id : entry_tokens) {
      if (holders[kind].size() <= id) holders[kind].resize(id + 1, 0);
      ++holders[kind][id];
    }
  }
  for (std::size_t kind = 0; kind < 2; ++kind) {
    auto& bits = index->token_bits_[kind];
    bits.assign(token_ids.size() + 1, 0.0f);
    for (std::size_t id = 0; id < holders[kind].size(); ++id) {
      if (holders[kind][id] == 0) continue;
      bits[id] = static_cast<float>(std::log2(static_cast<double>(kind_entries[kind]) /
                                              static_cast<double>(holders[kind][id])));
    }
  }
  index->freeze(std::move(postings));
  return index;
}

double ScreeningIndex::token_information(std::uint32_t token_id, bool person) const {
  const auto& bits = token_bits_[person ? 0 : 1];
  return token_id < bits.size() ? bits[token_id] : 0.0;
}

void ScreeningIndex::add_keys(std::uint32_t name_id, BuildPostings& postings) const {
  const NormalizedName& name = names_[name_id].normalized;
  auto add = [&postings, name_id](KeyKind kind, std::string_view text) {
    auto& posting = postings[index_key(kind, text)];
    // Names are added in order, so a repeat key of this name is always at the back.
    if (posting.empty() || posting.back() != name_id) posting.push_back(name_id);
  };
  for_key_tokens(name, [&](const NameToken& t) {
    add(KeyKind::kToken, t.text);
    add(KeyKind::kSkeleton, t.skeleton);
    if (t.skeleton.size() >= kMinDeletionSkeleton - 1) add(KeyKind::kDeletion, t.skeleton);
    for_deletions(t.skeleton, [&](std::string_view del) { add(KeyKind::kDeletion, del); });
  });
  for (std::size_t i = 0; i + 1 < name.tokens.size(); ++i) {
    const std::string pair = name.tokens[i].text + name.tokens[i + 1].text;
    add(KeyKind::kToken, pair);
    add(KeyKind::kSkeleton, phonetic_key(pair));
  }
  std::string run_text;
  for_glued_particle_runs(name.tokens, run_text, [&](std::string_view run) {
    add(KeyKind::kToken, run);
    add(KeyKind::kSkeleton, phonetic_key(run));
  });
}

void ScreeningIndex::candidates(const NormalizedName& query, std::size_t max_candidates,
                                double min_share, CandidateScratch& scratch,
                                std::vector<Candidate>& out) const {
  out.clear();
  if (query.empty() || names_.empty()) return;
  if (scratch.evidence.size() != names_.size()) {
    scratch.evidence.assign(names_.size(), 0.0f);
    scratch.touched_bits.assign((names_.size() + 63) / 64, 0);
  }
  scratch.touched.clear();
  std::vector<KeyHit>& hits = scratch.hits;
  hits.clear();
  query_keys(query, scratch.keys);
  bool has_short = false;
  // What a listed name equal to the query would collect: its exact token and
  // skeleton keys (weights 1.0 and 0.8). Candidates are measured against it.
  float exact_evidence = 0;
  for (const auto& k : scratch.keys) {
    float idf = 0;
    const auto ids = posting(k.key, &idf);
    if (ids.empty()) continue;
    // Rarer keys say more: weight by inverse document frequency.
    hits.push_back({ids, k.weight * idf, k.weight >= 0.8f});
    // Abjad queries rarely share exact tokens with the (vowelled) listed names;
    // only their skeleton keys say what an exact match would collect.
    const bool exact_kind = query.abjad_source
                                ? k.kind == KeyKind::kSkeleton && k.weight >= 0.8f && !k.variant
                                : k.weight >= 0.8f;
    if (exact_kind) exact_evidence += static_cast<float>(k.weight * idf);
    has_short = has_short || ids.size() <= limits_.max_posting_length;
  }
  // Rare keys first. They create candidates; a common key (long posting) only adds
  // evidence to names already found, by binary search in its sorted posting, so
  // "mohammed" costs log(postings) per candidate instead of a walk of thousands.
  std::sort(hits.begin(), hits.end(),
            [](const KeyHit& a, const KeyHit& b) { return a.posting.size() < b.posting.size(); });
  // One-edit (deletion) keys create candidates only when nearly unique: "mhmd"
  // minus one letter is "hmd", every Ahmed on the list.
  constexpr std::size_t kCreateLimit = 256;
  constexpr std::size_t kCreateLimitEdit = 64;
  // Exact pruning (as in WAND): once the keys still to come cannot lift a name
  // that has none yet to the floor, later keys only add to names already found.
  // Abjad queries reach their Latin names through skeleton keys only, and carry
  // words the Latin name lacks: they need a lower bar (60% of min_share).
  if (query.abjad_source) min_share *= 0.6;
  const float floor_lower_bound = static_cast<float>(min_share) * exact_evidence;
  float remaining = 0;
  for (const KeyHit& h : hits) {
    if (!(has_short && h.posting.size() > limits_.max_posting_length)) remaining += h.weight;
  }
  std::uint64_t* const bits = scratch.touched_bits.data();
  auto is_touched = [bits](std::uint32_t id) { return (bits[id >> 6] >> (id & 63)) & 1U; };
  for (const KeyHit& h : hits) {
    const std::size_t n = h.posting.size();
    if (has_short && n > limits_.max_posting_length) continue;
    const bool can_create = remaining >= floor_lower_bound;
    remaining -= h.weight;
    const std::size_t create_limit = h.exact ? kCreateLimit : kCreateLimitEdit;
    if (can_create && (n <= create_limit || scratch.touched.empty())) {
      for (std::uint32_t id : h.posting) {
        if (!is_touched(id)) {
          bits[id >> 6] |= std::uint64_t{1} << (id & 63);
          scratch.touched.push_back(id);
        }
        scratch.evidence[id] += h.weight;
      }
      continue;
    }
    // Update only: walk the posting (one bit test per name, in cache) or
    // binary-search it per found name, whichever is cheaper.
    // A walk step is a load and a bit test; a search is log2(n) dependent,
    // mispredicted steps: walk while the posting is within ~log2(n) of t.
    const std::size_t t = scratch.touched.size();
    if (n < t * static_cast<std::size_t>(std::bit_width(n))) {
      for (std::uint32_t id : h.posting) {
        if (is_touched(id)) scratch.evidence[id] += h.weight;
      }
    } else {
      for (std::uint32_t id : scratch.touched) {
        if (in_posting(h.posting, id)) scratch.evidence[id] += h.weight;
      }
    }
  }
  float best = 0;
  for (std::uint32_t id : scratch.touched) best = std::max(best, scratch.evidence[id]);
  // Relative to the best candidate, and to what an exact match would collect: a
  // name sharing only one common token with the query is not worth scoring.
  const float floor = std::max(0.2f * best, static_cast<float>(min_share) * exact_evidence);
  const auto query_tokens = static_cast<int>(query.tokens.size());
  for (std::uint32_t id : scratch.touched) {
    if (scratch.evidence[id] >= floor) {
      // Among names with equal key evidence, prefer those of the query's length:
      // "Mohamed Ali" before "Mohamed Ali Hassan Al-Tikriti" when namesakes crowd.
      const int diff =
          std::abs(static_cast<int>(names_[id].normalized.tokens.size()) - query_tokens);
      out.push_back({id, scratch.evidence[id] / (1.0f + 0.15f * static_cast<float>(diff))});
    }
    scratch.evidence[id] = 0.0f;
    bits[id >> 6] = 0;
  }
  auto better = [](const Candidate& a, const Candidate& b) {
    return a.evidence != b.evidence ? a.evidence > b.evidence : a.name < b.name;
  };
  if (out.size() > max_candidates) {
    std::nth_element(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(max_candidates),
                     out.end(), better);
    out.resize(max_candidates);
  }
  std::sort(out.begin(), out.end(), better);
}

}  // namespace nexus::screening
