// The real backend: PostgreSQL 15 (primary + streaming replica) started by real/servers on free
// loopback ports the first time it is used in this process, a fresh database per run, PgStore
// sessions on the asynchronous fiber runtime, a Redis (appendonly no) through RedisCache, and
// Kafka through librdkafka against its in-process mock cluster (one per run).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>

#include "real/fiber_runtime.h"
#include "real/kafka_log.h"
#include "real/node_runtime.h"
#include "real/pg_store.h"
#include "real/redis_cache.h"
#include "tests/contract/backend.h"

namespace fl::contract {
namespace {

struct Servers {
  std::string dir;
  std::map<std::string, std::string> env;
  bool ok = false;
};

// Starts a fresh primary + replica + Redis for one run (about a second): every run starts from
// the same state whatever an earlier one crashed, paused or promoted.
Servers start_servers() {
  Servers out;
  char tmpl[] = "/tmp/fl-contract-XXXXXX";
  const char* made = mkdtemp(tmpl);
  if (made == nullptr) return out;
  out.dir = made;
  const std::string start =
      std::string("bash ") + FL_SOURCE_DIR + "/real/servers/start.sh " + out.dir + " >&2";
  if (std::system(start.c_str()) != 0) return out;
  std::ifstream in(out.dir + "/env");
  for (std::string line; std::getline(in, line);) {
    const auto eq = line.find('=');
    if (line.rfind("export ", 0) != 0 || eq == std::string::npos) continue;
    out.env[line.substr(7, eq - 7)] = line.substr(eq + 1);
  }
  out.ok = out.env.count("PGPORT") && out.env.count("FL_PG_REPLICA_PORT");
  return out;
}

void stop_servers(const Servers& s) {
  if (s.dir.empty()) return;
  const std::string stop = std::string("bash ") + FL_SOURCE_DIR + "/real/servers/stop.sh " + s.dir;
  (void)std::system(stop.c_str());
}

std::string conninfo(const std::string& port, const std::string& db) {
  return "host=127.0.0.1 port=" + port + " user=postgres dbname=" + db + " connect_timeout=5";
}

class RealBackend final : public Backend {
 public:
  std::string name() const override { return "real"; }

  void run(const std::function<void()>& body) override {
    Servers s = start_servers();
    servers_ = &s;
    struct Stop {
      const Servers& s;
      ~Stop() { stop_servers(s); }
    } stop{s};
    if (!s.ok) {
      ADD_FAILURE() << "could not start the test servers (see stderr)";
      return;
    }
    static int counter = 0;
    const std::string db = "fl_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
    real::run_fibers([&] {
      {
        auto admin = real::PgConn::open(conninfo(s.env["PGPORT"], "postgres"));
        ASSERT_TRUE(admin.is_ok()) << admin.status().to_string();
        auto created = admin.value()->exec("CREATE DATABASE " + db);
        ASSERT_TRUE(created.is_ok()) << created.status().to_string();
      }
      real::PgStore primary(conninfo(s.env["PGPORT"], db));
      real::PgStore replica(conninfo(s.env["FL_PG_REPLICA_PORT"], db));
      std::string redis_host;
      int redis_port = 0;
      ASSERT_TRUE(real::RedisCache::parse_url(s.env["REDIS_URL"], &redis_host, &redis_port));
      real::RedisCache cache(redis_host, redis_port);
      ASSERT_TRUE(cache.incr("fl:flush-marker", 0).is_ok());
      cache_ = &cache;
      real::KafkaMockCluster kafka(1);
      brokers_ = kafka.bootstraps();
      kafka_ = &kafka;
      sql_ = &primary;
      replica_ = &replica;
      db_ = db;
      // The new database reaches the replica through WAL streaming.
      for (int i = 0; i < 100; ++i) {
        if (real::PgConn::open(conninfo(s.env["FL_PG_REPLICA_PORT"], db)).is_ok()) break;
        clock_.sleep_ns(50 * io::kNsPerMs);
      }
      body();
    });
  }

  io::Clock& clock() override { return clock_; }
  io::SqlStore& sql() override { return *sql_; }
  io::SqlStore& replica_sql() override { return *replica_; }
  io::KvCache& cache() override { return *cache_; }
  std::unique_ptr<io::EventLog> events(const std::string& member) override {
    real::KafkaOptions o;
    o.brokers = brokers_;
    o.client_id = member;
    o.create_topic_via = [this](const std::string& t, int n) { return kafka_->create_topic(t, n); };
    return std::make_unique<real::KafkaLog>(o);
  }
  void crash_sql() override { script("pg.sh crash " + servers_->dir + " primary"); }
  void restart_sql() override { script("pg.sh start " + servers_->dir + " primary"); }
  void crash_cache() override { script("redis.sh crash " + servers_->dir); }
  void restart_cache() override { script("redis.sh restart " + servers_->dir); }
  void crash_replica() override { script("pg.sh crash " + servers_->dir + " replica"); }
  void restart_replica() override { script("pg.sh start " + servers_->dir + " replica"); }
  void promote_replica() override { script("pg.sh promote " + servers_->dir); }
  void pause_replica() override { on_replica("SELECT pg_wal_replay_pause()"); }
  void resume_replica() override { on_replica("SELECT pg_wal_replay_resume()"); }
  std::int64_t session_timeout_ns() const override { return 15 * io::kNsPerSec; }

 private:
  static void script(const std::string& args) {
    const std::string cmd = std::string("bash ") + FL_SOURCE_DIR + "/real/servers/" + args;
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  }
  void on_replica(const std::string& sql) {
    auto conn = real::PgConn::open(conninfo(servers_->env["FL_PG_REPLICA_PORT"], db_));
    ASSERT_TRUE(conn.is_ok()) << conn.status().to_string();
    auto res = conn.value()->exec(sql);
    ASSERT_TRUE(res.is_ok()) << res.status().to_string();
  }

  real::RealClock clock_;
  io::SqlStore* sql_ = nullptr;
  io::SqlStore* replica_ = nullptr;
  io::KvCache* cache_ = nullptr;
  std::string db_;
  Servers* servers_ = nullptr;
  std::string brokers_;
  real::KafkaMockCluster* kafka_ = nullptr;
};

}  // namespace

std::unique_ptr<Backend> make_real_backend() { return std::make_unique<RealBackend>(); }

}  // namespace fl::contract
