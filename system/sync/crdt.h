// The CRDTs of the sync system: pure state-based types (Shapiro et al., INRIA RR-7506) whose
// merge is a join (commutative, associative, idempotent) and whose updates inflate the state, so
// replicas that have seen the same updates hold the same state whatever the delivery order,
// duplication or loss. No IO: the sync server (sync_server.h) and the device library (device.h)
// use them alike.
//
// Every entity is one CrdtState: its type, its causal context (a version vector, version_vector.h)
// and its payload. Every update mints a dot (actor, next counter) into the context, removes
// included, so the context says exactly which updates a state has seen.
//  - LWWRegister: one entry {value, hlc, node, dot}; the greater (hlc, node) wins (hlc.h: an HLC
//    and the writer's node id as the tie-break, never a wall clock alone).
//  - GCounter / PNCounter: per actor the total of its increments (and decrements); merge takes the
//    per-actor maximum (sound because every state is prefix-closed per actor).
//  - ORSet: add-wins observed-remove set with unique tags (the adds' dots). A remove drops the
//    tags it observed; a tag absent from one state but covered by its context was removed there
//    (Bieniusa et al.'s optimized OR-set, riak_dt's ORSWOT), so removed tags need no tombstones
//    of their own: the context, bounded by the actors that wrote, remembers them.
//  - MVRegister: multi-value register: concurrent writes are all kept (siblings, each with its
//    dot); a write supersedes the siblings it observed.
//  - LWWMap: keys -> LWW entries (values are JSON); a remove writes a deleted entry that orders
//    like any write, so a later set revives the key and an earlier one stays deleted.
// Canonical encoding (to_json): sorted actors, dots, elements and keys; equal states encode to
// equal bytes and hash equal.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "system/sync/hlc.h"
#include "system/sync/version_vector.h"

namespace fl::sync {

using Json = nlohmann::json;

enum class CrdtType : std::uint8_t {
  kLwwRegister = 0,
  kGCounter,
  kPNCounter,
  kORSet,
  kMVRegister,
  kLwwMap
};
constexpr std::array<CrdtType, 6> kCrdtTypes = {CrdtType::kLwwRegister, CrdtType::kGCounter,
                                                CrdtType::kPNCounter,   CrdtType::kORSet,
                                                CrdtType::kMVRegister,  CrdtType::kLwwMap};
// "LWWRegister", "GCounter", "PNCounter", "ORSet", "MVRegister", "LWWMap".
const char* type_name(CrdtType type);
std::optional<CrdtType> parse_crdt_type(const std::string& name);
// The names, comma separated (for error messages).
std::string crdt_type_names();

// Limits on one entity's state (a state over them is refused, never truncated).
constexpr std::size_t kMaxValueBytes = 4096;               // one JSON value, dumped
constexpr std::size_t kMaxElementBytes = 256;              // an OR-set element or a map key
constexpr std::size_t kMaxElements = 1024;                 // OR-set elements
constexpr std::size_t kMaxTags = 4096;                     // OR-set tags over all elements
constexpr std::size_t kMaxSiblings = 64;                   // MV-register values
constexpr std::size_t kMaxMapKeys = 256;                   // LWW-map keys
constexpr std::int64_t kMaxAmount = 1000000000;            // one increment or decrement
constexpr std::int64_t kMaxTotal = std::int64_t{1} << 60;  // a per-actor counter total

// The known-bug switches of the CRDTs themselves (docs/known-bugs.md); all off: correct.
struct CrdtBugs {
  // sync-crdt-bug-lww-no-tiebreak: equal HLCs keep the local entry instead of comparing node ids.
  bool lww_no_tiebreak = false;
  // sync-crdt-bug-orset-remove-by-element: a remove records the element as removed for good
  // (a 2P-set tombstone) instead of dropping the tags it observed.
  bool orset_remove_by_element = false;
};

struct LwwEntry {
  Json value;  // null when deleted
  Hlc hlc;
  std::string node;  // the writer's node id: the tie-break
  Dot dot;
  bool deleted = false;
  bool operator==(const LwwEntry&) const = default;
};
// Whether `a` orders after `b`: by hlc, then node id (then dot: equal writes are one write).
bool lww_after(const LwwEntry& a, const LwwEntry& b);

struct LwwRegisterState {
  std::optional<LwwEntry> entry;
  bool operator==(const LwwRegisterState&) const = default;
};
struct GCounterState {
  std::map<std::string, std::int64_t> totals;  // actor -> increments
  bool operator==(const GCounterState&) const = default;
};
struct PNCounterState {
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> totals;  // actor -> (inc, dec)
  bool operator==(const PNCounterState&) const = default;
};
struct ORSetState {
  std::map<std::string, std::set<Dot>> tags;  // element -> its live tags (never empty)
  std::set<std::string> removed;              // only with orset_remove_by_element (the bug)
  bool operator==(const ORSetState&) const = default;
};
struct MVRegisterState {
  std::map<Dot, Json> siblings;
  bool operator==(const MVRegisterState&) const = default;
};
struct LwwMapState {
  std::map<std::string, LwwEntry> entries;
  bool operator==(const LwwMapState&) const = default;
};

using Payload = std::variant<LwwRegisterState, GCounterState, PNCounterState, ORSetState,
                             MVRegisterState, LwwMapState>;

struct CrdtState {
  CrdtType type = CrdtType::kLwwRegister;
  VersionVector context;
  Payload payload;
  bool operator==(const CrdtState&) const = default;
};

// The state of a type that has seen no update.
CrdtState empty_state(CrdtType type);

// The join of two states of one type. With bugs off it is commutative, associative and
// idempotent (tests/sync/lattice_property_test.cc); `local` is the receiving replica's own state,
// which only the known bugs treat differently. REQUIRES: local.type == remote.type.
CrdtState merge(const CrdtState& local, const CrdtState& remote, const CrdtBugs& bugs = {});

// The user-visible value: LWW the value (null), counters the number, ORSet the sorted elements,
// MVRegister the sibling values in dot order, LWWMap an object of the keys not deleted.
Json value_of(const CrdtState& state);

// The canonical encoding: {"type", "vv": {actor: counter}, "state": ...} with every collection
// sorted. to_json(s).dump() is the canonical text.
Json to_json(const CrdtState& state);
std::string canonical(const CrdtState& state);
// Parses and validates a state (types, limits, every dot covered by the context). nullopt and
// *error on anything else.
std::optional<CrdtState> state_from_json(const Json& json, std::string* error);

// The greatest HLC in the state (LWW entries), if any: what a device's clock must observe.
std::optional<Hlc> max_hlc(const CrdtState& state);

// "" when the state is within the limits above, else the first limit it breaks.
std::string check_limits(const CrdtState& state);

// Encodings shared with the history and the checks.
Json dot_json(const Dot& dot);                           // ["d1", 3]
bool dot_from_json(const Json& json, Dot* dot);          // false if malformed
Json vv_json(const VersionVector& vv);                   // {"d1": 3}
bool vv_from_json(const Json& json, VersionVector* vv);  // false if malformed
Json hlc_json(const Hlc& hlc);                           // [physical_ms, logical]
bool hlc_from_json(const Json& json, Hlc* hlc);

}  // namespace fl::sync
