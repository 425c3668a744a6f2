#include "harness/crossval.h"

#include <algorithm>

#include "harness/run.h"
#include "harness/scenario_file.h"
#include "system/io/assert.h"

namespace fl::harness {
namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// The G2-item family: a cycle with two or more anti-dependencies (with or without process and
// realtime edges).
bool is_g2_item(const std::string& anomaly) { return anomaly.rfind("G2-item", 0) == 0; }

void read_counts(const RunResult& r, CrossvalRun* run) {
  const auto& ops = r.details.value("operations", nlohmann::json::array());
  for (const auto& w : ops) {
    run->ok += w.value("ok", 0);
    run->fail += w.value("fail", 0);
    run->info += w.value("info", 0);
  }
}

bool read_elle(const RunResult& r, CrossvalRun* run) {
  for (const auto& check : r.checks) {
    if (check.value("name", "") != "elle-list-append") continue;
    const auto& result = check.at("result");
    for (const auto& t : result.value("anomaly-types", nlohmann::json::array())) {
      run->anomalies.push_back(t.get<std::string>());
    }
    run->anomaly_counts = result.value("anomaly-counts", nlohmann::json::object());
    for (const auto& m : result.value("not", nlohmann::json::array())) {
      run->not_models.push_back(m.get<std::string>());
    }
    if (!result.value("error", std::string()).empty()) run->error = result["error"];
    std::sort(run->anomalies.begin(), run->anomalies.end());
    std::sort(run->not_models.begin(), run->not_models.end());
    return true;
  }
  return false;
}

}  // namespace

nlohmann::json CrossvalRun::to_json() const {
  return {{"isolation", isolation}, {"mode", mode},
          {"seed", seed},           {"ok", ok},
          {"fail", fail},           {"info", info},
          {"anomalies", anomalies}, {"anomaly_counts", anomaly_counts},
          {"not", not_models},      {"mismatches", mismatches},
          {"error", error}};
}

const std::vector<std::string>& crossval_levels() {
  static const std::vector<std::string> levels = {"read-committed", "repeatable-read",
                                                  "serializable"};
  return levels;
}

std::string crossval_toml(const CrossvalOptions& o, const std::string& isolation) {
  FL_ASSERT(contains(crossval_levels(), isolation));
  // `expected = "serializable"`: Elle then lists every anomaly it finds; the verdict itself is
  // not what the cross-validation reads.
  return "name = \"crossval-" + isolation + "\"\n" + "description = \"list-append at " + isolation +
         ", no faults: Elle's classes\"\n" + "modes = [\"sim\", \"real\"]\n" +
         "duration_s = " + std::to_string(o.duration_s) + "\n" +
         "heal_s = 1\n\n[topology]\npg_servers = 1\n\n[[workload]]\nname = \"list-append\"\n" +
         "isolation = \"" + isolation + "\"\n" + "expected = \"serializable\"\n" +
         "concurrency = " + std::to_string(o.concurrency) + "\n" +
         "keys = " + std::to_string(o.keys) + "\n" + "rate = " + std::to_string(o.rate) + "\n";
}

void judge_crossval(CrossvalRun* run) {
  auto& out = run->mismatches;
  out.clear();
  if (!run->error.empty()) out.push_back("no verdict: " + run->error);
  if (run->ok == 0) out.push_back("no transaction committed");
  const auto& a = run->anomalies;
  const auto& nm = run->not_models;
  if (run->isolation == "serializable") {
    for (const auto& x : a) out.push_back("serializable allows no anomaly, found " + x);
  } else if (run->isolation == "repeatable-read") {
    if (std::none_of(a.begin(), a.end(), is_g2_item)) {
      out.push_back("repeatable read (snapshot isolation) should show G2-item (write skew)");
    }
    for (const auto& x : a) {
      if (!is_g2_item(x)) out.push_back("snapshot isolation forbids " + x);
    }
    if (contains(nm, "snapshot-isolation")) out.push_back("Elle rules out snapshot isolation");
  } else {
    // Adya's PL-2 (read committed) proscribes G0, G1a, G1b and G1c; it allows fuzzy reads and
    // lost updates, which with a read-then-write append show in Elle as "internal" (a second
    // read sees another transaction's append) and "incompatible-order" (an overwritten append).
    // A write cycle (G0, G1c) is inferred from version orders; an overwritten append
    // (incompatible-order) makes a key's order a guess, and Elle's inference, which assumes
    // appends, then finds write cycles the database never made. They count only when every
    // key's order was consistent. G1a/G1b and duplicates need no version order.
    const bool orders_sound = !contains(a, "incompatible-order");
    for (const auto& x : a) {
      const bool cycle = x.rfind("G0", 0) == 0 || x.rfind("G1c", 0) == 0;
      if ((cycle && orders_sound) || (!cycle && x.rfind("G1", 0) == 0) ||
          x == "duplicate-elements") {
        out.push_back("read committed forbids " + x);
      }
    }
    // Evidence of less than snapshot isolation: read skew, or a lost update, which Elle names
    // lost-update or, when the overwritten append was read before it was lost,
    // incompatible-order. (A run of 4 s sometimes shows only the latter.)
    if (!contains(a, "G-single") && !contains(a, "lost-update") &&
        !contains(a, "incompatible-order")) {
      out.push_back(
          "read committed under contention should show what snapshot isolation "
          "forbids (G-single, or a lost update: lost-update or incompatible-order)");
    }
  }
}

CrossvalRun run_crossval(const CrossvalOptions& options, const std::string& isolation,
                         const std::string& mode) {
  CrossvalRun run;
  run.isolation = isolation;
  run.mode = mode;
  run.seed = options.seed;
  ScenarioSpec spec;
  const std::string file = "crossval-" + isolation + ".toml";
  run.error = parse_scenario_toml(crossval_toml(options, isolation), file, {}, &spec);
  if (run.error.empty()) run.error = validate_scenario(spec);
  if (!run.error.empty()) return run;
  RunOptions ro;
  ro.scenario = file;
  ro.seed = options.seed;
  ro.mode = mode;
  const RunResult r = run_toml_scenario(spec, ro);
  if (!r.usage_error.empty()) {
    run.error = r.usage_error;
    return run;
  }
  read_counts(r, &run);
  if (!read_elle(r, &run)) run.error = "no elle-list-append result";
  judge_crossval(&run);
  return run;
}

}  // namespace fl::harness
