// Knossos' multi-register model: a map of named registers changed by transactions of micro-ops
// [:read k v] and [:write k v] (f "txn"). A read of nil (a transaction whose outcome is unknown,
// or an invocation) constrains nothing, as in Knossos. The state is the map as canonical JSON
// text (sorted keys), so equal maps are equal states.
#include <nlohmann/json.hpp>

#include "checkers/models.h"

namespace fl::checkers {
namespace {

constexpr std::size_t kMaxMops = 1024;  // micro-ops per transaction the model will step through

std::string key_text(const nlohmann::json& k) {
  return k.is_string() ? k.get<std::string>() : k.dump();
}

class MultiRegister : public Model {
 public:
  explicit MultiRegister(nlohmann::json initial) : initial_(std::move(initial)) {}
  std::string name() const override { return "multi-register"; }
  std::string init() const override { return initial_.dump(); }
  // op.a is the transaction's micro-ops as JSON text (the completion's, reads filled in, for an
  // ok transaction; the invocation's otherwise).
  bool step(const std::string& state, const LinOp& op, std::string* next) const override {
    if (op.f != "txn") return false;
    const nlohmann::json mops = nlohmann::json::parse(op.a, nullptr, false);
    if (!mops.is_array() || mops.size() > kMaxMops) return false;
    nlohmann::json s = nlohmann::json::parse(state);
    for (const auto& m : mops) {
      if (!m.is_array() || m.size() != 3 || !m[0].is_string()) return false;
      const std::string k = key_text(m[1]);
      if (m[0] == "write") {
        s[k] = m[2];
      } else if (m[0] == "read") {
        const nlohmann::json current = s.contains(k) ? s[k] : nlohmann::json();
        if (!op.unknown && !m[2].is_null() && current != m[2]) return false;
      } else {
        return false;
      }
    }
    *next = s.dump();
    return true;
  }
  bool read_only(const LinOp& op) const override {
    const nlohmann::json mops = nlohmann::json::parse(op.a, nullptr, false);
    if (op.f != "txn" || !mops.is_array()) return false;
    for (const auto& m : mops) {
      if (!m.is_array() || m.empty() || m[0] != "read") return false;
    }
    return true;
  }
  std::string describe(const LinOp& op) const override {
    return "txn " + op.a + (op.unknown ? " -> ?" : "");
  }

 private:
  nlohmann::json initial_;
};

}  // namespace

std::unique_ptr<Model> make_multi_register(const nlohmann::json& initial) {
  if (!initial.is_object()) return nullptr;
  nlohmann::json canonical = nlohmann::json::object();
  for (const auto& [k, v] : initial.items()) canonical[k] = v;
  return std::make_unique<MultiRegister>(std::move(canonical));
}

}  // namespace fl::checkers
