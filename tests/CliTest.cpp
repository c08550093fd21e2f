// The program as users run it: exit codes (DESIGN.md), one clear message for bad input,
// deterministic and atomic output.
#include "TestSupport.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Program.h"

#include <gtest/gtest.h>

#include <chrono>

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

namespace {

// A small server whose handler writes two globals: both errors.
std::string serverSource(const std::string &ExtraGlobal = "", const std::string &Above = "") {
  std::string S = Above +
                  "#include <map>\n#include <string>\n#include <mcp.h>\n"
                  "std::map<std::string, std::string> g_notes;\n"
                  "long g_last_id = 0;\n" + ExtraGlobal +
                  "int main() {\n  mcp::Server server(\"s\");\n"
                  "  server.add_tool(\"remember\", [](const mcp::Json &a, mcp::Context &) -> mcp::Json {\n"
                  "    g_notes[a.at(\"k\")] = a.at(\"v\");\n"
                  "    return {{\"id\", std::to_string(++g_last_id)}};\n  });\n";
  if (!ExtraGlobal.empty())
    S += "  server.add_tool(\"more\", [](const mcp::Json &, mcp::Context &) -> mcp::Json {\n"
         "    g_extra = 1;\n    return {};\n  });\n";
  return S + "  server.run();\n}\n";
}

std::vector<std::string> scanArgs(const TempDir &T, std::vector<std::string> More) {
  std::vector<std::string> A{"scan", T.path(), "--root", T.path()};
  A.insert(A.end(), More.begin(), More.end());
  A.push_back("--");
  A.push_back("-I" + canonicalPath(std::string(SA_SOURCE_DIR) + "/fixtures/_sdk"));
  return A;
}

llvm::json::Array results(const std::string &SarifPath) {
  auto V = llvm::json::parse(readFile(SarifPath));
  EXPECT_TRUE(bool(V));
  if (!V)
    return {};
  return *(*V->getAsObject()->getArray("runs"))[0].getAsObject()->getArray("results");
}

std::map<std::string, std::string> stateBySymbol(const llvm::json::Array &Results) {
  std::map<std::string, std::string> Out;
  for (const llvm::json::Value &R : Results) {
    const llvm::json::Object &O = *R.getAsObject();
    Out[O.getObject("properties")->getString("symbol")->str()] =
        O.getString("baselineState").value_or("none").str();
  }
  return Out;
}

TEST(CliBaseline, FullFlow) {
  TempDir T, Out;
  T.write("server.cpp", serverSource());
  std::string Base = Out.file("base.sarif");
  // 1. The first scan fails the gate and becomes the baseline (notes included, so that they
  //    are baselined too).
  RunResult First = run(scanArgs(T, {"--format", "sarif", "--sarif-level", "note", "-o", Base}));
  EXPECT_EQ(First.code, 1) << First.err;
  // 2. Nothing new: the gate passes against the baseline.
  RunResult Same = run(scanArgs(T, {"--baseline", Base}));
  EXPECT_EQ(Same.code, 0) << Same.out;
  EXPECT_NE(Same.out.find("2 findings unchanged from the baseline"), std::string::npos) << Same.out;
  // 3. Lines inserted above: fingerprints survive, still nothing new.
  T.write("server.cpp", serverSource("", "// a new header comment\n\n\n"));
  EXPECT_EQ(run(scanArgs(T, {"--baseline", Base})).code, 0);
  // 4. A new global written by a handler: only it fails the gate.
  T.write("server.cpp", serverSource("int g_extra = 0;\n"));
  std::string Now = Out.file("now.sarif");
  RunResult New = run(scanArgs(T, {"--baseline", Base, "--format", "sarif", "--sarif-level", "note", "-o", Now}));
  EXPECT_EQ(New.code, 1);
  auto States = stateBySymbol(results(Now));
  EXPECT_EQ(States["g_extra"], "new");
  EXPECT_EQ(States["g_notes"], "unchanged");
  EXPECT_EQ(States["g_last_id"], "unchanged");
  RunResult Text = run(scanArgs(T, {"--baseline", Base}));
  EXPECT_NE(Text.out.find("'g_extra'"), std::string::npos);
  EXPECT_EQ(Text.out.find("server.cpp:4:"), std::string::npos) << "unchanged findings are not listed";
  EXPECT_NE(Text.out.find("gate (--fail-on error): FAILED, 1 finding"), std::string::npos) << Text.out;
  // 5. An old one removed: it shows as absent, and the gate passes when nothing is new.
  std::string Fixed = serverSource();
  Fixed.replace(Fixed.find("long g_last_id = 0;\n"), strlen("long g_last_id = 0;\n"), "");
  Fixed.replace(Fixed.find("std::to_string(++g_last_id)"), strlen("std::to_string(++g_last_id)"),
                "\"1\"");
  T.write("server.cpp", Fixed);
  std::string After = Out.file("after.sarif");
  RunResult Removed = run(scanArgs(T, {"--baseline", Base, "--format", "sarif", "--sarif-level", "note", "-o", After}));
  EXPECT_EQ(Removed.code, 0) << Removed.err;
  EXPECT_FALSE(stateBySymbol(results(After)).count("g_last_id"))
      << "absent results stay out of SARIF unless asked: GitHub would show them as alerts";
  run(scanArgs(T, {"--baseline", Base, "--format", "sarif", "--sarif-level", "note", "-o", After, "--sarif-include-absent"}));
  EXPECT_EQ(stateBySymbol(results(After))["g_last_id"], "absent");
  RunResult Json = run(scanArgs(T, {"--baseline", Base, "--format", "json"}));
  EXPECT_NE(Json.out.find("\"absent\""), std::string::npos);
  RunResult Md = run(scanArgs(T, {"--baseline", Base, "--format", "markdown"}));
  EXPECT_NE(Md.out.find("Fixed since the baseline (1)"), std::string::npos) << Md.out;
}

TEST(CliBaseline, RenamedPathsWithAPathMap) {
  TempDir T, Out;
  T.write("src/old/server.cpp", serverSource());
  std::string Base = Out.file("base.sarif");
  run(scanArgs(T, {"--format", "sarif", "--sarif-level", "note", "-o", Base}));
  llvm::sys::fs::create_directories(T.file("src/new"));
  ASSERT_FALSE(llvm::sys::fs::rename(T.file("src/old/server.cpp"), T.file("src/new/server.cpp")));
  EXPECT_EQ(run(scanArgs(T, {"--baseline", Base})).code, 1);
  EXPECT_EQ(run(scanArgs(T, {"--baseline", Base, "--baseline-path-map", "src/old=src/new"})).code, 0);
  RunResult Bad = run(scanArgs(T, {"--baseline", Base, "--baseline-path-map", "nonsense"}));
  EXPECT_EQ(Bad.code, 2);
  RunResult Missing = run(scanArgs(T, {"--baseline", Out.file("missing.sarif")}));
  EXPECT_EQ(Missing.code, 2);
  EXPECT_NE(Missing.err.find("missing.sarif: cannot read"), std::string::npos);
}

TEST(CliFingerprints, StableWhenUnrelatedCodeMovesChangedWhenTheDeclarationChanges) {
  TempDir T, Out;
  auto Prints = [&](const std::string &Name) {
    std::string Path = Out.file(Name);
    run(scanArgs(T, {"--format", "sarif", "--sarif-level", "note", "-o", Path}));
    std::map<std::string, std::pair<std::string, std::string>> By;
    for (const llvm::json::Value &R : results(Path)) {
      const llvm::json::Object &O = *R.getAsObject();
      By[O.getObject("properties")->getString("symbol")->str()] = {
          O.getObject("fingerprints")->getString("stateAudit/v1")->str(),
          O.getObject("partialFingerprints")->getString("primaryLocationLineHash")->str()};
    }
    return By;
  };
  T.write("server.cpp", serverSource());
  auto Before = Prints("a.sarif");
  T.write("server.cpp", serverSource("", "\n\n// unrelated\nstatic const int kUnrelated = 3;\n"));
  auto Moved = Prints("b.sarif");
  ASSERT_EQ(Before.size(), 2u);
  EXPECT_EQ(Before, Moved) << "blank lines and unrelated code above change nothing";
  std::string Renamed = serverSource();
  for (size_t At; (At = Renamed.find("g_notes")) != std::string::npos;)
    Renamed.replace(At, 7, "g_memos");
  T.write("server.cpp", Renamed);
  auto Changed = Prints("c.sarif");
  ASSERT_TRUE(Changed.count("g_memos"));
  EXPECT_NE(Changed["g_memos"].first, Before["g_notes"].first);
  EXPECT_NE(Changed["g_memos"].second, Before["g_notes"].second);
  EXPECT_EQ(Changed["g_last_id"], Before["g_last_id"]);
}

TEST(Cli, RepeatableOptionsTakeOneValueEach) {
  TempDir T;
  T.write("src/a.cpp", "int g_mine = 0;\nint use() { return ++g_mine; }\n");
  T.write("third_party/t.cpp", "int g_theirs = 0;\n");
  // The path after --exclude's value is a path to scan, not a second exclusion.
  RunResult R = run({"scan", "--exclude", T.file("third_party"), T.path(), "--root", T.path(),
                     "--format", "json"});
  EXPECT_NE(R.out.find("g_mine"), std::string::npos) << R.err;
  EXPECT_EQ(R.out.find("g_theirs"), std::string::npos);
}

TEST(CliConfig, FoundUpwardOverriddenDumpedAndErrors) {
  TempDir T;
  T.write("server.cpp", serverSource());
  T.write(".state-audit.yaml", "fail-on: never\n");
  EXPECT_EQ(run(scanArgs(T, {})).code, 0) << "fail-on comes from the configuration";
  EXPECT_EQ(run(scanArgs(T, {"--fail-on", "error"})).code, 1) << "the command line wins";
  std::string Other = T.write("other.yaml", "rules:\n  global-variable: {enabled: false}\n");
  RunResult Off = run(scanArgs(T, {"--config", Other, "--format", "json"}));
  EXPECT_EQ(Off.code, 0);
  EXPECT_EQ(Off.out.find("\"rule\": \"global-variable\""), std::string::npos);

  RunResult Dump = run({"config", "--dump", T.path()});
  EXPECT_EQ(Dump.code, 0);
  EXPECT_NE(Dump.out.find("fail-on:         never"), std::string::npos) << Dump.out;
  EXPECT_NE(Dump.out.find("registration-calls:"), std::string::npos);

  T.write(".state-audit.yaml", "fail-on: never\nrulez: {}\n");
  RunResult Bad = run(scanArgs(T, {}));
  EXPECT_EQ(Bad.code, 2);
  EXPECT_NE(Bad.err.find(".state-audit.yaml:2:1: unknown key 'rulez'"), std::string::npos)
      << Bad.err;
  EXPECT_EQ(lines(Bad.err), 1u) << Bad.err;
  EXPECT_EQ(run({"config", "--dump", T.path()}).code, 2);
}

TEST(CliSuppressions, SilenceReportAndKeepInSarifOnRequest) {
  TempDir T, Out;
  std::string Src = serverSource();
  Src.replace(Src.find("long g_last_id = 0;"), strlen("long g_last_id = 0;"),
              "long g_last_id = 0;  // state-audit: allow(global-variable) ids are per instance by design");
  T.write("server.cpp", Src);
  RunResult R = run(scanArgs(T, {}));
  EXPECT_EQ(R.out.find("'g_last_id'"), std::string::npos);
  EXPECT_NE(R.out.find("1 finding suppressed in source"), std::string::npos) << R.out;
  std::string Default = Out.file("d.sarif"), With = Out.file("w.sarif");
  run(scanArgs(T, {"--format", "sarif", "--sarif-level", "note", "-o", Default}));
  run(scanArgs(T, {"--format", "sarif", "--sarif-level", "note", "-o", With, "--sarif-include-suppressed"}));
  EXPECT_EQ(results(Default).size(), 1u);
  llvm::json::Array All = results(With);
  ASSERT_EQ(All.size(), 2u);
  bool Found = false;
  for (const llvm::json::Value &V : All)
    if (const llvm::json::Array *S = V.getAsObject()->getArray("suppressions")) {
      Found = true;
      EXPECT_EQ((*S)[0].getAsObject()->getString("justification"), "ids are per instance by design");
    }
  EXPECT_TRUE(Found);
}

} // namespace

namespace {

// Three TUs: two include a shared header.
void writeProject(const TempDir &T) {
  T.write("shared.h", "#pragma once\n#include <map>\n#include <string>\ninline std::map<std::string, int> g_shared;\n");
  T.write("a.cpp", "#include \"shared.h\"\nint g_a = 0;\nvoid a() { g_shared[\"a\"] = ++g_a; }\n");
  T.write("b.cpp", "#include \"shared.h\"\nint g_b = 0;\nvoid b() { g_shared[\"b\"] = ++g_b; }\n");
  T.write("c.cpp", "#include <vector>\nstd::vector<int> g_c;\nvoid c() { g_c.push_back(1); }\n");
}

std::vector<std::string> cacheFiles(const TempDir &C, llvm::StringRef Kind) {
  return sa::testing::cacheFiles(C.path(), Kind);
}

/// How many TUs came from the cache, by the verbose listing.
unsigned cachedCount(const std::string &Err) {
  unsigned N = 0;
  for (size_t At = 0; (At = Err.find("(cache)", At)) != std::string::npos; ++At)
    ++N;
  return N;
}

/// A verbose JSON scan of the project in `T` with its cache in `C`, and `More` arguments.
RunResult scanCached(const TempDir &T, const TempDir &C, const std::vector<std::string> &More) {
  std::vector<std::string> A{"scan", T.path(), "--cache-dir", C.path(), "-v", "--format", "json"};
  A.insert(A.end(), More.begin(), More.end());
  return run(A);
}

/// Sets the modification time of every file under `Dir` to `Days` days ago.
void ageFiles(const std::string &Dir, int Days) {
  auto Then = std::chrono::system_clock::now() - std::chrono::hours(24 * Days);
  std::error_code EC;
  for (llvm::sys::fs::recursive_directory_iterator It(Dir, EC), End; It != End && !EC;
       It.increment(EC)) {
    auto FD = llvm::sys::fs::openNativeFileForWrite(It->path(), llvm::sys::fs::CD_OpenExisting,
                                                    llvm::sys::fs::OF_Append);
    if (!FD) {
      llvm::consumeError(FD.takeError());
      continue;
    }
    (void)llvm::sys::fs::setLastAccessAndModificationTime(*FD, Then);
    llvm::sys::fs::closeFile(*FD);
  }
}

// The cache keeps under --cache-max-size by removing its least recently used files, at most
// once an hour; what a scan uses (the entries, the objects they name, the linked result) is
// renewed by it, so even a warm scan that reads no object keeps its objects.
TEST(CliCache, PruningRemovesTheLeastRecentlyUsedAndKeepsWhatTheScanUses) {
  TempDir T, C;
  writeProject(T);
  auto Scan = [&](std::vector<std::string> More = {}) { return scanCached(T, C, More); };
  RunResult Cold = Scan();
  ASSERT_EQ(Cold.code, 1) << Cold.err;
  EXPECT_EQ(Cold.err.find("least recently used"), std::string::npos) << "under the default limit";
  // Everything is old now; add an old entry of another build of the tool and a temporary file
  // abandoned by a crashed scan (both named as the cache names its files: pruning removes
  // nothing else), and let pruning run again.
  ageFiles(C.path(), 10);
  std::string Junk = C.file("v3/entries/00/0000000000000000000000000000000000000000");
  C.write("v3/entries/00/0000000000000000000000000000000000000000", std::string(300000, 'x'));
  std::string Abandoned = C.file("v3/objects/00/0000000000000000000000000000000000000000-12a4b6.tmp");
  C.write("v3/objects/00/0000000000000000000000000000000000000000-12a4b6.tmp",
          std::string(300000, 'x'));
  // Not the cache's: a link planted in it to a folder outside, and one to a file.
  TempDir Outside;
  Outside.write("keep/precious.txt", std::string(300000, 'p'));
  ageFiles(Outside.path(), 10);
  ASSERT_FALSE(llvm::sys::fs::create_link(Outside.file("keep"), C.file("v3/planted")));
  ASSERT_FALSE(llvm::sys::fs::create_link(Outside.file("keep/precious.txt"), C.file("v3/file")));
  ageFiles(C.path(), 10);
  ASSERT_FALSE(llvm::sys::fs::remove(C.file("last-prune")));

  // A limit below what the scan itself needs: everything else goes, nothing it used.
  RunResult Warm = Scan({"--cache-max-size", "1K"});
  EXPECT_EQ(cachedCount(Warm.err), 3u) << Warm.err;
  EXPECT_EQ(Warm.out, Cold.out);
  EXPECT_NE(Warm.err.find("cache: removed 2 least recently used files (0.6 MB)"), std::string::npos)
      << Warm.err;
  EXPECT_FALSE(llvm::sys::fs::exists(Junk));
  EXPECT_FALSE(llvm::sys::fs::exists(Abandoned));
  EXPECT_TRUE(llvm::sys::fs::exists(Outside.file("keep/precious.txt")));
  // The objects the warm scan did not read are still there: changing one TU re-links the
  // program from the others' cached facts.
  T.write("a.cpp", "#include \"shared.h\"\nint g_a2 = 0;\nvoid a() { g_shared[\"a\"] = ++g_a2; }\n");
  RunResult Edited = Scan({"--cache-max-size", "1K"});
  EXPECT_EQ(cachedCount(Edited.err), 2u) << Edited.err;
  EXPECT_NE(Edited.out.find("g_a2"), std::string::npos);
  EXPECT_EQ(Edited.err.find("least recently used"), std::string::npos)
      << "pruning ran less than an hour ago";

  // Without a limit nothing is removed, however old.
  ageFiles(C.path(), 400);
  ASSERT_FALSE(llvm::sys::fs::remove(C.file("last-prune")));
  RunResult Unlimited = Scan({"--cache-max-size", "0"});
  EXPECT_EQ(cachedCount(Unlimited.err), 3u) << Unlimited.err;
  EXPECT_EQ(Unlimited.err.find("least recently used"), std::string::npos) << Unlimited.err;
  EXPECT_NE(run({"scan", T.path(), "--cache-max-size", "lots"}).code, 0);
}

TEST(CliCache, HitMissInvalidationAndCorruption) {
  TempDir T, C;
  writeProject(T);
  auto Scan = [&](std::vector<std::string> More = {}) { return scanCached(T, C, More); };
  RunResult Cold = Scan();
  ASSERT_EQ(Cold.code, 1) << Cold.err;
  EXPECT_EQ(cachedCount(Cold.err), 0u);
  RunResult Warm = Scan();
  EXPECT_EQ(cachedCount(Warm.err), 3u);
  EXPECT_NE(Warm.err.find("3 from the cache"), std::string::npos) << Warm.err;
  EXPECT_EQ(Warm.out, Cold.out) << "the cache changes nothing in the report";

  // Touching without a change keeps everything; changing a .cpp re-parses that TU only.
  llvm::sys::fs::setLastAccessAndModificationTime(
      llvm::sys::fs::openNativeFileForRead(T.file("a.cpp")).get(), llvm::sys::toTimePoint(0));
  EXPECT_EQ(cachedCount(Scan().err), 3u);
  T.write("c.cpp", "#include <vector>\nstd::vector<int> g_c2;\nvoid c() { g_c2.push_back(1); }\n");
  RunResult Edited = Scan();
  EXPECT_EQ(cachedCount(Edited.err), 2u);
  EXPECT_NE(Edited.out.find("g_c2"), std::string::npos);
  EXPECT_EQ(Edited.out.find("\"g_c\""), std::string::npos);
  // Changing the shared header re-parses exactly the TUs that include it.
  T.write("shared.h", "#pragma once\n#include <map>\n#include <string>\ninline std::map<std::string, long> g_shared;\n");
  RunResult Header = Scan();
  EXPECT_EQ(cachedCount(Header.err), 1u);
  EXPECT_NE(Header.out.find("std::map<std::string, long>"), std::string::npos);
  EXPECT_EQ(Header.out.find("std::map<std::string, int>"), std::string::npos)
      << "the header's old facts are not used";

  // Corrupt entries are ignored and rebuilt: one truncated, one with a byte changed, one
  // replaced by another TU's entry (signed, but under another key).
  std::vector<std::string> Entries = cacheFiles(C, "entries");
  ASSERT_EQ(Entries.size(), 3u);
  unsigned Broken = 0;
  std::string First = readFile(Entries[0]);
  for (const std::string &Entry : Entries) {
    std::string Text = readFile(Entry);
    std::error_code WEC;
    llvm::raw_fd_ostream Out(Entry, WEC);
    if (Broken == 0)
      Out << Text.substr(0, Text.size() / 2); // truncated
    else if (Broken == 1)
      Out << Text.substr(0, Text.size() - 1) << char(Text.back() ^ 0x20); // a byte changed
    else
      Out << First; // another TU's entry
    ++Broken;
  }
  ASSERT_GE(Broken, 3u);
  RunResult Repaired = Scan();
  EXPECT_EQ(Repaired.code, 1);
  EXPECT_EQ(cachedCount(Repaired.err), 0u);
  EXPECT_NE(Repaired.err.find("unreadable cache entries rebuilt"), std::string::npos) << Repaired.err;
  EXPECT_EQ(Repaired.out, Header.out);
  EXPECT_EQ(cachedCount(Scan().err), 3u);

  // Another build of the tool (here: the same binary with a byte appended) does not reuse
  // this build's facts, even at the same version.
  TempDir Bin;
  std::string Other = Bin.file("state-audit");
  ASSERT_FALSE(llvm::sys::fs::copy_file(SA_BINARY, Other));
  {
    std::error_code AEC;
    llvm::raw_fd_ostream Append(Other, AEC, llvm::sys::fs::OF_Append);
    Append << '\0';
  }
  llvm::sys::fs::setPermissions(Other, llvm::sys::fs::all_exe | llvm::sys::fs::owner_all);
  std::vector<llvm::StringRef> OtherArgv{Other, "scan", T.path(), "--cache-dir", C.path(), "-v"};
  std::string OtherErr = Bin.file("err");
  std::optional<llvm::StringRef> OtherRedirects[] = {std::nullopt, llvm::StringRef("/dev/null"),
                                                     llvm::StringRef(OtherErr)};
  llvm::sys::ExecuteAndWait(Other, OtherArgv, std::nullopt, OtherRedirects, 600);
  EXPECT_EQ(cachedCount(readFile(OtherErr)), 0u) << readFile(OtherErr);

  // --no-cache neither reads nor writes.
  TempDir Fresh;
  RunResult NoCache = run({"scan", T.path(), "--cache-dir", Fresh.path(), "--no-cache", "-v"});
  EXPECT_EQ(cachedCount(NoCache.err), 0u);
  EXPECT_EQ(NoCache.err.find("from the cache"), std::string::npos);
  std::error_code EC2;
  EXPECT_EQ(llvm::sys::fs::directory_iterator(Fresh.path(), EC2), llvm::sys::fs::directory_iterator());
}

// Three TUs include shared.h; a.cpp and b.cpp with -DWIDE, c.cpp without: the header has two
// variants. A compile database gives each its flags.
void writeVariantProject(const TempDir &T) {
  T.write("shared.h", "#pragma once\n#ifdef WIDE\ninline long g_wide = 0;\n"
                      "inline void touch() { ++g_wide; }\n#else\ninline int g_narrow = 0;\n"
                      "inline void touch() { ++g_narrow; }\n#endif\n");
  for (const char *Name : {"a", "b", "c"})
    T.write(std::string(Name) + ".cpp", "#include \"shared.h\"\nint " + std::string(Name) +
                                            "() { touch(); return 0; }\n");
  std::string Db = "[";
  for (const char *Name : {"a", "b", "c"}) {
    std::string Flag = std::string(Name) == "c" ? "" : "\"-DWIDE\", ";
    Db += std::string(Db.size() > 1 ? "," : "") + "{\"directory\": \"" + T.path() +
          "\", \"file\": \"" + Name + ".cpp\", \"arguments\": [\"clang++\", " + Flag +
          "\"-c\", \"" + Name + ".cpp\"]}";
  }
  T.write("build/compile_commands.json", Db + "]");
}

/// `scan` of the variant project, JSON, verbose, with the cache in `C` (none: --no-cache).
std::vector<std::string> variantScan(const TempDir &T, const TempDir *C) {
  std::vector<std::string> A{"scan", T.path(), "-p", T.file("build"), "--format", "json",
                             "--fail-on", "never", "-v"};
  if (C)
    A.insert(A.end(), {"--cache-dir", C->path()});
  else
    A.push_back("--no-cache");
  return A;
}

/// The cache objects whose facts mention `Needle`.
std::vector<std::string> objectsWith(const TempDir &C, llvm::StringRef Needle) {
  std::vector<std::string> Found;
  for (const std::string &O : cacheFiles(C, "objects"))
    if (llvm::StringRef(zstdDecompress(readFile(O))).contains(Needle))
      Found.push_back(O);
  return Found;
}

TEST(CliCache, HeaderVariantsByMacroAreStoredOnceEachAndAllReachTheLink) {
  TempDir T, C;
  writeVariantProject(T);
  RunResult NoCache = run(variantScan(T, nullptr));
  ASSERT_EQ(NoCache.code, 0) << NoCache.err;
  EXPECT_NE(NoCache.out.find("g_wide"), std::string::npos) << NoCache.out;
  EXPECT_NE(NoCache.out.find("g_narrow"), std::string::npos) << NoCache.out;
  std::vector<std::string> Args = variantScan(T, &C);
  RunResult Cold = run(Args);
  EXPECT_EQ(Cold.out, NoCache.out) << "the cache changes nothing in the report";
  EXPECT_EQ(cachedCount(Cold.err), 0u);
  // Three main files, and shared.h once per variant: a.cpp and b.cpp share the WIDE one.
  EXPECT_EQ(cacheFiles(C, "objects").size(), 5u);
  EXPECT_EQ(objectsWith(C, "\"file\":\"shared.h\"").size(), 2u);
  EXPECT_EQ(objectsWith(C, "g_wide").size(), 1u);
  EXPECT_EQ(cacheFiles(C, "entries").size(), 3u);
  RunResult Warm = run(Args);
  EXPECT_EQ(cachedCount(Warm.err), 3u);
  EXPECT_EQ(Warm.out, NoCache.out);

  // Shards of the scan, each with the cache, merged: one header variant in two shards is one
  // group in the merge, and the report is the single scan's.
  TempDir Out;
  std::vector<std::string> Merge{"merge"};
  for (int K = 1; K <= 2; ++K) {
    std::string F = Out.file("shard" + std::to_string(K) + ".json");
    auto A = Args;
    A.insert(A.end(), {"--shard", std::to_string(K) + "/2", "--facts-out", F, "-q"});
    RunResult S = run(A);
    ASSERT_EQ(S.code, 0) << S.err;
    Merge.push_back(F);
  }
  Merge.insert(Merge.end(), {"--format", "json", "--fail-on", "never"});
  RunResult Merged = run(Merge);
  EXPECT_EQ(Merged.code, 0) << Merged.err;
  EXPECT_EQ(Merged.out, NoCache.out);
}

/// The variant project with a cache of its own.
class CliCacheVariants : public ::testing::Test {
protected:
  void SetUp() override { writeVariantProject(T); }
  TempDir T, C;
  std::vector<std::string> Args = variantScan(T, &C);
};

TEST_F(CliCacheVariants, AWarmScanReadsNoGroupAndADamagedGroupIsNeverTrusted) {
  RunResult Cold = run(Args);
  ASSERT_EQ(Cold.code, 0) << Cold.err;
  ASSERT_EQ(cacheFiles(C, "links").size(), 1u);

  // Nothing changed: the linked result is used, and no group is read (here: there are none).
  TempDir Saved;
  ASSERT_FALSE(llvm::sys::fs::rename(C.file("v3/objects"), Saved.file("objects")));
  RunResult Warm = run(Args);
  EXPECT_EQ(cachedCount(Warm.err), 3u) << Warm.err;
  EXPECT_EQ(Warm.err.find("unreadable"), std::string::npos) << Warm.err;
  EXPECT_EQ(Warm.out, Cold.out);
  ASSERT_FALSE(llvm::sys::fs::rename(Saved.file("objects"), C.file("v3/objects")));

  // The narrow variant of shared.h (c.cpp's only) damaged, then a.cpp edited: the link needs
  // every group, c.cpp's is not what its entry names, so c.cpp is parsed again.
  std::vector<std::string> Narrow = objectsWith(C, "g_narrow");
  ASSERT_EQ(Narrow.size(), 1u);
  std::string Bytes = readFile(Narrow[0]);
  {
    std::error_code EC;
    llvm::raw_fd_ostream Damaged(Narrow[0], EC);
    Bytes[Bytes.size() / 2] ^= 0x40;
    Damaged << Bytes;
  }
  T.write("a.cpp", "#include \"shared.h\"\nint g_a_edited = 0;\nint a() { touch(); return ++g_a_edited; }\n");
  RunResult Edited = run(Args);
  EXPECT_EQ(cachedCount(Edited.err), 1u) << Edited.err; // b.cpp only
  EXPECT_NE(Edited.err.find("(1 unreadable cache entry rebuilt)"), std::string::npos)
      << Edited.err;
  RunResult Expected = run(variantScan(T, nullptr));
  EXPECT_EQ(Edited.out, Expected.out);
  EXPECT_NE(Edited.out.find("g_a_edited"), std::string::npos);
  EXPECT_NE(Edited.out.find("g_narrow"), std::string::npos);
  // The object was written again: the next scan trusts it.
  ASSERT_EQ(objectsWith(C, "g_narrow").size(), 1u);
  RunResult Again = run(Args);
  EXPECT_EQ(cachedCount(Again.err), 3u);
  EXPECT_EQ(Again.err.find("unreadable"), std::string::npos) << Again.err;
  EXPECT_EQ(Again.out, Expected.out);

  // A damaged linked result is not trusted either: the groups are linked again.
  for (const std::string &L : cacheFiles(C, "links")) {
    std::string Text = readFile(L);
    std::error_code EC;
    llvm::raw_fd_ostream Damaged(L, EC);
    Damaged << Text.substr(0, Text.size() - 3);
  }
  RunResult Relinked = run(Args);
  EXPECT_EQ(cachedCount(Relinked.err), 3u);
  EXPECT_NE(Relinked.err.find("1 unreadable cache entry rebuilt"), std::string::npos)
      << Relinked.err;
  EXPECT_EQ(Relinked.out, Expected.out);
}

TEST_F(CliCacheVariants, TheLinkedResultFollowsTheConfiguration) {
  RunResult Before = run(Args);
  ASSERT_EQ(Before.code, 0) << Before.err;
  EXPECT_NE(Before.out.find("\"entryPoints\": 0"), std::string::npos) << Before.out;
  // The configuration changes the link, not the extraction: every TU from the cache, and a
  // new linked result.
  T.write(".state-audit.yaml", "entry-points:\n  functions: [a]\n");
  RunResult After = run(Args);
  EXPECT_EQ(cachedCount(After.err), 3u) << After.err;
  EXPECT_NE(After.out.find("\"entryPoints\": 1"), std::string::npos) << After.out;
  EXPECT_EQ(After.out, run(variantScan(T, nullptr)).out);
  EXPECT_EQ(cacheFiles(C, "links").size(), 2u);
  // A level is applied after the link: the linked result serves, and the report follows.
  T.write(".state-audit.yaml", "entry-points:\n  functions: [a]\n"
                               "rules:\n  global-variable: {level: error}\n");
  RunResult Leveled = run(Args);
  EXPECT_EQ(cacheFiles(C, "links").size(), 2u);
  EXPECT_NE(Leveled.out, After.out);
  EXPECT_EQ(Leveled.out, run(variantScan(T, nullptr)).out);
  // And back: the first linked result serves again.
  llvm::sys::fs::remove(T.file(".state-audit.yaml"));
  RunResult Back = run(Args);
  EXPECT_EQ(Back.out, Before.out);
  EXPECT_EQ(cacheFiles(C, "links").size(), 2u);
  EXPECT_EQ(Back.err.find("unreadable"), std::string::npos) << Back.err;

  // The two linked results swapped: each is signed, but for the other key. Neither is used.
  std::vector<std::string> Links = cacheFiles(C, "links");
  ASSERT_EQ(Links.size(), 2u);
  std::string First = readFile(Links[0]), Second = readFile(Links[1]);
  for (auto [Path, Text] : {std::pair{Links[0], &Second}, std::pair{Links[1], &First}}) {
    std::error_code EC;
    llvm::raw_fd_ostream Out(Path, EC);
    Out << *Text;
  }
  RunResult Swapped = run(Args);
  EXPECT_EQ(Swapped.out, Before.out);
  EXPECT_NE(Swapped.err.find("(1 unreadable cache entry rebuilt)"), std::string::npos)
      << Swapped.err;
}

TEST(CliShard, MergedShardsReportExactlyWhatOneScanDoes) {
  TempDir T, Out;
  writeProject(T);
  T.write("d.cpp", "static int s_d = 0;\nint d() { return ++s_d; }\n");
  for (const char *Format : {"text", "json", "sarif", "markdown"}) {
    RunResult Single = run({"scan", T.path(), "--no-cache", "--format", Format, "-q"});
    std::vector<std::string> Files;
    for (int K = 1; K <= 3; ++K) {
      std::string F = Out.file("shard" + std::to_string(K) + ".json");
      RunResult S = run({"scan", T.path(), "--no-cache", "--shard", std::to_string(K) + "/3",
                         "--facts-out", F, "-q", "--fail-on", "never"});
      ASSERT_EQ(S.code, 0) << S.err;
      Files.push_back(F);
    }
    std::vector<std::string> MergeArgs{"merge"};
    MergeArgs.insert(MergeArgs.end(), Files.rbegin(), Files.rend()); // any order
    MergeArgs.insert(MergeArgs.end(), {"--format", Format});
    RunResult Merged = run(MergeArgs);
    EXPECT_EQ(Merged.code, Single.code) << Format;
    EXPECT_EQ(Merged.out, Single.out) << Format << ": merged shards differ from one scan";
  }
  // Every TU is in exactly one shard.
  unsigned Total = 0;
  for (int K = 1; K <= 3; ++K) {
    auto V = llvm::json::parse(readFile(Out.file("shard" + std::to_string(K) + ".json")));
    ASSERT_TRUE(bool(V));
    Total += V->getAsObject()->getArray("tus")->size();
  }
  EXPECT_EQ(Total, 4u);
  EXPECT_EQ(run({"scan", T.path(), "--shard", "3/2", "--facts-out", Out.file("x")}).code, 2);
  EXPECT_EQ(run({"scan", T.path(), "--shard", "1/2"}).code, 2) << "a shard needs --facts-out";
  RunResult NotFacts = run({"merge", T.file("a.cpp")});
  EXPECT_EQ(NotFacts.code, 2);
  EXPECT_NE(NotFacts.err.find("a.cpp:1:2: not valid JSON"), std::string::npos) << NotFacts.err;
}

TEST(CliProgress, OnlyOnATerminal) {
  TempDir T;
  writeProject(T);
  // Not a terminal: no progress line, only the summary; no terminal escapes either.
  T.write("broken.cpp", "int x = ;\n");
  RunResult Plain = run({"scan", T.path(), "--no-cache"});
  T.write("broken.cpp", "int g_broken_fixed = 0;\n");
  EXPECT_EQ(Plain.err.find('\r'), std::string::npos);
  EXPECT_EQ(Plain.err.find('\x1b'), std::string::npos) << Plain.err;
  EXPECT_NE(Plain.err.find("broken.cpp: 1 compile error"), std::string::npos) << Plain.err;
  EXPECT_EQ(Plain.err.find("ETA"), std::string::npos);
  EXPECT_NE(Plain.err.find("4 translation units analysed in"), std::string::npos);
  EXPECT_TRUE(run({"scan", T.path(), "--no-cache", "-q"}).err.empty());
  // On a terminal (a pseudo-terminal from script(1)), the line is drawn and cleared.
  TempDir IO;
  std::string Log = IO.file("typescript");
  std::string Cmd = "'" + std::string(SA_BINARY) + "' scan '" + T.path() + "' --no-cache >/dev/null";
  std::vector<llvm::StringRef> Argv{"/usr/bin/script", "-q", "-e", "-c", Cmd, Log};
  if (!llvm::sys::fs::exists("/usr/bin/script"))
    GTEST_SKIP() << "script(1) is not installed";
  llvm::sys::ExecuteAndWait("/usr/bin/script", Argv, std::nullopt, {}, 600);
  std::string Tty = readFile(Log);
  EXPECT_NE(Tty.find("[4/4]"), std::string::npos) << Tty;
  EXPECT_NE(Tty.find("ETA"), std::string::npos) << Tty;
}

} // namespace

namespace {

// A server whose pools reach one database, a session map and a handler that writes it.
const char *PoolServer =
    "#include <map>\n#include <string>\n"
    "struct PgPool { PgPool(const std::string &url, int size); };\n"
    "PgPool g_reads(\"postgresql://db.internal/notes\", 15);\n"
    "PgPool g_writes(\"postgresql://db.internal/notes\", 15);\n"
    "std::map<std::string, std::string> g_sessions;\n"
    "int g_orders = 0;\n"
    "void add_tool(const char *, void (*)(const std::string &));\n"
    "void login(const std::string &session_id) { g_sessions[session_id] = \"user\"; ++g_orders; }\n"
    "int main() { add_tool(\"login\", login); }\n";

TEST(CliExplain, RulePagesAndFindingsOfAJsonReport) {
  RunResult Page = run({"explain", "session-state"});
  EXPECT_EQ(Page.code, 0) << Page.err;
  EXPECT_EQ(Page.out.rfind("# session-state", 0), 0u) << Page.out;
  EXPECT_NE(Page.out.find("docs/rules/session-state.md"), std::string::npos);

  RunResult Unknown = run({"explain", "sesion-state"});
  EXPECT_EQ(Unknown.code, 2);
  EXPECT_NE(Unknown.err.find("'sesion-state' is not a rule id"), std::string::npos) << Unknown.err;

  TempDir T, Out;
  T.write("server.cpp", PoolServer);
  std::string Json = Out.file("report.json");
  ASSERT_EQ(run({"scan", T.path(), "--root", T.path(), "--format", "json", "-o", Json}).code, 1);
  RunResult F = run({"explain", "server.cpp:6", "--report", Json});
  EXPECT_EQ(F.code, 0) << F.err;
  EXPECT_NE(F.out.find("server.cpp:6:36: error: 'g_sessions' holds per-session data"),
            std::string::npos)
      << F.out;
  EXPECT_NE(F.out.find("Path to the write:\n  1. server.cpp:10:14: request entry point: handler "
                       "'login' (add_tool)\n"),
            std::string::npos)
      << F.out;
  EXPECT_NE(F.out.find("Fix: "), std::string::npos);
  // By fingerprint, as the JSON report gives it.
  auto Doc = llvm::json::parse(readFile(Json));
  ASSERT_TRUE(bool(Doc));
  std::string Print =
      (*Doc->getAsObject()->getArray("findings"))[0].getAsObject()->getString("fingerprint")->str();
  RunResult ByPrint = run({"explain", Print.substr(0, 8), "--report", Json});
  EXPECT_EQ(ByPrint.code, 0) << ByPrint.err;
  EXPECT_NE(ByPrint.out.find("fingerprint: " + Print), std::string::npos);
  RunResult Missing = run({"explain", "server.cpp:99", "--report", Json});
  EXPECT_EQ(Missing.code, 2);
  EXPECT_NE(Missing.err.find("no finding in"), std::string::npos);
  RunResult NotJson = run({"explain", "server.cpp:6", "--report", T.path() + "/server.cpp"});
  EXPECT_EQ(NotJson.code, 2);
}

TEST(CliReports, SeverityOrderBudgetPerDownstreamAndSarifLevel) {
  TempDir T;
  T.write("server.cpp", PoolServer);
  T.write(".state-audit.yaml", "connection-pools: {max-instances: 10, downstream-limit: 200}\n");
  RunResult Text = run({"scan", T.path(), "--root", T.path()});
  EXPECT_EQ(Text.code, 1) << Text.err;
  // Errors first: the pools (errors together) come before the note-level findings.
  size_t FirstNote = Text.out.find(": note: ");
  size_t LastError = Text.out.rfind(": error: ");
  ASSERT_NE(LastError, std::string::npos) << Text.out;
  if (FirstNote != std::string::npos) {
    EXPECT_LT(LastError, FirstNote) << Text.out;
  }
  EXPECT_NE(Text.out.find("10 instances × (15 + 15) = 300 connections reach the limit of 200"),
            std::string::npos)
      << Text.out;
  EXPECT_NE(Text.out.find("db.internal [connection string]: 'g_reads' 15 + 'g_writes' 15; "
                          "10 × 30 = 300 of 200: EXCEEDED; largest safe sizes: 'g_reads' 4, "
                          "'g_writes' 4"),
            std::string::npos)
      << Text.out;

  RunResult Md = run({"scan", T.path(), "--root", T.path(), "--format", "markdown"});
  EXPECT_NE(Md.out.find("| `db.internal` (connection string) | 'g\\_reads' 15 + 'g\\_writes' 15 |"),
            std::string::npos)
      << Md.out;

  RunResult Sarif = run({"scan", T.path(), "--root", T.path(), "--format", "sarif"});
  RunResult WithNotes =
      run({"scan", T.path(), "--root", T.path(), "--format", "sarif", "--sarif-level", "note"});
  EXPECT_EQ(Sarif.out.find("\"level\": \"note\",\n          \"locations\""), std::string::npos);
  EXPECT_NE(Sarif.out.find("\"codeFlows\""), std::string::npos);
  EXPECT_GT(WithNotes.out.size(), Sarif.out.size());
  EXPECT_EQ(run({"scan", T.path(), "--sarif-level", "info"}).code, 2);
}

TEST(CliPlan, MarkdownAndJson) {
  TempDir T;
  T.write("server.cpp", PoolServer);
  RunResult Md = run({"scan", T.path(), "--root", T.path(), "--format", "plan"});
  EXPECT_EQ(Md.code, 1) << Md.err;
  EXPECT_EQ(Md.out.rfind("# Migration plan", 0), 0u) << Md.out;
  EXPECT_NE(Md.out.find("## 1. What each session carries"), std::string::npos);
  EXPECT_NE(Md.out.find("| handler 'login' (add\\_tool) | `server.cpp:10` | `g_sessions` |"), std::string::npos) << Md.out;
  EXPECT_NE(Md.out.find("### Step 1: Move the session store out of the process"), std::string::npos);
  EXPECT_NE(Md.out.find("session:{id}"), std::string::npos);
  RunResult Json = run({"scan", T.path(), "--root", T.path(), "--format", "plan-json"});
  auto Doc = llvm::json::parse(Json.out);
  ASSERT_TRUE(bool(Doc)) << Json.out;
  const llvm::json::Array *Steps = Doc->getAsObject()->getArray("steps");
  ASSERT_TRUE(Steps && !Steps->empty());
  EXPECT_EQ(Steps->front().getAsObject()->getString("title"),
            "Move the session store out of the process");
  EXPECT_FALSE(Doc->getAsObject()->getArray("chaosTest")->empty());
}

TEST(CliMarkdown, TheLimitKeepsTheSummaryShort) {
  TempDir T;
  std::string Src;
  for (int I = 0; I < 400; ++I)
    Src += "int g_value_with_a_long_name_" + std::to_string(I) + " = 0;\n";
  T.write("many.cpp", Src);
  RunResult Md = run({"scan", T.path(), "--root", T.path(), "--format", "markdown",
                      "--markdown-limit", "8000", "--full-report", "the SARIF artifact"});
  EXPECT_EQ(Md.code, 0) << Md.err;
  EXPECT_LE(Md.out.size(), 8000u);
  EXPECT_NE(Md.out.find("are not listed"), std::string::npos) << Md.out;
  EXPECT_NE(Md.out.find("The full report: the SARIF artifact."), std::string::npos);
}


// Without a git work tree the root is chosen from the TUs and their include directories and
// said on stderr: `scan src -p build` with the session table in include/ reports it.
TEST(Cli, RootOutsideGitHoldsTheIncludeDirectoriesAndIsSaid) {
  TempDir T; // under /tmp: no git work tree
  T.write("include/store.h", "#pragma once\n#include <map>\n#include <string>\n"
                             "extern std::map<std::string, int> g_sessions;\n");
  T.write("src/store.cpp", "#include \"store.h\"\nstd::map<std::string, int> g_sessions;\n"
                           "void touch(const std::string &id) { g_sessions[id]++; }\n");
  T.write("build/compile_commands.json",
          "[{\"directory\": \"" + T.file("build") + "\", \"file\": \"" + T.file("src/store.cpp") +
              "\", \"arguments\": [\"c++\", \"-std=c++17\", \"-I../include\", \"-c\", \"" +
              T.file("src/store.cpp") + "\"]}]");
  RunResult R = run({"scan", "src", "-p", "build", "--format", "json", "--no-cache"}, T.path());
  EXPECT_NE(R.err.find("no git work tree; project root: " + T.path() + " "), std::string::npos)
      << R.err;
  EXPECT_NE(R.out.find("\"src/store.cpp\""), std::string::npos) << R.out;
  EXPECT_EQ(R.err.find("outside the project root"), std::string::npos) << R.err;

  // A root given too narrow: the header outside it is counted and named, even with -q.
  RunResult Narrow =
      run({"scan", "src", "-p", "build", "--root", "src", "--no-cache", "-q"}, T.path());
  EXPECT_NE(Narrow.err.find("1 header outside the project root '" + T.file("src") + "'"),
            std::string::npos)
      << Narrow.err;
  EXPECT_NE(Narrow.err.find(T.file("include/store.h")), std::string::npos) << Narrow.err;
}

// Headers under the system's installation prefixes (here LLVM's include directory given with
// -I, and a sysroot) are library code, not a part of the project the root left out: no
// warning, and -v counts them.
TEST(Cli, HeadersUnderInstallationPrefixesAreLibraryCode) {
  TempDir T, Sysroot;
  // Not <sysroot>/usr/include: that is a system directory already, whatever -I says.
  Sysroot.write("sdk/include/sdk.h", "#pragma once\ninline int sdk_version() { return 3; }\n");
  T.write("shared/beside.h", "#pragma once\ninline int beside() { return 1; }\n");
  // One TU includes a header of LLVM's, the other one of the sysroot's (and nothing of the
  // C library, which the empty sysroot does not have).
  T.write("src/llvm.cpp", "#include \"llvm-c/Types.h\"\nint main() { LLVMBool Yes = 1; return Yes; }\n");
  T.write("src/sdk.cpp", "#include \"sdk.h\"\nint version() { return sdk_version(); }\n");
  auto Entry = [&](const std::string &File, const std::string &Flags) {
    return "{\"directory\": \"" + T.file("src") + "\", \"file\": \"" + T.file("src/" + File) +
           "\", \"arguments\": [\"c++\", " + Flags + ", \"-c\", \"" + File + "\"]}";
  };
  T.write("build/compile_commands.json",
          "[" + Entry("llvm.cpp", "\"-std=c++17\", \"-I" SA_LLVM_INCLUDE_DIR "\"") + ", " +
              Entry("sdk.cpp", "\"--sysroot\", \"" + Sysroot.path() + "\", \"-I" +
                                   Sysroot.file("sdk/include") + "\"") +
              "]");
  RunResult Quiet = run({"scan", "src", "-p", "build", "--root", T.path(), "--no-cache"}, T.path());
  ASSERT_EQ(Quiet.code, 0) << Quiet.err;
  EXPECT_EQ(Quiet.err.find("outside the project root"), std::string::npos) << Quiet.err;

  RunResult Verbose =
      run({"scan", "src", "-p", "build", "--root", T.path(), "--no-cache", "-v"}, T.path());
  ASSERT_EQ(Verbose.code, 0) << Verbose.err;
  std::vector<std::string> Prefixes{canonicalPath("/usr"), Sysroot.path()};
  std::sort(Prefixes.begin(), Prefixes.end());
  EXPECT_NE(Verbose.err.find(" headers outside the project root read as library code, under " +
                             Prefixes[0] + ", " + Prefixes[1] + "\n"),
            std::string::npos)
      << Verbose.err;

  // A prefix that holds the root is the project's place: a header beside the root there may
  // be the project's own, and is warned about.
  T.write("src/sdk.cpp", "#include \"../shared/beside.h\"\nint main() { return beside(); }\n");
  T.write("build/compile_commands.json",
          "[" + Entry("sdk.cpp", "\"--sysroot=" + T.path() + "\"") + "]");
  RunResult Beside =
      run({"scan", "src", "-p", "build", "--root", T.file("src"), "--no-cache", "-q"}, T.path());
  EXPECT_NE(Beside.err.find("1 header outside the project root '" + T.file("src") + "'"),
            std::string::npos)
      << Beside.err;
}

// Findings in vendored code are dropped and counted; `vendored: []` brings them back.
TEST(Cli, VendoredCodeGivesNoFindingsUnlessConfigured) {
  TempDir T;
  T.write("third_party/lib/cache.h", "#pragma once\ninline int g_lib_hits = 0;\n"
                                     "inline void lib_hit() { ++g_lib_hits; }\n");
  T.write("src/main.cpp", "#include \"../third_party/lib/cache.h\"\nint g_mine = 0;\n"
                          "int main() { lib_hit(); return g_mine; }\n");
  RunResult R = run({"scan", T.file("src"), "--root", T.path(), "--no-cache", "--format", "json"});
  EXPECT_EQ(R.out.find("third_party/lib/cache.h\""), std::string::npos) << R.out;
  EXPECT_NE(R.out.find("skipped 1 finding in library code: third_party/lib/cache.h (1, vendored "
                       "folder third_party/)"),
            std::string::npos)
      << R.out;
  T.write(".state-audit.yaml", "vendored: []\n");
  RunResult All = run({"scan", T.file("src"), "--root", T.path(), "--no-cache", "--format", "json",
                       "--config", T.file(".state-audit.yaml")});
  EXPECT_NE(All.out.find("third_party/lib/cache.h"), std::string::npos) << All.out;
  EXPECT_EQ(All.out.find("skipped"), std::string::npos) << All.out;
}

// A scan says which of the files it read were library code and why, from the cache too; -q
// drops the line, the JSON report and the SARIF run's properties keep the list, and a merge of
// shards says the same as the scan.
TEST(Cli, SaysWhatWasTreatedAsLibraryCode) {
  TempDir T, C, Out;
  T.write("common/httplib.h", "#ifndef CPPHTTPLIB_HTTPLIB_H\n#define CPPHTTPLIB_HTTPLIB_H\n"
                              "namespace httplib { inline int port() { return 80; } }\n#endif\n");
  T.write("third_party/lib/a.h", "#pragma once\ninline int lib_a() { return 1; }\n");
  T.write("third_party/lib/b.h", "#pragma once\n#include \"a.h\"\n"
                                 "inline int lib_b() { return lib_a(); }\n");
  T.write("src/main.cpp", "#include \"../common/httplib.h\"\n#include \"../third_party/lib/b.h\"\n"
                          "int main() { return httplib::port() + lib_b(); }\n");
  const std::string Line =
      "state-audit: treated as library code (no findings; only the bodies of its templates are "
      "read): common/httplib.h (cpp-httplib, include guard CPPHTTPLIB_HTTPLIB_H), third_party/ "
      "(vendored folder, 2 files); to analyse common/httplib.h as the project's own: vendored: "
      "[default, \"!common/httplib.h\"] in .state-audit.yaml\n";
  auto Scan = [&](std::vector<std::string> Extra) {
    std::vector<std::string> Args{"scan", T.file("src"), "--root", T.path(), "--cache-dir",
                                  C.path()};
    Args.insert(Args.end(), Extra.begin(), Extra.end());
    return run(Args);
  };
  RunResult Cold = Scan({});
  ASSERT_EQ(Cold.code, 0) << Cold.err;
  EXPECT_NE(Cold.err.find(Line), std::string::npos) << Cold.err;
  RunResult Warm = Scan({});
  EXPECT_NE(Warm.err.find(", 1 from the cache"), std::string::npos) << Warm.err;
  EXPECT_NE(Warm.err.find(Line), std::string::npos) << Warm.err;

  auto Listed = [](const llvm::json::Array *List) {
    std::string Text;
    for (const llvm::json::Value &E : List ? *List : llvm::json::Array())
      if (const llvm::json::Object *O = E.getAsObject())
        Text += O->getString("path").value_or("?").str() + " | " +
                O->getString("reason").value_or("?").str() + " | " +
                std::to_string(O->getInteger("files").value_or(-1)) + "\n";
    return Text;
  };
  const std::string Expected = "common/httplib.h | cpp-httplib, include guard "
                               "CPPHTTPLIB_HTTPLIB_H | 1\nthird_party/ | vendored folder | 2\n";
  RunResult Json = Scan({"-q", "--format", "json"});
  EXPECT_EQ(Json.err, "");
  auto Doc = llvm::json::parse(Json.out);
  ASSERT_TRUE(bool(Doc)) << Json.out;
  EXPECT_EQ(Listed(Doc->getAsObject()->getArray("libraryCode")), Expected);
  RunResult Sarif = Scan({"-q", "--format", "sarif"});
  auto Run = llvm::json::parse(Sarif.out);
  ASSERT_TRUE(bool(Run)) << Sarif.out;
  const llvm::json::Object *Props =
      (*Run->getAsObject()->getArray("runs"))[0].getAsObject()->getObject("properties");
  ASSERT_NE(Props, nullptr) << Sarif.out;
  EXPECT_EQ(Listed(Props->getArray("libraryCode")), Expected);

  RunResult Shard = Scan({"-q", "--no-cache", "--shard", "1/1", "--facts-out",
                          Out.file("shard1.json")});
  ASSERT_EQ(Shard.code, 0) << Shard.err;
  RunResult Merged = run({"merge", Out.file("shard1.json"), "--format", "json"});
  ASSERT_EQ(Merged.code, 0) << Merged.err;
  EXPECT_NE(Merged.err.find(Line), std::string::npos) << Merged.err;
  auto MergedDoc = llvm::json::parse(Merged.out);
  ASSERT_TRUE(bool(MergedDoc)) << Merged.out;
  EXPECT_EQ(Listed(MergedDoc->getAsObject()->getArray("libraryCode")), Expected);
}

// Library code's plain function bodies are not read; `vendored: []` makes the same file the
// project's, so its facts are extracted again (the cache key holds what decides library code).
TEST(CliCache, WhatIsLibraryCodeDecidesWhichBodiesAreRead) {
  TempDir T, C;
  T.write("third_party/lib/last.h", "#pragma once\n#include <string>\n"
                                    "inline std::string g_lib_last;\n"
                                    "inline void lib_note(const char *s) { g_lib_last = s; }\n");
  T.write("src/main.cpp", "#include \"../third_party/lib/last.h\"\n#include <functional>\n"
                          "struct Server {\n  void add_tool(const char *, std::function<void()>);\n"
                          "  void run();\n};\n"
                          "int main() {\n  Server s;\n  s.add_tool(\"t\", [] { lib_note(\"t\"); });\n"
                          "  s.run();\n}\n");
  auto Scan = [&] {
    return run({"scan", T.file("src"), "--root", T.path(), "--cache-dir", C.path(), "--format",
                "json", "--fail-on", "never"});
  };
  RunResult Library = Scan();
  ASSERT_EQ(Library.code, 0) << Library.err;
  EXPECT_EQ(Library.out.find("g_lib_last\""), std::string::npos) << Library.out;
  T.write(".state-audit.yaml", "vendored: []\n");
  RunResult Own = Scan();
  ASSERT_EQ(Own.code, 0) << Own.err;
  EXPECT_NE(Own.out.find("is written while serving requests (handler 't' (add_tool) → lib_note"),
            std::string::npos)
      << Own.out;
}

} // namespace
