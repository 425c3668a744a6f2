#include "workloads/builtin.h"

#include "system/io/assert.h"

namespace fl::workloads {

std::vector<WorkloadInfo> builtin_workloads() {
  return {register_workload_info("register"),
          register_workload_info("cas-register"),
          register_workload_info("kv"),
          bank_workload_info(),
          list_append_workload_info(),
          rw_register_workload_info(),
          set_workload_info(),
          queue_workload_info()};
}

const std::vector<std::string>& isolation_names() {
  static const std::vector<std::string> kNames = {"read-committed", "repeatable-read",
                                                  "serializable"};
  return kNames;
}

io::Isolation parse_isolation(const std::string& name) {
  if (name == "read-committed") return io::Isolation::kReadCommitted;
  if (name == "repeatable-read") return io::Isolation::kRepeatableRead;
  FL_ASSERT_MSG(name == "serializable", "unknown isolation " << name);
  return io::Isolation::kSerializable;
}

std::string elle_model_for(io::Isolation isolation) {
  switch (isolation) {
    case io::Isolation::kReadCommitted:
      return "read-committed";
    case io::Isolation::kRepeatableRead:
      return "snapshot-isolation";
    case io::Isolation::kSerializable:
      return "serializable";
  }
  return "serializable";
}

OptionSpec store_option(const std::vector<std::string>& stores) {
  FL_ASSERT(!stores.empty());
  return {"store", OptionSpec::Kind::kString, stores.front(), 0, 0, stores, "which store"};
}

OptionSpec table_option(const std::string& default_table) {
  return {"table", OptionSpec::Kind::kString, default_table, 0, 0, {}, "table / key prefix"};
}

OptionSpec isolation_option(const std::string& default_level) {
  return {"isolation",       OptionSpec::Kind::kString,    default_level, 0, 0,
          isolation_names(), "transaction isolation level"};
}

Completion failed_completion(const io::Status& status, bool writes, const nlohmann::json& value) {
  FL_ASSERT(!status.is_ok());
  return {completion_type(status, writes), value, status.to_string()};
}

Completion commit_completion(io::SqlTransaction& tx, const nlohmann::json& value) {
  io::Status s = tx.commit();
  if (s.is_ok()) return {history::OpType::kOk, value, ""};
  return failed_completion(s, true, value);
}

io::Status create_table_retrying(io::Env& env, const io::TableSchema& schema) {
  constexpr int kMaxAttempts = 50;
  FL_ASSERT(env.sql != nullptr);
  io::Status s = io::Status::failed(io::ErrorKind::kInternal, "not tried");
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    s = env.sql->create_table(schema);
    if (s.is_ok() ||
        (!s.retryable() && !s.is_indeterminate() && s.kind() != io::ErrorKind::kConnectionLost &&
         s.kind() != io::ErrorKind::kUnavailable)) {
      return s;
    }
    env.clock.sleep_ns(100 * io::kNsPerMs);
  }
  return s;
}

}  // namespace fl::workloads
