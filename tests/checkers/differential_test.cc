// Differential and property tests of the linearizability checker (RapidCheck, thousands of
// cases): on small random histories a brute-force reference (every order consistent with real
// time, unknown ops optional) and the checker always agree, for register, cas-register, kv, set
// and mutex; histories recorded from a true sequential execution with random concurrency are
// always linearizable, for every model; and in a history without concurrency a single corrupted
// read (or, for the mutex, a dropped release) is always caught.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <map>

#include "checkers/models.h"

namespace fl::checkers {
namespace {

// Tries every subset-and-order; exponential, for at most ~7 ops.
bool brute_force(const std::vector<LinOp>& ops, const Model& model) {
  const std::size_t n = ops.size();
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  for (std::uint32_t mask = 0; mask < (1u << n); ++mask) {
    bool keeps_known = true;  // every op with a known outcome must be in the order
    for (std::size_t i = 0; i < n; ++i) {
      if (!ops[i].unknown && !(mask & (1u << i))) keeps_known = false;
    }
    if (!keeps_known) continue;
    std::vector<std::size_t> chosen;
    for (std::size_t i = 0; i < n; ++i) {
      if (mask & (1u << i)) chosen.push_back(i);
    }
    std::sort(chosen.begin(), chosen.end());
    do {
      bool ok = true;
      // Real time: if a returned before b was called, a comes first; an omitted op is free.
      for (std::size_t x = 0; x < chosen.size() && ok; ++x) {
        for (std::size_t y = x + 1; y < chosen.size() && ok; ++y) {
          const LinOp& later = ops[chosen[x]];
          const LinOp& earlier = ops[chosen[y]];
          if (!earlier.unknown && earlier.ret < later.call) ok = false;
        }
      }
      // Known ops not chosen can't exist (filtered); check unknown-omitted ops need nothing.
      std::map<std::string, std::string> state;  // one object per key
      for (std::size_t x = 0; x < chosen.size() && ok; ++x) {
        const LinOp& o = ops[chosen[x]];
        auto it = state.emplace(o.key, model.init()).first;
        std::string next;
        ok = model.step(it->second, o, &next);
        it->second = next;
      }
      if (ok) return true;
    } while (std::next_permutation(chosen.begin(), chosen.end()));
  }
  return false;
}

LinOp gen_op(const std::string& model, int i) {
  LinOp o;
  o.process = i;
  o.call = *rc::gen::inRange<std::int64_t>(0, 20);
  o.ret = o.call + *rc::gen::inRange<std::int64_t>(0, 10);
  o.unknown = *rc::gen::inRange(0, 5) == 0;
  const std::string v = std::to_string(*rc::gen::inRange(0, 3));
  const std::string w = std::to_string(*rc::gen::inRange(0, 3));
  if (model == "set") {
    o.f = *rc::gen::element<std::string>("add", "read");
    if (o.f == "add")
      o.a = v;
    else
      o.out = *rc::gen::element<std::string>("[]", "[0]", "[1]", "[0,1]", "[0,2]", "[0,1,2]");
    return o;
  }
  if (model == "mutex") {
    o.f = *rc::gen::element<std::string>("acquire", "release");
    return o;
  }
  if (model == "kv") {
    o.key = *rc::gen::element<std::string>("x", "y");
    o.f = *rc::gen::element<std::string>("get", "put", "append");
    if (o.f == "get")
      o.out = *rc::gen::element<std::string>("", "1", "12", "2", "21");
    else
      o.a = v;
    return o;
  }
  o.f = *rc::gen::element<std::string>("read", "write", model == "cas-register" ? "cas" : "read");
  if (o.f == "read") {
    o.exists = *rc::gen::inRange(0, 4) != 0;
    o.out = v;
  } else if (o.f == "write") {
    o.a = v;
  } else {
    o.a = v;
    o.b = w;
    o.ok = *rc::gen::arbitrary<bool>();
  }
  return o;
}

void differential(const std::string& model_name) {
  auto model = make_model(model_name);
  const int n = *rc::gen::inRange(1, 7);
  std::vector<LinOp> ops;
  for (int i = 0; i < n; ++i) ops.push_back(gen_op(model_name, i));
  const bool expected = brute_force(ops, *model);
  const LinResult r = check_linearizable(ops, *model);
  RC_ASSERT(r.valid == (expected ? Validity::kTrue : Validity::kFalse));
}

RC_GTEST_PROP(Linearizability, AgreesWithBruteForceRegister, ()) { differential("register"); }
RC_GTEST_PROP(Linearizability, AgreesWithBruteForceCasRegister, ()) {
  differential("cas-register");
}
RC_GTEST_PROP(Linearizability, AgreesWithBruteForceKv, ()) { differential("kv"); }
// Append-heavy single-key kv histories, where the search prunes orders of appends that a
// pending get rules out (unless a put may still reset the string before it).
RC_GTEST_PROP(Linearizability, AgreesWithBruteForceKvAppends, ()) {
  auto model = make_model("kv");
  const int n = *rc::gen::inRange(1, 8);
  std::vector<LinOp> ops;
  for (int i = 0; i < n; ++i) {
    LinOp o;
    o.process = i;
    o.call = *rc::gen::inRange<std::int64_t>(0, 12);
    o.ret = o.call + *rc::gen::inRange<std::int64_t>(0, 8);
    o.unknown = *rc::gen::inRange(0, 6) == 0;
    const int kind = *rc::gen::inRange(0, 10);
    o.f = kind < 5 ? "append" : kind < 9 ? "get" : "put";
    if (o.f == "get") {
      o.out = *rc::gen::element<std::string>("", "1", "12", "21", "123", "132", "312", "3", "31");
    } else {
      o.a = std::to_string(*rc::gen::inRange(1, 4));
    }
    ops.push_back(o);
  }
  const bool expected = brute_force(ops, *model);
  RC_ASSERT(check_linearizable(ops, *model).valid ==
            (expected ? Validity::kTrue : Validity::kFalse));
}
RC_GTEST_PROP(Linearizability, AgreesWithBruteForceSet, ()) { differential("set"); }
RC_GTEST_PROP(Linearizability, AgreesWithBruteForceMutex, ()) { differential("mutex"); }

// Executes random ops on the model at random points inside random intervals.
std::vector<LinOp> sequential(const Model& model, int n, bool overlap) {
  struct Planned {
    std::int64_t at;
    LinOp op;
  };
  std::vector<Planned> plan;
  for (int i = 0; i < n; ++i) {
    LinOp o = gen_op(model.name(), i);
    o.unknown = false;
    const std::int64_t at = overlap ? *rc::gen::inRange<std::int64_t>(0, 1000) : i * 10 + 5;
    o.call = overlap ? at - *rc::gen::inRange<std::int64_t>(0, 50) : i * 10;
    o.ret = overlap ? at + *rc::gen::inRange<std::int64_t>(0, 50) : i * 10 + 9;
    plan.push_back({at * 100 + i, o});
  }
  std::sort(plan.begin(), plan.end(),
            [](const Planned& a, const Planned& b) { return a.at < b.at; });
  std::map<std::string, std::string> state;
  std::vector<LinOp> ops;
  for (auto& p : plan) {
    LinOp& o = p.op;
    auto it = state.emplace(o.key, model.init()).first;
    if (model.name() == "mutex") o.f = it->second == "free" ? "acquire" : "release";
    if (model.name() == "set" && o.f == "read") {
      o.out = it->second;
    } else if (o.f == "read" || o.f == "get") {
      o.exists = it->second != "null";
      o.out = o.exists ? it->second : "";
      if (model.name() == "kv") o.out = it->second;
    } else if (o.f == "cas") {
      o.ok = it->second == o.a;
    }
    std::string next;
    RC_ASSERT(model.step(it->second, o, &next));
    it->second = next;
    ops.push_back(o);
  }
  return ops;
}

RC_GTEST_PROP(Linearizability, TrueSequentialExecutionsAreLinearizable, ()) {
  for (const std::string m : {"register", "cas-register", "kv", "set", "mutex"}) {
    auto model = make_model(m);
    const auto ops = sequential(*model, *rc::gen::inRange(1, 30), true);
    RC_ASSERT(check_linearizable(ops, *model).valid == Validity::kTrue);
  }
}

RC_GTEST_PROP(Linearizability, ASingleCorruptedReadIsCaught, ()) {
  const std::string name = *rc::gen::element<std::string>("register", "cas-register", "set");
  auto model = make_model(name);
  auto ops = sequential(*model, *rc::gen::inRange(2, 30), false);
  std::vector<std::size_t> reads;
  for (std::size_t i = 0; i < ops.size(); ++i) {
    if (ops[i].f == "read") reads.push_back(i);
  }
  RC_PRE(!reads.empty());
  LinOp& r = ops[reads[*rc::gen::inRange<std::size_t>(0, reads.size())]];
  if (name == "set")
    r.out = r.out == "[]" ? "[7]" : "[]";  // an element nobody added, or a lost one
  else if (r.exists)
    r.out = r.out + "7";  // a value nobody wrote
  else
    r.exists = true, r.out = "99";
  RC_ASSERT(check_linearizable(ops, *model).valid == Validity::kFalse);
}

RC_GTEST_PROP(Linearizability, ADroppedMutexReleaseIsCaught, ()) {
  auto model = make_model("mutex");
  auto ops = sequential(*model, *rc::gen::inRange(3, 30), false);
  std::vector<std::size_t> releases;
  for (std::size_t i = 0; i + 1 < ops.size(); ++i) {
    if (ops[i].f == "release") releases.push_back(i);  // always followed by an acquire
  }
  RC_PRE(!releases.empty());
  ops.erase(ops.begin() +
            static_cast<long>(releases[*rc::gen::inRange<std::size_t>(0, releases.size())]));
  RC_ASSERT(check_linearizable(ops, *model).valid == Validity::kFalse);
}

}  // namespace
}  // namespace fl::checkers
