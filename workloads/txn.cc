// Transactional workloads on SqlStore, judged by Elle: "list-append" and "rw-register".
//
// A transaction is 1..max_txn_length micro-ops on keys drawn from the key distribution:
//  list-append: ["append", k, v] and ["r", k, null] -> ["r", k, [v...]]. Appended values are
//               unique per key (a counter per key), so every read reveals a prefix of the key's
//               version order. Stored as table <table>(k int64 primary key, v text) holding the
//               list as space-separated decimals; an append reads the row and writes it back.
//  rw-register: ["w", k, v] (v unique per key) and ["r", k, null] -> ["r", k, v|null]; table
//               <table>(k int64 primary key, v int64).
// History: f "txn", value the micro-op list; ok when the commit was acknowledged (reads filled
// in), fail when any statement failed or the commit definitely failed, info when the commit's
// outcome is unknown. Checkers: "elle-list-append" / "elle-rw-register" with `expected` the
// consistency model the isolation level promises (read committed -> read-committed, repeatable
// read -> snapshot-isolation, serializable -> serializable), unless the scenario sets `expected`.
#include <charconv>
#include <map>

#include "system/io/assert.h"
#include "workloads/builtin.h"

namespace fl::workloads {
namespace {

struct TxnConfig {
  bool append = true;  // list-append; false: rw-register
  std::string table;
  io::Isolation isolation = io::Isolation::kSerializable;
  std::int64_t max_txn_length = 4;
  double read_fraction = 0.5;
  std::string expected;
  std::int64_t final_read_keys = 0;
};

io::TableSchema txn_schema(const TxnConfig& c) {
  io::TableSchema s;
  s.name = c.table;
  s.columns = {{"k", io::ColumnType::kInt64, false},
               {"v", c.append ? io::ColumnType::kText : io::ColumnType::kInt64, false}};
  s.primary_key = {0};
  return s;
}

nlohmann::json parse_list(const std::string& text) {
  nlohmann::json list = nlohmann::json::array();
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    if (*p == ' ') {
      ++p;
      continue;
    }
    std::int64_t v = 0;
    auto [next, ec] = std::from_chars(p, end, v);
    FL_ASSERT_MSG(ec == std::errc(), "list text: " << text);
    list.push_back(v);
    p = next;
  }
  return list;
}

class TxnClient final : public Client {
 public:
  TxnClient(io::Env& env, const TxnConfig& config) : sql_(*env.sql), config_(config) {}

  Completion invoke(const Invocation& op) override {
    auto begun = sql_.begin(config_.isolation);
    if (!begun.is_ok()) return failed_completion(begun.status(), false, op.value);
    io::SqlTransaction& tx = *begun.value();
    nlohmann::json done = op.value;
    for (auto& micro : done) {
      const std::string kind = micro[0].get<std::string>();
      const io::Key key = {io::Value(micro[1].get<std::int64_t>())};
      auto got = tx.get(config_.table, key);
      if (!got.is_ok()) return failed_completion(got.status(), false, op.value);
      const std::optional<io::Row>& row = got.value();
      io::Status s = io::Status::ok();
      if (kind == "r") {
        if (config_.append) {
          micro[2] = row ? parse_list(std::get<std::string>((*row)[1])) : nlohmann::json::array();
        } else {
          micro[2] = row ? nlohmann::json(std::get<std::int64_t>((*row)[1])) : nullptr;
        }
        continue;
      }
      if (kind == "append") {
        std::string text = row ? std::get<std::string>((*row)[1]) : std::string();
        text += (text.empty() ? "" : " ") + std::to_string(micro[2].get<std::int64_t>());
        s = tx.upsert(config_.table, {key[0], io::Value(text)});
      } else {
        FL_ASSERT_EQ(kind, "w");
        s = tx.upsert(config_.table, {key[0], io::Value(micro[2].get<std::int64_t>())});
      }
      if (!s.is_ok()) return failed_completion(s, false, op.value);
    }
    return commit_completion(tx, done);
  }

 private:
  io::SqlStore& sql_;
  const TxnConfig& config_;
};

class TxnWorkload final : public Workload {
 public:
  explicit TxnWorkload(TxnConfig config) : config_(std::move(config)) {}

  io::Status setup(io::Env& env) override {
    return create_table_retrying(env, txn_schema(config_));
  }
  std::unique_ptr<Client> make_client(io::Env& env) override {
    return std::make_unique<TxnClient>(env, config_);
  }
  Invocation make_op(const std::string& f, std::int64_t key, io::Random& random) override {
    FL_ASSERT_EQ(f, "txn");
    if (!chooser_) chooser_ = std::make_unique<KeyChooser>(generator());
    const std::int64_t length = random.between(1, config_.max_txn_length);
    nlohmann::json micro_ops = nlohmann::json::array();
    for (std::int64_t i = 0; i < length; ++i) {
      const std::int64_t k = i == 0 ? key : chooser_->draw(random);
      if (random.chance(config_.read_fraction)) {
        micro_ops.push_back({"r", k, nullptr});
      } else {
        const std::int64_t v = ++last_value_[k];
        micro_ops.push_back({config_.append ? "append" : "w", k, v});
      }
    }
    return {f, micro_ops};
  }
  std::vector<Invocation> final_ops() override {
    // One read-only transaction per batch of keys that were written.
    std::vector<Invocation> ops;
    nlohmann::json batch = nlohmann::json::array();
    for (const auto& [k, v] : last_value_) {
      batch.push_back({"r", k, nullptr});
      if (batch.size() == kFinalBatch) ops.push_back({"txn", std::exchange(batch, {})});
    }
    if (!batch.empty()) ops.push_back({"txn", batch});
    return ops;
  }
  std::vector<CheckerSpec> checkers() const override {
    const std::string expected =
        config_.expected.empty() ? elle_model_for(config_.isolation) : config_.expected;
    return {{config_.append ? "elle-list-append" : "elle-rw-register", {{"expected", expected}}}};
  }

 private:
  static constexpr std::size_t kFinalBatch = 16;
  TxnConfig config_;
  std::unique_ptr<KeyChooser> chooser_;
  std::map<std::int64_t, std::int64_t> last_value_;  // key -> last value handed out
};

WorkloadInfo txn_info(bool append) {
  WorkloadInfo info;
  info.name = append ? "list-append" : "rw-register";
  info.description = append ? "list-append transactions (Elle), isolation as an option"
                            : "read/write register transactions (Elle), isolation as an option";
  info.options = {
      table_option(append ? "append" : "rw"),
      isolation_option("serializable"),
      {"keys", OptionSpec::Kind::kInt, 8, 1, static_cast<double>(kMaxKeys), {}, "key count"},
      {"max_txn_length", OptionSpec::Kind::kInt, 4, 1, 64, {}, "micro-ops per transaction"},
      {"read_fraction", OptionSpec::Kind::kFloat, 0.5, 0, 1, {}, "share of reads"},
      {"expected",
       OptionSpec::Kind::kString,
       "",
       0,
       0,
       {"", "read-committed", "snapshot-isolation", "serializable", "strict-serializable"},
       "the consistency model to check (default: what the isolation level promises)"},
  };
  info.default_mix = {{"txn", 1}};
  info.needs = [](const Options&) { return std::vector<StoreKind>{StoreKind::kSql}; };
  info.make = [append](const Options& r, std::string* error) {
    TxnConfig c;
    c.append = append;
    c.table = r.at("table").get<std::string>();
    c.isolation = parse_isolation(r.at("isolation").get<std::string>());
    c.max_txn_length = r.at("max_txn_length").get<std::int64_t>();
    c.read_fraction = r.at("read_fraction").get<double>();
    c.expected = r.at("expected").get<std::string>();
    if (!io::validate_schema(txn_schema(c)).empty()) {
      *error = "table: expected a lower-case SQL name ([a-z_][a-z0-9_]*), got " + c.table;
      return std::unique_ptr<Workload>();
    }
    return std::unique_ptr<Workload>(std::make_unique<TxnWorkload>(c));
  };
  return info;
}

}  // namespace

WorkloadInfo list_append_workload_info() { return txn_info(true); }
WorkloadInfo rw_register_workload_info() { return txn_info(false); }

}  // namespace fl::workloads
