// Proves that a real-mode run leaves no server behind however it ends: `faultline run
// register-cache --mode real` is started as a child process, and once its throwaway PostgreSQL
// and Redis run it is interrupted with SIGINT or killed with SIGKILL; within seconds the servers'
// processes are gone and their directory is removed (real/servers/sentinel.sh does it when the
// run cannot).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>

namespace {
namespace fs = std::filesystem;

std::set<std::string> server_dirs() {
  std::set<std::string> out;
  for (const char* base : {"/dev/shm", "/tmp"}) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(base, ec)) {
      if (e.path().filename().string().rfind("fl-real-", 0) == 0) out.insert(e.path().string());
    }
  }
  return out;
}

pid_t read_pid(const std::string& file) {
  std::ifstream in(file);
  long pid = -1;
  in >> pid;
  return in ? static_cast<pid_t>(pid) : -1;
}

bool alive(pid_t pid) {
  if (pid <= 0 || ::kill(pid, 0) != 0) return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  std::getline(stat, line);
  const auto close = line.rfind(')');
  return close != std::string::npos && line.size() > close + 2 && line[close + 2] != 'Z';
}

template <typename Done>
bool within(std::chrono::seconds limit, Done done) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return true;
}

void run_then_end_it_with(int signal) {
  const auto before = server_dirs();
  const fs::path out = fs::temp_directory_path() / ("fl-orphans-" + std::to_string(signal));
  const pid_t child = ::fork();
  if (child == 0) {
    ::execl(FL_FAULTLINE_PATH, "faultline", "run", "register-cache", "--mode", "real", "--set",
            "duration_s=60", "--out", out.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ASSERT_GT(child, 0);
  std::string dir;
  ASSERT_TRUE(within(std::chrono::seconds(30), [&] {
    for (const auto& d : server_dirs()) {
      if (!before.count(d) && fs::exists(d + "/redis/redis.pid") &&
          fs::exists(d + "/primary/postmaster.pid")) {
        dir = d;
      }
    }
    return !dir.empty();
  })) << "the run's servers did not start";
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const pid_t redis = read_pid(dir + "/redis/redis.pid");
  const pid_t postgres = read_pid(dir + "/primary/postmaster.pid");
  ASSERT_TRUE(alive(redis) && alive(postgres));
  ASSERT_EQ(::kill(child, signal), 0);
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_TRUE(within(std::chrono::seconds(15),
                     [&] { return !alive(redis) && !alive(postgres) && !fs::exists(dir); }))
      << "left behind after signal " << signal << ": redis " << alive(redis) << ", postgres "
      << alive(postgres) << ", " << dir << " " << fs::exists(dir);
  fs::remove_all(out);
}

TEST(Orphans, KilledRunLeavesNoServerBehind) { run_then_end_it_with(SIGKILL); }

TEST(Orphans, InterruptedRunLeavesNoServerBehind) { run_then_end_it_with(SIGINT); }

}  // namespace
