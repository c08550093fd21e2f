// Golden reports: the SARIF and markdown of fixtures, byte for byte, so that any change to
// what users and code scanning see is a reviewed change. Regenerate with
//   STATE_AUDIT_UPDATE_GOLDEN=1 ctest --test-dir build -R Golden
// The project root is replaced by @ROOT@ and the embedded rule pages by their file names,
// so the goldens do not depend on the checkout's location or on documentation edits.
#include "TestSupport.h"

#include "llvm/Support/Program.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>

using namespace sa;
using namespace sa::testing;

namespace {

struct Golden {
  const char *name;      // tests/golden/<name>
  const char *fixture;   // fixtures/<fixture>
  const char *format;
  std::vector<std::string> extra;
};

// Lets test listings and failures name the golden instead of dumping its bytes.
void PrintTo(const Golden &G, std::ostream *OS) { *OS << G.name; }

std::string normalize(std::string Text, const std::string &Root) {
  for (size_t At; (At = Text.find(Root)) != std::string::npos;)
    Text.replace(At, Root.size(), "@ROOT@");
  static const std::regex Markdown(R"("markdown": "(?:[^"\\]|\\.)*")");
  return std::regex_replace(Text, Markdown, R"("markdown": "<docs/rules page>")");
}

class GoldenTest : public ::testing::TestWithParam<Golden> {};

TEST_P(GoldenTest, MatchesTheCheckedInReport) {
  const Golden &G = GetParam();
  std::string Root = canonicalPath(std::string(SA_SOURCE_DIR) + "/fixtures/" + G.fixture);
  TempDir Out;
  std::string Report = Out.file("report");
  std::vector<std::string> Args{SA_BINARY, "scan", Root, "--root", Root, "--format", G.format,
                                "-o", Report, "-j", "2"};
  Args.insert(Args.end(), G.extra.begin(), G.extra.end());
  Args.push_back("--");
  Args.push_back("-I" + canonicalPath(std::string(SA_SOURCE_DIR) + "/fixtures/_sdk"));
  std::vector<llvm::StringRef> Argv(Args.begin(), Args.end());
  std::optional<llvm::StringRef> Redirects[] = {std::nullopt, llvm::StringRef("/dev/null"),
                                                llvm::StringRef("/dev/null")};
  int Code = llvm::sys::ExecuteAndWait(SA_BINARY, Argv, std::nullopt, Redirects, 600);
  ASSERT_TRUE(Code == 0 || Code == 1) << "exit code " << Code;
  std::string Actual = normalize(readFile(Report), Root);
  std::string GoldenPath = std::string(SA_SOURCE_DIR) + "/tests/golden/" + G.name;
  if (std::getenv("STATE_AUDIT_UPDATE_GOLDEN")) {
    std::error_code EC;
    llvm::raw_fd_ostream OS(GoldenPath, EC);
    ASSERT_FALSE(EC) << EC.message();
    OS << Actual;
    return;
  }
  std::string Expected = readFile(GoldenPath);
  ASSERT_FALSE(Expected.empty()) << GoldenPath << " is missing; regenerate with STATE_AUDIT_UPDATE_GOLDEN=1";
  EXPECT_EQ(Actual, Expected) << "the report differs from " << GoldenPath
                              << "; if the change is intended, regenerate with "
                                 "STATE_AUDIT_UPDATE_GOLDEN=1";
}

INSTANTIATE_TEST_SUITE_P(
    Reports, GoldenTest,
    ::testing::Values(Golden{"session-state.sarif", "session-state", "sarif", {}},
                      Golden{"session-state.md", "session-state", "markdown", {}},
                      Golden{"suppressions.sarif", "suppressions", "sarif",
                             {"--sarif-include-suppressed"}},
                      Golden{"levels.md", "levels", "markdown", {}}),
    [](const ::testing::TestParamInfo<Golden> &Info) {
      std::string N = Info.param.name;
      for (char &C : N)
        if (!isalnum(static_cast<unsigned char>(C)))
          C = '_';
      return N;
    });

} // namespace
