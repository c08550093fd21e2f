// Runs every fixture project under fixtures/ and compares its findings with the expectations
// written inline in its sources. Any missing or unexpected finding fails the test.
#include "FixtureExpectations.h"

#include "config/Config.h"
#include "driver/Scan.h"
#include "review/LibraryCode.h"
#include "review/Review.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;

namespace sa::testing {
namespace {

std::vector<std::string> fixtureDirs() {
  std::vector<std::string> Dirs;
  std::error_code EC;
  for (fs::directory_iterator It(SA_FIXTURES_DIR, EC), End; It != End && !EC; It.increment(EC))
    // "_sdk" and other "_" directories hold headers shared by fixtures, not fixtures.
    if (It->type() == fs::file_type::directory_file &&
        !path::filename(It->path()).starts_with("_"))
      Dirs.push_back(std::string(path::filename(It->path())));
  std::sort(Dirs.begin(), Dirs.end());
  return Dirs;
}

std::string readFile(const std::string &P) {
  auto B = llvm::MemoryBuffer::getFile(P, /*IsText=*/true);
  return B ? (*B)->getBuffer().str() : std::string();
}

struct FixtureConfig {
  std::vector<std::string> args;
  bool allowCompileErrors = false;
};

/// fixture.args: one compiler argument per line; "# allow-compile-errors" marks fixtures whose
/// TUs are broken on purpose.
FixtureConfig readConfig(const std::string &Dir) {
  FixtureConfig C;
  llvm::SmallString<256> P(Dir);
  path::append(P, "fixture.args");
  std::string Text = readFile(std::string(P));
  llvm::SmallVector<llvm::StringRef> Lines;
  llvm::StringRef(Text).split(Lines, '\n', -1, false);
  for (llvm::StringRef L : Lines) {
    L = L.trim();
    if (L == "# allow-compile-errors")
      C.allowCompileErrors = true;
    else if (!L.empty() && !L.starts_with("#"))
      C.args.push_back(L.str());
  }
  return C;
}

class FixtureTest : public ::testing::TestWithParam<std::string> {};

TEST_P(FixtureTest, FindingsMatchInlineExpectations) {
  llvm::SmallString<256> Dir(SA_FIXTURES_DIR);
  path::append(Dir, GetParam());
  std::string Root = canonicalPath(Dir);
  FixtureConfig Config = readConfig(Root);
  // The fixture's own .state-audit.yaml, as a scan of that directory would read it.
  ReviewOptions Options;
  if (std::string ConfigPath = findConfig(Root); isWithin(ConfigPath, Root)) {
    auto Loaded = loadConfig(ConfigPath);
    ASSERT_TRUE(bool(Loaded)) << llvm::toString(Loaded.takeError());
    Options.config = *Loaded;
  }

  ScanRequest Request;
  Request.paths = {Root};
  Request.root = Root;
  Request.resourceDir = SA_CLANG_RESOURCE_DIR;
  Request.extraArgs = Config.args;
  Request.extraArgs.push_back("-I" SA_FIXTURES_DIR "/_sdk");
  Request.searchDatabase = false;
  Request.excludeGlobs = Options.config.exclude;
  llvm::Expected<ScanPlan> Plan = planScan(Request);
  ASSERT_TRUE(bool(Plan)) << llvm::toString(Plan.takeError());

  // The configuration's library knowledge and library code reach extraction and the review as
  // they do in a scan.
  ExtractOptions Extract;
  Extract.Libraries = Options.config.effectiveKnowledge().extractionPart();
  LibraryCode Library(Root, Options.config.effectiveKnowledge(),
                      LibraryCodeOptions::fromConfig(Options.config.vendored));
  Extract.Library = &Library;
  std::vector<TUFacts> Facts = runScan(*Plan, 2, Extract);
  for (const TUFacts &TU : Facts) {
    if (!Config.allowCompileErrors) {
      EXPECT_EQ(TU.status, TUStatus::Ok) << TU.file << ": " << TU.firstError;
    }
  }
  Options.allowCompileErrors = Config.allowCompileErrors;
  Review Reviewed = review(mergeFacts(Facts), Options, &Library);
  // Suppressed findings are gone from every report but SARIF's opt-in view.
  std::vector<Finding> Reported;
  for (const Finding &F : Reviewed.findings)
    if (!F.suppressed)
      Reported.push_back(F);

  std::vector<Expectation> Expected;
  std::vector<std::string> Errors;
  std::error_code EC;
  for (fs::recursive_directory_iterator It(Root, EC, false), End; It != End && !EC;
       It.increment(EC)) {
    llvm::StringRef P = It->path();
    llvm::StringRef Ext = path::extension(P);
    if (It->type() != fs::file_type::regular_file ||
        !(Ext == ".cpp" || Ext == ".h" || Ext == ".hpp" || Ext == ".c"))
      continue;
    std::string Rel = Plan->paths.display(canonicalPath(P));
    auto Found = parseExpectations(Rel, readFile(std::string(P)), Errors);
    Expected.insert(Expected.end(), Found.begin(), Found.end());
  }
  for (const std::string &E : Errors)
    ADD_FAILURE() << "bad expectation: " << E;
  // Every fixture expectation says where on its line the finding starts.
  for (const Expectation &E : Expected)
    if (!E.column)
      ADD_FAILURE() << "expectation without a column (write RULE:COL): " << E.file << ":"
                    << E.commentLine;
  EXPECT_FALSE(Expected.empty()) << "a fixture without expectations tests nothing";

  MatchResult M = matchFindings(Expected, Reported);
  for (const std::string &S : M.missing)
    ADD_FAILURE() << "missing finding: " << S;
  for (const std::string &S : M.unexpected)
    ADD_FAILURE() << "unexpected finding: " << S;

  // Skipping the bodies of functions outside the project, and of library code's functions
  // that are not templates, must not change a single finding.
  ExtractOptions Full = Extract;
  Full.SkipForeignBodies = false;
  Review Unskipped = review(mergeFacts(runScan(*Plan, 2, Full)), Options, &Library);
  ASSERT_EQ(Unskipped.findings.size(), Reviewed.findings.size()) << "with --no-skip-bodies";
  for (size_t I = 0; I < Reviewed.findings.size(); ++I)
    EXPECT_EQ(describe(Unskipped.findings[I]), describe(Reviewed.findings[I]))
        << "with --no-skip-bodies";
  EXPECT_EQ(Unskipped.entryPoints, Reviewed.entryPoints) << "with --no-skip-bodies";
}

INSTANTIATE_TEST_SUITE_P(Fixtures, FixtureTest, ::testing::ValuesIn(fixtureDirs()),
                         [](const ::testing::TestParamInfo<std::string> &Info) {
                           std::string Name = Info.param;
                           std::replace(Name.begin(), Name.end(), '-', '_');
                           return Name;
                         });

} // namespace
} // namespace sa::testing
