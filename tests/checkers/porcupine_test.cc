// Proves the linearizability checker agrees with Porcupine on every public history it ships: all
// 102 etcd logs (cas-register with failed cas as evidence) and the 6 kv logs (per-key
// partitioning), plus Porcupine's inline register examples (closed intervals). The histories are
// read from tests/data/porcupine (their origin and licence there; $FAULTLINE_HISTORIES
// overrides); missing files fail the test.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <set>

#include "checkers/formats.h"
#include "checkers/models.h"

namespace fl::checkers {
namespace {

std::string data_dir() {
  const char* env = std::getenv("FAULTLINE_HISTORIES");
  if (env != nullptr) return env;
  return std::string(FL_SOURCE_DIR) + "/tests/data/porcupine";
}

TEST(Porcupine, EtcdVerdictsMatch) {
  const std::set<int> linearizable = {2,  5,  7,  18, 25, 31, 38, 45, 48,  49,  51, 53,
                                      56, 67, 75, 76, 80, 87, 92, 98, 100, 101, 102};
  auto model = make_model("cas-register");
  int checked = 0;
  for (int i = 0; i <= 102; ++i) {
    if (i == 95) continue;  // empty: Porcupine has no test for it
    char name[32];
    std::snprintf(name, sizeof name, "/jepsen/etcd_%03d.log", i);
    std::ifstream in(data_dir() + name);
    ASSERT_TRUE(in) << "missing " << data_dir() + name;
    std::vector<LinOp> ops;
    FormatError e;
    ASSERT_TRUE(read_porcupine_etcd(in, &ops, &e)) << name << ": " << e.to_string();
    const LinResult r = check_linearizable(ops, *model);
    const Validity want = linearizable.count(i) ? Validity::kTrue : Validity::kFalse;
    EXPECT_EQ(r.valid, want) << name;
    ++checked;
  }
  EXPECT_EQ(checked, 102);
}

TEST(Porcupine, KvVerdictsMatch) {
  auto model = make_model("kv");
  for (const std::string c : {"c01", "c10", "c50"}) {
    for (const bool ok : {true, false}) {
      const std::string path = data_dir() + "/kv/" + c + (ok ? "-ok.txt" : "-bad.txt");
      std::ifstream in(path);
      ASSERT_TRUE(in) << "missing " << path;
      std::vector<LinOp> ops;
      FormatError e;
      ASSERT_TRUE(read_porcupine_kv(in, &ops, &e)) << path << ": " << e.to_string();
      const LinResult r = check_linearizable(ops, *model);
      EXPECT_EQ(r.valid, ok ? Validity::kTrue : Validity::kFalse) << path;
      if (!ok) {
        EXPECT_FALSE(r.key.empty());  // names the failing key
        const auto j = r.to_json(ops, *model);
        EXPECT_TRUE(j.contains("cannot_linearize"));
      }
    }
  }
}

LinOp op(std::int64_t process, const std::string& f, std::string value, std::int64_t call,
         std::int64_t ret) {
  LinOp o;
  o.process = process;
  o.f = f;
  o.call = call;
  o.ret = ret;
  if (f == "write")
    o.a = value;
  else
    o.out = value;
  return o;
}

TEST(Porcupine, InlineRegisterExamples) {
  auto model = make_model("register");
  // Porcupine's register starts at 0; ours at null, so write 0 first, before everything.
  std::vector<LinOp> good = {op(9, "write", "0", -10, -5), op(0, "write", "100", 0, 100),
                             op(1, "read", "100", 25, 75), op(2, "read", "0", 30, 60)};
  EXPECT_EQ(check_linearizable(good, *model).valid, Validity::kTrue);
  std::vector<LinOp> bad = {op(9, "write", "0", -10, -5), op(0, "write", "200", 0, 100),
                            op(1, "read", "200", 10, 30), op(2, "read", "0", 40, 90)};
  EXPECT_EQ(check_linearizable(bad, *model).valid, Validity::kFalse);
  // Closed intervals: [10,20] and [20,30] overlap, so the read may precede the write.
  std::vector<LinOp> touching = {op(0, "write", "1", 20, 30), op(1, "read", "", 10, 20)};
  touching[1].exists = false;
  EXPECT_EQ(check_linearizable(touching, *model).valid, Validity::kTrue);
}

TEST(Porcupine, BudgetTurnsIntoUnknown) {
  std::ifstream in(data_dir() + "/jepsen/etcd_002.log");  // needs many steps to prove valid
  std::vector<LinOp> ops;
  FormatError e;
  ASSERT_TRUE(read_porcupine_etcd(in, &ops, &e));
  const LinResult r = check_linearizable(ops, *make_model("cas-register"), LinOptions{50});
  EXPECT_EQ(r.valid, Validity::kUnknown);
}

}  // namespace
}  // namespace fl::checkers
