// Waiting for a socket owned by a C client library (libpq, hiredis) from a fiber: the fd is
// wrapped in an Asio descriptor for one wait and released again, never closed.
#pragma once

#include <cstdint>

namespace fl::real {

// Parks the calling fiber until `fd` is readable (or writable), or until the steady clock passes
// `deadline_ns`. Returns whether it became ready.
bool wait_fd(int fd, bool for_write, std::int64_t deadline_ns);
// The steady clock in ns (the same origin as RealClock::monotonic_ns).
std::int64_t steady_now_ns();

}  // namespace fl::real
