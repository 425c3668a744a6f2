// Proves the linearizability checker agrees with Knossos on Knossos' published histories, read
// from EDN with no options (Knossos' meaning of :fail, "did not happen", is the default for EDN):
// every bad cas-register history is invalid and blames the operation Knossos' tests name
// (wgl_test.clj: rethink-fail-minimal -> process 1's read of 3 at index 4; bad-analysis ->
// process 21's read of 2 at index 14), never one inside the linearized prefix; the good one is
// valid. Also: the meaning of a failed cas follows the format and the verdict says which; format
// detection reads '(' and '[' as EDN; Knossos' multi-register transactions have a model.
// Histories: tests/data/knossos (ORIGIN.md).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "checkers/formats.h"
#include "checkers/registry.h"
#include "history/edn.h"

namespace fl::checkers {
namespace {

std::string data(const std::string& name) {
  return std::string(FL_SOURCE_DIR) + "/tests/data/knossos/" + name;
}

history::History read_edn_file(const std::string& name) {
  std::ifstream in(data(name));
  EXPECT_TRUE(in) << "missing " << data(name);
  history::History h;
  history::ParseError e;
  EXPECT_TRUE(history::read_edn(in, &h, &e)) << name << ": " << e.to_string();
  return h;
}

// The history index of the op the verdict blames: the last of the anomaly's ops.
std::int64_t blamed(const CheckOutcome& o) {
  const auto& ops = o.result["anomalies"].at(0)["ops"];
  return ops.back().get<std::int64_t>();
}

TEST(Knossos, BadCasRegisterHistoriesAreInvalidAndBlameKnossosOp) {
  struct Case {
    const char* file;
    std::int64_t op_index;
    std::int64_t process;
  };
  for (const Case c : {Case{"cas-register/bad/rethink-fail-minimal.edn", 4, 1},
                       Case{"cas-register/bad/bad-analysis.edn", 14, 21},
                       Case{"cas-register/bad/immediate-failure.edn", 3, 1}}) {
    const history::History h = read_edn_file(c.file);
    const CheckOutcome o = run_checker("linearizable", nlohmann::json::object(), h);
    ASSERT_EQ(o.valid, Validity::kFalse) << c.file << "\n" << o.result.dump(2);
    EXPECT_EQ(o.result["model"], "register") << c.file;  // guessed: no cas in these files
    EXPECT_EQ(blamed(o), c.op_index) << c.file << "\n" << o.result.dump(2);
    EXPECT_EQ(o.result["cannot_linearize"]["process"], c.process) << c.file;
    // The blamed op is not one of those already linearized.
    for (const auto& p : o.result["linearized_prefix"]) {
      EXPECT_NE(p["source"], o.result["cannot_linearize"]["source"]) << c.file;
    }
    EXPECT_EQ(o.result["failed-cas"], "never-happened") << c.file;
    EXPECT_EQ(o.result["failed-cas-from"], "the default for edn histories");
  }
  const CheckOutcome minimal =
      run_checker("linearizable", {}, read_edn_file("cas-register/bad/rethink-fail-minimal.edn"));
  EXPECT_EQ(minimal.result["cannot_linearize"]["op"], "read() -> 3");
}

TEST(Knossos, GoodCasRegisterHistoryIsValid) {
  const CheckOutcome o =
      run_checker("linearizable", {}, read_edn_file("cas-register/good/cas-register-bug.edn"));
  EXPECT_EQ(o.valid, Validity::kTrue) << o.result.dump(2);
}

TEST(Knossos, AFailedCasMeansWhatTheFormatMeans) {
  // write 1, then a cas 1 -> 2 that failed, then read 1. Knossos: the cas did not happen
  // (valid). Porcupine: the compare did not match, but the register held 1 (invalid).
  const std::string edn =
      "{:process 0, :type :invoke, :f :write, :value 1}\n{:process 0, :type :ok, :f :write, "
      ":value 1}\n{:process 0, :type :invoke, :f :cas, :value [1 2]}\n{:process 0, :type :fail, "
      ":f :cas, :value [1 2]}\n{:process 0, :type :invoke, :f :read, :value nil}\n{:process 0, "
      ":type :ok, :f :read, :value 1}\n";
  std::istringstream in(edn);
  history::History h;
  history::ParseError e;
  ASSERT_TRUE(history::read_edn(in, &h, &e)) << e.to_string();
  CheckOutcome o = run_checker("linearizable", {}, h);
  EXPECT_EQ(o.valid, Validity::kTrue) << o.result.dump(2);
  EXPECT_EQ(o.result["failed-cas"], "never-happened");
  h.format = history::SourceFormat::kJsonLines;
  o = run_checker("linearizable", {}, h);
  EXPECT_EQ(o.valid, Validity::kFalse) << o.result.dump(2);
  EXPECT_EQ(o.result["failed-cas"], "evidence");
  EXPECT_EQ(o.result["failed-cas-from"], "the default for jsonl histories");
  o = run_checker("linearizable", {{"failed-cas", "never-happened"}}, h);
  EXPECT_EQ(o.valid, Validity::kTrue);
  EXPECT_EQ(o.result["failed-cas-from"], "the failed-cas option");
}

TEST(Knossos, FormatDetectionReadsJepsenFilesAsEdn) {
  EXPECT_EQ(detect_format("({:type :invoke, :f :write, :value 0, :process 0}"), "edn");
  EXPECT_EQ(detect_format("\n  [{:process 4, :type :invoke}"), "edn");
  EXPECT_EQ(detect_format("; comment\n{:a 1}"), "edn");
  EXPECT_EQ(detect_format("{:process 1, :type :invoke, :f :read}"), "edn");
  EXPECT_EQ(detect_format("{:process 1, :type :invoke, :f :get, :key \"1\", :value nil}"),
            "porcupine-kv");
  EXPECT_EQ(detect_format("INFO  jepsen.util - 1 :invoke :read nil"), "porcupine-etcd");
  EXPECT_EQ(detect_format("{\"process\":0}"), "jsonl");
  std::ifstream in(data("cas-register/bad/rethink-fail-minimal.edn"));
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(detect_format(text.str()), "edn");
}

TEST(Knossos, MultiRegisterHasItsOwnModel) {
  const history::History h = read_edn_file("multi-register/good/multi-register-first-20.edn");
  // Knossos checks it from {x 0, y 0}; from nil the first reads of 0 are impossible.
  CheckOutcome o = run_checker("linearizable", {{"initial", {{"x", 0}, {"y", 0}}}}, h);
  EXPECT_EQ(o.valid, Validity::kTrue) << o.result.dump(2);
  EXPECT_EQ(o.result["model"], "multi-register");
  o = run_checker("linearizable", {}, h);
  EXPECT_EQ(o.valid, Validity::kFalse) << o.result.dump(2);
  // A read no write explains.
  history::History bad = h;
  bad.ops[12].value = nlohmann::json::parse(R"([["read","x",0],["read","y",7]])");
  o = run_checker("linearizable", {{"initial", {{"x", 0}, {"y", 0}}}}, bad);
  EXPECT_EQ(o.valid, Validity::kFalse) << o.result.dump(2);
  EXPECT_EQ(blamed(o), 12);
  // Elle's rw-register refuses these micro-ops and says how to check them.
  o = run_checker("elle-rw-register", {}, h);
  EXPECT_EQ(o.valid, Validity::kUnknown);
  EXPECT_NE(o.result["error"].get<std::string>().find("--model multi-register"), std::string::npos)
      << o.result.dump(2);
}

}  // namespace
}  // namespace fl::checkers
