#include "driver/CommandAdjuster.h"
#include "extract/Extractor.h"

#include "TestSupport.h"

#include "clang/Driver/Options.h"
#include "llvm/Option/OptTable.h"
#include "llvm/Option/Option.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <unistd.h>

using namespace sa;
using namespace sa::testing;

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

bool refused(const AdjustedCommand &A, const std::string &Option, RefusedBecause Why) {
  return std::any_of(A.refused.begin(), A.refused.end(), [&](const RefusedOption &R) {
    return R.option == Option && R.why == Why;
  });
}

TEST(CommandAdjuster, KeepsWhatShapesTheParse) {
  AdjustedCommand A = adjustCommand(
      {"g++", "-Iinc", "-isystem", "sys", "-iquote", "q", "-idirafter", "after", "-DX=1", "-UY",
       "-include", "pre.h", "-std=c++20", "-fno-exceptions", "-fms-extensions",
       "-ftemplate-depth=2000", "-march=x86-64-v3", "--target=aarch64-linux-gnu", "-x", "c++",
       "-nostdinc++", "-O2", "-pthread", "-c", "a.cpp"},
      "/p/a.cpp", {});
  std::vector<std::string> Expected = {
      "clang++", "-Iinc", "-isystem", "sys", "-iquote", "q", "-idirafter", "after", "-DX=1",
      "-UY", "-include", "pre.h", "-std=c++20", "-fno-exceptions", "-fms-extensions",
      "-ftemplate-depth=2000", "-march=x86-64-v3", "--target=aarch64-linux-gnu", "-x", "c++",
      "-nostdinc++", "-O2", "-pthread", "-fsyntax-only", "-w", "-fno-color-diagnostics",
      "--no-default-config", "/p/a.cpp"};
  EXPECT_EQ(A.arguments, Expected);
  EXPECT_TRUE(A.refused.empty());
  EXPECT_TRUE(A.dropped.empty());
}

// The compile database is the attacker's: what it asks clang to write or load is refused and
// named, whatever the spelling; a value never gets separated from its option.
TEST(CommandAdjuster, RefusesWhatWritesLoadsOrPassesArgumentsOn) {
  AdjustedCommand A = adjustCommand(
      {"clang++", "--serialize-diagnostics", "/v/a", "-Wp,-MD,/v/b", "-Xpreprocessor", "-MD",
       "-Xclang", "-load", "-Xclang", "/v/evil.so", "-fplugin=/v/evil.so", "-ftime-trace=/v/t",
       "-save-temps", "-fmodules-cache-path=/v/m", "-fprofile-instr-generate=/v/p",
       "-gsplit-dwarf", "-Xlinker", "-plugin", "-Xanalyzer", "-x", "-Xarch_x86_64",
       "-Wp,-MD,/v/c", "-mllvm", "-load=/v/evil.so", "-c", "a.cpp"},
      "/p/a.cpp", {});
  for (const std::string &Arg : A.arguments)
    EXPECT_EQ(Arg.find("/v/"), std::string::npos) << Arg;
  EXPECT_TRUE(refused(A, "--serialize-diagnostics", RefusedBecause::Writes));
  EXPECT_TRUE(refused(A, "-ftime-trace=", RefusedBecause::Writes));
  EXPECT_TRUE(refused(A, "-save-temps", RefusedBecause::Writes));
  EXPECT_TRUE(refused(A, "-fmodules-cache-path=", RefusedBecause::Writes));
  EXPECT_TRUE(refused(A, "-fprofile-instr-generate=", RefusedBecause::Writes));
  EXPECT_TRUE(refused(A, "-gsplit-dwarf", RefusedBecause::Writes));
  EXPECT_TRUE(refused(A, "-fplugin=", RefusedBecause::Loads));
  EXPECT_TRUE(refused(A, "-mllvm", RefusedBecause::Loads));
  EXPECT_TRUE(refused(A, "-Wp,", RefusedBecause::PassesOn));
  EXPECT_TRUE(refused(A, "-Xpreprocessor", RefusedBecause::PassesOn));
  EXPECT_TRUE(refused(A, "-Xclang", RefusedBecause::PassesOn));
  EXPECT_TRUE(refused(A, "-Xlinker", RefusedBecause::PassesOn));
  EXPECT_TRUE(refused(A, "-Xanalyzer", RefusedBecause::PassesOn));
  EXPECT_TRUE(refused(A, "-Xarch_", RefusedBecause::PassesOn));
}

TEST(CommandAdjuster, AnOptionMissingItsValueAtTheEndIsDropped) {
  // Kept, it would take the next argument (ours) as its value.
  for (const char *Last : {"--serialize-diagnostics", "-include", "-o", "-Xclang", "-MF"}) {
    AdjustedCommand A = adjustCommand({"clang++", "-DX", Last}, "/p/a.cpp", {});
    EXPECT_EQ(std::count(A.arguments.begin(), A.arguments.end(), std::string(Last)), 0) << Last;
    EXPECT_EQ(A.arguments[1], "-DX");
    EXPECT_EQ(A.arguments[2], "-fsyntax-only");
  }
}

TEST(CommandAdjuster, OnlySourceLanguagesForDashX) {
  for (const char *Lang : {"ast", "pcm", "precompiled-header", "f95", "ir"}) {
    AdjustedCommand A = adjustCommand({"clang++", "-x", Lang}, "/p/a.cpp", {});
    EXPECT_FALSE(has(A.arguments, "-x")) << Lang;
  }
  for (const char *Lang : {"c", "c++", "c++-header", "none"}) {
    AdjustedCommand A = adjustCommand({"clang++", "-x", Lang}, "/p/a.cpp", {});
    EXPECT_TRUE(has(A.arguments, Lang)) << Lang;
  }
}

/// The arguments that exercise an option of the driver's table with `Value` as its value.
std::vector<std::string> instanceOf(const llvm::opt::Option &O, const std::string &Value) {
  std::string Name = O.getPrefixedName().str();
  switch (O.getKind()) {
  case llvm::opt::Option::FlagClass:
    return {Name};
  case llvm::opt::Option::JoinedClass:
  case llvm::opt::Option::CommaJoinedClass:
  case llvm::opt::Option::ValuesClass:
    return {Name + Value};
  case llvm::opt::Option::SeparateClass:
  case llvm::opt::Option::JoinedOrSeparateClass:
  case llvm::opt::Option::RemainingArgsClass:
  case llvm::opt::Option::RemainingArgsJoinedClass:
    return {Name, Value};
  case llvm::opt::Option::JoinedAndSeparateClass:
    return {Name + "x86_64", Value};
  case llvm::opt::Option::MultiArgClass: {
    std::vector<std::string> Args{Name};
    for (unsigned I = 0; I < O.getNumArgs(); ++I)
      Args.push_back(Value);
    return Args;
  }
  default:
    return {};
  }
}

/// Every name in a directory.
std::vector<std::string> listing(const std::string &Dir) {
  std::vector<std::string> Names;
  std::error_code EC;
  for (llvm::sys::fs::directory_iterator It(Dir, EC), End; It != End && !EC; It.increment(EC))
    Names.push_back(It->path());
  std::sort(Names.begin(), Names.end());
  return Names;
}

// Whatever the compile database says, a parse writes nothing: every option of clang's driver
// with a value naming a file, and the ways of passing raw arguments to clang's stages that
// the hostile-input cases used. Relative outputs would land in the working directory, which
// is the (empty) output directory too.
TEST(CommandAdjuster, NoCompileCommandMakesTheParseWriteAFile) {
  TempDir T, Out;
  std::string Src = T.write("a.c", "int x;\n");
  std::string V = Out.file("victim");
  const llvm::opt::OptTable &Table = clang::driver::getDriverOptTable();
  std::vector<std::vector<std::string>> Commands = {
      {"--serialize-diagnostics", V},
      {"-Wp,-MD," + V},
      {"-Wp,-MMD," + V},
      {"-Wp,-dependency-file," + V, "-Wp,-MT,\ntouch " + V + ";"},
      {"-Xpreprocessor", "-MD", "-Xpreprocessor", "-MF", "-Xpreprocessor", V},
      {"-Xclang", "-dependency-file", "-Xclang", V, "-Xclang", "-MT", "-Xclang", "x"},
      {"-Xclang", "-serialize-diagnostic-file", "-Xclang", V},
      {"-Xclang", "-diagnostic-log-file", "-Xclang", V},
      {"-Xclang", "-stats-file=" + V},
      {"-Xclang", "-header-include-file", "-Xclang", V, "-H"},
      {"-Xclang=-dependency-file", "-Xclang=" + V, "-Xclang=-MT", "-Xclang=x"},
      {"-MD", "-MF", V}, {"-MMD", "-MF" + V}, {"-M", "-MF", V}, {"-MJ", V},
      {"-o", V}, {"-o" + V}, {"--output=" + V},
      {"-save-temps"}, {"-save-temps=obj", "-o", V},
      {"-ftime-trace"}, {"-ftime-trace=" + V}, {"-ftime-trace", "-o", V},
      {"-fmodules", "-fcxx-modules", "-fmodules-cache-path=" + V},
      {"-fmodules", "-fimplicit-module-maps"},
      {"-fcrash-diagnostics-dir=" + V},
      {"-fprofile-instr-generate=" + V}, {"-fprofile-generate=" + V}, {"-ftest-coverage"},
      {"-fcoverage-mapping", "-fprofile-instr-generate"},
      {"-gsplit-dwarf", "-o", V}, {"-fsave-optimization-record", "-foptimization-record-file=" + V},
      {"-Xarch_x86_64", "-Wp,-MD," + V}, {"-Xanalyzer", "-analyzer-output=" + V},
      {"-Xlinker", "-o", "-Xlinker", V}, {"-fproc-stat-report=" + V},
      {"-emit-pch", "-o", V},
      {"--serialize-diagnostics"}};
  for (unsigned Id = 1; Id <= Table.getNumOptions(); ++Id) {
    llvm::opt::Option O = Table.getOption(Id);
    if (O.isValid() && O.hasVisibilityFlag(clang::driver::options::ClangOption))
      if (std::vector<std::string> Args = instanceOf(O, V); !Args.empty())
        Commands.push_back(Args);
  }
  ProjectPaths Paths(T.path(), {});
  ExtractOptions Options;
  llvm::SmallString<256> Cwd;
  llvm::sys::fs::current_path(Cwd);
  ASSERT_EQ(chdir(Out.path().c_str()), 0);
  unsigned Wrote = 0;
  for (const std::vector<std::string> &Args : Commands) {
    std::vector<std::string> Command{"clang"};
    Command.insert(Command.end(), Args.begin(), Args.end());
    Command.push_back("a.c");
    AdjustedCommand A = adjustCommand(Command, Src, {SA_CLANG_RESOURCE_DIR, {}});
    extractTU(Src, Out.path(), A.arguments, Paths, Options);
    std::vector<std::string> Written = listing(Out.path());
    if (Written.empty())
      continue;
    ++Wrote;
    ADD_FAILURE() << llvm::join(Args, " ") << " wrote " << llvm::join(Written, ", ");
    for (const std::string &W : Written)
      llvm::sys::fs::remove_directories(W);
  }
  ASSERT_EQ(chdir(Cwd.c_str()), 0);
  EXPECT_EQ(Wrote, 0u) << "of " << Commands.size() << " commands";
  EXPECT_GT(Commands.size(), 2000u);
}

} // namespace
