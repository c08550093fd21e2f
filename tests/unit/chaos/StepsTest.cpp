#include "chaos/Steps.h"

#include "gtest/gtest.h"

using namespace sa::chaos;
namespace json = llvm::json;

namespace {

std::vector<Step> parseOk(llvm::StringRef Text, llvm::StringRef Name = "steps.yaml") {
  llvm::Expected<std::vector<Step>> S = parseSteps(Text, Name);
  if (!S) {
    ADD_FAILURE() << llvm::toString(S.takeError());
    return {};
  }
  return std::move(*S);
}

std::string parseError(llvm::StringRef Text, llvm::StringRef Name = "steps.yaml") {
  llvm::Expected<std::vector<Step>> S = parseSteps(Text, Name);
  if (S) {
    ADD_FAILURE() << "parsed, but should not have: " << Text.str();
    return "";
  }
  return llvm::toString(S.takeError());
}

TEST(ChaosSteps, YamlStepsWithArgumentsAndExpectations) {
  std::vector<Step> S = parseOk(R"(steps:
  - call: remember
    arguments: {title: "chaos ${run}", tags: [chaos], count: 3, ratio: 0.5, on: true}
  - name: read back
    call: recall
    arguments:
      tag: chaos
    expect:
      - title: "chaos ${run}"
  - method: resources/read
    params: {uri: "notes://all"}
  - sse: true
)");
  ASSERT_EQ(S.size(), 4u);
  EXPECT_EQ(S[0].kind, Step::Kind::ToolCall);
  EXPECT_EQ(S[0].name, "remember");
  EXPECT_EQ(S[0].target, "remember");
  EXPECT_EQ(S[0].line, 2u);
  EXPECT_EQ(S[0].arguments.getString("title"), std::optional<llvm::StringRef>("chaos ${run}"));
  EXPECT_EQ(S[0].arguments.getInteger("count"), std::optional<int64_t>(3));
  EXPECT_EQ(S[0].arguments.getNumber("ratio"), std::optional<double>(0.5));
  EXPECT_EQ(S[0].arguments.getBoolean("on"), std::optional<bool>(true));
  EXPECT_FALSE(S[0].expect);
  EXPECT_EQ(S[1].name, "read back");
  EXPECT_EQ(S[1].line, 4u);
  ASSERT_TRUE(S[1].expect);
  EXPECT_EQ(*S[1].expect, json::Value(json::Array{json::Object{{"title", "chaos ${run}"}}}));
  EXPECT_EQ(S[2].kind, Step::Kind::Request);
  EXPECT_EQ(S[2].target, "resources/read");
  EXPECT_EQ(S[2].arguments.getString("uri"), std::optional<llvm::StringRef>("notes://all"));
  EXPECT_EQ(S[3].kind, Step::Kind::Stream);
  EXPECT_EQ(S[3].name, "sse");
}

TEST(ChaosSteps, JsonIsReadToo) {
  std::vector<Step> S = parseOk(R"([{"call": "remember", "arguments": {"title": "x", "n": "3"}},
 {"call": "recall", "arguments": {"tag": "t"}, "expect": [{"title": "x"}]}])",
                                "steps.json");
  ASSERT_EQ(S.size(), 2u);
  // A quoted number stays a string.
  EXPECT_EQ(S[0].arguments.getString("n"), std::optional<llvm::StringRef>("3"));
  EXPECT_EQ(S[1].target, "recall");
}

// Issue 25, D6: a file saved by a Windows editor starts with a byte order mark; it is read as
// the same file without it, and a problem is placed where the editor shows it.
TEST(ChaosSteps, ByteOrderMarkIsSkipped) {
  std::vector<Step> Y = parseOk("\xEF\xBB\xBFsteps:\n  - call: remember\n");
  ASSERT_EQ(Y.size(), 1u);
  EXPECT_EQ(Y[0].target, "remember");
  std::vector<Step> J = parseOk("\xEF\xBB\xBF[{\"call\": \"recall\"}]", "steps.json");
  ASSERT_EQ(J.size(), 1u);
  EXPECT_EQ(J[0].target, "recall");
  EXPECT_EQ(parseError("\xEF\xBB\xBFsteps:\n  - call: [remember\n"),
            parseError("steps:\n  - call: [remember\n"));
}

TEST(ChaosSteps, ProblemsNameTheFileTheLineAndTheStep) {
  EXPECT_EQ(parseError("steps:\n  - call: remember\n  - calll: recall\n"),
            "steps.yaml:3: step 2: unknown key 'calll' (expected name, call, method, sse, "
            "arguments, params, expect)");
  EXPECT_EQ(parseError("- call: a\n  method: b\n"),
            "steps.yaml:1: step 1: needs exactly one of 'call' (a tool), 'method' (a JSON-RPC "
            "request) or 'sse: true' (the GET stream)");
  EXPECT_EQ(parseError("- call: a\n  arguments: [1]\n"),
            "steps.yaml:1: step 1: 'arguments' must be a mapping");
  EXPECT_EQ(parseError("- method: initialize\n"),
            "steps.yaml:1: step 1: 'initialize' is sent by the runner itself; a step sends a "
            "request");
  EXPECT_EQ(parseError("- sse: true\n  expect: 1\n"),
            "steps.yaml:1: step 1: 'expect' does not apply to the GET stream");
  EXPECT_EQ(parseError("- call: a\n  params: {}\n"),
            "steps.yaml:1: step 1: 'params' goes with 'method'; a tool call takes 'arguments'");
  EXPECT_EQ(parseError("steps: []\n"), "steps.yaml:1: the list of steps is empty");
  EXPECT_EQ(parseError("plan: []\n"),
            "steps.yaml:1: unknown key 'plan' (the file holds 'steps:')");
  EXPECT_EQ(parseError("just text\n"),
            "steps.yaml:1: expected a list of steps (or 'steps:' holding one)");
  EXPECT_EQ(parseError("- call: a\n  call: b\n"), "steps.yaml:2: duplicate key 'call'");
}

TEST(ChaosSteps, SyntaxErrorsCarryTheParsersMessage) {
  EXPECT_EQ(parseError("steps:\n  - call: [remember\n", "broken.yaml"),
            "broken.yaml:2: Could not find closing ]!");
}

// What crashed LLVM's YAML reader (it recurses once per level) is refused before it runs.
TEST(ChaosSteps, HostileNestingIsRefusedWithAMessage) {
  std::string Brackets = "steps: " + std::string(100000, '[') + std::string(100000, ']') + "\n";
  EXPECT_EQ(parseError(Brackets, "deep.yaml"),
            "deep.yaml:1:40: nested too deeply (more than 32 levels of brackets)");
  std::string Dashes;
  for (int I = 0; I < 50000; ++I)
    Dashes += "- ";
  EXPECT_EQ(parseError(Dashes + "x\n", "dashes.yaml"), "dashes.yaml:1:65: nested too deeply");
  std::string Json = "{\"steps\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  EXPECT_EQ(parseError(Json, "deep.json"),
            "deep.json:1:42: nested too deeply (more than 32 levels of brackets)");
  EXPECT_EQ(parseError("- call: *a\n"),
            "steps.yaml:1:9: an alias is not supported in a step file (quote a value that "
            "starts with '*')");
  EXPECT_EQ(parseError("- call: a\n---\n- call: b\n"),
            "steps.yaml:2: only one document is allowed");
  EXPECT_EQ(parseError(std::string(MaxStepFileBytes + 1, ' '), "big.yaml"),
            "big.yaml: too large for a step file (at most 1 MiB)");
}

// Found by fuzz_chaos: a broken flow mapping after '---' left the reader with a node whose
// place is outside the text, and asking for its line crashed.
TEST(ChaosSteps, ABrokenDocumentIsASyntaxErrorNotACrash) {
  std::string Error = parseError("--- {\"st# The se");
  EXPECT_EQ(Error.rfind("steps.yaml:", 0), 0u) << Error;
}

TEST(ChaosSteps, MissingFile) {
  llvm::Expected<std::vector<Step>> S = loadSteps("/nonexistent/steps.yaml");
  ASSERT_FALSE(S);
  EXPECT_EQ(llvm::toString(S.takeError()),
            "/nonexistent/steps.yaml: cannot read the step file: No such file or directory");
}

TEST(ChaosSteps, RunTokenIsSubstitutedEverywhere) {
  json::Value V = json::Object{{"t", "a-${run}-${run}"},
                               {"l", json::Array{"${run}", 3}},
                               {"o", json::Object{{"k", "${run}x"}}}};
  EXPECT_EQ(substituteRun(V, "R1"),
            json::Value(json::Object{{"t", "a-R1-R1"},
                                     {"l", json::Array{"R1", 3}},
                                     {"o", json::Object{{"k", "R1x"}}}}));
}

TEST(ChaosSteps, ExpectationIsASubsetMatch) {
  json::Value Notes = json::Array{json::Object{{"id", 2}, {"title", "b"}, {"tags", json::Array{"x"}}},
                                  json::Object{{"id", 1}, {"title", "a"}}};
  EXPECT_TRUE(matchesExpectation(json::Array{json::Object{{"title", "a"}}}, Notes));
  EXPECT_TRUE(matchesExpectation(
      json::Array{json::Object{{"title", "a"}}, json::Object{{"tags", json::Array{"x"}}}}, Notes));
  EXPECT_FALSE(matchesExpectation(json::Array{json::Object{{"title", "c"}}}, Notes));
  EXPECT_FALSE(matchesExpectation(json::Object{{"title", "a"}}, Notes));
  EXPECT_TRUE(matchesExpectation(json::Object{{"id", 1.0}}, json::Object{{"id", 1}}));
  EXPECT_FALSE(matchesExpectation(json::Object{{"id", 1}}, json::Object{{"id", "1"}}));
  EXPECT_TRUE(matchesExpectation(json::Array{}, json::Array{}));
  EXPECT_FALSE(matchesExpectation(json::Array{json::Object{}}, json::Array{}));
}

TEST(ChaosSteps, DefaultScenarioListsAndStreamsTwice) {
  std::vector<Step> S = defaultSteps();
  ASSERT_EQ(S.size(), 4u);
  EXPECT_EQ(S[0].target, "tools/list");
  EXPECT_EQ(S[1].kind, Step::Kind::Stream);
  EXPECT_EQ(S[2].target, "tools/list");
  EXPECT_EQ(S[3].kind, Step::Kind::Stream);
}

} // namespace
