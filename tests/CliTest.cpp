// The program as users run it: exit codes (DESIGN.md), one clear message for bad input,
// deterministic and atomic output.
#include "TestSupport.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Program.h"

#include <gtest/gtest.h>

using namespace sa;
using namespace sa::testing;

namespace {

struct RunResult {
  int code = -1;
  std::string out, err;
};

RunResult run(const std::vector<std::string> &Args, const std::string &Cwd = {}) {
  TempDir IO;
  std::string Out = IO.file("stdout"), Err = IO.file("stderr");
  std::vector<llvm::StringRef> Argv{SA_BINARY};
  for (const std::string &A : Args)
    Argv.push_back(A);
  std::optional<llvm::StringRef> Redirects[] = {std::nullopt, llvm::StringRef(Out),
                                                llvm::StringRef(Err)};
  RunResult R;
  if (Cwd.empty()) {
    R.code = llvm::sys::ExecuteAndWait(SA_BINARY, Argv, std::nullopt, Redirects, 600);
  } else {
    // The working directory matters for upward database search and relative paths.
    std::string Cmd = "cd '" + Cwd + "' && exec '" + std::string(SA_BINARY) + "'";
    for (const std::string &A : Args)
      Cmd += " '" + A + "'";
    std::vector<llvm::StringRef> Sh{"/bin/sh", "-c", Cmd};
    R.code = llvm::sys::ExecuteAndWait("/bin/sh", Sh, std::nullopt, Redirects, 600);
  }
  R.out = readFile(Out);
  R.err = readFile(Err);
  return R;
}

unsigned lines(const std::string &S) {
  return static_cast<unsigned>(std::count(S.begin(), S.end(), '\n'));
}

const char *GlobalSource = "#include <map>\n#include <string>\n"
                           "std::map<std::string, int> g_sessions;\n"
                           "int main() { return static_cast<int>(g_sessions.size()); }\n";

TEST(Cli, VersionAndRules) {
  RunResult V = run({"--version"});
  EXPECT_EQ(V.code, 0);
  EXPECT_NE(V.out.find("state-audit 0."), std::string::npos);
  RunResult R = run({"rules"});
  EXPECT_EQ(R.code, 0);
  EXPECT_EQ(lines(R.out), 11u);
  for (const char *Id : {"global-variable", "static-local", "static-member", "thread-local",
                         "file-write", "member-state", "session-state"})
    EXPECT_NE(R.out.find(Id), std::string::npos) << Id;
}

TEST(Cli, MissingPathIsExitTwoWithOneMessage) {
  RunResult R = run({"scan", "/nonexistent/dir"});
  EXPECT_EQ(R.code, 2);
  EXPECT_EQ(R.err, "state-audit: error: path '/nonexistent/dir' does not exist\n");
  EXPECT_TRUE(R.out.empty());
}

TEST(Cli, UnknownOptionIsExitTwo) {
  RunResult R = run({"scan", "--frobnicate"});
  EXPECT_EQ(R.code, 2);
  EXPECT_EQ(lines(R.err), 1u) << R.err;
  EXPECT_NE(R.err.find("--frobnicate"), std::string::npos) << R.err;
  RunResult Bad = run({"scan", "--format", "xml", "."});
  EXPECT_EQ(Bad.code, 2);
  RunResult NoCommand = run({});
  EXPECT_EQ(NoCommand.code, 2);
}

TEST(Cli, MalformedCompileDatabaseNamesFileAndPlace) {
  TempDir T;
  T.write("a.cpp", GlobalSource);
  T.write("build/compile_commands.json", "[\n {\"directory\": \".\", \"file\": \"a.cpp\",, }\n]\n");
  RunResult R = run({"scan", T.path(), "-p", T.file("build")});
  EXPECT_EQ(R.code, 2);
  EXPECT_EQ(lines(R.err), 1u) << R.err;
  EXPECT_NE(R.err.find("compile_commands.json:2:"), std::string::npos) << R.err;
  EXPECT_NE(R.err.find("not valid JSON"), std::string::npos) << R.err;

  T.write("build/compile_commands.json", "[{\"directory\": \".\"}]");
  RunResult Entry = run({"scan", T.path(), "-p", T.file("build")});
  EXPECT_EQ(Entry.code, 2);
  EXPECT_NE(Entry.err.find("entry 1: missing \"file\""), std::string::npos) << Entry.err;

  RunResult NoDb = run({"scan", T.path(), "-p", T.file("a.cpp") + ".nothing"});
  EXPECT_EQ(NoDb.code, 2);
  EXPECT_NE(NoDb.err.find("no compile_commands.json"), std::string::npos) << NoDb.err;
}

TEST(Cli, NoSourcesIsExitTwo) {
  TempDir T;
  T.write("README.md", "nothing to see");
  RunResult R = run({"scan", T.path()});
  EXPECT_EQ(R.code, 2);
  EXPECT_NE(R.err.find("no C or C++ source files"), std::string::npos) << R.err;
}

TEST(Cli, CompileErrorsAreOneLinePerTUAndExitThree) {
  TempDir T;
  T.write("good.cpp", GlobalSource);
  T.write("broken.cpp", "int g_before = 0;\nvoid f() { undeclared_call(); }\nunknown_type g_x;\n"
                        "struct { int a; } g_bad = {1, 2, 3, 4};\n");
  RunResult R = run({"scan", T.path(), "--format", "json"});
  EXPECT_EQ(R.code, 3);
  EXPECT_EQ(lines(R.err), 2u) << R.err; // the broken TU's line and the timing line
  EXPECT_NE(R.err.find("broken.cpp: 3 compile errors; first: broken.cpp:2:12: error: use of "
                       "undeclared identifier 'undeclared_call'"),
            std::string::npos)
      << R.err;
  auto V = llvm::json::parse(R.out);
  ASSERT_TRUE(bool(V));
  EXPECT_EQ(V->getAsObject()->getObject("gate")->getBoolean("incomplete"), true);
  // What clang recovered is reported; the invalid declarations are not.
  EXPECT_NE(R.out.find("g_before"), std::string::npos);
  EXPECT_EQ(R.out.find("g_x"), std::string::npos);
  EXPECT_NE(R.out.find("g_sessions"), std::string::npos);

  RunResult Allowed = run({"scan", T.path(), "--allow-compile-errors"});
  EXPECT_EQ(Allowed.code, 0) << Allowed.err;
}

TEST(Cli, FailOnGatesTheExitCode) {
  TempDir T;
  // g_sessions is only read: a note ("could be const"). g_hits is written by code outside
  // main's start-up path: with no handler recognised, that is request code, an error.
  T.write("a.cpp", GlobalSource);
  EXPECT_EQ(run({"scan", T.path(), "--fail-on", "note"}).code, 1);
  EXPECT_EQ(run({"scan", T.path(), "--fail-on", "warning"}).code, 0);
  EXPECT_EQ(run({"scan", T.path()}).code, 0); // default: error
  T.write("b.cpp", "int g_hits = 0;\nint hit() { return ++g_hits; }\n");
  EXPECT_EQ(run({"scan", T.path()}).code, 1);
  EXPECT_EQ(run({"scan", T.path(), "--fail-on", "never"}).code, 0);
}

TEST(Cli, ReportIsTheSameForAnyNumberOfWorkers) {
  TempDir T;
  for (int I = 0; I < 6; ++I)
    T.write("src/tu" + std::to_string(I) + ".cpp",
            "#include <vector>\nstd::vector<int> g_v" + std::to_string(I) + ";\n"
            "static int s_n" + std::to_string(I) + " = 0;\n");
  RunResult One = run({"scan", T.path(), "-j", "1", "--format", "json"});
  RunResult Four = run({"scan", T.path(), "-j", "4", "--format", "json"});
  ASSERT_EQ(One.code, 0) << One.err;
  EXPECT_EQ(One.out, Four.out);
  EXPECT_NE(One.out.find("g_v5"), std::string::npos);
  RunResult TextOne = run({"scan", T.path(), "-j", "1"});
  RunResult TextTwo = run({"scan", T.path(), "-j", "2"});
  EXPECT_EQ(TextOne.out, TextTwo.out);
}

TEST(Cli, OutputFileIsWrittenWholeAndNothingElseIsLeft) {
  TempDir T, Out;
  T.write("a.cpp", GlobalSource);
  std::string Report = Out.file("report.json");
  RunResult R = run({"scan", T.path(), "--format", "json", "-o", Report});
  EXPECT_EQ(R.code, 0) << R.err;
  EXPECT_TRUE(R.out.empty());
  auto V = llvm::json::parse(readFile(Report));
  ASSERT_TRUE(bool(V)) << "the report file is not complete JSON";
  std::error_code EC;
  unsigned Entries = 0;
  for (llvm::sys::fs::directory_iterator It(Out.path(), EC), End; It != End && !EC;
       It.increment(EC))
    ++Entries;
  EXPECT_EQ(Entries, 1u) << "a temporary file was left behind";

  RunResult Unwritable = run({"scan", T.path(), "-o", "/nonexistent/dir/report.txt"});
  EXPECT_EQ(Unwritable.code, 2);
  EXPECT_NE(Unwritable.err.find("cannot write '/nonexistent/dir/report.txt'"), std::string::npos)
      << Unwritable.err;
}

TEST(Cli, CompileDatabaseIsFoundUpwardAndMadeRobust) {
  TempDir T;
  T.write("src/server.cpp",
          "#include \"config.h\"\n#ifdef FROM_RSP\nint g_from_rsp = CONFIGURED;\n#endif\n");
  T.write("include/config.h", "#define CONFIGURED 7\n");
  T.write("build/flags.rsp", "-DFROM_RSP=1 -I../include\n");
  // Relative directory and file, a response file, a GCC-only flag, the TU listed twice.
  T.write("build/compile_commands.json",
          R"([{"directory": ".", "file": "../src/server.cpp",
               "command": "g++ @flags.rsp -fno-semantic-interposition -fconserve-stack -o x.o -c ../src/server.cpp"},
              {"directory": ".", "file": "../src/server.cpp",
               "arguments": ["g++", "-c", "../src/server.cpp"]}])");
  // The database is found from the directory above the sources; run from there with "-p".
  RunResult R = run({"scan", "src", "-p", "build", "--format", "json"}, T.path());
  ASSERT_EQ(R.code, 0) << R.err;
  EXPECT_NE(R.out.find("\"g_from_rsp\""), std::string::npos) << R.out;
  EXPECT_NE(R.err.find("ignoring arguments clang does not know: -fconserve-stack"),
            std::string::npos)
      << R.err;
  auto V = llvm::json::parse(R.out);
  ASSERT_TRUE(bool(V));
  EXPECT_EQ(V->getAsObject()->getArray("translationUnits")->size(), 1u);

  // Without -p the database is looked for upward from the first path.
  T.write("compile_commands.json",
          R"([{"directory": "build", "file": "../src/server.cpp",
               "arguments": ["g++", "-DFROM_RSP", "-I../include", "-c", "../src/server.cpp"]}])");
  RunResult Up = run({"scan", "src/server.cpp", "--format", "json"}, T.path());
  ASSERT_EQ(Up.code, 0) << Up.err;
  EXPECT_NE(Up.out.find("\"g_from_rsp\""), std::string::npos) << Up.out;
}

TEST(Cli, ArgumentsAfterDoubleDashReachTheCompiler) {
  TempDir T;
  T.write("a.cpp", "#ifdef WITH_STATE\nint g_enabled = 1;\n#endif\n");
  RunResult Off = run({"scan", T.path(), "--format", "json"});
  RunResult On = run({"scan", T.path(), "--format", "json", "--", "-DWITH_STATE"});
  EXPECT_EQ(Off.out.find("g_enabled"), std::string::npos);
  EXPECT_NE(On.out.find("g_enabled"), std::string::npos) << On.err;
}

TEST(Cli, ExcludedDirectoriesAreNeverReported) {
  TempDir T;
  T.write("src/a.cpp", "#include \"../third_party/lib.h\"\nint g_mine = 0;\n");
  T.write("third_party/lib.h", "inline int g_theirs = 0;\n");
  T.write("third_party/lib.cpp", "int g_theirs_too = 0;\n");
  RunResult R = run({"scan", T.path(), "--exclude", T.file("third_party"), "--format", "json"});
  ASSERT_EQ(R.code, 0) << R.err;
  EXPECT_NE(R.out.find("g_mine"), std::string::npos);
  EXPECT_EQ(R.out.find("g_theirs"), std::string::npos) << R.out;
}

} // namespace
