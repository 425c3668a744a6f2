// TOML -> JSON document -> ScenarioSpec, with messages naming the file, the key and what was
// expected. toml++ throws on syntax errors; that is caught here and nowhere else.
#include "scenarios/toml_scenario.h"

#include <toml++/toml.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "system/io/assert.h"

namespace fl::scenarios {
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

// Reads typed fields out of one JSON object, remembering the first error.
class Fields {
 public:
  Fields(const nlohmann::json& object, std::string where)
      : object_(object), where_(std::move(where)) {}

  void number_s(const char* key, double lo, double hi, std::int64_t* ns_out) {
    if (!object_.contains(key)) return;
    const auto& v = object_[key];
    if (!v.is_number() || v.get<double>() < lo || v.get<double>() > hi) {
      fail(key, "a number of seconds in " + std::to_string(lo) + ".." + std::to_string(hi), v);
      return;
    }
    *ns_out = static_cast<std::int64_t>(std::llround(v.get<double>() * 1e9));
  }
  template <typename T>
  void integer(const char* key, std::int64_t lo, std::int64_t hi, T* out) {
    if (!object_.contains(key)) return;
    const auto& v = object_[key];
    if (!v.is_number_integer() || v.get<std::int64_t>() < lo || v.get<std::int64_t>() > hi) {
      fail(key, "an integer in " + std::to_string(lo) + ".." + std::to_string(hi), v);
      return;
    }
    *out = static_cast<T>(v.get<std::int64_t>());
  }
  void boolean(const char* key, bool* out) {
    if (!object_.contains(key)) return;
    if (!object_[key].is_boolean()) return fail(key, "true or false", object_[key]);
    *out = object_[key].get<bool>();
  }
  void string(const char* key, const std::vector<std::string>& choices, std::string* out) {
    if (!object_.contains(key)) return;
    const auto& v = object_[key];
    bool ok = v.is_string();
    std::string expected = "a string";
    if (!choices.empty()) {
      expected = "one of";
      bool found = false;
      for (const auto& c : choices) {
        expected += " \"" + c + "\"";
        found = found || (ok && v.get<std::string>() == c);
      }
      ok = ok && found;
    }
    if (!ok) return fail(key, expected, v);
    *out = v.get<std::string>();
  }
  void table(const char* key, nlohmann::json* out) {
    if (!object_.contains(key)) return;
    if (!object_[key].is_object()) return fail(key, "a table", object_[key]);
    *out = object_[key];
  }
  // Every key must be one of `known`.
  void only(const std::vector<std::string>& known) {
    for (const auto& [k, v] : object_.items()) {
      bool found = false;
      std::string list;
      for (const auto& n : known) {
        found = found || n == k;
        list += (list.empty() ? "" : ", ") + n;
      }
      if (!found && error.empty()) {
        error = where_ + k + ": unknown key (expected one of: " + list + ")";
      }
    }
  }
  void fail(const std::string& key, const std::string& expected, const nlohmann::json& got) {
    if (error.empty()) error = where_ + key + ": expected " + expected + ", got " + shown(got);
  }

  std::string error;

 private:
  const nlohmann::json& object_;
  std::string where_;
};

// [[workload]] / [[nemesis]] / [[checker]] arrays: each entry a table with a string "name".
std::string read_named(const nlohmann::json& doc, const char* key, std::size_t max,
                       bool options_inline, std::vector<NamedOptions>* out) {
  if (!doc.contains(key)) return "";
  const auto& list = doc[key];
  const std::string k = key;
  if (!list.is_array())
    return k + ": expected an array of tables ([[" + k + "]]), got " + shown(list);
  if (list.size() > max) return k + ": at most " + std::to_string(max) + " entries";
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string where = k + "[" + std::to_string(i) + "]";
    const auto& e = list[i];
    if (!e.is_object()) return where + ": expected a table, got " + shown(e);
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

std::string read_topology(const nlohmann::json& doc, ScenarioSpec* s) {
  if (!doc.contains("topology")) return "";
  if (!doc["topology"].is_object()) return "topology: expected a table";
  Fields t(doc["topology"], "topology.");
  t.only({"pg_servers", "pg_synchronous_commit", "pg_synchronous_replication", "redis",
          "redis_persistence", "kafka", "system", "system_options", "pg_bug", "kafka_bug"});
  t.integer("pg_servers", 0, 8, &s->stores.pg_servers);
  t.boolean("pg_synchronous_commit", &s->stores.pg_synchronous_commit);
  t.boolean("pg_synchronous_replication", &s->stores.pg_synchronous_replication);
  t.boolean("redis", &s->stores.redis);
  t.string("redis_persistence", {"off", "everysec", "always"}, &s->stores.redis_persistence);
  t.boolean("kafka", &s->stores.kafka);
  t.string("pg_bug", {"", "serializable-without-validation", "replica-reads-as-primary"},
           &s->stores.pg_bug);
  t.string("kafka_bug", {"", "commit-before-processing"}, &s->stores.kafka_bug);
  t.string("system", {}, &s->system);
  t.table("system_options", &s->system_options);
  if (t.error.empty() && s->stores.pg_synchronous_replication && s->stores.pg_servers < 2) {
    return "topology.pg_synchronous_replication: expected pg_servers >= 2 (a replica to wait "
           "for), got pg_servers = " +
           std::to_string(s->stores.pg_servers);
  }
  return t.error;
}

std::string read_document(const nlohmann::json& doc, ScenarioSpec* s) {
  if (!doc.is_object()) return "expected a TOML document";
  Fields top(doc, "");
  top.only({"name", "description", "modes", "duration_s", "heal_s", "topology", "workload",
            "nemesis", "checker", "swarm", "limits"});
  top.string("name", {}, &s->name);
  top.string("description", {}, &s->description);
  top.number_s("duration_s", 0.001, 86400, &s->duration_ns);
  top.number_s("heal_s", 0.001, 86400, &s->heal_ns);
  if (!top.error.empty()) return top.error;
  if (!doc.contains("duration_s")) return "duration_s: expected the chaos phase length (seconds)";
  if (!doc.contains("heal_s")) return "heal_s: expected the heal phase length (seconds)";
  if (doc.contains("modes")) {
    const auto& m = doc["modes"];
    s->modes.clear();
    if (!m.is_array() || m.empty()) return "modes: expected a non-empty list of \"sim\", \"real\"";
    for (const auto& e : m) {
      if (!e.is_string() || (e != "sim" && e != "real")) {
        return "modes: expected a list of \"sim\", \"real\", got " + shown(m);
      }
      s->modes.push_back(e.get<std::string>());
    }
  }
  if (std::string e = read_topology(doc, s); !e.empty()) return e;
  if (std::string e = read_named(doc, "workload", kMaxWorkloads, true, &s->workloads); !e.empty())
    return e;
  if (s->workloads.empty()) return "workload: expected at least one [[workload]] table";
  if (std::string e = read_named(doc, "nemesis", kMaxNemeses, true, &s->nemeses); !e.empty())
    return e;
  if (std::string e = read_named(doc, "checker", 16, false, &s->checkers); !e.empty()) return e;
  if (doc.contains("swarm")) {
    if (!doc["swarm"].is_object()) return "swarm: expected a table";
    Fields w(doc["swarm"], "swarm.");
    w.only({"enabled"});
    w.boolean("enabled", &s->swarm);
    if (!w.error.empty()) return w.error;
  }
  if (doc.contains("limits")) {
    if (!doc["limits"].is_object()) return "limits: expected a table";
    Fields l(doc["limits"], "limits.");
    l.only({"max_virtual_s", "final_attempts", "max_history_ops"});
    l.number_s("max_virtual_s", 1, 7 * 86400, &s->limits.max_virtual_ns);
    l.integer("final_attempts", 1, 1000, &s->limits.final_attempts);
    l.integer("max_history_ops", 100, 2'000'000, &s->limits.max_history_ops);
    if (!l.error.empty()) return l.error;
  }
  if (s->duration_ns + s->heal_ns >= s->limits.max_virtual_ns) {
    return "limits.max_virtual_s: expected more than duration_s + heal_s";
  }
  return "";
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
  const fs::path here = fs::path(__FILE__).parent_path();  // absolute unless the build says not
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

}  // namespace fl::scenarios
