// The two coordination-store backends: the simulated etcd inside one Simulator per run, and a
// throwaway real etcd (real/servers/etcd.sh) per run, reached through real::EtcdCoordStore on
// the production fiber runtime.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <fstream>

#include "real/etcd_coord_store.h"
#include "real/fiber_runtime.h"
#include "real/http_rpc.h"
#include "real/node_runtime.h"
#include "sim/coord/sim_coord.h"
#include "tests/coord/coord_backend.h"

namespace fl::coordtest {
namespace {

class SimBackend final : public CoordBackend {
 public:
  std::string name() const override { return "sim"; }
  void run(const std::function<void()>& body) override {
    sim::SimOptions options;
    options.seed = 20261207;
    sim::Simulator simulator(options);
    sim::coord::CoordServer server(&simulator, "etcd", sim::coord::CoordOptions{});
    sim_ = &simulator;
    node_ = server.node();
    simulator.run([&](io::Env& env) {
      clock_ = &env.clock;
      sim::coord::SimCoordStore store(&server, 0, simulator.random().fork(1));
      store_ = &store;
      env.clock.sleep_ns(io::kNsPerMs);  // let the server start
      body();
    });
  }
  io::Clock& clock() override { return *clock_; }
  io::CoordStore& store() override { return *store_; }
  void crash() override { sim_->crash(node_); }
  void restart() override {
    sim_->restart(node_);
    clock_->sleep_ns(io::kNsPerMs);
  }

 private:
  sim::Simulator* sim_ = nullptr;
  int node_ = 0;
  io::Clock* clock_ = nullptr;
  io::CoordStore* store_ = nullptr;
};

class RealBackend final : public CoordBackend {
 public:
  std::string name() const override { return "real"; }
  void run(const std::function<void()>& body) override {
    char tmpl[] = "/tmp/fl-coord-XXXXXX";
    const char* made = mkdtemp(tmpl);
    ASSERT_NE(made, nullptr);
    dir_ = made;
    struct Stop {
      const std::string& dir;
      ~Stop() {
        script("stop " + dir);
        std::system(("rm -rf " + dir).c_str());
      }
    } stop{dir_};
    ASSERT_EQ(script("start " + dir_), 0) << "could not start etcd (is etcd-server installed?)";
    std::ifstream args(dir_ + "/etcd/args");
    std::string client_port;
    args >> client_port;
    ASSERT_FALSE(client_port.empty());
    real::run_fibers([&] {
      real::RealTasks tasks("coord-test", 1);
      real::HttpTransport transport(&tasks, {{"etcd", "127.0.0.1:" + client_port}}, 0);
      real::EtcdCoordStore store(&transport, &clock_, "etcd");
      store_ = &store;
      body();
    });
  }
  io::Clock& clock() override { return clock_; }
  io::CoordStore& store() override { return *store_; }
  void crash() override { ASSERT_EQ(script("crash " + dir_), 0); }
  void restart() override { ASSERT_EQ(script("restart " + dir_), 0); }

 private:
  static int script(const std::string& args) {
    const std::string cmd = std::string("bash ") + FL_SOURCE_DIR + "/real/servers/etcd.sh " + args;
    return std::system(cmd.c_str());
  }

  std::string dir_;
  real::RealClock clock_;
  io::CoordStore* store_ = nullptr;
};

}  // namespace

std::vector<std::string> coord_backend_names() { return {"sim", "real"}; }

std::unique_ptr<CoordBackend> make_coord_backend(const std::string& name) {
  if (name == "sim") return std::make_unique<SimBackend>();
  if (name == "real") return std::make_unique<RealBackend>();
  return nullptr;
}

}  // namespace fl::coordtest
