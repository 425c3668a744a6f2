// The echo service as a ServiceInfo (compose/service.h): no stores, no default port.
#include <any>
#include <memory>

#include "compose/echo/echo.h"
#include "compose/service.h"

namespace fl::compose {
namespace {

constexpr std::uint64_t kStaleReplyEvery = 200;

io::Result<std::shared_ptr<void>> start_echo(ServiceContext& c) {
  echo::EchoOptions o;
  o.relay_timeout_ns = c.options.at("relay_timeout_ms").get<std::int64_t>() * io::kNsPerMs;
  if (c.options.at("bug") == "stale-reply") o.bug_stale_reply_every = kStaleReplyEvery;
  echo::EchoObserver* observer = nullptr;
  if (auto* oracle = std::any_cast<std::shared_ptr<EchoOracle>>(&c.run_state)) {
    observer = oracle->get();
  }
  auto service = std::make_shared<echo::EchoService>(c.env, observer, o);
  service->start();
  service->add_routes(c.router);
  return std::shared_ptr<void>(service);
}

}  // namespace

void register_echo_service() {
  using Kind = options::OptionSpec::Kind;
  ServiceInfo info;
  info.name = "echo";
  info.node = "echo";
  info.system = "echo";
  info.description = "echo: POST /echo, POST /relay/{node} (the simulator's regression service)";
  info.options = {
      {{"relay_timeout_ms", Kind::kInt, 50, 1, 60000, {}, "deadline of a relayed /echo"},
       "ECHO_RELAY_TIMEOUT_MS"},
      {{"bug",
        Kind::kString,
        "none",
        0,
        0,
        {"none", "stale-reply"},
        "a known-bug switch: every 200th /echo answers with the previous reply"},
       "",
       /*simulation_only=*/true},
  };
  info.start = start_echo;
  register_service(std::move(info));
}

void register_echo() {
  register_echo_service();
  register_echo_system();
  register_echo_workload();
}

std::string echo_node_name(int i) { return "n" + std::to_string(i); }

}  // namespace fl::compose
