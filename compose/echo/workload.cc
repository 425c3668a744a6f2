// The `echo` workload: clients POST /echo (or, one call in relay_one_in, /relay/{node}) with a
// unique body to a random echo node n1..nN, and record what came back: ok with the reply's node,
// incarnation and echoed body; fail when the call definitely did not happen; info when it may
// have (a lost reply, or a relay whose inner call failed). After the heal every node is asked
// once more ("final-echo"). The echo system's check (check.cc) judges the replies.
#include "workloads/workload.h"

#include <nlohmann/json.hpp>

#include "compose/echo/echo.h"
#include "system/io/assert.h"

namespace fl::compose {
namespace {

using nlohmann::json;
using workloads::Completion;
using workloads::Invocation;

constexpr std::int64_t kCallTimeoutNs = 200 * io::kNsPerMs;

class EchoClient final : public workloads::Client {
 public:
  explicit EchoClient(io::Env& env) : env_(env) {}

  Completion invoke(const Invocation& op) override {
    const std::string target = op.value.at("target").get<std::string>();
    const std::string relay = op.value.value("relay_to", std::string());
    const std::string path = relay.empty() ? "/echo" : "/relay/" + relay;
    const std::string body = op.value.at("body").get<std::string>();
    auto called = env_.transport.call(target, {"POST", path, body, {}},
                                      env_.clock.deadline_after_ns(kCallTimeoutNs));
    if (!called.is_ok()) {
      const bool failed = called.status().is_failed();
      return {failed ? history::OpType::kFail : history::OpType::kInfo, op.value,
              called.status().to_string()};
    }
    const io::Response& r = called.value();
    if (r.status == 502 && !relay.empty()) {
      return {history::OpType::kInfo, op.value, "relay: " + r.body.substr(0, 200)};
    }
    if (r.status != 200) {
      return {history::OpType::kFail, op.value,
              std::to_string(r.status) + " " + r.body.substr(0, 200)};
    }
    json value = op.value;
    std::string node, echoed;
    std::uint64_t incarnation = 0;
    if (!echo::parse_echo_reply(r.body, &node, &incarnation, &echoed)) {
      value["malformed"] = r.body.substr(0, 200);
    } else {
      value["node"] = node;
      value["incarnation"] = incarnation;
      value["echoed"] = echoed;
    }
    return {history::OpType::kOk, value, ""};
  }

 private:
  io::Env& env_;
};

class EchoWorkload final : public workloads::Workload {
 public:
  EchoWorkload(int nodes, int relay_one_in) : nodes_(nodes), relay_one_in_(relay_one_in) {}

  io::Status setup(io::Env&) override { return io::Status::ok(); }
  std::unique_ptr<workloads::Client> make_client(io::Env& env) override {
    return std::make_unique<EchoClient>(env);
  }
  Invocation make_op(const std::string& f, std::int64_t, io::Random& random) override {
    FL_ASSERT_EQ(f, "echo");
    json value = {
        {"target", pick(random)},
        {"body", "c" + std::to_string(next_++) + ":" + std::to_string(random.below(1000000))}};
    if (random.one_in(static_cast<std::uint64_t>(relay_one_in_))) value["relay_to"] = pick(random);
    return {f, value};
  }
  std::vector<Invocation> final_ops() override {
    std::vector<Invocation> ops;
    for (int i = 1; i <= nodes_; ++i) {
      ops.push_back(
          {"final-echo",
           {{"target", echo_node_name(i)}, {"body", "heal-" + std::to_string(i) + ":0"}}});
    }
    return ops;
  }
  std::vector<workloads::CheckerSpec> checkers() const override { return {}; }

 private:
  std::string pick(io::Random& random) const {
    return echo_node_name(1 + static_cast<int>(random.below(static_cast<std::uint64_t>(nodes_))));
  }
  int nodes_;
  int relay_one_in_;
  std::int64_t next_ = 0;
};

std::unique_ptr<workloads::Workload> make_echo(const workloads::Options& r, std::string* error) {
  auto w =
      std::make_unique<EchoWorkload>(r.at("nodes").get<int>(), r.at("relay_one_in").get<int>());
  if (std::string e = workloads::generator_from_options(r, {{"echo", 1}}, &w->mutable_generator());
      !e.empty()) {
    *error = e;
    return nullptr;
  }
  return w;
}

}  // namespace

void register_echo_workload() {
  using Kind = workloads::OptionSpec::Kind;
  workloads::WorkloadInfo info;
  info.name = "echo";
  info.description = "calls /echo and /relay on random echo nodes; judged by the echo check";
  info.options = {
      {"nodes", Kind::kInt, 5, 2, 16, {}, "echo nodes n1..nN (as the system's nodes option)"},
      {"relay_one_in", Kind::kInt, 3, 1, 1000000, {}, "one call in N is relayed"},
  };
  info.default_mix = {{"echo", 1}};
  info.needs = [](const workloads::Options&) {
    return std::vector<workloads::StoreKind>{workloads::StoreKind::kTransport};
  };
  info.make = make_echo;
  workloads::register_workload(std::move(info));
}

}  // namespace fl::compose
