// RedisServer and SimKvCache: a simulated single-node Redis reachable over the simulated network.
//
// Fault model: the server is a simulated node; a crash loses the in-memory keyspace, and the
// restart reloads the append-only file: with persistence kOff nothing survives, with
// kEverySec what was fsynced by the once-a-second fsync survives (up to ~1 s of acknowledged
// writes are lost), with kAlways every acknowledged write survives. Expiry uses the server's wall
// clock, so a clock jump on the server expires keys early or late. Client side (ServiceLink):
// a command whose connection breaks before the reply is indeterminate if it writes, failed if it
// only reads; a paused server stalls commands until the command timeout.
#pragma once

#include <memory>
#include <vector>

#include "sim/redis/redis_state.h"
#include "sim/service_link.h"

namespace fl::sim::redis {

enum class Persistence : std::uint8_t { kOff, kEverySec, kAlways };

struct RedisOptions {
  Persistence persistence = Persistence::kEverySec;
  LinkTiming link;
  std::int64_t command_timeout_ns = 1 * io::kNsPerSec;
};

class RedisServer {
 public:
  RedisServer(Simulator* sim, const std::string& name, RedisOptions options);
  int node() const { return node_; }
  Simulator* sim() const { return sim_; }
  const RedisOptions& options() const { return options_; }
  // A process kill (not a power loss) is coming: what Redis wrote to the AOF is in the OS page
  // cache and survives it, fsynced or not (used by SimFaultPort's kill without lose_unsynced).
  void keep_written() { fsynced_ = aof_.size(); }

  // Runs one command atomically at the server (Redis is single-threaded) at the server's wall
  // time; its effects go to the append-only file.
  template <typename F>
  auto execute(F&& command) {
    std::vector<Effect> effects;
    auto result = command(state_, sim_->wall_ns(node_), &effects);
    log(effects);
    return result;
  }

 private:
  void start(io::Env& env);
  void log(const std::vector<Effect>& effects);

  Simulator* sim_;
  RedisOptions options_;
  int node_;
  RedisState state_;         // volatile: rebuilt from the AOF on every start
  std::vector<Effect> aof_;  // durable
  std::size_t fsynced_ = 0;  // AOF entries on disk
};

class SimKvCache final : public io::KvCache {
 public:
  SimKvCache(RedisServer* server, int client_node, io::Random random);

  io::Result<std::optional<std::string>> get(const std::string& key) override;
  io::Result<bool> set(const std::string& key, const std::string& value, io::SetCondition condition,
                       std::int64_t ttl_ms) override;
  io::Result<std::int64_t> incr(const std::string& key, std::int64_t by) override;
  io::Result<bool> del(const std::string& key) override;
  io::Result<bool> expire(const std::string& key, std::int64_t ttl_ms) override;
  io::Result<std::optional<std::string>> set_if_absent_or_get(const std::string& key,
                                                              const std::string& value,
                                                              std::int64_t ttl_ms) override;
  io::Result<bool> delete_if_equals(const std::string& key, const std::string& expected) override;
  io::Result<bool> expire_if_equals(const std::string& key, const std::string& expected,
                                    std::int64_t ttl_ms) override;

 private:
  template <typename T, typename F>
  io::Result<T> command(bool writes, const std::string& key, F&& body);

  RedisServer* server_;
  ServiceLink link_;
};

}  // namespace fl::sim::redis
