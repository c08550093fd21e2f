// Summarising stateless code before the facts are stored: which call edges go, which stay, and
// that the program's findings are the same either way.
#include "unit/FactsBuilder.h"

#include "facts/FactsJson.h"
#include "facts/StatelessCode.h"


#include <gtest/gtest.h>

#include <algorithm>

using namespace sa;
using namespace sa::test;

namespace {

bool hasCall(const TUFacts &F, const std::string &From, const std::string &To) {
  return std::any_of(F.calls.begin(), F.calls.end(), [&](const CallEdge &C) {
    return C.caller == fnId(From) && C.callee == fnId(To);
  });
}

std::set<std::string> defined(std::initializer_list<const char *> Names) {
  std::set<std::string> Out;
  for (const char *N : Names)
    Out.insert(fnId(N));
  return Out;
}

/// A tool handler that formats its reply through two helpers (touching nothing) and records
/// the call through a third that writes a global.
FactsBuilder handlerWithHelpers() {
  FactsBuilder B("server.cpp");
  B.global("g_calls", TypeShape::Integer);
  B.toolHandler("handle", "echo");
  B.function("format");
  B.function("escape");
  B.function("count");
  B.call("handle", "format");
  B.call("format", "escape");
  B.call("handle", "count");
  B.write("count", "g_calls", AccessKind::IncDec);
  return B;
}

TEST(StatelessCode, EdgesAmongFunctionsThatTouchNothingGo) {
  FactsBuilder B = handlerWithHelpers();
  EXPECT_EQ(dropStatelessCalls(B.TU, defined({"main", "handle", "format", "escape", "count"})), 2u);
  EXPECT_FALSE(hasCall(B.TU, "handle", "format"));
  EXPECT_FALSE(hasCall(B.TU, "format", "escape"));
  EXPECT_TRUE(hasCall(B.TU, "handle", "count"));
  // The functions themselves stay: a configured entry point may name one.
  EXPECT_EQ(B.TU.functions.size(), 5u);
}

TEST(StatelessCode, ACallIntoABodyThisTUDidNotSeeStays) {
  FactsBuilder B = handlerWithHelpers();
  // escape() is only declared here: another TU may show it writing state.
  dropStatelessCalls(B.TU, defined({"main", "handle", "format", "count"}));
  EXPECT_TRUE(hasCall(B.TU, "handle", "format"));
  EXPECT_TRUE(hasCall(B.TU, "format", "escape"));
}

TEST(StatelessCode, WhatAFunctionHoldsOrHandsOverKeepsCallsIntoIt) {
  // Each of these is reached from caller_<name>, which touches nothing itself: the edge into
  // it stays, since it matters for what it does other than calling.
  FactsBuilder B("server.cpp");
  std::set<std::string> Defined;
  auto Reached = [&](const std::string &Name) -> FunctionFact & {
    B.function("caller_" + Name);
    B.call("caller_" + Name, Name);
    Defined.insert(fnId("caller_" + Name));
    Defined.insert(fnId(Name));
    return B.function(Name);
  };
  Reached("spawner");
  B.function("worker");
  B.startsThread("spawner", "worker"); // hands a callable over
  Reached("cached");
  B.state(StateKind::StaticLocal, "cache", TypeShape::KeyedContainer, fnId("cached"));
  Reached("opener");
  B.fileOp("opener", "fopen");
  Reached("maker");
  B.TU.creations.push_back({recordId("Session"), fnId("maker")});
  Reached("virtual_one").isVirtual = true;
  Reached("factory").returnedCallables.push_back(fnId("worker"));
  Reached("outer");
  B.call("outer", "inner"); // inner's body is in another TU
  Reached("once");
  B.call("once", "Table::Table", CallKind::OnceInit);
  Defined.insert(fnId("Table::Table"));
  B.function("Table::Table");
  dropStatelessCalls(B.TU, Defined);
  for (const char *Name : {"spawner", "cached", "opener", "maker", "virtual_one", "factory",
                           "outer", "once"})
    EXPECT_TRUE(hasCall(B.TU, std::string("caller_") + Name, Name)) << Name;
  EXPECT_TRUE(hasCall(B.TU, "outer", "inner"));
  // The constructor touches nothing: the edge into it goes, but it is no reason to summarise
  // the function whose static it initialises.
  EXPECT_FALSE(hasCall(B.TU, "once", "Table::Table"));
}

TEST(StatelessCode, FindingsAreTheSameWithAndWithoutTheSummary) {
  FactsBuilder B = handlerWithHelpers();
  // A second chain to state through a helper that only calls on.
  B.global("g_last", TypeShape::String);
  B.function("relay");
  B.function("store");
  B.call("format", "relay");
  B.call("relay", "store");
  B.write("store", "g_last");
  std::string Before = findingsJson(B.link());
  ASSERT_NE(Before.find("g_calls"), std::string::npos);
  ASSERT_NE(Before.find("g_last"), std::string::npos);
  size_t Dropped =
      dropStatelessCalls(B.TU, defined({"main", "handle", "format", "escape", "count", "relay", "store"}));
  EXPECT_EQ(Dropped, 1u); // format -> escape: format now reaches store
  EXPECT_EQ(findingsJson(B.link()), Before);
}

} // namespace
