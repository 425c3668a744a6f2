// EchoService: the simulator's own regression service, written on the seam only, so that the
// same code runs on the simulated network and over real HTTP.
//
//   POST /echo           body "id:payload"  -> 200 "node|incarnation|id:payload"
//   POST /relay/<node>   body "id:payload"  -> the target node's /echo response (200), or 502
//                                              with the seam status when the inner call fails
//   anything else                           -> 404
//
// Observer hooks report what happened to an oracle outside the node (tests and scenarios), so
// invariants such as "every acknowledged request was handled" can be checked across crashes.
#pragma once

#include <cstdint>
#include <string>

#include "system/io/env.h"

namespace fl::selftest {

class EchoObserver {
 public:
  virtual ~EchoObserver() = default;
  virtual void on_start(const std::string& node, std::uint64_t incarnation) = 0;
  virtual void on_handled(const std::string& node, std::uint64_t incarnation,
                          const std::string& body) = 0;
};

struct EchoOptions {
  std::int64_t relay_timeout_ns = 50 * 1000 * 1000;
  std::int64_t handler_think_ns = 100 * 1000;  // simulated work per request
  // Known bug, off by default (0), for proving the harness: every Nth /echo is answered with the
  // previous reply body (a stale response cache). The selftest must catch it.
  std::uint64_t bug_stale_reply_every = 0;
};

// Starts the service on the calling node: registers the handler, reports the start. Returns at
// once; the handler lives as long as the node incarnation (env must outlive it).
void start_echo_node(io::Env& env, EchoObserver* observer, EchoOptions options = {});

// The request handler alone (what start_echo_node serves), for HTTP tests in real mode.
io::Handler make_echo_handler(io::Env& env, EchoObserver* observer, EchoOptions options = {});

// Parses "node|incarnation|body"; false if malformed.
bool parse_echo_reply(const std::string& reply, std::string* node, std::uint64_t* incarnation,
                      std::string* body);

}  // namespace fl::selftest
