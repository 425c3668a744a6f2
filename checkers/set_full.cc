// The "set" checker, after Jepsen's set-full: f "add" (value: the element) and f "read" (value:
// the elements). An element is known once its add is acknowledged or a read has seen it; every
// read that begins after that should contain it. Per element:
//   lost        known, missing from a read begun after, and from every later read;
//   stale       known, missing from a read begun after, but present again later;
//   unexpected  read but never added (or its add failed);
//   recovered   its add's outcome was unknown, yet a read saw it (not an error);
//   never-read  known, but no read began after that (not an error).
// Invalid iff anything is lost, stale or unexpected.
#include <map>

#include "checkers/anomalies.h"
#include "checkers/calls.h"
#include "checkers/checker_impls.h"

namespace fl::checkers {
namespace {

constexpr std::size_t kMaxWork = 400'000'000;  // elements x reads examined; beyond it: unknown
constexpr std::size_t kMaxListed = 100;        // elements listed per outcome in the result

struct Element {
  const Call* add = nullptr;          // the add (the first one, if added twice)
  std::size_t known = kNoCompletion;  // history position from which reads must contain it
  const Call* last_present = nullptr;
  const Call* first_absent = nullptr;  // the first read, after known, missing it
  const Call* last_absent = nullptr;
};

void list(nlohmann::json* out, const std::string& field, const std::string& element) {
  auto& l = (*out)[field];
  if (l.size() < kMaxListed) l.push_back(nlohmann::json::parse(element));
}

// Classifies each element (see the file comment); returns how many are stable.
std::size_t judge(const std::map<std::string, Element>& elements, Anomalies* anomalies,
                  nlohmann::json* result) {
  std::size_t stable = 0;
  for (const auto& [text, e] : elements) {
    if (e.add->unknown() && e.last_present != nullptr) list(result, "recovered", text);
    if (e.known == kNoCompletion) continue;
    if (e.first_absent == nullptr) {
      const bool read_after = e.last_present != nullptr && e.last_present->invoke_pos > e.known;
      if (read_after) ++stable;
      if (!read_after) list(result, "never-read", text);
      continue;
    }
    const bool lost =
        e.last_present == nullptr || e.last_present->invoke_pos < e.last_absent->invoke_pos;
    std::vector<std::int64_t> ops = e.add->op_indexes();
    for (std::int64_t i : e.first_absent->op_indexes()) ops.push_back(i);
    anomalies->add(lost ? "lost" : "stale",
                   "element " + text +
                       (e.add->ok() ? " (added ok at op " : " (seen, added at op ") +
                       std::to_string(e.add->invoke->index) + ") is missing from the read at op " +
                       std::to_string(e.first_absent->invoke->index) +
                       (lost ? " and every later read" : ", though later reads see it"),
                   ops);
    list(result, lost ? "lost" : "stale", text);
  }
  return stable;
}

}  // namespace

CheckOutcome run_set(const nlohmann::json&, const history::History& h) {
  std::vector<Call> calls;
  std::string error;
  if (!pair_calls(h, &calls, &error)) return option_error("history " + error);
  std::map<std::string, Element> elements;  // by JSON text, ordered for stable reports
  std::vector<const Call*> reads;
  for (const Call& c : calls) {
    if (c.invoke->f == "add") {
      Element& e = elements[c.invoke->value.dump()];
      if (e.add == nullptr) e.add = &c;
      if (c.ok()) e.known = std::min(e.known, c.complete_pos);
    } else if (c.invoke->f == "read" && c.ok()) {
      if (!c.complete->value.is_array()) return option_error("a read's value as a list");
      reads.push_back(&c);
    }
  }
  Anomalies anomalies;
  CheckOutcome o;
  o.result = {{"attempt-count", elements.size()}, {"read-count", reads.size()}};
  for (const Call* r : reads) {  // unexpected elements, and known-by-observation
    for (const auto& v : r->complete->value) {
      auto it = elements.find(v.dump());
      if (it == elements.end() || it->second.add->failed()) {
        anomalies.add("unexpected",
                      "element " + v.dump() + " read at op " + std::to_string(r->invoke->index) +
                          (it == elements.end() ? " was never added" : " was added but failed"),
                      r->op_indexes());
        continue;
      }
      it->second.known = std::min(it->second.known, r->complete_pos);
    }
  }
  if (elements.size() * reads.size() > kMaxWork) {
    o.valid = Validity::kUnknown;
    o.result["error"] = "too large: elements x reads exceeds 400,000,000";
    return o;
  }
  for (const Call* r : reads) {
    std::map<std::string, bool> seen;
    for (const auto& v : r->complete->value) seen[v.dump()] = true;
    for (auto& [text, e] : elements) {
      const bool present = seen.count(text) != 0;
      if (present) e.last_present = r;
      if (e.known == kNoCompletion || r->invoke_pos <= e.known) continue;
      if (!present) {
        if (e.first_absent == nullptr) e.first_absent = r;
        e.last_absent = r;
      }
    }
  }
  const std::size_t stable = judge(elements, &anomalies, &o.result);
  o.result["stable-count"] = stable;
  o.valid = anomalies.empty() ? Validity::kTrue : Validity::kFalse;
  if (reads.empty() && o.valid == Validity::kTrue) {
    o.valid = Validity::kUnknown;
    o.result["reason"] = "no committed reads to judge";
  }
  anomalies.write(&o.result);
  return o;
}

}  // namespace fl::checkers
