// The identity of the running faultline binary, recorded in every sweep.json so that `merge`
// refuses parts built from different code: two builds may draw different faults from one seed.
#pragma once

#include <string>

namespace fl::harness {

// The executable's GNU build id ("gnu:" + hex, from its NT_GNU_BUILD_ID note, which the linker
// derives from the code; copies of one binary share it), or, when it has none, "fnv:" + the hex
// FNV-1a hash of /proc/self/exe's bytes. "" only if neither can be read.
std::string build_id();

}  // namespace fl::harness
