#include "tests/support/echo_node.h"

#include <memory>

#include "system/api/router.h"

namespace fl::test {

void start_echo_node(io::Env& env, echo::EchoObserver* observer, echo::EchoOptions options) {
  auto service = std::make_shared<echo::EchoService>(env, observer, options);
  auto router = std::make_shared<api::Router>();
  service->start();
  service->add_routes(*router);
  env.transport.serve(
      [service, router](const io::Request& request) { return router->route(request).response; });
}

}  // namespace fl::test
