#include "system/selftest/echo_service.h"

#include <charconv>
#include <memory>
#include <utility>

#include "system/io/assert.h"

namespace fl::selftest {
namespace {

io::Response echo(io::Env& env, EchoObserver* observer, const io::Request& request) {
  if (observer != nullptr) {
    observer->on_handled(env.tasks.node_name(), env.tasks.incarnation(), request.body);
  }
  return io::Response{200, env.tasks.node_name() + "|" + std::to_string(env.tasks.incarnation()) +
                               "|" + request.body};
}

io::Response relay(io::Env& env, const io::Request& request, const std::string& target,
                   const EchoOptions& options) {
  io::Request inner{"POST", "/echo", request.body};
  auto result =
      env.transport.call(target, inner, env.clock.deadline_after_ns(options.relay_timeout_ns));
  if (!result.is_ok()) return io::Response{502, result.status().to_string()};
  return result.value();
}

}  // namespace

io::Handler make_echo_handler(io::Env& env, EchoObserver* observer, EchoOptions options) {
  // Volatile per incarnation, shared by the handler's copies: only the known-bug mode uses it.
  struct BugState {
    std::uint64_t count = 0;
    std::string last_body;
  };
  auto bug = std::make_shared<BugState>();
  return [&env, observer, options, bug](const io::Request& request) -> io::Response {
    if (options.handler_think_ns > 0) env.clock.sleep_ns(options.handler_think_ns);
    if (request.method == "POST" && request.path == "/echo") {
      io::Response response = echo(env, observer, request);
      if (options.bug_stale_reply_every > 0) {
        const bool stale = ++bug->count % options.bug_stale_reply_every == 0;
        std::string previous = std::exchange(bug->last_body, response.body);
        if (stale && !previous.empty()) response.body = std::move(previous);
      }
      return response;
    }
    const std::string prefix = "/relay/";
    if (request.method == "POST" && request.path.rfind(prefix, 0) == 0 &&
        request.path.size() > prefix.size()) {
      return relay(env, request, request.path.substr(prefix.size()), options);
    }
    return io::Response{404, "no route: " + request.method + " " + request.path};
  };
}

void start_echo_node(io::Env& env, EchoObserver* observer, EchoOptions options) {
  if (observer != nullptr) observer->on_start(env.tasks.node_name(), env.tasks.incarnation());
  env.transport.serve(make_echo_handler(env, observer, options));
}

bool parse_echo_reply(const std::string& reply, std::string* node, std::uint64_t* incarnation,
                      std::string* body) {
  const auto bar1 = reply.find('|');
  if (bar1 == std::string::npos || bar1 == 0) return false;
  const auto bar2 = reply.find('|', bar1 + 1);
  if (bar2 == std::string::npos) return false;
  std::uint64_t inc = 0;
  const char* first = reply.data() + bar1 + 1;
  const char* last = reply.data() + bar2;
  auto [ptr, ec] = std::from_chars(first, last, inc);
  if (ec != std::errc() || ptr != last) return false;
  *node = reply.substr(0, bar1);
  *incarnation = inc;
  *body = reply.substr(bar2 + 1);
  return true;
}

}  // namespace fl::selftest
