#include "checkers/cli.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

#include "checkers/formats.h"
#include "checkers/models.h"
#include "checkers/registry.h"
#include "history/edn.h"

namespace fl::checkers {
namespace {

constexpr std::size_t kMaxArgs = 64;

struct CheckArgs {
  std::string path, model, checker, format = "auto", failed_cas;
  std::uint64_t max_steps = 0;  // 0: the checker's default
  nlohmann::json options = nlohmann::json::object();
};

// Applies one "--flag value" pair; returns an error or "".
std::string apply(const std::string& s, const std::string& v, CheckArgs* a) {
  if (s == "--model") a->model = v;
  if (s == "--checker") a->checker = v;
  if (s == "--format") a->format = v;
  if (s == "--failed-cas") a->failed_cas = v;
  if (s == "--expected") a->options["expected"] = v;
  if (s == "--max-steps" || s == "--total") {
    std::uint64_t n = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || p != v.data() + v.size() || (s == "--max-steps" && n == 0)) {
      return s + " takes a positive whole number";
    }
    if (s == "--max-steps") a->max_steps = n;
    if (s == "--total") a->options["total"] = n;
  }
  if (s == "--options") {
    const auto j = nlohmann::json::parse(v, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return "--options takes a JSON object";
    a->options.update(j);
  }
  return "";
}

std::string parse_args(const std::vector<std::string>& args, CheckArgs* a) {
  if (args.size() > kMaxArgs) return "too many arguments";
  static const std::vector<std::string> valued = {"--model",      "--checker",   "--format",
                                                  "--failed-cas", "--max-steps", "--expected",
                                                  "--total",      "--options"};
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& s = args[i];
    if (std::find(valued.begin(), valued.end(), s) != valued.end()) {
      if (i + 1 >= args.size()) return s + " needs a value";
      const std::string error = apply(s, args[++i], a);
      if (!error.empty()) return error;
    } else if (s == "--negative-allowed") {
      a->options["negative-allowed"] = true;
    } else if (s == "--sequential-keys" || s == "--linearizable-keys") {
      a->options[s.substr(2)] = true;  // elle-rw-register's version-order assumptions
    } else if (!s.empty() && s[0] == '-') {
      return "unknown option '" + s + "'";
    } else if (a->path.empty()) {
      a->path = s;
    } else {
      return "unexpected argument '" + s + "'";
    }
  }
  if (a->path.empty()) return "check needs a history file";
  static const std::vector<std::string> formats = {"auto", "jsonl", "edn", "porcupine-etcd",
                                                   "porcupine-kv"};
  if (std::find(formats.begin(), formats.end(), a->format) == formats.end()) {
    return "--format takes auto, jsonl, edn, porcupine-etcd or porcupine-kv";
  }
  if (!a->failed_cas.empty() && a->failed_cas != "evidence" && a->failed_cas != "never-happened") {
    return "--failed-cas takes evidence or never-happened";
  }
  return "";
}

std::string detect(const std::string& text) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const auto start = line.find_first_not_of(" \t\r");
    if (start == std::string::npos) continue;
    line = line.substr(start);
    if (line.rfind("INFO  jepsen.util", 0) == 0) return "porcupine-etcd";
    if (line[0] == '[' || line[0] == ';' || line[0] == '#') return "edn";
    if (line.rfind("{:", 0) == 0) {
      const bool porcupine =
          line.find(":key ") != std::string::npos &&
          (line.find(":f :get") != std::string::npos || line.find(":f :put") != std::string::npos ||
           line.find(":f :append") != std::string::npos);
      return porcupine ? "porcupine-kv" : "edn";
    }
    return "jsonl";
  }
  return "jsonl";
}

// The checker for a history when none is named: transactions go to Elle, transfers to bank,
// add/read of elements to set, add/read of numbers to counter, the rest to linearizability.
std::string default_checker(const history::History& h) {
  for (const auto& op : h.ops) {
    if (op.process == history::kNemesisProcess) continue;
    if (op.f == "txn") {
      const std::string text = op.value.dump();
      return text.find("\"append\"") != std::string::npos ? "elle-list-append" : "elle-rw-register";
    }
    if (op.f == "transfer") return "bank";
    if (op.f == "read" && op.type == history::OpType::kOk && op.value.is_array() &&
        std::any_of(h.ops.begin(), h.ops.end(), [](const auto& o) { return o.f == "add"; })) {
      return "set";
    }
    if (op.f == "read" && op.type == history::OpType::kOk && op.value.is_number() &&
        std::any_of(h.ops.begin(), h.ops.end(), [](const auto& o) { return o.f == "add"; })) {
      return "counter";
    }
  }
  return "linearizable";
}

// Resolves --checker/--model into a registry name and its options.
std::string choose(const CheckArgs& a, const history::History& h, nlohmann::json* options) {
  *options = a.options;
  std::string name = a.checker;
  if (name.empty() && !a.model.empty()) {
    const std::vector<std::string> direct = {"bank", "set", "counter"};
    if (a.model == "list-append" || a.model == "rw-register") {
      name = "elle-" + a.model;
    } else if (std::find(direct.begin(), direct.end(), a.model) != direct.end()) {
      name = a.model;
    } else {
      name = "linearizable";
    }
  }
  if (name.empty()) name = default_checker(h);
  if (name == "linearizable") {
    if (!a.model.empty()) (*options)["model"] = a.model;
    if (!a.failed_cas.empty()) (*options)["failed-cas"] = a.failed_cas;
    if (a.max_steps != 0) (*options)["max-steps"] = a.max_steps;
  }
  return name;
}

int porcupine(const CheckArgs& a, const std::string& format, const std::string& text,
              std::ostream& out, std::ostream& err) {
  std::vector<LinOp> ops;
  FormatError fe;
  std::istringstream in(text);
  const bool ok = format == "porcupine-etcd" ? read_porcupine_etcd(in, &ops, &fe)
                                             : read_porcupine_kv(in, &ops, &fe);
  if (!ok) {
    err << "faultline check: " << a.path << " (" << format << "): " << fe.to_string() << "\n";
    return 2;
  }
  const std::string model_name = !a.model.empty()             ? a.model
                                 : format == "porcupine-etcd" ? "cas-register"
                                                              : "kv";
  auto model = make_model(model_name);
  if (model == nullptr) {
    err << "faultline check: unknown model '" << model_name << "'\n";
    return 2;
  }
  LinOptions options;
  if (a.max_steps != 0) options.max_steps = a.max_steps;
  const LinResult r = check_linearizable(ops, *model, options);
  nlohmann::json j = r.to_json(ops, *model);
  j["format"] = format;
  j["operations"] = ops.size();
  out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  return r.valid == Validity::kTrue ? 0 : r.valid == Validity::kFalse ? 1 : 2;
}

}  // namespace

int check_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  CheckArgs a;
  const std::string usage_error = parse_args(args, &a);
  if (!usage_error.empty()) {
    err << "faultline check: " << usage_error << "\n";
    return 2;
  }
  std::ifstream file(a.path);
  if (!file) {
    err << "faultline check: cannot read " << a.path << "\n";
    return 2;
  }
  std::stringstream buf;
  buf << file.rdbuf();
  const std::string text = buf.str();
  const std::string format = a.format == "auto" ? detect(text) : a.format;
  if (format == "porcupine-etcd" || format == "porcupine-kv") {
    return porcupine(a, format, text, out, err);
  }
  history::History h;
  history::ParseError pe;
  std::istringstream in(text);
  if (!(format == "edn" ? history::read_edn(in, &h, &pe) : history::read_jsonl(in, &h, &pe))) {
    err << "faultline check: " << a.path << " (" << format << "): " << pe.to_string() << "\n";
    return 2;
  }
  nlohmann::json options;
  const std::string name = choose(a, h, &options);
  CheckOutcome o = run_checker(name, options, h);
  o.result["format"] = format;
  if (o.result.contains("error")) {
    err << "faultline check: " << a.path << ": " << o.result["error"].get<std::string>() << "\n";
  }
  out << o.result.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  return o.valid == Validity::kTrue ? 0 : o.valid == Validity::kFalse ? 1 : 2;
}

}  // namespace fl::checkers
