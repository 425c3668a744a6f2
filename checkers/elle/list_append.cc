#include "checkers/elle/list_append.h"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "checkers/elle/values.h"

namespace fl::checkers::elle {
namespace {

struct LMop {
  bool append = false;
  std::uint32_t key = 0;
  std::uint32_t value = 0;          // appended value
  std::vector<std::uint32_t> read;  // read elements (empty for nil)
};

struct Writer {
  std::size_t txn;
  bool last;  // the writer's final append to that key
};

class ListAppend {
 public:
  ListAppend(const std::vector<Txn>& txns, ElleResult* result)
      : txns_(txns), rep_(txns, result), graph_(txns.size()) {}
  bool prepare(std::string* error);
  void check_reads();
  void add_edges();
  void lost_updates();
  void cycles() { find_cycles(graph_, rep_); }

 private:
  const std::string& key_name(std::uint32_t k) const { return graph_.key_name(k); }
  std::string elems(const std::vector<std::uint32_t>& v) const;
  // Most values are appended to one key only: their writer is found by value id directly.
  const Writer* writer(std::uint32_t key, std::uint32_t value) const {
    if (value < by_value_.size() && by_value_[value].key == key) return &by_value_[value].w;
    auto it = writers_.find(kv_id(key, value));
    return it == writers_.end() ? nullptr : &it->second;
  }
  bool add_writer(std::uint32_t key, std::uint32_t value, Writer w, std::size_t* other);
  bool ok(std::size_t t) const { return txns_[t].type == history::OpType::kOk; }
  bool failed(std::size_t t) const { return txns_[t].type == history::OpType::kFail; }
  void read_edges(std::size_t t, const LMop& m);

  const std::vector<Txn>& txns_;
  Reporter rep_;
  Graph graph_;
  Interner values_;
  std::vector<std::vector<LMop>> mops_;  // per transaction
  struct KeyedWriter {
    std::uint32_t key = kNoKey;
    Writer w{0, false};
  };
  std::vector<KeyedWriter> by_value_;                  // value id -> its first key and appender
  std::unordered_map<std::uint64_t, Writer> writers_;  // (key, value) for values in several keys
  std::vector<std::vector<std::uint32_t>> order_;      // key id -> longest committed read
};

std::string ListAppend::elems(const std::vector<std::uint32_t>& v) const {
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

bool ListAppend::prepare(std::string* error) {
  mops_.resize(txns_.size());
  for (const Txn& t : txns_) {
    mops_[t.id].reserve(t.mops.size());
    for (const Mop& m : t.mops) {
      LMop l;
      l.append = m.kind == MopKind::kAppend;
      l.key = graph_.key_id(m.key);
      if (l.append) {
        l.value = values_.id(m.value());
      } else if (m.value().is_array()) {
        l.read.reserve(m.value().size());
        for (const auto& e : m.value()) l.read.push_back(values_.id(e));
      } else if (!m.value().is_null()) {
        *error = "T" + std::to_string(t.id) + " (op " + std::to_string(t.invoke_index) +
                 "): a read's value as a list or null, not " + m.value().dump();
        return false;
      }
      mops_[t.id].push_back(std::move(l));
    }
    SmallMap<std::size_t> last;  // key -> index of the last append
    for (std::size_t i = 0; i < mops_[t.id].size(); ++i) {
      if (mops_[t.id][i].append) last[mops_[t.id][i].key] = i;
    }
    for (std::size_t i = 0; i < mops_[t.id].size(); ++i) {
      const LMop& l = mops_[t.id][i];
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

void ListAppend::check_reads() {
  order_.resize(graph_.key_count());
  std::vector<std::uint32_t> seen(values_.size(), 0);
  std::uint32_t stamp = 0;
  for (const Txn& t : txns_) {
    if (!ok(t.id)) continue;
    SmallMap<std::vector<std::uint32_t>> expect;  // this txn's view so far
    SmallMap<std::vector<std::uint32_t>> own;     // its appends before any read
    for (const LMop& m : mops_[t.id]) {
      if (m.append) {
        auto* view = expect.find(m.key);
        (view != nullptr ? *view : own[m.key]).push_back(m.value);
        continue;
      }
      const auto* mine = own.find(m.key);
      const auto* view = expect.find(m.key);
      if (view != nullptr && *view != m.read) {
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
      ++stamp;  // marks this read's elements in `seen` (no set per read)
      for (std::uint32_t v : m.read) {
        if (seen[v] == stamp) {
          rep_.add("duplicate-elements",
                   rep_.txn_text(t.id) + " read " + values_.value(v).dump() + " twice in " +
                       key_name(m.key),
                   {t.id});
        }
        seen[v] = stamp;
      }
      expect[m.key] = m.read;
      auto& longest = order_[m.key];
      if (m.read.size() > longest.size()) longest = m.read;
    }
  }
  // Every committed read must be a prefix of the longest one.
  for (const Txn& t : txns_) {
    if (!ok(t.id)) continue;
    for (const LMop& m : mops_[t.id]) {
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

void ListAppend::add_edges() {
  for (std::uint32_t key = 0; key < order_.size(); ++key) {
    const auto& order = order_[key];
    for (std::size_t i = 0; i + 1 < order.size(); ++i) {
      const Writer* x = writer(key, order[i]);
      const Writer* y = writer(key, order[i + 1]);
      if (x == nullptr || y == nullptr || failed(x->txn) || failed(y->txn)) continue;
      graph_.add(x->txn, y->txn, Dep::kWW, key);
    }
  }
  for (const Txn& t : txns_) {
    if (!ok(t.id)) continue;
    for (const LMop& m : mops_[t.id]) {
      if (!m.append) read_edges(t.id, m);
    }
  }
}

// Two committed transactions that read the same version of a key (before appending to it
// themselves) and then both appended to it.
void ListAppend::lost_updates() {
  std::map<std::pair<std::uint32_t, std::size_t>, std::vector<std::size_t>> readers;
  for (const Txn& t : txns_) {
    if (!ok(t.id)) continue;
    SmallMap<const LMop*> first_read;
    SmallMap<bool> appended_first, counted;
    for (const LMop& m : mops_[t.id]) {
      if (!m.append) {
        if (!appended_first.contains(m.key) && !first_read.contains(m.key)) first_read[m.key] = &m;
        continue;
      }
      const LMop** r = first_read.find(m.key);
      if (r == nullptr) {
        appended_first[m.key] = true;
      } else if (!counted.contains(m.key)) {
        counted[m.key] = true;
        readers[{m.key, (*r)->read.size()}].push_back(t.id);
      }
    }
  }
  for (const auto& [version, ids] : readers) {
    if (ids.size() < 2) continue;
    rep_.add("lost-update",
             "T" + std::to_string(ids[0]) + " and T" + std::to_string(ids[1]) + " both read " +
                 key_name(version.first) + " at length " + std::to_string(version.second) +
                 " and appended to it; " + rep_.txn_text(ids[0]) + "; " + rep_.txn_text(ids[1]),
             {ids[0], ids[1]});
  }
}

}  // namespace

ElleResult check_list_append(const history::History& h) {
  ElleResult result;
  std::vector<Txn> txns;
  const std::map<std::string, MopKind> kinds = {{"append", MopKind::kAppend},
                                                {"r", MopKind::kRead}};
  if (collect_txns(h, kinds, &txns, &result.error)) {
    result.transactions = txns.size();
    ListAppend la(txns, &result);
    if (la.prepare(&result.error)) {
      la.check_reads();
      la.add_edges();
      la.lost_updates();
      la.cycles();
    }
  }
  finish(&result);
  return result;
}

}  // namespace fl::checkers::elle
