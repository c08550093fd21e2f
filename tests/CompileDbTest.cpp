#include "driver/CompileDb.h"

#include "TestSupport.h"

#include <gtest/gtest.h>

using namespace sa;
using namespace sa::testing;

namespace {

std::string errorOf(llvm::Expected<std::vector<CompileCommand>> R) {
  EXPECT_FALSE(bool(R));
  return R ? std::string() : llvm::toString(R.takeError());
}

TEST(CompileDb, ReadsArgumentsAndCommandForms) {
  TempDir T;
  T.write("src/a.cpp", "");
  T.write("src/b.cpp", "");
  std::string Db = T.write("compile_commands.json", R"([
    {"directory": ")" + T.path() + R"(", "file": "src/a.cpp",
     "arguments": ["g++", "-Iinclude", "-DX=1", "-c", "src/a.cpp"]},
    {"directory": ")" + T.path() + R"(", "file": ")" + T.file("src/b.cpp") + R"(",
     "command": "c++ -DNAME=\"two words\" 'quoted arg' -c src/b.cpp"}
  ])");
  auto R = loadCompileDatabase(Db);
  ASSERT_TRUE(bool(R)) << llvm::toString(R.takeError());
  ASSERT_EQ(R->size(), 2u);
  EXPECT_EQ((*R)[0].file, T.file("src/a.cpp"));
  EXPECT_EQ((*R)[0].directory, T.path());
  EXPECT_EQ((*R)[0].arguments.size(), 5u);
  std::vector<std::string> Expected{"c++", "-DNAME=two words", "quoted arg", "-c", "src/b.cpp"};
  EXPECT_EQ((*R)[1].arguments, Expected);
}

TEST(CompileDb, ResolvesRelativeDirectoryAgainstTheDatabaseAndFileAgainstDirectory) {
  TempDir T;
  T.write("proj/src/main.cpp", "");
  std::string Db = T.write("proj/build/compile_commands.json",
                           R"([{"directory": "..", "file": "src/main.cpp",
                                "arguments": ["clang++", "src/main.cpp"]}])");
  auto R = loadCompileDatabase(Db);
  ASSERT_TRUE(bool(R)) << llvm::toString(R.takeError());
  ASSERT_EQ(R->size(), 1u);
  EXPECT_EQ((*R)[0].directory, T.file("proj"));
  EXPECT_EQ((*R)[0].file, T.file("proj/src/main.cpp"));
}

TEST(CompileDb, ExpandsResponseFilesRelativeToTheDirectory) {
  TempDir T;
  T.write("a.cpp", "");
  T.write("flags.rsp", "-DFROM_RSP=1 -Iinc\n");
  std::string Db = T.write("compile_commands.json", R"([{"directory": ")" + T.path() +
                                                        R"(", "file": "a.cpp",
     "arguments": ["g++", "@flags.rsp", "-c", "a.cpp"]}])");
  auto R = loadCompileDatabase(Db);
  ASSERT_TRUE(bool(R)) << llvm::toString(R.takeError());
  std::vector<std::string> Expected{"g++", "-DFROM_RSP=1", "-Iinc", "-c", "a.cpp"};
  EXPECT_EQ((*R)[0].arguments, Expected);
}

TEST(CompileDb, KeepsEachFileOnceEvenWhenListedTwiceUnderDifferentSpellings) {
  TempDir T;
  T.write("a.cpp", "");
  std::string Db = T.write("compile_commands.json", R"([
    {"directory": ")" + T.path() + R"(", "file": "a.cpp", "arguments": ["g++", "-DFIRST", "a.cpp"]},
    {"directory": ")" + T.path() + R"(", "file": "./x/../a.cpp", "arguments": ["g++", "-DSECOND", "a.cpp"]}
  ])");
  auto R = loadCompileDatabase(Db);
  ASSERT_TRUE(bool(R));
  ASSERT_EQ(R->size(), 1u);
  EXPECT_EQ((*R)[0].arguments[1], "-DFIRST");
}

TEST(CompileDb, MalformedJsonNamesFileLineAndColumn) {
  TempDir T;
  std::string Db = T.write("compile_commands.json", "[\n  {\"directory\": \"/x\",\n   \"file\" \"a.cpp\"}\n]");
  std::string E = errorOf(loadCompileDatabase(Db));
  EXPECT_NE(E.find("compile_commands.json:3:"), std::string::npos) << E;
  EXPECT_NE(E.find("not valid JSON"), std::string::npos) << E;
}

TEST(CompileDb, BadEntriesAreNamedByPosition) {
  TempDir T;
  auto Check = [&](const std::string &Json, const std::string &Want) {
    std::string Db = T.write("compile_commands.json", Json);
    std::string E = errorOf(loadCompileDatabase(Db));
    EXPECT_NE(E.find(Want), std::string::npos) << E;
    EXPECT_NE(E.find("compile_commands.json"), std::string::npos) << E;
  };
  Check(R"({"directory": "/"})", "expected a JSON array");
  Check(R"([{"file": "a.cpp", "command": "cc a.cpp"}])", "entry 1: missing \"directory\"");
  Check(R"([{"directory": "/", "file": "a.cpp", "command": "cc a.cpp"},
             {"directory": "/", "command": "cc a.cpp"}])",
        "entry 2: missing \"file\"");
  Check(R"([{"directory": "/", "file": "a.cpp"}])", "entry 1: needs \"arguments\"");
  Check(R"([{"directory": "/", "file": "a.cpp", "arguments": ["cc", 3]}])",
        "entry 1: \"arguments\" must be an array of strings");
  Check(R"([1])", "entry 1: expected an object");
}

TEST(CompileDb, UnreadableFileIsAnError) {
  TempDir T;
  std::string E = errorOf(loadCompileDatabase(T.file("missing.json")));
  EXPECT_NE(E.find("missing.json: cannot read"), std::string::npos) << E;
}

TEST(CompileDb, FindsTheDatabaseUpward) {
  TempDir T;
  std::string Db = T.write("compile_commands.json", "[]");
  T.write("src/deep/x.cpp", "");
  EXPECT_EQ(findCompileDatabase(T.file("src/deep/x.cpp")), Db);
  EXPECT_EQ(findCompileDatabase(T.file("src/deep")), Db);
}

} // namespace
