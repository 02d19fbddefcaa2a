#include "executors/pool_options.h"

#include <vector>

#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace kompact {
namespace {

using ::kompact::testing::IsOk;
using ::kompact::testing::StatusIs;

TEST(PoolOptions, DefaultsAreValid) {
  EXPECT_THAT(ValidatePoolOptions(PoolOptions(), "Pool"), IsOk());
  EXPECT_GE(PoolOptions().threads, 1u);
}

TEST(PoolOptions, ValidationNamesOwnerFieldAndRange) {
  PoolOptions options;
  options.threads = 0;
  EXPECT_THAT(
      ValidatePoolOptions(options, "MyPool"),
      StatusIs(absl::StatusCode::kInvalidArgument, "MyPool: PoolOptions.threads = 0 is outside [1, 1024]"));
  options.threads = 2;
  options.cores = {1, 0, 4096};
  EXPECT_THAT(ValidatePoolOptions(options, "MyPool"),
              StatusIs(absl::StatusCode::kInvalidArgument, "PoolOptions.cores[2] = 4096"));
}

TEST(PoolOptions, CoreForUsesCustomCoresThenPinningThenNothing) {
  const std::vector<int> available = {3, 5};
  PoolOptions options;
  options.pin_threads = false;
  EXPECT_EQ(options.CoreFor(0, available), -1);
  options.pin_threads = true;
  EXPECT_EQ(options.CoreFor(0, available), 3);
  EXPECT_EQ(options.CoreFor(1, available), 5);
  EXPECT_EQ(options.CoreFor(2, available), 3);
  options.cores = {7, 8, 9};
  EXPECT_EQ(options.CoreFor(1, available), 8);
  EXPECT_EQ(options.CoreFor(4, available), 8);
}

}  // namespace
}  // namespace kompact
