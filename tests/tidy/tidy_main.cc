// `tidy <repo-root>`: prints every finding as file:line: [rule] text; exit 1 if any.
#include <iostream>

#include "tests/tidy/tidy.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: tidy <repository root>\n";
    return 2;
  }
  const auto findings = fl::tidy::check_tree(argv[1]);
  for (const auto& f : findings) {
    std::cout << f.file << ":" << f.line << ": [" << f.rule << "] " << f.text << "\n";
  }
  std::cout << (findings.empty() ? "tidy: clean\n" : "tidy: findings above\n");
  return findings.empty() ? 0 : 1;
}
