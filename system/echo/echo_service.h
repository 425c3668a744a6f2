// EchoService: the smallest system on the seam, and the worked example of
// docs/adding-a-system.md. It is the simulator's own regression service: clients call it while
// every fault kind runs, and an oracle outside the nodes checks what the simulated network and
// node model promise (every acknowledged request was handled by the incarnation that answered,
// no reply without a request, no spurious restarts). The same code serves real HTTP in
// production (`faultline serve echo`).
//
//   POST /echo           body "id:payload"  -> 200 "node|incarnation|id:payload"
//   POST /relay/{node}   body "id:payload"  -> the target node's /echo response (200), or 502
//                                              with the seam status when the inner call fails
//
// The observer reports what happened to an oracle outside the node (the harness, in simulation);
// it may be null (production).
#pragma once

#include <cstdint>
#include <string>

#include "system/api/router.h"
#include "system/io/env.h"

namespace fl::echo {

class EchoObserver {
 public:
  virtual ~EchoObserver() = default;
  virtual void on_start(const std::string& node, std::uint64_t incarnation) = 0;
  virtual void on_handled(const std::string& node, std::uint64_t incarnation,
                          const std::string& body) = 0;
};

struct EchoOptions {
  std::int64_t relay_timeout_ns = 50 * io::kNsPerMs;
  std::int64_t handler_think_ns = 100 * io::kNsPerUs;  // simulated work per request
  // Known bug, off by default (0), for proving the harness: every Nth /echo is answered with the
  // previous reply body (a stale response cache). The selftest must catch it.
  std::uint64_t bug_stale_reply_every = 0;
};

constexpr std::size_t kMaxEchoBodyBytes = 4096;

class EchoService {
 public:
  // REQUIRES: env outlives the service; observer null or outliving it. Does no IO.
  EchoService(io::Env& env, EchoObserver* observer, EchoOptions options = {});
  EchoService(const EchoService&) = delete;
  EchoService& operator=(const EchoService&) = delete;

  // Starts this incarnation (there is no durable state to recover): reports the start.
  void start();
  // POST /echo and POST /relay/{node}.
  void add_routes(api::Router& router);

  io::Response echo(const std::string& body);
  io::Response relay(const std::string& target, const std::string& body);

 private:
  io::Env& env_;
  EchoObserver* observer_;
  EchoOptions options_;
  std::uint64_t echoed_ = 0;  // volatile: for the known-bug mode only
  std::string last_reply_;    // volatile: for the known-bug mode only
};

// Parses "node|incarnation|body"; false if malformed.
bool parse_echo_reply(const std::string& reply, std::string* node, std::uint64_t* incarnation,
                      std::string* body);

}  // namespace fl::echo
