#include "checkers/cli.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

#include "checkers/elle/list_append.h"
#include "checkers/formats.h"
#include "checkers/models.h"

namespace fl::checkers {
namespace {

struct CheckArgs {
  std::string path, model, format = "auto", failed_cas = "evidence";
  std::uint64_t max_steps = LinOptions{}.max_steps;
};

std::string parse_args(const std::vector<std::string>& args, CheckArgs* a) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& s = args[i];
    if (s == "--model" || s == "--format" || s == "--failed-cas" || s == "--max-steps") {
      if (i + 1 >= args.size()) return s + " needs a value";
      const std::string& v = args[++i];
      if (s == "--model") a->model = v;
      if (s == "--format") a->format = v;
      if (s == "--failed-cas") a->failed_cas = v;
      if (s == "--max-steps") {
        auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), a->max_steps);
        if (ec != std::errc() || p != v.data() + v.size() || a->max_steps == 0) {
          return "--max-steps takes a positive whole number";
        }
      }
    } else if (!s.empty() && s[0] == '-') {
      return "unknown option '" + s + "'";
    } else if (a->path.empty()) {
      a->path = s;
    } else {
      return "unexpected argument '" + s + "'";
    }
  }
  if (a->path.empty()) return "check needs a history file";
  if (a->format != "auto" && a->format != "jsonl" && a->format != "porcupine-etcd" &&
      a->format != "porcupine-kv") {
    return "--format takes auto, jsonl, porcupine-etcd or porcupine-kv";
  }
  if (a->failed_cas != "evidence" && a->failed_cas != "never-happened") {
    return "--failed-cas takes evidence or never-happened";
  }
  if (!a->model.empty() && a->model != "list-append" && make_model(a->model) == nullptr) {
    return "unknown model '" + a->model + "' (register, cas-register, kv, list-append)";
  }
  return "";
}

std::string detect(const std::string& text) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    if (line.rfind("INFO  jepsen.util", 0) == 0) return "porcupine-etcd";
    if (line.rfind("{:", 0) == 0) return "porcupine-kv";
    return "jsonl";
  }
  return "jsonl";
}

std::string default_model(const std::string& format, const std::vector<LinOp>& ops) {
  if (format == "porcupine-etcd") return "cas-register";
  if (format == "porcupine-kv") return "kv";
  bool cas = false, kv = false;
  for (const auto& op : ops) {
    cas = cas || op.f == "cas";
    kv = kv || op.f == "get" || op.f == "put" || op.f == "append";
  }
  return kv ? "kv" : cas ? "cas-register" : "register";
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
  std::vector<LinOp> ops;
  FormatError fe;
  std::istringstream in(text);
  bool ok = false;
  if (format == "porcupine-etcd") {
    ok = read_porcupine_etcd(in, &ops, &fe);
  } else if (format == "porcupine-kv") {
    ok = read_porcupine_kv(in, &ops, &fe);
  } else {
    history::History h;
    history::ParseError pe;
    if (!history::read_jsonl(in, &h, &pe)) {
      err << "faultline check: " << a.path << ": " << pe.to_string() << "\n";
      return 2;
    }
    const bool txns =
        std::any_of(h.ops.begin(), h.ops.end(), [](const history::Op& o) { return o.f == "txn"; });
    if (a.model == "list-append" || (a.model.empty() && txns)) {
      const elle::ElleResult r = elle::check_list_append(h);
      if (!r.error.empty()) {
        err << "faultline check: " << a.path << ": " << r.error << "\n";
        return 2;
      }
      out << r.to_json().dump(2) << "\n";
      return r.valid == Validity::kTrue ? 0 : 1;
    }
    const FailedCas fc =
        a.failed_cas == "evidence" ? FailedCas::kEvidence : FailedCas::kNeverHappened;
    const bool raw = a.model == "kv" || (a.model.empty() && detect(text) == "jsonl" &&
                                         text.find("\"append\"") != std::string::npos);
    ok = ops_from_history(h, fc, &ops, &fe, raw || a.model == "kv");
  }
  if (!ok) {
    err << "faultline check: " << a.path << " (" << format << "): " << fe.to_string() << "\n";
    return 2;
  }
  const std::string model_name = a.model.empty() ? default_model(format, ops) : a.model;
  auto model = make_model(model_name);
  LinOptions options;
  options.max_steps = a.max_steps;
  const LinResult r = check_linearizable(ops, *model, options);
  nlohmann::json j = r.to_json(ops, *model);
  j["format"] = format;
  j["operations"] = ops.size();
  out << j.dump(2) << "\n";
  return r.valid == Validity::kTrue ? 0 : r.valid == Validity::kFalse ? 1 : 2;
}

}  // namespace fl::checkers
