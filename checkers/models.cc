#include "checkers/models.h"

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
};

}  // namespace

std::vector<std::string> model_names() { return {"register", "cas-register", "kv"}; }

std::unique_ptr<Model> make_model(const std::string& name) {
  if (name == "register") return std::make_unique<CasRegister>(false);
  if (name == "cas-register") return std::make_unique<CasRegister>(true);
  if (name == "kv") return std::make_unique<Kv>();
  return nullptr;
}

}  // namespace fl::checkers
