#include "sim/pg/pg_cluster.h"

#include "system/io/assert.h"

namespace fl::sim::pg {

PgCluster::PgCluster(Simulator* sim, PgOptions options) : sim_(sim), options_(options) {
  FL_ASSERT(sim_ != nullptr);
  FL_ASSERT_LE(options_.replication_lag_min_ns, options_.replication_lag_max_ns);
  FL_ASSERT_LE(options_.network_latency_min_ns, options_.network_latency_max_ns);
}

int PgCluster::add_server(const std::string& name) {
  FL_ASSERT_LT(servers_.size(), static_cast<std::size_t>(kMaxServers));
  auto server = std::make_unique<Server>();
  server->name = name;
  server->engine.use_tx_ids_from(1 + (static_cast<TxId>(servers_.size()) << 48));
  Server* raw = server.get();
  const int node =
      sim_->add_node(name, [this, raw](io::Env& env) { start_server(raw->node, env); });
  server->node = node;
  servers_.push_back(std::move(server));
  if (primary_ < 0) primary_ = node;
  return node;
}

bool PgCluster::is_server(int node) const {
  for (const auto& s : servers_) {
    if (s->node == node) return true;
  }
  return false;
}

PgCluster::Server& PgCluster::server_at(int node) {
  for (auto& s : servers_) {
    if (s->node == node) return *s;
  }
  FL_ASSERT_MSG(false, "not a PostgreSQL server: node " << node);
  return *servers_.front();
}

bool PgCluster::fenced(int node) const {
  for (const auto& s : servers_) {
    if (s->node == node) return s->fenced;
  }
  return false;
}

io::Status PgCluster::create_table(const io::TableSchema& schema) {
  for (auto& s : servers_) {
    io::Status st = s->engine.create_table(schema);
    if (!st.is_ok()) return st;
  }
  return io::Status::ok();
}

void PgCluster::wake(Server& server) {
  std::vector<FiberRef> waiters;
  waiters.swap(server.waiters);
  for (const FiberRef& w : waiters) sim_->unpark(w);
}

void PgCluster::on_commit(Server& server) {
  if (options_.synchronous_commit) server.flushed_csn = server.engine.last_csn();
  wake(server);
}

void PgCluster::promote(int node) {
  Server& next = server_at(node);
  if (node == primary_) return;
  Server& old = server_at(primary_);
  old.fenced = true;
  next.fenced = false;
  primary_ = node;
  next.flushed_csn = next.engine.last_csn();
  sim_->trace().note(sim_->now_ns(), "pg promote " + next.name + " (fenced " + old.name + ")");
  wake(old);
}

void PgCluster::start_server(int node, io::Env& env) {
  Server& s = server_at(node);
  if (env.tasks.incarnation() > 1) {
    // Crash recovery: replay the WAL up to what was flushed. In-flight transactions are gone.
    s.engine = MvccEngine::recover(s.engine, s.flushed_csn);
    sim_->trace().note(sim_->now_ns(),
                       "pg recover " + s.name + " to csn " + std::to_string(s.flushed_csn));
  }
  s.ready_incarnation = env.tasks.incarnation();
  wake(s);  // sessions of the old incarnation find their connection gone
  if (!options_.synchronous_commit) {
    env.tasks.spawn("pg-wal-writer", [this, node, &env] { flush_loop(node, env); });
  }
  env.tasks.spawn("pg-walreceiver", [this, node, &env] { stream_loop(node, env); });
}

void PgCluster::flush_loop(int node, io::Env& env) {
  Server& s = server_at(node);
  for (;;) {
    env.clock.sleep_ns(options_.wal_flush_interval_ns);
    s.flushed_csn = s.engine.last_csn();
  }
}

void PgCluster::stream_loop(int node, io::Env& env) {
  Server& me = server_at(node);
  for (;;) {
    env.clock.sleep_ns(
        env.random.between(options_.replication_lag_min_ns, options_.replication_lag_max_ns));
    if (primary_ == node || me.fenced) continue;
    Server& p = server_at(primary_);
    if (!sim_->is_up(primary_) || sim_->network().blocked(primary_, node)) continue;
    const auto& log = p.engine.commit_log();
    // Follow only a primary whose history contains ours (no timeline divergence).
    const Csn mine = me.engine.last_csn();
    std::size_t i = 0;
    while (i < log.size() && log[i].csn <= mine) ++i;
    if (mine > 0 && !me.engine.commit_log().empty()) {
      const auto& last = me.engine.commit_log().back();
      const bool found = i > 0 && log[i - 1].csn == last.csn && log[i - 1].tx == last.tx;
      if (!found) continue;  // diverged: this replica needs a rebuild (not modelled further)
    }
    bool applied = false;
    for (; i < log.size() && log[i].csn <= p.flushed_csn; ++i) {
      me.engine.apply_committed(log[i]);
      applied = true;
    }
    if (applied) {
      me.flushed_csn = me.engine.last_csn();
      wake(p);  // synchronous-replication commits wait for this
    }
  }
}

}  // namespace fl::sim::pg
