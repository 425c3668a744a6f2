#include "checkers/models.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "checkers/kv_space.h"

namespace fl::checkers {
namespace {

class CasRegister : public Model {
 public:
  explicit CasRegister(bool allow_cas) : allow_cas_(allow_cas) {}
  std::string name() const override { return allow_cas_ ? "cas-register" : "register"; }
  std::string init() const override { return "null"; }
  bool step(const std::string& state, const LinOp& op, std::string* next) const override {
    if (op.f == "read") {
      *next = state;
      if (op.unknown) return true;
      return op.exists ? state == op.out : state == "null";
    }
    if (op.f == "write") {
      *next = op.a;
      return true;
    }
    if (op.f == "cas" && allow_cas_) {
      const bool matches = state == op.a;
      *next = matches ? op.b : state;
      return op.unknown || matches == op.ok;
    }
    return false;
  }
  bool read_only(const LinOp& op) const override {
    if (op.f == "read") return true;
    return op.f == "cas" && allow_cas_ && !op.unknown && !op.ok;
  }

 private:
  bool allow_cas_;
};

class Kv : public Model {
 public:
  std::string name() const override { return "kv"; }
  std::string init() const override { return ""; }
  bool step(const std::string& state, const LinOp& op, std::string* next) const override {
    if (op.f == "get" || op.f == "read") {
      *next = state;
      return op.unknown || op.out == state;
    }
    if (op.f == "put" || op.f == "write") {
      *next = op.a;
      return true;
    }
    if (op.f == "append") {
      *next = state + op.a;
      return true;
    }
    return false;
  }
  bool read_only(const LinOp& op) const override { return op.f == "get" || op.f == "read"; }
  std::unique_ptr<StateSpace> space() const override { return std::make_unique<KvSpace>(); }
};

// A set of elements: add(a) / read -> out. The state is a JSON array of the elements' JSON texts
// in sorted order without duplicates (canonical_set), so equal sets have equal states; reads are
// canonicalised the same way before checking (run_linearizable).
class Set : public Model {
 public:
  std::string name() const override { return "set"; }
  std::string init() const override { return "[]"; }
  bool step(const std::string& state, const LinOp& op, std::string* next) const override {
    if (op.f == "read") {
      *next = state;
      return op.unknown || op.out == state;
    }
    if (op.f != "add") return false;
    nlohmann::json elements = nlohmann::json::parse(state);
    elements.push_back(nlohmann::json::parse(op.a, nullptr, false));
    *next = canonical_set(elements.dump());
    return true;
  }
  bool read_only(const LinOp& op) const override { return op.f == "read"; }
};

// A lock without owners (Knossos' mutex): acquire when free, release when held.
class Mutex : public Model {
 public:
  std::string name() const override { return "mutex"; }
  std::string init() const override { return "free"; }
  bool step(const std::string& state, const LinOp& op, std::string* next) const override {
    if (op.f == "acquire" && state == "free") return *next = "held", true;
    if (op.f == "release" && state == "held") return *next = "free", true;
    // An op whose outcome is unknown may never have happened: where it cannot take effect it
    // is a no-op (the same as not happening at all).
    *next = state;
    return op.unknown && (op.f == "acquire" || op.f == "release");
  }
  std::string describe(const LinOp& op) const override {
    return op.f + (op.unknown ? " -> ?" : "");
  }
};

}  // namespace

std::string canonical_set(const std::string& json_text) {
  const nlohmann::json j = nlohmann::json::parse(json_text, nullptr, false);
  if (!j.is_array()) return json_text;  // not a set: compared as given (never equal to a state)
  std::vector<std::string> texts;
  for (const auto& e : j) texts.push_back(e.dump());
  std::sort(texts.begin(), texts.end());
  texts.erase(std::unique(texts.begin(), texts.end()), texts.end());
  std::string out = "[";
  for (std::size_t i = 0; i < texts.size(); ++i) out += (i ? "," : "") + texts[i];
  return out + "]";
}

std::vector<std::string> model_names() {
  return {"register", "cas-register", "kv", "set", "mutex", "multi-register"};
}

std::unique_ptr<Model> make_model(const std::string& name) {
  if (name == "register") return std::make_unique<CasRegister>(false);
  if (name == "cas-register") return std::make_unique<CasRegister>(true);
  if (name == "kv") return std::make_unique<Kv>();
  if (name == "set") return std::make_unique<Set>();
  if (name == "mutex") return std::make_unique<Mutex>();
  if (name == "multi-register") return make_multi_register(nlohmann::json::object());
  return nullptr;
}

}  // namespace fl::checkers
