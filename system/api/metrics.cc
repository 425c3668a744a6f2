#include "system/api/metrics.h"

#include <cstdio>

#include "system/io/assert.h"

namespace fl::api {
namespace {

bool valid_metric_name(const std::string& name) {
  if (name.empty() || !(name[0] == '_' || (name[0] >= 'a' && name[0] <= 'z'))) return false;
  for (char c : name) {
    if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

std::string labels_text(const std::map<std::string, std::string>& labels) {
  std::string out;
  for (const auto& [k, v] : labels) {
    out += (out.empty() ? "" : ",") + k + "=\"" + escape_label(v) + "\"";
  }
  return out;
}

}  // namespace

std::string escape_label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

Metrics::Metrics(std::string service) : service_(std::move(service)) {
  FL_ASSERT(!service_.empty());
}

void Metrics::observe_request(const std::string& route, const std::string& method, int status,
                              std::int64_t latency_ns) {
  FL_ASSERT(status >= 100 && status <= 599);
  const Key key{route, method, status};
  auto it = requests_.find(key);
  if (it == requests_.end()) {
    if (requests_.size() >= kMaxSeries) {
      ++dropped_;
      return;
    }
    it = requests_.emplace(key, Histogram{}).first;
  }
  const double sec = static_cast<double>(latency_ns < 0 ? 0 : latency_ns) / 1e9;
  Histogram& h = it->second;
  ++h.count;
  h.sum_sec += sec;
  for (std::size_t i = 0; i < kLatencyBucketsSec.size(); ++i) {
    if (sec <= kLatencyBucketsSec[i]) {
      ++h.buckets[i];
      break;
    }
  }
}

void Metrics::add_gauge(std::string name, std::string help,
                        std::function<bool(std::vector<GaugeSample>*)> sample) {
  FL_ASSERT(valid_metric_name(name));
  FL_ASSERT(sample != nullptr);
  FL_ASSERT_LT(gauges_.size(), kMaxGauges);
  gauges_.push_back({std::move(name), std::move(help), std::move(sample)});
}

void Metrics::count(const std::string& name, const std::map<std::string, std::string>& labels,
                    std::uint64_t by) {
  FL_ASSERT(valid_metric_name(name));
  auto& family = counters_[name];
  const std::string key = labels_text(labels);
  if (family.count(key) == 0 && family.size() >= kMaxSeries) {
    ++dropped_;
    return;
  }
  family[key] += by;
}

std::uint64_t Metrics::requests(const std::string& route, const std::string& method,
                                int status) const {
  auto it = requests_.find(Key{route, method, status});
  return it == requests_.end() ? 0 : it->second.count;
}

void Metrics::render_requests(const std::string& svc, std::string* out_ptr) const {
  std::string& out = *out_ptr;
  out += "# HELP faultline_http_requests_total HTTP requests by route, method and status.\n";
  out += "# TYPE faultline_http_requests_total counter\n";
  for (const auto& [key, h] : requests_) {
    const auto& [route, method, status] = key;
    out += "faultline_http_requests_total{" + svc + ",route=\"" + escape_label(route) +
           "\",method=\"" + escape_label(method) + "\",status=\"" + std::to_string(status) +
           "\"} " + std::to_string(h.count) + "\n";
  }
  out += "# HELP faultline_http_request_duration_seconds HTTP request latency.\n";
  out += "# TYPE faultline_http_request_duration_seconds histogram\n";
  for (const auto& [key, h] : requests_) {
    const auto& [route, method, status] = key;
    const std::string labels = svc + ",route=\"" + escape_label(route) + "\",method=\"" +
                               escape_label(method) + "\",status=\"" + std::to_string(status) +
                               "\"";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kLatencyBucketsSec.size(); ++i) {
      cumulative += h.buckets[i];
      out += "faultline_http_request_duration_seconds_bucket{" + labels + ",le=\"" +
             number(kLatencyBucketsSec[i]) + "\"} " + std::to_string(cumulative) + "\n";
    }
    FL_ASSERT_LE(cumulative, h.count);
    out += "faultline_http_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " +
           std::to_string(h.count) + "\n";
    out +=
        "faultline_http_request_duration_seconds_sum{" + labels + "} " + number(h.sum_sec) + "\n";
    out += "faultline_http_request_duration_seconds_count{" + labels + "} " +
           std::to_string(h.count) + "\n";
  }
}

std::string Metrics::render() {
  std::string out;
  const std::string svc = "service=\"" + escape_label(service_) + "\"";
  render_requests(svc, &out);
  for (const auto& [name, family] : counters_) {
    out += "# TYPE " + name + " counter\n";
    for (const auto& [labels, n] : family) {
      out +=
          name + "{" + svc + (labels.empty() ? "" : ",") + labels + "} " + std::to_string(n) + "\n";
    }
  }
  for (const auto& g : gauges_) {
    std::vector<GaugeSample> samples;
    if (!g.sample(&samples)) {
      ++gauge_errors_;
      samples.clear();
    }
    out += "# HELP " + g.name + " " + g.help + "\n# TYPE " + g.name + " gauge\n";
    for (const auto& s : samples) {
      const std::string labels = labels_text(s.labels);
      out +=
          g.name + "{" + svc + (labels.empty() ? "" : ",") + labels + "} " + number(s.value) + "\n";
    }
  }
  out += "# TYPE faultline_metrics_dropped_total counter\nfaultline_metrics_dropped_total{" + svc +
         "} " + std::to_string(dropped_) + "\n";
  out += "# TYPE faultline_gauge_errors_total counter\nfaultline_gauge_errors_total{" + svc + "} " +
         std::to_string(gauge_errors_) + "\n";
  return out;
}

}  // namespace fl::api
