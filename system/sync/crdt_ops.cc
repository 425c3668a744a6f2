// Parsing and applying the CRDTs' operations (crdt_ops.h).
#include "system/sync/crdt_ops.h"

#include "system/io/assert.h"

namespace fl::sync {
namespace {

std::vector<OpKind> kinds_of(CrdtType type) {
  switch (type) {
    case CrdtType::kLwwRegister:
    case CrdtType::kMVRegister:
      return {OpKind::kSet};
    case CrdtType::kGCounter:
      return {OpKind::kIncrement};
    case CrdtType::kPNCounter:
      return {OpKind::kIncrement, OpKind::kDecrement};
    case CrdtType::kORSet:
      return {OpKind::kAdd, OpKind::kRemove};
    case CrdtType::kLwwMap:
      return {OpKind::kSet, OpKind::kRemove};
  }
  return {};
}

std::string kinds_text(CrdtType type) {
  std::string out;
  for (OpKind k : kinds_of(type)) out += (out.empty() ? "" : ", ") + std::string(op_kind_name(k));
  return out;
}

// Reads the fields `op` must have for its kind and type; false and *error otherwise.
bool read_fields(CrdtType type, const Json& j, CrdtOp* op, std::string* error) {
  const bool map = type == CrdtType::kLwwMap;
  const bool needs_value = !(map && op->kind == OpKind::kRemove);
  std::size_t known = 1 + (j.contains("timestamp") ? 1 : 0);
  if (needs_value && !j.contains("value")) return *error = "operation needs a value", false;
  if (!needs_value && j.contains("value")) return *error = "a map remove takes no value", false;
  if (j.contains("value")) ++known;
  if (map) {
    if (!j.contains("key") || !j["key"].is_string()) return *error = "operation needs a key", false;
    op->element = j["key"].get<std::string>();
    op->keyed = true;
    ++known;
  }
  if (j.size() != known) {
    *error = "operation has unknown fields (known: type, value, " +
             std::string(map ? "key, " : "") + "timestamp)";
    return false;
  }
  if (!needs_value) return true;
  const Json& v = j["value"];
  if (op->kind == OpKind::kIncrement || op->kind == OpKind::kDecrement) {
    if (!v.is_number_integer() || v.get<std::int64_t>() < 1 || v.get<std::int64_t>() > kMaxAmount) {
      return *error = "value must be an integer 1.." + std::to_string(kMaxAmount), false;
    }
    op->amount = v.get<std::int64_t>();
  } else if (type == CrdtType::kORSet) {
    if (!v.is_string() || v.get<std::string>().empty() ||
        v.get<std::string>().size() > kMaxElementBytes) {
      return *error = "an ORSet element is a string of 1.." + std::to_string(kMaxElementBytes) +
                      " bytes",
             false;
    }
    op->element = v.get<std::string>();
  } else {
    if (v.dump(-1, ' ', false, Json::error_handler_t::replace).size() > kMaxValueBytes) {
      return *error = "value larger than " + std::to_string(kMaxValueBytes) + " bytes", false;
    }
    op->value = v;
  }
  if (map && (op->element.empty() || op->element.size() > kMaxElementBytes)) {
    return *error = "a map key is a string of 1.." + std::to_string(kMaxElementBytes) + " bytes",
           false;
  }
  return true;
}

std::string add_total(std::int64_t* total, std::int64_t amount) {
  if (*total > kMaxTotal - amount) return "counter total would pass " + std::to_string(kMaxTotal);
  *total += amount;
  return "";
}

std::string apply_orset(ORSetState* o, const CrdtOp& op, const Dot& dot, const CrdtBugs& bugs,
                        Applied* applied) {
  auto it = o->tags.find(op.element);
  if (it != o->tags.end()) applied->observed.assign(it->second.begin(), it->second.end());
  if (op.kind == OpKind::kRemove) {
    if (it != o->tags.end()) o->tags.erase(it);
    if (bugs.orset_remove_by_element) o->removed.insert(op.element);
    return "";
  }
  if (bugs.orset_remove_by_element && o->removed.count(op.element) > 0) return "";  // the bug
  o->tags[op.element] = {dot};  // the new tag replaces the ones this add observed
  return "";
}

std::string apply_payload(CrdtState* s, const CrdtOp& op, const Dot& dot, const Hlc& hlc,
                          const CrdtBugs& bugs, Applied* applied) {
  const LwwEntry entry{op.kind == OpKind::kRemove ? Json() : op.value, hlc, dot.actor, dot,
                       op.kind == OpKind::kRemove};
  switch (s->type) {
    case CrdtType::kLwwRegister: {
      auto& e = std::get<0>(s->payload).entry;
      if (e) applied->observed.push_back(e->dot);
      e = entry;
      return "";
    }
    case CrdtType::kGCounter:
      return add_total(&std::get<1>(s->payload).totals[dot.actor], op.amount);
    case CrdtType::kPNCounter: {
      auto& t = std::get<2>(s->payload).totals[dot.actor];
      return add_total(op.kind == OpKind::kIncrement ? &t.first : &t.second, op.amount);
    }
    case CrdtType::kORSet:
      return apply_orset(&std::get<3>(s->payload), op, dot, bugs, applied);
    case CrdtType::kMVRegister: {
      auto& siblings = std::get<4>(s->payload).siblings;
      for (const auto& [d, v] : siblings) applied->observed.push_back(d);
      siblings = {{dot, op.value}};
      return "";
    }
    case CrdtType::kLwwMap: {
      auto& entries = std::get<5>(s->payload).entries;
      const auto it = entries.find(op.element);
      if (it != entries.end()) applied->observed.push_back(it->second.dot);
      entries[op.element] = entry;
      return "";
    }
  }
  return "unknown type";
}

}  // namespace

const char* op_kind_name(OpKind kind) {
  switch (kind) {
    case OpKind::kSet:
      return "set";
    case OpKind::kIncrement:
      return "increment";
    case OpKind::kDecrement:
      return "decrement";
    case OpKind::kAdd:
      return "add";
    case OpKind::kRemove:
      return "remove";
  }
  return "?";
}

std::optional<CrdtOp> parse_op(CrdtType type, const Json& j, std::string* error) {
  FL_ASSERT(error != nullptr);
  if (!j.is_object() || !j.contains("type") || !j["type"].is_string()) {
    *error = "an operation is an object with a string field 'type'";
    return std::nullopt;
  }
  const std::string name = j["type"].get<std::string>();
  CrdtOp op;
  bool known = false;
  for (OpKind k : kinds_of(type)) {
    if (name == op_kind_name(k)) {
      op.kind = k;
      known = true;
    }
  }
  if (!known) {
    *error = "operation '" + name.substr(0, 64) + "' is not one of " + type_name(type) + "'s (" +
             kinds_text(type) + ")";
    return std::nullopt;
  }
  if (!read_fields(type, j, &op, error)) return std::nullopt;
  if (j.contains("timestamp")) {
    std::int64_t ms = 0;
    if (!j["timestamp"].is_string() ||
        !parse_timestamp(j["timestamp"].get<std::string>(), &ms, error)) {
      if (!j["timestamp"].is_string()) *error = "timestamp must be an RFC 3339 string";
      return std::nullopt;
    }
    op.timestamp_ms = ms;
  }
  return op;
}

Json op_json(const CrdtOp& op) {
  Json out = {{"type", op_kind_name(op.kind)}};
  if (op.kind == OpKind::kIncrement || op.kind == OpKind::kDecrement) {
    out["value"] = op.amount;
  } else if (op.keyed) {
    out["key"] = op.element;
    if (op.kind == OpKind::kSet) out["value"] = op.value;
  } else if (op.kind == OpKind::kAdd || op.kind == OpKind::kRemove) {
    out["value"] = op.element;
  } else {
    out["value"] = op.value;
  }
  return out;
}

std::string apply_op(CrdtState* state, const CrdtOp& op, const std::string& actor, const Hlc& hlc,
                     const CrdtBugs& bugs, Applied* applied) {
  FL_ASSERT(state != nullptr && applied != nullptr && valid_actor(actor));
  if (state->context.size() >= kMaxActors && state->context.get(actor) == 0) {
    return "more than " + std::to_string(kMaxActors) + " actors wrote this entity";
  }
  CrdtState next = *state;
  const Dot dot = next.context.next(actor);
  next.context.advance(dot);
  Applied out{dot, {}};
  if (std::string e = apply_payload(&next, op, dot, hlc, bugs, &out); !e.empty()) return e;
  if (std::string e = check_limits(next); !e.empty()) return e;
  FL_ASSERT(next.context.covers(dot) && !state->context.covers(dot));
  *state = std::move(next);
  *applied = std::move(out);
  return "";
}

}  // namespace fl::sync
