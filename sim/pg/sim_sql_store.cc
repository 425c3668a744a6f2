#include "sim/pg/sim_sql_store.h"

#include "system/io/assert.h"

namespace fl::sim::pg {
namespace {

io::Status lost(const std::string& why) {
  return io::Status::failed(io::ErrorKind::kConnectionLost, "connection lost: " + why, true);
}

}  // namespace

class SimSqlTransaction final : public io::SqlTransaction {
 public:
  // A stale-read replica (PgOptions::bug_replica_reads_as_primary) and the transaction opened on
  // it for this session's reads; replica < 0: none.
  struct StaleReplica {
    int node = -1;
    std::uint64_t incarnation = 0;
    TxId tx = 0;
  };

  SimSqlTransaction(SimSqlStore* store, int server, std::uint64_t incarnation, TxId tx,
                    bool read_only, StaleReplica replica)
      : store_(store),
        replica_(replica),
        server_(server),
        incarnation_(incarnation),
        tx_(tx),
        read_only_(read_only),
        link_(store->cluster_->sim(), store->client_, server, store->random_.fork(tx),
              LinkTiming{store->cluster_->options().network_latency_min_ns,
                         store->cluster_->options().network_latency_max_ns}) {}
  ~SimSqlTransaction() override { rollback(); }

  io::Result<std::optional<io::Row>> get(const std::string& table, const io::Key& key) override {
    if (io::Status bad = unstorable(key); !bad.is_ok()) return bad;
    if (stale_reads()) {
      return stale_read<std::optional<io::Row>>(
          [&](MvccEngine& db) { return db.get(replica_.tx, table, key); });
    }
    return statement<std::optional<io::Row>>(
        [&](MvccEngine& db, bool) { return db.get(tx_, table, key); });
  }
  io::Status insert(const std::string& table, const io::Row& row) override {
    if (read_only_) return read_only_error();
    if (io::Status bad = unstorable(row); !bad.is_ok()) return bad;
    return status_of(statement<Unit>(
        [&](MvccEngine& db, bool fresh) { return db.insert(tx_, table, row, fresh); }));
  }
  io::Status upsert(const std::string& table, const io::Row& row) override {
    if (read_only_) return read_only_error();
    if (io::Status bad = unstorable(row); !bad.is_ok()) return bad;
    return status_of(statement<Unit>(
        [&](MvccEngine& db, bool fresh) { return db.upsert(tx_, table, row, fresh); }));
  }
  io::Result<bool> update(const std::string& table, const io::Key& key,
                          const std::vector<io::Filter>& conditions,
                          const std::vector<io::Assignment>& assignments) override {
    if (read_only_) return read_only_error();
    std::vector<io::Value> values = key;
    for (const auto& c : conditions) values.push_back(c.value);
    for (const auto& a : assignments) values.push_back(a.value);
    if (io::Status bad = unstorable(values); !bad.is_ok()) return bad;
    return statement<bool>([&](MvccEngine& db, bool fresh) {
      return db.update(tx_, table, key, conditions, assignments, fresh);
    });
  }
  io::Result<bool> remove(const std::string& table, const io::Key& key) override {
    if (read_only_) return read_only_error();
    if (io::Status bad = unstorable(key); !bad.is_ok()) return bad;
    return statement<bool>(
        [&](MvccEngine& db, bool fresh) { return db.remove(tx_, table, key, fresh); });
  }
  io::Result<std::vector<io::Row>> scan(const std::string& table,
                                        const io::ScanSpec& spec) override {
    std::vector<io::Value> values;
    if (spec.from) values.insert(values.end(), spec.from->begin(), spec.from->end());
    if (spec.until) values.insert(values.end(), spec.until->begin(), spec.until->end());
    for (const auto& f : spec.filters) values.push_back(f.value);
    if (io::Status bad = unstorable(values); !bad.is_ok()) return bad;
    if (stale_reads()) {
      return stale_read<std::vector<io::Row>>(
          [&](MvccEngine& db) { return db.scan(replica_.tx, table, spec); });
    }
    return statement<std::vector<io::Row>>(
        [&](MvccEngine& db, bool) { return db.scan(tx_, table, spec); });
  }
  io::Status commit() override;
  void rollback() override;

 private:
  // A key or filter PostgreSQL could not hold (rows are checked by validate_row): refused, and
  // the transaction ends as after any failed statement.
  io::Status unstorable(const std::vector<io::Value>& values) {
    const std::string why = io::validate_texts(values);
    if (why.empty()) return io::Status::ok();
    rollback();
    return io::Status::failed(io::ErrorKind::kInvalidArgument, why);
  }
  template <typename T>
  io::Result<T> statement(const std::function<Op<T>(MvccEngine&, bool)>& op);
  // The broken mode's read path: a round trip to the primary's address, answered by the replica.
  template <typename T>
  io::Result<T> stale_read(const std::function<Op<T>(MvccEngine&)>& op);
  bool stale_reads() const {
    return replica_.node >= 0 && !finished_ && sim().is_up(replica_.node) &&
           sim().incarnation(replica_.node) == replica_.incarnation;
  }
  void end_stale_replica() {
    if (stale_reads()) store_->cluster_->server_at(replica_.node).engine.abort(replica_.tx);
    replica_.node = -1;
  }
  bool connected() const {
    return link_.connected(incarnation_) && !store_->cluster_->fenced(server_);
  }
  bool travel(bool to_server) {
    return link_.leg(incarnation_, to_server, deadline_ns_) && !store_->cluster_->fenced(server_);
  }
  bool wait_unpaused() {
    return link_.wait_unpaused(incarnation_, deadline_ns_) && !store_->cluster_->fenced(server_);
  }
  io::Status wait_for_replica(Csn csn);
  static io::Status status_of(const io::Result<Unit>& r) {
    return r.is_ok() ? io::Status::ok() : r.status();
  }
  io::Status read_only_error() {
    rollback();
    return io::Status::failed(io::ErrorKind::kInvalidArgument,
                              "cannot execute a write in a read-only transaction (replica)");
  }
  PgCluster::Server& server() { return store_->cluster_->server_at(server_); }
  Simulator& sim() const { return *store_->cluster_->sim(); }

  SimSqlStore* store_;
  StaleReplica replica_;
  int server_;
  std::uint64_t incarnation_;
  TxId tx_;
  bool read_only_;
  ServiceLink link_;
  bool finished_ = false;
  std::int64_t deadline_ns_ = 0;  // of the current statement, virtual
};

template <typename T>
io::Result<T> SimSqlTransaction::statement(const std::function<Op<T>(MvccEngine&, bool)>& op) {
  sim().check_alive();
  if (finished_) return io::Status::failed(io::ErrorKind::kInternal, "transaction is finished");
  deadline_ns_ = sim().now_ns() + store_->cluster_->options().statement_timeout_ns;
  if (!travel(true)) {
    rollback();
    return lost("server unreachable");
  }
  bool fresh = true;
  constexpr int kMaxWaits = 10000;
  for (int attempt = 0; attempt < kMaxWaits; ++attempt) {
    Op<T> result = op(server().engine, fresh);
    fresh = false;
    if (result.done.has_value()) {
      if (!result.done->is_ok()) finished_ = true;  // the engine aborted the transaction
      io::Result<T> out = std::move(*result.done);
      if (!travel(false)) {
        rollback();
        return lost("reply lost");
      }
      return out;
    }
    io::Status deadlock = server().engine.note_wait(tx_, result.blocked_on);
    if (!deadlock.is_ok()) {
      finished_ = true;
      return deadlock;
    }
    server().waiters.push_back(sim().current_ref());
    const bool woken = sim().park("a PostgreSQL row lock", deadline_ns_);
    if (connected()) server().engine.clear_wait(tx_);
    if (!woken || !wait_unpaused()) {
      rollback();
      return lost(woken ? "server gone while waiting" : "statement timeout");
    }
  }
  rollback();
  return lost("too many lock waits");
}

template <typename T>
io::Result<T> SimSqlTransaction::stale_read(const std::function<Op<T>(MvccEngine&)>& op) {
  sim().check_alive();
  deadline_ns_ = sim().now_ns() + store_->cluster_->options().statement_timeout_ns;
  if (!travel(true)) {
    rollback();
    return lost("server unreachable");
  }
  Op<T> result = op(store_->cluster_->server_at(replica_.node).engine);
  // A replica has no local writers, so its reads never wait on a row lock.
  FL_ASSERT(result.done.has_value());
  io::Result<T> out = std::move(*result.done);
  if (!out.is_ok()) rollback();
  if (!travel(false)) {
    rollback();
    return lost("reply lost");
  }
  return out;
}

io::Status SimSqlTransaction::commit() {
  sim().check_alive();
  end_stale_replica();
  if (finished_) return io::Status::failed(io::ErrorKind::kInternal, "transaction is finished");
  deadline_ns_ = sim().now_ns() + store_->cluster_->options().statement_timeout_ns;
  if (!travel(true)) {
    rollback();
    return lost("server unreachable before COMMIT was sent");
  }
  finished_ = true;
  io::Status s = server().engine.commit(tx_);
  if (!s.is_ok()) {
    store_->cluster_->wake(server());
    return travel(false)
               ? s
               : io::Status::indeterminate(io::ErrorKind::kConnectionLost, "COMMIT reply lost");
  }
  const Csn csn = server().engine.last_csn();
  store_->cluster_->on_commit(server());
  if (store_->cluster_->options().synchronous_replication && !read_only_) {
    io::Status rep = wait_for_replica(csn);
    if (!rep.is_ok()) return rep;
  }
  if (!travel(false)) {
    return io::Status::indeterminate(io::ErrorKind::kConnectionLost,
                                     "COMMIT sent but its acknowledgement was lost");
  }
  return io::Status::ok();
}

io::Status SimSqlTransaction::wait_for_replica(Csn csn) {
  constexpr int kMaxWakes = 100000;
  for (int i = 0; i < kMaxWakes; ++i) {
    if (!connected()) break;
    for (int node = 0; node < sim().node_count(); ++node) {
      if (node == server_ || !store_->cluster_->is_server(node)) continue;
      if (store_->cluster_->server_at(node).engine.last_csn() >= csn) return io::Status::ok();
    }
    server().waiters.push_back(sim().current_ref());
    if (!sim().park("synchronous replication", deadline_ns_)) break;
  }
  return io::Status::indeterminate(io::ErrorKind::kTimeout,
                                   "committed locally; no synchronous replica confirmed it");
}

void SimSqlTransaction::rollback() {
  end_stale_replica();
  if (finished_) return;
  finished_ = true;
  // The server aborts the transaction when told to, or when it notices the connection is gone.
  Simulator& s = sim();
  if (s.is_up(server_) && s.incarnation(server_) == incarnation_) {
    server().engine.abort(tx_);
    store_->cluster_->wake(server());
  }
}

SimSqlStore::SimSqlStore(PgCluster* cluster, int client_node, io::Random random, int server)
    : cluster_(cluster), client_(client_node), random_(random), server_(server) {
  FL_ASSERT(cluster_ != nullptr);
}

io::Status SimSqlStore::create_table(const io::TableSchema& schema) {
  cluster_->sim()->check_alive();
  return cluster_->create_table(schema);
}

io::Result<std::unique_ptr<io::SqlTransaction>> SimSqlStore::begin(io::Isolation isolation) {
  Simulator& s = *cluster_->sim();
  s.check_alive();
  const int server = server_ >= 0 ? server_ : cluster_->primary();
  if (!s.is_up(server) || cluster_->fenced(server) || s.network().blocked(client_, server) ||
      s.network().blocked(server, client_) ||
      cluster_->server_at(server).ready_incarnation != s.incarnation(server)) {
    return io::Status::failed(io::ErrorKind::kConnectionLost,
                              "could not connect to " + s.node_name(server), true);
  }
  const bool read_only = server != cluster_->primary();
  const PgOptions& options = cluster_->options();
  if (options.bug_serializable_without_validation && isolation == io::Isolation::kSerializable) {
    isolation = io::Isolation::kRepeatableRead;  // the broken mode: no SSI validation
  }
  SimSqlTransaction::StaleReplica replica;
  if (options.bug_replica_reads_as_primary && server_ < 0) {
    for (int node = 0; node < s.node_count() && replica.node < 0; ++node) {
      if (node == server || !cluster_->is_server(node) || !s.is_up(node)) continue;
      replica.node = node;
      replica.incarnation = s.incarnation(node);
      replica.tx = cluster_->server_at(node).engine.begin(isolation);
    }
  }
  PgCluster::Server& srv = cluster_->server_at(server);
  const TxId tx = srv.engine.begin(isolation);
  return std::unique_ptr<io::SqlTransaction>(
      new SimSqlTransaction(this, server, s.incarnation(server), tx, read_only, replica));
}

}  // namespace fl::sim::pg
