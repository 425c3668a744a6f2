#include "sim/coord/sim_coord.h"

#include "system/io/assert.h"

namespace fl::sim::coord {

CoordServer::CoordServer(Simulator* sim, const std::string& name, CoordOptions options)
    : sim_(sim), options_(options) {
  node_ = sim_->add_node(name, [this](io::Env& env) { start(env); });
}

std::int64_t CoordServer::server_now_ns() const { return sim_->skew(node_).local(sim_->now_ns()); }

void CoordServer::start(io::Env& env) {
  if (env.tasks.incarnation() > 1) {
    state_.renew_all(server_now_ns());
    sim_->trace().note(sim_->now_ns(), "coord restart: leases renewed at revision " +
                                           std::to_string(state_.revision()));
  }
}

SimCoordStore::SimCoordStore(CoordServer* server, int client_node, io::Random random)
    : server_(server),
      link_(server->sim(), client_node, server->node(), random, server->options().link) {}

template <typename T, typename F>
io::Result<T> SimCoordStore::command(bool writes, F&& body) {
  Simulator* sim = link_.sim();
  sim->check_alive();
  if (!link_.reachable()) {
    return io::Status::failed(io::ErrorKind::kUnreachable, "cannot connect to etcd", true);
  }
  const std::uint64_t incarnation = sim->incarnation(link_.server());
  const std::int64_t deadline = sim->now_ns() + server_->options().command_timeout_ns;
  if (!link_.leg(incarnation, true, deadline)) {
    return io::Status::failed(io::ErrorKind::kConnectionLost, "etcd connection lost", true);
  }
  io::Result<T> result = server_->execute(std::forward<F>(body));
  if (!link_.leg(incarnation, false, deadline)) {
    if (!writes) return io::Status::failed(io::ErrorKind::kConnectionLost, "etcd reply lost", true);
    return io::Status::indeterminate(io::ErrorKind::kConnectionLost, "etcd reply lost");
  }
  return result;
}

io::Result<io::CoordRead> SimCoordStore::get(const std::string& key) {
  if (auto s = io::check_coord_key(key); !s.is_ok()) return s;
  return command<io::CoordRead>(
      false, [&](CoordState& st, std::int64_t) { return io::Result<io::CoordRead>(st.get(key)); });
}

io::Result<io::CoordRead> SimCoordStore::list(const std::string& prefix) {
  if (auto s = io::check_coord_key(prefix); !s.is_ok()) return s;
  return command<io::CoordRead>(false, [&](CoordState& st, std::int64_t) {
    if (st.count_prefix(prefix) > io::kMaxCoordListEntries) {
      return io::Result<io::CoordRead>(io::Status::failed(
          io::ErrorKind::kInvalidArgument, "more than kMaxCoordListEntries under " + prefix));
    }
    return io::Result<io::CoordRead>(st.list(prefix));
  });
}

io::Result<io::CoordCas> SimCoordStore::put_if(const std::string& key, const std::string& value,
                                               std::int64_t expected_mod_revision,
                                               std::int64_t lease) {
  if (auto s = io::check_coord_key(key); !s.is_ok()) return s;
  if (auto s = io::check_coord_value(value); !s.is_ok()) return s;
  if (expected_mod_revision < 0 || lease < 0) {
    return io::Status::failed(io::ErrorKind::kInvalidArgument, "negative revision or lease");
  }
  return command<io::CoordCas>(true, [&](CoordState& st, std::int64_t) {
    return st.put_if(key, value, expected_mod_revision, lease);
  });
}

io::Result<io::CoordCas> SimCoordStore::delete_if(const std::string& key,
                                                  std::int64_t expected_mod_revision) {
  if (auto s = io::check_coord_key(key); !s.is_ok()) return s;
  if (expected_mod_revision <= 0) {
    return io::Status::failed(io::ErrorKind::kInvalidArgument, "expected revision must be > 0");
  }
  return command<io::CoordCas>(true, [&](CoordState& st, std::int64_t) {
    return io::Result<io::CoordCas>(st.delete_if(key, expected_mod_revision));
  });
}

io::Result<io::CoordLease> SimCoordStore::grant_lease(std::int64_t ttl_s) {
  if (auto s = io::check_coord_ttl(ttl_s); !s.is_ok()) return s;
  return command<io::CoordLease>(true, [&](CoordState& st, std::int64_t now) {
    return io::Result<io::CoordLease>(st.grant(ttl_s, now));
  });
}

io::Result<std::int64_t> SimCoordStore::keep_alive(std::int64_t lease) {
  if (lease <= 0) return io::Status::failed(io::ErrorKind::kInvalidArgument, "lease id <= 0");
  return command<std::int64_t>(true, [&](CoordState& st, std::int64_t now) {
    auto ttl = st.keep_alive(lease, now);
    if (!ttl) {
      return io::Result<std::int64_t>(
          io::Status::failed(io::ErrorKind::kNotFound, "lease expired or revoked"));
    }
    return io::Result<std::int64_t>(*ttl);
  });
}

io::Status SimCoordStore::revoke_lease(std::int64_t lease) {
  if (lease <= 0) return io::Status::failed(io::ErrorKind::kInvalidArgument, "lease id <= 0");
  auto r = command<bool>(true, [&](CoordState& st, std::int64_t) {
    st.revoke(lease);
    return io::Result<bool>(true);
  });
  return r.status();
}

}  // namespace fl::sim::coord
