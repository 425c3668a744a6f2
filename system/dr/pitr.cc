#include "system/dr/pitr.h"

#include <algorithm>

#include "system/io/assert.h"

namespace fl::dr {
namespace {

using nlohmann::json;

// The archived records after lsn `from`, in order, up to the first missing lsn.
struct Run {
  std::vector<WalRecord> records;  // lsns from + 1, from + 2, ...
  bool gap = false;                // an archived record lies beyond the first missing lsn
  std::string error;               // two archived copies of one lsn disagree
};

Run run_after(const std::vector<Segment>& segments, std::int64_t from) {
  std::vector<const Segment*> sorted;
  for (const Segment& s : segments) {
    if (!s.empty()) sorted.push_back(&s);
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const Segment* a, const Segment* b) { return a->front().lsn < b->front().lsn; });
  Run run;
  std::int64_t cursor = from;
  for (const Segment* s : sorted) {
    if (s->front().lsn > cursor + 1) {
      run.gap = true;
      break;
    }
    for (const WalRecord& r : *s) {
      if (r.lsn <= from) continue;
      if (r.lsn <= cursor) {
        const WalRecord& kept = run.records[static_cast<std::size_t>(r.lsn - from - 1)];
        if (kept.timeline != r.timeline || kept.key != r.key) {
          run.error = "archive holds two different records at lsn " + std::to_string(r.lsn);
          return run;
        }
        continue;
      }
      FL_ASSERT_EQ(r.lsn, cursor + 1);
      run.records.push_back(r);
      cursor = r.lsn;
    }
  }
  return run;
}

// The latest base backup the target may start from (nullptr: replay from lsn 1).
const BaseBackup* base_for(const std::vector<BaseBackup>& bases, const RestoreTarget& t) {
  const BaseBackup* best = nullptr;
  for (const BaseBackup& b : bases) {
    const bool fits = t.kind == RestoreTarget::Kind::kLsn    ? b.lsn <= t.value
                      : t.kind == RestoreTarget::Kind::kTime ? b.commit_ns <= t.value
                                                             : true;
    if (fits && (best == nullptr || b.lsn > best->lsn)) best = &b;
  }
  return best;
}

// The table as of `base`: its chain of incrementals applied over their full backup.
std::string materialize(const std::vector<BaseBackup>& bases, const BaseBackup& base, Table* out) {
  std::vector<const BaseBackup*> chain = {&base};
  while (chain.back()->parent_lsn != 0) {
    if (chain.size() > static_cast<std::size_t>(BaseBackup::kMaxChain)) {
      return "backup at lsn " + std::to_string(base.lsn) + ": chain longer than kMaxChain";
    }
    const std::int64_t parent = chain.back()->parent_lsn;
    const BaseBackup* found = nullptr;
    for (const BaseBackup& b : bases) {
      if (b.lsn == parent && parent < chain.back()->lsn) found = &b;
    }
    if (found == nullptr) {
      return "incremental backup at lsn " + std::to_string(chain.back()->lsn) +
             ": its parent at lsn " + std::to_string(parent) + " is missing";
    }
    chain.push_back(found);
  }
  out->clear();
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    for (const auto& [k, v] : (*it)->table) (*out)[k] = v;
  }
  return "";
}

}  // namespace

json base_to_json(const BaseBackup& b) {
  json table = json::object();
  for (const auto& [k, v] : b.table) table[k] = v;
  return json{{"lsn", b.lsn},
              {"timeline", b.timeline},
              {"commit_ns", b.commit_ns},
              {"parent_lsn", b.parent_lsn},
              {"table", table}};
}

std::optional<BaseBackup> base_from_json(const json& j) {
  if (!j.is_object() || !j.value("lsn", json()).is_number_integer() ||
      !j.value("timeline", json()).is_number_integer() ||
      !j.value("commit_ns", json()).is_number_integer() || !j.value("table", json()).is_object() ||
      !j.value("parent_lsn", json()).is_number_integer()) {
    return std::nullopt;
  }
  BaseBackup b{j["lsn"].get<std::int64_t>(),
               j["timeline"].get<std::int64_t>(),
               j["commit_ns"].get<std::int64_t>(),
               {},
               j["parent_lsn"].get<std::int64_t>()};
  for (const auto& [k, v] : j["table"].items()) {
    if (!v.is_string()) return std::nullopt;
    b.table[k] = v.get<std::string>();
  }
  if (b.lsn < 0 || b.parent_lsn < 0 || (b.parent_lsn > 0 && b.parent_lsn >= b.lsn)) {
    return std::nullopt;
  }
  return b;
}

ArchiveEnd archive_end(const std::vector<Segment>& segments) {
  const Run run = run_after(segments, 0);
  if (run.records.empty()) return {};
  return {run.records.back().lsn, run.records.back().timeline};
}

RestoreOutcome restore(const std::vector<BaseBackup>& bases, const std::vector<Segment>& segments,
                       const RestoreTarget& target, bool bug_silent_gap) {
  RestoreOutcome out;
  const BaseBackup* base = base_for(bases, target);
  if (base != nullptr) {
    out.lsn = out.base_lsn = base->lsn;
    out.commit_ns = base->commit_ns;
    if (std::string e = materialize(bases, *base, &out.table); !e.empty()) return {e, 0, 0, 0, {}};
  }
  const Run run = run_after(segments, out.lsn);
  if (!run.error.empty()) return {run.error, 0, 0, 0, {}};
  // Latest means the end of the archive, so a gap before its end is as fatal as for any target.
  bool reached = (target.kind == RestoreTarget::Kind::kLatest && !run.gap) ||
                 (target.kind == RestoreTarget::Kind::kLsn && out.lsn >= target.value);
  for (const WalRecord& r : run.records) {
    if (reached || target.kind == RestoreTarget::Kind::kLatest) break;
    if (target.kind == RestoreTarget::Kind::kTime && r.commit_ns > target.value) {
      reached = true;  // the first record after the target proves the prefix complete
      break;
    }
    out.table[r.key] = r.value;
    out.lsn = r.lsn;
    out.commit_ns = r.commit_ns;
    reached = target.kind == RestoreTarget::Kind::kLsn && r.lsn == target.value;
  }
  if (target.kind == RestoreTarget::Kind::kLatest) {
    for (const WalRecord& r : run.records) out.table[r.key] = r.value;
    if (!run.records.empty()) out.lsn = run.records.back().lsn;
    if (!run.records.empty()) out.commit_ns = run.records.back().commit_ns;
  }
  if (reached || bug_silent_gap) return out;  // the bug stops at the gap and calls it done
  const std::string next = std::to_string(out.lsn + 1);
  return {run.gap ? "WAL archive gap: lsn " + next + " is missing, so the target is unreachable"
                  : "the WAL archive ends before the target (next lsn " + next + " not archived)",
          0,
          0,
          0,
          {}};
}

std::vector<std::string> verify_backups(const std::vector<BaseBackup>& bases,
                                        const std::vector<Segment>& segments) {
  std::vector<std::string> problems;
  for (const BaseBackup& b : bases) {
    const RestoreOutcome r =
        restore({}, segments, {RestoreTarget::Kind::kLsn, b.lsn}, /*bug_silent_gap=*/false);
    const std::string name = "base backup at lsn " + std::to_string(b.lsn);
    Table table;
    const std::string chain = materialize(bases, b, &table);
    if (!r.error.empty()) {
      problems.push_back(name + " cannot be checked: " + r.error);
    } else if (!chain.empty()) {
      problems.push_back(name + ": " + chain);
    } else if (table != r.table || r.commit_ns != b.commit_ns) {
      problems.push_back(name + " differs from the archived WAL up to it");
    }
  }
  return problems;
}

}  // namespace fl::dr
