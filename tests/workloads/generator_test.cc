// Proves the generator's promises: the same seed gives the same steps and different seeds
// differ; keys stay in range for every distribution (property) and zipf / hot-key skew the way
// they say; op_limit bounds invocations; phases switch the mix at their boundaries; stagger and
// rate set the waits; option validation refuses unknown keys, wrong types and impossible values
// with a message naming the key.
#include "workloads/generator.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>

#include "system/io/clock.h"
#include "workloads/workload.h"

namespace fl::workloads {
namespace {

GeneratorOptions basic() {
  GeneratorOptions o;
  o.concurrency = 3;
  o.rate_per_s = 30;
  o.keys = 10;
  o.mix = {{"read", 1}, {"write", 1}};
  return o;
}

std::vector<Generator::Step> steps(GeneratorOptions o, std::uint64_t seed, int n) {
  Generator g(std::move(o), io::Random(seed));
  std::vector<Generator::Step> out;
  for (int i = 0; i < n; ++i) out.push_back(g.next(i % 3, i * io::kNsPerMs));
  return out;
}

bool same(const std::vector<Generator::Step>& a, const std::vector<Generator::Step>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].f != b[i].f || a[i].key != b[i].key || a[i].wait_ns != b[i].wait_ns) return false;
  }
  return true;
}

TEST(Generator, SameSeedSameStepsDifferentSeedsDiffer) {
  EXPECT_TRUE(same(steps(basic(), 7, 200), steps(basic(), 7, 200)));
  EXPECT_FALSE(same(steps(basic(), 7, 200), steps(basic(), 8, 200)));
}

RC_GTEST_PROP(Generator, KeysStayInRange, ()) {
  GeneratorOptions o = basic();
  o.keys = *rc::gen::inRange<std::int64_t>(1, 500);
  o.distribution = *rc::gen::element(KeyDistribution::kUniform, KeyDistribution::kZipf,
                                     KeyDistribution::kHotKey);
  o.hot_keys = *rc::gen::inRange<std::int64_t>(1, 600);
  o.zipf_exponent = *rc::gen::element(0.5, 1.0, 2.0);
  Generator g(o, io::Random(*rc::gen::arbitrary<std::uint64_t>()));
  for (int i = 0; i < 300; ++i) {
    auto s = g.next(i % 3, 0);
    RC_ASSERT(s.kind == Generator::Step::Kind::kInvoke);
    RC_ASSERT(s.key >= 0 && s.key < o.keys);
    RC_ASSERT(s.wait_ns >= 0);
  }
}

TEST(Generator, ZipfAndHotKeySkew) {
  GeneratorOptions o = basic();
  o.keys = 100;
  o.distribution = KeyDistribution::kZipf;
  std::map<std::int64_t, int> zipf, hot;
  Generator z(o, io::Random(1));
  for (int i = 0; i < 5000; ++i) ++zipf[z.next(0, 0).key];
  EXPECT_GT(zipf[0], zipf[50] * 10);  // rank 1 vs rank 51: ~51x under exponent 1
  o.distribution = KeyDistribution::kHotKey;
  o.hot_keys = 2;
  o.hot_fraction = 0.9;
  Generator h(o, io::Random(1));
  for (int i = 0; i < 5000; ++i) ++hot[h.next(0, 0).key];
  EXPECT_NEAR(hot[0] + hot[1], 4500, 200);
}

TEST(Generator, OpLimitStopsEveryClient) {
  GeneratorOptions o = basic();
  o.op_limit = 25;
  Generator g(o, io::Random(3));
  int invoked = 0;
  for (int i = 0; i < 100; ++i) {
    if (g.next(i % 3, 0).kind == Generator::Step::Kind::kInvoke) ++invoked;
  }
  EXPECT_EQ(invoked, 25);
  EXPECT_EQ(g.invocations(), 25);
}

TEST(Generator, PhasesSwitchTheMix) {
  GeneratorOptions o = basic();
  o.phases = {{1000 * io::kNsPerMs, {{"write", 1}}}, {1000 * io::kNsPerMs, {{"read", 1}}}};
  o.rate_per_s = 0;
  Generator g(o, io::Random(4));
  for (int i = 0; i < 50; ++i) EXPECT_EQ(g.next(0, 10 * io::kNsPerMs).f, "write");
  for (int i = 0; i < 50; ++i) EXPECT_EQ(g.next(1, 1500 * io::kNsPerMs).f, "read");
  for (int i = 0; i < 50; ++i) EXPECT_EQ(g.next(2, 9000 * io::kNsPerMs).f, "read");  // last lasts
}

TEST(Generator, RateAndStaggerSetWaits) {
  GeneratorOptions o = basic();
  o.rate_per_s = 30;  // 3 clients: mean 100 ms each
  o.stagger_ns = 0;
  Generator g(o, io::Random(5));
  for (int i = 0; i < 100; ++i) {
    const auto w = g.next(0, 0).wait_ns;
    EXPECT_GE(w, 50 * io::kNsPerMs);
    EXPECT_LE(w, 150 * io::kNsPerMs);
  }
  o.rate_per_s = 0;
  o.stagger_ns = 500 * io::kNsPerMs;
  Generator s(o, io::Random(5));
  EXPECT_LE(s.next(1, 0).wait_ns, 500 * io::kNsPerMs);
  EXPECT_EQ(s.next(1, 0).wait_ns, 0);  // only the first step is staggered
}

TEST(Options, RefusedWithTheKeyNamed) {
  std::string error;
  EXPECT_EQ(make_workload("register", {{"concurrency", 0}}, &error), nullptr);
  EXPECT_NE(error.find("concurrency: expected an integer in 1..256, got 0"), std::string::npos)
      << error;
  EXPECT_EQ(make_workload("register", {{"colour", 1}}, &error), nullptr);
  EXPECT_NE(error.find("colour: unknown option"), std::string::npos) << error;
  EXPECT_EQ(make_workload("register", {{"store", "mongo"}}, &error), nullptr);
  EXPECT_NE(error.find("store: expected one of \"sql\", \"cache\""), std::string::npos) << error;
  EXPECT_EQ(make_workload("register", {{"rate", "fast"}}, &error), nullptr);
  EXPECT_NE(error.find("rate: expected a number"), std::string::npos) << error;
  EXPECT_EQ(make_workload("register", {{"mix", {{"cas", 1}}}}, &error), nullptr);
  EXPECT_NE(error.find("mix.cas: unknown op kind"), std::string::npos) << error;
  EXPECT_EQ(make_workload("cas-register", {{"store", "cache"}}, &error), nullptr);
  EXPECT_NE(error.find("no compare-and-set"), std::string::npos) << error;
  EXPECT_EQ(make_workload("bank", {{"accounts", 10}, {"total", 5}}, &error), nullptr);
  EXPECT_NE(error.find("total:"), std::string::npos) << error;
  EXPECT_EQ(make_workload("nope", {}, &error), nullptr);
  EXPECT_NE(error.find("unknown workload 'nope'"), std::string::npos) << error;
  EXPECT_EQ(make_workload("list-append", {{"phases", {{{"mix", {{"txn", 1}}}}}}}, &error), nullptr);
  EXPECT_NE(error.find("phases[0]: needs duration_ms"), std::string::npos) << error;
}

TEST(Options, DefaultsFilledAndEveryBuiltinBuilds) {
  for (const auto& name : workload_names()) {
    std::string error;
    std::vector<StoreKind> needs;
    auto w = make_workload(name, nlohmann::json::object(), &error, &needs);
    ASSERT_NE(w, nullptr) << name << ": " << error;
    EXPECT_FALSE(needs.empty()) << name;
    EXPECT_FALSE(w->checkers().empty()) << name;
    EXPECT_FALSE(w->generator().mix.empty()) << name;
  }
  std::string error;
  auto kv = make_workload("kv", {{"concurrency", 7}}, &error);
  ASSERT_NE(kv, nullptr) << error;
  EXPECT_EQ(kv->generator().concurrency, 7);
  EXPECT_EQ(kv->generator().keys, 32);
  EXPECT_EQ(kv->generator().distribution, KeyDistribution::kZipf);
}

}  // namespace
}  // namespace fl::workloads
