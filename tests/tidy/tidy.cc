#include "tests/tidy/tidy.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace fl::tidy {
namespace fs = std::filesystem;
namespace {

constexpr std::size_t kMaxColumns = 100;
const char* const kProjectDirs[] = {"system",  "options",  "sim",     "real",    "workloads",
                                    "nemeses", "checkers", "history", "reports", "compose",
                                    "harness", "serve",    "cli",     "tests"};

std::string top_of(const std::string& path) { return path.substr(0, path.find('/')); }

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}

// "saga" for "system/saga/x.h" or "compose/saga/x.h"; "" for a file directly in the folder.
std::string room_of(const std::string& path) {
  const auto first = path.find('/');
  if (first == std::string::npos) return "";
  const auto second = path.find('/', first + 1);
  return second == std::string::npos ? "" : path.substr(first + 1, second - first - 1);
}

// The generic part of compose/ (no system's folder): what the harness and serving may see.
bool compose_generic(const std::string& target) {
  return starts_with(target, "compose/") && room_of(target).empty();
}

// Project include prefixes a file under `path` may use (docs/architecture.md, "Dependency
// rules"); the composition rooms and the generic compose/ headers are checked apart (below).
std::vector<std::string> allowed_prefixes(const std::string& path) {
  if (starts_with(path, "system/io/")) return {"system/io/"};
  if (starts_with(path, "system/api/")) return {"system/api/", "system/io/"};
  if (starts_with(path, "system/")) return {"system/"};
  const std::string top = top_of(path);
  if (top == "options") return {"options/", "system/io/assert.h"};
  if (top == "sim" || top == "real") return {top + "/", "system/io/", "nemeses/fault_port"};
  if (top == "checkers") return {"checkers/", "history/", "options/"};
  if (top == "history") return {"history/"};
  if (top == "workloads") return {"workloads/", "system/", "history/", "options/"};
  // Nemeses draw their schedules from the seam's seeded PRNG (std-only header).
  if (top == "nemeses") return {"nemeses/", "history/", "options/", "system/io/random.h"};
  if (top == "reports") return {"reports/", "history/", "checkers/"};
  if (top == "compose") {
    return {"compose/", "system/", "workloads/", "checkers/", "history/", "options/"};
  }
  if (top == "harness") {
    return {"harness/",  "compose/", "sim/",     "real/",    "workloads/", "nemeses/",
            "checkers/", "history/", "reports/", "options/", "system/io/"};
  }
  if (top == "serve") return {"serve/", "compose/", "real/", "system/io/", "system/api/"};
  if (top == "cli") {
    return {"cli/",     "harness/", "serve/", "compose/", "checkers/",  "history/",
            "reports/", "real/",    "sim/",   "options/", "system/io/", "system/api/"};
  }
  return {""};  // tests/ may include everything
}

// Rooms a layer must not enter even where its prefixes would let it: the harness and serving
// see the generic compose/ only (they name no system); a composition sees no other system's
// composition; only compose/registry.cc lists them all.
std::string room_violation(const std::string& path, const std::string& target) {
  const std::string top = top_of(path);
  const bool into_composition = starts_with(target, "compose/") && !compose_generic(target);
  if ((top == "harness" || top == "serve" || top == "cli") && into_composition) {
    return top + "/ names no system: only compose/ itself may include " + target;
  }
  if (top == "compose" && into_composition && path != "compose/registry.cc" &&
      room_of(path) != room_of(target)) {
    return path + " is not in " + target + "'s composition";
  }
  if (top == "compose" && compose_generic(path) && path != "compose/registry.cc" &&
      into_composition) {
    return "the generic compose/ names no system (only compose/registry.cc lists them)";
  }
  return "";
}

// Third-party headers a layer must not see (Asio and Beast belong to real/ only).
std::vector<std::string> banned_system_headers(const std::string& path) {
  const std::string top = top_of(path);
  if (starts_with(path, "system/io/"))
    return {"boost/", "nlohmann/", "libpq", "hiredis", "librdkafka"};
  if (top == "system" || top == "sim" || top == "compose" || top == "options") {
    return {"boost/asio", "boost/beast", "libpq", "postgresql/", "hiredis", "librdkafka"};
  }
  if (top == "checkers" || top == "history") return {"boost/"};
  return {};
}

struct Banned {
  std::regex pattern;
  const char* what;
};

const std::vector<Banned>& banned_calls() {
  static const std::vector<Banned> kBanned = {
      {std::regex(R"(\bsystem_clock\b)"), "std::chrono::system_clock (use io::Clock)"},
      {std::regex(R"(\bsteady_clock\b)"), "std::chrono::steady_clock (use io::Clock)"},
      {std::regex(R"(\bhigh_resolution_clock\b)"), "high_resolution_clock (use io::Clock)"},
      {std::regex(R"(\brandom_device\b)"), "std::random_device (use io::Random)"},
      {std::regex(R"((^|[^\w:.>])s?rand\s*\()"), "rand()/srand() (use io::Random)"},
      {std::regex(R"(\bstd::thread\b|\bstd::jthread\b)"), "std::thread"},
      {std::regex(R"(\bstd::async\b)"), "std::async"},
      {std::regex(R"(\bthis_fiber::sleep_(for|until)\b)"), "this_fiber::sleep_* (real time)"},
      {std::regex(R"(\.\s*wait_(for|until)\s*\()"), "a timed fiber wait (real time)"},
      {std::regex(R"(\b(try_lock|try_push|try_pop)_(for|until)\b)"), "a timed wait (real time)"},
      {std::regex(R"(\buniform_(int|real)_distribution\b)"), "std distributions (use io::Random)"},
      {std::regex(R"(\btime\s*\(\s*(nullptr|NULL|0)\s*\))"), "time() (use io::Clock)"},
  };
  return kBanned;
}

void check_include(const std::string& path, int line_no, const std::string& line,
                   std::vector<Finding>* out) {
  static const std::regex kInclude(R"(^\s*#\s*include\s*([<"])([^>"]+)[>"])");
  std::smatch m;
  if (!std::regex_search(line, m, kInclude)) return;
  const std::string target = m[2];
  for (const auto& banned : banned_system_headers(path)) {
    if (target.find(banned) != std::string::npos) {
      out->push_back(
          {path, line_no, "layer", top_of(path) + "/ must not include <" + target + ">"});
    }
  }
  if (m[1] != "\"") return;
  if (const std::string room = room_violation(path, target); !room.empty()) {
    out->push_back({path, line_no, "layer", room});
  }
  const auto allowed = allowed_prefixes(path);
  const bool ok = std::any_of(allowed.begin(), allowed.end(),
                              [&](const std::string& p) { return starts_with(target, p); });
  if (!ok) {
    out->push_back({path, line_no, "layer", path + " may not include \"" + target + "\""});
  }
}

void check_banned(const std::string& path, int line_no, const std::string& code_line,
                  std::vector<Finding>* out) {
  const std::string top = top_of(path);
  if (top != "system" && top != "sim") return;
  for (const auto& b : banned_calls()) {
    if (std::regex_search(code_line, b.pattern)) {
      out->push_back({path, line_no, "banned", b.what});
    }
  }
  static const std::regex kCatchAll(R"(catch\s*\(\s*\.\.\.\s*\))");
  if (top == "system" && std::regex_search(code_line, kCatchAll)) {
    out->push_back({path, line_no, "banned", "catch (...) would swallow io::NodeCrashed"});
  }
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

std::string blank_comments_and_strings(const std::string& s) {
  std::string out = s;
  enum { kCode, kLine, kBlock, kString, kChar } state = kCode;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const char next = i + 1 < s.size() ? s[i + 1] : '\0';
    if (c == '\n') {
      if (state == kLine) state = kCode;
      continue;
    }
    switch (state) {
      case kCode:
        if (c == '/' && next == '/')
          state = kLine, out[i] = ' ';
        else if (c == '/' && next == '*')
          state = kBlock, out[i] = ' ';
        else if (c == '"')
          state = kString;
        else if (c == '\'')
          state = kChar;
        break;
      case kLine:
        out[i] = ' ';
        break;
      case kBlock:
        out[i] = ' ';
        if (c == '*' && next == '/') out[++i] = ' ', state = kCode;
        break;
      case kString:
      case kChar:
        if (c == '\\' && next != '\n') {
          out[i] = ' ';
          out[++i] = ' ';
        } else if ((state == kString && c == '"') || (state == kChar && c == '\'')) {
          state = kCode;
        } else {
          out[i] = ' ';
        }
        break;
    }
  }
  return out;
}

std::vector<Finding> check_file(const std::string& path, const std::string& contents) {
  std::vector<Finding> out;
  const auto lines = split_lines(contents);
  const auto code = split_lines(blank_comments_and_strings(contents));
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const int line_no = static_cast<int>(i) + 1;
    if (lines[i].size() > kMaxColumns) {
      out.push_back(
          {path, line_no, "width", std::to_string(lines[i].size()) + " columns (max 100)"});
    }
    check_include(path, line_no, lines[i], &out);
    // A line may opt out of (b) with the marker `tidy:allow` and a reason in a comment.
    const bool allowed = lines[i].find("tidy:allow") != std::string::npos;
    if (i < code.size() && !allowed) check_banned(path, line_no, code[i], &out);
  }
  return out;
}

// Product code never reaches into tests/: no source includes from it (check_include), and no
// build file of a product folder compiles a path under it in.
void check_build_files(const std::string& root, std::vector<Finding>* out) {
  for (const char* dir : kProjectDirs) {
    if (std::string(dir) == "tests") continue;
    std::ifstream in(fs::path(root) / dir / "CMakeLists.txt");
    int line_no = 0;
    for (std::string line; in && std::getline(in, line);) {
      ++line_no;
      if (line.find("/tests") != std::string::npos || line.find("tests/") != std::string::npos) {
        out->push_back({std::string(dir) + "/CMakeLists.txt", line_no, "layer",
                        std::string(dir) + "/ reaches into tests/"});
      }
    }
  }
}

std::vector<Finding> check_tree(const std::string& root) {
  std::vector<std::string> files;
  for (const char* dir : kProjectDirs) {
    const fs::path base = fs::path(root) / dir;
    if (!fs::exists(base)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(base)) {
      const auto ext = entry.path().extension().string();
      if (entry.is_regular_file() &&
          (ext == ".h" || ext == ".cc" || ext == ".cpp" || ext == ".hpp")) {
        files.push_back(fs::relative(entry.path(), root).generic_string());
      }
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<Finding> out;
  for (const auto& f : files) {
    std::ifstream in(fs::path(root) / f);
    std::stringstream buf;
    buf << in.rdbuf();
    auto found = check_file(f, buf.str());
    out.insert(out.end(), found.begin(), found.end());
  }
  check_build_files(root, &out);
  return out;
}

}  // namespace fl::tidy
