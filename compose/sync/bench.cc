// The sync system's in-process benchmarks (compose/bench.h). `faultline bench sync-merges`: joins
// per second of each CRDT type on states of a realistic size (8 actors; 64 OR-set elements, 64 map
// keys, 8 MV siblings), beside two baselines measured on the same states in the same process:
// copying a state (the floor of any join that builds a new state) and joining the version vectors
// alone (the causal metadata's share). Wall time is read here, in the composition root's benchmark,
// never by system code.
#include "compose/bench.h"

#include <chrono>
#include <iomanip>

#include "compose/sync/sync.h"
#include "system/sync/crdt_ops.h"
#include "system/sync/sync_wire.h"

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
      return {
          {"type", i % 3 ? "increment" : (type == CrdtType::kGCounter ? "increment" : "decrement")},
          {"value", 1 + i % 5}};
    case CrdtType::kORSet:
      return {{"type", i % 7 == 6 ? "remove" : "add"},
              {"value", "element-" + std::to_string(i % 64)}};
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
    err << "bench sync-merges: expected [--ms N]\n";
    return 2;
  }
  if (ms < 10 || ms > 60000) {
    err << "bench sync-merges: --ms must be in 10..60000\n";
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
        << sync::canonical(a).size() << std::fixed << std::setprecision(0) << std::setw(14) << joins
        << std::setw(14) << copies << std::setw(16) << vv << "\n";
  }
  out << "(checksum " << sink % 1000 << ")\n";
  return 0;
}

// --- sync-delta: the bytes a device downloads when 1% of its entities changed, against the
// full state. A download is pages of wire changes (sync_wire.h: at most kMaxPageChanges changes
// and kMaxPageBytes of states per page); this encodes both as SyncServer::download does, page by
// page. That the server's download holds only the changes after the cursor is proved on the
// simulator (tests/sync/sync_sim_test.cc, "downloads are deltas"); this measures what it costs.

// Entity i: a state of type i % 6 after a few updates by two actors.
CrdtState entity_state(int i, int updates) {
  const CrdtType type = sync::kCrdtTypes[static_cast<std::size_t>(i) % sync::kCrdtTypes.size()];
  CrdtState s = sync::empty_state(type);
  for (int u = 0; u < updates; ++u) {
    std::string error;
    const auto op = sync::parse_op(type, op_for(type, i + u), &error);
    sync::Applied applied;
    (void)sync::apply_op(&s, *op, u % 2 ? "device-a@sync1" : "device-b@sync2",
                         {1700000000000 + u, 0}, {}, &applied);
  }
  return s;
}

struct Download {
  std::size_t bytes = 0, pages = 0, changes = 0;
};

// Encodes `changes` as consecutive pages within the wire limits.
Download encode(const std::vector<sync::WireChange>& changes) {
  Download d;
  sync::WirePage page;
  std::size_t state_bytes = 0;
  auto flush = [&](bool more) {
    page.has_more = more;
    d.bytes += sync::page_json(page).dump().size();
    d.pages++;
    page.changes.clear();
    state_bytes = 0;
  };
  for (const auto& c : changes) {
    const std::size_t n = sync::canonical(c.state).size();
    if (!page.changes.empty() &&
        (page.changes.size() == sync::kMaxPageChanges || state_bytes + n > sync::kMaxPageBytes)) {
      flush(true);
    }
    page.changes.push_back(c);
    page.cursor = c.seq;
    state_bytes += n;
    d.changes++;
  }
  flush(false);
  return d;
}

int run_delta(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  int entities = 10000;
  if (args.size() == 2 && args[0] == "--entities") {
    entities = std::atoi(args[1].c_str());
  } else if (!args.empty()) {
    err << "bench sync-delta: expected [--entities N]\n";
    return 2;
  }
  if (entities < 100 || entities > 1000000) {
    err << "bench sync-delta: --entities must be in 100..1000000\n";
    return 2;
  }
  std::vector<sync::WireChange> all;
  for (int i = 0; i < entities; ++i) {
    all.push_back({"entity-" + std::to_string(i), entity_state(i, 4), i + 1});
  }
  // 1% changed: every 100th entity gets two more updates, recorded after the cursor.
  std::vector<sync::WireChange> delta;
  std::int64_t seq = entities;
  for (int i = 0; i < entities; i += 100) {
    all[static_cast<std::size_t>(i)].state = entity_state(i, 6);
    delta.push_back({all[static_cast<std::size_t>(i)].entity_id,
                     all[static_cast<std::size_t>(i)].state, ++seq});
  }
  const Download full = encode(all), part = encode(delta);
  out << "download after 1% of " << entities << " entities changed (all six CRDT types)\n";
  out << std::left << std::setw(10) << "download" << std::right << std::setw(10) << "changes"
      << std::setw(8) << "pages" << std::setw(12) << "bytes" << std::setw(14) << "bytes/change"
      << "\n";
  for (const auto& [name, d] : {std::pair<const char*, Download>{"full", full}, {"delta", part}}) {
    out << std::left << std::setw(10) << name << std::right << std::setw(10) << d.changes
        << std::setw(8) << d.pages << std::setw(12) << d.bytes << std::setw(14)
        << d.bytes / std::max<std::size_t>(d.changes, 1) << "\n";
  }
  out << std::fixed << std::setprecision(4)
      << "delta / full = " << static_cast<double>(part.bytes) / static_cast<double>(full.bytes)
      << "\n";
  return 0;
}

}  // namespace

void register_sync_benchmark() {
  register_benchmark({"sync-merges", "joins per second of each CRDT type", run});
  register_benchmark(
      {"sync-delta", "download bytes: 1% of N entities changed vs the full state", run_delta});
}

}  // namespace fl::compose
