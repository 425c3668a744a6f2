// CRDT joins, values and type names (crdt.h).
#include "system/sync/crdt.h"

#include "system/io/assert.h"

namespace fl::sync {
namespace {

const LwwEntry& lww_pick(const LwwEntry& local, const LwwEntry& remote, const CrdtBugs& bugs) {
  if (bugs.lww_no_tiebreak && local.hlc == remote.hlc) return local;  // the bug: keep local
  return lww_after(remote, local) ? remote : local;
}

LwwRegisterState merge_lww(const LwwRegisterState& a, const LwwRegisterState& b,
                           const CrdtBugs& bugs) {
  if (!a.entry) return b;
  if (!b.entry) return a;
  return {lww_pick(*a.entry, *b.entry, bugs)};
}

GCounterState merge_g(const GCounterState& a, const GCounterState& b) {
  GCounterState out = a;
  for (const auto& [actor, total] : b.totals) {
    std::int64_t& mine = out.totals[actor];
    if (total > mine) mine = total;
  }
  return out;
}

PNCounterState merge_pn(const PNCounterState& a, const PNCounterState& b) {
  PNCounterState out = a;
  for (const auto& [actor, total] : b.totals) {
    auto& mine = out.totals[actor];
    if (total.first > mine.first) mine.first = total.first;
    if (total.second > mine.second) mine.second = total.second;
  }
  return out;
}

// The tags of one side that survive the join: those the other side has too, and those the
// other side has not seen (a tag it has seen but lacks was removed there).
void keep_tags(const std::set<Dot>& mine, const std::set<Dot>* theirs,
               const VersionVector& their_context, std::set<Dot>* out) {
  for (const Dot& t : mine) {
    if ((theirs != nullptr && theirs->count(t) > 0) || !their_context.covers(t)) out->insert(t);
  }
}

ORSetState merge_orset(const ORSetState& a, const VersionVector& ca, const ORSetState& b,
                       const VersionVector& cb, const CrdtBugs& bugs) {
  ORSetState out;
  std::set<std::string> elements;
  for (const auto& [e, tags] : a.tags) elements.insert(e);
  for (const auto& [e, tags] : b.tags) elements.insert(e);
  out.removed = a.removed;
  out.removed.insert(b.removed.begin(), b.removed.end());
  for (const std::string& e : elements) {
    const auto ia = a.tags.find(e);
    const auto ib = b.tags.find(e);
    const std::set<Dot>* ta = ia == a.tags.end() ? nullptr : &ia->second;
    const std::set<Dot>* tb = ib == b.tags.end() ? nullptr : &ib->second;
    std::set<Dot> kept;
    if (ta != nullptr) keep_tags(*ta, tb, cb, &kept);
    if (tb != nullptr) keep_tags(*tb, ta, ca, &kept);
    const bool tombstoned = bugs.orset_remove_by_element && out.removed.count(e) > 0;
    if (!kept.empty() && !tombstoned) out.tags[e] = std::move(kept);
  }
  return out;
}

MVRegisterState merge_mv(const MVRegisterState& a, const VersionVector& ca,
                         const MVRegisterState& b, const VersionVector& cb) {
  MVRegisterState out;
  for (const auto& [dot, value] : a.siblings) {
    if (b.siblings.count(dot) > 0 || !cb.covers(dot)) out.siblings[dot] = value;
  }
  for (const auto& [dot, value] : b.siblings) {
    if (!ca.covers(dot)) out.siblings[dot] = value;
  }
  return out;
}

LwwMapState merge_map(const LwwMapState& a, const LwwMapState& b, const CrdtBugs& bugs) {
  LwwMapState out = a;
  for (const auto& [key, entry] : b.entries) {
    const auto it = out.entries.find(key);
    if (it == out.entries.end()) {
      out.entries[key] = entry;
    } else {
      it->second = lww_pick(it->second, entry, bugs);
    }
  }
  return out;
}

}  // namespace

const char* type_name(CrdtType type) {
  switch (type) {
    case CrdtType::kLwwRegister:
      return "LWWRegister";
    case CrdtType::kGCounter:
      return "GCounter";
    case CrdtType::kPNCounter:
      return "PNCounter";
    case CrdtType::kORSet:
      return "ORSet";
    case CrdtType::kMVRegister:
      return "MVRegister";
    case CrdtType::kLwwMap:
      return "LWWMap";
  }
  return "?";
}

std::optional<CrdtType> parse_crdt_type(const std::string& name) {
  for (CrdtType t : kCrdtTypes) {
    if (name == type_name(t)) return t;
  }
  return std::nullopt;
}

std::string crdt_type_names() {
  std::string out;
  for (CrdtType t : kCrdtTypes) out += (out.empty() ? "" : ", ") + std::string(type_name(t));
  return out;
}

bool lww_after(const LwwEntry& a, const LwwEntry& b) {
  if (a.hlc != b.hlc) return a.hlc > b.hlc;
  if (a.node != b.node) return a.node > b.node;
  return a.dot > b.dot;
}

CrdtState empty_state(CrdtType type) {
  CrdtState s;
  s.type = type;
  switch (type) {
    case CrdtType::kLwwRegister:
      s.payload = LwwRegisterState{};
      break;
    case CrdtType::kGCounter:
      s.payload = GCounterState{};
      break;
    case CrdtType::kPNCounter:
      s.payload = PNCounterState{};
      break;
    case CrdtType::kORSet:
      s.payload = ORSetState{};
      break;
    case CrdtType::kMVRegister:
      s.payload = MVRegisterState{};
      break;
    case CrdtType::kLwwMap:
      s.payload = LwwMapState{};
      break;
  }
  FL_ASSERT_EQ(s.payload.index(), static_cast<std::size_t>(type));
  return s;
}

CrdtState merge(const CrdtState& local, const CrdtState& remote, const CrdtBugs& bugs) {
  FL_ASSERT_EQ(static_cast<int>(local.type), static_cast<int>(remote.type));
  FL_ASSERT_EQ(local.payload.index(), remote.payload.index());
  CrdtState out;
  out.type = local.type;
  out.context = local.context;
  out.context.join(remote.context);
  const VersionVector& ca = local.context;
  const VersionVector& cb = remote.context;
  const Payload& a = local.payload;
  const Payload& b = remote.payload;
  switch (local.type) {
    case CrdtType::kLwwRegister:
      out.payload = merge_lww(std::get<0>(a), std::get<0>(b), bugs);
      break;
    case CrdtType::kGCounter:
      out.payload = merge_g(std::get<1>(a), std::get<1>(b));
      break;
    case CrdtType::kPNCounter:
      out.payload = merge_pn(std::get<2>(a), std::get<2>(b));
      break;
    case CrdtType::kORSet:
      out.payload = merge_orset(std::get<3>(a), ca, std::get<3>(b), cb, bugs);
      break;
    case CrdtType::kMVRegister:
      out.payload = merge_mv(std::get<4>(a), ca, std::get<4>(b), cb);
      break;
    case CrdtType::kLwwMap:
      out.payload = merge_map(std::get<5>(a), std::get<5>(b), bugs);
      break;
  }
  FL_ASSERT(out.context.dominates(local.context) && out.context.dominates(remote.context));
  return out;
}

Json value_of(const CrdtState& state) {
  switch (state.type) {
    case CrdtType::kLwwRegister: {
      const auto& e = std::get<0>(state.payload).entry;
      return e ? e->value : Json();
    }
    case CrdtType::kGCounter: {
      std::int64_t sum = 0;
      for (const auto& [actor, total] : std::get<1>(state.payload).totals) sum += total;
      return sum;
    }
    case CrdtType::kPNCounter: {
      std::int64_t sum = 0;
      for (const auto& [actor, t] : std::get<2>(state.payload).totals) sum += t.first - t.second;
      return sum;
    }
    case CrdtType::kORSet: {
      Json out = Json::array();
      for (const auto& [element, tags] : std::get<3>(state.payload).tags) out.push_back(element);
      return out;
    }
    case CrdtType::kMVRegister: {
      Json out = Json::array();
      for (const auto& [dot, value] : std::get<4>(state.payload).siblings) out.push_back(value);
      return out;
    }
    case CrdtType::kLwwMap: {
      Json out = Json::object();
      for (const auto& [key, e] : std::get<5>(state.payload).entries) {
        if (!e.deleted) out[key] = e.value;
      }
      return out;
    }
  }
  return Json();
}

std::optional<Hlc> max_hlc(const CrdtState& state) {
  std::optional<Hlc> out;
  if (state.type == CrdtType::kLwwRegister) {
    const auto& e = std::get<0>(state.payload).entry;
    if (e) out = e->hlc;
  }
  if (state.type == CrdtType::kLwwMap) {
    for (const auto& [key, e] : std::get<5>(state.payload).entries) {
      if (!out || e.hlc > *out) out = e.hlc;
    }
  }
  return out;
}

}  // namespace fl::sync
