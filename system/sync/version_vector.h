// Dots and version vectors: the causal metadata of every CRDT state (crdt.h).
//
// A dot (actor, counter) names one update: the counter-th update an actor (a device) made to one
// entity. An entity state's causal context is a version vector, actor -> highest counter, and
// says which updates the state has seen. Values carry their own dots apart from the context
// (dotted version vectors, Preguiça et al.; Riak's DVVSet): a value is superseded exactly when
// another state's context covers its dot, so two values written concurrently are kept apart even
// when one actor wrote both, instead of one "dominating" the other.
//
// The context is a plain vector (no dot cloud) because every state the system produces is
// prefix-closed per actor: a device applies its own updates in order to its durable local replica
// and ships whole entity states, and the join of prefix-closed states is prefix-closed. So a
// context covering (d, 5) has seen (d, 1..4) too, and states are functions of their contexts.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <string>

namespace fl::sync {

constexpr std::size_t kMaxActorBytes = 128;
constexpr std::size_t kMaxActors = 256;  // entries of one context
constexpr std::int64_t kMaxCounter = std::int64_t{1} << 50;

struct Dot {
  std::string actor;
  std::int64_t counter = 0;  // >= 1
  auto operator<=>(const Dot&) const = default;
};

enum class Causality : std::uint8_t { kEqual, kBefore, kAfter, kConcurrent };
const char* to_string(Causality c);

class VersionVector {
 public:
  std::int64_t get(const std::string& actor) const;
  bool covers(const Dot& dot) const { return get(dot.actor) >= dot.counter; }
  // The dot of `actor`'s next update: (actor, get(actor) + 1).
  Dot next(const std::string& actor) const;
  // Records `dot` as seen. REQUIRES: dot.counter == get(dot.actor) + 1 (prefix-closed).
  void advance(const Dot& dot);
  // Sets the entry (parsing). REQUIRES: counter >= 1.
  void set(const std::string& actor, std::int64_t counter);
  // The least upper bound: the entry-wise maximum.
  void join(const VersionVector& other);
  // True when this has seen everything `other` has (>= on every entry of either).
  bool dominates(const VersionVector& other) const;
  std::size_t size() const { return entries_.size(); }
  const std::map<std::string, std::int64_t>& entries() const { return entries_; }
  bool operator==(const VersionVector&) const = default;

 private:
  std::map<std::string, std::int64_t> entries_;  // no zero entries
};

Causality compare(const VersionVector& a, const VersionVector& b);

// The known bug sync-crdt-bug-vv-compare: "a has seen everything b has" judged on the entries a
// has only, so a context that lacks an actor b has looks as new as b: concurrent versions compare
// as ordered ("false ordering", which loses updates silently).
bool dominates_on_own_entries(const VersionVector& a, const VersionVector& b);

// An actor id: 1..kMaxActorBytes of [A-Za-z0-9_.:@-].
bool valid_actor(const std::string& actor);

}  // namespace fl::sync
