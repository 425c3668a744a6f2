#include "history/history.h"

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

}  // namespace

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
  nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return fail(error, line_no, "a JSON object");
  return op_from_json(j, line_no, op, error);
}

bool op_from_json(const nlohmann::json& j, std::size_t line_no, Op* op, ParseError* error) {
  if (!j.is_object()) return fail(error, line_no, "an op as a map");
  Op out;
  out.index = static_cast<std::int64_t>(line_no) - 1;
  for (auto& [key, v] : j.items()) {
    if (key == "index") {
      if (!v.is_number_integer()) return fail(error, line_no, "\"index\" as an integer");
      out.index = v.get<std::int64_t>();
    } else if (key == "time") {
      if (!v.is_number_integer()) return fail(error, line_no, "\"time\" as integer nanoseconds");
      out.time_ns = v.get<std::int64_t>();
    } else if (key == "process") {
      if (v.is_number_integer())
        out.process = v.get<std::int64_t>();
      else if (v == "nemesis")
        out.process = kNemesisProcess;
      else
        return fail(error, line_no, "\"process\" as an integer or \"nemesis\"");
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
  std::string line;
  std::size_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
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
