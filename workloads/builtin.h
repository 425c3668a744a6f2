// The built-in workloads (one file each) and small helpers they share.
#pragma once

#include <string>
#include <vector>

#include "system/io/sql_store.h"
#include "workloads/workload.h"

namespace fl::workloads {

std::vector<WorkloadInfo> builtin_workloads();

WorkloadInfo register_workload_info(const std::string& name);  // register, cas-register, kv
WorkloadInfo bank_workload_info();
WorkloadInfo list_append_workload_info();
WorkloadInfo rw_register_workload_info();
WorkloadInfo set_workload_info();
WorkloadInfo queue_workload_info();

// "read-committed" | "repeatable-read" | "serializable".
const std::vector<std::string>& isolation_names();
io::Isolation parse_isolation(const std::string& name);
// The Elle consistency model a level promises ("read-committed", "snapshot-isolation",
// "serializable").
std::string elle_model_for(io::Isolation isolation);

// A store option spec: "sql" or "cache" (the default first).
OptionSpec store_option(const std::vector<std::string>& stores);
OptionSpec table_option(const std::string& default_table);
OptionSpec isolation_option(const std::string& default_level);

// Completion for a transaction that failed at `status` (fail or, for an indeterminate commit,
// info), keeping the invocation's value.
Completion failed_completion(const io::Status& status, bool writes, const nlohmann::json& value);

// Commits `tx` and maps the outcome: ok -> ok with `value`; otherwise failed_completion.
Completion commit_completion(io::SqlTransaction& tx, const nlohmann::json& value);

// Creates `schema` through `env.sql`, bounded retries on retryable failures (setup).
io::Status create_table_retrying(io::Env& env, const io::TableSchema& schema);

}  // namespace fl::workloads
