// Reading a run directory: results.json (required), history.jsonl and trace.txt (optional; a
// report says when they are absent), and the checks inside results.json.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "reports/html.h"
#include "reports/run_data.h"

namespace fl::reports {
namespace fs = std::filesystem;
namespace {

// Reads a whole regular file of at most max_bytes. Returns "" or an error; *exists=false if the
// path does not exist at all.
std::string read_file(const fs::path& path, std::size_t max_bytes, bool* exists,
                      std::string* text) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  *exists = fs::exists(status);
  if (!*exists) return path.filename().string() + ": not found in " + path.parent_path().string();
  if (!fs::is_regular_file(status)) return path.string() + ": not a regular file";
  const auto size = fs::file_size(path, ec);
  if (ec) return path.string() + ": " + ec.message();
  if (size > max_bytes) {
    return path.string() + ": " + count_text(size) + " bytes, more than the limit of " +
           count_text(max_bytes);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return path.string() + ": cannot be opened for reading";
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return path.string() + ": read error";
  *text = buf.str();
  return "";
}

std::string load_results(const fs::path& dir, RunData* out) {
  bool exists = false;
  std::string text;
  std::string error = read_file(dir / "results.json", kMaxResultsBytes, &exists, &text);
  if (!error.empty()) return error;
  try {
    out->results = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    return (dir / "results.json").string() + ": not valid JSON (" + e.what() + ")";
  }
  if (!out->results.is_object()) return (dir / "results.json").string() + ": not a JSON object";
  const auto& r = out->results;
  if (r.contains("problems") && !r["problems"].is_array()) {
    return (dir / "results.json").string() + ": \"problems\" must be an array";
  }
  for (const char* key : {"scenario", "mode", "trace_hash", "result", "reproduce"}) {
    if (r.contains(key) && !r[key].is_string() && !r[key].is_number()) {
      return (dir / "results.json").string() + ": \"" + key + "\" must be a string";
    }
  }
  return "";
}

std::string load_history(const fs::path& dir, RunData* out) {
  const fs::path path = dir / "history.jsonl";
  std::error_code ec;
  if (!fs::exists(path, ec)) return "";
  if (!fs::is_regular_file(path, ec)) return path.string() + ": not a regular file";
  std::ifstream in(path, std::ios::binary);
  if (!in) return path.string() + ": cannot be opened for reading";
  history::ParseError perr;
  if (!history::read_jsonl(in, &out->loaded, &perr)) {
    return path.string() + ": " + perr.to_string();
  }
  out->have_history = true;
  return "";
}

// Keeps the first kMaxTraceLinesHead and the last kMaxTraceLinesTail lines, counts them all.
std::string load_trace(const fs::path& dir, RunData* out) {
  const fs::path path = dir / "trace.txt";
  bool exists = false;
  std::string text;
  std::string error = read_file(path, kMaxTraceBytes, &exists, &text);
  if (!exists) return "";
  if (!error.empty()) return error;
  if (text.find('\0') != std::string::npos) return path.string() + ": binary data (a NUL byte)";
  out->have_trace = true;
  std::size_t pos = 0;
  std::vector<std::string> ring(kMaxTraceLinesTail);
  while (pos < text.size()) {  // each step consumes one line
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string line =
        truncate_text(std::string_view(text).substr(pos, nl - pos), kMaxTraceLineChars);
    if (out->trace_lines < kMaxTraceLinesHead) {
      out->trace_head.push_back(std::move(line));
    } else {
      ring[(out->trace_lines - kMaxTraceLinesHead) % kMaxTraceLinesTail] = std::move(line);
    }
    ++out->trace_lines;
    pos = nl + 1;
  }
  const std::size_t in_ring =
      out->trace_lines > kMaxTraceLinesHead ? out->trace_lines - kMaxTraceLinesHead : 0;
  const std::size_t kept = std::min(in_ring, kMaxTraceLinesTail);
  for (std::size_t k = 0; k < kept; ++k) {
    out->trace_tail.push_back(ring[(in_ring - kept + k) % kMaxTraceLinesTail]);
  }
  return "";
}

}  // namespace

std::string load_run(const std::string& dir, const history::History* lent, RunData* out) {
  FL_REPORT_ASSERT(out != nullptr);
  out->dir = dir;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return dir + ": not a directory";
  std::string error = load_results(dir, out);
  if (error.empty()) error = parse_checks(out);
  if (error.empty() && lent != nullptr) {
    out->history = lent;
    out->have_history = true;
  } else if (error.empty()) {
    error = load_history(dir, out);
  }
  if (error.empty()) error = load_trace(dir, out);
  return error;
}

}  // namespace fl::reports
