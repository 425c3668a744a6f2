// The sync server as a ServiceInfo (compose/service.h): "sync" on the seeds' port 8091, with
// PostgreSQL; the same start-up in simulation and in `faultline serve sync`.
#include <memory>

#include "compose/service.h"
#include "compose/sync/sync.h"
#include "system/io/assert.h"
#include "system/sync/sync_api.h"

namespace fl::compose {
namespace {

using Kind = options::OptionSpec::Kind;

constexpr std::int64_t kMaxAntiEntropyMs = 60000;

// "sync2,sync3" -> {"sync2", "sync3"} (empty items dropped).
std::vector<std::string> split_peers(const std::string& text) {
  std::vector<std::string> out;
  std::string item;
  for (char c : text + ",") {
    if (c != ',') {
      item.push_back(c);
      continue;
    }
    if (!item.empty()) out.push_back(item);
    item.clear();
  }
  return out;
}

io::Result<std::shared_ptr<void>> start_sync(ServiceContext& c) {
  sync::SyncOptions o;
  o.region = c.options.at("region").get<std::string>();
  o.peers = split_peers(c.options.at("peers").get<std::string>());
  o.anti_entropy_interval_ns = c.options.at("anti_entropy_ms").get<std::int64_t>() * io::kNsPerMs;
  const std::string bug = c.options.at("bug").get<std::string>();
  o.rules.crdt.lww_no_tiebreak = bug == "lww-no-tiebreak";
  o.rules.crdt.orset_remove_by_element = bug == "orset-remove-by-element";
  o.rules.bug_vv_compare = bug == "vv-compare";
  if (!o.region.empty() && !sync::valid_region(o.region)) {
    return io::Status::failed(io::ErrorKind::kInvalidArgument,
                              "region '" + o.region + "': expected [a-z0-9_]{1,32}");
  }
  if (o.peers.size() > sync::kMaxPeers) {
    return io::Status::failed(io::ErrorKind::kInvalidArgument, "too many peers");
  }
  auto server = std::make_shared<sync::SyncServer>(c.env, o);
  if (io::Status s = server->start(); !s.is_ok()) return s;
  api::add_sync_routes(c.router, *server, c.log);
  api::add_sync_metrics(c.metrics, *server);
  c.log.info("region started", {{"region", server->region()}, {"peers", o.peers}});
  return std::shared_ptr<void>(server);
}

}  // namespace

void register_sync_service() {
  ServiceInfo info;
  info.name = "sync";
  info.node = "sync";
  info.system = "sync";
  info.description =
      "offline-first sync with CRDTs: /api/v1/sync/{register-device,upload,download}, "
      "/api/v1/crdt/merge";
  info.default_port = 8091;
  info.sql = true;
  info.health_table = sync::kRegionsTable;
  std::vector<std::string> bugs;
  for (const auto& b : sync_bug_names()) {
    if (b != "lww-wall-clock") bugs.push_back(b);  // a device's bug, not the server's
  }
  info.options = {
      {{"region", Kind::kString, "", 0, 0, {}, "this region's name ([a-z0-9_]); \"\": the node's"},
       "SYNC_REGION"},
      {{"peers", Kind::kString, "", 0, 0, {}, "the other regions' node names, comma separated"},
       "SYNC_PEERS"},
      {{"anti_entropy_ms", Kind::kInt, 200, 1, kMaxAntiEntropyMs, {}, "pull period per peer"},
       "SYNC_ANTI_ENTROPY_MS"},
      {{"bug", Kind::kString, "none", 0, 0, bugs, "a known-bug switch (docs/known-bugs.md)"},
       "",
       /*simulation_only=*/true},
  };
  info.start = start_sync;
  register_service(std::move(info));
}

void register_sync() {
  register_sync_service();
  register_sync_system();
  register_sync_workload();
  register_sync_benchmark();
}

std::string sync_server_name(int i) { return "sync" + std::to_string(i); }
std::string sync_device_name(int i) { return "d" + std::to_string(i); }

const std::vector<std::string>& sync_bug_names() {
  static const std::vector<std::string> names = {"none", "lww-wall-clock", "lww-no-tiebreak",
                                                 "orset-remove-by-element", "vv-compare"};
  return names;
}

}  // namespace fl::compose
