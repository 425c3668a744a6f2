// List-append anomalies found transaction by transaction or value by value: internal
// inconsistency, future reads, duplicate elements, incompatible orders (list_append.h), dirty
// updates and lost updates (Elle's list_append.clj, the same definitions).
#include <algorithm>
#include <map>
#include <tuple>

#include "checkers/elle/list_append_impl.h"

namespace fl::checkers::elle::list_append_impl {

// One committed transaction's reads against its own view (Elle's op-int-case): after a read,
// every later read of the key must be exactly that read plus the transaction's appends since;
// before any read, a read must end with the transaction's own appends. A read that contains a
// value the transaction appends only later is a future read (Elle's op-future-read-case). Also
// duplicate elements within one read, and each key's longest read (its version order).
void ListAppend::check_txn_reads(const Txn& t) {
  SmallMap<std::vector<std::uint32_t>> expect;  // this txn's view so far
  SmallMap<std::vector<std::uint32_t>> own;     // its appends before any read
  bool future_reported = false;
  for (std::size_t i = 0; i < mops(t.id).size(); ++i) {
    const LMop& m = mops(t.id)[i];
    if (m.append) {
      auto* view = expect.find(m.key);
      (view != nullptr ? *view : own[m.key]).push_back(m.value);
      continue;
    }
    const auto* mine = own.find(m.key);
    const auto* view = expect.find(m.key);
    if (view != nullptr && !std::equal(view->begin(), view->end(), m.read.begin(), m.read.end())) {
      rep_.add("internal",
               rep_.txn_text(t.id) + ": read of " + key_name(m.key) + " should have been " +
                   elems(*view),
               {t.id});
    } else if (view == nullptr && mine != nullptr) {
      const auto& tail = *mine;
      if (m.read.size() < tail.size() ||
          !std::equal(tail.begin(), tail.end(), m.read.end() - tail.size())) {
        rep_.add("internal",
                 rep_.txn_text(t.id) + ": read of " + key_name(m.key) +
                     " does not end with its own appends " + elems(tail),
                 {t.id});
      }
    }
    ++stamp_;  // marks this read's elements in seen_ (no set per read)
    for (std::uint32_t v : m.read) {
      if (seen_[v] == stamp_) {
        rep_.add("duplicate-elements",
                 rep_.txn_text(t.id) + " read " + values_.value(v).dump() + " twice in " +
                     key_name(m.key),
                 {t.id});
      }
      seen_[v] = stamp_;
    }
    for (std::size_t j = i + 1; j < mops(t.id).size() && !future_reported; ++j) {
      const LMop& later = mops(t.id)[j];
      if (!later.append || later.key != m.key || seen_[later.value] != stamp_) continue;
      future_reported = true;  // Elle reports the first per transaction
      rep_.add("future-read",
               rep_.txn_text(t.id) + " read " + elems(m.read) + " of " + key_name(m.key) +
                   ", which holds " + values_.value(later.value).dump() +
                   ", an append it made only afterwards",
               {t.id});
    }
    expect[m.key].assign(m.read.begin(), m.read.end());
    auto& longest = order_[m.key];
    if (m.read.size() > longest.size()) longest.assign(m.read.begin(), m.read.end());
  }
}

void ListAppend::check_reads() {
  order_.resize(graph_.key_count());
  seen_.assign(values_.size(), 0);
  stamp_ = 0;
  for (const Txn& t : txns_) {
    if (ok(t.id)) check_txn_reads(t);
  }
}

// Every committed read must be a prefix of its key's longest one. Then each longest read keeps
// only the first occurrence of each element (Elle's append-index: `distinct`), so a duplicated
// element, reported as such, adds no ww edge back to itself.
void ListAppend::check_orders() {
  for (const Txn& t : txns_) {
    if (!ok(t.id)) continue;
    for (const LMop& m : mops(t.id)) {
      if (m.append) continue;
      const auto& longest = order_[m.key];
      if (!std::equal(m.read.begin(), m.read.end(), longest.begin())) {
        rep_.add("incompatible-order",
                 rep_.txn_text(t.id) + " read " + elems(m.read) + " of " + key_name(m.key) +
                     ", not a prefix of " + elems(longest),
                 {t.id});
      }
    }
  }
  for (auto& order : order_) {
    ++stamp_;
    std::size_t kept = 0;
    for (std::uint32_t v : order) {
      if (seen_[v] == stamp_) continue;
      seen_[v] = stamp_;
      order[kept++] = v;
    }
    order.resize(kept);
  }
}

// Along each key's version order, a committed append that follows an aborted one, possibly
// across appends of unknown outcome (Elle's dirty-update-cases): the committed transaction
// updated state an aborted one wrote.
void ListAppend::dirty_updates() {
  for (std::uint32_t key = 0; key < order_.size(); ++key) {
    std::size_t t1 = kNoPos;  // the last decided writer (kNoPos: the committed initial state)
    std::vector<std::uint32_t> span;
    for (std::uint32_t v : order_[key]) {
      const Writer* w = writer(key, v);
      if (w == nullptr) continue;  // a garbage read, reported as such
      const bool t1_failed = t1 != kNoPos && failed(t1);
      const history::OpType type = txns_[w->txn].type;
      if (type == history::OpType::kInfo || (type == history::OpType::kFail && t1_failed)) {
        span.push_back(v);  // unknown, or still aborted: the span goes on
        continue;
      }
      span.push_back(v);
      if (type == history::OpType::kOk && t1_failed) {
        rep_.add("dirty-update",
                 "key " + key_name(key) + " went through " + elems(span) + ": " +
                     rep_.txn_text(w->txn) + " appended after the aborted " + rep_.txn_text(t1),
                 {t1, w->txn});
      }
      t1 = w->txn;
      span.assign(1, v);
    }
  }
}

// Two committed transactions that read the same version of a key (before appending to it
// themselves) and then both appended to it.
void ListAppend::lost_updates() {
  // (key, length read, last element read): the version read (values are unique per key).
  std::map<std::tuple<std::uint32_t, std::size_t, std::uint32_t>, std::vector<std::size_t>> readers;
  for (const Txn& t : txns_) {
    if (!ok(t.id)) continue;
    SmallMap<const LMop*> first_read;
    SmallMap<bool> appended_first, counted;
    for (const LMop& m : mops(t.id)) {
      if (!m.append) {
        if (!appended_first.contains(m.key) && !first_read.contains(m.key)) first_read[m.key] = &m;
        continue;
      }
      const LMop** r = first_read.find(m.key);
      if (r == nullptr) {
        appended_first[m.key] = true;
      } else if (!counted.contains(m.key)) {
        counted[m.key] = true;
        const auto& read = (*r)->read;
        readers[{m.key, read.size(), read.empty() ? UINT32_MAX : read.back()}].push_back(t.id);
      }
    }
  }
  for (const auto& [version, ids] : readers) {
    if (ids.size() < 2) continue;
    rep_.add("lost-update",
             "T" + std::to_string(ids[0]) + " and T" + std::to_string(ids[1]) + " both read " +
                 key_name(std::get<0>(version)) + " at length " +
                 std::to_string(std::get<1>(version)) + " and appended to it; " +
                 rep_.txn_text(ids[0]) + "; " + rep_.txn_text(ids[1]),
             {ids[0], ids[1]});
  }
}

}  // namespace fl::checkers::elle::list_append_impl
