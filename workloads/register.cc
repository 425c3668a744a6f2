// Registers on SqlStore or KvCache: "register" (read / write), "cas-register" (read / write /
// cas) and "kv" (the same over many keys, zipf by default). Values are small integers, so reads
// often see a concurrent write's value and stale reads have somewhere to show.
//
// History: ops keyed by Jepsen's independent-key convention, value [key, v]; cas [key, [from,
// to]]; reads invoke [key, null] and complete [key, v|null]. A cas that did not match, and any
// operation that definitely did not happen, completes fail; an indeterminate write completes info.
// Checker: "linearizable" with model register / cas-register, failed cas "never-happened" (a fail
// from a lost connection is not evidence of a mismatch).
//
// SqlStore: table <table>(k int64 primary key, v int64), each op its own transaction (read
// read: single statements). KvCache: key "<table>:<k>", decimal value; KvCache
// has no compare-and-set, so cas needs store = "sql".
#include <charconv>

#include "system/io/assert.h"
#include "workloads/builtin.h"

namespace fl::workloads {
namespace {

constexpr std::int64_t kValues = 5;

struct RegisterConfig {
  bool cas = false;
  bool sql = true;
  std::string table;
};

io::TableSchema register_schema(const std::string& table) {
  io::TableSchema s;
  s.name = table;
  s.columns = {{"k", io::ColumnType::kInt64, false}, {"v", io::ColumnType::kInt64, false}};
  s.primary_key = {0};
  return s;
}

class SqlRegisterClient final : public Client {
 public:
  SqlRegisterClient(io::Env& env, std::string table) : sql_(*env.sql), table_(std::move(table)) {}

  Completion invoke(const Invocation& op) override {
    const std::int64_t k = op.value[0].get<std::int64_t>();
    // Repeatable read: one statement per transaction, so as atomic as read committed; a cas on a
    // row changed concurrently fails (serialization) instead of re-checking, also a fail.
    auto begun = sql_.begin(io::Isolation::kRepeatableRead);
    if (!begun.is_ok()) return failed_completion(begun.status(), false, op.value);
    io::SqlTransaction& tx = *begun.value();
    const io::Key key = {io::Value(k)};
    if (op.f == "read") {
      auto got = tx.get(table_, key);
      if (!got.is_ok()) return failed_completion(got.status(), false, op.value);
      nlohmann::json v = nullptr;
      if (got.value()) v = std::get<std::int64_t>((*got.value())[1]);
      tx.rollback();
      return {history::OpType::kOk, {k, v}, ""};
    }
    if (op.f == "write") {
      io::Status s = tx.upsert(table_, {io::Value(k), io::Value(op.value[1].get<std::int64_t>())});
      if (!s.is_ok()) return failed_completion(s, true, op.value);
      return commit_completion(tx, op.value);
    }
    FL_ASSERT_EQ(op.f, "cas");
    const std::int64_t from = op.value[1][0].get<std::int64_t>();
    const std::int64_t to = op.value[1][1].get<std::int64_t>();
    auto updated =
        tx.update(table_, key, {{1, io::CompareOp::kEq, io::Value(from)}}, {{1, io::Value(to)}});
    if (!updated.is_ok()) return failed_completion(updated.status(), true, op.value);
    if (!updated.value()) {
      tx.rollback();
      return {history::OpType::kFail, op.value, "compare failed"};
    }
    return commit_completion(tx, op.value);
  }

 private:
  io::SqlStore& sql_;
  std::string table_;
};

class CacheRegisterClient final : public Client {
 public:
  CacheRegisterClient(io::Env& env, std::string prefix)
      : cache_(*env.cache), prefix_(std::move(prefix)) {}

  Completion invoke(const Invocation& op) override {
    const std::int64_t k = op.value[0].get<std::int64_t>();
    const std::string key = prefix_ + ":" + std::to_string(k);
    if (op.f == "read") {
      auto got = cache_.get(key);
      if (!got.is_ok()) return failed_completion(got.status(), false, op.value);
      nlohmann::json v = nullptr;
      if (got.value()) {
        std::int64_t parsed = 0;
        const std::string& text = *got.value();
        auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
        if (ec != std::errc() || p != text.data() + text.size()) {
          return {history::OpType::kFail, op.value, "not an integer: " + text};
        }
        v = parsed;
      }
      return {history::OpType::kOk, {k, v}, ""};
    }
    FL_ASSERT_EQ(op.f, "write");
    auto set = cache_.set(key, std::to_string(op.value[1].get<std::int64_t>()),
                          io::SetCondition::kAlways, 0);
    if (!set.is_ok()) return failed_completion(set.status(), true, op.value);
    return {history::OpType::kOk, op.value, ""};
  }

 private:
  io::KvCache& cache_;
  std::string prefix_;
};

class RegisterWorkload final : public Workload {
 public:
  explicit RegisterWorkload(RegisterConfig config) : config_(std::move(config)) {}

  io::Status setup(io::Env& env) override {
    if (!config_.sql) return io::Status::ok();
    return create_table_retrying(env, register_schema(config_.table));
  }
  std::unique_ptr<Client> make_client(io::Env& env) override {
    if (config_.sql) return std::make_unique<SqlRegisterClient>(env, config_.table);
    return std::make_unique<CacheRegisterClient>(env, config_.table);
  }
  Invocation make_op(const std::string& f, std::int64_t key, io::Random& random) override {
    if (f == "read") return {f, {key, nullptr}};
    if (f == "write") return {f, {key, random.between(0, kValues - 1)}};
    FL_ASSERT_EQ(f, "cas");
    return {f, {key, {random.between(0, kValues - 1), random.between(0, kValues - 1)}}};
  }
  std::vector<CheckerSpec> checkers() const override {
    return {
        {"linearizable",
         {{"model", config_.cas ? "cas-register" : "register"}, {"failed-cas", "never-happened"}}}};
  }

 private:
  RegisterConfig config_;
};

}  // namespace

WorkloadInfo register_workload_info(const std::string& name) {
  FL_ASSERT(name == "register" || name == "cas-register" || name == "kv");
  WorkloadInfo info;
  info.name = name;
  const bool cas_default = name != "register";
  info.description = name == "register" ? "read/write registers (linearizable)"
                     : name == "kv"     ? "many-key read/write/cas registers (linearizable)"
                                        : "read/write/cas registers (linearizable)";
  const std::int64_t keys = name == "kv" ? 32 : 4;
  info.options = {
      store_option({"sql", "cache"}),
      table_option(name == "register" ? "register"
                   : name == "kv"     ? "kv"
                                      : "cas_register"),
      {"keys", OptionSpec::Kind::kInt, keys, 1, static_cast<double>(kMaxKeys), {}, "key count"},
  };
  if (name == "kv") {
    info.options.push_back({"distribution",
                            OptionSpec::Kind::kString,
                            "zipf",
                            0,
                            0,
                            {"uniform", "zipf", "hot-key"},
                            "key distribution"});
  }
  info.default_mix = {{"read", 1}, {"write", 1}};
  if (cas_default) info.default_mix.push_back({"cas", 1});
  info.needs = [](const Options& r) {
    return std::vector<StoreKind>{r.at("store") == "sql" ? StoreKind::kSql : StoreKind::kCache};
  };
  info.make = [name, cas_default](const Options& r, std::string* error) {
    RegisterConfig config;
    config.cas = cas_default;
    config.sql = r.at("store") == "sql";
    config.table = r.at("table").get<std::string>();
    bool uses_cas = r.contains("mix") ? r.at("mix").contains("cas") : config.cas;
    for (const auto& phase : r.value("phases", nlohmann::json::array())) {
      uses_cas = uses_cas || (phase.contains("mix") && phase["mix"].contains("cas"));
    }
    if (!config.sql && uses_cas) {
      *error = name + " on store \"cache\": KvCache has no compare-and-set; use store = \"sql\"" +
               " or mix = {read = 1, write = 1}";
      return std::unique_ptr<Workload>();
    }
    if (config.sql && !io::validate_schema(register_schema(config.table)).empty()) {
      *error = "table: expected a lower-case SQL name ([a-z_][a-z0-9_]*), got " + config.table;
      return std::unique_ptr<Workload>();
    }
    return std::unique_ptr<Workload>(std::make_unique<RegisterWorkload>(config));
  };
  return info;
}

}  // namespace fl::workloads
