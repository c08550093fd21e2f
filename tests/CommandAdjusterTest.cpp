#include "driver/CommandAdjuster.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace sa;

namespace {

bool has(const std::vector<std::string> &V, const std::string &S) {
  return std::find(V.begin(), V.end(), S) != V.end();
}

TEST(CommandAdjuster, DropsOutputsDependencyFilesAndUnknownFlags) {
  AdjustedCommand A = adjustCommand(
      {"/usr/bin/g++", "-DX=1", "-Iinc", "-fconserve-stack", "-MD", "-MF", "a.d", "-MT", "a.o",
       "-o", "a.o", "-c", "src/a.cpp", "-Werror", "-std=gnu++17", "-mno-unknown-gcc-flag"},
      "/p/src/a.cpp", {"/res", {"-DEXTRA"}});
  const auto &V = A.arguments;
  EXPECT_EQ(V.front(), "clang++");
  EXPECT_TRUE(has(V, "-DX=1"));
  EXPECT_TRUE(has(V, "-Iinc"));
  EXPECT_TRUE(has(V, "-std=gnu++17"));
  EXPECT_TRUE(has(V, "-fsyntax-only"));
  EXPECT_TRUE(has(V, "-resource-dir=/res"));
  EXPECT_TRUE(has(V, "-DEXTRA"));
  EXPECT_EQ(V.back(), "/p/src/a.cpp");
  for (const char *Gone : {"-MD", "-MF", "a.d", "-MT", "a.o", "-o", "-c", "src/a.cpp", "-Werror",
                           "-fconserve-stack", "-mno-unknown-gcc-flag"})
    EXPECT_FALSE(has(V, Gone)) << Gone;
  EXPECT_TRUE(has(A.dropped, "-fconserve-stack"));
  EXPECT_TRUE(has(A.dropped, "-mno-unknown-gcc-flag"));
}

TEST(CommandAdjuster, StripsCompilerWrappersAndKeepsOneInput) {
  AdjustedCommand A = adjustCommand({"ccache", "gcc", "-O2", "x.c", "y.c"}, "/p/x.c", {});
  EXPECT_EQ(A.arguments.front(), "clang");
  EXPECT_FALSE(has(A.arguments, "y.c"));
  EXPECT_FALSE(has(A.arguments, "x.c"));
  EXPECT_EQ(A.arguments.back(), "/p/x.c");
  EXPECT_TRUE(A.dropped.empty());
}

TEST(CommandAdjuster, UnreadableResponseFileIsDroppedAndReported) {
  AdjustedCommand A = adjustCommand({"g++", "@missing.rsp", "a.cpp"}, "/p/a.cpp", {});
  EXPECT_FALSE(has(A.arguments, "@missing.rsp"));
  EXPECT_TRUE(has(A.dropped, "@missing.rsp"));
}

} // namespace
