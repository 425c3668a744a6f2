#include "real/fd_wait.h"

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <utility>  // before Asio (TOOLCHAIN.md)

#include "real/fiber_runtime.h"

namespace fl::real {
namespace {

// Shared between a wait and its two handlers, which may run after the wait returned.
struct WaitState {
  Parker parker;
  bool ready = false;
};

}  // namespace

std::int64_t steady_now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool wait_fd(int fd, bool for_write, std::int64_t deadline_ns) {
  if (fd < 0) return false;
  const std::int64_t left = deadline_ns - steady_now_ns();
  if (left <= 0) return false;
  auto state = std::make_shared<WaitState>();
  boost::asio::posix::stream_descriptor descriptor(io(), fd);
  boost::asio::steady_timer timer(io(), std::chrono::nanoseconds(left));
  descriptor.async_wait(for_write ? boost::asio::posix::stream_descriptor::wait_write
                                  : boost::asio::posix::stream_descriptor::wait_read,
                        [state](const boost::system::error_code& ec) {
                          if (!ec) state->ready = true;
                          state->parker.unpark();
                        });
  timer.async_wait([state](const boost::system::error_code&) { state->parker.unpark(); });
  state->parker.park();
  timer.cancel();
  descriptor.cancel();
  descriptor.release();  // the library owns the fd
  return state->ready;
}

}  // namespace fl::real
