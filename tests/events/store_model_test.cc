// Proves EventStore (system/events/store.h) against a reference model with RapidCheck: random
// sequences of commands (both aggregate kinds, every expected-version form, right and wrong,
// reused and repeated command ids), loads, time travel by position and catch-up reads of the log
// run on the simulated PostgreSQL, and each answer must equal the model's. The model is small
// and independent: per stream the list of events, one global list for positions, a map of
// command ids; states are folds (domain.h). Snapshots must equal the model's fold at their
// version.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <tuple>

#include "system/events/store.h"
#include "tests/support/sim_system.h"

namespace fl::events {
namespace {

constexpr int kAggregates = 3;  // agg-0, agg-1: accounts; agg-2: an order

struct Op {
  enum class Kind { kCommand, kLoad, kRestore, kLog } kind = Kind::kCommand;
  int aggregate = 0;
  std::string command_type;
  Json data;
  int expected = 0;      // 0 any, 1 right exact, 2 wrong exact, 3 none, 4 exists
  int command_id = -1;   // -1: none; else "c<id>" (small ids repeat)
  std::int64_t arg = 0;  // restore position / log after
};

std::string agg_id(int i) { return "agg-" + std::to_string(i); }

Op gen_op() {
  Op op;
  const int kind = *rc::gen::inRange(0, 10);
  op.aggregate = *rc::gen::inRange(0, kAggregates);
  if (kind >= 7) {
    op.kind = kind == 7 ? Op::Kind::kLoad : kind == 8 ? Op::Kind::kRestore : Op::Kind::kLog;
    op.arg = *rc::gen::inRange<std::int64_t>(0, 30);
    return op;
  }
  const bool account = op.aggregate < 2;
  const int pick = *rc::gen::inRange(0, 4);
  const std::int64_t amount = *rc::gen::inRange<std::int64_t>(1, 80);
  if (account) {
    op.command_type = pick == 0 ? "CreateAccount" : pick == 1 ? "Deposit" : "Withdraw";
    op.data =
        pick == 0 ? Json{{"owner", "o"}, {"initial_balance", amount}} : Json{{"amount", amount}};
  } else {
    op.command_type = pick == 0   ? "CreateOrder"
                      : pick == 1 ? "AddItems"
                      : pick == 2 ? "ConfirmOrder"
                                  : "CancelOrder";
    op.data = pick == 0 ? Json{{"customer_id", "c"}, {"amount", amount}}
              : pick == 1
                  ? Json{{"items", Json::array({{{"sku", "s"}, {"quantity", 1}, {"price", amount}},
                                                {{"sku", "t"}, {"quantity", 2}, {"price", 1}}})}}
                  : Json::object();
  }
  op.expected = *rc::gen::inRange(0, 5);
  op.command_id = *rc::gen::inRange(-1, 6);
  return op;
}

struct ModelEvent {
  std::string aggregate;
  std::int64_t version;
  std::string type;
  Json data;
};

struct Model {
  std::vector<ModelEvent> log;                               // position = index + 1
  std::map<std::string, std::vector<std::int64_t>> streams;  // positions per aggregate
  // command id -> aggregate, type, data (canonical JSON)
  std::map<std::string, std::tuple<std::string, std::string, std::string>> commands;

  std::int64_t version(const std::string& a) const {
    return streams.count(a) ? static_cast<std::int64_t>(streams.at(a).size()) : 0;
  }
  Json state(const std::string& a, std::int64_t upto_position) const {
    std::vector<EventData> es;
    if (streams.count(a)) {
      for (auto p : streams.at(a)) {
        if (p <= upto_position) es.push_back({log[p - 1].type, log[p - 1].data});
      }
    }
    return *fold(Json(), es);
  }
  // The expected outcome of a command, applied to the model: the text the store's must equal.
  std::string command(const CommandRequest& c) {
    if (!c.command_id.empty() && commands.count(c.command_id)) {
      return commands[c.command_id] == std::tuple{c.aggregate_id, c.command_type, c.data.dump()}
                 ? "duplicate"
                 : "command-id-reused";
    }
    const std::int64_t v = version(c.aggregate_id);
    const Json s = state(c.aggregate_id, INT64_MAX);
    const std::string kind = aggregate_kind_of_command(c.command_type);
    if (v > 0 && s.value("kind", "") != kind) return "refused";
    if (!c.expected.matches(v)) return "wrong-expected-version";
    const Decision d = decide(c.command_type, s, c.data);
    if (!d.refusal.empty()) return "refused";
    for (const auto& e : d.events) {
      log.push_back({c.aggregate_id, version(c.aggregate_id) + 1, e.type, e.data});
      streams[c.aggregate_id].push_back(static_cast<std::int64_t>(log.size()));
    }
    if (!c.command_id.empty()) {
      commands[c.command_id] = {c.aggregate_id, c.command_type, c.data.dump()};
    }
    return "appended@" + std::to_string(version(c.aggregate_id)) + "/" + std::to_string(log.size());
  }
};

CommandRequest request_of(const Op& op, const Model& m) {
  CommandRequest c;
  c.aggregate_id = agg_id(op.aggregate);
  c.command_type = op.command_type;
  c.data = op.data;
  const std::int64_t v = m.version(c.aggregate_id);
  using K = ExpectedVersion::Kind;
  const ExpectedVersion forms[] = {
      {K::kAny, 0}, {K::kExact, v}, {K::kExact, v + 1}, {K::kNoStream, 0}, {K::kStreamExists, 0}};
  c.expected = forms[op.expected];
  if (c.expected.kind == K::kExact && c.expected.version == 0) c.expected = {K::kNoStream, 0};
  if (op.command_id >= 0) c.command_id = "c" + std::to_string(op.command_id);
  return c;
}

std::string text_of(const AppendOutcome& o) {
  if (o.kind != AppendOutcome::Kind::kAppended) return to_string(o.kind);
  return "appended@" + std::to_string(o.version) + "/" + std::to_string(o.events.back().position);
}

RC_GTEST_PROP(EventsStoreModel, AgreesWithTheModel, ()) {
  const auto ops =
      *rc::gen::container<std::vector<Op>>(*rc::gen::inRange(1, 40), rc::gen::exec(gen_op));
  std::vector<std::string> got, want;
  Model model;
  test::SimSystemOptions o;
  o.system = "stores";
  o.seed = *rc::gen::inRange<std::uint64_t>(1, 1000);
  const auto report = test::run_sim_system(o, [&](harness::Runtime& rt) {
    io::Env& env = rt.client_env(0);
    EventStore store(env, StoreOptions{2, {}});
    if (!store.init().is_ok()) return got.push_back("init failed");
    for (const Op& op : ops) {
      const std::string a = agg_id(op.aggregate);
      if (op.kind == Op::Kind::kCommand) {
        const CommandRequest c = request_of(op, model);
        auto r = store.execute(c);
        got.push_back(r.is_ok() ? text_of(r.value()) : r.status().to_string());
        want.push_back(model.command(c));
      } else if (op.kind == Op::Kind::kLoad) {
        auto v = store.load(a);
        got.push_back(v.is_ok() ? v.value().state.dump() + "@" + std::to_string(v.value().version)
                                : "error");
        want.push_back(model.state(a, INT64_MAX).dump() + "@" + std::to_string(model.version(a)));
      } else if (op.kind == Op::Kind::kRestore) {
        const std::int64_t p =
            std::min<std::int64_t>(op.arg, static_cast<std::int64_t>(model.log.size()));
        auto v = store.restore_at_position(a, p);
        got.push_back(v.is_ok() ? v.value().state.dump() : "error");
        want.push_back(model.state(a, p).dump());
      } else {
        auto page = store.read_log(op.arg, 5);
        std::string text;
        if (page.is_ok())
          for (const auto& e : page.value().events)
            text += std::to_string(e.position) + e.aggregate_id + ",";
        got.push_back(page.is_ok() ? text : "error");
        std::string model_text;
        for (std::int64_t p = op.arg + 1; p <= std::min<std::int64_t>(op.arg + 5, model.log.size());
             ++p) {
          model_text +=
              std::to_string(p) + model.log[static_cast<std::size_t>(p) - 1].aggregate + ",";
        }
        want.push_back(model_text);
      }
    }
    for (int i = 0; i < kAggregates; ++i) {  // every snapshot equals the model's fold there
      auto snaps = store.snapshots(agg_id(i), kMaxSnapshotsListed);
      for (const auto& s : snaps.is_ok() ? snaps.value() : std::vector<SnapshotRow>{}) {
        got.push_back("snapshot " + s.state);
        want.push_back("snapshot " + model.state(agg_id(i), s.position).dump());
      }
    }
  });
  RC_ASSERT(report.problems.empty());
  RC_ASSERT(got == want);
}

}  // namespace
}  // namespace fl::events
