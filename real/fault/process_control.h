// Process control for real-mode faults: the server processes named by a pid file (a PostgreSQL
// postmaster with its backends, a Redis), signalled as one tree, and shell commands for the start
// scripts (real/servers/*.sh).
//
// Fault model: kill_tree() is a machine-level crash of the server (SIGKILL to the root and every
// descendant, frozen first with SIGSTOP so the root cannot react, e.g. a postmaster restarting
// its children); pause_tree() freezes every process of the server (a VM or GC pause), and
// resume_pids() thaws exactly the processes that were frozen. Nothing here touches the OS page
// cache: what a server wrote before a kill -9 survives, as it would after a process crash.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace fl::real::fault {

constexpr std::size_t kMaxTreeProcesses = 512;
constexpr std::int64_t kKillWaitNs = 5'000'000'000;

// The pid on the first line of `pid_file`, or -1 (with *error set) when it is missing or bad.
pid_t read_pid_file(const std::string& pid_file, std::string* error);
// `root` and its descendants (breadth-first, at most kMaxTreeProcesses), from /proc.
std::vector<pid_t> process_tree(pid_t root);
// Whether `pid` runs (a zombie counts as gone: PID 1 here may not reap it).
bool process_alive(pid_t pid);

// SIGSTOP the tree, then SIGKILL it, then wait until none of it is alive. "" or an error.
std::string kill_tree(pid_t root);
// SIGSTOP every process of the tree; fills *stopped with what was frozen. "" or an error.
std::string pause_tree(pid_t root, std::vector<pid_t>* stopped);
// SIGCONT each pid (those already gone are skipped). "" or an error.
std::string resume_pids(const std::vector<pid_t>& pids);

// Runs `command` through /bin/sh; "" on exit status 0, else one line with the status, the
// command and the last line it wrote to stderr.
std::string run_command(const std::string& command);

}  // namespace fl::real::fault
