#include "sim/redis/sim_redis.h"

#include "system/io/assert.h"

namespace fl::sim::redis {

RedisServer::RedisServer(Simulator* sim, const std::string& name, RedisOptions options)
    : sim_(sim), options_(options) {
  node_ = sim_->add_node(name, [this](io::Env& env) { start(env); });
}

void RedisServer::start(io::Env& env) {
  // A (re)start loads the append-only file; with persistence off it starts empty.
  state_ = RedisState();
  if (options_.persistence != Persistence::kOff) {
    for (std::size_t i = 0; i < fsynced_; ++i) state_.apply(aof_[i]);
  }
  aof_.resize(fsynced_);
  if (env.tasks.incarnation() > 1) {
    sim_->trace().note(sim_->now_ns(), "redis reload " + std::to_string(fsynced_) + " entries");
  }
  if (options_.persistence == Persistence::kEverySec) {
    env.tasks.spawn("redis-fsync", [this, &env] {
      for (;;) {
        env.clock.sleep_ns(io::kNsPerSec);
        fsynced_ = aof_.size();
      }
    });
  }
}

void RedisServer::log(const std::vector<Effect>& effects) {
  if (options_.persistence == Persistence::kOff) return;
  constexpr std::size_t kMaxAof = 1 << 22;
  FL_ASSERT_LE(aof_.size() + effects.size(), kMaxAof);
  aof_.insert(aof_.end(), effects.begin(), effects.end());
  if (options_.persistence == Persistence::kAlways) fsynced_ = aof_.size();
}

SimKvCache::SimKvCache(RedisServer* server, int client_node, io::Random random)
    : server_(server),
      link_(server->sim(), client_node, server->node(), random, server->options().link) {}

template <typename T, typename F>
io::Result<T> SimKvCache::command(bool writes, const std::string& key, F&& body) {
  Simulator* sim = link_.sim();
  sim->check_alive();
  if (key.size() > io::kMaxCacheKeyBytes) {
    return io::Status::failed(io::ErrorKind::kInvalidArgument, "key too long");
  }
  if (!link_.reachable()) {
    return io::Status::failed(io::ErrorKind::kConnectionLost, "cannot connect to redis", true);
  }
  const std::uint64_t incarnation = sim->incarnation(link_.server());
  const std::int64_t deadline = sim->now_ns() + server_->options().command_timeout_ns;
  if (!link_.leg(incarnation, true, deadline)) {
    return io::Status::failed(io::ErrorKind::kConnectionLost, "redis connection lost", true);
  }
  io::Result<T> result = server_->execute(std::forward<F>(body));
  if (!link_.leg(incarnation, false, deadline)) {
    if (!writes) {
      return io::Status::failed(io::ErrorKind::kConnectionLost, "redis reply lost", true);
    }
    return io::Status::indeterminate(io::ErrorKind::kConnectionLost, "redis reply lost");
  }
  return result;
}

io::Result<std::optional<std::string>> SimKvCache::get(const std::string& key) {
  return command<std::optional<std::string>>(
      false, key, [&](RedisState& s, std::int64_t now, std::vector<Effect>*) {
        return io::Result<std::optional<std::string>>(s.get(key, now));
      });
}

io::Result<bool> SimKvCache::set(const std::string& key, const std::string& value,
                                 io::SetCondition condition, std::int64_t ttl_ms) {
  if (value.size() > io::kMaxCacheValueBytes || ttl_ms < 0) {
    return io::Status::failed(io::ErrorKind::kInvalidArgument, "bad value or ttl");
  }
  return command<bool>(true, key, [&](RedisState& s, std::int64_t now, std::vector<Effect>* e) {
    return io::Result<bool>(s.set(key, value, condition, ttl_ms, now, e));
  });
}

io::Result<std::int64_t> SimKvCache::incr(const std::string& key, std::int64_t by) {
  return command<std::int64_t>(
      true, key, [&](RedisState& s, std::int64_t now, std::vector<Effect>* e) {
        auto v = s.incr(key, by, now, e);
        if (!v) {
          return io::Result<std::int64_t>(io::Status::failed(
              io::ErrorKind::kInvalidArgument, "value is not an integer or out of range"));
        }
        return io::Result<std::int64_t>(*v);
      });
}

io::Result<bool> SimKvCache::del(const std::string& key) {
  return command<bool>(true, key, [&](RedisState& s, std::int64_t now, std::vector<Effect>* e) {
    return io::Result<bool>(s.del(key, now, e));
  });
}

io::Result<bool> SimKvCache::expire(const std::string& key, std::int64_t ttl_ms) {
  return command<bool>(true, key, [&](RedisState& s, std::int64_t now, std::vector<Effect>* e) {
    return io::Result<bool>(s.expire(key, ttl_ms, now, e));
  });
}

io::Result<std::optional<std::string>> SimKvCache::set_if_absent_or_get(const std::string& key,
                                                                        const std::string& value,
                                                                        std::int64_t ttl_ms) {
  return command<std::optional<std::string>>(
      true, key, [&](RedisState& s, std::int64_t now, std::vector<Effect>* e) {
        auto current = s.get(key, now);
        if (current) return io::Result<std::optional<std::string>>(current);
        s.set(key, value, io::SetCondition::kAlways, ttl_ms, now, e);
        return io::Result<std::optional<std::string>>(std::nullopt);
      });
}

io::Result<bool> SimKvCache::delete_if_equals(const std::string& key, const std::string& expected) {
  return command<bool>(true, key, [&](RedisState& s, std::int64_t now, std::vector<Effect>* e) {
    auto current = s.get(key, now);
    return io::Result<bool>(current == expected && s.del(key, now, e));
  });
}

io::Result<bool> SimKvCache::expire_if_equals(const std::string& key, const std::string& expected,
                                              std::int64_t ttl_ms) {
  return command<bool>(true, key, [&](RedisState& s, std::int64_t now, std::vector<Effect>* e) {
    auto current = s.get(key, now);
    return io::Result<bool>(current == expected && s.expire(key, ttl_ms, now, e));
  });
}

}  // namespace fl::sim::redis
