#include "harness/sweep/merge.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>

#include "harness/result.h"
#include "harness/sweep/merge_parts.h"
#include "harness/sweep/merge_replay.h"
#include "harness/sweep/sweep_summary.h"
#include "system/io/assert.h"

namespace fl::harness {
namespace fs = std::filesystem;
namespace {

using json = nlohmann::json;

constexpr std::size_t kMaxListed = 10'000;  // seeds listed per kind in sweep.json and on stdout

struct Joined {
  std::map<std::uint64_t, json> seeds;  // seed -> its entry (the first part's)
  std::vector<std::uint64_t> duplicated, missing;
  std::uint64_t missing_count = 0;
  json conflicting = json::array();  // {seed, parts: [{dir, result, trace_hash}...]}
  json parts = json::array();
  std::uint64_t interrupted_parts = 0;
  double wall_s_max = 0, seeds_per_hour = 0;
};

// The seed entry of `part` with its dir made relative to the merged sweep's directory.
json relocated(const json& entry, const SweepPart& part, const std::string& out_dir) {
  json e = entry;
  const fs::path run = fs::absolute(fs::path(part.dir) / entry["dir"].get<std::string>());
  e["dir"] = run.lexically_normal()
                 .lexically_relative(fs::absolute(out_dir).lexically_normal())
                 .generic_string();
  e["part"] = part.dir;
  return e;
}

void join_part(const SweepPart& part, const std::string& out_dir, Joined* j) {
  const json& s = part.doc["summary"];
  const bool interrupted = s.value("interrupted", false) == true;
  j->interrupted_parts += interrupted ? 1 : 0;
  if (s.contains("wall_s") && s["wall_s"].is_number()) {
    j->wall_s_max = std::max(j->wall_s_max, s["wall_s"].get<double>());
  }
  if (s.contains("seeds_per_hour") && s["seeds_per_hour"].is_number()) {
    j->seeds_per_hour += s["seeds_per_hour"].get<double>();
  }
  j->parts.push_back({{"dir", part.dir},
                      {"shard", part.doc["shard"]},
                      {"seeds", part.doc["seeds"].size()},
                      {"interrupted", interrupted},
                      {"stopped_by", part.doc.value("stopped_by", "")}});
  for (const auto& entry : part.doc["seeds"]) {
    const auto seed = entry["seed"].get<std::uint64_t>();
    auto [it, fresh] = j->seeds.emplace(seed, relocated(entry, part, out_dir));
    if (fresh) continue;
    if (j->duplicated.empty() || j->duplicated.back() != seed) j->duplicated.push_back(seed);
    const json& first = it->second;
    if (first["result"] != entry["result"] || first["trace_hash"] != entry["trace_hash"]) {
      j->conflicting.push_back({{"seed", seed},
                                {"runs",
                                 {{{"part", first["part"]},
                                   {"result", first["result"]},
                                   {"trace_hash", first["trace_hash"]}},
                                  {{"part", part.dir},
                                   {"result", entry["result"]},
                                   {"trace_hash", entry["trace_hash"]}}}}});
    }
  }
}

void find_missing(const json& plan, Joined* j) {
  if (plan["kind"] != "range") return;  // a drawn stream has no end to be missing from
  const auto first = plan["first_seed"].get<std::uint64_t>();
  const auto last = plan["last_seed"].get<std::uint64_t>();
  for (std::uint64_t s = first;; ++s) {
    if (j->seeds.count(s) == 0) {
      ++j->missing_count;
      if (j->missing.size() < kMaxListed) j->missing.push_back(s);
    }
    if (s == last) break;
  }
}

// "3, 7..9, 12" for sorted seeds, at most kMaxRanges ranges then "...".
std::string ranges_text(const std::vector<std::uint64_t>& seeds) {
  constexpr std::size_t kMaxRanges = 20;
  std::string out;
  std::size_t ranges = 0;
  for (std::size_t i = 0; i < seeds.size(); ++ranges) {
    std::size_t k = i;
    while (k + 1 < seeds.size() && seeds[k + 1] == seeds[k] + 1) ++k;
    if (ranges == kMaxRanges) return out + ", ...";
    out += (out.empty() ? "" : ", ") + std::to_string(seeds[i]);
    if (k > i) out += ".." + std::to_string(seeds[k]);
    i = k + 1;
  }
  return out;
}

json merged_json(const SweepPart& first, const Joined& j, const json& seeds) {
  const ResultCounts c = count_results(seeds);
  json summary = {{"pass", c.pass},
                  {"fail", c.fail},
                  {"unknown", c.unknown},
                  {"parts", j.parts.size()},
                  {"seeds_done", seeds.size()},
                  {"missing", j.missing_count},
                  {"duplicated", j.duplicated.size()},
                  {"nondeterministic", j.conflicting.size()},
                  {"interrupted_parts", j.interrupted_parts},
                  {"wall_s_max_part", j.wall_s_max},
                  {"seeds_per_hour_sum_of_parts", j.seeds_per_hour}};
  const json& plan = first.doc["plan"];
  if (plan["kind"] == "range") {
    summary["first_seed"] = plan["first_seed"];
    summary["last_seed"] = plan["last_seed"];
  }
  json doc = {{"scenario", first.doc["scenario"]},
              {"mode", first.doc["mode"]},
              {"set", first.doc["set"]},
              {"build_id", first.doc["build_id"]},
              {"scenario_file_hash", first.doc["scenario_file_hash"]},
              {"plan", plan},
              {"parts", j.parts},
              {"missing_seeds", j.missing},
              {"duplicated_seeds", j.duplicated},
              {"nondeterministic_seeds", j.conflicting},
              {"seeds", seeds},
              {"summary", summary}};
  return doc;
}

void print_findings(const Joined& j, std::ostream& out) {
  if (j.missing_count > 0) {
    out << "missing: " << j.missing_count << " seed(s) no part ran: " << ranges_text(j.missing)
        << "\n";
  }
  if (!j.duplicated.empty()) {
    out << "duplicated: " << j.duplicated.size()
        << " seed(s) ran in more than one part: " << ranges_text(j.duplicated) << "\n";
  }
  for (const auto& c : j.conflicting) {
    out << "nondeterministic: seed " << c["seed"].dump() << ":";
    for (const auto& r : c["runs"]) {
      out << " " << r["part"].get<std::string>() << " says " << r["result"].get<std::string>()
          << " " << r["trace_hash"].get<std::string>() << ";";
    }
    out << "\n";
  }
}

std::string read_parts(const MergeArgs& args, std::vector<SweepPart>* parts) {
  for (const auto& dir : args.dirs) {
    SweepPart part;
    if (std::string e = read_sweep_part(dir, &part); !e.empty()) return e;
    if (!parts->empty()) {
      if (std::string e = compatible_parts(parts->front(), part); !e.empty()) return e;
    }
    parts->push_back(std::move(part));
  }
  return "";
}

// Prints the summary and the findings, writes the files; returns the exit code.
int finish(std::size_t part_count, const Joined& j, const std::string& out_dir, json* doc,
           std::ostream& out, std::ostream& err) {
  const json& seeds = (*doc)["seeds"];
  const ResultCounts counts = count_results(seeds);
  json& summary = (*doc)["summary"];
  summary["pass"] = counts.pass;
  summary["fail"] = counts.fail;
  summary["unknown"] = counts.unknown;
  summary["nondeterministic"] = (*doc)["nondeterministic_seeds"].size();
  char timing[200];
  std::snprintf(timing, sizeof timing,
                "%zu part(s), %zu seeds, longest part %.2f s, %.0f seeds/hour (sum of the parts)",
                part_count, seeds.size(), j.wall_s_max, j.seeds_per_hour);
  const json& plan = (*doc)["plan"];
  const std::string range = plan["kind"] == "range" ? "seeds " + plan["first_seed"].dump() + ".." +
                                                          plan["last_seed"].dump()
                                                    : "seeds drawn from " + plan["from"].dump();
  print_sweep_summary(out,
                      "merge " + (*doc)["scenario"].get<std::string>() + " " + range + " mode " +
                          (*doc)["mode"].get<std::string>(),
                      counts, timing, seeds, out_dir);
  print_findings(j, out);
  if (std::string e = write_sweep_files(out_dir, *doc); !e.empty()) {
    err << "faultline merge: " << e << "\n";
    return kExitHarness;
  }
  out << "index: " << out_dir << "/index.html\n";
  if (counts.fail > 0) return kExitFail;
  const bool incomplete = counts.unknown > 0 || j.missing_count > 0 ||
                          !(*doc)["nondeterministic_seeds"].empty() || j.interrupted_parts > 0;
  return incomplete ? kExitHarness : kExitPass;
}

}  // namespace

int run_merge(const MergeArgs& args, std::ostream& out, std::ostream& err) {
  FL_ASSERT(!args.dirs.empty() && args.dirs.size() <= MergeArgs::kMaxParts);
  std::vector<SweepPart> parts;
  if (std::string e = read_parts(args, &parts); !e.empty()) {
    err << "faultline merge: " << e << "\n";
    return kExitUsage;
  }
  const SweepPart& first = parts.front();
  std::string out_dir = args.out_dir;
  if (out_dir.empty()) {
    out_dir =
        "store/" + fs::path(first.doc["scenario"].get<std::string>()).stem().string() + "-merged";
  }
  for (const auto& p : parts) {
    std::error_code ec;
    if (fs::equivalent(p.dir, out_dir, ec)) {
      err << "faultline merge: --out " << out_dir << " is one of the parts; choose another\n";
      return kExitUsage;
    }
  }
  Joined j;
  for (const auto& p : parts) join_part(p, out_dir, &j);
  find_missing(first.doc["plan"], &j);
  json seeds = json::array();
  for (auto& [seed, entry] : j.seeds) seeds.push_back(std::move(entry));
  json doc = merged_json(first, j, seeds);
  if (args.replay) replay_sample({args.replay_sample, out_dir}, &doc, out);
  return finish(parts.size(), j, out_dir, &doc, out, err);
}

}  // namespace fl::harness
