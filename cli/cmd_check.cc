// `faultline check <history>... [--checker NAME] [--model M] [--options JSON] [--format F]
//   [--failed-cas evidence|never-happened] [--max-steps N] [--expected MODEL]
//   [--sequential-keys] [--linearizable-keys] [--total N] [--negative-allowed]`: runs a registry
// checker (checkers/registry.h; chosen from the ops when not named: txn -> Elle list-append or
// rw-register, or Knossos' multi-register for read/write micro-ops, transfer -> bank, add + read
// -> set or counter, else linearizable with the model guessed).
//
// One file: prints the result as JSON (with "valid"); exit 0 valid, 1 invalid, 2 unknown or bad
// input. Several files or a directory (its regular files but *.md, recursively, in name order; at
// most kMaxCheckFiles): one process checks them all with the same options, one verdict line each
// ("<file>: valid|invalid|unknown|error (<detail>)") and a summary line; the exit code is the
// worst: 2 if any was unknown or unreadable, else 1 if any was invalid, else 0.
#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "checkers/formats.h"
#include "checkers/models.h"
#include "checkers/registry.h"
#include "cli/args.h"
#include "cli/cli.h"
#include "history/edn.h"

namespace fl::cli {
using namespace checkers;  // NOLINT: the command of the checkers
namespace {

constexpr std::size_t kMaxCheckFiles = 100000;

struct CheckArgs {
  std::vector<std::string> paths;  // as given: files or directories
  std::string path;                // the file being checked
  std::string model, checker, format = "auto", failed_cas;
  std::uint64_t max_steps = 0;  // 0: the checker's default
  nlohmann::json options = nlohmann::json::object();
};

// Declares the options of `faultline check` on `app`, writing into `a` and the raw strings.
struct CheckFlags {
  std::string expected, options_json;
  std::uint64_t total = 0;
  bool negative_allowed = false, sequential_keys = false, linearizable_keys = false;
};

void declare(CLI::App& app, CheckArgs* a, CheckFlags* f) {
  app.add_option("history", a->paths, "history files or directories")->required();
  app.add_option("--checker", a->checker, "a registry checker (default: chosen from the ops)");
  app.add_option("--model", a->model,
                 "register | cas-register | kv | mutex | set | list-append | rw-register | bank "
                 "| counter");
  app.add_option("--format", a->format, "auto (default), jsonl, edn, porcupine-etcd, porcupine-kv")
      ->check(CLI::IsMember({"auto", "jsonl", "edn", "porcupine-etcd", "porcupine-kv"}));
  app.add_option("--failed-cas", a->failed_cas, "evidence | never-happened")
      ->check(CLI::IsMember({"evidence", "never-happened"}));
  app.add_option("--max-steps", a->max_steps, "linearizability search budget (> 0)")
      ->check(CLI::PositiveNumber);
  app.add_option("--expected", f->expected, "the consistency model Elle must find");
  app.add_option("--total", f->total, "bank: the total that must be conserved");
  app.add_option("--options", f->options_json, "checker options as a JSON object");
  app.add_flag("--negative-allowed", f->negative_allowed, "bank: balances may go negative");
  app.add_flag("--sequential-keys", f->sequential_keys, "rw-register: assume per-key sequential");
  app.add_flag("--linearizable-keys", f->linearizable_keys,
               "rw-register: assume per-key linearizable");
}

// Folds the flags into a->options. "" or what is wrong.
std::string fold(const CLI::App& app, const CheckFlags& f, CheckArgs* a) {
  if (!f.options_json.empty()) {
    const auto j = nlohmann::json::parse(f.options_json, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return "--options takes a JSON object";
    a->options.update(j);
  }
  if (!f.expected.empty()) a->options["expected"] = f.expected;
  if (app.count("--total") > 0) a->options["total"] = f.total;
  if (f.negative_allowed) a->options["negative-allowed"] = true;
  if (f.sequential_keys) a->options["sequential-keys"] = true;
  if (f.linearizable_keys) a->options["linearizable-keys"] = true;
  return "";
}

// The checker for a history when none is named: transactions go to Elle, transfers to bank,
// add/read of elements to set, add/read of numbers to counter, the rest to linearizability.
std::string default_checker(const history::History& h) {
  for (const auto& op : h.ops) {
    if (op.process == history::kNemesisProcess) continue;
    if (op.f == "txn") {
      const std::string text = op.value.dump();
      if (text.find("\"append\"") != std::string::npos) return "elle-list-append";
      // Knossos' multi-register transactions name their micro-ops read/write (Elle's: r/w).
      const bool knossos = text.find("[\"read\"") != std::string::npos ||
                           text.find("[\"write\"") != std::string::npos;
      return knossos ? "linearizable" : "elle-rw-register";
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

// The verdict of one file: the exit code, and the result (null when the file could not be read
// or parsed; the messages then went to `err`).
struct FileVerdict {
  int code = 2;
  nlohmann::json result;
};

FileVerdict porcupine(const CheckArgs& a, const std::string& format, const std::string& text,
                      std::ostream& err) {
  std::vector<LinOp> ops;
  FormatError fe;
  std::istringstream in(text);
  const bool ok = format == "porcupine-etcd" ? read_porcupine_etcd(in, &ops, &fe)
                                             : read_porcupine_kv(in, &ops, &fe);
  if (!ok) {
    err << "faultline check: " << a.path << " (" << format << "): " << fe.to_string() << "\n";
    return {};
  }
  const std::string model_name = !a.model.empty()             ? a.model
                                 : format == "porcupine-etcd" ? "cas-register"
                                                              : "kv";
  auto model = make_model(model_name);
  if (model == nullptr) {
    err << "faultline check: unknown model '" << model_name << "'\n";
    return {};
  }
  LinOptions options;
  if (a.max_steps != 0) options.max_steps = a.max_steps;
  const LinResult r = check_linearizable(ops, *model, options);
  nlohmann::json j = r.to_json(ops, *model);
  j["format"] = format;
  j["operations"] = ops.size();
  return {r.valid == Validity::kTrue ? 0 : r.valid == Validity::kFalse ? 1 : 2, std::move(j)};
}

// Checks the one file a.path.
FileVerdict check_file(const CheckArgs& a, std::ostream& err) {
  std::ifstream file(a.path);
  if (!file) {
    err << "faultline check: cannot read " << a.path << "\n";
    return {};
  }
  std::stringstream buf;
  buf << file.rdbuf();
  const std::string text = buf.str();
  const std::string format = a.format == "auto" ? checkers::detect_format(text) : a.format;
  if (format == "porcupine-etcd" || format == "porcupine-kv") {
    return porcupine(a, format, text, err);
  }
  history::History h;
  history::ParseError pe;
  std::istringstream in(text);
  if (!(format == "edn" ? history::read_edn(in, &h, &pe) : history::read_jsonl(in, &h, &pe))) {
    err << "faultline check: " << a.path << " (" << format << "): " << pe.to_string() << "\n";
    return {};
  }
  nlohmann::json options;
  const std::string name = choose(a, h, &options);
  CheckOutcome o = run_checker(name, options, h);
  o.result["format"] = format;
  o.result["checker"] = name;
  if (o.result.contains("error")) {
    err << "faultline check: " << a.path << ": " << o.result["error"].get<std::string>() << "\n";
  }
  return {o.valid == Validity::kTrue    ? 0
          : o.valid == Validity::kFalse ? 1
                                        : 2,
          std::move(o.result)};
}

// The files `paths` name: files as given, directories' regular files recursively, sorted.
// "" or what is wrong (a missing path, too many files).
std::string expand(const std::vector<std::string>& paths, std::vector<std::string>* files) {
  namespace fs = std::filesystem;
  for (const auto& p : paths) {
    std::error_code ec;
    if (!fs::is_directory(p, ec)) {
      files->push_back(p);  // a missing file is reported by its own verdict line
    } else {
      std::vector<std::string> inside;
      for (fs::recursive_directory_iterator it(p, ec), end; !ec && it != end; it.increment(ec)) {
        // Documentation beside the data (README.md, ORIGIN.md) is not a history.
        if (it->is_regular_file(ec) && it->path().extension() != ".md") {
          inside.push_back(it->path().string());
        }
        if (inside.size() > kMaxCheckFiles) break;
      }
      if (ec) return "cannot list " + p + ": " + ec.message();
      std::sort(inside.begin(), inside.end());
      files->insert(files->end(), inside.begin(), inside.end());
    }
    if (files->size() > kMaxCheckFiles) {
      return "more than " + std::to_string(kMaxCheckFiles) + " files to check";
    }
  }
  return "";
}

// One verdict line of a multi-file check; `messages`: what checking it wrote to err.
std::string verdict_line(const std::string& path, const FileVerdict& v,
                         const std::string& messages) {
  if (v.result.is_null()) return path + ": error (" + messages.substr(0, messages.find('\n')) + ")";
  const char* word = v.code == 0 ? "valid" : v.code == 1 ? "invalid" : "unknown";
  const nlohmann::json& j = v.result;
  std::string detail =
      j.value("checker", std::string("linearizable")) + ", " + j.value("format", std::string("?"));
  if (j.contains("anomaly-types") && j["anomaly-types"].is_array() && v.code != 0) {
    detail += ", " + j["anomaly-types"].dump();
  }
  return path + ": " + word + " (" + detail + ")";
}

int check_many(CheckArgs a, const std::vector<std::string>& files, std::ostream& out) {
  int worst = 0;
  std::size_t counts[4] = {0, 0, 0, 0};  // valid, invalid, unknown, error
  for (const auto& f : files) {
    a.path = f;
    std::ostringstream messages;
    const FileVerdict v = check_file(a, messages);
    out << verdict_line(f, v, messages.str()) << "\n";
    counts[v.result.is_null() ? 3 : std::min(v.code, 2)]++;
    worst = std::max(worst, v.code);
  }
  out << "summary: " << files.size() << " files: " << counts[0] << " valid, " << counts[1]
      << " invalid, " << counts[2] << " unknown, " << counts[3] << " errors\n";
  return worst;
}

}  // namespace

int cmd_check(const Args& args, std::ostream& out, std::ostream& err) {
  CLI::App app{"Judges history files: JSON lines, Jepsen EDN, Porcupine's etcd and kv logs.",
               "check"};
  CheckArgs a;
  CheckFlags f;
  declare(app, &a, &f);
  if (auto code = parse_command(app, args, out, err)) return *code;
  if (std::string e = fold(app, f, &a); !e.empty()) return usage_error(app, e, err);
  std::vector<std::string> files;
  if (std::string e = expand(a.paths, &files); !e.empty()) return usage_error(app, e, err);
  std::error_code ec;
  if (a.paths.size() == 1 && !std::filesystem::is_directory(a.paths[0], ec)) {
    a.path = a.paths[0];
    const FileVerdict v = check_file(a, err);
    if (!v.result.is_null()) {
      out << v.result.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    }
    return v.code;
  }
  if (files.empty()) return usage_error(app, "no files to check", err);
  return check_many(a, files, out);
}

}  // namespace fl::cli
