// Proves the scenario-file promises: every shipped scenario file loads and validates; bad files
// (missing, TOML syntax, unknown keys, wrong types, impossible values, bad workload / nemesis /
// checker options, stores a workload needs but the topology lacks) get one message naming the
// file, the key and what was expected; --set overrides reach nested keys and list elements; and
// malformed TOML — random bytes and random mutations of real scenario files — never crashes the
// loader (RapidCheck); code points on which toml++ 3.3.0 has undefined behaviour (the fuzz
// finding) are refused with a message before toml++ reads them (harness/toml_guard.h).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <filesystem>
#include <fstream>

#include "harness/scenario_file.h"
#include "harness/toml_guard.h"

namespace fl::harness {
namespace {

constexpr const char* kMinimal = R"(
duration_s = 2
heal_s = 1
[[workload]]
name = "register"
)";

std::string load(const std::string& text, std::vector<std::string> sets = {}) {
  ScenarioSpec spec;
  std::string e = parse_scenario_toml(text, "t.toml", sets, &spec);
  if (e.empty()) e = validate_scenario(spec);
  return e;
}

TEST(Toml, ShippedScenariosLoadAndValidate) {
  const auto names = scenario_file_names();
  ASSERT_GE(names.size(), 10u);
  for (const auto& name : names) {
    ScenarioSpec spec;
    const std::string file = find_scenario_file(name);
    ASSERT_FALSE(file.empty()) << name;
    EXPECT_EQ(load_scenario_file(file, {}, &spec), "") << name;
    EXPECT_EQ(validate_scenario(spec), "") << name;
    EXPECT_EQ(spec.name, name) << "the name inside " << file << " should match its file";
  }
}

TEST(Toml, MinimalDefaults) {
  ScenarioSpec spec;
  ASSERT_EQ(parse_scenario_toml(kMinimal, "dir/min.toml", {}, &spec), "");
  EXPECT_EQ(spec.name, "min");
  EXPECT_EQ(spec.duration_ns, 2'000'000'000);
  EXPECT_EQ(spec.stores.pg_servers, 1);
  EXPECT_EQ(spec.modes, std::vector<std::string>{"sim"});
  EXPECT_EQ(validate_scenario(spec), "");
}

struct Bad {
  std::string text;
  std::string expected;  // a fragment of the message
};

TEST(Toml, BadFilesNameFileKeyAndExpectation) {
  const std::string base = kMinimal;
  const std::vector<Bad> cases = {
      {"duration_s = 2\n[[workload]]\nname='register'\n", "t.toml: heal_s: expected"},
      {"colour = 1\n" + base, "t.toml: colour: unknown option (expected one of: name,"},
      {"duration_s = 'long'\nheal_s=1\n", "t.toml: duration_s: expected a number in"},
      {"duration_s = -1\nheal_s=1\n", "duration_s: expected a number in 0.001..86400"},
      {base + "[topology]\npg_servers = 99\n", "topology.pg_servers: expected an integer in 0..8"},
      {base + "[topology]\nredis_persistence = 'sometimes'\n",
       "topology.redis_persistence: expected one of \"off\", \"everysec\", \"always\""},
      {base + "[topology]\npg_synchronous_replication = true\n",
       "pg_synchronous_replication: expected pg_servers >= 2"},
      {"modes = ['cloud']\n" + base, "modes: expected a list of \"sim\", \"real\""},
      {"duration_s = 2\nheal_s = 1\n", "workload: expected at least one [[workload]]"},
      {"duration_s = 2\nheal_s = 1\nworkload = 3\n", "workload: expected a list of tables"},
      {"duration_s = 2\nheal_s = 1\n[[workload]]\nstore='sql'\n",
       "workload[0].name: expected a string"},
      {base + "concurrency = 0\n", "workload[0] (register): concurrency: expected an integer"},
      {"duration_s = 2\nheal_s = 1\n[[workload]]\nname='registry'\n",
       "unknown workload 'registry'"},
      {base + "store = 'cache'\n", "workload[0] (register): needs Redis: expected topology.redis"},
      {base + "[[nemesis]]\nname = 'meteor'\n", "nemesis[0]: unknown nemesis 'meteor'"},
      {base + "[[nemesis]]\nname = 'kill'\ninterval_ms = 'often'\n", "nemesis[0]: "},
      {base + "[[checker]]\nname = 'vibes'\n", "checker[0].name: unknown checker 'vibes'"},
      {base + "[topology]\nsystem = 'mainframe'\n", "topology.system: unknown system"},
      {base + "[limits]\nmax_virtual_s = 2\n", "limits.max_virtual_s: expected more than"},
      {base + "[swarm]\nenabled = 'yes'\n", "swarm.enabled: expected true or false"},
      {base + "[topology]\npg_bug = 'slow'\n", "topology.pg_bug: expected one of"},
      {base + "[crash_points]\nrestart_after_ms = 0\n",
       "crash_points.restart_after_ms: expected an integer in 1..600000"},
      {base + "[crash_points]\nwhen = 1\n", "crash_points.when: unknown option"},
      {"duration_s = = 2\n", "t.toml:1:"},
      {"when = 1979-05-27\n", "dates and times are not used"},
  };
  for (const auto& c : cases) {
    const std::string e = load(c.text);
    EXPECT_NE(e.find(c.expected), std::string::npos) << "text:\n" << c.text << "\ngot: " << e;
    EXPECT_EQ(e.rfind("t.toml", 0), 0u) << e;
  }
}

TEST(Toml, MissingFileIsNamed) {
  ScenarioSpec spec;
  const std::string e = load_scenario_file("/nonexistent/x.toml", {}, &spec);
  EXPECT_EQ(e, "/nonexistent/x.toml: no such scenario file");
}

TEST(Toml, SetOverridesNestedKeysAndListElements) {
  ScenarioSpec spec;
  ASSERT_EQ(
      parse_scenario_toml(kMinimal, "t.toml",
                          {"duration_s=0.5", "workload.0.concurrency=3", "workload[0].store=cache",
                           "topology.redis=true", "description=\"two words\""},
                          &spec),
      "");
  EXPECT_EQ(spec.duration_ns, 500'000'000);
  EXPECT_EQ(spec.workloads[0].options["concurrency"], 3);
  EXPECT_EQ(spec.workloads[0].options["store"], "cache");
  EXPECT_TRUE(spec.stores.redis);
  EXPECT_EQ(spec.description, "two words");
  EXPECT_EQ(validate_scenario(spec), "");
  EXPECT_NE(load(kMinimal, {"workload.5.concurrency=3"}).find("not an index"), std::string::npos);
  EXPECT_NE(load(kMinimal, {"novalue"}).find("--set expects key=value"), std::string::npos);
  EXPECT_NE(load(kMinimal, {"duration_s.x=1"}).find("is not a table"), std::string::npos);
  EXPECT_NE(load(kMinimal, {"workload.0.concurrency=-2"}).find("concurrency: expected"),
            std::string::npos);
}

RC_GTEST_PROP(TomlFuzz, RandomBytesNeverCrash, ()) {
  const auto text = *rc::gen::container<std::string>(rc::gen::arbitrary<char>());
  ScenarioSpec spec;
  std::string e = parse_scenario_toml(text, "fuzz.toml", {}, &spec);
  if (e.empty()) e = validate_scenario(spec);
  RC_ASSERT(e.empty() || e.rfind("fuzz.toml", 0) == 0);
}

// The code points are those toml++ 3.3.0's generated whitespace table does not handle: its
// blocks 0, 11 and 63 of 0x3FA code points from U+00A0, minus the whitespace it names.
TEST(Toml, CodePointsTomlPlusPlusCannotReadAreRefused) {
  EXPECT_TRUE(toml_whitespace_check_is_undefined(U'\u00E9'));   // é: block 0
  EXPECT_TRUE(toml_whitespace_check_is_undefined(U'\u2C5E'));   // first of block 11
  EXPECT_FALSE(toml_whitespace_check_is_undefined(U'\u2C5D'));  // last of block 10
  EXPECT_TRUE(toml_whitespace_check_is_undefined(U'\uFEFC'));   // the fuzz finding's, block 63
  EXPECT_FALSE(toml_whitespace_check_is_undefined(U'\u00A0'));  // whitespace it names
  EXPECT_FALSE(toml_whitespace_check_is_undefined(U'\u3000'));
  EXPECT_FALSE(toml_whitespace_check_is_undefined(U'\uFEFF'));
  EXPECT_FALSE(toml_whitespace_check_is_undefined(U'\u2014'));      // em dash: block 7, handled
  EXPECT_FALSE(toml_whitespace_check_is_undefined(U'\u0499' + 1));  // block 1
  EXPECT_FALSE(toml_whitespace_check_is_undefined(U'z'));
  // The finding (fuzz/corpus/toml/finding-toml++-unreachable.toml): "-1u" then U+FEFC.
  const std::string finding = std::string("-1u\0\0\0\xEF\xBB\xBC", 9) + "ers on";
  ScenarioSpec spec;
  EXPECT_EQ(parse_scenario_toml(finding, "f.toml", {}, &spec),
            "f.toml:1:7: code point U+FEFC is not accepted in scenario files (the TOML library, "
            "toml++ 3.3.0, has undefined behaviour on it); inside a quoted string write it as "
            "\\uFEFC, elsewhere use ASCII");
  // In a comment on line 2, and escaped inside a string (which toml++ reads safely).
  const std::string text = "# scenario\n# caf\xC3\xA9\n" + std::string(kMinimal);
  EXPECT_EQ(load(text).rfind("t.toml:2:6: code point U+00E9", 0), 0u) << load(text);
  EXPECT_EQ(load("description = \"caf\\u00E9\"\n" + std::string(kMinimal)), "");
  EXPECT_EQ(load("description = \"\xE2\x80\x94\"\n" + std::string(kMinimal)), "");  // em dash
  // A --set value with such a code point is taken as a bare word, never given to toml++ raw.
  EXPECT_EQ(load(kMinimal, {"description=caf\xC3\xA9"}), "");
}

RC_GTEST_PROP(TomlFuzz, MutatedScenarioFilesNeverCrash, ()) {
  static const std::vector<std::string> texts = [] {
    std::vector<std::string> out;
    for (const auto& name : scenario_file_names()) {
      std::ifstream in(find_scenario_file(name));
      out.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    return out;
  }();
  RC_PRE(!texts.empty());
  std::string text = texts[*rc::gen::inRange<std::size_t>(0, texts.size())];
  const int edits = *rc::gen::inRange(1, 6);
  static const char kPieces[] = "=[]{}\"'.,#\n -0123456789abcdefxyz_";
  for (int i = 0; i < edits && !text.empty(); ++i) {
    const auto at = *rc::gen::inRange<std::size_t>(0, text.size());
    const auto kind = *rc::gen::inRange(0, 3);
    const char piece = kPieces[*rc::gen::inRange<std::size_t>(0, sizeof kPieces - 1)];
    if (kind == 0) text.erase(at, *rc::gen::inRange<std::size_t>(1, 20));
    if (kind == 1) text.insert(at, 1, piece);
    if (kind == 2) text[at] = piece;
  }
  ScenarioSpec spec;
  std::string e = parse_scenario_toml(text, "m.toml", {}, &spec);
  if (e.empty()) e = validate_scenario(spec);
  RC_ASSERT(e.empty() || e.rfind("m.toml", 0) == 0);
}

}  // namespace
}  // namespace fl::harness
