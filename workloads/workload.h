// Workloads: what a scenario's clients do, Jepsen's client + generator + checker as one unit,
// registered by name (FoundationDB's setup -> start -> check).
//
//  - setup(env) prepares the store (tables, initial rows) once, before any client starts;
//  - the harness runs `concurrency` client processes; each asks the Generator (generator.h) for
//    its next invocation, records it, performs it through its Client on the io::Env seam only
//    (SqlStore / KvCache / EventLog / Transport), and records the completion: ok (it happened),
//    fail (it definitely did not) or info (unknown). After an info the process is retired and a
//    fresh process number takes its place (recorder.h), as in Jepsen;
//  - after the heal phase the harness runs final_ops() (final reads) until each completes ok or a
//    bounded number of attempts fails (liveness);
//  - checkers() names the checkers (checkers/registry.h: run_checker(name, options, history))
//    that judge the recorded history.
// Because clients use the seam only, one workload runs unchanged in simulation and in real mode.
//
// Options are JSON (a scenario's TOML table converted): every workload declares its OptionSpecs,
// and validate_options() refuses unknown keys, wrong types and impossible values with a message
// naming the key and what was expected.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "history/history.h"
#include "options/spec.h"
#include "system/io/env.h"
#include "workloads/generator.h"

namespace fl::workloads {

using Options = nlohmann::json;  // a JSON object; keys as in the scenario file

// Options are declared as option tables (options/spec.h), the one format every component uses.
using options::OptionSpec;
using options::validate_options;

// The generator's options (generator.h), accepted by every workload: concurrency, rate, keys,
// distribution, zipf_exponent, hot_fraction, hot_keys, op_limit, stagger_ms, mix, phases.
const std::vector<OptionSpec>& generator_option_specs();
// Reads resolved generator options; `ops` are the op kinds the workload knows (mix keys must be
// among them). Returns "" or an error naming the key.
std::string generator_from_options(const Options& resolved, const std::vector<MixEntry>& ops,
                                   GeneratorOptions* out);

// A call the harness makes: Jepsen's :f and :value (the invocation's value; reads carry null or
// the keys to read).
struct Invocation {
  std::string f;
  nlohmann::json value;
};

struct Completion {
  history::OpType type = history::OpType::kOk;  // kOk, kFail or kInfo
  nlohmann::json value;                         // the completed value (reads filled in)
  std::string error;                            // for fail/info: why, in words
};

// Maps a seam Status to the completion type for an operation that may have written:
// failed -> fail, indeterminate -> info. Reads pass `writes=false`: an unknown read is a fail.
history::OpType completion_type(const io::Status& status, bool writes);

// A client process's connection to the system. One per process number; used by one fiber.
class Client {
 public:
  Client() = default;
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  virtual ~Client() = default;
  // Performs one invocation. Never throws, except io::NodeCrashed (which must pass).
  virtual Completion invoke(const Invocation& op) = 0;
};

// The checker a workload wants, with its options (checkers/registry.h names).
struct CheckerSpec {
  std::string name;
  nlohmann::json options = nlohmann::json::object();
};

class Workload {
 public:
  Workload() = default;
  Workload(const Workload&) = delete;
  Workload& operator=(const Workload&) = delete;
  virtual ~Workload() = default;

  // Creates what the clients need (tables, initial rows). Retried by the harness on a retryable
  // failure; must be idempotent. Called from a harness fiber with a client Env.
  virtual io::Status setup(io::Env& env) = 0;
  // A client for one process. `env` outlives the client.
  virtual std::unique_ptr<Client> make_client(io::Env& env) = 0;
  // The invocation for an op kind `f` (one of generator().mix) on key index `key` (drawn by the
  // generator from the key distribution). May draw values from `random`; unique values come from
  // the workload's own counters (deterministic: one thread).
  virtual Invocation make_op(const std::string& f, std::int64_t key, io::Random& random) = 0;
  // What to run after the heal phase (final reads); each must complete ok (liveness).
  virtual std::vector<Invocation> final_ops() { return {}; }
  virtual std::vector<CheckerSpec> checkers() const = 0;
  // The generator options this workload was configured with (mix defaults to the workload's).
  const GeneratorOptions& generator() const { return generator_; }
  GeneratorOptions& mutable_generator() { return generator_; }

 private:
  GeneratorOptions generator_;
};

// Which store a workload talks to.
enum class StoreKind : std::uint8_t { kSql, kCache, kEvents, kTransport };

struct WorkloadInfo {
  std::string name;
  std::string description;
  // Options beyond the generator's (generator_option_specs() are accepted by every workload).
  std::vector<OptionSpec> options;
  // The op kinds and their default weights (the generator's mix when the scenario sets none).
  std::vector<MixEntry> default_mix;
  // The stores the workload needs given its resolved options (the topology must provide them).
  std::function<std::vector<StoreKind>(const Options& resolved)> needs;
  // Builds the workload from resolved options (validated, defaults filled, generator options
  // included). Returns nullptr and sets *error for combinations the workload cannot do.
  std::function<std::unique_ptr<Workload>(const Options& resolved, std::string* error)> make;
};

// The registry: the built-in workloads, plus any registered at start-up by the composition root
// (e.g. a system's own workload such as "saga-orders"). Names are unique.
void register_workload(WorkloadInfo info);
const WorkloadInfo* find_workload(const std::string& name);
std::vector<std::string> workload_names();  // sorted

// Validates `given` against the workload's and the generator's specs and builds it.
// Returns nullptr with *error = "<key>: expected ..., got ..." on bad options.
// `needs` (optional) receives the stores the workload needs with these options.
std::unique_ptr<Workload> make_workload(const std::string& name, const Options& given,
                                        std::string* error,
                                        std::vector<StoreKind>* needs = nullptr);

}  // namespace fl::workloads
