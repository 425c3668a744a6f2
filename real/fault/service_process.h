// ServiceProcess: one service of a system under test (e.g. `faultline serve inventory`) run as a
// child OS process of the harness, so real-mode nemeses can kill -9 it, restart it and freeze it
// like a real node (as FoundationDB's and Jepsen's tests do with real servers).
//
// Fault model: kill() is SIGKILL of the process (a machine-level crash of that service: it keeps
// nothing but what it made durable in its stores), reaped at once; start() after a kill runs the
// process again from its own start-up (its recovery code runs) on the same port; pause() is
// SIGSTOP (a VM or GC pause: connections stay open, nothing is answered), resume() SIGCONT.
//
// The child: its own process group, stdout and stderr appended to the spec's log file, every
// other descriptor closed, and PR_SET_PDEATHSIG = SIGKILL, so it dies with the harness even when
// the harness itself crashes (no leftovers). It is always reaped here (waitpid): no zombies.
// "Serving" means it answered GET /health on 127.0.0.1:port with any HTTP status (503 while a
// store it depends on is down is still an answer: the process is up).
//
// Threading: call from the harness' fiber thread. start() waits by sleeping on the io::Clock
// given (other fibers run meanwhile); stop() and the destructor block the thread (bounded).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "real/fault/real_fault_port.h"
#include "system/io/clock.h"

namespace fl::real::fault {

struct ServiceProcessSpec {
  std::string name;               // the node name, e.g. "orchestrator"
  std::vector<std::string> argv;  // argv[0]: the executable's path
  std::uint16_t port = 0;         // where it serves HTTP (GET /health)
  std::string log_path;           // stdout and stderr, appended across restarts
};

class ServiceProcess {
 public:
  static constexpr std::int64_t kStartTimeoutNs = 60'000'000'000;
  static constexpr std::int64_t kHealthPollNs = 20'000'000;
  static constexpr std::int64_t kStopGraceNs = 5'000'000'000;
  static constexpr std::size_t kMaxArgs = 64;

  ServiceProcess(ServiceProcessSpec spec, io::Clock& clock);
  ~ServiceProcess();  // stop()
  ServiceProcess(const ServiceProcess&) = delete;
  ServiceProcess& operator=(const ServiceProcess&) = delete;

  // Spawns the process and waits (bounded) until it serves. "" or an error naming the node and
  // the last lines of its log; on error the process is killed and reaped.
  // REQUIRES: not running.
  std::string start();
  // SIGKILL and reap. REQUIRES: running.
  std::string kill();
  std::string pause();   // SIGSTOP. REQUIRES: running, not paused.
  std::string resume();  // SIGCONT. REQUIRES: paused.
  // SIGCONT + SIGTERM, then SIGKILL after kStopGraceNs; reaps. A no-op when not running.
  void stop();
  // Whether the process ended by itself (it is reaped then, and *why says how). Counts as an
  // unexpected exit. False while it runs or after the harness killed it.
  bool died(std::string* why);

  bool running() const { return pid_ > 0; }
  bool paused() const { return paused_; }
  pid_t pid() const { return pid_; }
  int starts() const { return starts_; }
  // Exits this process took that the harness did not cause (it died by itself), so far.
  int unexpected_exits() const { return unexpected_exits_; }
  const ServiceProcessSpec& spec() const { return spec_; }
  // The node as RealFaultPort controls it.
  ProcessNode process_node();

 private:
  std::string spawn();
  // Whether the child has exited (reaps it and records why in *why).
  bool exited(std::string* why);
  std::string log_tail() const;
  // The error of a pause or resume whose wait saw `status` instead; records an ending.
  std::string ended_while_signalled(const std::string& what, int status);

  ServiceProcessSpec spec_;
  io::Clock& clock_;
  pid_t pid_ = -1;
  bool paused_ = false;
  int starts_ = 0;
  int unexpected_exits_ = 0;
};

// A TCP port on 127.0.0.1 that nobody listens on now, in 26000 up to the kernel's ephemeral
// range (where connect() and bind(0) take ports, so a killed service can take its port back;
// apart from the throwaway servers' 20000..25999), drawn from `draw` (any 64-bit values). 0 when
// none was found.
std::uint16_t pick_service_port(const std::vector<std::uint16_t>& taken,
                                const std::function<std::uint64_t()>& draw);

}  // namespace fl::real::fault
