// Metrics: request counters and latency histograms by route, method and status, plus gauges that
// the service computes on demand (saga counts by state), rendered in the Prometheus text
// exposition format (version 0.0.4) for GET /metrics.
//
// Contract: observe_request() and render() run on the serving node's fibers (one thread), so no
// locking. Series are keyed by route *pattern*, never the raw path, and capped at kMaxSeries;
// observations for new label sets past the cap are counted in faultline_metrics_dropped_total.
// Output is sorted by metric and labels, so it is stable for tests.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace fl::api {

constexpr std::size_t kMaxSeries = 1024;
constexpr std::size_t kMaxGauges = 16;
// Upper bounds of the latency buckets, in seconds (+Inf implied).
constexpr std::array<double, 12> kLatencyBucketsSec = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                       0.1,   0.25,   0.5,   1.0,  2.5,   5.0};

struct GaugeSample {
  std::map<std::string, std::string> labels;
  double value = 0;
};

class Metrics {
 public:
  explicit Metrics(std::string service);

  void observe_request(const std::string& route, const std::string& method, int status,
                       std::int64_t latency_ns);
  // A gauge family whose samples `sample` computes at each render (it may fail: then the family
  // reports no samples and faultline_gauge_errors_total counts it).
  // REQUIRES: fewer than kMaxGauges gauges, a [a-z_][a-z0-9_]* name.
  void add_gauge(std::string name, std::string help,
                 std::function<bool(std::vector<GaugeSample>*)> sample);
  // Increments a named counter family with labels (e.g. sagas created by type).
  void count(const std::string& name, const std::map<std::string, std::string>& labels,
             std::uint64_t by = 1);

  std::string render();

  // For tests.
  std::uint64_t requests(const std::string& route, const std::string& method, int status) const;

 private:
  using Key = std::tuple<std::string, std::string, int>;  // route, method, status
  struct Histogram {
    std::array<std::uint64_t, kLatencyBucketsSec.size()> buckets{};  // non-cumulative
    std::uint64_t count = 0;
    double sum_sec = 0;
  };
  struct Gauge {
    std::string name;
    std::string help;
    std::function<bool(std::vector<GaugeSample>*)> sample;
  };

  void render_requests(const std::string& svc, std::string* out) const;

  std::string service_;
  std::map<Key, Histogram> requests_;
  std::map<std::string, std::map<std::string, std::uint64_t>> counters_;  // name -> labels -> n
  std::vector<Gauge> gauges_;
  std::uint64_t dropped_ = 0;
  std::uint64_t gauge_errors_ = 0;
};

// Escapes a Prometheus label value (backslash, quote, newline).
std::string escape_label(const std::string& value);

}  // namespace fl::api
