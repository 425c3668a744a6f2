// Child processes for sweep and shrink: each seed runs as `faultline run ...` in its own process
// (fork + exec of this very binary), so a crash, an abort or a runaway run of one seed cannot
// take the sweep down, and seeds run in parallel on several cores without sharing anything.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

namespace fl::harness {

// The path of the running executable (/proc/self/exe), or "" if it cannot be read.
std::string self_executable();

// Starts `exe` with `args` (argv[1..]), stdout and stderr appended to `log_path` (its directory
// is created). Returns the child's pid, or -1 with *error set.
pid_t spawn_child(const std::string& exe, const std::vector<std::string>& args,
                  const std::string& log_path, std::string* error);

// Waits for any child to end. Returns its pid (or -1 when there is none, or when a signal
// interrupted the wait and `interrupted` says to stop) and sets *exit_code: the exit status, or
// 128 + signal number when a signal killed it (as a shell reports it). With max_rss_kb non-null,
// sets it to the child's peak resident set in KiB (wait4's ru_maxrss).
pid_t wait_child(int* exit_code, const std::function<bool()>& interrupted = nullptr,
                 long* max_rss_kb = nullptr);

// Until the guard is destroyed, SIGINT and SIGTERM only set a flag (interrupted()) and
// interrupt blocking waits, so that a sweep or a shrink can stop its children and write what it
// has. The second signal of either kind ends the process at once.
class InterruptGuard {
 public:
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;
  static bool interrupted();
  static int signal_number();
};

// Asks `pids` to stop (SIGTERM), waits up to kStopChildrenGraceMs for them, then SIGKILLs and
// reaps what is left. Returns how many had to be killed.
constexpr int kStopChildrenGraceMs = 5000;
int stop_children(const std::vector<pid_t>& pids);

// Runs one child to completion; returns its exit code as wait_child does, or -1 if it could not
// start (with *error set).
int run_child(const std::string& exe, const std::vector<std::string>& args,
              const std::string& log_path, std::string* error);

// Quotes `arg` for a POSIX shell when it needs it (reproduce commands).
std::string shell_quote(const std::string& arg);

}  // namespace fl::harness
