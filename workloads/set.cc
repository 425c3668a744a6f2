// Set: clients add unique elements; after the heal a final read returns every element present.
// Every acknowledged add must be in the final read; an element never added must not be
// (Jepsen's set checker: lost, unexpected; info adds may go either way).
//
// History: add invoke/complete value e; read value null completed with the sorted element list.
// Checker: "set". Final op: one read.
//
// SqlStore: table <table>(e int64 primary key); add = INSERT; read = ordered scans in pages of
// kPage rows (at most kMaxPages). KvCache: add = SET "<table>:<e>" "1"; read = GET of every element
// handed out so far (the workload knows them), so it needs no key scan; it runs after the heal,
// when nothing else writes.
#include <algorithm>

#include "system/io/assert.h"
#include "workloads/builtin.h"

namespace fl::workloads {
namespace {

constexpr std::size_t kPage = 1000;
constexpr std::size_t kMaxPages = 10000;

io::TableSchema set_schema(const std::string& table) {
  io::TableSchema s;
  s.name = table;
  s.columns = {{"e", io::ColumnType::kInt64, false}};
  s.primary_key = {0};
  return s;
}

class SqlSetClient final : public Client {
 public:
  SqlSetClient(io::Env& env, std::string table) : sql_(*env.sql), table_(std::move(table)) {}

  Completion invoke(const Invocation& op) override {
    auto begun = sql_.begin(io::Isolation::kRepeatableRead);
    const bool writes = op.f == "add";
    if (!begun.is_ok()) return failed_completion(begun.status(), writes, op.value);
    io::SqlTransaction& tx = *begun.value();
    if (writes) {
      io::Status s = tx.insert(table_, {io::Value(op.value.get<std::int64_t>())});
      if (!s.is_ok()) return failed_completion(s, true, op.value);
      return commit_completion(tx, op.value);
    }
    nlohmann::json elements = nlohmann::json::array();
    io::ScanSpec spec;
    spec.limit = kPage;
    for (std::size_t page = 0; page < kMaxPages; ++page) {
      auto rows = tx.scan(table_, spec);
      if (!rows.is_ok()) return failed_completion(rows.status(), false, op.value);
      for (const auto& row : rows.value()) elements.push_back(std::get<std::int64_t>(row[0]));
      if (rows.value().size() < kPage) break;
      spec.from = io::Key{io::Value(elements.back().get<std::int64_t>() + 1)};
    }
    tx.rollback();
    return {history::OpType::kOk, elements, ""};
  }

 private:
  io::SqlStore& sql_;
  std::string table_;
};

class CacheSetClient final : public Client {
 public:
  CacheSetClient(io::Env& env, std::string prefix, const std::int64_t* handed_out)
      : cache_(*env.cache), prefix_(std::move(prefix)), handed_out_(handed_out) {}

  Completion invoke(const Invocation& op) override {
    if (op.f == "add") {
      auto set = cache_.set(key(op.value.get<std::int64_t>()), "1", io::SetCondition::kAlways, 0);
      if (!set.is_ok()) return failed_completion(set.status(), true, op.value);
      return {history::OpType::kOk, op.value, ""};
    }
    nlohmann::json elements = nlohmann::json::array();
    for (std::int64_t e = 0; e < *handed_out_; ++e) {
      auto got = cache_.get(key(e));
      if (!got.is_ok()) return failed_completion(got.status(), false, op.value);
      if (got.value()) elements.push_back(e);
    }
    return {history::OpType::kOk, elements, ""};
  }

 private:
  std::string key(std::int64_t e) const { return prefix_ + ":" + std::to_string(e); }

  io::KvCache& cache_;
  std::string prefix_;
  const std::int64_t* handed_out_;
};

class SetWorkload final : public Workload {
 public:
  SetWorkload(bool sql, std::string table) : sql_(sql), table_(std::move(table)) {}

  io::Status setup(io::Env& env) override {
    return sql_ ? create_table_retrying(env, set_schema(table_)) : io::Status::ok();
  }
  std::unique_ptr<Client> make_client(io::Env& env) override {
    if (sql_) return std::make_unique<SqlSetClient>(env, table_);
    return std::make_unique<CacheSetClient>(env, table_, &next_element_);
  }
  Invocation make_op(const std::string& f, std::int64_t, io::Random&) override {
    if (f == "read") return {f, nullptr};
    FL_ASSERT_EQ(f, "add");
    return {f, next_element_++};
  }
  std::vector<Invocation> final_ops() override { return {{"read", nullptr}}; }
  std::vector<CheckerSpec> checkers() const override { return {{"set", nlohmann::json::object()}}; }

 private:
  bool sql_;
  std::string table_;
  std::int64_t next_element_ = 0;
};

}  // namespace

WorkloadInfo set_workload_info() {
  WorkloadInfo info;
  info.name = "set";
  info.description = "unique adds, then a final read: no acknowledged add lost";
  info.options = {store_option({"sql", "cache"}), table_option("set")};
  info.default_mix = {{"add", 1}};
  info.needs = [](const Options& r) {
    return std::vector<StoreKind>{r.at("store") == "sql" ? StoreKind::kSql : StoreKind::kCache};
  };
  info.make = [](const Options& r, std::string* error) {
    const bool sql = r.at("store") == "sql";
    const std::string table = r.at("table").get<std::string>();
    if (sql && !io::validate_schema(set_schema(table)).empty()) {
      *error = "table: expected a lower-case SQL name ([a-z_][a-z0-9_]*), got " + table;
      return std::unique_ptr<Workload>();
    }
    return std::unique_ptr<Workload>(std::make_unique<SetWorkload>(sql, table));
  };
  return info;
}

}  // namespace fl::workloads
