// The production implementations of the seam's Clock and Tasks, and RealNode, which bundles
// them with a Random stream and an HTTP transport into an io::Env for one process.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "real/fiber_runtime.h"
#include "system/io/env.h"

namespace fl::real {

class RealClock final : public io::Clock {
 public:
  // steady_clock: never decreases; origin arbitrary.
  std::int64_t monotonic_ns() override;
  // system_clock: may jump (NTP, an operator).
  std::int64_t wall_ns() override;
  // An Asio steady_timer and a park: other fibers and IO run meanwhile. 0 yields.
  void sleep_ns(std::int64_t duration_ns) override;
};

class RealTasks final : public io::Tasks {
 public:
  RealTasks(std::string node_name, std::uint64_t incarnation)
      : name_(std::move(node_name)), incarnation_(incarnation) {}
  const std::string& node_name() const override { return name_; }
  std::uint64_t incarnation() const override { return incarnation_; }
  // A detached fiber; an exception escaping `body` is logged (JSON on stderr), never fatal.
  void spawn(std::string name, std::function<void()> body) override;
  void yield() override;

 private:
  std::string name_;
  std::uint64_t incarnation_;
};

class HttpTransport;

// One production process' Env. REQUIRES: used on the thread that runs run_fibers().
class RealNode {
 public:
  // `peers`: node name -> "host:port" for Transport::call; `listen_port` 0: do not serve;
  // `listen_address`: a numeric IPv4/IPv6 address to listen on.
  RealNode(std::string name, std::uint64_t seed, std::map<std::string, std::string> peers,
           std::uint16_t listen_port, std::string listen_address = "127.0.0.1");
  ~RealNode();
  io::Env& env() { return *env_; }
  HttpTransport& transport() { return *transport_; }

 private:
  RealClock clock_;
  io::Random random_;
  RealTasks tasks_;
  std::unique_ptr<HttpTransport> transport_;
  std::unique_ptr<io::Env> env_;
};

}  // namespace fl::real
