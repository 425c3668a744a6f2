// libFuzzer target for the scenario file reader (TOML, harness/scenario_file.h): arbitrary
// bytes, with and without a --set override, must give a scenario or an error, never crash, hang
// or leak ("Loading never throws and never crashes").
#include "fuzz/fuzz_check.h"
#include "harness/scenario_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace fl;
  if (size > fuzz::kMaxInputBytes) return 0;
  const std::string text = fuzz::as_text(data, size);
  harness::ScenarioSpec spec;
  const std::string error = harness::parse_scenario_toml(text, "fuzz.toml", {}, &spec);
  if (error.empty()) fuzz::require(!spec.name.empty(), "a scenario without a name");
  // The same bytes as an override's value.
  harness::ScenarioSpec again;
  (void)harness::parse_scenario_toml("name = \"x\"\nduration_s = 1\n", "fuzz.toml",
                                     {"description=" + text.substr(0, 256)}, &again);
  return 0;
}
