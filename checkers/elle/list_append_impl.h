// The list-append analysis' state, shared by list_append.cc (indexes, version orders, edges)
// and list_append_txn.cc (per-transaction anomalies, dirty and lost updates). Internal to them.
#pragma once

#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "checkers/elle/core.h"
#include "checkers/elle/values.h"

namespace fl::checkers::elle::list_append_impl {

struct LMop {
  bool append = false;
  std::uint32_t key = 0;
  std::uint32_t value = 0;              // appended value
  std::span<const std::uint32_t> read;  // read elements (empty for nil), in ListAppend::elems_
};

// Edges from readers of a key's last observed state to its unobserved appends kept at most
// per key; more are dropped (sound: fewer inferences) and counted in the result.
constexpr std::size_t kMaxUnobservedEdgesPerKey = 1'000'000;

struct Writer {
  std::size_t txn;
  bool last;              // the writer's final append to that key
  bool observed = false;  // in its key's version order (some committed read saw it)
};

// One analysis of one history (its transactions outlive it).
class ListAppend {
 public:
  ListAppend(const std::vector<Txn>& txns, ElleResult* result)
      : txns_(txns),
        rep_(txns, result),
        graph_(txns.size()),
        edges_dropped_(result->edges_dropped) {}
  bool prepare(std::string* error);  // list_append.cc
  void check_reads();                // list_append_txn.cc: per-transaction anomalies
  void check_orders();               // list_append.cc: duplicates, incompatible orders
  void add_edges();                  // list_append.cc
  void dirty_updates();              // list_append_txn.cc
  void lost_updates();               // list_append_txn.cc
  void cycles(OrderEdges orders) { find_cycles(graph_, rep_, orders); }

 private:
  const std::string& key_name(std::uint32_t k) const { return graph_.key_name(k); }
  std::string elems(std::span<const std::uint32_t> v) const;
  // Transaction t's micro-ops, in order.
  std::span<const LMop> mops(std::size_t t) const {
    return {lmops_.data() + mop_start_[t], mop_start_[t + 1] - mop_start_[t]};
  }
  bool read_elements(const Txn& t, std::string* error);
  // Most values are appended to one key only: their writer is found by value id directly.
  const Writer* writer(std::uint32_t key, std::uint32_t value) const {
    if (value < by_value_.size() && by_value_[value].key == key) return &by_value_[value].w;
    auto it = writers_.find(kv_id(key, value));
    return it == writers_.end() ? nullptr : &it->second;
  }
  Writer* writer_mut(std::uint32_t key, std::uint32_t value) {
    return const_cast<Writer*>(writer(key, value));
  }
  bool add_writer(std::uint32_t key, std::uint32_t value, Writer w, std::size_t* other);
  bool ok(std::size_t t) const { return txns_[t].type == history::OpType::kOk; }
  bool failed(std::size_t t) const { return txns_[t].type == history::OpType::kFail; }
  void read_edges(std::size_t t, const LMop& m);
  void unobserved_edges(std::uint32_t key, const std::vector<std::size_t>& appenders);
  void check_txn_reads(const Txn& t);

  const std::vector<Txn>& txns_;
  Reporter rep_;
  Graph graph_;
  Interner values_;
  // Every transaction's micro-ops in one vector (transaction t's from mop_start_[t] up to
  // mop_start_[t + 1]), and every read's elements in another, sized before it is filled so that
  // the LMop::read views into it stay valid: two allocations, not one per transaction and read.
  std::vector<LMop> lmops_;
  std::vector<std::size_t> mop_start_;
  std::vector<std::uint32_t> elems_;
  struct KeyedWriter {
    std::uint32_t key = kNoKey;
    Writer w{0, false};
  };
  std::vector<KeyedWriter> by_value_;                    // value id -> its first key and appender
  std::unordered_map<std::uint64_t, Writer> writers_;    // (key, value) for values in several keys
  std::vector<std::vector<std::uint32_t>> order_;        // key id -> longest committed read
  std::vector<std::vector<std::size_t>> final_readers_;  // key id -> reads of the whole order
  std::vector<std::uint32_t> seen_;                      // check_reads: value id -> read stamp
  std::uint32_t stamp_ = 0;
  std::size_t& edges_dropped_;
};

}  // namespace fl::checkers::elle::list_append_impl
