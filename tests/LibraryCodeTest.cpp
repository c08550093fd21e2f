// Library code: vendored folders, submodules, linguist-vendored, include guards, and the
// configuration's `vendored:` list; the shipped knowledge file itself.
#include "TestSupport.h"

#include "config/Config.h"
#include "facts/LibraryNames.h"
#include "program/EntryPoints.h"
#include "review/LibraryCode.h"

#include <algorithm>

#include <gtest/gtest.h>

namespace sa {
namespace {

using sa::testing::TempDir;

} // namespace

void PrintTo(const LibraryVerdict &V, std::ostream *OS) { *OS << V.scope << " (" << V.reason << ")"; }

namespace {

const char *const HttplibHead = "//\n//  httplib.h\n//\n/* licence\n   text */\n"
                                "#ifndef CPPHTTPLIB_HTTPLIB_H\n#define CPPHTTPLIB_HTTPLIB_H\n"
                                "namespace httplib { int x; }\n#endif\n";

TEST(Knowledge, TheShippedFileParsesAndHoldsEveryFamily) {
  const Knowledge &K = builtinKnowledge();
  EXPECT_FALSE(K.vendoredFolders.empty());
  EXPECT_FALSE(K.libraries.empty());
  EXPECT_FALSE(K.entryPoints.registrationCalls.empty());
  EXPECT_FALSE(K.entryPoints.handlerMethods.empty());
  // The entry-point defaults are the shipped lists.
  EXPECT_EQ(EntryPointOptions::defaults().registrationCalls, K.entryPoints.registrationCalls);
  EXPECT_FALSE(K.statements.empty());
  EXPECT_FALSE(K.storeClients.empty());
  EXPECT_FALSE(K.poolClasses.empty());
  EXPECT_FALSE(K.infrastructure.empty());
}

TEST(Knowledge, StoreClientsCountProjectClassesOnlyWhenMarked) {
  const StoreClientNames &C = StoreClientNames::builtin();
  EXPECT_TRUE(C.matches("redisContext", /*Library=*/true));
  EXPECT_TRUE(C.matches("PGconn", true));
  EXPECT_TRUE(C.matches("OrdersClient", /*Library=*/false)); // project-classes: true
  EXPECT_TRUE(C.matches("SqlConnection", true));
  EXPECT_FALSE(C.matches("SqlConnection", false)); // the project's Connection keeps buffers
  EXPECT_FALSE(C.matches("SessionTable", true));
}

TEST(Knowledge, ConnectionPoolsByClassAndWhatIsNoConnectionPool) {
  const Knowledge &K = builtinKnowledge();
  PoolClassNames Pools(K.poolClasses, K.notPoolClasses);
  ASSERT_NE(Pools.match("PgPool"), nullptr);
  EXPECT_EQ(Pools.match("PgPool")->sizeArg, -1); // the first integer argument
  ASSERT_NE(Pools.match("connection_pool"), nullptr);
  EXPECT_EQ(Pools.match("connection_pool")->library, "SOCI");
  EXPECT_EQ(Pools.match("connection_pool")->sizeArg, 0);
  EXPECT_EQ(Pools.match("ThreadPool"), nullptr);
  EXPECT_EQ(Pools.match("MemoryPool"), nullptr);
  EXPECT_EQ(Pools.match("Server"), nullptr);
}

TEST(Knowledge, InfrastructureKindsAreChecked) {
  auto K = parseKnowledge("infrastructure:\n  - {kind: cache, library: x, types: [Y]}\n", "k.yaml");
  ASSERT_FALSE(K);
  std::string Message = llvm::toString(K.takeError());
  EXPECT_NE(Message.find("k.yaml:2"), std::string::npos) << Message;
  EXPECT_NE(Message.find("unknown infrastructure kind 'cache'"), std::string::npos) << Message;
}

TEST(Knowledge, UnknownKeysAreErrorsNamingTheFile) {
  auto K = parseKnowledge("libraries:\n  - name: x\n    guards: [X]\n", "my.yaml");
  ASSERT_FALSE(K);
  std::string Message = llvm::toString(K.takeError());
  EXPECT_NE(Message.find("my.yaml:3"), std::string::npos) << Message;
  EXPECT_NE(Message.find("guards"), std::string::npos) << Message;
}

TEST(Knowledge, TheConfigurationExtendsIt) {
  auto C = parseConfig("knowledge:\n  entry-points:\n    registration-calls: [route_me]\n"
                       "  libraries:\n    - name: mylib\n      include-guards: [MYLIB_H]\n",
                       ".state-audit.yaml");
  ASSERT_TRUE(bool(C)) << llvm::toString(C.takeError());
  Knowledge K = C->effectiveKnowledge();
  EXPECT_EQ(K.libraries.back().name, "mylib");
  EXPECT_EQ(K.libraries.size(), builtinKnowledge().libraries.size() + 1);
  const auto &Calls = C->linkOptions().entryPoints.registrationCalls;
  EXPECT_NE(std::find(Calls.begin(), Calls.end(), "route_me"), Calls.end());
  EXPECT_NE(std::find(Calls.begin(), Calls.end(), "add_tool"), Calls.end());
}

TEST(IncludeGuard, FirstTwoDirectivesAfterComments) {
  EXPECT_EQ(includeGuard(HttplibHead), "CPPHTTPLIB_HTTPLIB_H");
  EXPECT_EQ(includeGuard("#pragma once\n#if !defined(FOO_H)\n#define FOO_H\n"), "FOO_H");
  EXPECT_EQ(includeGuard("#ifndef A\n#define B\n"), "");
  EXPECT_EQ(includeGuard("int x;\n#ifndef A\n#define A\n"), "");
  EXPECT_EQ(includeGuard("#include <x>\n#ifndef A\n#define A\n"), "");
}

TEST(GitMetadata, SubmodulesAndLinguistVendored) {
  EXPECT_EQ(submodulePaths("[submodule \"json\"]\n\tpath = ext/json\n\turl = x\n"),
            std::vector<std::string>{"ext/json"});
  EXPECT_EQ(linguistVendoredPatterns("# c\nlib/** linguist-vendored\nsrc/* -linguist-vendored\n"
                                     "gen.h linguist-generated linguist-vendored=true\n"
                                     "keep/** linguist-vendored=false\n"),
            (std::vector<std::string>{"lib/**", "gen.h"}));
}

TEST(LibraryCode, RecognisedByFolderGuardSubmoduleAndAttributes) {
  TempDir T;
  T.write("common/httplib.h", HttplibHead);
  T.write("common/util.h", "#ifndef UTIL_H\n#define UTIL_H\nint y;\n#endif\n");
  T.write("third_party/asio/x.hpp", "int z;\n");
  T.write("src/Vendor/a.h", "int z;\n");
  T.write("ext/json/j.h", "int z;\n");
  T.write("gen/g.h", "int z;\n");
  T.write(".gitmodules", "[submodule \"json\"]\n\tpath = ext/json\n");
  T.write(".gitattributes", "gen/** linguist-vendored\n");
  LibraryCode L(T.path(), builtinKnowledge(), LibraryCodeOptions{});
  EXPECT_EQ(L.why("common/httplib.h"),
            (LibraryVerdict{"common/httplib.h", "cpp-httplib, include guard CPPHTTPLIB_HTTPLIB_H"}));
  EXPECT_EQ(L.why("common/util.h"), std::nullopt);
  EXPECT_EQ(L.why("third_party/asio/x.hpp"), (LibraryVerdict{"third_party/", "vendored folder"}));
  EXPECT_EQ(L.why("src/Vendor/a.h"), (LibraryVerdict{"src/Vendor/", "vendored folder"}));
  EXPECT_EQ(L.why("ext/json/j.h"), (LibraryVerdict{"ext/json/", "git submodule"}));
  EXPECT_EQ(L.why("gen/g.h"), (LibraryVerdict{"gen/", "linguist-vendored"}));
  // A file named like a vendored folder is not in one.
  EXPECT_EQ(L.why("src/vendor.cpp"), std::nullopt);
}

// What a run says it treated as library code: each folder once with its file count, a file
// recognised by its include guard by name, and how to analyse the first as the project's own.
TEST(LibraryCode, ScopesGroupTheFilesReadUnderWhatCoversThem) {
  TempDir T;
  T.write("common/httplib.h", HttplibHead);
  T.write("src/server.cpp", "int x;\n");
  T.write("third_party/a/x.h", "int z;\n");
  T.write("third_party/b/y.h", "int z;\n");
  T.write("include/nlohmann/json.hpp", "int z;\n");
  T.write(".gitattributes", "gen.h linguist-vendored\n");
  T.write("gen.h", "int z;\n");
  LibraryCode L(T.path(), builtinKnowledge(), LibraryCodeOptions{});
  std::vector<LibraryScope> Scopes =
      libraryScopes({"third_party/b/y.h", "src/server.cpp", "common/httplib.h", "gen.h",
                     "third_party/a/x.h", "include/nlohmann/json.hpp", "third_party/a/x.h"},
                    L);
  ASSERT_EQ(Scopes.size(), 4u);
  EXPECT_EQ(Scopes[0].scope, "common/httplib.h");
  EXPECT_EQ(Scopes[0].reason, "cpp-httplib, include guard CPPHTTPLIB_HTTPLIB_H");
  EXPECT_EQ(Scopes[1].scope, "gen.h");
  EXPECT_EQ(Scopes[1].reason, "linguist-vendored");
  EXPECT_EQ(Scopes[2].scope, "include/nlohmann/");
  EXPECT_EQ(Scopes[2].reason, "nlohmann-json's folder");
  EXPECT_EQ(Scopes[3].scope, "third_party/");
  EXPECT_EQ(Scopes[3].files, 2u);
  EXPECT_EQ(libraryCodeLine(Scopes),
            "treated as library code (no findings; only the bodies of its templates are read): "
            "common/httplib.h (cpp-httplib, include guard CPPHTTPLIB_HTTPLIB_H), gen.h "
            "(linguist-vendored), include/nlohmann/ (nlohmann-json's folder, 1 file), "
            "third_party/ (vendored folder, 2 files); to analyse common/httplib.h as the "
            "project's own: vendored: [default, \"!common/httplib.h\"] in .state-audit.yaml");
  EXPECT_EQ(libraryCodeLine({}), "");
}

TEST(LibraryCode, TheConfigurationListReplacesTheDetection) {
  TempDir T;
  T.write("common/httplib.h", HttplibHead);
  T.write("third_party/x.h", "int z;\n");
  T.write("src/ext/y.h", "int z;\n");
  auto Options = [](std::vector<std::string> L) {
    return LibraryCodeOptions::fromConfig(std::optional<std::vector<std::string>>(L));
  };
  LibraryCode None(T.path(), builtinKnowledge(), Options({}));
  EXPECT_EQ(None.why("common/httplib.h"), std::nullopt);
  EXPECT_EQ(None.why("third_party/x.h"), std::nullopt);

  LibraryCode More(T.path(), builtinKnowledge(), Options({"default", "src/ext", "!common"}));
  EXPECT_EQ(More.why("src/ext/y.h"), (LibraryVerdict{"src/ext/", "configured as vendored"}));
  EXPECT_EQ(More.why("third_party/x.h"), (LibraryVerdict{"third_party/", "vendored folder"}));
  EXPECT_EQ(More.why("common/httplib.h"), std::nullopt);
}

TEST(LibraryCode, PatternsOutliveTheStringsTheyCameFrom) {
  TempDir T;
  T.write("common/httplib.h", HttplibHead);
  std::optional<LibraryCode> L;
  {
    Knowledge K = builtinKnowledge(); // destroyed before the look-up
    L.emplace(T.path(), K, LibraryCodeOptions::fromConfig(std::vector<std::string>{"default"}));
  }
  EXPECT_TRUE(L->why("common/httplib.h").has_value());
}

TEST(LibraryCode, ConfigurationRefusesBadEntries) {
  auto C = parseConfig("vendored: ['[a']\n", ".state-audit.yaml");
  ASSERT_FALSE(C);
  EXPECT_NE(llvm::toString(C.takeError()).find(".state-audit.yaml:1"), std::string::npos);
}

} // namespace
} // namespace sa
