#include "harness/sweep/merge_parts.h"

#include <filesystem>
#include <fstream>

#include "harness/sweep/seed_plan.h"
#include "harness/sweep/sweep.h"

namespace fl::harness {
namespace fs = std::filesystem;
namespace {

using json = nlohmann::json;

// "" when j[key] exists and `is` says it has the right type; else "<key> must be <what>".
template <typename Is>
std::string need(const json& j, const char* key, Is is, const char* what) {
  if (!j.is_object() || !j.contains(key) || !is(j[key])) {
    return std::string(key) + " must be " + what;
  }
  return "";
}

const auto kString = [](const json& v) { return v.is_string(); };
const auto kUnsigned = [](const json& v) { return v.is_number_unsigned(); };
const auto kObject = [](const json& v) { return v.is_object(); };
const auto kArray = [](const json& v) { return v.is_array(); };
const auto kStrings = [](const json& v) {
  if (!v.is_array()) return false;
  for (const auto& e : v) {
    if (!e.is_string()) return false;
  }
  return true;
};

std::string check_plan(const json& plan) {
  std::string e = need(plan, "kind", kString, "\"range\" or \"drawn\"");
  if (!e.empty()) return "plan." + e;
  if (plan["kind"] == "drawn") {
    e = need(plan, "from", kUnsigned, "a whole number");
    return e.empty() ? "" : "plan." + e;
  }
  if (plan["kind"] != "range") return "plan.kind must be \"range\" or \"drawn\"";
  for (const char* k : {"first_seed", "last_seed"}) {
    e = need(plan, k, kUnsigned, "a whole number");
    if (!e.empty()) return "plan." + e;
  }
  const auto first = plan["first_seed"].get<std::uint64_t>();
  const auto last = plan["last_seed"].get<std::uint64_t>();
  if (first > last || last - first >= SweepArgs::kMaxSeeds) {
    return "plan: first_seed..last_seed must be a range of at most " +
           std::to_string(SweepArgs::kMaxSeeds) + " seeds";
  }
  return "";
}

std::string check_shard(const json& shard) {
  for (const char* k : {"index", "count"}) {
    if (std::string e = need(shard, k, kUnsigned, "a whole number"); !e.empty()) {
      return "shard." + e;
    }
  }
  const auto index = shard["index"].get<std::uint64_t>();
  const auto count = shard["count"].get<std::uint64_t>();
  if (count == 0 || count > Shard::kMaxParts || index >= count) {
    return "shard: index must be below count, and count in 1.." + std::to_string(Shard::kMaxParts);
  }
  return "";
}

std::string check_seed(const json& s, const json& plan, std::size_t i) {
  const std::string where = "seeds[" + std::to_string(i) + "].";
  const std::pair<const char*, const char*> strings[] = {{"result", "a string"},
                                                         {"dir", "a string"},
                                                         {"trace_hash", "a string"},
                                                         {"reproduce", "a string"}};
  std::string e = need(s, "seed", kUnsigned, "a whole number");
  for (const auto& [key, what] : strings) {
    if (e.empty()) e = need(s, key, kString, what);
  }
  if (e.empty() && s.contains("problems")) e = need(s, "problems", kStrings, "strings");
  if (!e.empty()) return where + e;
  if (plan["kind"] == "range") {
    const auto seed = s["seed"].get<std::uint64_t>();
    if (seed < plan["first_seed"].get<std::uint64_t>() ||
        seed > plan["last_seed"].get<std::uint64_t>()) {
      return where + "seed " + std::to_string(seed) + " is outside the plan's range";
    }
  }
  return "";
}

std::string check_doc(const json& doc) {
  if (!doc.is_object()) return "must be a JSON object";
  if (!doc.contains("build_id")) {
    return "has no build_id: it was written by a faultline older than `merge`; run the part again";
  }
  std::string e = need(doc, "build_id", kString, "a string");
  if (e.empty() && doc["build_id"].get<std::string>().empty()) e = "build_id must not be empty";
  for (const char* k : {"scenario", "mode", "scenario_file_hash"}) {
    if (e.empty()) e = need(doc, k, kString, "a string");
  }
  if (e.empty()) e = need(doc, "set", kStrings, "an array of strings");
  if (e.empty()) e = need(doc, "plan", kObject, "an object");
  if (e.empty()) e = check_plan(doc["plan"]);
  if (e.empty()) e = need(doc, "shard", kObject, "an object");
  if (e.empty()) e = check_shard(doc["shard"]);
  if (e.empty()) e = need(doc, "summary", kObject, "an object");
  if (e.empty()) e = need(doc, "seeds", kArray, "an array");
  for (std::size_t i = 0; e.empty() && i < doc["seeds"].size(); ++i) {
    e = check_seed(doc["seeds"][i], doc["plan"], i);
  }
  return e;
}

}  // namespace

std::string read_sweep_part(const std::string& dir, SweepPart* part) {
  const fs::path file = fs::path(dir) / "sweep.json";
  const std::string name = file.string() + ": ";
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return name + "no such file (is this a sweep directory?)";
  if (fs::file_size(file, ec) > SweepPart::kMaxSweepJsonBytes) {
    return name + "larger than " + std::to_string(SweepPart::kMaxSweepJsonBytes) + " bytes";
  }
  std::ifstream in(file);
  json doc = json::parse(in, nullptr, false);
  if (doc.is_discarded()) return name + "not valid JSON (truncated or edited?)";
  if (std::string e = check_doc(doc); !e.empty()) return name + e;
  part->dir = dir;
  part->doc = std::move(doc);
  return "";
}

std::string compatible_parts(const SweepPart& a, const SweepPart& b) {
  struct Field {
    const char* key;
    const char* meaning;
  };
  constexpr Field kFields[] = {{"build_id", "builds of faultline"},
                               {"scenario_file_hash", "scenario files"},
                               {"scenario", "scenarios"},
                               {"mode", "modes"},
                               {"set", "--set values"},
                               {"plan", "seed plans"}};
  for (const auto& f : kFields) {
    if (a.doc[f.key] != b.doc[f.key]) {
      return std::string("refusing to merge parts from different ") + f.meaning + ": " + a.dir +
             " has " + f.key + " " + a.doc[f.key].dump() + ", " + b.dir + " has " +
             b.doc[f.key].dump();
    }
  }
  return "";
}

}  // namespace fl::harness
