#include "real/fiber_runtime.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/fiber/fiber.hpp>
#include <boost/fiber/operations.hpp>
#include <cstdio>
#include <exception>

namespace fl::real {

boost::asio::io_context& io() {
  // Leaked on purpose: the thread's fiber scheduler is destroyed after main() returns and may
  // still post to it.
  static auto* context = new boost::asio::io_context(1);
  return *context;
}

boost::fibers::context* AsioAlgorithm::pick_next() noexcept {
  if (++picks_since_poll_ >= kPicksPerPoll || ready_.empty()) {
    picks_since_poll_ = 0;
    io_.poll();  // handlers only make fibers ready (Parker::unpark)
    if (io_.stopped()) io_.restart();
  }
  if (ready_.empty()) return nullptr;
  boost::fibers::context* ctx = ready_.front();
  ready_.pop_front();
  return ctx;
}

void AsioAlgorithm::suspend_until(std::chrono::steady_clock::time_point const& when) noexcept {
  // Nothing is ready: block until an IO handler (or Boost's own timer) has something for us.
  if (when == std::chrono::steady_clock::time_point::max()) {
    io_.run_one();
  } else {
    io_.run_one_until(when);
  }
  if (io_.stopped()) io_.restart();
}

void AsioAlgorithm::notify() noexcept {
  boost::asio::post(io_, [] {});
}

void Parker::park() {
  if (signalled_) {
    signalled_ = false;
    return;
  }
  waiter_ = boost::fibers::context::active();
  waiter_->suspend();
  waiter_ = nullptr;
  signalled_ = false;
}

void Parker::unpark() {
  if (signalled_) return;  // a second wake-up (a timer racing a completion) is a no-op
  signalled_ = true;
  if (waiter_ != nullptr) boost::fibers::context::active()->schedule(waiter_);
}

void run_fibers(const std::function<void()>& main) {
  // Installed on every call: a simulation run in between hands the thread to another algorithm.
  boost::fibers::use_scheduling_algorithm<AsioAlgorithm>(io());
  // The work guard keeps run_one() blocking (rather than returning at once) while we wait.
  auto guard = boost::asio::make_work_guard(io());
  boost::fibers::fiber f([&main] {
    try {
      main();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "faultline: top-level fiber failed: %s\n", e.what());
    }
  });
  f.join();
}

}  // namespace fl::real
