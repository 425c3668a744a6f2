// `faultline bench events --conninfo C [--clients N] [--seconds S]`: the event store as
// production assembles it (the "event-store" service in a ServiceHost on a real node, PgStore on
// real PostgreSQL, Kafka: librdkafka's in-process mock cluster), driven through its API handler
// in this process (the HTTP socket left out): N fibers each append Deposit commands to a stream
// of their own (POST /api/v1/commands), while a catch-up subscriber follows GET /api/v1/log and
// the projections run. Prints appends/s, the subscriber's lag (events behind the head, and the
// delay from an append's acknowledgement to its delivery) and the projections' lag.
// docs/benchmarks.md has the commands that run it beside pgbench on the same server.
#include <algorithm>
#include <boost/fiber/fiber.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iomanip>
#include <map>
#include <nlohmann/json.hpp>

#include "cli/args.h"
#include "cli/cli.h"
#include "compose/host.h"
#include "real/kafka_log.h"
#include "real/node_runtime.h"
#include "real/pg_store.h"

namespace fl::cli {
namespace {

using nlohmann::json;
constexpr std::int64_t kSampleEveryNs = 100 * io::kNsPerMs;
constexpr std::size_t kSubscriberPage = 500;
constexpr std::size_t kMaxDelaySamples = 10'000'000;

struct Lag {
  std::vector<double> events;     // head - checkpoint, sampled
  std::vector<double> delays_ms;  // acknowledgement -> delivery, per event
  std::map<std::string, std::vector<double>> projections;
};

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

double mean(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return v.empty() ? 0 : sum / static_cast<double>(v.size());
}

json call(const io::Handler& handler, const std::string& method, const std::string& path,
          const json& body, int* status) {
  const io::Response r = handler({method, path, body.is_null() ? "" : body.dump(), {}});
  *status = r.status;
  return json::parse(r.body, nullptr, false);
}

struct Run {
  std::uint64_t committed = 0, failed = 0;
  std::map<std::int64_t, std::int64_t> acked_at;  // position -> monotonic ns
  Lag lag;
  double wall = 0;
};

// Appends until `until`: Deposit commands to the stream of client `c`.
void append_loop(const io::Handler& handler, io::Clock& clock, const std::string& run, int c,
                 std::int64_t until, Run* out) {
  const std::string id = "bench-" + run + "-" + std::to_string(c);
  int status = 0;
  call(handler, "POST", "/api/v1/commands",
       {{"aggregate_id", id}, {"command_type", "CreateAccount"}, {"data", {{"owner", "bench"}}}},
       &status);
  while (clock.monotonic_ns() < until) {
    const json reply = call(
        handler, "POST", "/api/v1/commands",
        {{"aggregate_id", id}, {"command_type", "Deposit"}, {"data", {{"amount", 1}}}}, &status);
    if (status != 201) {
      ++out->failed;
      continue;
    }
    ++out->committed;
    if (out->acked_at.size() < kMaxDelaySamples) {
      out->acked_at[reply.value("position", std::int64_t{0})] = clock.monotonic_ns();
    }
  }
}

// Follows the log until `until` (then until it has caught up with what was appended).
void subscribe_loop(const io::Handler& handler, io::Clock& clock, std::int64_t until, Run* out) {
  std::int64_t after = 0;
  int status = 0;
  const json start = call(handler, "GET", "/api/v1/log?after=0&limit=1", nullptr, &status);
  after = start.value("head", std::int64_t{0});  // earlier runs' events are not this run's
  std::int64_t next_sample = clock.monotonic_ns();
  for (;;) {
    const json page = call(
        handler, "GET",
        "/api/v1/log?after=" + std::to_string(after) + "&limit=" + std::to_string(kSubscriberPage),
        nullptr, &status);
    const std::int64_t now = clock.monotonic_ns();
    if (status == 200) {
      for (const auto& e : page["events"]) {
        after = e.value("position", after);
        const auto acked = out->acked_at.find(after);
        if (acked != out->acked_at.end()) {
          out->lag.delays_ms.push_back(static_cast<double>(now - acked->second) / 1e6);
        }
      }
      if (now >= next_sample && now < until) {
        out->lag.events.push_back(static_cast<double>(page.value("head", after) - after));
        next_sample = now + kSampleEveryNs;
      }
      if (now >= until && page["events"].empty()) return;
    }
    if (page["events"].empty()) clock.sleep_ns(io::kNsPerMs);
  }
}

void projection_loop(const io::Handler& handler, io::Clock& clock, std::int64_t until, Run* out) {
  while (clock.monotonic_ns() < until) {
    int status = 0;
    const json p = call(handler, "GET", "/api/v1/projections", nullptr, &status);
    for (const auto& x : p.value("projections", json::array())) {
      out->lag.projections[x.value("name", "")].push_back(x.value("lag", 0.0));
    }
    clock.sleep_ns(kSampleEveryNs);
  }
}

void report(const Run& r, std::uint64_t clients, std::ostream& out) {
  out << std::fixed << std::setprecision(1)
      << "event-store appends/s: " << static_cast<double>(r.committed) / r.wall << " ("
      << r.committed << " committed, " << r.failed << " failed, " << clients << " fibers, "
      << r.wall << " s)\n"
      << "subscriber lag events: mean " << mean(r.lag.events) << ", p99 "
      << percentile(r.lag.events, 0.99) << ", max " << percentile(r.lag.events, 1.0) << "\n"
      << "subscriber delivery delay ms: p50 " << percentile(r.lag.delays_ms, 0.5) << ", p99 "
      << percentile(r.lag.delays_ms, 0.99) << ", max " << percentile(r.lag.delays_ms, 1.0) << " ("
      << r.lag.delays_ms.size() << " events)\n";
  for (const auto& [name, v] : r.lag.projections) {
    out << "projection " << name << " lag events: mean " << mean(v) << ", max "
        << percentile(v, 1.0) << "\n";
  }
}

}  // namespace

int bench_events(const Args& args, std::ostream& out, std::ostream& err) {
  CLI::App app{"Appends through the event store's API on real PostgreSQL, with a subscriber.",
               "events"};
  std::string conninfo;
  std::uint64_t clients = 4, seconds = 5;
  app.add_option("--conninfo", conninfo, "libpq connection string")->required();
  app.add_option("--clients", clients, "appending fibers, a stream each")->check(CLI::Range(1, 64));
  app.add_option("--seconds", seconds, "how long to append")->check(CLI::Range(1, 600));
  if (auto code = parse_command(app, args, out, err)) return *code;
  const compose::ServiceInfo* info = compose::find_service("event-store");
  if (info == nullptr) {
    err << "faultline bench events: no event-store service in this build\n";
    return kExitHarness;
  }
  Run run;
  bool ready = false;
  real::run_fibers([&] {
    const std::string tag =
        std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
    // Deliberately never freed (as `faultline serve` does): the service's projection fibers stay
    // parked on these objects after this function returns.
    auto* node = new real::RealNode("bench-events", 1, {}, 0);
    auto* sql = new real::PgStore(conninfo, clients + 4);
    auto* mock = new real::KafkaMockCluster(1);
    real::KafkaOptions ko;
    ko.brokers = mock->bootstraps();
    ko.create_topic_via = [mock](const std::string& t, int n) { return mock->create_topic(t, n); };
    auto* events = new real::KafkaLog(ko);
    io::Env& env = node->env();
    env.sql = sql;
    env.events = events;
    compose::HostOptions ho;
    ho.log_level = api::LogLevel::kWarn;
    ho.log_sink = [&err](const std::string& line) { err << line << "\n"; };
    auto& host = *new compose::ServiceHost(*info, env, nlohmann::json(), std::move(ho));
    if (io::Status s = host.start(); !s.is_ok()) {
      err << "faultline bench events: " << s.to_string() << "\n";
      return;
    }
    ready = true;
    const io::Handler handler = host.handler();
    const auto start = std::chrono::steady_clock::now();
    const std::int64_t until =
        env.clock.monotonic_ns() + static_cast<std::int64_t>(seconds) * io::kNsPerSec;
    std::vector<boost::fibers::fiber> fibers;
    for (std::uint64_t c = 0; c < clients; ++c) {
      fibers.emplace_back(
          [&, c] { append_loop(handler, env.clock, tag, static_cast<int>(c), until, &run); });
    }
    fibers.emplace_back([&] { subscribe_loop(handler, env.clock, until, &run); });
    fibers.emplace_back([&] { projection_loop(handler, env.clock, until, &run); });
    for (std::size_t i = 0; i < clients; ++i) fibers[i].join();
    run.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    for (std::size_t i = clients; i < fibers.size(); ++i) fibers[i].join();
  });
  // As `faultline serve` ends: the service's parked fibers and librdkafka's threads hold the
  // objects above, so the process leaves without running destructors (a normal exit hung).
  if (ready) report(run, clients, out);
  out.flush();
  err.flush();
  std::fflush(nullptr);
  std::_Exit(ready ? kExitPass : kExitHarness);
}

}  // namespace fl::cli
