// The line hashes must equal what GitHub's upload action computes, or code scanning would
// treat every upload's alerts as new. The expected values are the action's published test
// vectors.
#include "report/LineHash.h"

#include <gtest/gtest.h>

using namespace sa;

namespace {

std::vector<std::string> hashes(llvm::StringRef Text) {
  std::vector<std::string> Out;
  for (const auto &[Line, Hash] : computeLineHashes(Text)) {
    EXPECT_EQ(Line, Out.size() + 1);
    Out.push_back(Hash);
  }
  return Out;
}

TEST(LineHash, MatchesTheUploadActionsVectors) {
  EXPECT_EQ(hashes(""), (std::vector<std::string>{"c129715d7a2bc9a3:1"}));
  EXPECT_EQ(hashes(" a\nb\n  \t\tc\n d"),
            (std::vector<std::string>{"271789c17abda88f:1", "54703d4cd895b18:1",
                                      "180aee12dab6264:1", "a23a3dc5e078b07b:1"}));
  EXPECT_EQ(hashes(" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End"),
            (std::vector<std::string>{"8b7cf3e952e7aeb2:1", "b1ae1287ec4718d9:1",
                                      "bff680108adb0fcc:1", "c6805c5e1288b612:1",
                                      "b86d3392aea1be30:1", "e6ceba753e1a442:1"}));
  std::vector<std::string> WithNewline{"e9496ae3ebfced30:1", "fb7c023a8b9ccb3f:1",
                                       "ce8ba1a563dcdaca:1", "e20e36e16fcb0cc8:1",
                                       "b3edc88f2938467e:1", "c8e28b0b4002a3a0:1",
                                       "c129715d7a2bc9a3:1"};
  // Every line-ending convention hashes the same.
  EXPECT_EQ(hashes(" hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n"), WithNewline);
  EXPECT_EQ(hashes(" hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r"), WithNewline);
  EXPECT_EQ(hashes(" hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n"), WithNewline);
  EXPECT_EQ(hashes(" hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n"), WithNewline);
}

TEST(LineHash, IdenticalLinesAreCounted) {
  std::string Text;
  for (int I = 0; I < 10; ++I)
    Text += "Lorem ipsum dolor sit amet.\n";
  EXPECT_EQ(hashes(Text),
            (std::vector<std::string>{
                "a7f2ff13bc495cf2:1", "a7f2ff13bc495cf2:2", "a7f2ff13bc495cf2:3",
                "a7f2ff13bc495cf2:4", "a7f2ff13bc495cf2:5", "a7f2ff13bc495cf2:6",
                "a7f2ff1481e87703:1", "a9cf91f7bbf1862b:1", "55ec222b86bcae53:1",
                "cc97dc7b1d7d8f7b:1", "c129715d7a2bc9a3:1"}));
}

TEST(LineHash, StableWhenLinesAboveMove) {
  auto A = computeLineHashes("int a;\nstd::map<int, int> g_cache;\nvoid f();\n");
  auto B = computeLineHashes("int a;\n\n// a new comment\nint b;\nstd::map<int, int> g_cache;\nvoid f();\n");
  EXPECT_EQ(A.at(2), B.at(5));
  auto C = computeLineHashes("int a;\nstd::map<int, long> g_cache;\nvoid f();\n");
  EXPECT_NE(A.at(2), C.at(2));
}

} // namespace
