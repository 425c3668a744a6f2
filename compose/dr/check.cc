// The DR check (dr.h), from the history of the dr-set workload:
//  - one primary: every timeline is acknowledged by one node, and no write is acknowledged on a
//    timeline if it was invoked after a write on a newer timeline had been acknowledged (then
//    two primaries acknowledged in overlapping time: fencing failed);
//  - RPO: the final read (the primary's whole table after the heal) holds every acknowledged
//    write in synchronous mode; in asynchronous mode what a timeline lost is at most
//    maximum_lag_on_failover plus what it acknowledged in its last lease window (Patroni's bound);
//  - RTO: from the last acknowledgement on a timeline to the first on the next, at most the
//    target (measured on the virtual clock; an upper bound of failure -> first write).
#include <algorithm>
#include <map>
#include <set>

#include "compose/dr/dr.h"
#include "system/io/clock.h"

namespace fl::compose {
namespace {

constexpr std::size_t kMaxProblems = 50;

struct Ack {
  std::string element, node;
  std::int64_t timeline = 0, invoked_ns = 0, acked_ns = 0;
};

struct Judged {
  std::vector<std::string> problems;
  void problem(std::string text) {
    if (problems.size() < kMaxProblems) problems.push_back(std::move(text));
  }
};

std::string text(const nlohmann::json& v, const char* key) {
  return v.is_object() && v.contains(key) && v[key].is_string() ? v[key].get<std::string>() : "";
}

// The acknowledged adds, and the last ok final read's elements (nullopt: none).
void collect(const history::History& h, std::vector<Ack>* acks,
             std::optional<std::set<std::string>>* final_read) {
  std::map<std::int64_t, std::int64_t> invoked;  // process -> its open invocation's time
  for (const auto& op : h.ops) {
    if (op.process == history::kNemesisProcess) continue;
    if (op.type == history::OpType::kInvoke) {
      invoked[op.process] = op.time_ns;
      continue;
    }
    if (op.type != history::OpType::kOk) continue;
    if (op.f == "add") {
      acks->push_back({text(op.value, "element"), text(op.value, "node"),
                       op.value.value("timeline", std::int64_t{0}), invoked[op.process],
                       op.time_ns});
    } else if (op.f == "read" && op.value.is_object() && op.value.contains("elements")) {
      std::set<std::string> elements;
      for (const auto& e : op.value["elements"]) {
        if (e.is_string()) elements.insert(e.get<std::string>());
      }
      *final_read = std::move(elements);
    }
  }
}

struct Timeline {
  std::string node;
  std::int64_t first_ack_ns = INT64_MAX, last_ack_ns = 0, acks = 0, lost = 0;
};

void check_one_primary(const std::vector<Ack>& acks, std::map<std::int64_t, Timeline>& tls,
                       Judged* j) {
  for (const Ack& a : acks) {
    Timeline& t = tls[a.timeline];
    if (t.node.empty()) t.node = a.node;
    if (t.node != a.node) {
      j->problem("timeline " + std::to_string(a.timeline) + " acknowledged by " + t.node + " and " +
                 a.node);
    }
    t.first_ack_ns = std::min(t.first_ack_ns, a.acked_ns);
    t.last_ack_ns = std::max(t.last_ack_ns, a.acked_ns);
    ++t.acks;
  }
  // newer_first[t]: the earliest acknowledgement on any timeline newer than t.
  std::map<std::int64_t, std::int64_t> newer_first;
  std::int64_t earliest = INT64_MAX;
  for (auto it = tls.rbegin(); it != tls.rend(); ++it) {
    newer_first[it->first] = earliest;
    earliest = std::min(earliest, it->second.first_ack_ns);
  }
  for (const Ack& a : acks) {
    if (a.invoked_ns > newer_first[a.timeline]) {
      j->problem("two primaries: " + a.element + " acknowledged by " + a.node + " on timeline " +
                 std::to_string(a.timeline) + " though invoked at " +
                 std::to_string(a.invoked_ns / io::kNsPerMs) +
                 " ms, after a newer timeline had acknowledged a write (at " +
                 std::to_string(newer_first[a.timeline] / io::kNsPerMs) + " ms)");
    }
  }
}

void check_rpo(const std::vector<Ack>& acks, const std::set<std::string>& final_read,
               const DrCheckConfig& c, std::map<std::int64_t, Timeline>& tls, Judged* j) {
  for (const Ack& a : acks) {
    if (final_read.count(a.element) != 0) continue;
    ++tls[a.timeline].lost;
    if (c.synchronous) {
      j->problem("lost acknowledged write (synchronous mode): " + a.element + " acknowledged by " +
                 a.node + " on timeline " + std::to_string(a.timeline) + " at " +
                 std::to_string(a.acked_ns / io::kNsPerMs) + " ms");
    }
  }
  if (c.synchronous) return;
  for (const auto& [id, t] : tls) {
    std::int64_t window = 0;
    for (const Ack& a : acks) {
      if (a.timeline == id && a.acked_ns >= t.last_ack_ns - c.lease_window_ns) ++window;
    }
    if (t.lost > c.maximum_lag_on_failover + window) {
      j->problem("timeline " + std::to_string(id) + " lost " + std::to_string(t.lost) +
                 " acknowledged writes, beyond maximum_lag_on_failover (" +
                 std::to_string(c.maximum_lag_on_failover) + ") + its last lease window (" +
                 std::to_string(window) + ")");
    }
  }
}

}  // namespace

checkers::CheckOutcome judge_dr(const history::History& history, const DrCheckConfig& config) {
  std::vector<Ack> acks;
  std::optional<std::set<std::string>> final_read;
  collect(history, &acks, &final_read);
  Judged j;
  std::map<std::int64_t, Timeline> tls;
  check_one_primary(acks, tls, &j);
  std::int64_t lost = 0;
  if (final_read) {
    check_rpo(acks, *final_read, config, tls, &j);
    for (const auto& [id, t] : tls) lost += t.lost;
  }
  nlohmann::json rto_ms = nlohmann::json::array();
  const Timeline* previous = nullptr;
  for (const auto& [id, t] : tls) {
    if (previous != nullptr) {
      const std::int64_t rto = t.first_ack_ns - previous->last_ack_ns;
      rto_ms.push_back(rto / io::kNsPerMs);
      if (rto > config.rto_target_ns) {
        j.problem("RTO " + std::to_string(rto / io::kNsPerMs) + " ms before timeline " +
                  std::to_string(id) + ", over the target " +
                  std::to_string(config.rto_target_ns / io::kNsPerMs) + " ms");
      }
    }
    previous = &t;
  }
  checkers::CheckOutcome out;
  out.valid = !j.problems.empty()      ? checkers::Validity::kFalse
              : final_read.has_value() ? checkers::Validity::kTrue
                                       : checkers::Validity::kUnknown;
  out.result = {{"valid", checkers::validity_json(out.valid)},
                {"acknowledged", acks.size()},
                {"lost", lost},
                {"timelines", tls.size()},
                {"rto_ms", rto_ms},
                {"final_read", final_read.has_value()},
                {"problems", j.problems}};
  return out;
}

}  // namespace fl::compose
