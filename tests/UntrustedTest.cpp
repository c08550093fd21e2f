// Reading large untrusted JSON in parts (support/Untrusted.h): what the parts give is what the
// whole document gives, and whatever the splitter cannot take apart is read whole.
#include "support/Untrusted.h"

#include "llvm/Support/JSON.h"

#include <gtest/gtest.h>

using namespace sa;

namespace {

struct Read {
  std::string skeleton;
  std::vector<std::string> elements; // "at: element", in order
  unsigned skeletons = 0;
};

Read readInParts(llvm::StringRef Text, llvm::ArrayRef<llvm::StringRef> Path,
                 std::string *Error = nullptr) {
  Read R;
  llvm::Error E = parseJsonInParts(
      Text, Path,
      [&](const llvm::json::Value &S) {
        ++R.skeletons;
        R.elements.clear();
        llvm::raw_string_ostream(R.skeleton = "") << S;
        return llvm::Error::success();
      },
      [&](llvm::ArrayRef<size_t> At, const llvm::json::Value &V) {
        std::string Where;
        for (size_t I : At)
          Where += std::to_string(I) + ".";
        llvm::raw_string_ostream(Where) << ": " << V;
        R.elements.push_back(Where);
        return llvm::Error::success();
      });
  if (E) {
    EXPECT_NE(Error, nullptr) << llvm::toString(std::move(E));
    if (Error)
      *Error = llvm::toString(std::move(E));
  }
  return R;
}

const llvm::StringRef RunsResults[] = {"runs", "*", "results"};

TEST(ParseJsonInParts, SplitsTheArraysOnThePath) {
  std::string Text = R"({"version": "2.1.0", "runs": [
    {"tool": {"driver": {"name": "other"}}, "results": [{"a": 1}, {"b": "x,]}\"["}]},
    {"results": [], "tool": {"driver": {"name": "state-audit"}}},
    {"results": [[1, 2], "s", 3.5e2, true, null], "nested": {"results": [9]}}]})";
  std::optional<JsonParts> Parts = splitJson(Text, RunsResults);
  ASSERT_TRUE(Parts);
  EXPECT_EQ(Parts->arrays.size(), 3u);
  EXPECT_EQ(Parts->arrays[0].elements.size(), 2u);
  EXPECT_EQ(Parts->arrays[0].elements[1], R"({"b": "x,]}\"["})");
  EXPECT_EQ(Parts->arrays[2].at, std::vector<size_t>{2});
  Read R = readInParts(Text, RunsResults);
  EXPECT_EQ(R.skeletons, 1u);
  EXPECT_EQ(R.skeleton, R"({"runs":[{"results":[],"tool":{"driver":{"name":"other"}}},)"
                        R"({"results":[],"tool":{"driver":{"name":"state-audit"}}},)"
                        R"({"nested":{"results":[9]},"results":[]}],"version":"2.1.0"})");
  EXPECT_EQ(R.elements, (std::vector<std::string>{"0.: {\"a\":1}", "0.: {\"b\":\"x,]}\\\"[\"}",
                                                  "2.: [1,2]", "2.: \"s\"", "2.: 350",
                                                  "2.: true", "2.: null"}));
}

// A repeated key (the last one counts), an escaped key that means the step: read whole, to the
// same result as llvm::json's.
TEST(ParseJsonInParts, WhatDoesNotSplitIsReadWhole) {
  for (const char *Text :
       {R"({"findings": [1], "findings": [2, 3]})", R"({"find\u0069ngs": [2, 3]})"}) {
    EXPECT_FALSE(splitJson(Text, {"findings"})) << Text;
    Read R = readInParts(Text, {"findings"});
    EXPECT_EQ(R.skeletons, 1u);
    EXPECT_EQ(R.skeleton, R"({"findings":[]})");
    EXPECT_EQ(R.elements, (std::vector<std::string>{": 2", ": 3"})) << Text;
  }
}

// Not valid JSON, in the skeleton or in an element: the error of reading it whole.
TEST(ParseJsonInParts, ErrorsAreThoseOfTheWholeDocument) {
  struct Case {
    const char *text, *error;
  } Cases[] = {
      {R"({"findings": [{"a": 1}, {"a": tru}]})", "1:35: not valid JSON: Invalid JSON value (true?)"},
      {R"({"findings": [], "x": })", "1:24: not valid JSON: Invalid JSON value"},
      {"{\"findings\": [\"a\x01\"]}", "1:18: not valid JSON: Control character in string"},
      {R"({"findings": [1,]})", "1:18: not valid JSON: Invalid JSON value"},
      // One byte order mark is skipped, a second is text (found by fuzz_json_parts).
      {"\xEF\xBB\xBF\xEF\xBB\xBF", "1:2: not valid JSON: Invalid JSON value"},
  };
  for (const Case &C : Cases) {
    std::string Error;
    readInParts(C.text, {"findings"}, &Error);
    llvm::Expected<llvm::json::Value> Whole = parseUntrustedJson(C.text);
    ASSERT_FALSE(Whole) << C.text;
    EXPECT_EQ(Error, llvm::toString(Whole.takeError())) << C.text;
    EXPECT_EQ(Error, C.error) << C.text;
  }
  std::string Deep = "{\"findings\": " + std::string(1000, '[') + std::string(1000, ']') + "}";
  std::string Error;
  readInParts(Deep, {"findings"}, &Error);
  EXPECT_EQ(Error, "1:525: not valid JSON: nested deeper than 512 levels");
}

} // namespace
