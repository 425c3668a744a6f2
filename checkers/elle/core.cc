// Transactions, reports and the model table shared by the Elle checkers. The cycle search is in
// cycles.cc.
#include "checkers/elle/core.h"

#include <algorithm>
#include <set>

#include "checkers/elle/consistency_model.h"

namespace fl::checkers::elle {
namespace {

std::string key_text(const nlohmann::json& k) {
  if (k.is_string()) return k.get_ref<const std::string&>();
  if (k.is_number_integer()) return std::to_string(k.get<std::int64_t>());
  return k.dump();
}

bool parse_mops(const nlohmann::json& v, const std::map<std::string, MopKind>& kinds,
                std::vector<Mop>* out, std::string* error) {
  if (!v.is_array()) return *error = "a transaction value as a list of micro-ops", false;
  if (v.size() > kMaxMopsPerTxn) return *error = "at most 100000 micro-ops per transaction", false;
  out->clear();
  out->reserve(v.size());
  for (const auto& m : v) {
    auto kind = kinds.end();
    if (m.is_array() && m.size() == 3 && m[0].is_string()) {
      const auto& f = m[0].get_ref<const std::string&>();
      // A scan with == (two or three kinds): cheaper than the map's ordered compares.
      for (kind = kinds.begin(); kind != kinds.end() && kind->first != f; ++kind) {
      }
    }
    if (kind == kinds.end()) {
      std::string names;
      for (const auto& [name, k] : kinds) names += (names.empty() ? "\"" : ", \"") + name + "\"";
      *error = "micro-ops [f, key, value] with f one of " + names + ", not " + m.dump();
      if (m.is_array() && !m.empty() && (m[0] == "read" || m[0] == "write")) {
        *error +=
            " (Knossos' multi-register micro-ops: check them with --checker linearizable "
            "--model multi-register)";
      }
      return false;
    }
    out->push_back(Mop{kind->second, key_text(m[1]), &m[2]});
  }
  return true;
}

}  // namespace

std::vector<std::int64_t> Txn::op_indexes() const {
  std::vector<std::int64_t> out{invoke_index};
  if (complete_pos != kNoPos) out.push_back(complete_index);
  return out;
}

// Parses the micro-ops of h.ops[pos] into *mops; on an error names its line.
bool parse_mops_at(const history::History& h, std::size_t pos,
                   const std::map<std::string, MopKind>& kinds, std::vector<Mop>* mops,
                   std::string* error) {
  if (parse_mops(h.ops[pos].value, kinds, mops, error)) return true;
  *error = "line " + std::to_string(pos + 1) + ": " + *error;
  return false;
}

bool collect_txns(const history::History& h, const std::map<std::string, MopKind>& kinds,
                  std::vector<Txn>* txns, std::string* error) {
  std::map<std::int64_t, std::size_t> open;  // process -> its open transaction
  for (std::size_t i = 0; i < h.ops.size(); ++i) {
    const auto& op = h.ops[i];
    if (op.process == history::kNemesisProcess || op.f != "txn") continue;
    const bool invoke = op.type == history::OpType::kInvoke;
    auto it = open.find(op.process);
    if (invoke && it != open.end()) {
      return *error = "line " + std::to_string(i + 1) + ": a completion of process " +
                      std::to_string(op.process) + "'s open transaction before its next invocation",
             false;
    }
    if (it == open.end()) {
      // An invocation, or a completion with no invocation (Elle accepts these; its own tests
      // are written so): a transaction invoked where it completed.
      if (!op.value.is_array()) {
        return *error = "line " + std::to_string(i + 1) + ": a transaction value as a list of " +
                        "micro-ops",
               false;
      }
      Txn t;
      t.id = txns->size();
      t.process = op.process;
      t.invoke_pos = i;
      t.invoke_index = op.index;
      it = open.emplace(op.process, t.id).first;
      txns->push_back(std::move(t));
      if (invoke) continue;
    }
    Txn& t = (*txns)[it->second];
    open.erase(it);
    t.type = op.type;
    t.complete_pos = i;
    t.complete_index = op.index;
    // Micro-ops are read once per transaction: an ok completion's (reads filled in), else the
    // invocation's. Reading the invocation's too would double the cost of collecting.
    const std::size_t from = op.type == history::OpType::kOk ? i : t.invoke_pos;
    if (!parse_mops_at(h, from, kinds, &t.mops, error)) {
      // Name the first malformed line: the invocation's, when it is malformed too.
      std::vector<Mop> unused;
      std::string first;
      if (from != t.invoke_pos && !parse_mops_at(h, t.invoke_pos, kinds, &unused, &first)) {
        *error = first;
      }
      return false;
    }
  }
  for (const auto& [process, id] : open) {  // never completed: the invocation's micro-ops
    Txn& t = (*txns)[id];
    if (!parse_mops_at(h, t.invoke_pos, kinds, &t.mops, error)) return false;
  }
  return true;
}

const Anomaly* ElleResult::first(const std::string& type) const {
  for (const Anomaly& a : anomalies) {
    if (a.type == type) return &a;
  }
  return nullptr;
}

void Reporter::add(const std::string& type, const std::string& explanation,
                   const std::vector<std::size_t>& txn_ids, std::string cycle) {
  if (result_.counts[type]++ >= kMaxReportedPerClass) return;
  Anomaly a{type, explanation, {}, std::move(cycle)};
  std::set<std::size_t> seen;
  for (std::size_t id : txn_ids) {
    if (!seen.insert(id).second) continue;
    for (std::int64_t i : txns_[id].op_indexes()) a.ops.push_back(i);
  }
  result_.anomalies.push_back(std::move(a));
}

std::string Reporter::txn_text(std::size_t id) const {
  const Txn& t = txns_[id];
  std::string s = "T" + std::to_string(id) + " (process " + std::to_string(t.process) + ", op " +
                  std::to_string(t.invoke_index) + ") [";
  constexpr std::size_t kMaxMopsShown = 16;
  for (std::size_t i = 0; i < t.mops.size() && i < kMaxMopsShown; ++i) {
    const Mop& m = t.mops[i];
    const char* f = m.kind == MopKind::kAppend ? "append" : m.kind == MopKind::kWrite ? "w" : "r";
    s += (i ? ", " : "") + std::string(f) + " " + m.key + " " +
         (m.value().is_null() ? std::string("nil") : m.value().dump());
  }
  if (t.mops.size() > kMaxMopsShown) s += ", ...";
  return s + "]";
}

bool is_unknown_type(const std::string& type) {
  return type == "empty-transaction-graph" || type == "cycle-search-timeout";
}

void finish(ElleResult* result) {
  std::set<std::string> types;
  bool undecided = false;
  for (const auto& [type, n] : result->counts) {
    types.insert(type);
    undecided = undecided || is_unknown_type(type);
  }
  result->not_models = impossible_models(types);
  // An anomaly that rules out no model (rw-register's unwritten-read) is information only.
  const bool decided = !result->not_models.empty();
  const Boundary b = boundary(result->not_models);
  result->weakest_not = b.not_models;
  result->also_not = b.also_not_models;
  result->valid = decided ? Validity::kFalse : undecided ? Validity::kUnknown : Validity::kTrue;
  if (!result->error.empty()) result->valid = Validity::kUnknown;
}

nlohmann::json ElleResult::to_json() const {
  nlohmann::json j = {
      {"valid", valid == Validity::kUnknown ? nlohmann::json("unknown")
                                            : nlohmann::json(valid == Validity::kTrue)},
      {"anomaly-types", nlohmann::json::array()},
      {"anomaly-counts", counts},
      {"not", weakest_not},
      {"also-not", also_not},
      {"transactions", transactions},
      {"anomalies", nlohmann::json::array()}};
  for (const auto& [type, n] : counts) j["anomaly-types"].push_back(type);
  for (const Anomaly& a : anomalies) {
    nlohmann::json x = {{"type", a.type}, {"explanation", a.explanation}, {"ops", a.ops}};
    if (!a.cycle.empty()) x["cycle"] = a.cycle;
    j["anomalies"].push_back(std::move(x));
  }
  if (!error.empty()) j["error"] = error;
  if (edges_dropped != 0) j["edges-dropped"] = edges_dropped;
  return j;
}

void complete_in_frontier(std::vector<std::size_t>* frontier,
                          const std::vector<std::size_t>& before, std::size_t id) {
  std::vector<std::size_t> next;
  next.reserve(frontier->size() + 1);
  for (std::size_t f : *frontier) {
    if (std::find(before.begin(), before.end(), f) == before.end()) next.push_back(f);
  }
  next.push_back(id);
  frontier->swap(next);
}

}  // namespace fl::checkers::elle
