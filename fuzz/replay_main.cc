// A main for fuzz targets built without libFuzzer (g++): runs every file named on the command
// line, or every file in a named directory, through LLVMFuzzerTestOneInput once. ctest uses it to
// replay the seed corpus (and any saved finding) as a regression test.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

constexpr std::size_t kMaxFiles = 100'000;

int run_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "replay: cannot read %s\n", p.c_str());
    return 1;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string s = buf.str();
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path p(argv[i]);
    if (std::filesystem::is_directory(p)) {
      for (const auto& e : std::filesystem::directory_iterator(p)) {
        if (e.is_regular_file() && files.size() < kMaxFiles) files.push_back(e.path());
      }
    } else {
      files.push_back(p);
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "replay: no input files\n");
    return 1;
  }
  int failed = 0;
  for (const auto& f : files) failed += run_file(f);
  std::printf("replayed %zu inputs, %d unreadable\n", files.size(), failed);
  return failed == 0 ? 0 : 1;
}
