#include "real/node_runtime.h"

#include <boost/asio/steady_timer.hpp>
#include <boost/fiber/fiber.hpp>
#include <boost/fiber/operations.hpp>
#include <chrono>
#include <cstdio>

#include "real/http_rpc.h"
#include "system/io/assert.h"

namespace fl::real {

std::int64_t RealClock::monotonic_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::int64_t RealClock::wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void RealClock::sleep_ns(std::int64_t duration_ns) {
  FL_ASSERT(duration_ns >= 0);
  if (duration_ns == 0) {
    boost::this_fiber::yield();
    return;
  }
  boost::asio::steady_timer timer(io(), std::chrono::nanoseconds(duration_ns));
  Parker parker;
  timer.async_wait([&parker](const boost::system::error_code&) { parker.unpark(); });
  parker.park();
}

void RealTasks::spawn(std::string name, std::function<void()> body) {
  boost::fibers::fiber([name = std::move(name), node = name_, body = std::move(body)] {
    try {
      body();
    } catch (const std::exception& e) {
      std::fprintf(stderr,
                   "{\"level\":\"error\",\"node\":\"%s\",\"fiber\":\"%s\",\"error\":\"%s\"}\n",
                   node.c_str(), name.c_str(), e.what());
    } catch (const io::NodeCrashed&) {
      // Production never throws it; tolerate a test that does.
    }
  }).detach();
}

void RealTasks::yield() { boost::this_fiber::yield(); }

RealNode::RealNode(std::string name, std::uint64_t seed, std::map<std::string, std::string> peers,
                   std::uint16_t listen_port, std::string listen_address)
    : random_(seed), tasks_(name, 1) {
  HttpLimits limits;
  limits.listen_address = std::move(listen_address);
  transport_ = std::make_unique<HttpTransport>(&tasks_, std::move(peers), listen_port, limits);
  env_ = std::make_unique<io::Env>(io::Env{clock_, random_, tasks_, *transport_});
}

RealNode::~RealNode() = default;

}  // namespace fl::real
