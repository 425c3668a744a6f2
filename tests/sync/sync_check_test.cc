// Proves the sync system's check (compose/sync/check.h) on hand-built histories: a clean history
// is valid; each anomaly class is found when the history shows it (divergent replicas, a lost
// acknowledged edit, a counter that lost an increment, an OR-set add lost, an LWW value that a
// later write had seen and overwritten, a lost MV sibling, each session guarantee broken, a
// foreign actor in a version vector), and a history without final reads is unknown. The states
// in the histories come from the CRDT library itself, recorded as the sync-crdt workload records
// them.
#include <gtest/gtest.h>

#include "compose/sync/sync.h"
#include "system/sync/crdt_ops.h"

namespace fl::test {
namespace {

using nlohmann::json;
using sync::CrdtState;
using sync::CrdtType;

class Builder {
 public:
  // An acknowledged edit of `entity` by `device` at HLC (ms, 0), applied to the device's copy.
  json edit(const std::string& device, const std::string& entity, CrdtType type, const json& op,
            std::int64_t ms) {
    CrdtState& s = state(device, entity, type);
    std::string error;
    const auto parsed = sync::parse_op(type, op, &error);
    EXPECT_TRUE(parsed) << error;
    sync::Applied a;
    EXPECT_EQ(sync::apply_op(&s, *parsed, device, {ms, 0}, {}, &a), "");
    json observed = json::array();
    for (const auto& d : a.observed) observed.push_back(sync::dot_json(d));
    const json invoke = {{"device", device},
                         {"entity", entity},
                         {"crdt_type", sync::type_name(type)},
                         {"operation", op}};
    json done = invoke;
    done["dot"] = sync::dot_json(a.dot);
    done["observed"] = observed;
    done["version_vector"] = sync::vv_json(s.context);
    done["hlc"] = sync::hlc_json({ms, 0});
    pair("edit", invoke, done);
    return done;
  }
  void read(const std::string& device, const std::string& entity, const json& vv) {
    const json invoke = {{"device", device}, {"entity", entity}};
    json done = invoke;
    done["exists"] = true;
    done["version_vector"] = vv;
    pair("read", invoke, done);
  }
  // Device `from`'s copy joined into `to`'s (a sync, in effect).
  void sync(const std::string& from, const std::string& to) {
    for (auto& [key, s] : copies_) {
      if (key.first != from) continue;
      CrdtState& mine = state(to, key.second, s.type);
      mine = sync::merge(mine, s);
    }
  }
  // A final read of `replica` holding `device`'s copies.
  void final_read(const std::string& replica, const std::string& device, bool is_device) {
    json entities = json::object();
    for (const auto& [key, s] : copies_) {
      if (key.first == device) entities[key.second] = sync::to_json(s);
    }
    const json invoke = {{"replica", replica}, {"kind", is_device ? "device" : "server"}};
    json done = invoke;
    done["entities"] = entities;
    if (is_device) done["dirty"] = 0;
    pair("final-read", invoke, done);
  }
  CrdtState& state(const std::string& device, const std::string& entity, CrdtType type) {
    auto it = copies_.find({device, entity});
    if (it == copies_.end())
      it = copies_.emplace(std::make_pair(device, entity), sync::empty_state(type)).first;
    return it->second;
  }
  checkers::CheckOutcome judge() const { return compose::judge_sync(h_); }
  json counts() const { return judge().result["anomaly_counts"]; }

 private:
  void pair(const std::string& f, const json& invoke, const json& done) {
    const std::int64_t p = next_process_++;
    h_.ops.push_back(
        {static_cast<std::int64_t>(h_.ops.size()), 0, p, history::OpType::kInvoke, f, invoke});
    h_.ops.push_back(
        {static_cast<std::int64_t>(h_.ops.size()), 0, p, history::OpType::kOk, f, done});
  }
  history::History h_;
  std::int64_t next_process_ = 0;
  std::map<std::pair<std::string, std::string>, CrdtState> copies_;
};

const json kInc = {{"type", "increment"}, {"value", 2}};

TEST(SyncCheck, ACleanHistoryIsValid) {
  Builder b;
  b.edit("d1", "c", CrdtType::kGCounter, kInc, 100);
  b.edit("d2", "c", CrdtType::kGCounter, kInc, 100);
  b.edit("d1", "s", CrdtType::kORSet, {{"type", "add"}, {"value", "x"}}, 100);
  b.sync("d1", "all");
  b.sync("d2", "all");
  b.final_read("sync1", "all", false);
  b.final_read("sync2", "all", false);
  const auto out = b.judge();
  EXPECT_EQ(out.valid, checkers::Validity::kTrue) << out.result.dump();
  EXPECT_EQ(out.result["edits_acknowledged"], 3);
}

TEST(SyncCheck, FindsDivergenceAndLostUpdates) {
  Builder b;
  b.edit("d1", "c", CrdtType::kGCounter, kInc, 100);
  b.edit("d2", "c", CrdtType::kGCounter, kInc, 100);
  b.sync("d1", "r1");
  b.sync("d1", "r2");
  b.sync("d2", "r2");
  b.final_read("sync1", "r1", false);  // lacks d2's increment
  b.final_read("sync2", "r2", false);
  const json counts = b.counts();
  EXPECT_TRUE(counts.contains("divergence")) << counts.dump();
  EXPECT_TRUE(counts.contains("lost-update")) << counts.dump();
  EXPECT_TRUE(counts.contains("counter-mismatch")) << counts.dump();
}

TEST(SyncCheck, FindsAnOrSetAddLostToAnUnobservingRemove) {
  Builder b;
  b.edit("d1", "s", CrdtType::kORSet, {{"type", "add"}, {"value", "x"}}, 100);
  b.sync("d1", "d2");
  b.edit("d2", "s", CrdtType::kORSet, {{"type", "add"}, {"value", "x"}}, 100);  // a new tag
  b.edit("d1", "s", CrdtType::kORSet, {{"type", "remove"}, {"value", "x"}}, 100);
  // The final state has seen d2's add (its context covers the tag) but dropped it: what a remove
  // of the element rather than of the tags it observed does.
  b.sync("d1", "final");
  b.state("final", "s", CrdtType::kORSet)
      .context.join(b.state("d2", "s", CrdtType::kORSet).context);
  b.final_read("sync1", "final", false);
  EXPECT_TRUE(b.counts().contains("orset-lost-add")) << b.counts().dump();
}

TEST(SyncCheck, FindsAnLwwValueThatALaterWriteHadOverwritten) {
  Builder b;
  b.edit("d1", "r", CrdtType::kLwwRegister, {{"type", "set"}, {"value", "first"}}, 200);
  b.sync("d1", "d2");
  // d2 saw "first" and overwrote it, but its clock says 100: a wall-clock LWW keeps "first".
  b.edit("d2", "r", CrdtType::kLwwRegister, {{"type", "set"}, {"value", "second"}}, 100);
  b.sync("d2", "final");
  CrdtState& f = b.state("final", "r", CrdtType::kLwwRegister);
  f = sync::merge(b.state("d1", "r", CrdtType::kLwwRegister), f);
  EXPECT_EQ(sync::value_of(f), "first");
  b.final_read("sync1", "final", false);
  EXPECT_TRUE(b.counts().contains("lww-causally-overwritten")) << b.counts().dump();
}

TEST(SyncCheck, FindsALostMvSibling) {
  Builder b;
  b.edit("d1", "m", CrdtType::kMVRegister, {{"type", "set"}, {"value", 1}}, 100);
  b.edit("d2", "m", CrdtType::kMVRegister, {{"type", "set"}, {"value", 2}}, 100);
  b.sync("d1", "final");  // d2's concurrent write is covered but missing
  b.state("final", "m", CrdtType::kMVRegister)
      .context.join(b.state("d2", "m", CrdtType::kMVRegister).context);
  b.final_read("sync1", "final", false);
  EXPECT_TRUE(b.counts().contains("mv-lost-sibling")) << b.counts().dump();
}

TEST(SyncCheck, FindsBrokenSessionGuarantees) {
  Builder b;
  const json w = b.edit("d1", "c", CrdtType::kGCounter, kInc, 100);
  b.read("d1", "c", json::object());  // read-your-writes broken
  b.read("d1", "c", {{"d1", 1}});
  b.read("d1", "c", json::object());                  // monotonic reads broken
  b.edit("d2", "c", CrdtType::kGCounter, kInc, 100);  // d2's vv lacks d1's
  b.read("d2", "c", {{"d1", 1}, {"d2", 1}});
  b.edit("d2", "c", CrdtType::kGCounter, kInc, 100);  // ... after reading it: wfr broken
  b.sync("d1", "f");
  b.sync("d2", "f");
  b.final_read("sync1", "f", false);
  const json counts = b.counts();
  for (const char* a : {"read-your-writes", "monotonic-reads", "writes-follow-reads"}) {
    EXPECT_TRUE(counts.contains(a)) << a << " " << counts.dump();
  }
}

TEST(SyncCheck, FindsForeignActorsAndIsUnknownWithoutFinalReads) {
  Builder none;
  none.edit("d1", "c", CrdtType::kGCounter, kInc, 100);
  EXPECT_EQ(none.judge().valid, checkers::Validity::kUnknown);  // nothing final to judge
  Builder c;
  c.edit("d1", "c", CrdtType::kGCounter, kInc, 100);
  c.sync("d1", "f");
  CrdtState& f = c.state("f", "c", CrdtType::kGCounter);
  f.context.set("stranger", 1);  // an actor that never edited "c"
  std::get<sync::GCounterState>(f.payload).totals["stranger"] = 9;
  c.final_read("sync1", "f", false);
  EXPECT_TRUE(c.counts().contains("metadata-foreign-actor")) << c.counts().dump();
}

}  // namespace
}  // namespace fl::test
