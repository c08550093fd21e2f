#include "config/Config.h"

#include "TestSupport.h"

#include <gtest/gtest.h>

using namespace sa;
using namespace sa::testing;

namespace {

std::string errorOf(llvm::Expected<Config> C) {
  EXPECT_FALSE(bool(C));
  return C ? std::string() : llvm::toString(C.takeError());
}

TEST(Config, EveryKey) {
  auto C = parseConfig(R"(
fail-on: note
exclude: [third_party, "*.pb.cc"]
rules:
  thread-local: {enabled: false}
  global-variable: {level: error}
entry-points:
  replace-defaults: false
  registration-calls: [expose]
  background-calls: [run_later]
  excluded-calls: [on_startup]
  handler-methods: ["*Plugin::serve"]
  functions: ["re:^api::"]
  long-lived-classes: [Cache]
connection-pools:
  max-instances: 12
  downstream-limit: 300
)",
                       "cfg.yaml");
  ASSERT_TRUE(bool(C)) << llvm::toString(C.takeError());
  EXPECT_EQ(C->failOn, std::optional<std::string>("note"));
  EXPECT_EQ(C->exclude, (std::vector<std::string>{"third_party", "*.pb.cc"}));
  EXPECT_FALSE(C->ruleEnabled("thread-local"));
  EXPECT_TRUE(C->ruleEnabled("static-local"));
  EXPECT_EQ(C->rules.at("global-variable").level, std::optional<Level>(Level::Error));
  LinkOptions L = C->linkOptions();
  // Additions extend the defaults.
  EXPECT_NE(std::find(L.entryPoints.registrationCalls.begin(), L.entryPoints.registrationCalls.end(),
                      "expose"),
            L.entryPoints.registrationCalls.end());
  EXPECT_NE(std::find(L.entryPoints.registrationCalls.begin(), L.entryPoints.registrationCalls.end(),
                      "add_tool"),
            L.entryPoints.registrationCalls.end());
  EXPECT_EQ(L.entryPoints.entryFunctions, (std::vector<std::string>{"re:^api::"}));
  EXPECT_EQ(L.entryPoints.longLivedClasses, (std::vector<std::string>{"Cache"}));
  EXPECT_EQ(L.pools.maxInstances, std::optional<std::int64_t>(12));
  EXPECT_EQ(L.pools.downstreamLimit, std::optional<std::int64_t>(300));
}

TEST(Config, ReplaceDefaults) {
  auto C = parseConfig("entry-points:\n  replace-defaults: true\n  registration-calls: [only]\n",
                       "cfg.yaml");
  ASSERT_TRUE(bool(C));
  EXPECT_EQ(C->linkOptions().entryPoints.registrationCalls, (std::vector<std::string>{"only"}));
  EXPECT_TRUE(C->linkOptions().entryPoints.backgroundCalls.empty());
}

TEST(Config, EmptyFileIsTheDefaults) {
  auto C = parseConfig("", "cfg.yaml");
  ASSERT_TRUE(bool(C));
  EXPECT_FALSE(C->failOn);
  EXPECT_TRUE(C->ruleEnabled("global-variable"));
}

TEST(Config, UnknownKeyNamesFileLineAndKey) {
  std::string E = errorOf(parseConfig("fail-on: error\nfial-on: warning\n", "proj/.state-audit.yaml"));
  EXPECT_NE(E.find("proj/.state-audit.yaml:2:1: unknown key 'fial-on'"), std::string::npos) << E;
  std::string Nested = errorOf(parseConfig("entry-points:\n  registration: [x]\n", "c.yaml"));
  EXPECT_NE(Nested.find("c.yaml:2:3: unknown key 'registration'"), std::string::npos) << Nested;
}

TEST(Config, BadValuesAreErrors) {
  EXPECT_NE(errorOf(parseConfig("rules:\n  global-variable: {level: fatal}\n", "c.yaml"))
                .find("c.yaml:2:"),
            std::string::npos);
  EXPECT_NE(errorOf(parseConfig("rules:\n  no-such-rule: {enabled: false}\n", "c.yaml"))
                .find("unknown rule 'no-such-rule'"),
            std::string::npos);
  EXPECT_NE(errorOf(parseConfig("fail-on: sometimes\n", "c.yaml")).find("fail-on must be"),
            std::string::npos);
  EXPECT_NE(errorOf(parseConfig("connection-pools: {max-instances: -3}\n", "c.yaml"))
                .find("max-instances must be between 1 and 1000000, got -3"),
            std::string::npos);
  EXPECT_NE(errorOf(parseConfig("connection-pools: {max-instances: ten}\n", "c.yaml")).find("c.yaml:1:"),
            std::string::npos);
  EXPECT_NE(errorOf(parseConfig("exclude: third_party\n", "c.yaml")).find("c.yaml:1:"),
            std::string::npos);
  std::string Pattern =
      errorOf(parseConfig("entry-points:\n  functions: [\"re:^api::(handle\"]\n", "c.yaml"));
  EXPECT_NE(Pattern.find("c.yaml:"), std::string::npos) << Pattern;
  EXPECT_NE(Pattern.find("bad regular expression"), std::string::npos) << Pattern;
  // A bad pattern is placed where it is written, not at its section's key.
  EXPECT_EQ(errorOf(parseConfig("entry-points:\n  functions:\n    - ok\n    - \"re:^api::(handle\"\n",
                                "c.yaml")),
            "c.yaml:4:8: entry-points: bad regular expression '^api::(handle': parentheses "
            "not balanced");
  std::string Knowledge = errorOf(parseConfig(
      "knowledge:\n  entry-points:\n    registration-calls: [\"a\", \"re:b(\"]\n", "c.yaml"));
  EXPECT_EQ(Knowledge.rfind("c.yaml:3:", 0), 0u) << Knowledge;
  EXPECT_FALSE(bool(parseConfig("entry-points:\n  long-lived-classes: [\"[unclosed\"]\n", "c.yaml")));
}

// A configuration is small: a file over 1 MB (200 000 `exclude` entries) is refused before it
// is read, as docs/configuration.md says.
TEST(Config, LargerThanOneMegabyteIsRefused) {
  TempDir T;
  std::string Entries = "exclude:\n";
  while (Entries.size() <= (1u << 20))
    Entries += "  - generated/some/long/path/to/exclude/*.cpp\n";
  std::string Path = T.write("big.yaml", Entries);
  EXPECT_EQ(errorOf(loadConfig(Path)), Path + ": too large for a configuration file (over 1 MB)");
  ASSERT_TRUE(bool(parseConfig(Entries, "big.yaml"))); // the size, not the entries
}

TEST(Config, FoundUpwardAndDumped) {
  TempDir T;
  std::string Path = T.write(".state-audit.yaml", "fail-on: warning\n");
  T.write("src/deep/a.cpp", "");
  EXPECT_EQ(findConfig(T.file("src/deep/a.cpp")), Path);
  auto C = loadConfig(Path);
  ASSERT_TRUE(bool(C));
  std::string Dump = dumpConfig(*C);
  EXPECT_NE(Dump.find("fail-on:         warning"), std::string::npos) << Dump;
  EXPECT_NE(Dump.find("add_tool"), std::string::npos); // the defaults are spelled out
  EXPECT_NE(Dump.find("global-variable:"), std::string::npos);
  // What is dumped reads back as the same configuration.
  auto Again = parseConfig(Dump, "dump.yaml");
  ASSERT_TRUE(bool(Again)) << llvm::toString(Again.takeError());
  auto Body = [](const std::string &D) { return D.substr(D.find('\n') + 1); }; // after "# from"
  EXPECT_EQ(Body(dumpConfig(*Again)), Body(Dump));
}

} // namespace
