// Proves the Porcupine readers refuse what they cannot represent instead of throwing: a process
// number past 64 bits (std::stoll used to throw out_of_range and end the process), an over-long
// line; and that well-formed lines still read.
#include "checkers/formats.h"

#include <gtest/gtest.h>

#include <sstream>

namespace fl::checkers {
namespace {

TEST(PorcupineReaders, ProcessesPast64BitsAreAnErrorNotAThrow) {
  std::istringstream etcd("INFO  jepsen.util - 99999999999999999999 :invoke :read nil\n");
  std::vector<LinOp> ops;
  FormatError e;
  EXPECT_FALSE(read_porcupine_etcd(etcd, &ops, &e));
  EXPECT_EQ(e.line, 1u);
  EXPECT_NE(e.message.find("64-bit"), std::string::npos) << e.message;
  std::istringstream kv(
      "{:process 99999999999999999999, :type :invoke, :f :get, :key \"1\", :value nil}\n");
  EXPECT_FALSE(read_porcupine_kv(kv, &ops, &e));
  EXPECT_EQ(e.line, 1u);
}

TEST(PorcupineReaders, LongLinesAreRefusedAndGoodLinesRead) {
  std::istringstream big("INFO  jepsen.util - 1 :invoke :write " +
                         std::string(history::kMaxLineBytes, '7') + "\n");
  std::vector<LinOp> ops;
  FormatError e;
  EXPECT_FALSE(read_porcupine_etcd(big, &ops, &e));
  EXPECT_NE(e.message.find("1 MiB"), std::string::npos) << e.message;
  std::istringstream good(
      "INFO  jepsen.util - 3 :invoke :write 4\nINFO  jepsen.util - 3 :ok :write 4\n");
  ops.clear();
  ASSERT_TRUE(read_porcupine_etcd(good, &ops, &e)) << e.to_string();
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0].a, "4");
  EXPECT_EQ(ops[0].process, 3);
}

// Found by fuzz_porcupine_kv: a process invoking twice left its first op with no return, which
// sorted before its call and crashed the search (a null entry).
TEST(PorcupineReaders, ASecondInvocationWhileOneIsOpenIsAnError) {
  std::istringstream kv(
      "{:process 0, :type :invoke, :f :put, :key \"3\", :value \"x\"}\n"
      "{:process 0, :type :invoke, :f :get, :key \"3\", :value nil}\n");
  std::vector<LinOp> ops;
  FormatError e;
  EXPECT_FALSE(read_porcupine_kv(kv, &ops, &e));
  EXPECT_EQ(e.line, 2u);
  // And the search refuses an op that returns before its call instead of crashing.
  LinOp op;
  op.call = 5;
  op.ret = 2;
  op.f = "get";
  const LinResult r = check_linearizable({op}, *make_model("kv"));
  EXPECT_EQ(r.valid, Validity::kUnknown);
  EXPECT_NE(r.error.find("returns before it is called"), std::string::npos) << r.error;
}

}  // namespace
}  // namespace fl::checkers
