#include "real/redis_cache.h"

#include <hiredis/hiredis.h>
#include <sys/socket.h>

#include "real/fd_wait.h"
#include "system/io/assert.h"

namespace fl::real {
namespace {

constexpr const char* kSetIfAbsentOrGet =
    "local v = redis.call('GET', KEYS[1]) if v then return v end "
    "if tonumber(ARGV[2]) > 0 then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) "
    "else redis.call('SET', KEYS[1], ARGV[1]) end return false";
constexpr const char* kDeleteIfEquals =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end "
    "return 0";
constexpr const char* kExpireIfEquals =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then "
    "return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0";

io::Status broken(bool sent, bool writes, const std::string& why) {
  if (sent && writes) return io::Status::indeterminate(io::ErrorKind::kConnectionLost, why);
  return io::Status::failed(io::ErrorKind::kConnectionLost, why, true);
}

}  // namespace

// A copy of what matters in a hiredis reply (the reply object is freed at once).
struct RedisCache::Reply {
  int type = 0;
  std::int64_t integer = 0;
  std::string str;
};

RedisCache::RedisCache(std::string host, int port, std::size_t idle_pool_size)
    : host_(std::move(host)), port_(port), idle_pool_size_(idle_pool_size) {}

RedisCache::~RedisCache() {
  for (redisContext* c : idle_) redisFree(c);
}

bool RedisCache::parse_url(const std::string& url, std::string* host, int* port) {
  const std::string prefix = "redis://";
  if (url.rfind(prefix, 0) != 0) return false;
  const std::string rest = url.substr(prefix.size());
  const auto colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 >= rest.size()) return false;
  int p = 0;
  for (std::size_t i = colon + 1; i < rest.size(); ++i) {
    if (rest[i] < '0' || rest[i] > '9' || p > 65535) return false;
    p = p * 10 + (rest[i] - '0');
  }
  if (p <= 0 || p > 65535) return false;
  *host = rest.substr(0, colon);
  *port = p;
  return true;
}

io::Result<redisContext*> RedisCache::acquire() {
  if (!idle_.empty()) {
    redisContext* c = idle_.back();
    idle_.pop_back();
    return c;
  }
  if (open_ >= kMaxOpenConnections) {
    return io::Status::failed(io::ErrorKind::kUnavailable, "redis pool exhausted", true);
  }
  redisContext* c = redisConnectNonBlock(host_.c_str(), port_);
  if (c == nullptr) return io::Status::failed(io::ErrorKind::kInternal, "hiredis: no memory");
  const std::int64_t deadline = steady_now_ns() + kCommandTimeoutNs;
  if (c->err != 0 || !wait_fd(c->fd, true, deadline)) {
    const std::string why = c->err ? c->errstr : "connect timeout";
    redisFree(c);
    return io::Status::failed(io::ErrorKind::kConnectionLost, "redis: " + why, true);
  }
  int so_error = 0;
  socklen_t len = sizeof so_error;
  if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &so_error, &len) != 0 || so_error != 0) {
    redisFree(c);
    return io::Status::failed(io::ErrorKind::kConnectionLost, "redis: connection refused", true);
  }
  ++open_;
  return c;
}

void RedisCache::release(redisContext* c, bool healthy) {
  if (healthy && idle_.size() < idle_pool_size_) {
    idle_.push_back(c);
    return;
  }
  redisFree(c);
  FL_ASSERT(open_ > 0);
  --open_;
}

io::Result<std::shared_ptr<RedisCache::Reply>> RedisCache::command(
    const std::vector<std::string>& args, bool writes) {
  for (const auto& a : args) {
    if (a.size() > io::kMaxCacheValueBytes) {
      return io::Status::failed(io::ErrorKind::kInvalidArgument, "argument too large");
    }
  }
  auto conn = acquire();
  if (!conn.is_ok()) return conn.status();
  redisContext* c = conn.value();
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  const std::int64_t deadline = steady_now_ns() + kCommandTimeoutNs;
  bool sent = false;
  auto fail = [&](const std::string& why) {
    release(c, false);
    return broken(sent, writes, "redis: " + why);
  };
  if (redisAppendCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data()) !=
      REDIS_OK) {
    return fail("append");
  }
  for (int done = 0; done == 0;) {
    if (redisBufferWrite(c, &done) != REDIS_OK) return fail("write");
    sent = true;  // some bytes may have left: from here a write's outcome is unknown on failure
    if (done == 0 && !wait_fd(c->fd, true, deadline)) return fail("write timeout");
  }
  void* raw = nullptr;
  constexpr int kMaxReads = 1000000;
  for (int i = 0; i < kMaxReads && raw == nullptr; ++i) {
    if (redisGetReplyFromReader(c, &raw) != REDIS_OK) return fail("protocol error");
    if (raw != nullptr) break;
    if (!wait_fd(c->fd, false, deadline)) return fail("timeout");
    if (redisBufferRead(c) != REDIS_OK) return fail(c->errstr);
  }
  if (raw == nullptr) return fail("no reply");
  auto* reply = static_cast<redisReply*>(raw);
  auto out = std::make_shared<Reply>();
  out->type = reply->type;
  out->integer = reply->integer;
  if (reply->str != nullptr) out->str.assign(reply->str, reply->len);
  freeReplyObject(reply);
  release(c, true);
  if (out->type == REDIS_REPLY_ERROR) {
    return io::Status::failed(io::ErrorKind::kInvalidArgument, "redis: " + out->str);
  }
  return out;
}

io::Result<std::optional<std::string>> RedisCache::get(const std::string& key) {
  auto r = command({"GET", key}, false);
  if (!r.is_ok()) return r.status();
  if (r.value()->type == REDIS_REPLY_NIL) return std::optional<std::string>();
  return std::optional<std::string>(r.value()->str);
}

io::Result<bool> RedisCache::set(const std::string& key, const std::string& value,
                                 io::SetCondition condition, std::int64_t ttl_ms) {
  if (ttl_ms < 0) return io::Status::failed(io::ErrorKind::kInvalidArgument, "negative ttl");
  std::vector<std::string> args = {"SET", key, value};
  if (condition == io::SetCondition::kIfAbsent) args.push_back("NX");
  if (condition == io::SetCondition::kIfPresent) args.push_back("XX");
  if (ttl_ms > 0) {
    args.push_back("PX");
    args.push_back(std::to_string(ttl_ms));
  }
  auto r = command(args, true);
  if (!r.is_ok()) return r.status();
  return r.value()->type != REDIS_REPLY_NIL;
}

io::Result<std::int64_t> RedisCache::incr(const std::string& key, std::int64_t by) {
  auto r = command({"INCRBY", key, std::to_string(by)}, true);
  if (!r.is_ok()) return r.status();
  return r.value()->integer;
}

io::Result<bool> RedisCache::del(const std::string& key) {
  auto r = command({"DEL", key}, true);
  if (!r.is_ok()) return r.status();
  return r.value()->integer > 0;
}

io::Result<bool> RedisCache::expire(const std::string& key, std::int64_t ttl_ms) {
  auto r = command({"PEXPIRE", key, std::to_string(ttl_ms)}, true);
  if (!r.is_ok()) return r.status();
  return r.value()->integer > 0;
}

io::Result<std::optional<std::string>> RedisCache::set_if_absent_or_get(const std::string& key,
                                                                        const std::string& value,
                                                                        std::int64_t ttl_ms) {
  auto r = command({"EVAL", kSetIfAbsentOrGet, "1", key, value, std::to_string(ttl_ms)}, true);
  if (!r.is_ok()) return r.status();
  if (r.value()->type == REDIS_REPLY_NIL) return std::optional<std::string>();
  return std::optional<std::string>(r.value()->str);
}

io::Result<bool> RedisCache::delete_if_equals(const std::string& key, const std::string& expected) {
  auto r = command({"EVAL", kDeleteIfEquals, "1", key, expected}, true);
  if (!r.is_ok()) return r.status();
  return r.value()->integer > 0;
}

io::Result<bool> RedisCache::expire_if_equals(const std::string& key, const std::string& expected,
                                              std::int64_t ttl_ms) {
  auto r = command({"EVAL", kExpireIfEquals, "1", key, expected, std::to_string(ttl_ms)}, true);
  if (!r.is_ok()) return r.status();
  return r.value()->integer > 0;
}

}  // namespace fl::real
