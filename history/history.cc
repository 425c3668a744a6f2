#include "history/history.h"

#include <limits>

#include "history/json_guard.h"

namespace fl::history {
namespace {

bool fail(ParseError* error, std::size_t line, std::string message) {
  error->line = line;
  error->message = std::move(message);
  return false;
}

bool parse_type(const std::string& s, OpType* type) {
  if (s == "invoke")
    *type = OpType::kInvoke;
  else if (s == "ok")
    *type = OpType::kOk;
  else if (s == "fail")
    *type = OpType::kFail;
  else if (s == "info")
    *type = OpType::kInfo;
  else
    return false;
  return true;
}

// Whether a line looks like the start of an EDN history rather than a JSON object.
bool looks_like_edn(const std::string& line) {
  const auto at = line.find_first_not_of(" \t\r");
  if (at == std::string::npos) return false;
  const char c = line[at];
  return c == '(' || c == '[' || c == ';' || c == '#' || line.compare(at, 2, "{:") == 0;
}

// An integer field that fits int64 (nlohmann keeps values past INT64_MAX as unsigned).
bool int64_field(const nlohmann::json& v, std::int64_t* out) {
  if (!v.is_number_integer()) return false;
  if (v.is_number_unsigned() &&
      v.get<std::uint64_t>() >
          static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return false;
  }
  *out = v.get<std::int64_t>();
  return true;
}

}  // namespace

const char* to_string(SourceFormat f) {
  switch (f) {
    case SourceFormat::kJsonLines:
      return "jsonl";
    case SourceFormat::kEdn:
      return "edn";
    case SourceFormat::kUnknown:
      return "unknown";
  }
  return "unknown";
}

const char* to_string(OpType type) {
  switch (type) {
    case OpType::kInvoke:
      return "invoke";
    case OpType::kOk:
      return "ok";
    case OpType::kFail:
      return "fail";
    case OpType::kInfo:
      return "info";
  }
  return "?";
}

bool parse_op(const std::string& line, std::size_t line_no, Op* op, ParseError* error) {
  if (line.size() > kMaxLineBytes) return fail(error, line_no, "a line of at most 1 MiB");
  const std::string bad = scan_json_text(line);
  if (!bad.empty()) return fail(error, line_no, "a JSON op, but " + bad);
  nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return fail(error, line_no, "a JSON object");
  return op_from_json(j, line_no, op, error);
}

bool op_from_json(const nlohmann::json& j, std::size_t line_no, Op* op, ParseError* error) {
  if (!j.is_object()) return fail(error, line_no, "an op as a map");
  // The op map is one level; its values may nest kMaxJsonDepth more.
  if (json_depth(j, kMaxJsonDepth + 1) > kMaxJsonDepth + 1) {
    return fail(error, line_no, "an op whose values nest at most 256 deep");
  }
  Op out;
  out.index = static_cast<std::int64_t>(line_no) - 1;
  for (auto& [key, v] : j.items()) {
    if (key == "index") {
      if (!int64_field(v, &out.index)) {
        return fail(error, line_no, "\"index\" as an integer that fits 64 bits");
      }
    } else if (key == "time") {
      if (!int64_field(v, &out.time_ns)) {
        return fail(error, line_no, "\"time\" as integer nanoseconds (64 bits)");
      }
    } else if (key == "process") {
      if (v == "nemesis") {
        out.process = kNemesisProcess;
      } else if (!int64_field(v, &out.process)) {
        return fail(error, line_no, "\"process\" as an integer or \"nemesis\"");
      }
    } else if (key == "type") {
      if (!v.is_string() || !parse_type(v.get<std::string>(), &out.type)) {
        return fail(error, line_no, "\"type\" as one of invoke, ok, fail, info");
      }
    } else if (key == "f") {
      if (!v.is_string()) return fail(error, line_no, "\"f\" as a string");
      out.f = v.get<std::string>();
    } else if (key == "value") {
      out.value = v;
    } else {
      out.extra[key] = v;
    }
  }
  if (!j.contains("type")) return fail(error, line_no, "a \"type\" field");
  if (!j.contains("process")) return fail(error, line_no, "a \"process\" field");
  if (!j.contains("f")) return fail(error, line_no, "an \"f\" field");
  *op = std::move(out);
  return true;
}

bool read_jsonl(std::istream& in, History* out, ParseError* error) {
  out->ops.clear();
  out->format = SourceFormat::kJsonLines;
  std::string line;
  std::size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (out->ops.empty() && looks_like_edn(line)) {
      return fail(error, line_no, "a JSON object; this looks like an EDN history (read it as EDN)");
    }
    if (out->ops.size() >= kMaxOps) return fail(error, line_no, "at most 10,000,000 operations");
    Op op;
    if (!parse_op(line, line_no, &op, error)) return false;
    out->ops.push_back(std::move(op));
  }
  return true;
}

std::string to_json_line(const Op& op) {
  nlohmann::json j = op.extra;
  j["index"] = op.index;
  j["time"] = op.time_ns;
  if (op.process == kNemesisProcess)
    j["process"] = "nemesis";
  else
    j["process"] = op.process;
  j["type"] = to_string(op.type);
  j["f"] = op.f;
  j["value"] = op.value;
  return j.dump();
}

}  // namespace fl::history
