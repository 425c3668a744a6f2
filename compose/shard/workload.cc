// The `shard-moves` workload: a client that starts online moves through the shard proxy's admin
// API (POST /api/v1/shards/moves on "shard-admin") while the other workloads of the scenario
// read and write through the router. A move names the shard key of one of the first `keys`
// integer keys (so the moves hit the vnodes the register workloads use) or, one time in
// `random_vnode_one_in`, a random vnode, and a random target shard (target = "next": the shard
// after the owner, so no move is refused as a no-op). After the heal, "settle"
// succeeds once no move is active (liveness: every move completed or rolled back).
//
// History: move invokes {"key"|"vnode", "to"}; ok adds {"id", "vnode", "from"}; a refusal
// (another move active, the target owns it already) is a fail; a lost reply is info.
#include "workloads/workload.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "compose/shard/shard.h"
#include "system/io/assert.h"

namespace fl::compose {
namespace {

using nlohmann::json;
using workloads::Completion;
using workloads::Invocation;

constexpr std::int64_t kCallTimeoutNs = 2 * io::kNsPerSec;

class MovesClient final : public workloads::Client {
 public:
  explicit MovesClient(io::Env& env) : env_(env) {}

  Completion invoke(const Invocation& op) override {
    const bool move = op.f == "move";
    io::Request request{move ? "POST" : "GET",
                        move ? "/api/v1/shards/moves" : "/api/v1/shards",
                        move ? op.value.dump() : "",
                        {}};
    if (move) (void)request.headers.set("Content-Type", "application/json");
    auto called =
        env_.transport.call(kShardAdminNode, request, env_.clock.deadline_after_ns(kCallTimeoutNs));
    if (!called.is_ok()) {
      const bool failed = called.status().is_failed() || !move;
      return {failed ? history::OpType::kFail : history::OpType::kInfo, op.value,
              called.status().to_string()};
    }
    const io::Response& r = called.value();
    const json body = json::parse(r.body, nullptr, false);
    if (move) {
      if (r.status != 201 || !body.is_object()) {
        const bool maybe = r.status == 504;
        return {maybe ? history::OpType::kInfo : history::OpType::kFail, op.value,
                std::to_string(r.status) + " " + r.body.substr(0, 200)};
      }
      json value = op.value;
      value["id"] = body.value("id", 0);
      value["vnode"] = body.value("vnode", -1);
      value["from"] = body.value("from", -1);
      return {history::OpType::kOk, value, ""};
    }
    if (r.status != 200 || !body.is_object()) {
      return {history::OpType::kFail, op.value, std::to_string(r.status)};
    }
    const json active = body.value("active_move", json());
    if (!active.is_null()) {
      return {history::OpType::kFail, op.value, "move still active: " + active.dump()};
    }
    return {history::OpType::kOk, {{"epoch", body.value("epoch", 0)}}, ""};
  }

 private:
  io::Env& env_;
};

class MovesWorkload final : public workloads::Workload {
 public:
  MovesWorkload(int shards, int vnodes, int random_vnode_one_in, bool next_shard)
      : shards_(shards),
        vnodes_(vnodes),
        random_one_in_(random_vnode_one_in),
        next_shard_(next_shard) {}

  io::Status setup(io::Env&) override { return io::Status::ok(); }
  std::unique_ptr<workloads::Client> make_client(io::Env& env) override {
    return std::make_unique<MovesClient>(env);
  }
  Invocation make_op(const std::string& f, std::int64_t, io::Random& random) override {
    FL_ASSERT_EQ(f, "move");
    json value = json::object();
    if (random.one_in(static_cast<std::uint64_t>(random_one_in_))) {
      value["vnode"] = random.below(static_cast<std::uint64_t>(vnodes_));
    } else {
      const auto keys = static_cast<std::uint64_t>(std::max<std::int64_t>(1, generator().keys));
      value["key"] = random.below(keys);
    }
    if (!next_shard_) value["to"] = random.below(static_cast<std::uint64_t>(shards_));
    return {f, value};
  }
  std::vector<Invocation> final_ops() override { return {{"settle", nullptr}}; }
  std::vector<workloads::CheckerSpec> checkers() const override { return {}; }

 private:
  int shards_, vnodes_, random_one_in_;
  bool next_shard_;
};

std::unique_ptr<workloads::Workload> make_moves(const workloads::Options& r, std::string* error) {
  auto w = std::make_unique<MovesWorkload>(r.at("shards").get<int>(), r.at("vnodes").get<int>(),
                                           r.at("random_vnode_one_in").get<int>(),
                                           r.at("target") == "next");
  if (std::string e = workloads::generator_from_options(r, {{"move", 1}}, &w->mutable_generator());
      !e.empty()) {
    *error = e;
    return nullptr;
  }
  return w;
}

}  // namespace

void register_shard_workload() {
  using Kind = workloads::OptionSpec::Kind;
  workloads::WorkloadInfo info;
  info.name = "shard-moves";
  info.description = "starts online vnode moves through the shard admin API; settles after heal";
  info.options = {
      {"shards", Kind::kInt, 2, 1, 8, {}, "shards (as the system's shards option)"},
      {"vnodes", Kind::kInt, 64, 1, 256, {}, "vnodes (as the system's vnodes option)"},
      {"random_vnode_one_in", Kind::kInt, 4, 1, 1000000, {}, "one move in N picks any vnode"},
      {"target",
       Kind::kString,
       "random",
       0,
       0,
       {"random", "next"},
       "a random shard, or the shard after the owner (no move refused as a no-op)"},
  };
  info.default_mix = {{"move", 1}};
  info.needs = [](const workloads::Options&) {
    return std::vector<workloads::StoreKind>{workloads::StoreKind::kTransport};
  };
  info.make = make_moves;
  workloads::register_workload(std::move(info));
}

}  // namespace fl::compose
