// Proves `faultline check`: exit 0 for a linearizable history, 1 with a JSON explanation (key,
// the operation that cannot be linearized) for a non-linearizable one, 2 for bad usage and
// malformed input (with the line named); the format is detected (JSON lines, EDN, Porcupine);
// Knossos' failed-cas meaning is selectable; transactional histories go to Elle (with
// --expected and rw-register's --sequential-keys/--linearizable-keys), and --checker/--total
// reach the domain checkers.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/cli.h"

namespace fl::cli {
namespace {

int run(std::vector<std::string> args, std::string* out, std::string* err) {
  std::ostringstream o, e;
  const int code = cmd_check(args, o, e);
  *out = o.str();
  *err = e.str();
  return code;
}

std::string write_file(const std::string& name, const std::string& text) {
  const auto p = std::filesystem::temp_directory_path() / ("fl-check-" + name);
  std::ofstream(p) << text;
  return p.string();
}

TEST(CheckCommand, VerdictsExitCodesAndExplanations) {
  const std::string ok = write_file("ok.jsonl",
                                    R"({"process":0,"type":"invoke","f":"write","value":1}
{"process":1,"type":"invoke","f":"read","value":null}
{"process":0,"type":"ok","f":"write","value":1}
{"process":1,"type":"ok","f":"read","value":1}
)");
  std::string out, err;
  EXPECT_EQ(run({ok}, &out, &err), 0) << err;
  EXPECT_NE(out.find("\"valid\": true"), std::string::npos);
  const std::string bad = write_file("bad.jsonl",
                                     R"({"process":0,"type":"invoke","f":"write","value":1}
{"process":0,"type":"ok","f":"write","value":1}
{"process":1,"type":"invoke","f":"read","value":null}
{"process":1,"type":"ok","f":"read","value":2}
)");
  EXPECT_EQ(run({bad, "--model", "register"}, &out, &err), 1);
  EXPECT_NE(out.find("\"valid\": false"), std::string::npos);
  EXPECT_NE(out.find("cannot_linearize"), std::string::npos);
  // A failed cas: evidence (Porcupine) vs never happened (Knossos).
  const std::string cas = write_file("cas.jsonl",
                                     R"({"process":0,"type":"invoke","f":"write","value":1}
{"process":0,"type":"ok","f":"write","value":1}
{"process":1,"type":"invoke","f":"cas","value":[1,2]}
{"process":1,"type":"fail","f":"cas","value":[1,2]}
)");
  EXPECT_EQ(run({cas}, &out, &err), 1);  // the compare must have matched: not linearizable
  EXPECT_EQ(run({cas, "--failed-cas", "never-happened"}, &out, &err), 0);
}

TEST(CheckCommand, EdnElleAndNamedCheckers) {
  std::string out, err;
  // A stale read in EDN: serializable, not strict serializable.
  const std::string edn =
      write_file("stale.edn", R"({:type :invoke, :f :txn, :value [[:w :x 1]], :process 0}
{:type :ok, :f :txn, :value [[:w :x 1]], :process 0}
{:type :info, :f :partition, :value nil, :process :nemesis}
{:type :invoke, :f :txn, :value [[:r :x nil]], :process 1}
{:type :ok, :f :txn, :value [[:r :x nil]], :process 1}
)");
  EXPECT_EQ(run({edn}, &out, &err), 1) << err;
  EXPECT_NE(out.find("G-single-realtime"), std::string::npos) << out;
  EXPECT_NE(out.find("\"format\": \"edn\""), std::string::npos);
  EXPECT_EQ(run({edn, "--expected", "serializable"}, &out, &err), 0) << out;
  EXPECT_EQ(run({edn, "--format", "edn", "--model", "rw-register"}, &out, &err), 1);
  EXPECT_EQ(run({edn, "--expected", "linearizable"}, &out, &err), 2);
  const std::string bad_edn = write_file("bad.edn", "{:type :ok, :f :txn\n :value [}\n");
  EXPECT_EQ(run({bad_edn}, &out, &err), 2);
  EXPECT_NE(err.find("line 2"), std::string::npos) << err;
  // A bank history: named checker and total from flags.
  const std::string bank = write_file("bank.jsonl",
                                      R"({"process":0,"type":"invoke","f":"read","value":null}
{"process":0,"type":"ok","f":"read","value":{"a":60,"b":30}}
)");
  EXPECT_EQ(run({bank, "--checker", "bank", "--total", "90"}, &out, &err), 0) << out << err;
  EXPECT_EQ(run({bank, "--checker", "bank", "--total", "100"}, &out, &err), 1);
  EXPECT_NE(out.find("wrong-total"), std::string::npos);
  EXPECT_EQ(run({bank, "--checker", "nope"}, &out, &err), 2);
  EXPECT_NE(err.find("unknown checker"), std::string::npos);
}

TEST(CheckCommand, RwRegisterAssumptionFlags) {
  std::string out, err;
  // Two blind writes of x; process 2 reads 1 then 2, process 3 reads 2 then 1: valid unless
  // each key is assumed sequential (then its version order is cyclic).
  const std::string h =
      write_file("rw-seq.edn", R"({:type :invoke, :f :txn, :value [[:w :x 1]], :process 0}
{:type :invoke, :f :txn, :value [[:w :x 2]], :process 1}
{:type :ok, :f :txn, :value [[:w :x 1]], :process 0}
{:type :ok, :f :txn, :value [[:w :x 2]], :process 1}
{:type :invoke, :f :txn, :value [[:r :x nil]], :process 2}
{:type :ok, :f :txn, :value [[:r :x 1]], :process 2}
{:type :invoke, :f :txn, :value [[:r :x nil]], :process 3}
{:type :ok, :f :txn, :value [[:r :x 2]], :process 3}
{:type :invoke, :f :txn, :value [[:r :x nil]], :process 2}
{:type :ok, :f :txn, :value [[:r :x 2]], :process 2}
{:type :invoke, :f :txn, :value [[:r :x nil]], :process 3}
{:type :ok, :f :txn, :value [[:r :x 1]], :process 3}
)");
  EXPECT_EQ(run({h}, &out, &err), 0) << out << err;
  EXPECT_NE(out.find("\"sequential-keys\": false"), std::string::npos) << out;
  EXPECT_EQ(run({h, "--sequential-keys"}, &out, &err), 1) << out << err;
  EXPECT_NE(out.find("incompatible-order"), std::string::npos) << out;
  EXPECT_NE(out.find("\"sequential-keys\": true"), std::string::npos) << out;
  EXPECT_EQ(run({h, "--linearizable-keys"}, &out, &err), 1) << out << err;
  EXPECT_NE(out.find("\"linearizable-keys\": true"), std::string::npos) << out;
  EXPECT_EQ(run({h, "--options", R"({"sequential-keys": 1})"}, &out, &err), 2);
  EXPECT_NE(err.find("sequential-keys takes true or false"), std::string::npos) << err;
}

TEST(CheckCommand, BadUsageAndInputExit2WithAMessage) {
  std::string out, err;
  EXPECT_EQ(run({}, &out, &err), 2);
  EXPECT_NE(err.find("history is required"), std::string::npos);
  EXPECT_EQ(run({"/nonexistent/h.jsonl"}, &out, &err), 2);
  EXPECT_NE(err.find("cannot read"), std::string::npos);
  const std::string ok =
      write_file("x.jsonl", "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\"}\n");
  EXPECT_EQ(run({ok, "--model", "nope"}, &out, &err), 2);
  EXPECT_EQ(run({ok, "--format", "xml"}, &out, &err), 2);
  EXPECT_EQ(run({ok, "--max-steps", "-3"}, &out, &err), 2);
  EXPECT_EQ(run({ok, "--bogus"}, &out, &err), 2);
  const std::string broken =
      write_file("broken.jsonl", "{\"process\":0,\"type\":\"ok\",\"f\":\"read\"}\n{oops\n");
  EXPECT_EQ(run({broken}, &out, &err), 2);
  EXPECT_NE(err.find("line 2"), std::string::npos) << err;
  const std::string etcd = write_file("e.log", "INFO  jepsen.util - 3\t:invoke\t:frob\tnil\n");
  EXPECT_EQ(run({etcd}, &out, &err), 2);
  EXPECT_NE(err.find("line 1"), std::string::npos) << err;
}

// Many files in one process: a verdict line per file (a directory's files recursively, in name
// order) and a summary; the exit code is the worst verdict; an unreadable file is an error line,
// not the end of the run.
TEST(CheckCommand, ManyFilesAndDirectoriesInOneProcess) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "fl-check-many";
  fs::remove_all(dir);
  fs::create_directories(dir / "good");
  fs::create_directories(dir / "bad");
  std::ofstream(dir / "good" / "a.jsonl") << R"({"process":0,"type":"invoke","f":"write","value":1}
{"process":0,"type":"ok","f":"write","value":1}
{"process":1,"type":"invoke","f":"read","value":null}
{"process":1,"type":"ok","f":"read","value":1}
)";
  std::ofstream(dir / "bad" / "b.jsonl") << R"({"process":0,"type":"invoke","f":"write","value":1}
{"process":0,"type":"ok","f":"write","value":1}
{"process":1,"type":"invoke","f":"read","value":null}
{"process":1,"type":"ok","f":"read","value":2}
)";
  std::string out, err;
  EXPECT_EQ(run({(dir / "good").string(), (dir / "good" / "a.jsonl").string()}, &out, &err), 0)
      << out << err;
  EXPECT_NE(out.find("a.jsonl: valid (linearizable, jsonl)"), std::string::npos) << out;
  EXPECT_NE(out.find("summary: 2 files: 2 valid, 0 invalid, 0 unknown, 0 errors"),
            std::string::npos)
      << out;
  EXPECT_EQ(run({dir.string()}, &out, &err), 1) << out << err;
  EXPECT_LT(out.find("bad/b.jsonl: invalid"), out.find("good/a.jsonl: valid")) << out;
  EXPECT_NE(out.find("summary: 2 files: 1 valid, 1 invalid"), std::string::npos) << out;
  std::ofstream(dir / "c.jsonl") << "{not json\n";
  EXPECT_EQ(run({dir.string(), (dir / "missing.jsonl").string()}, &out, &err), 2) << out;
  EXPECT_NE(out.find("c.jsonl: error (faultline check:"), std::string::npos) << out;
  EXPECT_NE(out.find("missing.jsonl: error (faultline check: cannot read"), std::string::npos)
      << out;
  EXPECT_NE(out.find("summary: 4 files: 1 valid, 1 invalid, 0 unknown, 2 errors"),
            std::string::npos)
      << out;
  fs::create_directories(dir / "empty");
  EXPECT_EQ(run({(dir / "empty").string()}, &out, &err), 2);
  EXPECT_NE(err.find("no files to check"), std::string::npos) << err;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace fl::cli
