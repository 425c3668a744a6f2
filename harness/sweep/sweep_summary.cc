#include "harness/sweep/sweep_summary.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "reports/report.h"

namespace fl::harness {
namespace fs = std::filesystem;

ResultCounts count_results(const nlohmann::json& seeds) {
  ResultCounts c;
  if (!seeds.is_array()) return c;
  for (const auto& s : seeds) {
    const std::string r = s.is_object() ? s.value("result", "") : "";
    if (r == "pass") {
      ++c.pass;
    } else if (r == "fail") {
      ++c.fail;
    } else {
      ++c.unknown;
    }
  }
  return c;
}

void print_sweep_summary(std::ostream& out, const std::string& header, const ResultCounts& counts,
                         const std::string& timing, const nlohmann::json& seeds,
                         const std::string& dir) {
  out << header << "\n";
  out << "  result    seeds\n";
  const std::pair<const char*, std::uint64_t> rows[] = {
      {"pass", counts.pass}, {"fail", counts.fail}, {"unknown", counts.unknown}};
  for (const auto& [name, n] : rows) {
    char row[64];
    std::snprintf(row, sizeof row, "  %-8s %6llu\n", name, static_cast<unsigned long long>(n));
    out << row;
  }
  out << "  " << timing << "\n";
  for (const auto& s : seeds) {
    const std::string result = s.value("result", "unknown");
    if (result == "pass") continue;
    out << result << ": seed " << s["seed"].dump() << ": " << s.value("reproduce", "") << "\n";
    if (s.contains("problems") && s["problems"].is_array()) {
      for (const auto& p : s["problems"]) {
        out << "    " << (p.is_string() ? p.get<std::string>() : p.dump()) << "\n";
      }
    }
    out << "    report: " << (fs::path(dir) / s.value("dir", "")).string() << "/report.html\n";
  }
}

std::string write_sweep_files(const std::string& dir, const nlohmann::json& sweep) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  std::ofstream file(fs::path(dir) / "sweep.json");
  file << sweep.dump(2) << "\n";
  if (!file.flush()) return "cannot write " + (fs::path(dir) / "sweep.json").string();
  if (std::string e = reports::write_sweep_index(dir, sweep); !e.empty()) return "index: " + e;
  return "";
}

}  // namespace fl::harness
