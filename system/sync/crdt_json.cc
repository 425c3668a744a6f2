// The canonical encoding of CRDT states and its strict parser (crdt.h).
#include "system/io/assert.h"
#include "system/sync/crdt.h"

namespace fl::sync {
namespace {

std::size_t dumped_size(const Json& v) {
  return v.dump(-1, ' ', false, Json::error_handler_t::replace).size();
}

Json entry_json(const LwwEntry& e, bool with_deleted) {
  Json out = {
      {"value", e.value}, {"hlc", hlc_json(e.hlc)}, {"node", e.node}, {"dot", dot_json(e.dot)}};
  if (with_deleted) out["deleted"] = e.deleted;
  return out;
}

Json payload_json(const CrdtState& s) {
  switch (s.type) {
    case CrdtType::kLwwRegister: {
      const auto& e = std::get<0>(s.payload).entry;
      return e ? entry_json(*e, false) : Json();
    }
    case CrdtType::kGCounter:
      return std::get<1>(s.payload).totals;
    case CrdtType::kPNCounter: {
      Json out = Json::object();
      for (const auto& [a, t] : std::get<2>(s.payload).totals) out[a] = {t.first, t.second};
      return out;
    }
    case CrdtType::kORSet: {
      const ORSetState& o = std::get<3>(s.payload);
      Json tags = Json::object();
      for (const auto& [e, dots] : o.tags) {
        Json list = Json::array();
        for (const Dot& d : dots) list.push_back(dot_json(d));
        tags[e] = list;
      }
      Json out = {{"tags", tags}};
      if (!o.removed.empty()) out["removed"] = o.removed;
      return out;
    }
    case CrdtType::kMVRegister: {
      Json out = Json::array();
      for (const auto& [dot, v] : std::get<4>(s.payload).siblings)
        out.push_back({dot_json(dot), v});
      return out;
    }
    case CrdtType::kLwwMap: {
      Json out = Json::object();
      for (const auto& [k, e] : std::get<5>(s.payload).entries) out[k] = entry_json(e, true);
      return out;
    }
  }
  return Json();
}

// Parsing context: the first error wins; later reads return false.
struct Parse {
  const VersionVector& vv;
  std::string error;
  bool fail(std::string e) {
    if (error.empty()) error = std::move(e);
    return false;
  }
  bool dot(const Json& j, Dot* d, const std::string& where) {
    if (!dot_from_json(j, d)) return fail(where + ": a dot is [actor, counter >= 1]");
    if (!vv.covers(*d)) return fail(where + ": dot not covered by the version vector");
    return true;
  }
  bool value(const Json& v, const std::string& where) {
    if (dumped_size(v) > kMaxValueBytes) return fail(where + ": value over the size limit");
    return true;
  }
  bool entry(const Json& j, bool with_deleted, LwwEntry* e, const std::string& where) {
    const std::size_t fields = with_deleted ? 5 : 4;
    if (!j.is_object() || j.size() != fields || !j.contains("value") || !j.contains("hlc") ||
        !j.contains("node") || !j.contains("dot") || (with_deleted && !j.contains("deleted"))) {
      return fail(where + ": an entry is {value, hlc, node, dot" +
                  std::string(with_deleted ? ", deleted}" : "}"));
    }
    if (!hlc_from_json(j["hlc"], &e->hlc)) return fail(where + ": hlc is [physical_ms, logical]");
    if (!j["node"].is_string() || !valid_actor(j["node"].get<std::string>())) {
      return fail(where + ": node is an actor id");
    }
    e->node = j["node"].get<std::string>();
    e->value = j["value"];
    if (with_deleted) {
      if (!j["deleted"].is_boolean()) return fail(where + ": deleted is a boolean");
      e->deleted = j["deleted"].get<bool>();
      if (e->deleted && !e->value.is_null()) return fail(where + ": a deleted entry has no value");
    }
    return dot(j["dot"], &e->dot, where) && value(e->value, where);
  }
  bool actor_key(const std::string& a, const std::string& where) {
    if (!valid_actor(a)) return fail(where + ": '" + a.substr(0, 64) + "' is not an actor id");
    if (vv.get(a) < 1) return fail(where + ": actor " + a + " is not in the version vector");
    return true;
  }
  bool total(const Json& j, std::int64_t* out, const std::string& where) {
    if (!j.is_number_integer() || j.get<std::int64_t>() < 0 || j.get<std::int64_t>() > kMaxTotal) {
      return fail(where + ": a total is an integer in 0.." + std::to_string(kMaxTotal));
    }
    *out = j.get<std::int64_t>();
    return true;
  }
};

bool parse_counters(const Json& j, CrdtState* s, Parse* p) {
  if (!j.is_object()) return p->fail("state: an object of actor -> total");
  const bool pn = s->type == CrdtType::kPNCounter;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!p->actor_key(it.key(), "state")) return false;
    std::int64_t inc = 0, dec = 0;
    if (!pn) {
      if (!p->total(*it, &inc, "state")) return false;
      std::get<1>(s->payload).totals[it.key()] = inc;
      continue;
    }
    if (!it->is_array() || it->size() != 2) return p->fail("state: a PN entry is [inc, dec]");
    if (!p->total((*it)[0], &inc, "state") || !p->total((*it)[1], &dec, "state")) return false;
    std::get<2>(s->payload).totals[it.key()] = {inc, dec};
  }
  return true;
}

bool parse_orset(const Json& j, CrdtState* s, Parse* p) {
  if (!j.is_object() || !j.contains("tags") || !j["tags"].is_object() ||
      j.size() != (j.contains("removed") ? 2u : 1u)) {
    return p->fail("state: an ORSet is {tags: {element: [dots]}, removed?}");
  }
  ORSetState& o = std::get<3>(s->payload);
  for (auto it = j["tags"].begin(); it != j["tags"].end(); ++it) {
    if (it.key().empty() || it.key().size() > kMaxElementBytes)
      return p->fail("state: element size");
    if (!it->is_array() || it->empty())
      return p->fail("state: an element has a non-empty tag list");
    for (const Json& t : *it) {
      Dot d;
      if (!p->dot(t, &d, "state.tags")) return false;
      o.tags[it.key()].insert(d);
    }
  }
  if (j.contains("removed")) {
    if (!j["removed"].is_array()) return p->fail("state: removed is a list of elements");
    for (const Json& e : j["removed"]) {
      if (!e.is_string()) return p->fail("state: removed is a list of elements");
      o.removed.insert(e.get<std::string>());
    }
  }
  return true;
}

bool parse_payload(const Json& j, CrdtState* s, Parse* p) {
  switch (s->type) {
    case CrdtType::kLwwRegister: {
      if (j.is_null()) return true;
      LwwEntry e;
      if (!p->entry(j, false, &e, "state")) return false;
      std::get<0>(s->payload).entry = std::move(e);
      return true;
    }
    case CrdtType::kGCounter:
    case CrdtType::kPNCounter:
      return parse_counters(j, s, p);
    case CrdtType::kORSet:
      return parse_orset(j, s, p);
    case CrdtType::kMVRegister: {
      if (!j.is_array()) return p->fail("state: an MVRegister is [[dot, value], ...]");
      for (const Json& sib : j) {
        Dot d;
        if (!sib.is_array() || sib.size() != 2) return p->fail("state: a sibling is [dot, value]");
        if (!p->dot(sib[0], &d, "state") || !p->value(sib[1], "state")) return false;
        std::get<4>(s->payload).siblings[d] = sib[1];
      }
      return true;
    }
    case CrdtType::kLwwMap: {
      if (!j.is_object()) return p->fail("state: an LWWMap is {key: entry}");
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (it.key().empty() || it.key().size() > kMaxElementBytes)
          return p->fail("state: key size");
        LwwEntry e;
        if (!p->entry(*it, true, &e, "state." + it.key().substr(0, 64))) return false;
        std::get<5>(s->payload).entries[it.key()] = std::move(e);
      }
      return true;
    }
  }
  return false;
}

}  // namespace

Json dot_json(const Dot& dot) { return Json::array({dot.actor, dot.counter}); }

bool dot_from_json(const Json& j, Dot* dot) {
  if (!j.is_array() || j.size() != 2 || !j[0].is_string() || !j[1].is_number_integer()) {
    return false;
  }
  dot->actor = j[0].get<std::string>();
  dot->counter = j[1].get<std::int64_t>();
  return valid_actor(dot->actor) && dot->counter >= 1 && dot->counter <= kMaxCounter;
}

Json vv_json(const VersionVector& vv) {
  Json out = Json::object();
  for (const auto& [actor, counter] : vv.entries()) out[actor] = counter;
  return out;
}

bool vv_from_json(const Json& j, VersionVector* vv) {
  if (!j.is_object() || j.size() > kMaxActors) return false;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!valid_actor(it.key()) || !it->is_number_integer()) return false;
    const std::int64_t c = it->get<std::int64_t>();
    if (c < 1 || c > kMaxCounter) return false;
    vv->set(it.key(), c);
  }
  return true;
}

Json hlc_json(const Hlc& hlc) { return Json::array({hlc.physical_ms, hlc.logical}); }

bool hlc_from_json(const Json& j, Hlc* hlc) {
  if (!j.is_array() || j.size() != 2 || !j[0].is_number_integer() || !j[1].is_number_integer()) {
    return false;
  }
  hlc->physical_ms = j[0].get<std::int64_t>();
  hlc->logical = j[1].get<std::int64_t>();
  return hlc->physical_ms >= kMinPhysicalMs && hlc->physical_ms <= kMaxPhysicalMs &&
         hlc->logical >= 0 && hlc->logical <= kMaxLogical;
}

Json to_json(const CrdtState& state) {
  return {{"type", type_name(state.type)},
          {"vv", vv_json(state.context)},
          {"state", payload_json(state)}};
}

std::string canonical(const CrdtState& state) {
  return to_json(state).dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::optional<CrdtState> state_from_json(const Json& json, std::string* error) {
  FL_ASSERT(error != nullptr);
  if (!json.is_object() || json.size() != 3 || !json.contains("type") || !json.contains("vv") ||
      !json.contains("state") || !json["type"].is_string()) {
    *error = "a CRDT state is {type, vv, state}";
    return std::nullopt;
  }
  const auto type = parse_crdt_type(json["type"].get<std::string>());
  if (!type) {
    *error = "unknown crdt_type '" + json["type"].get<std::string>().substr(0, 64) +
             "' (known: " + crdt_type_names() + ")";
    return std::nullopt;
  }
  CrdtState s = empty_state(*type);
  if (!vv_from_json(json["vv"], &s.context)) {
    *error = "vv: an object of actor -> counter >= 1, at most " + std::to_string(kMaxActors);
    return std::nullopt;
  }
  Parse p{s.context, ""};
  if (!parse_payload(json["state"], &s, &p)) {
    *error = p.error;
    return std::nullopt;
  }
  if (std::string e = check_limits(s); !e.empty()) {
    *error = e;
    return std::nullopt;
  }
  return s;
}

std::string check_limits(const CrdtState& s) {
  if (s.context.size() > kMaxActors) return "more than " + std::to_string(kMaxActors) + " actors";
  if (s.type == CrdtType::kORSet) {
    const ORSetState& o = std::get<3>(s.payload);
    std::size_t tags = 0;
    for (const auto& [e, dots] : o.tags) tags += dots.size();
    if (o.tags.size() > kMaxElements || o.removed.size() > kMaxElements) {
      return "an ORSet of more than " + std::to_string(kMaxElements) + " elements";
    }
    if (tags > kMaxTags) return "an ORSet of more than " + std::to_string(kMaxTags) + " tags";
  }
  if (s.type == CrdtType::kMVRegister && std::get<4>(s.payload).siblings.size() > kMaxSiblings) {
    return "an MVRegister of more than " + std::to_string(kMaxSiblings) + " siblings";
  }
  if (s.type == CrdtType::kLwwMap && std::get<5>(s.payload).entries.size() > kMaxMapKeys) {
    return "an LWWMap of more than " + std::to_string(kMaxMapKeys) + " keys";
  }
  return "";
}

}  // namespace fl::sync
