// The sync system's check: reading its records from the history, convergence, metadata, and the
// verdict (check.h).
#include "compose/sync/check.h"

#include <set>

#include "compose/sync/sync.h"
#include "system/io/assert.h"
#include "system/io/random.h"

namespace fl::compose {
namespace {

using nlohmann::json;

bool read_edit(const json& v, EditRecord* e) {
  const auto type = v.contains("crdt_type") && v["crdt_type"].is_string()
                        ? sync::parse_crdt_type(v["crdt_type"].get<std::string>())
                        : std::nullopt;
  if (!type || !v.contains("device") || !v.contains("entity") || !v.contains("operation")) {
    return false;
  }
  e->type = *type;
  e->device = v["device"].get<std::string>();
  e->entity = v["entity"].get<std::string>();
  e->operation = v["operation"];
  if (!e->acked) return true;
  if (!v.contains("dot") || !sync::dot_from_json(v["dot"], &e->dot)) return false;
  if (!v.contains("version_vector") || !sync::vv_from_json(v["version_vector"], &e->vv)) {
    return false;
  }
  if (!v.contains("hlc") || !sync::hlc_from_json(v["hlc"], &e->hlc)) return false;
  for (const json& d : v.value("observed", json::array())) {
    sync::Dot dot;
    if (!sync::dot_from_json(d, &dot)) return false;
    e->observed.push_back(dot);
  }
  return true;
}

bool read_replica(const json& v, Replica* r) {
  if (!v.contains("replica") || !v.contains("entities") || !v["entities"].is_object()) return false;
  r->name = v["replica"].get<std::string>();
  r->device = v.value("kind", "") == "device";
  r->dirty = v.value("dirty", std::int64_t{0});
  for (auto it = v["entities"].begin(); it != v["entities"].end(); ++it) {
    std::string error;
    auto state = sync::state_from_json(*it, &error);
    if (!state) return false;
    r->entities[it.key()] = std::move(*state);
  }
  return true;
}

void take(const history::Op& invoke, const history::Op& done, SyncRecords* out) {
  const json& v = done.value;
  if (done.f == "edit" && done.type != history::OpType::kFail) {
    EditRecord e;
    e.invoked = invoke.index;
    e.completed = done.index;
    e.acked = done.type == history::OpType::kOk;
    if (!read_edit(v, &e)) return out->malformed.push_back("edit at " + std::to_string(done.index));
    out->edits.push_back(std::move(e));
  } else if (done.f == "read" && done.type == history::OpType::kOk) {
    ReadRecord r{invoke.index, done.index, v.value("device", ""), v.value("entity", ""), {}};
    if (v.contains("version_vector") && !sync::vv_from_json(v["version_vector"], &r.vv)) {
      return out->malformed.push_back("read at " + std::to_string(done.index));
    }
    out->reads.push_back(std::move(r));
  } else if (done.f == "final-read" && done.type == history::OpType::kOk) {
    Replica r;
    if (!read_replica(v, &r)) {
      return out->malformed.push_back("final-read at " + std::to_string(done.index));
    }
    out->replicas.push_back(std::move(r));
  } else if (done.f == "converge" && done.type == history::OpType::kOk) {
    out->converge.push_back(v);
  }
}

std::string hash_text(const std::string& canonical) {
  return std::to_string(io::hash_bytes(canonical) % 1000000007);
}

}  // namespace

std::string EditRecord::key() const {
  if (type == sync::CrdtType::kORSet) return operation.value("value", "");
  if (type == sync::CrdtType::kLwwMap) return operation.value("key", "");
  return "";
}

std::string dot_text(const sync::Dot& dot) { return dot.actor + ":" + std::to_string(dot.counter); }

void Anomalies::add(const std::string& type, const std::string& entity, const std::string& text) {
  ++total_;
  ++counts_[type];
  if (list_.size() < kMaxSyncAnomalies) {
    list_.push_back({{"type", type}, {"entity", entity}, {"detail", text}});
  }
  if (problems_.size() < kMaxSyncProblems) problems_.push_back(type + ": " + entity + ": " + text);
}

SyncRecords collect_sync_records(const history::History& history) {
  SyncRecords out;
  std::map<std::int64_t, const history::Op*> pending;  // process -> its invocation
  for (const history::Op& op : history.ops) {
    if (op.process == history::kNemesisProcess || !op.value.is_object()) continue;
    if (op.type == history::OpType::kInvoke) {
      pending[op.process] = &op;
      continue;
    }
    const auto it = pending.find(op.process);
    if (it == pending.end()) continue;
    take(*it->second, op, &out);
    pending.erase(it);
  }
  return out;
}

void check_convergence(const SyncRecords& r, Anomalies* out) {
  for (const json& c : r.converge) {
    if (!c.value("converged", false)) {
      out->add("divergence", "*", "the regions' digests never agreed: " + c["digests"].dump());
    }
  }
  if (r.replicas.empty()) return;
  std::set<std::string> ids;
  for (const Replica& rep : r.replicas) {
    for (const auto& [id, s] : rep.entities) ids.insert(id);
    if (rep.device && rep.dirty != 0) {
      out->add("unsynced-device", "*",
               rep.name + " still has " + std::to_string(rep.dirty) +
                   " entities to upload after the final sync");
    }
  }
  for (const std::string& id : ids) {
    std::map<std::string, std::vector<std::string>> holders;  // canonical hash -> replicas
    for (const Replica& rep : r.replicas) {
      const auto it = rep.entities.find(id);
      holders[it == rep.entities.end() ? "absent" : hash_text(sync::canonical(it->second))]
          .push_back(rep.name);
    }
    if (holders.size() == 1) continue;
    std::string text;
    for (const auto& [hash, names] : holders) {
      text +=
          (text.empty() ? "" : " vs ") + json(names).dump() + (hash == "absent" ? " (absent)" : "");
    }
    out->add("divergence", id, "replicas hold different states: " + text);
  }
}

void check_metadata(const SyncRecords& r, const Replica& ref, Anomalies* out) {
  std::map<std::string, std::set<std::string>> writers;  // entity -> devices that edited it
  for (const EditRecord& e : r.edits) writers[e.entity].insert(e.device);
  for (const auto& [id, s] : ref.entities) {
    for (const auto& [actor, counter] : s.context.entries()) {
      if (writers[id].count(actor) == 0) {
        out->add("metadata-foreign-actor", id,
                 "its version vector names " + actor + ", which never edited it");
      }
    }
    std::map<std::string, int> per_actor;
    if (s.type == sync::CrdtType::kORSet) {
      for (const auto& [element, tags] : std::get<sync::ORSetState>(s.payload).tags) {
        per_actor.clear();
        for (const sync::Dot& t : tags) {
          if (++per_actor[t.actor] > 1) {
            out->add("metadata-tags", id, element + " keeps two tags of " + t.actor);
          }
        }
      }
    }
    if (s.type == sync::CrdtType::kMVRegister) {
      for (const auto& [dot, v] : std::get<sync::MVRegisterState>(s.payload).siblings) {
        if (++per_actor[dot.actor] > 1)
          out->add("metadata-siblings", id, "two siblings of " + dot.actor);
      }
    }
  }
}

checkers::CheckOutcome judge_sync(const history::History& history) {
  const SyncRecords records = collect_sync_records(history);
  checkers::CheckOutcome out;
  const Replica* reference = nullptr;
  for (const Replica& rep : records.replicas) {
    if (!rep.device && reference == nullptr) reference = &rep;
  }
  Anomalies a;
  check_convergence(records, &a);
  check_sessions(records, &a);
  if (reference != nullptr) {
    check_updates(records, *reference, &a);
    check_metadata(records, *reference, &a);
  }
  std::size_t acked = 0;
  for (const EditRecord& e : records.edits) acked += e.acked ? 1 : 0;
  out.result = {{"edits_acknowledged", acked},   {"edits_unknown", records.edits.size() - acked},
                {"reads", records.reads.size()}, {"replicas", records.replicas.size()},
                {"anomaly_counts", a.counts()},  {"anomalies", a.list()},
                {"problems", a.problems()}};
  if (!records.malformed.empty()) out.result["malformed"] = records.malformed;
  if (!a.empty()) {
    out.valid = checkers::Validity::kFalse;
  } else if (reference == nullptr || !records.malformed.empty()) {
    out.valid = checkers::Validity::kUnknown;  // nothing final to judge against
  } else {
    out.valid = checkers::Validity::kTrue;
  }
  out.result["valid"] = checkers::validity_json(out.valid);
  return out;
}

}  // namespace fl::compose
