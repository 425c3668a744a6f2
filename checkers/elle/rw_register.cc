#include "checkers/elle/rw_register.h"

#include <set>
#include <stdexcept>
#include <unordered_map>

#include "checkers/elle/values.h"

namespace fl::checkers::elle {
namespace {

constexpr std::size_t kMaxInitialReadEdges = 100'000;  // rw edges from nil reads, per key

struct Writer {
  std::size_t txn;
  bool last;  // the writer's final write to that key
};

// A committed transaction's first read of a key, made before any write of its own to it.
struct ExternalRead {
  std::size_t txn;
  std::uint32_t key;
  std::uint32_t version;  // value id; nil_ for the initial state
  bool then_wrote;        // the transaction wrote the key afterwards
};

// How a transaction's external read is used: not at all (an anomaly already), as a read only
// (wr and rw edges), or also as a version the transaction observed (for assumed orders).
enum class ReadUse { kNone, kRead, kVersion };

class RwRegister {
 public:
  RwRegister(const std::vector<Txn>& txns, RwRegisterResult* result)
      : txns_(txns), result_(*result), rep_(txns, result), graph_(txns.size()) {
    nil_ = values_.id(nullptr);
  }
  bool index_writes(std::string* error);
  void check_reads();
  void add_edges();
  void add_assumed_edges();
  void cycles(OrderEdges orders) { find_cycles(graph_, rep_, orders); }

 private:
  bool failed(std::size_t t) const { return txns_[t].type == history::OpType::kFail; }
  const Writer* writer(std::uint32_t key, std::uint32_t value) const {
    auto it = writers_.find(kv_id(key, value));
    return it == writers_.end() ? nullptr : &it->second;
  }
  void check_txn(const Txn& t);
  ReadUse check_read(const Txn& t, const Mop& m, std::uint32_t k, std::uint32_t v);
  void assume_order(const VersionEdge& e);
  void report_incompatible(const std::vector<VersionEdge>& cycle);

  const std::vector<Txn>& txns_;
  RwRegisterResult& result_;
  Reporter rep_;
  Graph graph_;
  Interner values_;
  std::uint32_t nil_ = 0;
  std::unordered_map<std::uint64_t, Writer> writers_;
  std::map<std::uint32_t, std::vector<std::size_t>> key_writers_;  // non-failed writers per key
  std::vector<ExternalRead> reads_;
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::vector<std::size_t>> readers_;
  std::vector<Touch> touches_;  // committed transactions' views, by (txn, key)
  std::size_t assumed_edges_ = 0;
};

bool RwRegister::index_writes(std::string* error) {
  for (const Txn& t : txns_) {
    std::map<std::string, std::size_t> last;
    for (std::size_t i = 0; i < t.mops.size(); ++i) {
      if (t.mops[i].kind == MopKind::kWrite) last[t.mops[i].key] = i;
    }
    for (std::size_t i = 0; i < t.mops.size(); ++i) {
      const Mop& m = t.mops[i];
      if (m.kind != MopKind::kWrite) continue;
      const std::uint32_t k = graph_.key_id(m.key);
      if (m.value().is_null()) {
        *error = "T" + std::to_string(t.id) + " writes nil to " + m.key + "; rw-register needs " +
                 "non-nil written values";
        return false;
      }
      auto [it, fresh] =
          writers_.emplace(kv_id(k, values_.id(m.value())), Writer{t.id, last[m.key] == i});
      if (!fresh) {
        *error = "value " + m.value().dump() + " is written to " + m.key + " twice (T" +
                 std::to_string(it->second.txn) + " and T" + std::to_string(t.id) +
                 "); rw-register needs unique values per key";
        return false;
      }
      if (!failed(t.id) && last[m.key] == i) key_writers_[k].push_back(t.id);
    }
  }
  return true;
}

// Reports what is wrong with t's external read m (of key k, value id v) and adds its wr edge.
ReadUse RwRegister::check_read(const Txn& t, const Mop& m, std::uint32_t k, std::uint32_t v) {
  if (v == nil_) return ReadUse::kVersion;
  const Writer* w = writer(k, v);
  if (w == nullptr) {
    // As in Elle's rw-register, not an anomaly by itself: the history may not show how the
    // key got there (an initial state other than nil). Reported, ruling out no model; the
    // version still counts for the assumed orders.
    rep_.add("unwritten-read",
             rep_.txn_text(t.id) + " read " + m.value().dump() + " of " + m.key +
                 ", which no transaction in the history wrote",
             {t.id});
    return ReadUse::kVersion;
  }
  if (w->txn == t.id) {
    rep_.add("internal",
             rep_.txn_text(t.id) + " read " + m.key + " = " + m.value().dump() +
                 " before writing it itself",
             {t.id});
    return ReadUse::kNone;
  }
  if (failed(w->txn)) {
    rep_.add("G1a",
             rep_.txn_text(t.id) + " read " + m.key + " = " + m.value().dump() +
                 " written by the aborted " + rep_.txn_text(w->txn),
             {t.id, w->txn});
    return ReadUse::kNone;
  }
  // Only a transaction's final write of a key is a version others can depend on (Elle's
  // ext-writes): an intermediate one gets no wr edge, only G1b.
  if (w->last) {
    graph_.add(w->txn, t.id, Dep::kWR, k);
    return ReadUse::kVersion;
  }
  rep_.add("G1b",
           rep_.txn_text(t.id) + " read " + m.key + " = " + m.value().dump() +
               ", an intermediate write of " + rep_.txn_text(w->txn),
           {t.id, w->txn});
  return ReadUse::kRead;
}

void RwRegister::check_txn(const Txn& t) {
  std::map<std::string, nlohmann::json> known;   // this transaction's view of each key so far
  std::map<std::uint32_t, std::size_t> first;    // key -> its external read in reads_
  std::map<std::uint32_t, Touch> touched;        // key -> versions observed or installed
  const bool track = result_.assumptions.any();  // touches feed only the assumptions
  for (const Mop& m : t.mops) {
    const std::uint32_t k = graph_.key_id(m.key);
    auto it = known.find(m.key);
    if (m.kind == MopKind::kWrite) {
      auto f = first.find(k);
      if (f != first.end()) reads_[f->second].then_wrote = true;
      known[m.key] = m.value();
      if (!track) continue;
      Touch& seen = touched[k];
      seen.last = values_.id(m.value());
      if (seen.first == kNoVersion) seen.first = seen.last;
      continue;
    }
    if (it != known.end()) {
      if (it->second != m.value()) {
        rep_.add(
            "internal",
            rep_.txn_text(t.id) + ": read of " + m.key + " should have been " + it->second.dump(),
            {t.id});
      }
      continue;
    }
    known[m.key] = m.value();
    const std::uint32_t v = values_.id(m.value());
    const ReadUse use = check_read(t, m, k, v);
    if (use == ReadUse::kNone) continue;
    if (track && use == ReadUse::kVersion) touched[k].first = touched[k].last = v;
    first.emplace(k, reads_.size());
    reads_.push_back(ExternalRead{t.id, k, v, false});
  }
  for (auto& [k, seen] : touched) {
    if (seen.first == kNoVersion) continue;
    seen.txn = t.id;
    seen.key = k;
    touches_.push_back(seen);
  }
}

void RwRegister::check_reads() {
  for (const Txn& t : txns_) {
    if (t.type == history::OpType::kOk) check_txn(t);
  }
}

void RwRegister::add_edges() {
  // Readers of each version, and the committed transactions that read it and then wrote.
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::vector<std::size_t>> rmw;
  for (const ExternalRead& r : reads_) {
    readers_[{r.key, r.version}].push_back(r.txn);
    if (r.then_wrote) rmw[{r.key, r.version}].push_back(r.txn);
  }
  for (const auto& [version, ids] : readers_) {
    if (version.second != nil_) continue;  // nil precedes every write of the key
    std::size_t edges = 0;
    for (std::size_t r : ids) {
      for (std::size_t w : key_writers_[version.first]) {
        if (++edges > kMaxInitialReadEdges) break;
        graph_.add(r, w, Dep::kRW, version.first);
      }
    }
  }
  for (const auto& [version, writers] : rmw) {
    const std::string& key = graph_.key_name(version.first);
    if (writers.size() > 1) {
      rep_.add("lost-update",
               "T" + std::to_string(writers[0]) + " and T" + std::to_string(writers[1]) +
                   " both read " + key + " = " + values_.value(version.second).dump() +
                   " and wrote it; " + rep_.txn_text(writers[0]) + "; " + rep_.txn_text(writers[1]),
               {writers[0], writers[1]});
    }
    const Writer* w = writer(version.first, version.second);
    for (std::size_t t : writers) {
      if (w != nullptr && !failed(w->txn)) graph_.add(w->txn, t, Dep::kWW, version.first);
      for (std::size_t r : readers_[version]) graph_.add(r, t, Dep::kRW, version.first);
    }
  }
}

// e.from precedes e.to: ww between their writers, rw from e.from's readers to e.to's writer.
// The initial nil's readers already have rw edges to every writer.
void RwRegister::assume_order(const VersionEdge& e) {
  if (e.from == nil_) return;
  const Writer* from = writer(e.key, e.from);
  const Writer* to = writer(e.key, e.to);
  if (to == nullptr) return;  // an unwritten version: no transaction to order after e.from
  const auto add = [&](std::size_t a, std::size_t b, Dep d) {
    if (++assumed_edges_ > kMaxAssumedEdges) {
      ++result_.assumed_edges_dropped;
      return;
    }
    graph_.add(a, b, d, e.key);
  };
  if (from != nullptr) add(from->txn, to->txn, Dep::kWW);
  auto r = readers_.find({e.key, e.from});
  if (r == readers_.end()) return;
  for (std::size_t t : r->second) add(t, to->txn, Dep::kRW);
}

void RwRegister::report_incompatible(const std::vector<VersionEdge>& cycle) {
  const std::string& key = graph_.key_name(cycle.front().key);
  std::string text = key + "'s version order is cyclic (Elle's cyclic-versions; reported as " +
                     "incompatible-order before this checker took Elle's name):";
  std::vector<std::size_t> ids;
  for (const VersionEdge& e : cycle) {
    text += " " + values_.value(e.from).dump() + " < " + values_.value(e.to).dump() + " (T" +
            std::to_string(e.from_txn) + " then T" + std::to_string(e.to_txn) + ", " +
            to_string(e.source) + ");";
    ids.push_back(e.from_txn);
    ids.push_back(e.to_txn);
  }
  if (cycle.size() == 1) text += " but nil is the initial version;";
  for (std::size_t id : std::set<std::size_t>(ids.begin(), ids.end())) {
    text += " " + rep_.txn_text(id) + ";";
  }
  text.pop_back();
  rep_.add("cyclic-versions", text, ids);
}

// Version orders from the assumptions, per key: a cyclic key is reported, an acyclic key's
// orders become ww and rw edges.
void RwRegister::add_assumed_edges() {
  const std::vector<VersionEdge> edges =
      version_edges(txns_, touches_, result_.assumptions, &result_.frontier_dropped);
  for (std::size_t i = 0, j = 0; i < edges.size(); i = j) {
    while (j < edges.size() && edges[j].key == edges[i].key) ++j;
    const std::vector<VersionEdge> key_edges(edges.begin() + static_cast<std::ptrdiff_t>(i),
                                             edges.begin() + static_cast<std::ptrdiff_t>(j));
    const std::vector<VersionEdge> cycle = version_cycle(key_edges, nil_);
    if (!cycle.empty()) {
      report_incompatible(cycle);
      continue;
    }
    for (const VersionEdge& e : key_edges) assume_order(e);
  }
}

}  // namespace

nlohmann::json RwRegisterResult::to_json() const {
  nlohmann::json j = ElleResult::to_json();
  j["assumptions"] = {{"wfr-keys", true},
                      {"sequential-keys", assumptions.sequential_keys},
                      {"linearizable-keys", assumptions.linearizable_keys}};
  if (frontier_dropped + assumed_edges_dropped != 0) {
    j["assumptions-truncated"] = {{"realtime-predecessors-dropped", frontier_dropped},
                                  {"assumed-edges-dropped", assumed_edges_dropped}};
  }
  return j;
}

RwRegisterResult check_rw_register(const history::History& h, const RwAssumptions& a,
                                   OrderEdges orders) {
  RwRegisterResult result;
  result.assumptions = a;
  std::vector<Txn> txns;
  const std::map<std::string, MopKind> kinds = {{"w", MopKind::kWrite}, {"r", MopKind::kRead}};
  if (collect_txns(h, kinds, &txns, &result.error)) {
    result.transactions = txns.size();
    RwRegister rw(txns, &result);
    if (rw.index_writes(&result.error)) {
      rw.check_reads();
      rw.add_edges();
      if (a.any()) rw.add_assumed_edges();
      rw.cycles(orders);
    }
  }
  finish(&result);
  return result;
}

}  // namespace fl::checkers::elle
