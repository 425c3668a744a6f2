#include "system/io/assert.h"

#include <cstdio>
#include <cstdlib>

namespace fl::io {
namespace {
thread_local std::string g_assert_context;  // NOLINT: diagnostic text only, never read by logic
}

void set_assert_context(std::string context) { g_assert_context = std::move(context); }
const std::string& assert_context() { return g_assert_context; }

void assert_fail(const char* expr, const char* file, int line, const std::string& detail) {
  std::fprintf(stderr, "ASSERT FAILED: %s at %s:%d%s%s%s%s\n", expr, file, line,
               detail.empty() ? "" : " (", detail.c_str(), detail.empty() ? "" : ")",
               g_assert_context.empty() ? "" : (" [" + g_assert_context + "]").c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace fl::io
