// The harness system "echo" (echo.h): N echo nodes, one oracle shared by their incarnations, and
// the system check over the history and the oracle (check.cc).
#include <memory>

#include "compose/echo/echo.h"
#include "compose/nodes.h"
#include "system/io/assert.h"

namespace fl::compose {

checkers::CheckOutcome judge_echo(const history::History& history, const std::string& mode,
                                  const EchoOracle& oracle, int nodes);

namespace {

constexpr int kMaxEchoNodes = 16;

std::string build(const nlohmann::json& options, Topology* topology) {
  using Kind = options::OptionSpec::Kind;
  const std::vector<options::OptionSpec> specs = {
      {"nodes", Kind::kInt, 5, 2, kMaxEchoNodes, {}, "echo nodes n1..nN"},
      {"bug", Kind::kString, "none", 0, 0, {"none", "stale-reply"}, "a known-bug switch"},
  };
  nlohmann::json resolved;
  if (std::string e = options::validate_options(specs, options, &resolved); !e.empty()) return e;
  const ServiceInfo* info = find_service("echo");
  FL_ASSERT(info != nullptr);
  nlohmann::json service_options;
  const std::string error =
      resolve_service_options(*info, {{"bug", resolved["bug"]}}, &service_options);
  FL_ASSERT_MSG(error.empty(), error);
  auto oracle = std::make_shared<EchoOracle>();
  const int nodes = resolved["nodes"].get<int>();
  for (int i = 1; i <= nodes; ++i) {
    NodePlan plan;
    plan.node = echo_node_name(i);
    plan.options = service_options;
    plan.run_state = oracle;
    topology->services.push_back(service_node(*info, std::move(plan)));
  }
  topology->checks.push_back(
      {"echo", [oracle, nodes](const history::History& h, const std::string& mode) {
         return judge_echo(h, mode, *oracle, nodes);
       }});
  return "";
}

}  // namespace

void register_echo_system() {
  register_system({"echo",
                   "echo nodes n1..nN (the simulator's regression system and the worked example "
                   "of adding a system)",
                   build});
}

}  // namespace fl::compose
