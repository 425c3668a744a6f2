// TOML -> JSON document -> ScenarioSpec, with messages naming the file, the key and what was
// expected. toml++ throws on syntax errors; that is caught here and nowhere else.
#include "harness/scenario_file.h"

#include <toml++/toml.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/toml_guard.h"
#include "options/spec.h"
#include "system/io/assert.h"

namespace fl::harness {
namespace fs = std::filesystem;
namespace {

constexpr std::size_t kMaxNodesVisited = 100000;

// Converts a TOML node to JSON without recursion (an explicit work stack, bounded).
std::string to_json(const toml::node& root, nlohmann::json* out) {
  struct Work {
    const toml::node* node;
    nlohmann::json* into;
  };
  std::vector<Work> stack = {{&root, out}};
  for (std::size_t visited = 0; !stack.empty(); ++visited) {
    if (visited > kMaxNodesVisited) return "the document is too large (over 100000 values)";
    Work w = stack.back();
    stack.pop_back();
    const toml::node& n = *w.node;
    if (const auto* t = n.as_table()) {
      *w.into = nlohmann::json::object();
      for (auto&& [k, v] : *t) {
        nlohmann::json& slot = (*w.into)[std::string(k.str())];
        stack.push_back({&v, &slot});
      }
    } else if (const auto* a = n.as_array()) {
      *w.into = nlohmann::json::array();
      for (std::size_t i = 0; i < a->size(); ++i) w.into->push_back(nullptr);
      for (std::size_t i = 0; i < a->size(); ++i) stack.push_back({a->get(i), &(*w.into)[i]});
    } else if (const auto* s = n.as_string()) {
      *w.into = s->get();
    } else if (const auto* i = n.as_integer()) {
      *w.into = i->get();
    } else if (const auto* f = n.as_floating_point()) {
      if (!std::isfinite(f->get())) return "non-finite numbers (inf, nan) are not allowed";
      *w.into = f->get();
    } else if (const auto* b = n.as_boolean()) {
      *w.into = b->get();
    } else {
      return "dates and times are not used in scenario files";
    }
  }
  return "";
}

std::string parse_toml(const std::string& text, const std::string& file, nlohmann::json* out) {
  if (std::string e = toml_unsafe_code_point(text, file); !e.empty()) return e;
  try {
    toml::table table = toml::parse(text, file);
    std::string error = to_json(table, out);
    return error.empty() ? "" : file + ": " + error;
  } catch (const toml::parse_error& e) {
    std::ostringstream os;
    os << file << ":" << e.source().begin.line << ":" << e.source().begin.column << ": "
       << e.description();
    return os.str();
  }
}

std::string shown(const nlohmann::json& v) {
  std::string text = v.dump();
  return text.size() > 60 ? text.substr(0, 57) + "..." : text;
}

using options::OptionSpec;
using Kind = OptionSpec::Kind;

// Checks one table of the document against its declared keys (options/spec.h, the one way
// options are read); "" or "<where><key>: expected ..., got ...".
std::string read_table(const nlohmann::json& table, const std::vector<OptionSpec>& specs,
                       const std::string& where, nlohmann::json* resolved) {
  const std::string e = options::validate_options(specs, table, resolved);
  return e.empty() ? "" : where + e;
}

std::int64_t seconds_to_ns(const nlohmann::json& seconds) {
  return static_cast<std::int64_t>(std::llround(seconds.get<double>() * 1e9));
}

const std::vector<OptionSpec>& document_specs() {
  static const std::vector<OptionSpec> kSpecs = {
      {"name", Kind::kString, nullptr, 0, 0, {}, "the scenario's name (default: the file's stem)"},
      {"description", Kind::kString, "", 0, 0, {}, "one line"},
      {"modes", Kind::kStringList, nlohmann::json::array({"sim"}), 0, 0, {}, "sim and/or real"},
      {"duration_s", Kind::kFloat, nullptr, 0.001, 86400, {}, "chaos phase (seconds)"},
      {"heal_s", Kind::kFloat, nullptr, 0.001, 86400, {}, "heal phase (seconds)"},
      {"topology", Kind::kTable, nlohmann::json::object(), 0, 0, {}, "stores and system"},
      {"workload", Kind::kTableList, nlohmann::json::array(), 0, 0, {}, "[[workload]] tables"},
      {"nemesis", Kind::kTableList, nlohmann::json::array(), 0, 0, {}, "[[nemesis]] tables"},
      {"checker", Kind::kTableList, nlohmann::json::array(), 0, 0, {}, "[[checker]] tables"},
      {"swarm", Kind::kTable, nlohmann::json::object(), 0, 0, {}, "[swarm] enabled"},
      {"limits", Kind::kTable, nlohmann::json::object(), 0, 0, {}, "[limits]"},
      {"crash_points", Kind::kTable, nullptr, 0, 0, {}, "[crash_points]: enumerate crashes"},
  };
  return kSpecs;
}

const std::vector<OptionSpec>& topology_specs() {
  static const std::vector<OptionSpec> kSpecs = {
      {"pg_servers", Kind::kInt, 1, 0, 8, {}, "0: none; 1: a primary; n: + n-1 replicas"},
      {"pg_synchronous_commit", Kind::kBool, true, 0, 0, {}, "synchronous_commit"},
      {"pg_synchronous_replication", Kind::kBool, false, 0, 0, {}, "a synchronous standby"},
      {"redis", Kind::kBool, false, 0, 0, {}, "a Redis server"},
      {"redis_persistence",
       Kind::kString,
       "always",
       0,
       0,
       {"off", "everysec", "always"},
       "AOF fsync policy"},
      {"kafka", Kind::kBool, false, 0, 0, {}, "a Kafka cluster"},
      {"coord", Kind::kBool, false, 0, 0, {}, "a coordination store (etcd; simulation)"},
      {"system", Kind::kString, "stores", 0, 0, {}, "the system under test"},
      {"system_options", Kind::kTable, nlohmann::json::object(), 0, 0, {}, "the system's"},
      {"pg_bug",
       Kind::kString,
       "",
       0,
       0,
       {"", "serializable-without-validation", "replica-reads-as-primary"},
       "a broken simulated PostgreSQL"},
      {"kafka_bug",
       Kind::kString,
       "",
       0,
       0,
       {"", "commit-before-processing"},
       "a broken simulated Kafka"},
  };
  return kSpecs;
}

const std::vector<OptionSpec>& limits_specs() {
  static const std::vector<OptionSpec> kSpecs = {
      {"max_virtual_s", Kind::kFloat, 3600.0, 1, 7 * 86400, {}, "virtual-time limit"},
      {"final_attempts", Kind::kInt, 20, 1, 1000, {}, "attempts per final op"},
      {"max_history_ops", Kind::kInt, 2'000'000, 100, 2'000'000, {}, "history size limit"},
  };
  return kSpecs;
}

const std::vector<OptionSpec>& crash_points_specs() {
  static const std::vector<OptionSpec> kSpecs = {
      {"nodes", Kind::kStringList, nlohmann::json::array(), 0, 0, {}, "default: every node"},
      {"restart_after_ms", Kind::kInt, 1500, 1, 600000, {}, "restart delay after each crash"},
      {"max_per_node",
       Kind::kInt,
       static_cast<std::int64_t>(kMaxCrashPointsPerNode),
       1,
       static_cast<double>(kMaxCrashPointsPerNode),
       {},
       "crash points tried per node"},
  };
  return kSpecs;
}

// [[workload]] / [[nemesis]] / [[checker]] arrays: each entry a table with a string "name".
std::string read_named(const nlohmann::json& list, const std::string& k, std::size_t max,
                       bool options_inline, std::vector<NamedOptions>* out) {
  if (list.size() > max) return k + ": at most " + std::to_string(max) + " entries";
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string where = k + "[" + std::to_string(i) + "]";
    const auto& e = list[i];
    if (!e.contains("name") || !e["name"].is_string()) {
      return where + ".name: expected a string naming the " + k;
    }
    NamedOptions n;
    n.name = e["name"].get<std::string>();
    if (options_inline) {
      n.options = e;
      n.options.erase("name");
    } else {
      for (const auto& [ek, ev] : e.items()) {
        if (ek == "name") continue;
        if (ek != "options") return where + "." + ek + ": unknown key (expected name, options)";
        if (!ev.is_object()) return where + ".options: expected a table, got " + shown(ev);
        n.options = ev;
      }
    }
    out->push_back(std::move(n));
  }
  return "";
}

std::string read_topology(const nlohmann::json& table, ScenarioSpec* s) {
  nlohmann::json t;
  if (std::string e = read_table(table, topology_specs(), "topology.", &t); !e.empty()) return e;
  s->stores.pg_servers = t["pg_servers"].get<int>();
  s->stores.pg_synchronous_commit = t["pg_synchronous_commit"].get<bool>();
  s->stores.pg_synchronous_replication = t["pg_synchronous_replication"].get<bool>();
  s->stores.redis = t["redis"].get<bool>();
  s->stores.redis_persistence = t["redis_persistence"].get<std::string>();
  s->stores.kafka = t["kafka"].get<bool>();
  s->stores.coord = t["coord"].get<bool>();
  s->stores.pg_bug = t["pg_bug"].get<std::string>();
  s->stores.kafka_bug = t["kafka_bug"].get<std::string>();
  s->system = t["system"].get<std::string>();
  s->system_options = t["system_options"];
  if (s->stores.pg_synchronous_replication && s->stores.pg_servers < 2) {
    return "topology.pg_synchronous_replication: expected pg_servers >= 2 (a replica to wait "
           "for), got pg_servers = " +
           std::to_string(s->stores.pg_servers);
  }
  return "";
}

std::string read_modes(const nlohmann::json& m, ScenarioSpec* s) {
  s->modes.clear();
  if (m.empty()) return "modes: expected a non-empty list of \"sim\", \"real\"";
  for (const auto& e : m) {
    if (e != "sim" && e != "real")
      return "modes: expected a list of \"sim\", \"real\", got " + shown(m);
    s->modes.push_back(e.get<std::string>());
  }
  return "";
}

std::string read_phases_and_limits(const nlohmann::json& d, ScenarioSpec* s) {
  if (!d.contains("duration_s")) return "duration_s: expected the chaos phase length (seconds)";
  if (!d.contains("heal_s")) return "heal_s: expected the heal phase length (seconds)";
  s->duration_ns = seconds_to_ns(d["duration_s"]);
  s->heal_ns = seconds_to_ns(d["heal_s"]);
  nlohmann::json l;
  if (std::string e = read_table(d["limits"], limits_specs(), "limits.", &l); !e.empty()) return e;
  s->limits.max_virtual_ns = seconds_to_ns(l["max_virtual_s"]);
  s->limits.final_attempts = l["final_attempts"].get<int>();
  s->limits.max_history_ops = l["max_history_ops"].get<std::int64_t>();
  if (s->duration_ns + s->heal_ns >= s->limits.max_virtual_ns) {
    return "limits.max_virtual_s: expected more than duration_s + heal_s";
  }
  nlohmann::json w;
  const std::vector<OptionSpec> swarm = {{"enabled", Kind::kBool, false, 0, 0, {}, "swarm"}};
  if (std::string e = read_table(d["swarm"], swarm, "swarm.", &w); !e.empty()) return e;
  s->swarm = w["enabled"].get<bool>();
  return "";
}

std::string read_crash_points(const nlohmann::json& d, ScenarioSpec* s) {
  if (!d.contains("crash_points")) return "";
  nlohmann::json c;
  const std::string e = read_table(d["crash_points"], crash_points_specs(), "crash_points.", &c);
  if (!e.empty()) return e;
  s->crash_points.enabled = true;
  s->crash_points.nodes = c["nodes"].get<std::vector<std::string>>();
  s->crash_points.restart_after_ns = c["restart_after_ms"].get<std::int64_t>() * 1000 * 1000;
  s->crash_points.max_per_node = c["max_per_node"].get<int>();
  return "";
}

std::string read_document(const nlohmann::json& doc, ScenarioSpec* s) {
  if (!doc.is_object()) return "expected a TOML document";
  nlohmann::json d;
  if (std::string e = read_table(doc, document_specs(), "", &d); !e.empty()) return e;
  if (d.contains("name")) s->name = d["name"].get<std::string>();
  s->description = d["description"].get<std::string>();
  if (std::string e = read_modes(d["modes"], s); !e.empty()) return e;
  if (std::string e = read_phases_and_limits(d, s); !e.empty()) return e;
  if (std::string e = read_topology(d["topology"], s); !e.empty()) return e;
  if (std::string e = read_named(d["workload"], "workload", kMaxWorkloads, true, &s->workloads);
      !e.empty()) {
    return e;
  }
  if (s->workloads.empty()) return "workload: expected at least one [[workload]] table";
  if (std::string e = read_named(d["nemesis"], "nemesis", kMaxNemeses, true, &s->nemeses);
      !e.empty()) {
    return e;
  }
  if (std::string e = read_named(d["checker"], "checker", 16, false, &s->checkers); !e.empty()) {
    return e;
  }
  return read_crash_points(d, s);
}

}  // namespace

std::string apply_override(const std::string& assignment, nlohmann::json* document) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    return "--set expects key=value, got '" + assignment + "'";
  std::string path = assignment.substr(0, eq);
  const std::string text = assignment.substr(eq + 1);
  for (char& c : path) {
    if (c == '[' || c == ']') c = '.';
  }
  std::vector<std::string> parts;
  std::stringstream ss(path);
  for (std::string p; std::getline(ss, p, '.');) {
    if (!p.empty()) parts.push_back(p);
  }
  if (parts.empty() || parts.size() > 8) return "--set " + assignment + ": expected a dotted key";
  nlohmann::json value;
  if (!parse_toml("v = " + text, "--set", &value).empty() || !value.contains("v")) {
    value = nlohmann::json{{"v", text}};  // a bare word: a string
  }
  nlohmann::json* at = document;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    if (at->is_array()) {
      std::size_t idx = 0;
      bool numeric = !parts[i].empty() && parts[i].size() < 6 &&
                     parts[i].find_first_not_of("0123456789") == std::string::npos;
      if (numeric) idx = std::stoul(parts[i]);
      if (!numeric || idx >= at->size()) {
        return "--set " + assignment + ": " + parts[i] + " is not an index of that list";
      }
      at = &(*at)[idx];
    } else if (at->is_object()) {
      at = &(*at)[parts[i]];
      if (at->is_null()) *at = nlohmann::json::object();
    } else {
      return "--set " + assignment + ": " + parts[i] + " is not a table";
    }
  }
  if (!at->is_object()) return "--set " + assignment + ": its parent is not a table";
  (*at)[parts.back()] = value["v"];
  return "";
}

std::string parse_scenario_toml(const std::string& text, const std::string& file,
                                const std::vector<std::string>& overrides, ScenarioSpec* out) {
  FL_ASSERT(out != nullptr);
  if (text.size() > kMaxScenarioBytes) return file + ": larger than 1 MiB";
  if (overrides.size() > kMaxSetOverrides) return "at most 64 --set overrides";
  nlohmann::json doc;
  if (std::string e = parse_toml(text, file, &doc); !e.empty()) return e;
  for (const auto& o : overrides) {
    if (std::string e = apply_override(o, &doc); !e.empty()) return e;
  }
  *out = ScenarioSpec{};
  out->file = file;
  out->name = fs::path(file).stem().string();
  if (std::string e = read_document(doc, out); !e.empty()) return file + ": " + e;
  return "";
}

std::string load_scenario_file(const std::string& path, const std::vector<std::string>& overrides,
                               ScenarioSpec* out) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return path + ": no such scenario file";
  if (fs::file_size(path, ec) > kMaxScenarioBytes) return path + ": larger than 1 MiB";
  std::ifstream in(path);
  std::stringstream buf;
  buf << in.rdbuf();
  if (!in && !in.eof()) return path + ": cannot be read";
  return parse_scenario_toml(buf.str(), path, overrides, out);
}

namespace {

// The source tree of the build this executable belongs to: CMAKE_HOME_DIRECTORY from the
// CMakeCache.txt of the nearest build directory above the executable ("" if none).
std::string source_tree_of_executable() {
  constexpr int kMaxLevels = 6;
  std::error_code ec;
  fs::path dir = fs::read_symlink("/proc/self/exe", ec).parent_path();
  if (ec) return "";
  for (int level = 0; level < kMaxLevels && !dir.empty(); ++level, dir = dir.parent_path()) {
    std::ifstream cache(dir / "CMakeCache.txt");
    const std::string prefix = "CMAKE_HOME_DIRECTORY:INTERNAL=";
    for (std::string line; cache && std::getline(cache, line);) {
      if (line.rfind(prefix, 0) == 0) return line.substr(prefix.size());
    }
    if (dir == dir.root_path()) break;
  }
  return "";
}

}  // namespace

std::string scenario_dir() {
  if (const char* env = std::getenv("FAULTLINE_SCENARIOS"); env != nullptr && *env != '\0') {
    return env;
  }
  std::error_code ec;
  if (const std::string tree = source_tree_of_executable(); !tree.empty()) {
    const fs::path dir = fs::path(tree) / "scenarios";
    if (fs::is_directory(dir, ec)) return dir.string();
  }
  // The installed layout (packaging/CMakeLists.txt): <prefix>/bin/faultline beside
  // <prefix>/share/faultline/scenarios, wherever the prefix is (/usr, /opt/x, an extracted .deb).
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  const fs::path installed = exe.parent_path().parent_path() / "share/faultline/scenarios";
  if (!ec && fs::is_directory(installed, ec)) return installed.string();
  // harness/ beside scenarios/ in the source tree (absolute unless the build says not).
  const fs::path here = fs::path(__FILE__).parent_path().parent_path() / "scenarios";
  if (here.is_absolute() && fs::is_directory(here, ec)) return here.string();
  return "scenarios";
}

std::string find_scenario_file(const std::string& name_or_path) {
  std::error_code ec;
  const bool has_suffix =
      name_or_path.size() > 5 && name_or_path.substr(name_or_path.size() - 5) == ".toml";
  if (has_suffix || name_or_path.find('/') != std::string::npos) {
    return name_or_path;  // a path: loading reports a missing file by name
  }
  const fs::path p = fs::path(scenario_dir()) / (name_or_path + ".toml");
  return fs::is_regular_file(p, ec) ? p.string() : "";
}

std::vector<std::string> scenario_file_names() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(scenario_dir(), ec)) {
    if (e.path().extension() == ".toml") names.push_back(e.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace fl::harness
