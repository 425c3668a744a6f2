// The history: what a run records and what checkers judge. One operation event per JSON line,
// Jepsen's op map field for field: {"index", "time" (ns), "process" (integer, or "nemesis"),
// "type": "invoke"|"ok"|"fail"|"info", "f", "value", ...}. Extra fields are kept (in `extra`) so
// a history converts both ways without loss.
#pragma once

#include <cstdint>
#include <istream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace fl::history {

enum class OpType { kInvoke, kOk, kFail, kInfo };
const char* to_string(OpType type);

constexpr std::int64_t kNemesisProcess = -1;
constexpr std::size_t kMaxLineBytes = 1 << 20;
constexpr std::size_t kMaxOps = 10'000'000;

struct Op {
  std::int64_t index = 0;
  std::int64_t time_ns = 0;
  std::int64_t process = 0;  // kNemesisProcess for "nemesis"
  OpType type = OpType::kInvoke;
  std::string f;
  nlohmann::json value;                             // null when absent
  nlohmann::json extra = nlohmann::json::object();  // every other field, verbatim
};

// Where a history was read from: its text format decides how some checkers read it (a failed
// operation means "did not happen" in Jepsen's EDN, as Knossos reads it; see checkers/registry.h).
enum class SourceFormat { kUnknown, kJsonLines, kEdn };
const char* to_string(SourceFormat f);

struct History {
  std::vector<Op> ops;
  SourceFormat format = SourceFormat::kUnknown;  // set by read_jsonl / read_edn
};

struct ParseError {
  std::size_t line = 0;  // 1-based
  std::string message;   // what was expected
  std::string to_string() const { return "line " + std::to_string(line) + ": " + message; }
};

// Reads JSON lines (blank lines skipped). On error returns false and fills *error; never throws.
// Each line is scanned first (json_guard.h): nesting at most kMaxJsonDepth, numbers within 64
// bits / a double, else an error that says so. A file that starts like EDN ('(', '[', "{:" or
// ';') gets an error that says to read it as EDN.
bool read_jsonl(std::istream& in, History* out, ParseError* error);
// Parses one line's JSON object into an Op (index defaults to the line's position).
bool parse_op(const std::string& line, std::size_t line_no, Op* op, ParseError* error);
// The same from a parsed JSON object; errors name `line_no`. A value nested deeper than
// kMaxJsonDepth is refused (copying it would recurse that deep).
bool op_from_json(const nlohmann::json& j, std::size_t line_no, Op* op, ParseError* error);
std::string to_json_line(const Op& op);

}  // namespace fl::history
