// The PITR check (dr.h), from the history of the dr-pitr workload. A restore is judged against
// the acknowledged writes, each with the lsn and the commit time its primary reported:
//  - to lsn T: it restored exactly to T, and holds every acknowledged write at lsn <= T and none
//    after (PITR is a prefix, none torn);
//  - to time T: it holds every acknowledged write committed at or before T and none after;
//  - the final drill (latest): it holds every acknowledged write and none past its lsn, and
//    every base backup was verified against the archive ("every complete backup restores").
// Acknowledged writes survive every failover in synchronous mode (the dr check), so their lsns
// name the same records in the archive whichever primary wrote them.
#include <algorithm>
#include <map>
#include <set>

#include "compose/dr/dr.h"

namespace fl::compose {
namespace {

constexpr std::size_t kMaxPitrProblems = 50;

struct AckedWrite {
  std::string element;
  std::int64_t lsn = 0, commit_ns = 0;
};

struct Restore {
  nlohmann::json value;
  std::set<std::string> elements;
};

void collect(const history::History& h, std::vector<AckedWrite>* acks,
             std::vector<Restore>* restores) {
  for (const auto& op : h.ops) {
    if (op.process == history::kNemesisProcess || op.type != history::OpType::kOk) continue;
    if (!op.value.is_object()) continue;
    if (op.f == "add") {
      acks->push_back({op.value.value("element", ""), op.value.value("lsn", std::int64_t{0}),
                       op.value.value("commit_ns", std::int64_t{0})});
    } else if (op.f == "restore") {
      Restore r{op.value, {}};
      for (const auto& e : op.value.value("elements", nlohmann::json::array())) {
        if (e.is_string()) r.elements.insert(e.get<std::string>());
      }
      restores->push_back(std::move(r));
    }
  }
}

// One restore against the acknowledged writes; `before(a)`: a must be restored, else must not.
template <typename Before>
void judge_one(const Restore& r, const std::vector<AckedWrite>& acks, const std::string& name,
               Before before, std::vector<std::string>* problems) {
  for (const AckedWrite& a : acks) {
    const bool held = r.elements.count(a.element) != 0;
    if (held == before(a) || problems->size() >= kMaxPitrProblems) continue;
    problems->push_back(name + (held ? " holds " : " lacks ") + a.element + " (lsn " +
                        std::to_string(a.lsn) + ", committed at " + std::to_string(a.commit_ns) +
                        " ns)");
  }
}

}  // namespace

checkers::CheckOutcome judge_pitr(const history::History& history) {
  std::vector<AckedWrite> acks;
  std::vector<Restore> restores;
  collect(history, &acks, &restores);
  std::vector<std::string> problems;
  std::int64_t max_acked_lsn = 0, drills = 0, incremental = 0;
  for (const AckedWrite& a : acks) max_acked_lsn = std::max(max_acked_lsn, a.lsn);
  for (const Restore& r : restores) {
    const std::int64_t lsn = r.value.value("lsn", std::int64_t{-1});
    if (r.value.contains("target_lsn")) {
      const std::int64_t t = r.value.value("target_lsn", std::int64_t{0});
      const std::string name = "restore to lsn " + std::to_string(t);
      if (lsn != t) problems.push_back(name + " stopped at lsn " + std::to_string(lsn));
      judge_one(
          r, acks, name, [t](const AckedWrite& a) { return a.lsn <= t; }, &problems);
    } else if (r.value.contains("target_time")) {
      const std::int64_t t = r.value.value("target_time", std::int64_t{0});
      judge_one(
          r, acks, "restore to time " + std::to_string(t),
          [t](const AckedWrite& a) { return a.commit_ns <= t; }, &problems);
    } else if (r.value.value("latest", false)) {
      ++drills;
      incremental += r.value.value("incremental_backups", std::int64_t{0});
      if (lsn < max_acked_lsn) {
        problems.push_back("restore drill of the latest archive stopped at lsn " +
                           std::to_string(lsn) + ", before acknowledged lsn " +
                           std::to_string(max_acked_lsn));
      }
      judge_one(
          r, acks, "restore drill", [lsn](const AckedWrite& a) { return a.lsn <= lsn; }, &problems);
      for (const auto& p : r.value.value("backup_problems", nlohmann::json::array())) {
        problems.push_back("backup verification: " +
                           (p.is_string() ? p.get<std::string>() : p.dump()));
      }
    }
  }
  if (problems.size() > kMaxPitrProblems) problems.resize(kMaxPitrProblems);
  checkers::CheckOutcome out;
  out.valid = !problems.empty() ? checkers::Validity::kFalse
              : drills > 0      ? checkers::Validity::kTrue
                                : checkers::Validity::kUnknown;
  out.result = {{"valid", checkers::validity_json(out.valid)},
                {"restores", restores.size()},
                {"drills", drills},
                {"incremental_backups", incremental},
                {"acknowledged", acks.size()},
                {"problems", problems}};
  return out;
}

}  // namespace fl::compose
