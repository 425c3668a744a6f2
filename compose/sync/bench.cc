// The sync system's in-process benchmark "sync-merges" (compose/bench.h), run by `faultline bench
// sync`: joins per second of each CRDT type on states of a realistic size (8 actors; 64 OR-set
// elements, 64 map keys, 8 MV siblings), beside two baselines measured on the same states in the
// same process: copying a state (the floor of any join that builds a new state) and joining the
// version vectors alone (the causal metadata's share). Wall time is read here, in the composition
// root's benchmark, never by system code.
#include <chrono>
#include <iomanip>

#include "compose/bench.h"
#include "compose/sync/sync.h"
#include "system/sync/crdt_ops.h"

namespace fl::compose {
namespace {

using WallClock = std::chrono::steady_clock;
using sync::CrdtState;
using sync::CrdtType;

constexpr int kActors = 8;
constexpr int kOpsPerActor = 64;

sync::Json op_for(CrdtType type, int i) {
  switch (type) {
    case CrdtType::kLwwRegister:
    case CrdtType::kMVRegister:
      return {{"type", "set"}, {"value", "value-" + std::to_string(i)}};
    case CrdtType::kGCounter:
    case CrdtType::kPNCounter:
      return {{"type", i % 3 ? "increment" : (type == CrdtType::kGCounter ? "increment" : "decrement")},
              {"value", 1 + i % 5}};
    case CrdtType::kORSet:
      return {{"type", i % 7 == 6 ? "remove" : "add"}, {"value", "element-" + std::to_string(i % 64)}};
    case CrdtType::kLwwMap:
      return {{"type", "set"}, {"key", "key-" + std::to_string(i % 64)}, {"value", i}};
  }
  return {};
}

// Two replicas' states after each actor made kOpsPerActor updates, half of the actors' on each
// side and every fourth one shared (so the join has work on both sides).
std::pair<CrdtState, CrdtState> states(CrdtType type) {
  CrdtState a = sync::empty_state(type), b = a;
  for (int actor = 0; actor < kActors; ++actor) {
    CrdtState& side = actor % 2 ? a : b;
    for (int i = 0; i < kOpsPerActor; ++i) {
      std::string error;
      const auto op = sync::parse_op(type, op_for(type, actor * kOpsPerActor + i), &error);
      sync::Applied applied;
      const std::string e = sync::apply_op(&side, *op, "device-" + std::to_string(actor),
                                           {1700000000000 + i, 0}, {}, &applied);
      if (!e.empty()) return {a, b};
    }
    if (actor % 4 == 3) a = b = sync::merge(a, b);
  }
  return {a, b};
}

// Calls `f` repeatedly for about `ms` of wall time; returns calls per second.
template <typename F>
double per_second(std::int64_t ms, F&& f) {
  const auto start = WallClock::now();
  const auto until = start + std::chrono::milliseconds(ms);
  std::uint64_t n = 0;
  while (WallClock::now() < until) {
    for (int i = 0; i < 64; ++i) f();
    n += 64;
  }
  return static_cast<double>(n) / std::chrono::duration<double>(WallClock::now() - start).count();
}

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::int64_t ms = 300;
  if (args.size() == 2 && args[0] == "--ms") {
    ms = std::atoll(args[1].c_str());
  } else if (!args.empty()) {
    err << "bench sync: expected [--ms N]\n";
    return 2;
  }
  if (ms < 10 || ms > 60000) {
    err << "bench sync: --ms must be in 10..60000\n";
    return 2;
  }
  out << "CRDT joins (" << kActors << " actors, " << kOpsPerActor << " updates each; " << ms
      << " ms per figure)\n";
  out << std::left << std::setw(13) << "type" << std::right << std::setw(10) << "bytes"
      << std::setw(14) << "joins/s" << std::setw(14) << "copies/s" << std::setw(16) << "vv joins/s"
      << "\n";
  std::uint64_t sink = 0;
  for (CrdtType type : sync::kCrdtTypes) {
    const auto [a, b] = states(type);
    const double joins = per_second(ms, [&] { sink += sync::merge(a, b).context.size(); });
    const double copies = per_second(ms, [&] {
      CrdtState c = a;
      sink += c.context.size();
    });
    const double vv = per_second(ms, [&] {
      sync::VersionVector v = a.context;
      v.join(b.context);
      sink += v.size();
    });
    out << std::left << std::setw(13) << sync::type_name(type) << std::right << std::setw(10)
        << sync::canonical(a).size() << std::fixed << std::setprecision(0) << std::setw(14)
        << joins << std::setw(14) << copies << std::setw(16) << vv << "\n";
  }
  out << "(checksum " << sink % 1000 << ")\n";
  return 0;
}

}  // namespace

void register_sync_benchmark() {
  register_benchmark({"sync-merges", "joins per second of each CRDT type", run});
}

}  // namespace fl::compose
