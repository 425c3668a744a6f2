// Updates of the CRDTs (crdt.h): the seeds' operations ({type, value, timestamp}) parsed per
// type, and their local application by an actor, which mints the update's dot.
//
//   LWWRegister  {"type": "set", "value": <json>}
//   GCounter     {"type": "increment", "value": 1..kMaxAmount}
//   PNCounter    {"type": "increment" | "decrement", "value": 1..kMaxAmount}
//   ORSet        {"type": "add" | "remove", "value": "<element>"}
//   MVRegister   {"type": "set", "value": <json>}
//   LWWMap       {"type": "set", "key": "<key>", "value": <json>} | {"type": "remove", "key": ..}
// Every operation may carry "timestamp" (RFC 3339): the writer's HLC physical part.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "system/sync/crdt.h"

namespace fl::sync {

enum class OpKind : std::uint8_t { kSet, kIncrement, kDecrement, kAdd, kRemove };
const char* op_kind_name(OpKind kind);

struct CrdtOp {
  OpKind kind = OpKind::kSet;
  Json value;               // set
  std::int64_t amount = 0;  // increment, decrement
  std::string element;      // ORSet element or LWWMap key
  bool keyed = false;       // an LWWMap operation (element is its key)
  std::optional<std::int64_t> timestamp_ms;
};

// Parses one operation for `type`. nullopt and *error ("operation 'x' is not one of LWWRegister's
// (set)", "value must be an integer 1..1000000000", an unknown field) on anything else.
std::optional<CrdtOp> parse_op(CrdtType type, const Json& op, std::string* error);
// The operation as the seeds write it (timestamp omitted).
Json op_json(const CrdtOp& op);

// What a local update did: its dot, and the dots it superseded (the element's tags an ORSet add
// or remove observed, the siblings an MV write replaced, the LWW entry a write replaced).
struct Applied {
  Dot dot;
  std::vector<Dot> observed;
};

// Applies `op` to `state` as `actor`'s next update, stamped `hlc` (LWW types) and tie-broken by
// `actor`. Returns "" or why it cannot apply (a state limit, a total overflow); the state is
// unchanged then. REQUIRES: op parsed for state->type; valid_actor(actor).
std::string apply_op(CrdtState* state, const CrdtOp& op, const std::string& actor, const Hlc& hlc,
                     const CrdtBugs& bugs, Applied* applied);

}  // namespace fl::sync
