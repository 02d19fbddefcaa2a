// The small pure helpers of the suite's workloads.
#include "bench/suite/chameneos.h"
#include "bench/suite/fibonacci.h"
#include "gtest/gtest.h"

namespace kompact::bench {
namespace {

TEST(Fibonacci, StartsWithTwoOnes) {
  EXPECT_EQ(Fibonacci(1), 1u);
  EXPECT_EQ(Fibonacci(2), 1u);
  EXPECT_EQ(Fibonacci(3), 2u);
  EXPECT_EQ(Fibonacci(10), 55u);
  EXPECT_EQ(Fibonacci(28), 317811u);
}

TEST(Fibonacci, ScaledNShrinksWorkByTheScale) {
  EXPECT_EQ(ScaledFibonacciN(28, 1.0), 28);
  // fib(n) grows by ~1.618 per step: 1/1000 of the work is ~14 steps less.
  EXPECT_EQ(ScaledFibonacciN(28, 0.001), 13);
  EXPECT_EQ(ScaledFibonacciN(5, 0.001), 3);
}

TEST(Chameneos, ComplementIsTheThirdColourOrTheSame) {
  using C = ChameneosColour;
  EXPECT_EQ(Complement(C::kRed, C::kYellow), C::kBlue);
  EXPECT_EQ(Complement(C::kYellow, C::kRed), C::kBlue);
  EXPECT_EQ(Complement(C::kRed, C::kBlue), C::kYellow);
  EXPECT_EQ(Complement(C::kBlue, C::kYellow), C::kRed);
  EXPECT_EQ(Complement(C::kBlue, C::kBlue), C::kBlue);
  EXPECT_EQ(Complement(C::kRed, C::kFaded), C::kFaded);
  EXPECT_EQ(Complement(C::kFaded, C::kRed), C::kFaded);
}

TEST(Chameneos, InitialColoursCycle) {
  EXPECT_EQ(ChameneosColourFor(0), ChameneosColour::kRed);
  EXPECT_EQ(ChameneosColourFor(1), ChameneosColour::kYellow);
  EXPECT_EQ(ChameneosColourFor(2), ChameneosColour::kBlue);
  EXPECT_EQ(ChameneosColourFor(3), ChameneosColour::kRed);
}

}  // namespace
}  // namespace kompact::bench
