// Always-on assertions. A failed assertion is a programmer error: it prints the condition, both
// sides where given, the source location and the run context (seed, scenario) set by the
// composition root, then aborts. Never compiled out: a simulator that hides a broken invariant
// behind NDEBUG is worse than a slow one.
#pragma once

#include <cstdint>
#include <sstream>
#include <string>

namespace fl::io {

// Sets the text printed with every failed assertion on this thread (e.g. "seed=42 scenario=x").
void set_assert_context(std::string context);
const std::string& assert_context();

[[noreturn]] void assert_fail(const char* expr, const char* file, int line,
                              const std::string& detail);

}  // namespace fl::io

#define FL_ASSERT(cond)                                     \
  do {                                                      \
    if (!(cond)) [[unlikely]]                               \
      ::fl::io::assert_fail(#cond, __FILE__, __LINE__, ""); \
  } while (0)

#define FL_ASSERT_MSG(cond, msg)                                             \
  do {                                                                       \
    if (!(cond)) [[unlikely]] {                                              \
      std::ostringstream fl_assert_os_;                                      \
      fl_assert_os_ << msg;                                                  \
      ::fl::io::assert_fail(#cond, __FILE__, __LINE__, fl_assert_os_.str()); \
    }                                                                        \
  } while (0)

// Binary comparisons print both sides.
#define FL_ASSERT_OP(a, op, b)                                                           \
  do {                                                                                   \
    const auto& fl_a_ = (a);                                                             \
    const auto& fl_b_ = (b);                                                             \
    if (!(fl_a_ op fl_b_)) [[unlikely]] {                                                \
      std::ostringstream fl_assert_os_;                                                  \
      fl_assert_os_ << "left=" << fl_a_ << " right=" << fl_b_;                           \
      ::fl::io::assert_fail(#a " " #op " " #b, __FILE__, __LINE__, fl_assert_os_.str()); \
    }                                                                                    \
  } while (0)

#define FL_ASSERT_EQ(a, b) FL_ASSERT_OP(a, ==, b)
#define FL_ASSERT_LE(a, b) FL_ASSERT_OP(a, <=, b)
#define FL_ASSERT_LT(a, b) FL_ASSERT_OP(a, <, b)
