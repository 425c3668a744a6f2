// Test support: the echo service (system/echo) started bare on a simulated node, for tests of the
// simulator itself (network, nodes, fault port) that need a service but not a system: what the
// old selftest node was. The node's handler routes to the service; both live as long as the
// incarnation (the handler owns them).
#pragma once

#include "system/echo/echo_service.h"

namespace fl::test {

// Starts the echo service on the calling node's Env: reports the start to `observer` (may be
// null) and serves POST /echo and POST /relay/{node}.
void start_echo_node(io::Env& env, echo::EchoObserver* observer, echo::EchoOptions options = {});

}  // namespace fl::test
