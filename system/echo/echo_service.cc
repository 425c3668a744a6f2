#include "system/echo/echo_service.h"

#include <charconv>
#include <utility>

#include "system/api/json_body.h"
#include "system/io/assert.h"

namespace fl::echo {

EchoService::EchoService(io::Env& env, EchoObserver* observer, EchoOptions options)
    : env_(env), observer_(observer), options_(options) {
  FL_ASSERT(options.relay_timeout_ns > 0 && options.handler_think_ns >= 0);
}

void EchoService::start() {
  if (observer_ != nullptr) observer_->on_start(env_.tasks.node_name(), env_.tasks.incarnation());
}

void EchoService::add_routes(api::Router& router) {
  router.add("POST", "/echo", [this](const api::ApiRequest& r) { return echo(r.body); });
  router.add("POST", "/relay/{node}",
             [this](const api::ApiRequest& r) { return relay(r.params.at("node"), r.body); });
}

io::Response EchoService::echo(const std::string& body) {
  if (body.size() > kMaxEchoBodyBytes) return api::error_response(413, "body too large");
  if (options_.handler_think_ns > 0) env_.clock.sleep_ns(options_.handler_think_ns);
  if (observer_ != nullptr) {
    observer_->on_handled(env_.tasks.node_name(), env_.tasks.incarnation(), body);
  }
  io::Response response{
      200,
      env_.tasks.node_name() + "|" + std::to_string(env_.tasks.incarnation()) + "|" + body,
      {}};
  if (options_.bug_stale_reply_every > 0) {
    const bool stale = ++echoed_ % options_.bug_stale_reply_every == 0;
    std::string previous = std::exchange(last_reply_, response.body);
    if (stale && !previous.empty()) response.body = std::move(previous);
  }
  return response;
}

io::Response EchoService::relay(const std::string& target, const std::string& body) {
  if (body.size() > kMaxEchoBodyBytes) return api::error_response(413, "body too large");
  if (options_.handler_think_ns > 0) env_.clock.sleep_ns(options_.handler_think_ns);
  auto result = env_.transport.call(target, {"POST", "/echo", body, {}},
                                    env_.clock.deadline_after_ns(options_.relay_timeout_ns));
  if (!result.is_ok()) return io::Response{502, result.status().to_string(), {}};
  return result.value();
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

}  // namespace fl::echo
