// Golden reports: the SARIF and markdown of fixtures, and the markdown of the example server's
// Redis-backed build, byte for byte, so that any change to what users and code scanning see
// is a reviewed change. Regenerate with
//   STATE_AUDIT_UPDATE_GOLDEN=1 ctest --test-dir build -R Golden
// The project root is replaced by @ROOT@ and the embedded rule pages by their file names,
// so the goldens do not depend on the checkout's location or on documentation edits.
#include "TestSupport.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/Program.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>
#include <set>

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

/// Compares `Actual` with tests/golden/<Name>, or rewrites it under STATE_AUDIT_UPDATE_GOLDEN.
void expectGolden(const std::string &Actual, const std::string &Name) {
  std::string GoldenPath = std::string(SA_SOURCE_DIR) + "/tests/golden/" + Name;
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

/// Runs `Program` with `Args` (Args[0] is the program's name), output to `Log`; its exit code.
int execute(const std::string &Program, const std::vector<std::string> &Args,
            const std::string &Log) {
  std::vector<llvm::StringRef> Argv(Args.begin(), Args.end());
  std::optional<llvm::StringRef> Redirects[] = {llvm::StringRef("/dev/null"),
                                                llvm::StringRef(Log), llvm::StringRef(Log)};
  return llvm::sys::ExecuteAndWait(Program, Argv, std::nullopt, Redirects, 600);
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
  expectGolden(normalize(readFile(Report), Root), G.name);
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

// The example server built with -DNOTES_STORE=redis (sessions, notes and jobs in Redis): its
// scan, from the compile database CMake writes, must not report the state the in-memory
// build keeps per session or the note store's globals, and has no session-state finding at
// all. What is left is pinned by tests/golden/notes-server-redis.md. Configuring the build
// needs hiredis (Debian: libhiredis-dev, installed by scripts/install-deps.sh).
TEST(GoldenExample, NotesServerRedisBuildLosesTheInMemorySessionFindings) {
  std::string Source = canonicalPath(SA_SOURCE_DIR);
  std::string Example = Source + "/examples/notes-server";
  TempDir Work;
  std::string Build = Work.file("build"), Log = Work.file("log");
  llvm::ErrorOr<std::string> CMake = llvm::sys::findProgramByName("cmake");
  ASSERT_TRUE(CMake) << "cmake is not on PATH";
  int Configured = execute(*CMake, {"cmake", "-S", Example, "-B", Build, "-DNOTES_STORE=redis"}, Log);
  ASSERT_EQ(Configured, 0) << "configuring " << Example << " with -DNOTES_STORE=redis failed "
                           << "(hiredis missing? run scripts/install-deps.sh):\n" << readFile(Log);

  // The same scan twice, as JSON to assert on and as markdown for the golden; the second
  // reads the first's cache in the build directory.
  std::string Json = Work.file("report.json"), Markdown = Work.file("report.md");
  for (const auto &[Format, Out] : {std::pair{"json", Json}, std::pair{"markdown", Markdown}}) {
    int Code = execute(SA_BINARY, {SA_BINARY, "scan", Example, "-p", Build, "--root", Source,
                                   "--format", Format, "-o", Out, "--fail-on", "never", "-q"},
                       Log);
    ASSERT_EQ(Code, 0) << Format << " scan of the Redis build: exit code " << Code << "\n"
                       << readFile(Log);
  }

  llvm::Expected<llvm::json::Value> Report = llvm::json::parse(readFile(Json));
  ASSERT_TRUE(bool(Report)) << llvm::toString(Report.takeError());
  const llvm::json::Object &Root = *Report->getAsObject();
  // Every TU analysed (a finding missing from a TU that did not parse would prove nothing),
  // and the TUs are the Redis build's. Files are named relative to --root.
  const llvm::json::Array *TUs = Root.getArray("translationUnits");
  ASSERT_NE(TUs, nullptr);
  std::set<std::string> Files;
  for (const llvm::json::Value &TU : *TUs) {
    const llvm::json::Object &T = *TU.getAsObject();
    std::string File = T.getString("file").value_or("").str();
    EXPECT_EQ(T.getString("status").value_or(""), "ok") << File;
    Files.insert(File);
  }
  for (const char *Migrated : {"src/redis/mcp/http_transport.cpp", "src/redis/mcp/server.cpp",
                               "src/redis/note_store.cpp", "src/redis/tools/notes.cpp",
                               "src/redis/tools/summarize.cpp", "src/redis/jobs.cpp"})
    EXPECT_EQ(Files.count(std::string("examples/notes-server/") + Migrated), 1u)
        << Migrated << " is not in the Redis build's compile database";
  EXPECT_EQ(Files.count("examples/notes-server/src/state.cpp"), 0u);
  EXPECT_EQ(Files.count("examples/notes-server/src/mcp/http_transport.cpp"), 0u);

  const std::set<std::string> Gone = {"mcp::HttpTransport::sessions_", "mcp::Server::sessions_",
                                      "g_notes",         "g_notes_by_tag",
                                      "g_next_note_id",  "g_notes_version"};
  std::set<std::string> Symbols;
  const llvm::json::Array *Findings = Root.getArray("findings");
  ASSERT_NE(Findings, nullptr);
  for (const llvm::json::Value &V : *Findings) {
    const llvm::json::Object &F = *V.getAsObject();
    std::string Symbol = F.getString("symbol").value_or("").str();
    std::string Where = F.getString("file").value_or("").str() + ":" +
                        std::to_string(F.getInteger("line").value_or(0));
    Symbols.insert(Symbol);
    EXPECT_EQ(Gone.count(Symbol), 0u) << Symbol << " is still reported (" << Where << ")";
    EXPECT_NE(F.getString("rule").value_or(""), "session-state")
        << Symbol << " is still session state (" << Where << ")";
  }
  // What the migration leaves in the process is still found, so the scan saw the transport.
  EXPECT_EQ(Symbols.count("mcp::HttpTransport::pending_"), 1u);

  expectGolden(normalize(readFile(Markdown), Source), "notes-server-redis.md");
}

} // namespace
