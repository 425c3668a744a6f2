// Proves Status/Result carry the three outcomes faithfully and render readable text.
#include "system/io/status.h"

#include <gtest/gtest.h>

namespace fl::io {
namespace {

TEST(Status, ThreeOutcomes) {
  EXPECT_TRUE(Status::ok().is_ok());
  const Status f = Status::failed(ErrorKind::kConstraint, "dup key");
  EXPECT_TRUE(f.is_failed());
  EXPECT_FALSE(f.retryable());
  EXPECT_EQ(f.to_string(), "failed/constraint: dup key");
  const Status i = Status::indeterminate(ErrorKind::kTimeout, "no reply");
  EXPECT_TRUE(i.is_indeterminate());
  EXPECT_TRUE(i.retryable());
  EXPECT_EQ(i.to_string(), "indeterminate/timeout(retryable): no reply");
}

TEST(Result, ValueOrStatus) {
  Result<int> ok(5);
  ASSERT_TRUE(ok.is_ok());
  EXPECT_EQ(ok.value(), 5);
  Result<int> bad(Status::failed(ErrorKind::kNotFound, "x"));
  EXPECT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.status().kind(), ErrorKind::kNotFound);
}

TEST(ResultDeathTest, ReadingTheValueOfAFailureIsAProgrammerError) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  Result<int> bad(Status::failed(ErrorKind::kNotFound, "missing row"));
  EXPECT_DEATH((void)bad.value(), "ASSERT FAILED.*missing row");
}

}  // namespace
}  // namespace fl::io
