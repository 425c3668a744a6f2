// The `dr-set` workload: each "add" writes a unique element through the primary the client
// learns from the coordination store (the leader key and the timeline; cached for up to a
// second, and looked up again after any failure), tagged with that timeline; it records ok with the
// acknowledging node, timeline and lsn, fail when the write was refused or never sent (no primary,
// stale timeline, fenced node), info when it may have been logged (a lost reply, a write logged but
// not confirmed). The final "read" asks the primary for its whole table. The DR check (check.cc)
// judges RPO, one primary and RTO from these.
#include "workloads/workload.h"

#include <nlohmann/json.hpp>

#include "compose/dr/dr.h"
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

class DrClient final : public workloads::Client {
 public:
  explicit DrClient(io::Env& env) : env_(env), keys_("main") {}

  Completion invoke(const Invocation& op) override {
    FL_ASSERT_MSG(env_.coord != nullptr, "dr-set needs topology.coord = true");
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

  io::Env& env_;
  dr::ClusterKeys keys_;
  Primary cached_;
  std::int64_t cached_at_ns_ = 0;
};

class DrWorkload final : public workloads::Workload {
 public:
  io::Status setup(io::Env&) override { return io::Status::ok(); }
  std::unique_ptr<workloads::Client> make_client(io::Env& env) override {
    return std::make_unique<DrClient>(env);
  }
  Invocation make_op(const std::string& f, std::int64_t, io::Random&) override {
    FL_ASSERT_EQ(f, "add");
    return {f, {{"element", "e" + std::to_string(next_++)}}};
  }
  std::vector<Invocation> final_ops() override { return {{"read", json::object()}}; }
  std::vector<workloads::CheckerSpec> checkers() const override { return {}; }

 private:
  std::int64_t next_ = 0;
};

std::unique_ptr<workloads::Workload> make_dr_set(const workloads::Options& r, std::string* error) {
  auto w = std::make_unique<DrWorkload>();
  if (std::string e = workloads::generator_from_options(r, {{"add", 1}}, &w->mutable_generator());
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
  info.make = make_dr_set;
  workloads::register_workload(std::move(info));
}

}  // namespace fl::compose
