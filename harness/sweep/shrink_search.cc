#include "harness/sweep/shrink_search.h"

#include <algorithm>
#include <cctype>

#include "system/io/assert.h"

namespace fl::harness {
namespace {

// Problems carry counts and times that change with every parameter; keep their words.
std::string words_of(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (std::isdigit(static_cast<unsigned char>(c)) == 0) out += c;
  }
  return out;
}

class Search {
 public:
  Search(std::vector<Knob> knobs, const Trial& original, const ShrinkRunner& run, int max_runs)
      : original_(original), run_(run), max_runs_(max_runs) {
    out_.knobs = std::move(knobs);
  }
  ShrinkOutcome search();

 private:
  bool budget_left() {
    out_.budget_exhausted = out_.runs >= max_runs_;
    return !out_.budget_exhausted;
  }
  // Runs with knob `k` replaced by `candidate`; keeps it if the failure is the same.
  bool attempt(std::size_t k, const Knob& candidate);
  bool shrink_integer(std::size_t k);
  bool shrink_list(std::size_t k);

  const Trial& original_;
  const ShrinkRunner& run_;
  int max_runs_;
  ShrinkOutcome out_;
};

bool Search::attempt(std::size_t k, const Knob& candidate) {
  FL_ASSERT_LT(k, out_.knobs.size());
  FL_ASSERT(budget_left());
  std::vector<Knob> trial_knobs = out_.knobs;
  trial_knobs[k] = candidate;
  ShrinkOutcome view;
  view.knobs = trial_knobs;
  ShrinkStep step;
  step.assignments = view.assignments();
  ++out_.runs;
  step.trial = run_(step.assignments);
  step.kept = same_failure(original_, step.trial);
  if (step.kept) out_.knobs[k] = candidate;
  out_.steps.push_back(step);
  return step.kept;
}

bool Search::shrink_integer(std::size_t k) {
  std::int64_t lo = out_.knobs[k].minimum, hi = out_.knobs[k].value;  // hi fails
  bool changed = false;
  constexpr int kMaxBisections = 64;
  for (int i = 0; i < kMaxBisections && lo < hi && budget_left(); ++i) {
    const std::int64_t mid = i == 0 ? lo : lo + (hi - lo) / 2;
    Knob candidate = out_.knobs[k];
    candidate.value = mid;
    if (attempt(k, candidate)) {
      hi = mid;
      changed = true;
    } else {
      lo = mid + 1;
    }
  }
  return changed;
}

bool Search::shrink_list(std::size_t k) {
  bool changed = false;
  constexpr std::size_t kMaxItems = 64;
  for (std::size_t i = 0; i < kMaxItems && i < out_.knobs[k].items.size() &&
                          out_.knobs[k].items.size() > 1 && budget_left();) {
    Knob candidate = out_.knobs[k];
    candidate.items.erase(candidate.items.begin() + static_cast<std::ptrdiff_t>(i));
    if (attempt(k, candidate)) {
      changed = true;  // the same index now holds the next element
    } else {
      ++i;
    }
  }
  return changed;
}

ShrinkOutcome Search::search() {
  for (int pass = 0; pass < kMaxShrinkPasses && budget_left(); ++pass) {
    bool changed = false;
    for (std::size_t k = 0; k < out_.knobs.size() && budget_left(); ++k) {
      const bool c =
          out_.knobs[k].kind == Knob::Kind::kInteger ? shrink_integer(k) : shrink_list(k);
      changed = changed || c;
    }
    if (!changed) break;
  }
  return std::move(out_);
}

}  // namespace

Knob Knob::integer(std::string key, std::int64_t value, std::int64_t minimum) {
  FL_ASSERT_LE(minimum, value);
  Knob k;
  k.key = std::move(key);
  k.kind = Kind::kInteger;
  k.value = k.initial = value;
  k.minimum = minimum;
  return k;
}

Knob Knob::list(std::string key, nlohmann::json items) {
  FL_ASSERT(items.is_array());
  Knob k;
  k.key = std::move(key);
  k.kind = Kind::kList;
  k.initial_items = items.size();
  k.items = std::move(items);
  return k;
}

bool Knob::changed() const {
  return kind == Kind::kInteger ? value != initial : items.size() != initial_items;
}

std::string Knob::assignment() const {
  return key + "=" + (kind == Kind::kInteger ? std::to_string(value) : toml_value(items));
}

std::string toml_value(const nlohmann::json& value) {
  // An explicit stack instead of recursion: entries are text to emit or a value to render.
  struct Item {
    std::string text;
    const nlohmann::json* value = nullptr;
  };
  constexpr std::size_t kMaxSteps = 1 << 20;
  std::vector<Item> stack = {{"", &value}};
  std::string out;
  for (std::size_t step = 0; step < kMaxSteps && !stack.empty(); ++step) {
    Item item = std::move(stack.back());
    stack.pop_back();
    if (item.value == nullptr) {
      out += item.text;
      continue;
    }
    const nlohmann::json& v = *item.value;
    if (!v.is_array() && !v.is_object()) {
      out += v.dump();  // strings, numbers and booleans are spelled alike in JSON and TOML
      continue;
    }
    std::vector<Item> parts;  // in output order, pushed reversed below
    parts.push_back({v.is_array() ? "[" : "{", nullptr});
    std::size_t i = 0;
    for (auto it = v.begin(); it != v.end(); ++it, ++i) {
      if (i > 0) parts.push_back({", ", nullptr});
      if (v.is_object()) parts.push_back({it.key() + " = ", nullptr});
      parts.push_back({"", &*it});
    }
    parts.push_back({v.is_array() ? "]" : "}", nullptr});
    for (auto p = parts.rbegin(); p != parts.rend(); ++p) stack.push_back(std::move(*p));
  }
  FL_ASSERT(stack.empty());
  return out;
}

std::vector<std::string> ShrinkOutcome::assignments() const {
  std::vector<std::string> out;
  for (const auto& k : knobs) {
    if (k.changed()) out.push_back(k.assignment());
  }
  return out;
}

Trial trial_from_results(const nlohmann::json& results) {
  Trial t;
  t.result = results.value("result", std::string("unknown"));
  const nlohmann::json checks = results.value("checks", nlohmann::json::array());
  for (const auto& c : checks) {
    if (!c.is_object() || c.value("valid", nlohmann::json()) != nlohmann::json(false)) continue;
    const std::string name = c.value("name", std::string("?"));
    t.failing_checkers.insert(name);
    const nlohmann::json result = c.value("result", nlohmann::json::object());
    const nlohmann::json anomalies = result.is_object()
                                         ? result.value("anomalies", nlohmann::json::array())
                                         : nlohmann::json::array();
    // Two shapes: a list of {"type", ...} (linearizability, set) or a map type -> cases (Elle).
    for (auto it = anomalies.begin(); anomalies.is_structured() && it != anomalies.end(); ++it) {
      if (anomalies.is_object()) {
        t.signature.insert(name + ":" + it.key());
      } else if (it->is_object() && it->contains("type") && (*it)["type"].is_string()) {
        t.signature.insert(name + ":" + (*it)["type"].get<std::string>());
      }
    }
    if (anomalies.empty()) t.signature.insert(name + ":invalid");
  }
  if (t.failing_checkers.empty()) {
    for (const auto& p : results.value("problems", nlohmann::json::array())) {
      if (p.is_string()) t.signature.insert("problem:" + words_of(p.get<std::string>()));
    }
  }
  return t;
}

bool same_failure(const Trial& original, const Trial& candidate) {
  if (candidate.result != "fail" || candidate.failing_checkers != original.failing_checkers) {
    return false;
  }
  return std::any_of(original.signature.begin(), original.signature.end(),
                     [&](const std::string& s) { return candidate.signature.count(s) > 0; });
}

ShrinkOutcome shrink_search(std::vector<Knob> knobs, const Trial& original, const ShrinkRunner& run,
                            int max_runs) {
  FL_ASSERT_EQ(original.result, std::string("fail"));
  FL_ASSERT(max_runs >= 1 && max_runs <= kMaxShrinkBudget);
  Search search(std::move(knobs), original, run, max_runs);
  return search.search();
}

}  // namespace fl::harness
