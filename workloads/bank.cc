// Bank: transfers between accounts in SqlStore transactions; the total never changes and no
// balance goes negative (Jepsen's bank test).
//
// History: transfer invoke/complete value {"from": a, "to": b, "amount": n} (fail when the source
// lacks the funds or the transaction did not commit; info on an indeterminate commit); read
// value null, completed with {"<account>": balance, ...} for every account (one snapshot).
// Checker: "bank" {total, negative-allowed: false}. Final op: a read of every account.
//
// SqlStore: table <table>(id int64 primary key, balance int64), accounts 0..accounts-1 created in
// setup with total / accounts each (the remainder on account 0). A transfer reads both balances
// and writes both absolute values, so at read committed it can lose updates (the checker then
// reports the wrong total): that is the level's promise, not a bug of the workload.
#include "system/io/assert.h"
#include "workloads/builtin.h"

namespace fl::workloads {
namespace {

struct BankConfig {
  std::string table;
  std::int64_t accounts = 5;
  std::int64_t total = 100;
  std::int64_t max_transfer = 5;
  io::Isolation isolation = io::Isolation::kSerializable;
};

io::TableSchema bank_schema(const std::string& table) {
  io::TableSchema s;
  s.name = table;
  s.columns = {{"id", io::ColumnType::kInt64, false}, {"balance", io::ColumnType::kInt64, false}};
  s.primary_key = {0};
  return s;
}

class BankClient final : public Client {
 public:
  BankClient(io::Env& env, const BankConfig& config) : sql_(*env.sql), config_(config) {}

  Completion invoke(const Invocation& op) override {
    auto begun = sql_.begin(config_.isolation);
    const bool writes = op.f == "transfer";
    if (!begun.is_ok()) return failed_completion(begun.status(), writes, op.value);
    io::SqlTransaction& tx = *begun.value();
    if (op.f == "read") return read(tx, op);
    const std::int64_t from = op.value.at("from").get<std::int64_t>();
    const std::int64_t to = op.value.at("to").get<std::int64_t>();
    const std::int64_t amount = op.value.at("amount").get<std::int64_t>();
    auto a = tx.get(config_.table, {io::Value(from)});
    if (!a.is_ok()) return failed_completion(a.status(), true, op.value);
    auto b = tx.get(config_.table, {io::Value(to)});
    if (!b.is_ok()) return failed_completion(b.status(), true, op.value);
    if (!a.value() || !b.value()) return {history::OpType::kFail, op.value, "no such account"};
    const std::int64_t balance_a = std::get<std::int64_t>((*a.value())[1]);
    const std::int64_t balance_b = std::get<std::int64_t>((*b.value())[1]);
    if (balance_a < amount) {
      tx.rollback();
      return {history::OpType::kFail, op.value, "insufficient funds"};
    }
    for (const auto& [id, balance] :
         {std::pair{from, balance_a - amount}, std::pair{to, balance_b + amount}}) {
      auto u = tx.update(config_.table, {io::Value(id)}, {}, {{1, io::Value(balance)}});
      if (!u.is_ok()) return failed_completion(u.status(), true, op.value);
      if (!u.value()) return {history::OpType::kFail, op.value, "account vanished"};
    }
    return commit_completion(tx, op.value);
  }

 private:
  Completion read(io::SqlTransaction& tx, const Invocation& op) {
    io::ScanSpec spec;
    spec.limit = static_cast<std::size_t>(config_.accounts);
    auto rows = tx.scan(config_.table, spec);
    if (!rows.is_ok()) return failed_completion(rows.status(), false, op.value);
    nlohmann::json balances = nlohmann::json::object();
    for (const auto& row : rows.value()) {
      balances[std::to_string(std::get<std::int64_t>(row[0]))] = std::get<std::int64_t>(row[1]);
    }
    tx.rollback();
    return {history::OpType::kOk, balances, ""};
  }

  io::SqlStore& sql_;
  const BankConfig& config_;
};

class BankWorkload final : public Workload {
 public:
  explicit BankWorkload(BankConfig config) : config_(std::move(config)) {}

  io::Status setup(io::Env& env) override {
    io::Status s = create_table_retrying(env, bank_schema(config_.table));
    if (!s.is_ok()) return s;
    auto begun = env.sql->begin(io::Isolation::kSerializable);
    if (!begun.is_ok()) return begun.status();
    io::SqlTransaction& tx = *begun.value();
    const std::int64_t each = config_.total / config_.accounts;
    for (std::int64_t id = 0; id < config_.accounts; ++id) {
      const std::int64_t balance = each + (id == 0 ? config_.total % config_.accounts : 0);
      auto got = tx.get(config_.table, {io::Value(id)});
      if (!got.is_ok()) return got.status();
      if (got.value()) continue;  // set up by an earlier attempt whose commit was unknown
      io::Status ins = tx.insert(config_.table, {io::Value(id), io::Value(balance)});
      if (!ins.is_ok()) return ins;
    }
    return tx.commit();
  }
  std::unique_ptr<Client> make_client(io::Env& env) override {
    return std::make_unique<BankClient>(env, config_);
  }
  Invocation make_op(const std::string& f, std::int64_t key, io::Random& random) override {
    if (f == "read") return {f, nullptr};
    FL_ASSERT_EQ(f, "transfer");
    const std::int64_t from = key % config_.accounts;
    std::int64_t to = random.between(0, config_.accounts - 2);
    if (to >= from) ++to;
    return {f, {{"from", from}, {"to", to}, {"amount", random.between(1, config_.max_transfer)}}};
  }
  std::vector<Invocation> final_ops() override { return {{"read", nullptr}}; }
  std::vector<CheckerSpec> checkers() const override {
    return {{"bank", {{"total", config_.total}, {"negative-allowed", false}}}};
  }

 private:
  BankConfig config_;
};

}  // namespace

WorkloadInfo bank_workload_info() {
  WorkloadInfo info;
  info.name = "bank";
  info.description = "transfers between accounts; total conserved, no negative balance";
  info.options = {
      table_option("bank"),
      isolation_option("serializable"),
      {"accounts", OptionSpec::Kind::kInt, 5, 2, 1000, {}, "account count"},
      {"total", OptionSpec::Kind::kInt, 100, 1, 1e12, {}, "sum of all balances"},
      {"max_transfer", OptionSpec::Kind::kInt, 5, 1, 1e9, {}, "largest transfer"},
      {"keys", OptionSpec::Kind::kInt, 5, 1, 1000, {}, "source-account distribution range"},
  };
  info.default_mix = {{"transfer", 4}, {"read", 1}};
  info.needs = [](const Options&) { return std::vector<StoreKind>{StoreKind::kSql}; };
  info.make = [](const Options& r, std::string* error) {
    BankConfig c;
    c.table = r.at("table").get<std::string>();
    c.accounts = r.at("accounts").get<std::int64_t>();
    c.total = r.at("total").get<std::int64_t>();
    c.max_transfer = r.at("max_transfer").get<std::int64_t>();
    c.isolation = parse_isolation(r.at("isolation").get<std::string>());
    if (!io::validate_schema(bank_schema(c.table)).empty()) {
      *error = "table: expected a lower-case SQL name ([a-z_][a-z0-9_]*), got " + c.table;
      return std::unique_ptr<Workload>();
    }
    if (c.total < c.accounts) {
      *error = "total: expected at least one unit per account (>= accounts = " +
               std::to_string(c.accounts) + "), got " + std::to_string(c.total);
      return std::unique_ptr<Workload>();
    }
    return std::unique_ptr<Workload>(std::make_unique<BankWorkload>(c));
  };
  return info;
}

}  // namespace fl::workloads
