// No lost acknowledged update, per type (check.h), against one region's final state.
#include <array>
#include <set>
#include <tuple>

#include "compose/sync/check.h"

namespace fl::compose {
namespace {

using sync::CrdtState;
using sync::CrdtType;
using sync::Dot;

using Edits = std::vector<const EditRecord*>;

std::string entry_text(const sync::LwwEntry& e) {
  return e.value.dump() + " by " + e.node + " at " + sync::hlc_text(e.hlc) + " (" +
         dot_text(e.dot) + ")";
}

// LWW over `writes` (one register, or one map key) whose final entry is `w` (null: none).
void check_lww(const std::string& where, const Edits& writes, const sync::LwwEntry* w,
               Anomalies* out) {
  for (const EditRecord* a : writes) {
    if (!a->acked) continue;
    if (w == nullptr)
      return out->add("lww-lost", where,
                      "no final entry, yet " + dot_text(a->dot) + " was acknowledged");
    const bool later = a->hlc != w->hlc ? a->hlc > w->hlc : a->device > w->node;
    if (later) {
      out->add("lww-not-latest", where,
               "final " + entry_text(*w) + " but " + dot_text(a->dot) + " at " +
                   sync::hlc_text(a->hlc) + " orders after it");
    }
    if (a->dot != w->dot && a->vv.covers(w->dot)) {
      out->add("lww-causally-overwritten", where,
               "final " + entry_text(*w) + ", which " + dot_text(a->dot) + " (at " +
                   sync::hlc_text(a->hlc) + ") had seen and overwritten");
    }
  }
}

void check_counter(const std::string& id, const Edits& edits, const CrdtState& s, Anomalies* out) {
  // actor -> {acked inc, acked dec, unknown inc, unknown dec}
  std::map<std::string, std::array<std::int64_t, 4>> sums;
  for (const EditRecord* e : edits) {
    const bool dec = e->operation.value("type", "") == "decrement";
    const std::int64_t amount = e->operation.value("value", std::int64_t{0});
    sums[e->device][(e->acked ? 0 : 2) + (dec ? 1 : 0)] += amount;
  }
  for (const auto& [actor, sum] : sums) {
    std::int64_t inc = 0, dec = 0;
    if (s.type == CrdtType::kGCounter) {
      const auto& t = std::get<sync::GCounterState>(s.payload).totals;
      inc = t.count(actor) ? t.at(actor) : 0;
    } else {
      const auto& t = std::get<sync::PNCounterState>(s.payload).totals;
      if (t.count(actor)) std::tie(inc, dec) = t.at(actor);
    }
    if (inc < sum[0] || inc > sum[0] + sum[2] || dec < sum[1] || dec > sum[1] + sum[3]) {
      out->add("counter-mismatch", id,
               actor + " counts +" + std::to_string(inc) + "/-" + std::to_string(dec) +
                   ", acknowledged +" + std::to_string(sum[0]) + "/-" + std::to_string(sum[1]) +
                   " and unknown +" + std::to_string(sum[2]) + "/-" + std::to_string(sum[3]));
    }
  }
}

void check_orset(const std::string& id, const Edits& edits, const CrdtState& s, Anomalies* out) {
  std::map<std::string, Edits> by_element;
  for (const EditRecord* e : edits) by_element[e->key()].push_back(e);
  const auto& tags = std::get<sync::ORSetState>(s.payload).tags;
  for (const auto& [element, list] : by_element) {
    bool unknown = false;
    std::set<Dot> observed;
    for (const EditRecord* e : list) {
      unknown = unknown || !e->acked;
      observed.insert(e->observed.begin(), e->observed.end());
    }
    if (unknown) continue;  // an unknown add or remove may explain anything about it
    const auto it = tags.find(element);
    for (const EditRecord* e : list) {
      if (e->operation.value("type", "") != "add" || observed.count(e->dot)) continue;
      if (it == tags.end() || it->second.count(e->dot) == 0) {
        out->add("orset-lost-add", id,
                 "add of " + element + " (" + dot_text(e->dot) +
                     ") was acknowledged and never observed by a remove, "
                     "but its tag is gone");
      }
    }
    if (it == tags.end()) continue;
    for (const Dot& t : it->second) {
      if (observed.count(t)) {
        out->add(
            "orset-resurrected", id,
            element + " keeps tag " + dot_text(t) + ", which an acknowledged edit had removed");
      }
    }
  }
}

void check_mv(const std::string& id, const Edits& edits, const CrdtState& s, Anomalies* out) {
  std::set<Dot> observed;
  for (const EditRecord* e : edits) {
    if (!e->acked) return;  // an unknown write may have superseded anything
    observed.insert(e->observed.begin(), e->observed.end());
  }
  const auto& siblings = std::get<sync::MVRegisterState>(s.payload).siblings;
  for (const EditRecord* e : edits) {
    if (!observed.count(e->dot) && !siblings.count(e->dot)) {
      out->add("mv-lost-sibling", id,
               "write " + dot_text(e->dot) + " (" +
                   (e->operation.contains("value") ? e->operation["value"].dump() : "null") +
                   ") was never superseded, but is not a sibling");
    }
  }
  for (const auto& [dot, value] : siblings) {
    if (observed.count(dot)) {
      out->add("mv-stale-sibling", id, "sibling " + dot_text(dot) + " was superseded");
    }
  }
}

}  // namespace

void check_updates(const SyncRecords& r, const Replica& ref, Anomalies* out) {
  std::map<std::string, Edits> by_entity;
  for (const EditRecord& e : r.edits) by_entity[e.entity].push_back(&e);
  for (const auto& [id, edits] : by_entity) {
    const auto it = ref.entities.find(id);
    for (const EditRecord* e : edits) {
      if (e->acked && (it == ref.entities.end() || !it->second.context.covers(e->dot))) {
        out->add("lost-update", id,
                 "acknowledged edit " + dot_text(e->dot) + " (" + e->operation.dump() + " on " +
                     e->device + ") is not in " + ref.name + "'s final state");
      }
    }
    if (it == ref.entities.end()) continue;
    const CrdtState& s = it->second;
    switch (s.type) {
      case CrdtType::kGCounter:
      case CrdtType::kPNCounter:
        check_counter(id, edits, s, out);
        break;
      case CrdtType::kORSet:
        check_orset(id, edits, s, out);
        break;
      case CrdtType::kMVRegister:
        check_mv(id, edits, s, out);
        break;
      case CrdtType::kLwwRegister: {
        const auto& e = std::get<sync::LwwRegisterState>(s.payload).entry;
        check_lww(id, edits, e ? &*e : nullptr, out);
        break;
      }
      case CrdtType::kLwwMap: {
        std::map<std::string, Edits> by_key;
        for (const EditRecord* e : edits) by_key[e->key()].push_back(e);
        const auto& entries = std::get<sync::LwwMapState>(s.payload).entries;
        for (const auto& [key, writes] : by_key) {
          const auto k = entries.find(key);
          check_lww(id + "[" + key + "]", writes, k == entries.end() ? nullptr : &k->second, out);
        }
        break;
      }
    }
  }
}

}  // namespace fl::compose
