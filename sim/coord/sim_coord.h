// CoordServer and SimCoordStore: a simulated single-member etcd reachable over the simulated
// network, and its io::CoordStore client.
//
// Fault model: the server is a simulated node. Every acknowledged write is durable (etcd fsyncs
// its WAL before answering), so a crash loses nothing acknowledged; a restart renews every lease
// to its full TTL (etcd's recovery does), so leases may outlive what their holders computed.
// Lease expiry follows the server's own clock (drift applies). Commands run atomically at the
// server in arrival order: the store is linearizable. Client side (ServiceLink): a partition or a
// crash of the server breaks the connection; a command whose request never arrived fails, one
// whose reply was lost is indeterminate if it writes (put_if, delete_if, grant, keep_alive,
// revoke) and failed if it only reads; a paused server stalls commands until the timeout.
#pragma once

#include <cstdint>
#include <string>

#include "sim/coord/coord_state.h"
#include "sim/service_link.h"

namespace fl::sim::coord {

struct CoordOptions {
  LinkTiming link;
  std::int64_t command_timeout_ns = 1 * io::kNsPerSec;
};

class CoordServer {
 public:
  CoordServer(Simulator* sim, const std::string& name, CoordOptions options);
  int node() const { return node_; }
  Simulator* sim() const { return sim_; }
  const CoordOptions& options() const { return options_; }

  // Runs one command atomically at the server, after expiring the leases due by its clock.
  template <typename F>
  auto execute(F&& command) {
    const std::int64_t now = server_now_ns();
    state_.expire(now);
    return command(state_, now);
  }
  // For checks and tests (no network): the state as it is.
  const CoordState& state() const { return state_; }

 private:
  void start(io::Env& env);
  // The server's local time (drift applies; continuous across restarts).
  std::int64_t server_now_ns() const;

  Simulator* sim_;
  CoordOptions options_;
  int node_;
  CoordState state_;  // durable: etcd fsyncs every write before answering
};

class SimCoordStore final : public io::CoordStore {
 public:
  SimCoordStore(CoordServer* server, int client_node, io::Random random);

  io::Result<io::CoordRead> get(const std::string& key) override;
  io::Result<io::CoordRead> list(const std::string& prefix) override;
  io::Result<io::CoordCas> put_if(const std::string& key, const std::string& value,
                                  std::int64_t expected_mod_revision, std::int64_t lease) override;
  io::Result<io::CoordCas> delete_if(const std::string& key,
                                     std::int64_t expected_mod_revision) override;
  io::Result<io::CoordLease> grant_lease(std::int64_t ttl_s) override;
  io::Result<std::int64_t> keep_alive(std::int64_t lease) override;
  io::Status revoke_lease(std::int64_t lease) override;

 private:
  template <typename T, typename F>
  io::Result<T> command(bool writes, F&& body);

  CoordServer* server_;
  ServiceLink link_;
};

}  // namespace fl::sim::coord
