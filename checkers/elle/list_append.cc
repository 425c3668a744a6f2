// The Elle list-append checker (list_append.h): indexes, version orders and dependency edges.
#include "checkers/elle/list_append.h"

#include <algorithm>

#include "checkers/elle/list_append_impl.h"

namespace fl::checkers::elle::list_append_impl {

std::string ListAppend::elems(std::span<const std::uint32_t> v) const {
  nlohmann::json j = nlohmann::json::array();
  for (std::uint32_t x : v) j.push_back(values_.value(x));
  return j.dump();
}

bool ListAppend::add_writer(std::uint32_t key, std::uint32_t value, Writer w, std::size_t* other) {
  if (const Writer* old = writer(key, value)) {
    *other = old->txn;
    return false;
  }
  if (value >= by_value_.size()) by_value_.resize(std::max<std::size_t>(value + 1, values_.size()));
  if (by_value_[value].key == kNoKey) {
    by_value_[value] = KeyedWriter{key, w};
  } else {
    writers_.emplace(kv_id(key, value), w);
  }
  return true;
}

bool ListAppend::read_elements(const Txn& t, std::string* error) {
  for (const Mop& m : t.mops) {
    LMop l;
    l.append = m.kind == MopKind::kAppend;
    l.key = graph_.key_id(m.key);
    if (l.append) {
      l.value = values_.id(m.value());
    } else if (m.value().is_array()) {
      const std::size_t from = elems_.size();
      for (const auto& e : m.value()) elems_.push_back(values_.id(e));
      l.read = {elems_.data() + from, elems_.size() - from};
    } else if (!m.value().is_null()) {
      *error = "T" + std::to_string(t.id) + " (op " + std::to_string(t.invoke_index) +
               "): a read's value as a list or null, not " + m.value().dump();
      return false;
    }
    lmops_.push_back(l);
  }
  mop_start_.push_back(lmops_.size());
  return true;
}

bool ListAppend::prepare(std::string* error) {
  // Sized first: LMop::read views into elems_, which therefore must never reallocate.
  std::size_t mop_count = 0, elem_count = 0;
  for (const Txn& t : txns_) {
    mop_count += t.mops.size();
    for (const Mop& m : t.mops) {
      if (m.kind != MopKind::kAppend && m.value().is_array()) elem_count += m.value().size();
    }
  }
  lmops_.reserve(mop_count);
  elems_.reserve(elem_count);
  mop_start_.reserve(txns_.size() + 1);
  mop_start_.assign(1, 0);
  SmallMap<std::size_t> last;  // key -> index of the transaction's last append to it
  for (const Txn& t : txns_) {
    if (!read_elements(t, error)) return false;
    const auto ms = mops(t.id);
    last.clear();
    for (std::size_t i = 0; i < ms.size(); ++i) {
      if (ms[i].append) last[ms[i].key] = i;
    }
    for (std::size_t i = 0; i < ms.size(); ++i) {
      const LMop& l = ms[i];
      if (!l.append) continue;
      std::size_t other = 0;
      if (!add_writer(l.key, l.value, Writer{t.id, last[l.key] == i}, &other)) {
        *error = "value " + values_.value(l.value).dump() + " is appended to " + key_name(l.key) +
                 " twice (T" + std::to_string(other) + " and T" + std::to_string(t.id) +
                 "); list-append needs unique values per key";
        return false;
      }
    }
  }
  return true;
}

void ListAppend::read_edges(std::size_t t, const LMop& m) {
  for (std::uint32_t v : m.read) {
    const Writer* w = writer(m.key, v);
    if (w == nullptr) {
      rep_.add("garbage-read",
               rep_.txn_text(t) + " read " + values_.value(v).dump() + " of " + key_name(m.key) +
                   ", which no transaction appended",
               {t});
    } else if (failed(w->txn)) {
      rep_.add("G1a",
               rep_.txn_text(t) + " read " + values_.value(v).dump() + " of " + key_name(m.key) +
                   " appended by the aborted " + rep_.txn_text(w->txn),
               {t, w->txn});
    }
  }
  // The read's prefix written by others (a transaction sees its own appends last).
  std::size_t n = m.read.size();
  while (n > 0) {
    const Writer* w = writer(m.key, m.read[n - 1]);
    if (w == nullptr || w->txn != t) break;
    --n;
  }
  if (n > 0) {
    const Writer* w = writer(m.key, m.read[n - 1]);
    if (w != nullptr && !failed(w->txn)) {
      if (!w->last) {
        rep_.add("G1b",
                 rep_.txn_text(t) + " read " + key_name(m.key) + " ending at " +
                     values_.value(m.read[n - 1]).dump() + ", an intermediate append of " +
                     rep_.txn_text(w->txn),
                 {t, w->txn});
      }
      graph_.add(w->txn, t, Dep::kWR, m.key);
    }
  }
  const auto& order = order_[m.key];
  if (n < order.size() && std::equal(m.read.begin(), m.read.begin() + n, order.begin())) {
    const Writer* next = writer(m.key, order[n]);
    if (next != nullptr && !failed(next->txn)) graph_.add(t, next->txn, Dep::kRW, m.key);
  }
}

// Appends no committed read observed (Elle's previously-appended-element): each follows the last
// element any read saw of its key (the initial empty list if none), so its writer gets ww from
// that element's writer and rw from every committed read of that whole state. A key appended
// once is the special case whose append follows the initial state.
void ListAppend::unobserved_edges(std::uint32_t key, const std::vector<std::size_t>& appenders) {
  const auto& order = order_[key];
  const Writer* last = order.empty() ? nullptr : writer(key, order.back());
  const auto& readers = final_readers_[key];
  std::size_t edges = 0;
  for (std::size_t u : appenders) {
    if (last != nullptr && !failed(last->txn)) graph_.add(last->txn, u, Dep::kWW, key);
    for (std::size_t r : readers) {
      if (++edges > kMaxUnobservedEdgesPerKey) {
        ++edges_dropped_;
        continue;
      }
      if (r != u) graph_.add(r, u, Dep::kRW, key);
    }
  }
}

void ListAppend::add_edges() {
  for (std::uint32_t key = 0; key < order_.size(); ++key) {
    const auto& order = order_[key];
    for (std::size_t i = 0; i < order.size(); ++i) {
      if (Writer* w = writer_mut(key, order[i])) w->observed = true;
      if (i + 1 == order.size()) continue;
      const Writer* x = writer(key, order[i]);
      const Writer* y = writer(key, order[i + 1]);
      if (x == nullptr || y == nullptr || failed(x->txn) || failed(y->txn)) continue;
      graph_.add(x->txn, y->txn, Dep::kWW, key);
    }
  }
  final_readers_.assign(order_.size(), {});
  for (const Txn& t : txns_) {
    if (!ok(t.id)) continue;
    for (const LMop& m : mops(t.id)) {
      if (m.append) continue;
      read_edges(t.id, m);
      const auto& order = order_[m.key];
      if (m.read.size() == order.size() && std::equal(m.read.begin(), m.read.end(), order.begin()))
        final_readers_[m.key].push_back(t.id);
    }
  }
  std::vector<std::vector<std::size_t>> unobserved(order_.size());
  for (const Txn& t : txns_) {
    if (failed(t.id)) continue;
    for (const LMop& m : mops(t.id)) {
      const Writer* w = m.append ? writer(m.key, m.value) : nullptr;
      if (w == nullptr || w->observed) continue;
      auto& list = unobserved[m.key];
      if (list.empty() || list.back() != t.id) list.push_back(t.id);
    }
  }
  for (std::uint32_t key = 0; key < unobserved.size(); ++key) {
    if (!unobserved[key].empty()) unobserved_edges(key, unobserved[key]);
  }
}

}  // namespace fl::checkers::elle::list_append_impl

namespace fl::checkers::elle {

ElleResult check_list_append(const history::History& h, OrderEdges orders) {
  ElleResult result;
  std::vector<Txn> txns;
  const std::map<std::string, MopKind> kinds = {{"append", MopKind::kAppend},
                                                {"r", MopKind::kRead}};
  if (collect_txns(h, kinds, &txns, &result.error)) {
    result.transactions = txns.size();
    list_append_impl::ListAppend la(txns, &result);
    if (la.prepare(&result.error)) {
      la.check_reads();
      la.check_orders();
      la.add_edges();
      la.dirty_updates();
      la.lost_updates();
      la.cycles(orders);
    }
  }
  finish(&result);
  return result;
}

}  // namespace fl::checkers::elle
