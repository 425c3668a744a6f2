// Model-based test (rc::state) of the simulated Kafka broker state against a reference: appends
// (idempotent producers retrying old sequences, plain producers), fetches from any offset, and
// group heartbeats / expiries / commits. The reference keeps plain per-partition vectors and a
// set of live members; after every heartbeat the assignment must split the topic's partitions
// exactly among the live members, and commits succeed exactly for the current generation's owner.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include <map>
#include <set>

#include "sim/kafka/kafka_state.h"

namespace fl::sim::kafka {
namespace {

constexpr int kParts = 3;
constexpr std::int64_t kSessionNs = 100;

struct Model {
  std::vector<std::vector<std::string>> logs = std::vector<std::vector<std::string>>(kParts);
  std::map<std::pair<std::uint64_t, int>, std::pair<std::uint64_t, std::int64_t>> seqs;
  std::map<std::string, std::int64_t> last_seen;  // live members
  std::int64_t now = 0;
};
struct Sut {
  KafkaState s{kSessionNs};
  std::map<std::string, Membership> memberships;
  Sut() { RC_ASSERT(s.create_topic("t", kParts).is_ok()); }
};
using Cmd = rc::state::Command<Model, Sut>;

struct Append : Cmd {
  int partition = *rc::gen::inRange(0, kParts);
  std::uint64_t pid = *rc::gen::inRange<std::uint64_t>(0, 3);       // 0: not idempotent
  std::uint64_t seq_back = *rc::gen::inRange<std::uint64_t>(0, 2);  // 1: retry the last seq
  std::string value = *rc::gen::element<std::string>("a", "b", "c");
  std::uint64_t seq(const Model& m) const {
    if (pid == 0) return 0;
    auto it = m.seqs.find({pid, partition});
    const std::uint64_t last = it == m.seqs.end() ? 0 : it->second.first;
    return seq_back == 1 && last > 0 ? last : last + 1;
  }
  void apply(Model& m) const override {
    const std::uint64_t s = seq(m);
    auto it = m.seqs.find({pid, partition});
    if (s != 0 && it != m.seqs.end() && s == it->second.first) return;  // deduplicated
    m.logs[partition].push_back(value);
    if (s != 0) {
      m.seqs[{pid, partition}] = {s, static_cast<std::int64_t>(m.logs[partition].size()) - 1};
    }
  }
  void run(const Model& m, Sut& sut) const override {
    const std::uint64_t s = seq(m);
    auto r = sut.s.append("t", partition, "k", value, pid, s);
    RC_ASSERT(r.is_ok());
    auto it = m.seqs.find({pid, partition});
    if (s != 0 && it != m.seqs.end() && s == it->second.first) {
      RC_ASSERT(r.value().offset == it->second.second);  // the original offset, nothing new
    } else {
      RC_ASSERT(r.value().offset == static_cast<std::int64_t>(m.logs[partition].size()));
    }
  }
  void show(std::ostream& os) const override {
    os << "Append p" << partition << " pid " << pid << (seq_back ? " retry" : "");
  }
};

struct Fetch : Cmd {
  int partition = *rc::gen::inRange(0, kParts);
  std::int64_t from = *rc::gen::inRange<std::int64_t>(0, 6);
  std::size_t max = *rc::gen::inRange<std::size_t>(0, 5);
  void run(const Model& m, Sut& sut) const override {
    auto got = sut.s.fetch({"t", partition}, from, max);
    const auto& log = m.logs[partition];
    std::size_t expected = 0;
    if (from < static_cast<std::int64_t>(log.size())) {
      expected = std::min(max, log.size() - static_cast<std::size_t>(from));
    }
    RC_ASSERT(got.size() == expected);
    for (std::size_t i = 0; i < got.size(); ++i) {
      RC_ASSERT(got[i].offset == from + static_cast<std::int64_t>(i));
      RC_ASSERT(got[i].value == log[static_cast<std::size_t>(got[i].offset)]);
    }
  }
  void show(std::ostream& os) const override { os << "Fetch p" << partition << " @" << from; }
};

struct Heartbeat : Cmd {
  std::string member = *rc::gen::element<std::string>("m1", "m2", "m3");
  std::int64_t advance = *rc::gen::element<std::int64_t>(0, 10, 150);
  void apply(Model& m) const override {
    m.now += advance;
    for (auto it = m.last_seen.begin(); it != m.last_seen.end();) {
      if (it->first != member && m.now - it->second > kSessionNs)
        it = m.last_seen.erase(it);
      else
        ++it;
    }
    m.last_seen[member] = m.now;
    // run() then heartbeats every live member to inspect its assignment: all are seen now.
    for (auto& [name, when] : m.last_seen) when = m.now;
  }
  void run(const Model& m, Sut& sut) const override {
    Model next = m;
    apply(next);
    sut.memberships[member] = sut.s.heartbeat("g", member, {"t"}, next.now);
    // The live members' latest assignments must be disjoint and cover every partition when
    // they share the newest generation.
    const std::uint64_t gen = sut.memberships[member].generation;
    std::set<int> seen;
    std::size_t total = 0;
    for (const auto& [name, when] : next.last_seen) {
      Membership fresh = sut.s.heartbeat("g", name, {"t"}, next.now);
      RC_ASSERT(fresh.generation == gen);  // no membership change: no rebalance
      for (const auto& tp : fresh.assignment) seen.insert(tp.partition);
      total += fresh.assignment.size();
      sut.memberships[name] = fresh;
    }
    RC_ASSERT(total == static_cast<std::size_t>(kParts));
    RC_ASSERT(seen.size() == static_cast<std::size_t>(kParts));
  }
  void show(std::ostream& os) const override { os << "Heartbeat " << member << " +" << advance; }
};

struct Commit : Cmd {
  std::string member = *rc::gen::element<std::string>("m1", "m2", "m3");
  int partition = *rc::gen::inRange(0, kParts);
  void run(const Model& m, Sut& sut) const override {
    auto it = m.last_seen.count(member) ? sut.memberships.find(member) : sut.memberships.end();
    // Only a live member (per the reference) owns anything; an expired one is refused.
    const std::uint64_t gen = it == sut.memberships.end() ? 0 : it->second.generation;
    io::Status st = sut.s.commit("g", member, gen, {{{"t", partition}, 1}});
    bool owns = false;
    if (it != sut.memberships.end()) {
      for (const auto& tp : it->second.assignment) owns = owns || tp.partition == partition;
    }
    RC_ASSERT(st.is_ok() == owns);
    if (st.is_ok()) RC_ASSERT(sut.s.committed("g", {"t", partition}) == 1);
  }
  void show(std::ostream& os) const override { os << "Commit " << member << " p" << partition; }
};

RC_GTEST_PROP(KafkaModel, BrokerStateMatchesReference, ()) {
  Model model;
  Sut sut;
  rc::state::check(model, sut,
                   rc::state::gen::execOneOfWithArgs<Append, Fetch, Heartbeat, Commit>());
}

}  // namespace
}  // namespace fl::sim::kafka
