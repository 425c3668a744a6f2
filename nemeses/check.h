// NEMESES_CHECK: an always-on assertion for nemeses/ (which may not include system/io/assert.h):
// a broken invariant is a bug in a schedule, so it prints where and what, and aborts.
#pragma once

#include <cstdio>
#include <cstdlib>

#define NEMESES_CHECK(cond)                                                                 \
  do {                                                                                      \
    if (!(cond)) {                                                                          \
      std::fprintf(stderr, "%s:%d: nemeses check failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                         \
    }                                                                                       \
  } while (0)
