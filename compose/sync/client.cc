// How the sync-crdt workload performs its operations (workload.h): on a device through its
// agent's API (over the simulated network to a device node, or in-process to a device the
// workload plays), and on the regions through the service's API for the final ops.
#include <set>

#include "compose/sync/sync.h"
#include "compose/sync/workload.h"
#include "system/io/assert.h"

namespace fl::compose {
namespace {

using history::OpType;
using nlohmann::json;
using workloads::Completion;
using workloads::Invocation;

constexpr std::int64_t kCallTimeoutNs = 3 * io::kNsPerSec;
constexpr int kMaxFinalSyncRounds = 40;
constexpr std::int64_t kFinalSyncPauseNs = 250 * io::kNsPerMs;
constexpr std::int64_t kConvergePollNs = 500 * io::kNsPerMs;
constexpr std::size_t kMaxFinalPages = 100;
constexpr std::size_t kMaxErrorBytes = 300;

// A response or a seam failure, as one value.
struct Reply {
  io::Status status = io::Status::ok();
  int http = 0;
  json body;
  std::string text;
  bool ok() const { return status.is_ok() && http == 200 && body.is_object(); }
  std::string error() const {
    return status.is_ok() ? std::to_string(http) + " " + text.substr(0, kMaxErrorBytes)
                          : status.to_string();
  }
};

Reply to_reply(io::Result<io::Response> r) {
  Reply out;
  if (!r.is_ok()) {
    out.status = r.status();
    return out;
  }
  out.http = r.value().status;
  out.text = r.value().body;
  out.body = json::parse(out.text, nullptr, false);
  return out;
}

class SyncClient final : public workloads::Client {
 public:
  SyncClient(const SyncWorkloadConfig& config, DeviceHub* hub, io::Env& env)
      : config_(config), hub_(hub), env_(env) {}

  Completion invoke(const Invocation& op) override {
    if (op.f == "edit") return edit(op);
    if (op.f == "read") return read(op);
    if (op.f == "sync" || op.f == "final-download") return sync(op);
    if (op.f == "offline") return offline(op);
    if (op.f == "final-sync") return final_sync(op);
    if (op.f == "converge") return converge(op);
    FL_ASSERT_EQ(op.f, "final-read");
    return op.value.at("kind") == "server" ? read_server(op) : read_device(op);
  }

 private:
  Reply device(const json& value, const std::string& method, const std::string& path,
               const json& body) {
    const std::string device = value.at("device").get<std::string>();
    const io::Request request{method, path, body.is_null() ? "" : body.dump(), {}};
    if (hub_ != nullptr) {
      const io::Response r = hub_->call(device, request);
      return to_reply(r);
    }
    return to_reply(
        env_.transport.call(device, request, env_.clock.deadline_after_ns(kCallTimeoutNs)));
  }
  Reply server(const std::string& node, const std::string& path) {
    return to_reply(env_.transport.call(node, {"GET", path, "", {}},
                                        env_.clock.deadline_after_ns(kCallTimeoutNs)));
  }
  // ok with `extra` merged into the invocation's value; fail when definitely not done; info when
  // the call's outcome is unknown (only for operations that may have changed something).
  // ok with the reply merged into the invocation's value; info when the call's outcome is unknown
  // and it may have changed something; fail otherwise (a refusal changed nothing, except that a
  // failed sync may have done part of its work, which a join makes harmless).
  static Completion complete(const Invocation& op, const Reply& r, bool writes) {
    if (r.ok()) {
      json value = op.value;
      for (auto it = r.body.begin(); it != r.body.end(); ++it) value[it.key()] = *it;
      return {OpType::kOk, value, ""};
    }
    const bool unknown = writes && r.status.is_indeterminate();
    return {unknown ? OpType::kInfo : OpType::kFail, op.value, r.error()};
  }

  Completion edit(const Invocation& op) {
    const json body = {{"entity_id", op.value.at("entity")},
                       {"crdt_type", op.value.at("crdt_type")},
                       {"operation", op.value.at("operation")}};
    Reply r = device(op.value, "POST", "/device/edit", body);
    if (r.ok()) r.body.erase("entity_id");  // the invocation has it as "entity"
    return complete(op, r, true);
  }
  Completion read(const Invocation& op) {
    const std::string path = "/device/read?entity_id=" + op.value.at("entity").get<std::string>();
    Reply r = device(op.value, "GET", path, json());
    if (r.ok()) r.body.erase("entity_id");
    return complete(op, r, false);
  }
  Completion sync(const Invocation& op) {
    return complete(op, device(op.value, "POST", "/device/sync", json::object()), true);
  }
  Completion offline(const Invocation& op) {
    const json body = {{"duration_ms", op.value.at("duration_ms")}};
    return complete(op, device(op.value, "POST", "/device/offline", body), true);
  }

  // Online, then syncs until nothing is left to upload (bounded).
  Completion final_sync(const Invocation& op) {
    Reply r = device(op.value, "POST", "/device/online", json::object());
    for (int round = 0; round < kMaxFinalSyncRounds; ++round) {
      r = device(op.value, "POST", "/device/sync", json::object());
      if (r.ok() && r.body.value("dirty", 1) == 0) return complete(op, r, true);
      env_.clock.sleep_ns(kFinalSyncPauseNs);
    }
    return {OpType::kFail, op.value, "not synced: " + r.error()};
  }

  // Waits (bounded by settle_s) until every region's digest is the same. ok with the digests
  // either way once all answered (the check judges them); fail when one did not answer.
  Completion converge(const Invocation& op) {
    const std::int64_t until = env_.clock.monotonic_ns() + config_.settle_ns;
    json digests;
    for (;;) {
      digests = json::object();
      std::string error;
      std::set<std::string> hashes;
      for (int s = 1; s <= config_.servers; ++s) {
        const Reply r = server(sync_server_name(s), "/api/v1/sync/digest");
        if (!r.ok()) error = sync_server_name(s) + ": " + r.error();
        if (r.ok()) hashes.insert(r.body.value("hash", ""));
        digests[sync_server_name(s)] = r.ok() ? r.body : json(r.error());
      }
      const bool converged = error.empty() && hashes.size() == 1;
      if (converged || env_.clock.monotonic_ns() >= until) {
        json value = {{"converged", converged}, {"digests", digests}};
        if (!error.empty()) return {OpType::kFail, value, error};
        return {OpType::kOk, value, ""};
      }
      env_.clock.sleep_ns(kConvergePollNs);
    }
  }

  Completion read_server(const Invocation& op) {
    const std::string node = op.value.at("replica").get<std::string>();
    json entities = json::object();
    std::string after;
    for (std::size_t page = 0; page < kMaxFinalPages; ++page) {
      const std::string path =
          "/api/v1/sync/entities?limit=1000" + (after.empty() ? std::string() : "&after=" + after);
      const Reply r = server(node, path);
      if (!r.ok()) return {OpType::kFail, op.value, r.error()};
      for (const json& e : r.body["entities"])
        entities[e["entity_id"].get<std::string>()] = e["state"];
      if (!r.body["next"].is_string()) {
        json value = op.value;
        value["entities"] = entities;
        return {OpType::kOk, value, ""};
      }
      after = r.body["next"].get<std::string>();
    }
    return {OpType::kFail, op.value, "more than " + std::to_string(kMaxFinalPages) + " pages"};
  }

  Completion read_device(const Invocation& op) {
    const json who = {{"device", op.value.at("replica")}};
    Reply r = device(who, "GET", "/device/state", json());
    if (r.ok()) r.body.erase("device_id");
    return complete(op, r, false);
  }

  const SyncWorkloadConfig& config_;
  DeviceHub* hub_;
  io::Env& env_;
};

}  // namespace

io::Status DeviceHub::start(io::Env& env, const SyncWorkloadConfig& config) {
  if (env.local == nullptr) {
    return io::Status::failed(io::ErrorKind::kInvalidArgument, "the client has no local disk");
  }
  for (int d = 1; d <= config.devices; ++d) {
    sync::AgentOptions a;
    a.device.device_id = sync_device_name(d);
    a.device.user_id = "user" + std::to_string(d);
    for (int s = 1; s <= config.servers; ++s) a.servers.push_back(sync_server_name(s));
    a.sync_interval_ns = 0;  // the workload's own sync operations, no background fibers
    auto agent = std::make_unique<sync::DeviceAgent>(env, a);
    if (io::Status s = agent->start(); !s.is_ok()) return s;
    auto router = std::make_unique<api::Router>();
    agent->add_routes(*router);
    routers_[a.device.device_id] = std::move(router);
    agents_.push_back(std::move(agent));
  }
  return io::Status::ok();
}

io::Response DeviceHub::call(const std::string& device, const io::Request& request) {
  const auto it = routers_.find(device);
  FL_ASSERT_MSG(it != routers_.end(), "no device " << device);
  return it->second->route(request).response;
}

std::unique_ptr<workloads::Client> make_sync_client(const SyncWorkloadConfig& config,
                                                    DeviceHub* hub, io::Env& env) {
  return std::make_unique<SyncClient>(config, hub, env);
}

}  // namespace fl::compose
