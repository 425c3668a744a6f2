// The `dr-set` workload: each "add" writes a unique element through the primary the client
// learns from the coordination store (the leader key and the timeline; cached for up to a
// second, and looked up again after any failure), tagged with that timeline; it records ok with the
// acknowledging node, timeline and lsn, fail when the write was refused or never sent (no primary,
// stale timeline, fenced node), info when it may have been logged (a lost reply, a write logged but
// not confirmed). The final "read" asks the primary for its whole table. The DR check (check.cc)
// judges RPO, one primary and RTO from these.
//
// The `dr-pitr` workload adds "restore" ops to the archive node (system/dr/archive.h): to an lsn
// or to the commit time of an acknowledged write, drawn by the seed among the writes acknowledged
// so far, and a final restore drill of the latest archive; each ok restore records its target,
// the restored lsn and the restored elements for the PITR check (pitr_check.cc).
#include "workloads/workload.h"

#include <nlohmann/json.hpp>

#include "compose/dr/dr.h"
#include "system/dr/archive.h"
#include "system/dr/failover_manager.h"
#include "system/io/assert.h"

namespace fl::compose {
namespace {

using nlohmann::json;
using workloads::Completion;
using workloads::Invocation;

constexpr std::int64_t kWriteTimeoutNs = 1500 * io::kNsPerMs;  // > DbOptions::write_timeout_ns
constexpr std::int64_t kReadTimeoutNs = 1000 * io::kNsPerMs;
// Clients cache the primary, as a connection pool or a proxy's health check does, and look it up
// again after a failure or when the cached view is this old.
constexpr std::int64_t kPrimaryRefreshNs = 1000 * io::kNsPerMs;

struct Primary {
  std::string node;
  std::int64_t timeline = 0;
};

// What the clients have seen acknowledged, shared by the workload's clients (one simulated
// process), for drawing restore targets: the highest lsn and a bounded ring of commit times.
struct Acked {
  static constexpr std::size_t kMaxCommitTimes = 1024;
  std::int64_t max_lsn = 0;
  std::vector<std::int64_t> commit_ns;
  std::size_t next = 0;
  void add(std::int64_t lsn, std::int64_t commit) {
    max_lsn = std::max(max_lsn, lsn);
    if (commit_ns.size() < kMaxCommitTimes) {
      commit_ns.push_back(commit);
    } else {
      commit_ns[next++ % kMaxCommitTimes] = commit;
    }
  }
};
constexpr std::int64_t kRestoreTimeoutNs = 2000 * io::kNsPerMs;
constexpr std::int64_t kPickRange = 1000000;  // a restore op's draw, scaled onto the acks
constexpr int kMaxDrillWaits = 50;
constexpr std::int64_t kDrillWaitNs = 200 * io::kNsPerMs;

class DrClient final : public workloads::Client {
 public:
  DrClient(io::Env& env, std::shared_ptr<Acked> acked)
      : env_(env), keys_("main"), acked_(std::move(acked)) {}

  Completion invoke(const Invocation& op) override {
    FL_ASSERT_MSG(env_.coord != nullptr, "dr-set needs topology.coord = true");
    if (op.f == "restore") return restore(op);
    const std::int64_t now = env_.clock.monotonic_ns();
    if (cached_.node.empty() || op.f != "add" || now - cached_at_ns_ >= kPrimaryRefreshNs) {
      cached_ = Primary{};
      if (std::string e = find_primary(&cached_); !e.empty()) {
        cached_ = Primary{};
        return {history::OpType::kFail, op.value, e};
      }
      cached_at_ns_ = now;
    }
    Completion c = op.f == "add" ? add(op, cached_) : read(op, cached_);
    if (c.type != history::OpType::kOk) cached_ = Primary{};  // look it up again next time
    return c;
  }

 private:
  std::string find_primary(Primary* p) {
    auto l = env_.coord->list(keys_.prefix);
    if (!l.is_ok()) return "coordination store: " + l.status().to_string();
    for (const io::CoordEntry& e : l.value().entries) {
      if (e.key == keys_.leader) p->node = e.value;
      if (e.key == keys_.timeline) p->timeline = std::atoll(e.value.c_str());
    }
    if (p->node.empty() || p->timeline <= 0) return "no primary";
    return "";
  }

  Completion add(const Invocation& op, const Primary& p) {
    const std::string element = op.value.at("element").get<std::string>();
    io::Request request;
    request.path = "/db/write";
    request.body = json{{"key", element}, {"value", element}, {"timeline", p.timeline}}.dump();
    auto r = env_.transport.call(p.node, request, env_.clock.deadline_after_ns(kWriteTimeoutNs));
    json value = op.value;
    value["target"] = p.node;
    if (!r.is_ok()) {
      return {r.status().is_failed() ? history::OpType::kFail : history::OpType::kInfo, value,
              r.status().to_string()};
    }
    const std::string detail = std::to_string(r.value().status) + " " + r.value().body;
    if (r.value().status == 504) return {history::OpType::kInfo, value, detail};
    if (r.value().status != 200) return {history::OpType::kFail, value, detail};
    const json body = json::parse(r.value().body, nullptr, false);
    if (!body.is_object()) return {history::OpType::kInfo, value, "malformed: " + detail};
    value["node"] = body.value("node", std::string());
    value["timeline"] = body.value("timeline", std::int64_t{0});
    value["lsn"] = body.value("lsn", std::int64_t{0});
    value["commit_ns"] = body.value("commit_ns", std::int64_t{0});
    acked_->add(value["lsn"].get<std::int64_t>(), value["commit_ns"].get<std::int64_t>());
    return {history::OpType::kOk, value, ""};
  }

  Completion read(const Invocation& op, const Primary& p) {
    io::Request request;
    request.method = "GET";
    request.path = "/db/keys";
    auto r = env_.transport.call(p.node, request, env_.clock.deadline_after_ns(kReadTimeoutNs));
    if (!r.is_ok() || r.value().status != 200) {
      return {history::OpType::kFail, op.value,
              r.is_ok() ? r.value().body : r.status().to_string()};
    }
    const json body = json::parse(r.value().body, nullptr, false);
    if (!body.is_object() || !body.value("table", json()).is_object()) {
      return {history::OpType::kFail, op.value, "malformed: " + r.value().body.substr(0, 200)};
    }
    json elements = json::array();
    for (const auto& [k, v] : body["table"].items()) elements.push_back(k);
    json value = op.value;
    value["node"] = p.node;
    value["timeline"] = body.value("timeline", std::int64_t{0});
    value["elements"] = elements;
    return {history::OpType::kOk, value, ""};
  }

  // The target: {"latest": true} as drawn, else an lsn or an acknowledged commit time.
  json restore_target(const json& drawn) const {
    if (drawn.value("latest", false)) return json{{"latest", true}};
    const std::int64_t pick = drawn.value("pick", std::int64_t{0});
    if (drawn.value("by", "") == "time" && !acked_->commit_ns.empty()) {
      const std::size_t i = static_cast<std::size_t>(pick) % acked_->commit_ns.size();
      return json{{"target_time", acked_->commit_ns[i]}};
    }
    return json{{"target_lsn", 1 + pick * std::max<std::int64_t>(acked_->max_lsn, 1) / kPickRange}};
  }

  // Before the drill, waits (bounded) for the archive to reach every acknowledged write, as an
  // operator would after pg_switch_wal(); it restores anyway when the archive never gets there.
  void await_archive() {
    for (int i = 0; i < kMaxDrillWaits; ++i) {
      io::Request request;
      request.method = "GET";
      request.path = "/archive/end";
      auto r = env_.transport.call(dr::kArchiveNode, request,
                                   env_.clock.deadline_after_ns(kRestoreTimeoutNs));
      const json body = r.is_ok() && r.value().status == 200
                            ? json::parse(r.value().body, nullptr, false)
                            : json();
      if (body.is_object() && body.value("lsn", std::int64_t{0}) >= acked_->max_lsn) return;
      env_.clock.sleep_ns(kDrillWaitNs);
    }
  }

  Completion restore(const Invocation& op) {
    if (op.value.value("latest", false)) await_archive();
    io::Request request;
    request.path = "/archive/restore";
    const json target = restore_target(op.value);
    request.body = target.dump();
    auto r = env_.transport.call(dr::kArchiveNode, request,
                                 env_.clock.deadline_after_ns(kRestoreTimeoutNs));
    json value = op.value;
    value.update(target);
    if (!r.is_ok() || r.value().status != 200) {
      return {history::OpType::kFail, value, r.is_ok() ? r.value().body : r.status().to_string()};
    }
    const json body = json::parse(r.value().body, nullptr, false);
    if (!body.is_object() || !body.value("table", json()).is_object() ||
        !body.value("lsn", json()).is_number_integer()) {
      return {history::OpType::kFail, value, "malformed: " + r.value().body.substr(0, 200)};
    }
    json elements = json::array();
    for (const auto& [k, v] : body["table"].items()) elements.push_back(k);
    value["lsn"] = body["lsn"];
    value["elements"] = elements;
    if (value.value("latest", false)) return drill(value);
    return {history::OpType::kOk, value, ""};
  }

  // The final drill also verifies every base backup against the archive.
  Completion drill(json value) {
    io::Request request;
    request.method = "GET";
    request.path = "/archive/backups";
    auto r = env_.transport.call(dr::kArchiveNode, request,
                                 env_.clock.deadline_after_ns(kRestoreTimeoutNs));
    const json body =
        r.is_ok() && r.value().status == 200 ? json::parse(r.value().body, nullptr, false) : json();
    if (!body.is_object() || !body.value("problems", json()).is_array()) {
      return {history::OpType::kFail, value, "backups not listed"};
    }
    const json list = body.value("backups", json::array());
    value["backups"] = list.size();
    std::int64_t incremental = 0;
    for (const json& b : list) incremental += b.value("parent_lsn", std::int64_t{0}) > 0 ? 1 : 0;
    value["incremental_backups"] = incremental;
    value["backup_problems"] = body["problems"];
    return {history::OpType::kOk, value, ""};
  }

  io::Env& env_;
  dr::ClusterKeys keys_;
  std::shared_ptr<Acked> acked_;
  Primary cached_;
  std::int64_t cached_at_ns_ = 0;
};

class DrWorkload final : public workloads::Workload {
 public:
  explicit DrWorkload(bool pitr) : pitr_(pitr) {}
  io::Status setup(io::Env&) override { return io::Status::ok(); }
  std::unique_ptr<workloads::Client> make_client(io::Env& env) override {
    return std::make_unique<DrClient>(env, acked_);
  }
  Invocation make_op(const std::string& f, std::int64_t, io::Random& random) override {
    if (f == "restore") {
      FL_ASSERT(pitr_);
      const bool by_time = random.one_in(2);
      return {f, {{"by", by_time ? "time" : "lsn"}, {"pick", random.between(0, kPickRange - 1)}}};
    }
    FL_ASSERT_EQ(f, "add");
    return {f, {{"element", "e" + std::to_string(next_++)}}};
  }
  std::vector<Invocation> final_ops() override {
    if (!pitr_) return {{"read", json::object()}};
    return {{"read", json::object()}, {"restore", {{"latest", true}}}};
  }
  std::vector<workloads::CheckerSpec> checkers() const override { return {}; }

 private:
  bool pitr_;
  std::shared_ptr<Acked> acked_ = std::make_shared<Acked>();
  std::int64_t next_ = 0;
};

std::unique_ptr<workloads::Workload> make_dr(const workloads::Options& r, bool pitr,
                                             std::string* error) {
  auto w = std::make_unique<DrWorkload>(pitr);
  std::vector<workloads::MixEntry> mix = {{"add", 1}};
  if (pitr) mix = {{"add", 9}, {"restore", 1}};
  if (std::string e = workloads::generator_from_options(r, mix, &w->mutable_generator());
      !e.empty()) {
    *error = e;
    return nullptr;
  }
  return w;
}

}  // namespace

void register_dr_workload() {
  workloads::WorkloadInfo info;
  info.name = "dr-set";
  info.description =
      "unique writes through the primary named by the coordination store, tagged with its "
      "timeline; judged by the dr check";
  info.default_mix = {{"add", 1}};
  info.needs = [](const workloads::Options&) {
    return std::vector<workloads::StoreKind>{workloads::StoreKind::kTransport};
  };
  info.make = [](const workloads::Options& r, std::string* error) {
    return make_dr(r, false, error);
  };
  workloads::register_workload(info);
  info.name = "dr-pitr";
  info.description =
      "dr-set plus restores from the WAL archive to lsns and commit times drawn among the "
      "acknowledged writes, and a final restore drill; judged by the dr and pitr checks";
  info.default_mix = {{"add", 9}, {"restore", 1}};
  info.make = [](const workloads::Options& r, std::string* error) {
    return make_dr(r, true, error);
  };
  workloads::register_workload(std::move(info));
}

}  // namespace fl::compose
