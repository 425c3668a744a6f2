// JSON as nested HTML tables, for what a run drew and its details: objects become key/value
// tables, arrays of objects become one table with a column per key (a nemesis's faults: kind,
// targets, parameters), arrays of scalars become a list, deeper levels fall back to text. Every
// level is bounded (rows, columns, depth, characters); all text is escaped.
#include <set>

#include "reports/html.h"
#include "reports/page.h"

namespace fl::reports {
namespace {

constexpr int kMaxDepth = 6;
constexpr std::size_t kMaxRows = 200;
constexpr std::size_t kMaxColumns = 16;
constexpr std::size_t kMaxCellChars = 600;
constexpr std::size_t kMaxScalarsListed = 50;

// Keys that name what a row is go first: "fault" (a fault's kind), "kind", "name".
std::vector<std::string> columns_of(const nlohmann::json& rows) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < rows.size() && i < kMaxRows; ++i) {
    for (const auto& [k, v] : rows[i].items()) seen.insert(k);
  }
  std::vector<std::string> cols;
  for (const char* first : {"fault", "kind", "name"}) {
    if (seen.erase(first) > 0) cols.push_back(first);
  }
  for (const auto& k : seen) {
    if (cols.size() >= kMaxColumns) break;
    cols.push_back(k);
  }
  return cols;
}

bool all_objects(const nlohmann::json& j) {
  if (j.empty()) return false;
  for (const auto& e : j) {
    if (!e.is_object()) return false;
  }
  return true;
}

std::string more_row(std::size_t more, std::size_t span) {
  return "<tr><td colspan=\"" + std::to_string(span) + "\">\xE2\x80\xA6 " + count_text(more) +
         " more</td></tr>";
}

std::string rows_table(const nlohmann::json& rows, int depth) {
  const std::vector<std::string> cols = columns_of(rows);
  std::string out = "<table class=\"jt rows\"><tr>";
  for (const auto& c : cols) out += "<th>" + esc(truncate_text(c, 100)) + "</th>";
  out += "</tr>";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i >= kMaxRows) return out + more_row(rows.size() - kMaxRows, cols.size()) + "</table>";
    out += "<tr>";
    for (const auto& c : cols) {
      out += "<td>" + (rows[i].contains(c) ? json_tables(rows[i][c], depth + 1) : "") + "</td>";
    }
    out += "</tr>";
  }
  return out + "</table>";
}

std::string object_table(const nlohmann::json& j, int depth) {
  std::string out = "<table class=\"jt kv\">";
  std::size_t n = 0;
  for (const auto& [k, v] : j.items()) {
    if (n++ >= kMaxRows) return out + more_row(j.size() - kMaxRows, 2) + "</table>";
    out += "<tr><th>" + esc(truncate_text(k, 200)) + "</th><td>" + json_tables(v, depth + 1) +
           "</td></tr>";
  }
  return out + "</table>";
}

}  // namespace

std::string json_tables(const nlohmann::json& j, int depth) {
  if (j.is_null() || (j.is_structured() && j.empty())) return "<i>none</i>";
  if (!j.is_structured() || depth >= kMaxDepth) {
    return "<span class=\"v\">" + esc(json_text(j, kMaxCellChars)) + "</span>";
  }
  if (j.is_object()) return object_table(j, depth);
  if (all_objects(j)) return rows_table(j, depth);
  std::string out;
  for (std::size_t i = 0; i < j.size(); ++i) {
    if (i >= kMaxScalarsListed) return out + ", \xE2\x80\xA6 " + count_text(j.size() - i) + " more";
    out += (i > 0 ? ", " : "") + esc(json_text(j[i], kMaxCellChars));
  }
  return "<span class=\"v\">" + out + "</span>";
}

std::string drawn_html(const nlohmann::json& drawn) {
  std::string out = "<div class=\"card wide\" id=\"drawn\"><h3>Drawn faults</h3>";
  if (!drawn.is_object()) return out + json_tables(drawn, 0) + "</div>";
  const nlohmann::json* nemeses = nullptr;
  if (drawn.contains("nemeses") && drawn["nemeses"].is_array()) nemeses = &drawn["nemeses"];
  if (nemeses == nullptr && drawn.empty()) return out + "<p><i>none</i></p></div>";
  out += "<div class=\"cards\">";
  for (std::size_t i = 0; nemeses != nullptr && i < nemeses->size() && i < kMaxRows; ++i) {
    const nlohmann::json& n = (*nemeses)[i];
    const std::string name = n.is_object() && n.contains("name") ? json_text(n["name"], 200)
                                                                 : "nemesis " + std::to_string(i);
    nlohmann::json rest = n;
    if (rest.is_object()) rest.erase("name");
    out += "<div class=\"nemesis\"><h4>" + esc(name) + "</h4>" + json_tables(rest, 1) + "</div>";
  }
  nlohmann::json others = drawn;
  others.erase("nemeses");
  if (!others.empty()) {
    out += "<div class=\"nemesis\"><h4>drawn</h4>" + json_tables(others, 1) + "</div>";
  }
  return out + "</div></div>";
}

}  // namespace fl::reports
