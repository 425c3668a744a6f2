// tidy: the house-rule checker run by ctest. It reads source files as text and reports:
//  (a) #include lines that break the layer rules of DESIGN.md;
//  (b) calls that break determinism in system/ and sim/ (wall/steady clocks, random_device,
//      rand, threads, async, Boost's real-time fiber waits, std distributions), and
//      `catch (...)` in system/ (it would swallow io::NodeCrashed);
//  (c) lines over 100 columns.
// Comments and string literals are blanked before (b) is checked; a line carrying the marker
// `tidy:allow` in a comment (with the reason) is exempt from (b).
#pragma once

#include <string>
#include <vector>

namespace fl::tidy {

struct Finding {
  std::string file;  // relative to the root
  int line = 0;
  std::string rule;  // "layer", "banned", "width"
  std::string text;
};

// Checks one file's contents; `path` is relative to the repository root ("sim/network.cc").
std::vector<Finding> check_file(const std::string& path, const std::string& contents);

// Checks every .h/.cc/.cpp/.hpp file under the project folders of `root`.
std::vector<Finding> check_tree(const std::string& root);

// Replaces comments and string/char literal contents with spaces, keeping line structure.
std::string blank_comments_and_strings(const std::string& source);

}  // namespace fl::tidy
