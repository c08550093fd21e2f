// Link on hand-built facts: merging TUs, reachability (entry points, virtual calls,
// recursion, unknown callees, background work), levels, rules and hints. No parsing.
#include "rules/RuleSet.h"
#include "program/Phases.h"

#include <gtest/gtest.h>

using namespace sa;

namespace {

SourceLoc at(const std::string &File, unsigned Line) { return {File, Line, 1, Line, 2}; }

/// A small program built fact by fact.
struct Builder {
  TUFacts TU;

  Builder() { TU.file = "a.cpp"; }

  StateDecl &global(const std::string &Name, TypeShape Shape = TypeShape::Integer) {
    StateDecl D;
    D.id = "c:@" + Name;
    D.kind = StateKind::Global;
    D.name = Name;
    D.type = Shape == TypeShape::KeyedContainer ? "std::map<std::string, int>" : "int";
    D.shape = Shape;
    D.loc = at("a.cpp", static_cast<unsigned>(TU.decls.size() + 1));
    TU.decls.push_back(D);
    return TU.decls.back();
  }
  FunctionFact &function(const std::string &Name, bool Main = false) {
    FunctionFact F;
    F.id = "f:" + Name;
    F.name = Name;
    F.isMain = Main;
    F.loc = at("a.cpp", 100 + static_cast<unsigned>(TU.functions.size()));
    TU.functions.push_back(F);
    return TU.functions.back();
  }
  void call(const std::string &From, const std::string &To, CallKind K = CallKind::Direct) {
    TU.calls.push_back({From.empty() ? "" : "f:" + From, "f:" + To, K, at("a.cpp", 200)});
  }
  void registers(const std::string &Holder, const std::string &Handler, const std::string &Via,
                 const std::string &Label = "") {
    CallableRef R;
    R.holder = "f:" + Holder;
    R.callable = "f:" + Handler;
    R.calleeName = Via;
    R.callee = "lib::Server::" + Via;
    R.label = Label;
    R.loc = at("a.cpp", 300);
    TU.callables.push_back(R);
  }
  void write(const std::string &Fn, const std::string &State, AccessKind K = AccessKind::Assign,
             const std::string &Method = "") {
    Access A;
    A.target = "c:@" + State;
    A.function = Fn.empty() ? "" : "f:" + Fn;
    A.kind = K;
    A.method = Method;
    A.loc = at("a.cpp", 400 + static_cast<unsigned>(TU.accesses.size()));
    TU.accesses.push_back(A);
  }
  LinkResult link() const { return sa::link(mergeFacts({TU})); }
  Reachability reach() const {
    return computeReachability(mergeFacts({TU}), EntryPointOptions::defaults());
  }
};

const Finding *findingFor(const LinkResult &R, const std::string &Symbol) {
  for (const Finding &F : R.findings)
    if (F.symbol == Symbol)
      return &F;
  return nullptr;
}

TEST(Link, HeaderDeclarationSeenByTwoTUsIsOneFinding) {
  Builder A, B;
  A.global("g");
  B.global("g");
  B.TU.file = "b.cpp";
  LinkResult R = sa::link(mergeFacts({A.TU, B.TU}));
  ASSERT_EQ(R.findings.size(), 1u);
  EXPECT_EQ(R.findings[0].rule, "global-variable");
}

TEST(Link, ResultDoesNotDependOnTUOrder) {
  Builder A, B;
  A.global("x");
  A.function("main", true);
  A.write("main", "x");
  B.TU.file = "b.cpp";
  B.global("y");
  LinkResult AB = sa::link(mergeFacts({A.TU, B.TU}));
  LinkResult BA = sa::link(mergeFacts({B.TU, A.TU}));
  ASSERT_EQ(AB.findings.size(), BA.findings.size());
  for (size_t I = 0; I < AB.findings.size(); ++I) {
    EXPECT_EQ(AB.findings[I].message, BA.findings[I].message);
    EXPECT_EQ(AB.findings[I].fingerprint, BA.findings[I].fingerprint);
  }
}

TEST(Link, LevelsFollowWhereTheWritesRun) {
  Builder B;
  B.global("written_by_handler");
  B.global("set_at_startup");
  B.global("never_written");
  B.global("written_nowhere_known");
  B.function("main", true);
  B.function("handler");
  B.function("configure");
  B.function("orphan");
  B.registers("main", "handler", "add_tool", "remember");
  B.call("main", "configure");
  B.write("handler", "written_by_handler");
  B.write("configure", "set_at_startup");
  B.write("orphan", "written_nowhere_known");
  LinkResult R = B.link();
  EXPECT_EQ(R.entryPoints, 1u);
  ASSERT_TRUE(findingFor(R, "written_by_handler"));
  EXPECT_EQ(findingFor(R, "written_by_handler")->level, Level::Error);
  EXPECT_NE(findingFor(R, "written_by_handler")->message.find("handler 'remember' (add_tool)"),
            std::string::npos);
  EXPECT_EQ(findingFor(R, "set_at_startup")->level, Level::Note);
  EXPECT_NE(findingFor(R, "set_at_startup")->message.find("main → configure"), std::string::npos);
  EXPECT_EQ(findingFor(R, "never_written")->level, Level::Note);
  EXPECT_NE(findingFor(R, "never_written")->message.find("could be const"), std::string::npos);
  EXPECT_EQ(findingFor(R, "written_nowhere_known")->level, Level::Warning);
}

TEST(Link, VirtualCallsReachEveryOverride) {
  Builder B;
  B.function("main", true);
  B.function("dispatch");
  B.function("Base::run");
  FunctionFact &Mid = B.function("Mid::run");
  Mid.overrides = {"f:Base::run"};
  FunctionFact &Leaf = B.function("Leaf::run");
  Leaf.overrides = {"f:Mid::run"};
  B.function("Other::run");
  B.registers("main", "dispatch", "Post");
  B.call("dispatch", "Base::run", CallKind::Virtual);
  Reachability R = B.reach();
  EXPECT_TRUE(R.isRequest("f:Base::run"));
  EXPECT_TRUE(R.isRequest("f:Mid::run"));
  EXPECT_TRUE(R.isRequest("f:Leaf::run")); // an override of an override
  EXPECT_FALSE(R.isRequest("f:Other::run"));
  // The virtual call itself may land on the leaf: dispatch -> Leaf::run.
  std::vector<std::string> Chain = R.requestChain("f:Leaf::run");
  ASSERT_EQ(Chain.size(), 2u);
  EXPECT_EQ(Chain.front(), "f:dispatch");
  EXPECT_EQ(Chain.back(), "f:Leaf::run");
}

TEST(Link, DirectCallsDoNotDispatch) {
  Builder B;
  B.function("main", true);
  B.function("h");
  B.function("Base::run");
  FunctionFact &D = B.function("Derived::run");
  D.overrides = {"f:Base::run"};
  B.registers("main", "h", "Post");
  B.call("h", "Base::run", CallKind::Direct); // Base::run() written qualified
  Reachability R = B.reach();
  EXPECT_TRUE(R.isRequest("f:Base::run"));
  EXPECT_FALSE(R.isRequest("f:Derived::run"));
}

TEST(Link, RecursionTerminatesAndStillReaches) {
  Builder B;
  B.global("depth");
  B.function("main", true);
  B.function("handler");
  B.function("walk");
  B.function("visit");
  B.registers("main", "handler", "add_tool", "tree");
  B.call("handler", "walk");
  B.call("walk", "visit");
  B.call("visit", "walk"); // mutual recursion
  B.call("walk", "walk");  // and self recursion
  B.write("visit", "depth", AccessKind::Assign);
  LinkResult R = B.link();
  const Finding *F = findingFor(R, "depth");
  ASSERT_TRUE(F);
  EXPECT_EQ(F->level, Level::Error);
  EXPECT_NE(F->message.find("handler 'tree' (add_tool) → walk → visit → depth = …"),
            std::string::npos)
      << F->message;
}

TEST(Link, UnknownCalleesAndUnrecognisedCallbacks) {
  // A callable handed to an unknown call is assumed to run where it was handed over; a
  // callee with no facts (a library function) is a dead end, not an error.
  Builder B;
  B.global("via_unknown_call");
  B.function("main", true);
  B.function("handler");
  B.function("callback");
  B.registers("main", "handler", "add_tool");
  B.call("handler", "library_function_without_facts");
  CallableRef R;
  R.holder = "f:handler";
  R.callable = "f:callback";
  R.calleeName = "for_each_item";
  R.callee = "lib::for_each_item";
  R.loc = at("a.cpp", 500);
  B.TU.callables.push_back(R);
  B.write("callback", "via_unknown_call");
  LinkResult L = B.link();
  ASSERT_TRUE(findingFor(L, "via_unknown_call"));
  EXPECT_EQ(findingFor(L, "via_unknown_call")->level, Level::Error);
}

TEST(Link, BackgroundWorkStartedAtStartupIsAWarning) {
  Builder B;
  B.global("ticks");
  B.global("last_sweep");
  B.function("main", true);
  B.function("janitor");
  CallableRef R;
  R.holder = "f:main";
  R.callable = "f:janitor";
  R.calleeName = "thread";
  R.callee = "std::thread::thread";
  R.loc = at("a.cpp", 500);
  B.TU.callables.push_back(R);
  B.write("janitor", "ticks", AccessKind::IncDec);
  B.write("janitor", "last_sweep", AccessKind::Assign);
  Reachability Reach = B.reach();
  EXPECT_TRUE(Reach.isBackground("f:janitor"));
  EXPECT_FALSE(Reach.isStartup("f:janitor"));
  LinkResult L = B.link();
  const Finding *F = findingFor(L, "last_sweep");
  ASSERT_TRUE(F);
  EXPECT_EQ(F->level, Level::Warning);
  // A counter only bumped by the background work decides nothing: a metric.
  const Finding *Ticks = findingFor(L, "ticks");
  ASSERT_TRUE(Ticks);
  EXPECT_EQ(Ticks->level, Level::Note);
  EXPECT_NE(Ticks->message.find("per-instance metric"), std::string::npos);
}

TEST(Link, NoEntryPointsMeansEverythingButStartupIsRequestCode) {
  Builder B;
  B.global("a");
  B.global("b");
  B.function("main", true);
  B.function("init");
  B.function("api_function");
  B.call("main", "init");
  B.write("init", "a");
  B.write("api_function", "b");
  LinkResult R = B.link();
  EXPECT_EQ(R.entryPoints, 0u);
  ASSERT_FALSE(R.notes.empty());
  EXPECT_NE(R.notes[0].find("no request entry points"), std::string::npos);
  EXPECT_EQ(findingFor(R, "a")->level, Level::Note);
  EXPECT_EQ(findingFor(R, "b")->level, Level::Error);
}

TEST(Link, HandlerOverridesAreEntryPoints) {
  Builder B;
  B.global("x");
  FunctionFact &Call = B.function("EchoTool::call");
  Call.overrideNames = {"sdk::ToolHandler::call"};
  B.function("main", true);
  B.write("EchoTool::call", "x");
  LinkResult R = B.link();
  EXPECT_EQ(R.entryPoints, 1u);
  EXPECT_EQ(findingFor(R, "x")->level, Level::Error);
  EXPECT_NE(findingFor(R, "x")->message.find("overrides sdk::ToolHandler::call"),
            std::string::npos);
}

TEST(Link, ConfiguredEntryPointsAndPatterns) {
  Builder B;
  B.global("x");
  B.function("main", true);
  B.function("app::on_tick");
  B.write("app::on_tick", "x");
  LinkOptions O;
  O.entryPoints.entryFunctions = {"re:^app::on_"};
  EXPECT_EQ(findingFor(sa::link(mergeFacts({B.TU}), O), "x")->level, Level::Error);
  O.entryPoints.entryFunctions = {"[bad"};
  LinkResult Bad = sa::link(mergeFacts({B.TU}), O);
  EXPECT_FALSE(Bad.notes.empty());
}

TEST(Link, CountersNeverReadWhileServingAreMetrics) {
  Builder B;
  B.global("requests");
  B.global("next_id");
  B.global("served");
  B.global("next_session_id");
  B.function("main", true);
  B.function("handler");
  B.registers("main", "handler", "add_tool");
  B.write("handler", "requests", AccessKind::IncDec);
  for (const char *Used : {"next_id", "served", "next_session_id"}) {
    B.write("handler", Used, AccessKind::IncDec);
    B.TU.accesses.back().decides = true; // return ++next_id;
    B.TU.accesses.back().incDec = IncDecForm::PreIncrement;
  }
  LinkResult R = B.link();
  EXPECT_EQ(findingFor(R, "requests")->level, Level::Note);
  EXPECT_NE(findingFor(R, "requests")->message.find("per-instance metric"), std::string::npos);
  // An id sequence hands out numbers unique on this instance: a note...
  EXPECT_EQ(findingFor(R, "next_id")->level, Level::Note);
  EXPECT_NE(findingFor(R, "next_id")->message.find("an id sequence"), std::string::npos);
  // ... but a count whose value reaches the response differs between instances,
  EXPECT_EQ(findingFor(R, "served")->level, Level::Error);
  // and session ids from a per-instance sequence collide across instances.
  EXPECT_EQ(findingFor(R, "next_session_id")->level, Level::Error);
  EXPECT_EQ(findingFor(R, "next_session_id")->rule, "session-state");
}

TEST(Link, SessionDataIsSessionState) {
  Builder B;
  B.global("by_client", TypeShape::KeyedContainer);
  B.function("main", true);
  B.function("handler");
  B.registers("main", "handler", "Post");
  B.write("handler", "by_client", AccessKind::MutatingCall, "operator[]");
  B.TU.accesses.back().sessionKeyed = true;
  LinkResult R = B.link();
  const Finding *F = findingFor(R, "by_client");
  ASSERT_TRUE(F);
  EXPECT_EQ(F->rule, "session-state");
  EXPECT_NE(F->hint.find("EXPIRE session:<id>"), std::string::npos);
}

TEST(Link, LocksAreNotState) {
  Builder B;
  B.global("mu", TypeShape::Lock);
  EXPECT_TRUE(B.link().findings.empty());
}

TEST(Link, HintsNameTheOperationsSeen) {
  Builder B;
  B.global("index", TypeShape::KeyedContainer);
  B.function("main", true);
  B.function("handler");
  B.registers("main", "handler", "add_tool");
  B.write("handler", "index", AccessKind::MutatingCall, "emplace");
  B.write("handler", "index", AccessKind::MutatingCall, "erase");
  const Finding *F = findingFor(B.link(), "index");
  ASSERT_TRUE(F);
  EXPECT_NE(F->hint.find("written with emplace and erase"), std::string::npos) << F->hint;
  EXPECT_NE(F->hint.find("Redis hash"), std::string::npos);
}

TEST(Link, PoolBudget) {
  Builder B;
  PoolFact P;
  P.id = "pool:a.cpp:9:3";
  P.name = "db";
  P.type = "PgPool";
  P.size = 20;
  P.sizeText = "20";
  P.loc = at("a.cpp", 9);
  B.TU.pools.push_back(P);
  EXPECT_EQ(B.link().findings.at(0).level, Level::Warning);
  LinkOptions O;
  O.pools.maxInstances = 10;
  O.pools.downstreamLimit = 200;
  LinkResult Over = sa::link(mergeFacts({B.TU}), O);
  EXPECT_EQ(Over.findings.at(0).level, Level::Error);
  EXPECT_NE(Over.findings[0].message.find("10 instances × 20 = 200 connections"),
            std::string::npos)
      << Over.findings[0].message;
  O.pools.downstreamLimit = 500;
  EXPECT_EQ(sa::link(mergeFacts({B.TU}), O).findings.at(0).level, Level::Note);
}

TEST(Link, FingerprintsIgnoreLinesButNotIdentity) {
  std::vector<Finding> A(1), B(1), C(1);
  A[0].rule = B[0].rule = C[0].rule = "global-variable";
  A[0].loc = {"a.cpp", 3, 1, 3, 2};
  B[0].loc = {"a.cpp", 30, 9, 30, 12};
  C[0].loc = {"a.cpp", 3, 1, 3, 2};
  A[0].symbol = B[0].symbol = "g";
  C[0].symbol = "h";
  assignFingerprints(A);
  assignFingerprints(B);
  assignFingerprints(C);
  EXPECT_EQ(A[0].fingerprint, B[0].fingerprint);
  EXPECT_NE(A[0].fingerprint, C[0].fingerprint);
  EXPECT_EQ(A[0].fingerprint.size(), 32u);
}

} // namespace
