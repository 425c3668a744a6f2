#include "real/fault/throwaway_servers.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>

#include "real/fault/process_control.h"
#include "system/io/assert.h"

#ifndef FL_SERVERS_SCRIPTS_DIR
#error "FL_SERVERS_SCRIPTS_DIR must name real/servers (set in real/CMakeLists.txt)"
#endif

namespace fl::real::fault {
namespace {

std::map<std::string, std::string> read_env_file(const std::string& path) {
  std::map<std::string, std::string> env;
  std::ifstream in(path);
  constexpr std::size_t kMaxLines = 64;
  std::size_t lines = 0;
  for (std::string line; lines < kMaxLines && std::getline(in, line); ++lines) {
    const auto eq = line.find('=');
    if (line.rfind("export ", 0) != 0 || eq == std::string::npos) continue;
    env[line.substr(7, eq - 7)] = line.substr(eq + 1);
  }
  return env;
}

std::uint16_t port_of(const std::map<std::string, std::string>& env, const std::string& key) {
  const auto it = env.find(key);
  if (it == env.end()) return 0;
  const long port = std::strtol(it->second.c_str(), nullptr, 10);
  return port > 0 && port < 65536 ? static_cast<std::uint16_t>(port) : 0;
}

}  // namespace

std::string pg_conninfo(std::uint16_t port, const std::string& db) {
  return "host=127.0.0.1 port=" + std::to_string(port) + " user=postgres dbname=" + db +
         " connect_timeout=5";
}

std::unique_ptr<ThrowawayServers> ThrowawayServers::start(const ServersOptions& options,
                                                          std::string* error) {
  FL_ASSERT(error != nullptr);
  std::unique_ptr<ThrowawayServers> s(new ThrowawayServers());
  s->options_ = options;
  s->scripts_ = options.scripts_dir;
  const char* from_env = getenv("FL_SERVERS_SCRIPTS");
  if (s->scripts_.empty()) s->scripts_ = from_env != nullptr ? from_env : FL_SERVERS_SCRIPTS_DIR;
  // In memory when possible: a loaded machine's disk made a start take 16 s instead of 1 s.
  char shm_tmpl[] = "/dev/shm/fl-real-XXXXXX";
  char tmp_tmpl[] = "/tmp/fl-real-XXXXXX";
  char* tmpl = mkdtemp(shm_tmpl) != nullptr ? shm_tmpl : tmp_tmpl;
  if (tmpl == tmp_tmpl && mkdtemp(tmp_tmpl) == nullptr) {
    *error = "cannot create a temporary directory for the servers";
    return nullptr;
  }
  s->dir_ = tmpl;
  // The sentinel stops the servers if this process dies without doing so (sentinel.sh).
  *error = run_command("setsid " +
                       s->script("sentinel.sh " + s->dir_ + " " + std::to_string(::getpid())) +
                       " < /dev/null > /dev/null 2>&1 & echo $! > " + s->dir_ + "/sentinel.pid");
  if (!error->empty()) return nullptr;
  const std::string aof = options.redis_appendonly ? "yes" : "no";
  *error = run_command("FL_REDIS_APPENDONLY=" + aof + " " + s->script("start.sh " + s->dir_));
  if (!error->empty()) return nullptr;  // the destructor stops what did start
  const auto env = read_env_file(s->dir_ + "/env");
  s->pg_port_ = port_of(env, "PGPORT");
  s->replica_port_ = port_of(env, "FL_PG_REPLICA_PORT");
  s->redis_port_ = port_of(env, "FL_REDIS_PORT");
  if (s->pg_port_ == 0 || s->replica_port_ == 0 || s->redis_port_ == 0) {
    *error = "start.sh wrote no usable ports to " + s->dir_ + "/env";
    return nullptr;
  }
  return s;
}

ThrowawayServers::~ThrowawayServers() {
  if (dir_.empty()) return;
  // Thaw anything a test left frozen, or pg_ctl stop would wait for it.
  for (const char* pid_file :
       {"/primary/postmaster.pid", "/replica/postmaster.pid", "/redis/redis.pid"}) {
    std::string ignored;
    const pid_t pid = read_pid_file(dir_ + pid_file, &ignored);
    if (pid > 0 && process_alive(pid)) (void)resume_pids(process_tree(pid));
  }
  std::string ignored;
  const pid_t sentinel = read_pid_file(dir_ + "/sentinel.pid", &ignored);
  (void)run_command(script("stop.sh " + dir_));
  if (sentinel > 0) ::kill(sentinel, SIGTERM);  // its work is done
}

std::string ThrowawayServers::script(const std::string& args) const {
  return "bash " + scripts_ + "/" + args;
}

// A killed postmaster stays a zombie here (PID 1 does not reap it), so PostgreSQL's own check
// ("is the pid in the lock file alive?") would refuse to start: the kill removes both lock files.
std::string ThrowawayServers::stale_locks(const std::string& cluster, std::uint16_t port) const {
  return "rm -f " + dir_ + "/" + cluster + "/postmaster.pid " + dir_ + "/.s.PGSQL." +
         std::to_string(port) + ".lock";
}

std::vector<ServerNode> ThrowawayServers::nodes() const {
  const std::string pg_refusal =
      "PostgreSQL runs with synchronous_commit=on: a commit is acknowledged after its WAL is "
      "written, so a process kill cannot lose it (only an OS crash could, which we cannot cause)";
  std::vector<ServerNode> out;
  ServerNode pg{"pg",
                pg_port_,
                dir_ + "/primary/postmaster.pid",
                script("pg.sh start " + dir_ + " primary"),
                pg_refusal,
                stale_locks("primary", pg_port_)};
  ServerNode replica{"pg-replica",
                     replica_port_,
                     dir_ + "/replica/postmaster.pid",
                     script("pg.sh start " + dir_ + " replica"),
                     pg_refusal,
                     stale_locks("replica", replica_port_)};
  const std::string redis_refusal =
      options_.redis_appendonly
          ? "Redis runs with appendonly yes (appendfsync everysec): the AOF is written before the "
            "reply, so a kill -9 loses nothing acknowledged (only an OS crash could)"
          : "";
  ServerNode redis{
      "redis",       redis_port_, dir_ + "/redis/redis.pid", script("redis.sh restart " + dir_),
      redis_refusal, ""};
  out.push_back(std::move(pg));
  out.push_back(std::move(replica));
  out.push_back(std::move(redis));
  return out;
}

std::vector<ReplicationLink> ThrowawayServers::links() const {
  return {ReplicationLink{"pg", "pg-replica", script("pg.sh upstream " + dir_ + " {port}")}};
}

}  // namespace fl::real::fault
