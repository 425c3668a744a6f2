// SimSqlStore: a client node's io::SqlStore session against a PgCluster over the simulated
// network. Every statement is a round trip to the server node.
//
// Fault model (on top of PgCluster's): a statement whose request or reply cannot cross the
// network (partition), or whose server crashed, restarted or was fenced meanwhile, fails with
// kConnectionLost and the server aborts the transaction; if that happens to a COMMIT after the
// request was sent, the outcome is indeterminate (the commit may have happened). A paused server
// stalls statements; a statement that cannot finish within statement_timeout_ns fails the same
// way. Waiting on a row lock blocks the session as PostgreSQL does.
#pragma once

#include <memory>

#include "sim/pg/pg_cluster.h"
#include "sim/service_link.h"
#include "system/io/sql_store.h"

namespace fl::sim::pg {

class SimSqlStore final : public io::SqlStore {
 public:
  // `server`: the server node to connect to, or -1 for whichever is the primary at begin().
  SimSqlStore(PgCluster* cluster, int client_node, io::Random random, int server = -1);

  io::Status create_table(const io::TableSchema& schema) override;
  io::Result<std::unique_ptr<io::SqlTransaction>> begin(io::Isolation isolation) override;

 private:
  friend class SimSqlTransaction;
  PgCluster* cluster_;
  int client_;
  io::Random random_;
  int server_;
};

}  // namespace fl::sim::pg
