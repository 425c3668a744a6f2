// The production fiber runtime: Boost.Fiber scheduled FIFO on one thread, driven by a
// Boost.Asio io_context. When no fiber is ready the dispatcher blocks in io_context::run_one();
// while fibers are ready it polls the io_context between picks so IO completions are never
// starved. A fiber awaits an async operation by parking; the operation's handler unparks it:
// the same park/unpark primitive the simulator uses.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/fiber/algo/algorithm.hpp>
#include <boost/fiber/context.hpp>
#include <deque>
#include <functional>
#include <utility>  // before Asio with C++20 on Boost 1.74 (TOOLCHAIN.md)

namespace fl::real {

// The thread's io_context. It outlives the thread's fiber scheduler (TOOLCHAIN.md pitfall).
boost::asio::io_context& io();

class AsioAlgorithm final : public boost::fibers::algo::algorithm {
 public:
  // Picks between polls of the io_context while fibers stay ready.
  static constexpr int kPicksPerPoll = 16;

  explicit AsioAlgorithm(boost::asio::io_context& io) : io_(io) {}
  void awakened(boost::fibers::context* ctx) noexcept override { ready_.push_back(ctx); }
  boost::fibers::context* pick_next() noexcept override;
  bool has_ready_fibers() const noexcept override { return !ready_.empty(); }
  void suspend_until(std::chrono::steady_clock::time_point const& when) noexcept override;
  void notify() noexcept override;

 private:
  boost::asio::io_context& io_;
  std::deque<boost::fibers::context*> ready_;
  int picks_since_poll_ = 0;
};

// Installs AsioAlgorithm on the calling thread and runs `main` on a fiber until it
// returns, serving IO meanwhile. Other fibers it started keep running only while it runs.
void run_fibers(const std::function<void()>& main);

// Parks the calling fiber until unpark(). unpark() may come first (then park returns at once).
// Single thread only; unpark is called from Asio handlers or other fibers.
class Parker {
 public:
  void park();
  void unpark();

 private:
  boost::fibers::context* waiter_ = nullptr;
  bool signalled_ = false;
};

}  // namespace fl::real
