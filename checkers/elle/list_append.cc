#include "checkers/elle/list_append.h"

#include <algorithm>
#include <map>
#include <set>

#include "checkers/elle/graph.h"

namespace fl::checkers::elle {
namespace {

struct Mop {
  bool append = false;
  std::string key;
  nlohmann::json value;              // appended value
  std::vector<nlohmann::json> read;  // read list
  bool read_nil = false;
};

struct Txn {
  std::size_t id = 0;
  std::int64_t process = 0;
  history::OpType type = history::OpType::kOk;
  std::vector<Mop> mops;
  std::size_t line = 0;
};

std::string key_text(const nlohmann::json& k) {
  return k.is_string() ? k.get<std::string>() : k.dump();
}

bool parse_mops(const nlohmann::json& v, std::vector<Mop>* out, std::string* error) {
  if (!v.is_array()) return *error = "a transaction value as a list of micro-ops", false;
  for (const auto& m : v) {
    if (!m.is_array() || m.size() != 3 || !m[0].is_string()) {
      return *error = "micro-ops like [\"append\", k, v] or [\"r\", k, [..]]", false;
    }
    Mop mop;
    mop.key = key_text(m[1]);
    const std::string f = m[0].get<std::string>();
    if (f == "append") {
      mop.append = true;
      mop.value = m[2];
    } else if (f == "r") {
      if (m[2].is_null())
        mop.read_nil = true;
      else if (m[2].is_array())
        mop.read = m[2].get<std::vector<nlohmann::json>>();
      else
        return *error = "a read's value as a list or null", false;
    } else {
      return *error = "micro-op \"append\" or \"r\"", false;
    }
    out->push_back(std::move(mop));
  }
  return true;
}

bool collect(const history::History& h, std::vector<Txn>* txns, std::string* error) {
  std::map<std::int64_t, std::size_t> open;
  for (std::size_t i = 0; i < h.ops.size(); ++i) {
    const auto& op = h.ops[i];
    if (op.process == history::kNemesisProcess || op.f != "txn") continue;
    const std::string where = "line " + std::to_string(i + 1) + ": ";
    if (op.type == history::OpType::kInvoke) {
      Txn t;
      t.id = txns->size();
      t.process = op.process;
      t.type = history::OpType::kInfo;  // until completed
      t.line = i + 1;
      if (!parse_mops(op.value, &t.mops, error)) return *error = where + *error, false;
      open[op.process] = t.id;
      txns->push_back(std::move(t));
      continue;
    }
    auto it = open.find(op.process);
    if (it == open.end()) return *error = where + "a completion for an open invocation", false;
    Txn& t = (*txns)[it->second];
    open.erase(it);
    t.type = op.type;
    if (op.type == history::OpType::kOk) {
      t.mops.clear();
      if (!parse_mops(op.value, &t.mops, error)) return *error = where + *error, false;
    }
  }
  return true;
}

struct Analysis {
  const std::vector<Txn>& txns;
  ElleResult& result;
  // key -> version order (the longest committed read)
  std::map<std::string, std::vector<nlohmann::json>> order;
  // (key, value) -> writer txn and whether it is the writer's last append to that key
  std::map<std::pair<std::string, std::string>, std::pair<std::size_t, bool>> writer;

  void report(const std::string& cls, nlohmann::json what) {
    auto& list = result.anomalies[cls];
    if (list.size() < kMaxReportedPerClass) list.push_back(std::move(what));
  }
  std::string txn_text(std::size_t id) const {
    const Txn& t = txns[id];
    std::string s = "T" + std::to_string(id) + " (process " + std::to_string(t.process) +
                    ", line " + std::to_string(t.line) + ") [";
    for (std::size_t i = 0; i < t.mops.size(); ++i) {
      const Mop& m = t.mops[i];
      s += (i ? " " : "");
      s += m.append ? "append " + m.key + " " + m.value.dump()
                    : "r " + m.key + " " + (m.read_nil ? "nil" : nlohmann::json(m.read).dump());
    }
    return s + "]";
  }
};

void index_writes(Analysis& a) {
  for (const Txn& t : a.txns) {
    std::map<std::string, std::size_t> last_append;
    for (std::size_t i = 0; i < t.mops.size(); ++i) {
      if (t.mops[i].append) last_append[t.mops[i].key] = i;
    }
    for (std::size_t i = 0; i < t.mops.size(); ++i) {
      const Mop& m = t.mops[i];
      if (!m.append) continue;
      auto [it, fresh] = a.writer.emplace(std::make_pair(m.key, m.value.dump()),
                                          std::make_pair(t.id, last_append[m.key] == i));
      if (!fresh) {
        a.report("duplicate-appends", "value " + m.value.dump() + " appended to " + m.key +
                                          " by T" + std::to_string(it->second.first) + " and T" +
                                          std::to_string(t.id));
      }
    }
  }
}

void check_reads(Analysis& a) {
  for (const Txn& t : a.txns) {
    if (t.type != history::OpType::kOk) continue;
    std::map<std::string, std::vector<nlohmann::json>> expect;  // this txn's view so far
    std::map<std::string, std::vector<nlohmann::json>> own;     // its appends before any read
    for (const Mop& m : t.mops) {
      if (m.append) {
        auto it = expect.find(m.key);
        if (it != expect.end())
          it->second.push_back(m.value);
        else
          own[m.key].push_back(m.value);
        continue;
      }
      auto mine = own.find(m.key);
      if (mine != own.end() && expect.find(m.key) == expect.end()) {
        const auto& tail = mine->second;
        const bool ends_with = m.read.size() >= tail.size() &&
                               std::equal(tail.begin(), tail.end(), m.read.end() - tail.size());
        if (!ends_with) {
          a.report("internal", a.txn_text(t.id) + ": read of " + m.key +
                                   " does not end with its own appends " +
                                   nlohmann::json(tail).dump());
        }
      }
      std::set<std::string> seen;
      for (const auto& v : m.read) {
        if (!seen.insert(v.dump()).second) {
          a.report("duplicate-elements", a.txn_text(t.id) + " read " + v.dump() + " twice");
        }
      }
      auto it = expect.find(m.key);
      if (it != expect.end() && it->second != m.read) {
        a.report("internal", a.txn_text(t.id) + ": read of " + m.key + " should have been " +
                                 nlohmann::json(it->second).dump());
      }
      expect[m.key] = m.read;
      auto& longest = a.order[m.key];
      if (m.read.size() > longest.size()) longest = m.read;
    }
  }
  // Every committed read must be a prefix of the longest one.
  for (const Txn& t : a.txns) {
    if (t.type != history::OpType::kOk) continue;
    for (const Mop& m : t.mops) {
      if (m.append) continue;
      const auto& longest = a.order[m.key];
      if (!std::equal(m.read.begin(), m.read.end(), longest.begin())) {
        a.report("incompatible-order", a.txn_text(t.id) + " read " + nlohmann::json(m.read).dump() +
                                           " of " + m.key + ", not a prefix of " +
                                           nlohmann::json(longest).dump());
      }
    }
  }
}

}  // namespace

nlohmann::json ElleResult::to_json() const {
  nlohmann::json j = {
      {"valid", valid == Validity::kUnknown ? nlohmann::json("unknown")
                                            : nlohmann::json(valid == Validity::kTrue)},
      {"checker", "elle-list-append"},
      {"anomaly-types", nlohmann::json::array()},
      {"not", not_models}};
  for (const auto& [cls, list] : anomalies.items()) j["anomaly-types"].push_back(cls);
  if (!anomalies.empty()) j["anomalies"] = anomalies;
  if (!error.empty()) j["error"] = error;
  return j;
}

namespace {

void classify_cycle(Analysis& a, const std::vector<std::pair<std::size_t, Dep>>& cycle) {
  int rw = 0, wr = 0;
  for (const auto& [n, d] : cycle) {
    rw += d == Dep::kRW;
    wr += d == Dep::kWR;
  }
  const std::string cls = rw == 0 ? (wr == 0 ? "G0" : "G1c") : rw == 1 ? "G-single" : "G2-item";
  std::string text;
  for (std::size_t i = 0; i < cycle.size(); ++i) {
    text += a.txn_text(cycle[i].first) + " -" + to_string(cycle[i].second) + "-> ";
  }
  text += "T" + std::to_string(cycle.front().first);
  a.report(cls, text);
}

// The read of `key` that a transaction made before any append of its own to it, if any.
const Mop* first_read(const Txn& t, const std::string& key, bool* appends_later) {
  *appends_later = false;
  const Mop* read = nullptr;
  for (const Mop& m : t.mops) {
    if (m.key != key) continue;
    if (m.append) {
      if (read != nullptr) *appends_later = true;
      if (read == nullptr) return nullptr;
      continue;
    }
    if (read == nullptr) read = &m;
  }
  return read;
}

void read_edges(Analysis& a, Graph& g, const Txn& t, const Mop& m) {
  const auto& order = a.order[m.key];
  auto writer_of = [&](const nlohmann::json& v) { return a.writer.find({m.key, v.dump()}); };
  for (const auto& v : m.read) {
    auto w = writer_of(v);
    if (w == a.writer.end()) {
      a.report("garbage-read", a.txn_text(t.id) + " read " + v.dump() + " of " + m.key +
                                   ", which no transaction appended");
    } else if (a.txns[w->second.first].type == history::OpType::kFail) {
      a.report("G1a", a.txn_text(t.id) + " read " + v.dump() + " of " + m.key +
                          " appended by the aborted " + a.txn_text(w->second.first));
    }
  }
  if (!m.read.empty()) {
    auto w = writer_of(m.read.back());
    if (w != a.writer.end() && w->second.first != t.id) {
      if (!w->second.second) {
        a.report("G1b", a.txn_text(t.id) + " read " + m.key + " ending at the intermediate " +
                            "append " + m.read.back().dump() + " of " +
                            a.txn_text(w->second.first));
      }
      if (a.txns[w->second.first].type != history::OpType::kFail) {
        g.add(w->second.first, t.id, Dep::kWR);
      }
    }
  }
  if (m.read.size() < order.size()) {
    auto next = writer_of(order[m.read.size()]);
    if (next != a.writer.end() && next->second.first != t.id &&
        a.txns[next->second.first].type != history::OpType::kFail) {
      g.add(t.id, next->second.first, Dep::kRW);
    }
  }
}

void check_dependencies(Analysis& a) {
  Graph g(a.txns.size());
  for (const auto& [key, order] : a.order) {
    for (std::size_t i = 0; i + 1 < order.size(); ++i) {
      auto x = a.writer.find({key, order[i].dump()});
      auto y = a.writer.find({key, order[i + 1].dump()});
      if (x == a.writer.end() || y == a.writer.end()) continue;
      if (x->second.first != y->second.first) g.add(x->second.first, y->second.first, Dep::kWW);
    }
  }
  std::map<std::pair<std::string, std::size_t>, std::vector<std::size_t>> read_then_append;
  for (const Txn& t : a.txns) {
    if (t.type != history::OpType::kOk) continue;
    std::set<std::string> keys;
    for (const Mop& m : t.mops) {
      if (!m.append) read_edges(a, g, t, m);
      keys.insert(m.key);
    }
    for (const auto& k : keys) {
      bool appends_later = false;
      const Mop* r = first_read(t, k, &appends_later);
      if (r != nullptr && appends_later) read_then_append[{k, r->read.size()}].push_back(t.id);
    }
  }
  for (const auto& [version, ids] : read_then_append) {
    if (ids.size() < 2) continue;
    a.report("lost-update", "T" + std::to_string(ids[0]) + " and T" + std::to_string(ids[1]) +
                                " both read " + version.first + " at length " +
                                std::to_string(version.second) + " and appended to it");
  }
  std::vector<int> comp(g.size(), -1);
  const auto comps = g.cycles_components();
  for (std::size_t c = 0; c < comps.size(); ++c) {
    for (std::size_t n : comps[c]) comp[n] = static_cast<int>(c);
  }
  for (const auto& members : comps) {
    const auto cycle = g.shortest_cycle(members.front(), comp);
    if (!cycle.empty()) classify_cycle(a, cycle);
  }
}

}  // namespace

ElleResult check_list_append(const history::History& h) {
  ElleResult result;
  std::vector<Txn> txns;
  if (!collect(h, &txns, &result.error)) {
    result.valid = Validity::kUnknown;
    return result;
  }
  Analysis a{txns, result, {}, {}};
  index_writes(a);
  check_reads(a);
  check_dependencies(a);
  // What each anomaly rules out (Adya; Elle's tables), strongest consequence first.
  std::set<std::string> out;
  const std::map<std::string, std::vector<std::string>> rules = {
      {"G0",
       {"read-uncommitted", "read-committed", "snapshot-isolation", "serializable",
        "strict-serializable"}},
      {"G1a", {"read-committed", "snapshot-isolation", "serializable", "strict-serializable"}},
      {"G1b", {"read-committed", "snapshot-isolation", "serializable", "strict-serializable"}},
      {"G1c", {"read-committed", "snapshot-isolation", "serializable", "strict-serializable"}},
      {"G-single", {"snapshot-isolation", "serializable", "strict-serializable"}},
      {"lost-update", {"snapshot-isolation", "serializable", "strict-serializable"}},
      {"G2-item", {"serializable", "strict-serializable"}},
  };
  for (const auto& [cls, list] : result.anomalies.items()) {
    auto r = rules.find(cls);
    if (r != rules.end()) {
      out.insert(r->second.begin(), r->second.end());
    } else {  // internal, duplicates, incompatible orders: no model allows them
      out.insert({"read-uncommitted", "read-committed", "snapshot-isolation", "serializable",
                  "strict-serializable"});
    }
  }
  result.not_models.assign(out.begin(), out.end());
  result.valid = result.anomalies.empty() ? Validity::kTrue : Validity::kFalse;
  return result;
}

}  // namespace fl::checkers::elle
