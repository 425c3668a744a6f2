// ThrowawayServers: a PostgreSQL 15 primary + streaming replica and a Redis on free loopback
// ports, started by real/servers/start.sh in a fresh temporary directory for one run and stopped
// (and removed) by the destructor — or, when this process dies first (interrupted, aborted,
// killed with SIGKILL), by a sentinel process (real/servers/sentinel.sh) that notices within
// about half a second: no run leaves a server behind. Also describes them as RealFaultPort nodes:
// "pg", "pg-replica", "redis", with the replica streaming from "pg".
//
// Durability settings and what they mean for kill -9 (see real_fault_port.h):
//  - PostgreSQL runs with synchronous_commit=on: an acknowledged commit's WAL is written before
//    the reply, so a process kill loses nothing acknowledged; lose_unsynced is refused.
//  - Redis with appendonly no (the default here) never saves ("save ''"): a kill -9 loses every
//    write, acknowledged or not: kill with lose_unsynced is allowed (a plain kill loses the same).
//    With appendonly yes
//    (appendfsync everysec) the AOF is written before the reply: kill -9 loses nothing
//    acknowledged, so lose_unsynced is refused.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "real/fault/real_fault_port.h"

namespace fl::real::fault {

struct ServersOptions {
  bool redis_appendonly = false;
  std::string scripts_dir;  // "" : $FL_SERVERS_SCRIPTS, else this source tree's real/servers
};

class ThrowawayServers {
 public:
  // Null with *error (naming the script and its last stderr line) when they cannot start.
  static std::unique_ptr<ThrowawayServers> start(const ServersOptions& options, std::string* error);
  ~ThrowawayServers();
  ThrowawayServers(const ThrowawayServers&) = delete;
  ThrowawayServers& operator=(const ThrowawayServers&) = delete;

  const std::string& dir() const { return dir_; }
  std::uint16_t pg_port() const { return pg_port_; }
  std::uint16_t replica_port() const { return replica_port_; }
  std::uint16_t redis_port() const { return redis_port_; }
  // The servers as fault-port nodes and links.
  std::vector<ServerNode> nodes() const;
  std::vector<ReplicationLink> links() const;
  // "bash <scripts>/<args>" with the directory filled in by the caller.
  std::string script(const std::string& args) const;

 private:
  ThrowawayServers() = default;
  std::string stale_locks(const std::string& cluster, std::uint16_t port) const;
  ServersOptions options_;
  std::string scripts_;
  std::string dir_;
  std::uint16_t pg_port_ = 0;
  std::uint16_t replica_port_ = 0;
  std::uint16_t redis_port_ = 0;
};

// A libpq connection string for database `db` on 127.0.0.1:port (user postgres).
std::string pg_conninfo(std::uint16_t port, const std::string& db);

}  // namespace fl::real::fault
