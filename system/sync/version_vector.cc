// Version vectors (version_vector.h).
#include "system/sync/version_vector.h"

#include "system/io/assert.h"

namespace fl::sync {

const char* to_string(Causality c) {
  switch (c) {
    case Causality::kEqual:
      return "equal";
    case Causality::kBefore:
      return "before";
    case Causality::kAfter:
      return "after";
    case Causality::kConcurrent:
      return "concurrent";
  }
  return "?";
}

std::int64_t VersionVector::get(const std::string& actor) const {
  const auto it = entries_.find(actor);
  return it == entries_.end() ? 0 : it->second;
}

Dot VersionVector::next(const std::string& actor) const {
  FL_ASSERT(!actor.empty());
  const std::int64_t counter = get(actor) + 1;
  FL_ASSERT_LE(counter, kMaxCounter);
  return {actor, counter};
}

void VersionVector::advance(const Dot& dot) {
  FL_ASSERT_EQ(dot.counter, get(dot.actor) + 1);
  entries_[dot.actor] = dot.counter;
}

void VersionVector::set(const std::string& actor, std::int64_t counter) {
  FL_ASSERT(counter >= 1 && counter <= kMaxCounter);
  entries_[actor] = counter;
}

void VersionVector::join(const VersionVector& other) {
  for (const auto& [actor, counter] : other.entries_) {
    std::int64_t& mine = entries_[actor];
    if (counter > mine) mine = counter;
  }
}

bool VersionVector::dominates(const VersionVector& other) const {
  for (const auto& [actor, counter] : other.entries_) {
    if (get(actor) < counter) return false;
  }
  return true;
}

Causality compare(const VersionVector& a, const VersionVector& b) {
  const bool ab = a.dominates(b), ba = b.dominates(a);
  if (ab && ba) return Causality::kEqual;
  if (ab) return Causality::kAfter;
  if (ba) return Causality::kBefore;
  return Causality::kConcurrent;
}

bool dominates_on_own_entries(const VersionVector& a, const VersionVector& b) {
  for (const auto& [actor, counter] : a.entries()) {
    if (counter < b.get(actor)) return false;
  }
  return true;
}

bool valid_actor(const std::string& actor) {
  if (actor.empty() || actor.size() > kMaxActorBytes) return false;
  for (char c : actor) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == ':' || c == '@' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace fl::sync
