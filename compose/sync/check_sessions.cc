// Session guarantees per device and entity (check.h): in real-time order (one operation completed
// before the next was invoked), a device's version vector for an entity never goes back.
#include "compose/sync/check.h"

namespace fl::compose {
namespace {

struct Event {
  std::int64_t invoked = 0, completed = 0;
  bool edit = false;
  sync::Dot dot;  // edits
  const sync::VersionVector* vv = nullptr;
};

std::string vv_text(const sync::VersionVector& vv) { return sync::vv_json(vv).dump(); }

void judge_pair(const std::string& where, const Event& x, const Event& y, Anomalies* out) {
  const std::string at =
      " (ops at " + std::to_string(x.completed) + " then " + std::to_string(y.invoked) + ")";
  if (!x.edit && !y.edit && !y.vv->dominates(*x.vv)) {
    out->add("monotonic-reads", where,
             "a read saw " + vv_text(*y.vv) + " after one saw " + vv_text(*x.vv) + at);
  } else if (x.edit && !y.edit && !y.vv->covers(x.dot)) {
    out->add(
        "read-your-writes", where,
        "a read saw " + vv_text(*y.vv) + " after the device's " + "edit " + dot_text(x.dot) + at);
  } else if (!x.edit && y.edit && !y.vv->dominates(*x.vv)) {
    out->add("writes-follow-reads", where,
             "edit " + dot_text(y.dot) + " was made on " + vv_text(*y.vv) + " after a read saw " +
                 vv_text(*x.vv) + at);
  } else if (x.edit && y.edit && !y.vv->dominates(*x.vv)) {
    out->add("monotonic-writes", where,
             "edit " + dot_text(y.dot) + " does not follow " + dot_text(x.dot) + at);
  }
}

}  // namespace

void check_sessions(const SyncRecords& r, Anomalies* out) {
  constexpr std::size_t kMaxEventsPerSession = 2000;
  std::map<std::pair<std::string, std::string>, std::vector<Event>> sessions;
  for (const EditRecord& e : r.edits) {
    if (e.acked)
      sessions[{e.device, e.entity}].push_back({e.invoked, e.completed, true, e.dot, &e.vv});
  }
  for (const ReadRecord& rd : r.reads) {
    sessions[{rd.device, rd.entity}].push_back({rd.invoked, rd.completed, false, {}, &rd.vv});
  }
  for (auto& [who, events] : sessions) {
    if (events.size() > kMaxEventsPerSession) events.resize(kMaxEventsPerSession);
    const std::string where = who.second + " on " + who.first;
    for (const Event& y : events) {
      // Every event of the session that completed before y began.
      for (const Event& x : events) {
        if (x.completed < y.invoked) judge_pair(where, x, y, out);
      }
    }
  }
}

}  // namespace fl::compose
