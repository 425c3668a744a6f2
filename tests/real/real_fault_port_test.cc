// Proves RealFaultPort against real servers (PostgreSQL 15 primary + streaming replica, Redis 7,
// fresh per test on loopback): kill -9 of the postmaster's whole tree makes the proxied port
// fail, restart brings it back with every committed row (synchronous_commit=on); lose_unsynced
// is refused for PostgreSQL and for Redis with appendonly yes, and allowed for Redis with
// appendonly no, where any kill -9 really loses the key; pause freezes Redis (no reply) and
// resume delivers the reply; a partition isolating the replica stops replication until heal,
// one isolating the primary stalls the harness' link to it while Redis stays reachable; link
// delay shows in round trips, loss and clock faults are refused with reasons; heal_all restarts
// and resumes whatever is still down. The Kafka mock as a controlled node: kill and a partition
// from the harness refuse connections to its broker, restart and heal accept them again, pause
// and lose_unsynced are refused with reasons.
#include "real/fault/real_fault_port.h"

#include <gtest/gtest.h>

#include "real/fault/kafka_mock_node.h"
#include "real/fault/process_control.h"
#include "real/node_runtime.h"
#include "tests/real/fault_support.h"

namespace fl::real::fault {
namespace {

using nemeses::FaultKind;
using testing::now_ms;
using testing::pg_query;
using testing::RawClient;
using testing::redis_call;

struct Rig {
  std::unique_ptr<ThrowawayServers> servers;
  RealClock clock;
  std::unique_ptr<RealFaultPort> port;
};

std::unique_ptr<Rig> make_rig(bool redis_appendonly) {
  auto rig = std::make_unique<Rig>();
  std::string error;
  ServersOptions o;
  o.redis_appendonly = redis_appendonly;
  rig->servers = ThrowawayServers::start(o, &error);
  EXPECT_NE(rig->servers, nullptr) << error;
  if (rig->servers == nullptr) return nullptr;
  rig->port =
      RealFaultPort::create(rig->clock, rig->servers->nodes(), rig->servers->links(), 7, &error);
  EXPECT_NE(rig->port, nullptr) << error;
  if (rig->port == nullptr) return nullptr;
  return rig;
}

// Polls the replica until `sql` answers `want` or `timeout_ms` passes.
bool replica_shows(Rig& rig, const std::string& sql, const std::string& want, int timeout_ms) {
  const double until = now_ms() + timeout_ms;
  for (int i = 0; i < 1000 && now_ms() < until; ++i) {
    if (pg_query(rig.servers->replica_port(), sql) == want) return true;
    ::usleep(20'000);
  }
  return false;
}

TEST(RealFaultPort, KillAndRestartPostgresKeepsCommittedRows) {
  auto rig = make_rig(false);
  ASSERT_NE(rig, nullptr);
  const std::uint16_t pg = rig->port->client_port("pg");
  ASSERT_EQ(pg_query(pg, "CREATE TABLE k (id int primary key)"), "");
  ASSERT_EQ(pg_query(pg, "INSERT INTO k VALUES (1)"), "");
  EXPECT_NE(rig->port->kill("pg", true).find("synchronous_commit"), std::string::npos);
  std::string error;
  const pid_t pid = read_pid_file(rig->servers->dir() + "/primary/postmaster.pid", &error);
  ASSERT_GT(pid, 0) << error;
  const auto tree = process_tree(pid);
  ASSERT_GT(tree.size(), 3u);  // postmaster, checkpointer, walwriter, ...
  ASSERT_EQ(rig->port->kill("pg", false), "");
  for (pid_t p : tree) EXPECT_FALSE(process_alive(p)) << p;
  EXPECT_EQ(pg_query(pg, "SELECT 1").rfind("ERROR", 0), 0u);
  EXPECT_NE(rig->port->kill("pg", false), "");  // already killed
  ASSERT_EQ(rig->port->restart("pg"), "");
  EXPECT_EQ(pg_query(pg, "SELECT count(*) FROM k"), "1");
  EXPECT_NE(rig->port->restart("pg"), "");  // not killed
}

TEST(RealFaultPort, RedisWithoutAofLosesWritesOnKill) {
  auto rig = make_rig(false);
  ASSERT_NE(rig, nullptr);
  EXPECT_EQ(rig->port->refuse(FaultKind::kLoseUnsynced), "");
  RawClient c(rig->port->client_port("redis"));
  ASSERT_EQ(redis_call(c, "SET a 1", 5, 2000), "+OK\r\n");
  ASSERT_EQ(rig->port->kill("redis", true), "");
  EXPECT_EQ(redis_call(c, "GET a", 5, 1000), "");
  EXPECT_TRUE(c.closed());
  ASSERT_EQ(rig->port->heal_all(), "");  // restarts it
  RawClient d(rig->port->client_port("redis"));
  EXPECT_EQ(redis_call(d, "GET a", 5, 2000), "$-1\r\n");  // lost
  // A plain kill -9 is allowed too and loses the same (nothing was ever synced).
  ASSERT_EQ(redis_call(d, "SET b 1", 5, 2000), "+OK\r\n");
  ASSERT_EQ(rig->port->kill("redis", false), "");
  ASSERT_EQ(rig->port->restart("redis"), "");
  RawClient e(rig->port->client_port("redis"));
  EXPECT_EQ(redis_call(e, "GET b", 5, 2000), "$-1\r\n");
}

TEST(RealFaultPort, RedisWithAofRefusesLoseUnsyncedAndKeepsWritesOnKill) {
  auto rig = make_rig(true);
  ASSERT_NE(rig, nullptr);
  EXPECT_NE(rig->port->refuse(FaultKind::kLoseUnsynced).find("appendonly yes"), std::string::npos);
  RawClient c(rig->port->client_port("redis"));
  ASSERT_EQ(redis_call(c, "SET a 1", 5, 2000), "+OK\r\n");
  EXPECT_NE(rig->port->kill("redis", true), "");
  ASSERT_EQ(rig->port->kill("redis", false), "");
  ASSERT_EQ(rig->port->restart("redis"), "");
  RawClient d(rig->port->client_port("redis"));
  EXPECT_EQ(redis_call(d, "GET a", 7, 2000), "$1\r\n1\r\n");
}

TEST(RealFaultPort, PauseFreezesAndResumeDelivers) {
  auto rig = make_rig(false);
  ASSERT_NE(rig, nullptr);
  RawClient c(rig->port->client_port("redis"));
  ASSERT_EQ(redis_call(c, "PING", 7, 2000), "+PONG\r\n");
  ASSERT_EQ(rig->port->pause("redis"), "");
  EXPECT_TRUE(rig->port->is_paused("redis"));
  EXPECT_EQ(redis_call(c, "PING", 7, 300), "");
  EXPECT_NE(rig->port->pause("redis"), "");
  ASSERT_EQ(rig->port->resume("redis"), "");
  EXPECT_EQ(c.recv_for(7, 2000), "+PONG\r\n");
  EXPECT_NE(rig->port->resume("redis"), "");
  // A paused postmaster tree: the proxied port accepts but nothing answers; heal_all thaws it.
  ASSERT_EQ(rig->port->pause("pg"), "");
  ASSERT_EQ(rig->port->heal_all(), "");
  EXPECT_EQ(pg_query(rig->port->client_port("pg"), "SELECT 2"), "2");
}

TEST(RealFaultPort, PartitionsStallReplicationAndClientLinks) {
  auto rig = make_rig(false);
  ASSERT_NE(rig, nullptr);
  const std::uint16_t pg = rig->servers->pg_port();
  ASSERT_EQ(pg_query(pg, "CREATE TABLE p (id int primary key)"), "");
  ASSERT_TRUE(replica_shows(*rig, "SELECT count(*) FROM p", "0", 5000));
  // The replica alone: replication stalls; the harness (with the majority) still reaches pg.
  ASSERT_EQ(rig->port->partition({{"pg", "redis"}, {"pg-replica"}}), "");
  ASSERT_EQ(pg_query(rig->port->client_port("pg"), "INSERT INTO p VALUES (1)"), "");
  EXPECT_FALSE(replica_shows(*rig, "SELECT count(*) FROM p", "1", 700));
  ASSERT_EQ(rig->port->heal_network(), "");
  EXPECT_TRUE(replica_shows(*rig, "SELECT count(*) FROM p", "1", 10000));
  // The primary alone: the harness' link to it stalls, Redis answers.
  ASSERT_EQ(rig->port->partition({{"pg"}, {"pg-replica", "redis"}}), "");
  RawClient to_pg(rig->port->client_port("pg"));
  ASSERT_TRUE(to_pg.ok());  // the proxy accepts; bytes are held
  ASSERT_TRUE(to_pg.send_all(std::string("\0\0\0\x08\x04\xd2\x16\x2f", 8)));  // SSLRequest
  EXPECT_EQ(to_pg.recv_for(1, 300), "");
  RawClient to_redis(rig->port->client_port("redis"));
  EXPECT_EQ(redis_call(to_redis, "PING", 7, 2000), "+PONG\r\n");
  ASSERT_EQ(rig->port->heal_all(), "");
  EXPECT_EQ(to_pg.recv_for(1, 2000), "N");  // the held request went through
  EXPECT_NE(rig->port->partition({{"pg"}, {"nope"}}), "");
}

TEST(RealFaultPort, LinkDelayOneWayAndRefusals) {
  auto rig = make_rig(false);
  ASSERT_NE(rig, nullptr);
  nemeses::LinkFaults f;
  f.delay_ns = 60'000'000;
  ASSERT_EQ(rig->port->set_link_faults(kHarness, "redis", f), "");
  RawClient c(rig->port->client_port("redis"));
  const double t0 = now_ms();
  ASSERT_EQ(redis_call(c, "PING", 7, 3000), "+PONG\r\n");
  EXPECT_GE(now_ms() - t0, 120);  // both directions
  f.loss = 0.1;
  EXPECT_NE(rig->port->set_link_faults(kHarness, "redis", f).find("TCP"), std::string::npos);
  EXPECT_NE(rig->port->set_link_faults("redis", "pg", f), "");
  ASSERT_EQ(rig->port->block_one_way("pg", "pg-replica"), "");
  EXPECT_EQ(rig->port->client_proxy("redis").faults(Direction::kToServer).delay_ns, 60'000'000);
  EXPECT_EQ(rig->port->block_one_way("redis", "pg"), "");  // no traffic there: in force as is
  EXPECT_NE(rig->port->block_one_way("redis", "nope"), "");
  EXPECT_NE(rig->port->refuse(FaultKind::kClock), "");
  EXPECT_NE(rig->port->set_clock("pg", 1, 0).find("clock"), std::string::npos);
  EXPECT_EQ(rig->port->refuse(FaultKind::kPartition), "");
  EXPECT_EQ(rig->port->nodes(), (std::vector<std::string>{"pg", "pg-replica", "redis"}));
  ASSERT_EQ(rig->port->heal_all(), "");
  EXPECT_EQ(rig->port->client_proxy("redis").faults(Direction::kToServer).delay_ns, 0);
}

TEST(RealFaultPort, KafkaMockIsKilledPartitionedAndHealed) {
  KafkaMockNode kafka(1);
  RealClock clock;
  std::string error;
  auto port = RealFaultPort::create(clock, {}, {}, 1, &error);
  ASSERT_NE(port, nullptr) << error;
  ASSERT_EQ(port->add_controlled_node(kafka.controlled_node()), "");
  EXPECT_NE(port->add_controlled_node(kafka.controlled_node()), "");  // duplicate
  const std::string& b = kafka.bootstraps();
  const auto port_of_broker = static_cast<std::uint16_t>(std::stoi(b.substr(b.rfind(':') + 1)));
  EXPECT_TRUE(RawClient(port_of_broker).ok());
  ASSERT_EQ(port->kill("kafka", false), "");
  EXPECT_FALSE(RawClient(port_of_broker).ok());
  ASSERT_EQ(port->restart("kafka"), "");
  EXPECT_TRUE(RawClient(port_of_broker).ok());
  // On a tie the harness stands with the first group: the second one is cut off.
  KafkaMockNode other(1);
  ASSERT_EQ(port->add_controlled_node(other.controlled_node("kafka2")), "");
  ASSERT_EQ(port->partition({{"kafka2"}, {"kafka"}}), "");
  EXPECT_FALSE(RawClient(port_of_broker).ok());
  EXPECT_NE(port->partition({{"kafka"}, {"nope"}}), "");
  ASSERT_EQ(port->heal_network(), "");
  EXPECT_TRUE(RawClient(port_of_broker).ok());
  ASSERT_EQ(port->partition({{"kafka"}, {"kafka2"}}), "");
  EXPECT_TRUE(RawClient(port_of_broker).ok());
  EXPECT_NE(port->pause("kafka").find("cannot be frozen"), std::string::npos);
  EXPECT_NE(port->kill("kafka", true), "");
  nemeses::LinkFaults delay;
  delay.delay_ns = 20'000'000;
  EXPECT_EQ(port->set_link_faults(kHarness, "kafka", delay), "");
  ASSERT_EQ(port->heal_all(), "");
  EXPECT_TRUE(RawClient(port_of_broker).ok());
  EXPECT_EQ(port->nodes(), (std::vector<std::string>{"kafka", "kafka2"}));
}

}  // namespace
}  // namespace fl::real::fault
