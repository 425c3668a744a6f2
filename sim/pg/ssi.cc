// Serializable Snapshot Isolation for MvccEngine, after Cahill et al. and PostgreSQL's
// predicate.c, simplified and conservative (false positives allowed, as in PostgreSQL):
// rw-antidependencies between concurrent serializable transactions are found at the later of the
// two commits, when both read and write sets are complete; a transaction that would commit with
// both an incoming and an outgoing rw edge (a pivot), or that would complete a committed pivot,
// fails with a serialization error. Scans record their key range (filters ignored: coarser).
#include "sim/pg/mvcc.h"

namespace fl::sim::pg {
namespace {

using KeySet = std::set<std::pair<std::string, io::Key>>;

template <typename Ranges>
bool reads_any(const KeySet& reads, const Ranges& ranges, const KeySet& writes) {
  for (const auto& w : writes) {
    if (reads.count(w)) return true;
    for (const auto& r : ranges) {
      if (r.table != w.first) continue;
      if (r.from && w.second < *r.from) continue;
      if (r.until && !(w.second < *r.until)) continue;
      return true;
    }
  }
  return false;
}

template <typename Tx>
KeySet write_keys(const Tx& t) {
  KeySet out;
  for (const auto& w : t.writes) out.insert({w.table, w.key});
  return out;
}

}  // namespace

void MvccEngine::ssi_note_read(Tx& t, const std::string& table, const io::Key& key) {
  if (t.isolation == io::Isolation::kSerializable) t.reads.insert({table, key});
}

void MvccEngine::ssi_note_range(Tx& t, const std::string& table, const io::ScanSpec& spec) {
  if (t.isolation != io::Isolation::kSerializable) return;
  // A primary-key scan locks its key range; an index scan (coarser) the whole table.
  if (spec.index.empty())
    t.ranges.push_back(RangeRead{table, spec.from, spec.until});
  else
    t.ranges.push_back(RangeRead{table, std::nullopt, std::nullopt});
}

io::Status MvccEngine::ssi_check_commit(TxId tx, Tx& t) {
  const KeySet mine = write_keys(t);
  bool in = t.in_conflict, out = t.out_conflict;
  std::vector<TxId> active_in, active_out;  // active partners to mark if we commit
  for (auto& [uid, u] : active_) {
    if (uid == tx || u.isolation != io::Isolation::kSerializable) continue;
    if (reads_any(t.reads, t.ranges, write_keys(u))) {
      out = true;
      active_in.push_back(uid);
    }
    if (reads_any(u.reads, u.ranges, mine)) {
      in = true;
      active_out.push_back(uid);
    }
  }
  std::vector<std::size_t> committed_in, committed_out;
  for (std::size_t i = 0; i < serial_committed_.size(); ++i) {
    const auto& r = serial_committed_[i];
    if (!t.has_snapshot || r.csn <= t.snapshot) continue;  // not concurrent with us
    if (reads_any(t.reads, t.ranges, r.writes)) {
      out = true;
      committed_in.push_back(i);
      if (r.out_conflict)
        return io::Status::failed(io::ErrorKind::kSerialization,
                                  "could not serialize access: read/write "
                                  "dependencies among transactions (pivot)",
                                  true);
    }
    if (reads_any(r.reads, r.ranges, mine)) {
      in = true;
      committed_out.push_back(i);
      if (r.in_conflict)
        return io::Status::failed(io::ErrorKind::kSerialization,
                                  "could not serialize access: read/write "
                                  "dependencies among transactions (pivot)",
                                  true);
    }
  }
  if (in && out) {
    return io::Status::failed(io::ErrorKind::kSerialization,
                              "could not serialize access due to read/write dependencies among "
                              "transactions",
                              true);
  }
  for (TxId u : active_in) active_[u].in_conflict = true;
  for (TxId u : active_out) active_[u].out_conflict = true;
  for (std::size_t i : committed_in) serial_committed_[i].in_conflict = true;
  for (std::size_t i : committed_out) serial_committed_[i].out_conflict = true;
  SerialRecord record;
  record.tx = tx;
  record.snapshot = t.snapshot;
  record.csn = last_csn_ + 1;  // the CSN commit() is about to assign
  record.reads = t.reads;
  record.writes = mine;
  record.ranges = t.ranges;
  record.in_conflict = in;
  record.out_conflict = out;
  serial_committed_.push_back(std::move(record));
  return io::Status::ok();
}

void MvccEngine::ssi_forget_old() {
  // A committed record matters while some serializable transaction with an older snapshot is
  // active (it may still be concurrent with it).
  bool any = false;
  Csn horizon = last_csn_;
  for (const auto& [id, t] : active_) {
    if (t.isolation != io::Isolation::kSerializable) continue;
    any = true;
    horizon = std::min(horizon, t.has_snapshot ? t.snapshot : last_csn_);
  }
  if (!any) {
    serial_committed_.clear();
    return;
  }
  std::erase_if(serial_committed_, [&](const SerialRecord& r) { return r.csn <= horizon; });
}

}  // namespace fl::sim::pg
