// The search tables of the linearizability checker (internal to checkers/): the set of
// linearized ops with its incremental hash, the visited configurations, and the memoised model
// transitions. Flat, open-addressed, allocation-free per step.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace fl::checkers::lin {

inline std::uint64_t mix(std::uint64_t z) {  // splitmix64's finaliser
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// The set of linearized ops as bit words, with a Zobrist hash (the XOR of a fixed random key
// per member) kept up to date in O(1) per change.
class Bits {
 public:
  explicit Bits(std::size_t n) : words_((n + 63) / 64, 0) {}
  void set(std::size_t i) {
    words_[i / 64] |= 1ULL << (i % 64);
    hash_ ^= mix(i + 1);
  }
  void clear(std::size_t i) {
    words_[i / 64] &= ~(1ULL << (i % 64));
    hash_ ^= mix(i + 1);
  }
  bool test(std::size_t i) const { return (words_[i / 64] >> (i % 64)) & 1; }
  std::uint64_t hash() const { return hash_; }
  const std::vector<std::uint64_t>& words() const { return words_; }

 private:
  std::vector<std::uint64_t> words_;
  std::uint64_t hash_ = 0;
};

// The configurations (set of linearized ops, state) already explored, stored flat: an
// open-addressing table of (hash, entry) over one arena of bit words, so a search step allocates
// nothing and touches about one cache line. The table is kept at most half full, so every probe
// sequence ends at an empty slot.
class Visited {
 public:
  explicit Visited(std::size_t words) : words_(words), slots_(kInitialSlots) {}
  // Adds (bits, state); false if it was already there.
  bool insert(const Bits& bits, std::uint32_t state) {
    if ((states_.size() + 1) * 2 > slots_.size()) grow();
    const std::uint64_t h = mix(bits.hash() ^ mix(state + 0x9E3779B97F4A7C15ULL));
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.entry == kEmpty) {
        s = Slot{h, static_cast<std::uint32_t>(states_.size())};
        states_.push_back(state);
        arena_.insert(arena_.end(), bits.words().begin(), bits.words().end());
        return true;
      }
      if (s.hash == h && states_[s.entry] == state &&
          std::equal(bits.words().begin(), bits.words().end(),
                     arena_.begin() + static_cast<long>(s.entry * words_))) {
        return false;
      }
    }
  }

 private:
  static constexpr std::size_t kInitialSlots = 1 << 10;
  static constexpr std::uint32_t kEmpty = UINT32_MAX;
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t entry = kEmpty;
  };
  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    const std::size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.entry == kEmpty) continue;
      std::size_t i = s.hash & mask;
      while (slots_[i].entry != kEmpty) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }
  std::size_t words_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> states_;  // per entry
  std::vector<std::uint64_t> arena_;   // per entry, words_ words
};

// A map (state id, op id) -> state id (or kIllegal), open-addressed and kept at most half full:
// memoised transitions, or the children of a state.
class Transitions {
 public:
  static constexpr std::uint32_t kIllegal = UINT32_MAX;
  static constexpr std::uint32_t kAbsent = UINT32_MAX - 1;
  Transitions() : slots_(kInitialSlots) {}
  // The value for (state, op), or kAbsent.
  std::uint32_t find(std::uint32_t state, std::uint32_t op) const {
    const std::uint64_t k = key(state, op);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = mix(k) & mask;; i = (i + 1) & mask) {
      if (slots_[i].key == k) return slots_[i].next;
      if (slots_[i].key == kEmpty) return kAbsent;
    }
  }
  void put(std::uint32_t state, std::uint32_t op, std::uint32_t next) {
    if ((size_ + 1) * 2 > slots_.size()) grow();
    place(Slot{key(state, op), next});
    ++size_;
  }

 private:
  static constexpr std::size_t kInitialSlots = 1 << 10;
  static constexpr std::uint64_t kEmpty = UINT64_MAX;  // no (state, op) has both all-ones
  struct Slot {
    std::uint64_t key = kEmpty;
    std::uint32_t next = kIllegal;
  };
  static std::uint64_t key(std::uint32_t state, std::uint32_t op) {
    return (std::uint64_t{state} << 32) | op;
  }
  void place(const Slot& s) {
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = mix(s.key) & mask;
    while (slots_[i].key != kEmpty) i = (i + 1) & mask;
    slots_[i] = s;
  }
  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    for (const Slot& s : old) {
      if (s.key != kEmpty) place(s);
    }
  }
  std::vector<Slot> slots_;
  std::size_t size_ = 0;
};

}  // namespace fl::checkers::lin
