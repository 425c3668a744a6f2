// The `sync-crdt` workload: clients play the users of devices d1..dM (sync.h): each operation
// picks a device and an entity e<key> (its CRDT type fixed by the key: types[key % types]) and
//   edit     edits the entity on the device (an operation drawn for its type: LWW and MV sets of
//            unique values, counter increments and decrements, OR-set adds and removes of a few
//            elements, map sets and removes of a few keys),
//   read     reads it on the device,
//   sync     syncs the device now,
//   offline  takes the device offline for up to offline_ms (airplane mode; it syncs on return).
// Edits complete ok when the device made them durable (acknowledged), fail when it refused, info
// when the call's outcome is unknown; ok values carry the edit's dot, what it superseded, the
// device's version vector after it and its HLC, and reads carry the version vector they saw.
// After the heal: final-sync (every device online, uploaded), converge (the regions' digests
// agree, bounded by settle_s), final-download (every device downloads), then final-read of every
// region and every device (their canonical states). The system check "sync" judges the history.
#include "workloads/workload.h"

#include "compose/sync/sync.h"
#include "compose/sync/workload.h"
#include "system/io/assert.h"

namespace fl::compose {
namespace {

using nlohmann::json;
using workloads::Invocation;
using workloads::OptionSpec;

json draw_operation(sync::CrdtType type, const SyncWorkloadConfig& c, std::int64_t* next,
                    io::Random& r) {
  const std::string unique = "v" + std::to_string((*next)++);
  const std::string element = "x" + std::to_string(r.below(static_cast<std::uint64_t>(c.elements)));
  const std::string key = "k" + std::to_string(r.below(static_cast<std::uint64_t>(c.elements)));
  switch (type) {
    case sync::CrdtType::kLwwRegister:
    case sync::CrdtType::kMVRegister:
      return {{"type", "set"}, {"value", unique}};
    case sync::CrdtType::kGCounter:
      return {{"type", "increment"}, {"value", r.between(1, 5)}};
    case sync::CrdtType::kPNCounter:
      return {{"type", r.one_in(3) ? "decrement" : "increment"}, {"value", r.between(1, 5)}};
    case sync::CrdtType::kORSet:
      return {{"type", r.one_in(3) ? "remove" : "add"}, {"value", element}};
    case sync::CrdtType::kLwwMap:
      if (r.one_in(4)) return {{"type", "remove"}, {"key", key}};
      return {{"type", "set"}, {"key", key}, {"value", unique}};
  }
  return json();
}

class SyncWorkload final : public workloads::Workload {
 public:
  explicit SyncWorkload(SyncWorkloadConfig config) : config_(std::move(config)) {}

  io::Status setup(io::Env& env) override {
    if (config_.device_nodes || hub_.started()) return io::Status::ok();
    return hub_.start(env, config_);
  }
  std::unique_ptr<workloads::Client> make_client(io::Env& env) override {
    return make_sync_client(config_, config_.device_nodes ? nullptr : &hub_, env);
  }
  Invocation make_op(const std::string& f, std::int64_t key, io::Random& random) override {
    const std::string device = sync_device_name(
        1 + static_cast<int>(random.below(static_cast<std::uint64_t>(config_.devices))));
    const auto type = config_.types[static_cast<std::size_t>(key) % config_.types.size()];
    const std::string entity = "e" + std::to_string(key);
    if (f == "edit") {
      return {f,
              {{"device", device},
               {"entity", entity},
               {"crdt_type", sync::type_name(type)},
               {"operation", draw_operation(type, config_, &next_value_, random)}}};
    }
    if (f == "read") return {f, {{"device", device}, {"entity", entity}}};
    if (f == "offline") {
      return {f, {{"device", device}, {"duration_ms", random.between(200, config_.offline_ms)}}};
    }
    FL_ASSERT_EQ(f, "sync");
    return {f, {{"device", device}}};
  }
  std::vector<Invocation> final_ops() override {
    std::vector<Invocation> ops;
    for (int d = 1; d <= config_.devices; ++d) {
      ops.push_back({"final-sync", {{"device", sync_device_name(d)}}});
    }
    ops.push_back({"converge", json::object()});
    for (int d = 1; d <= config_.devices; ++d) {
      ops.push_back({"final-download", {{"device", sync_device_name(d)}}});
    }
    for (int s = 1; s <= config_.servers; ++s) {
      ops.push_back({"final-read", {{"replica", sync_server_name(s)}, {"kind", "server"}}});
    }
    for (int d = 1; d <= config_.devices; ++d) {
      ops.push_back({"final-read", {{"replica", sync_device_name(d)}, {"kind", "device"}}});
    }
    return ops;
  }
  // The judgement is the system check "sync" (check.cc), over this history.
  std::vector<workloads::CheckerSpec> checkers() const override { return {}; }

 private:
  SyncWorkloadConfig config_;
  DeviceHub hub_;
  std::int64_t next_value_ = 0;
};

std::unique_ptr<workloads::Workload> make_sync_crdt(const workloads::Options& r,
                                                    std::string* error) {
  SyncWorkloadConfig c;
  c.servers = r.at("servers").get<int>();
  c.devices = r.at("devices").get<int>();
  c.device_nodes = r.at("device_nodes").get<bool>();
  c.offline_ms = r.at("offline_ms").get<std::int64_t>();
  c.settle_ns = static_cast<std::int64_t>(r.at("settle_s").get<double>() * io::kNsPerSec);
  c.elements = r.at("elements").get<int>();
  for (const auto& name : r.at("types")) {
    const auto type = sync::parse_crdt_type(name.get<std::string>());
    if (!type) {
      *error = "types: unknown CRDT type '" + name.get<std::string>() +
               "' (known: " + sync::crdt_type_names() + ")";
      return nullptr;
    }
    c.types.push_back(*type);
  }
  if (c.types.empty()) {
    *error = "types: expected at least one CRDT type";
    return nullptr;
  }
  auto w = std::make_unique<SyncWorkload>(std::move(c));
  if (std::string e = workloads::generator_from_options(
          r, {{"edit", 8}, {"read", 3}, {"sync", 2}, {"offline", 1}}, &w->mutable_generator());
      !e.empty()) {
    *error = e;
    return nullptr;
  }
  return w;
}

}  // namespace

void register_sync_workload() {
  json all = json::array();
  for (sync::CrdtType t : sync::kCrdtTypes) all.push_back(sync::type_name(t));
  workloads::WorkloadInfo info;
  info.name = "sync-crdt";
  info.description =
      "users of offline-first devices edit, read, sync and go offline; judged by "
      "the sync system's check";
  info.options = {
      {"servers", OptionSpec::Kind::kInt, 2, 1, kMaxSyncServers, {}, "regions (as the system's)"},
      {"devices", OptionSpec::Kind::kInt, 4, 1, kMaxSyncDevices, {}, "devices (as the system's)"},
      {"device_nodes",
       OptionSpec::Kind::kBool,
       true,
       0,
       0,
       {},
       "devices are the system's nodes (else this workload plays them)"},
      {"types", OptionSpec::Kind::kStringList, all, 0, 0, {}, "the CRDT types of entities"},
      {"offline_ms",
       OptionSpec::Kind::kInt,
       5000,
       200,
       sync::kMaxOfflineMs,
       {},
       "longest offline stretch"},
      {"settle_s", OptionSpec::Kind::kFloat, 60.0, 1, 3600, {}, "longest wait for convergence"},
      {"elements", OptionSpec::Kind::kInt, 4, 1, 100, {}, "OR-set elements and map keys"},
  };
  info.default_mix = {{"edit", 8}, {"read", 3}, {"sync", 2}, {"offline", 1}};
  info.needs = [](const workloads::Options&) {
    return std::vector<workloads::StoreKind>{workloads::StoreKind::kTransport};
  };
  info.make = make_sync_crdt;
  workloads::register_workload(std::move(info));
}

}  // namespace fl::compose
