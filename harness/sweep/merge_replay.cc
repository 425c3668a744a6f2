#include "harness/sweep/merge_replay.h"

#include <filesystem>
#include <fstream>
#include <vector>

#include "harness/run_store.h"
#include "harness/sweep/build_id.h"
#include "harness/sweep/sweep_process.h"
#include "system/io/assert.h"

namespace fl::harness {
namespace fs = std::filesystem;
namespace {

using json = nlohmann::json;

// Indices into seeds of the entries to replay: every failing one (up to kMaxFailing), then
// `sample` others evenly spaced. Entries without a trace hash cannot be compared.
std::vector<std::size_t> choose(const json& seeds, std::size_t sample) {
  std::vector<std::size_t> failing, others;
  for (std::size_t i = 0; i < seeds.size(); ++i) {
    if (seeds[i]["trace_hash"].get<std::string>().empty()) continue;
    (seeds[i]["result"] == "fail" ? failing : others).push_back(i);
  }
  if (failing.size() > ReplayPlan::kMaxFailing) failing.resize(ReplayPlan::kMaxFailing);
  const std::size_t n = std::min(sample, others.size());
  for (std::size_t k = 0; k < n; ++k) failing.push_back(others[k * others.size() / n]);
  return failing;
}

// Why replays cannot run here ("" if they can).
std::string cannot_replay(const json& merged) {
  if (merged["mode"] != "sim") return "real-mode runs have no trace hash";
  const std::string here = build_id();
  if (here != merged["build_id"].get<std::string>()) {
    return "this faultline is build " + here + ", the parts are " +
           merged["build_id"].get<std::string>();
  }
  const std::string file = scenario_file_hash(merged["scenario"].get<std::string>());
  if (file != merged["scenario_file_hash"].get<std::string>()) {
    return "the scenario file here hashes to '" + file + "', the parts' to '" +
           merged["scenario_file_hash"].get<std::string>() + "'";
  }
  return "";
}

// Runs `entry`'s seed again into dir; its trace hash, or "" with *error set.
std::string rerun(const json& merged, const json& entry, const std::string& dir,
                  std::string* error) {
  std::vector<std::string> args = {"run",    merged["scenario"].get<std::string>(),
                                   "--seed", std::to_string(entry["seed"].get<std::uint64_t>()),
                                   "--mode", merged["mode"].get<std::string>(),
                                   "--out",  dir};
  for (const auto& s : merged["set"]) {
    args.push_back("--set");
    args.push_back(s.get<std::string>());
  }
  fs::remove_all(dir);
  const int code = run_child(self_executable(), args, dir + "/run.log", error);
  if (code < 0) return "";
  std::ifstream in(fs::path(dir) / "results.json");
  const json r = in ? json::parse(in, nullptr, false) : json();
  if (!r.is_object() || !r.contains("trace_hash") || !r["trace_hash"].is_string()) {
    *error = "exit " + std::to_string(code) + " and no trace hash (see " + dir + "/run.log)";
    return "";
  }
  return r["trace_hash"].get<std::string>();
}

}  // namespace

std::size_t replay_sample(const ReplayPlan& plan, json* merged, std::ostream& out) {
  FL_ASSERT(merged->is_object() && (*merged)["seeds"].is_array());
  FL_ASSERT(plan.sample <= ReplayPlan::kMaxSample);
  json& seeds = (*merged)["seeds"];
  const std::vector<std::size_t> chosen = choose(seeds, plan.sample);
  (*merged)["replayed"] = json::array();
  if (chosen.empty()) return 0;
  if (std::string why = cannot_replay(*merged); !why.empty()) {
    out << "replay: skipped (" << why << ")\n";
    (*merged)["replay_skipped"] = why;
    return 0;
  }
  std::size_t differ = 0;
  for (std::size_t i : chosen) {
    json& e = seeds[i];
    const std::string dir =
        (fs::path(plan.out_dir) / "replay" / std::to_string(e["seed"].get<std::uint64_t>()))
            .string();
    std::string error;
    const std::string hash = rerun(*merged, e, dir, &error);
    const std::string recorded = e["trace_hash"].get<std::string>();
    (*merged)["replayed"].push_back(
        {{"seed", e["seed"]}, {"recorded", recorded}, {"replay", hash}});
    if (hash == recorded) continue;
    ++differ;
    const std::string what = "did not replay: recorded trace hash " + recorded + " (" +
                             e.value("part", "") + "), replay " +
                             (hash.empty() ? "failed: " + error : hash) + " (" + dir + ")";
    out << "nondeterministic: seed " << e["seed"].dump() << ": " << what << "\n";
    e["problems"].push_back(what);
    e["result"] = "unknown";
    (*merged)["nondeterministic_seeds"].push_back({{"seed", e["seed"]}, {"replay", what}});
  }
  out << "replay: " << chosen.size() << " seed(s) re-run here, " << differ << " did not replay\n";
  return differ;
}

}  // namespace fl::harness
