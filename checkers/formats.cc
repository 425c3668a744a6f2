#include "checkers/formats.h"

#include <charconv>
#include <map>
#include <sstream>

namespace fl::checkers {
namespace {

bool fail(FormatError* e, std::size_t line, std::string message) {
  e->line = line;
  e->message = std::move(message);
  return false;
}

std::vector<std::string> split_ws(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// A decimal integer that fits 64 bits (std::stoll would throw past that).
bool parse_int(const std::string& s, std::int64_t* out) {
  const char* end = s.data() + s.size();
  const auto [p, ec] = std::from_chars(s.data(), end, *out);
  return ec == std::errc() && p == end;
}
bool is_int(const std::string& s) {
  std::int64_t unused = 0;
  return parse_int(s, &unused);
}

// Every line within history::kMaxLineBytes and at most history::kMaxOps lines: the same bounds as
// our own histories.
bool bounded(const std::string& line, std::size_t no, FormatError* error) {
  if (line.size() > history::kMaxLineBytes) return fail(error, no, "a line of at most 1 MiB");
  if (no > history::kMaxOps) return fail(error, no, "at most 10,000,000 lines");
  return true;
}

// Ends every still-open op as unknown, after all events.
void close_open(std::map<std::int64_t, std::size_t>* open, std::vector<LinOp>* ops) {
  for (auto& [p, i] : *open) {
    (*ops)[i].unknown = true;
    (*ops)[i].ret = LinOp::kNever;
  }
  open->clear();
}

}  // namespace

std::string detect_format(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  for (std::size_t no = 1; no <= history::kMaxOps && std::getline(in, line); ++no) {
    const auto start = line.find_first_not_of(" \t\r");
    if (start == std::string::npos) continue;
    line = line.substr(start);
    if (line.rfind("INFO  jepsen.util", 0) == 0) return "porcupine-etcd";
    if (line[0] == '(' || line[0] == '[' || line[0] == ';' || line[0] == '#') return "edn";
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

bool read_porcupine_etcd(std::istream& in, std::vector<LinOp>* ops, FormatError* error) {
  const std::string prefix = "INFO  jepsen.util - ";
  std::map<std::int64_t, std::size_t> open;
  std::string line;
  std::int64_t t = 0;
  for (std::size_t no = 1; std::getline(in, line); ++no, ++t) {
    if (!bounded(line, no, error)) return false;
    if (line.empty()) continue;
    if (line.rfind(prefix, 0) != 0) return fail(error, no, "a line starting \"" + prefix + "\"");
    std::string rest = line.substr(prefix.size());
    for (char& c : rest) {
      if (c == '[' || c == ']') c = ' ';
    }
    const auto w = split_ws(rest);
    std::int64_t proc = 0;
    if (w.size() < 3 || !parse_int(w[0], &proc)) {
      return fail(error, no, "PROCESS :TYPE :F VALUE (the process a 64-bit integer)");
    }
    const std::string type = w[1], f = w[2].empty() ? "" : w[2].substr(1);
    if (f != "read" && f != "write" && f != "cas") return fail(error, no, ":read, :write or :cas");
    if (type == ":invoke") {
      if (open.count(proc)) return fail(error, no, "no new invocation while one is open");
      LinOp op;
      op.call = t;
      op.process = proc;
      op.f = f;
      op.source = no;
      if (f == "write" && w.size() == 4 && is_int(w[3]))
        op.a = w[3];
      else if (f == "cas" && w.size() == 5 && is_int(w[3]) && is_int(w[4]))
        op.a = w[3], op.b = w[4];
      else if (f != "read")
        return fail(error, no, "an integer or [A B] value");
      open[proc] = ops->size();
      ops->push_back(op);
      continue;
    }
    auto it = open.find(proc);
    if (it == open.end()) return fail(error, no, "a completion for an open invocation");
    LinOp& op = (*ops)[it->second];
    if (type == ":info") continue;  // stays open: unknown, closed at the end
    open.erase(it);
    op.ret = t;
    if (type == ":ok") {
      if (f == "read") {
        op.exists = w.size() == 4 && w[3] != "nil";
        if (op.exists && !is_int(w[3])) return fail(error, no, "nil or an integer read");
        if (op.exists) op.out = w[3];
      }
    } else if (type == ":fail") {
      if (f == "cas")
        op.ok = false;
      else if (f == "read")
        op.unknown = true;  // a timed-out read: any result
      else
        return fail(error, no, "no :fail for a write");
    } else {
      return fail(error, no, ":invoke, :ok, :fail or :info");
    }
  }
  close_open(&open, ops);
  return true;
}

bool read_porcupine_kv(std::istream& in, std::vector<LinOp>* ops, FormatError* error) {
  std::map<std::int64_t, std::size_t> open;
  std::string line;
  std::int64_t t = 0;
  for (std::size_t no = 1; std::getline(in, line); ++no, ++t) {
    if (!bounded(line, no, error)) return false;
    if (line.empty()) continue;
    // {:process P, :type :T, :f :F, :key "K", :value "V"|nil}
    auto field = [&](const std::string& name, std::string* out) {
      const auto at = line.find(":" + name + " ");
      if (at == std::string::npos) return false;
      std::size_t s = at + name.size() + 2;
      if (s < line.size() && line[s] == '"') {
        const auto e = line.find('"', s + 1);
        if (e == std::string::npos) return false;
        *out = line.substr(s + 1, e - s - 1);
        return true;
      }
      const auto e = line.find_first_of(",}", s);
      if (e == std::string::npos) return false;
      *out = line.substr(s, e - s);
      return true;
    };
    std::string proc, type, f, key, value;
    std::int64_t p = 0;
    if (line.front() != '{' || line.back() != '}' || !field("process", &proc) ||
        !field("type", &type) || !field("f", &f) || !field("key", &key) ||
        !field("value", &value) || !parse_int(proc, &p)) {
      return fail(error, no, "{:process P, :type :T, :f :F, :key \"K\", :value V}");
    }
    if (type == ":invoke") {
      if (open.count(p)) return fail(error, no, "no new invocation while one is open");
      if (f != ":get" && f != ":put" && f != ":append")
        return fail(error, no, ":get, :put, :append");
      LinOp op;
      op.call = t;
      op.process = p;
      op.f = f.substr(1);
      op.key = key;
      op.a = f == ":get" ? "" : value;
      op.source = no;
      open[p] = ops->size();
      ops->push_back(op);
    } else if (type == ":ok") {
      auto it = open.find(p);
      if (it == open.end()) return fail(error, no, "an :ok for an open invocation");
      LinOp& op = (*ops)[it->second];
      op.ret = t;
      if (op.f == "get") op.out = value == "nil" ? "" : value;
      open.erase(it);
    } else {
      return fail(error, no, ":invoke or :ok");
    }
  }
  close_open(&open, ops);
  return true;
}

}  // namespace fl::checkers
