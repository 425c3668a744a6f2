// RedisCache: io::KvCache on real Redis through hiredis, non-blocking on fibers: each command is
// appended, written with redisBufferWrite and read with redisBufferRead/redisGetReplyFromReader,
// waiting for the socket through Asio (never a blocking hiredis call). A small pool of
// connections lets fibers run commands concurrently; the atomic scripts are Lua (EVAL).
// Outcomes: a connection that cannot be opened, or breaks before the command was written, fails
// (retryable); one that breaks or times out after it was written makes a write indeterminate and
// a read failed. An error reply from Redis is kInvalidArgument.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "system/io/kv_cache.h"

typedef struct redisContext redisContext;
typedef struct redisReply redisReply;

namespace fl::real {

class RedisCache final : public io::KvCache {
 public:
  static constexpr std::size_t kMaxOpenConnections = 32;
  static constexpr std::int64_t kCommandTimeoutNs = 5LL * 1000 * 1000 * 1000;

  RedisCache(std::string host, int port, std::size_t idle_pool_size = 4);
  // Parses redis://host:port (the REDIS_URL form); false if malformed.
  static bool parse_url(const std::string& url, std::string* host, int* port);
  ~RedisCache() override;

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
  struct Reply;
  // Runs one command; `writes` decides between failed and indeterminate on a broken connection.
  io::Result<std::shared_ptr<Reply>> command(const std::vector<std::string>& args, bool writes);
  io::Result<redisContext*> acquire();
  void release(redisContext* c, bool healthy);

  std::string host_;
  int port_;
  std::size_t idle_pool_size_;
  std::vector<redisContext*> idle_;
  std::size_t open_ = 0;
};

}  // namespace fl::real
