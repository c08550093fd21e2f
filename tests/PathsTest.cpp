#include "support/Paths.h"

#include "TestSupport.h"

#include <gtest/gtest.h>

using namespace sa;
using namespace sa::testing;

namespace {

TEST(Paths, DotsAndSymlinksCanonicalise) {
  TempDir T;
  T.write("inc/x.h", "");
  llvm::sys::fs::create_directories(T.file("a"));
  EXPECT_EQ(canonicalPath(T.file("a/../inc/x.h")), T.file("inc/x.h"));
  EXPECT_EQ(canonicalPath("inc/./x.h", T.path()), T.file("inc/x.h"));
  ASSERT_FALSE(llvm::sys::fs::create_link(T.file("inc"), T.file("link")));
  EXPECT_EQ(canonicalPath(T.file("link/x.h")), T.file("inc/x.h"));
  // ".." after a symlink climbs from where the link points, as the file system does.
  T.write("real/deep/dir/marker", "");
  T.write("real/target.h", "");
  ASSERT_FALSE(llvm::sys::fs::create_link(T.file("real/deep/dir"), T.file("shortcut")));
  EXPECT_EQ(canonicalPath(T.file("shortcut/../../target.h")), T.file("real/target.h"));
  // A path that does not exist is cleaned up lexically.
  EXPECT_EQ(canonicalPath(T.file("missing/../inc/./none.h")), T.file("inc/none.h"));
}

TEST(Paths, ProjectRelativeExcludesOutsideAndExcludedDirectories) {
  ProjectPaths P("/src/proj", {"/src/proj/third_party"});
  EXPECT_EQ(P.projectRelative("/src/proj/a/b.cpp"), std::optional<std::string>("a/b.cpp"));
  EXPECT_EQ(P.projectRelative("/src/project2/b.cpp"), std::nullopt);
  EXPECT_EQ(P.projectRelative("/src/proj/third_party/json.h"), std::nullopt);
  EXPECT_EQ(P.projectRelative("/usr/include/stdio.h"), std::nullopt);
  EXPECT_EQ(P.display("/usr/include/stdio.h"), "/usr/include/stdio.h");
  EXPECT_EQ(P.absolute("a/b.cpp"), "/src/proj/a/b.cpp");
}

TEST(Paths, IsWithinRespectsComponentBoundaries) {
  EXPECT_TRUE(isWithin("/a/b/c", "/a/b"));
  EXPECT_TRUE(isWithin("/a/b", "/a/b"));
  EXPECT_FALSE(isWithin("/a/bc", "/a/b"));
  EXPECT_FALSE(isWithin("/a", "/a/b"));
}

TEST(Paths, RootIsTheGitWorkTree) {
  TempDir T;
  llvm::sys::fs::create_directories(T.file(".git"));
  T.write("src/x.cpp", "");
  EXPECT_EQ(guessProjectRoot(T.file("src/x.cpp")), T.path());
  TempDir NoGit;
  NoGit.write("src/x.cpp", "");
  // Without git the directory given (or the file's directory) is the root; TempDir lives in
  // /tmp, which is not a git work tree.
  EXPECT_EQ(guessProjectRoot(NoGit.file("src")), NoGit.file("src"));
}

} // namespace
