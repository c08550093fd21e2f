// The program model on hand-built facts: where code runs (entry points, virtual calls,
// recursion, unknown callees, background work, start-up) as the call graph tells. No parsing.
#include "program/Model.h"
#include "unit/FactsBuilder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using namespace sa;
using namespace sa::test;
using testing::HasSubstr;

namespace {

TEST(Phases, VirtualCallsReachEveryOverride) {
  FactsBuilder B;
  B.toolHandler("dispatch", "run");
  B.function("Base::run");
  B.function("Mid::run").overrides = {"f:Base::run"};
  B.function("Leaf::run").overrides = {"f:Mid::run"};
  B.function("Other::run");
  B.call("dispatch", "Base::run", CallKind::Virtual);
  Reachability R = B.reach();
  EXPECT_TRUE(R.isRequest("f:Base::run"));
  EXPECT_TRUE(R.isRequest("f:Mid::run"));
  EXPECT_TRUE(R.isRequest("f:Leaf::run")); // an override of an override
  EXPECT_FALSE(R.isRequest("f:Other::run"));
  // The virtual call itself may land on the leaf: dispatch -> Leaf::run.
  EXPECT_EQ(R.requestChain("f:Leaf::run"), (std::vector<std::string>{"f:dispatch", "f:Leaf::run"}));
}

TEST(Phases, DirectCallsDoNotDispatch) {
  FactsBuilder B;
  B.toolHandler("h", "run");
  B.function("Base::run");
  B.function("Derived::run").overrides = {"f:Base::run"};
  B.call("h", "Base::run", CallKind::Direct); // Base::run() written qualified
  Reachability R = B.reach();
  EXPECT_TRUE(R.isRequest("f:Base::run"));
  EXPECT_FALSE(R.isRequest("f:Derived::run"));
}

TEST(Phases, RecursionTerminatesAndStillReaches) {
  FactsBuilder B;
  B.global("depth");
  B.toolHandler("handler", "tree");
  B.function("walk");
  B.function("visit");
  B.call("handler", "walk");
  B.call("walk", "visit");
  B.call("visit", "walk"); // mutual recursion
  B.call("walk", "walk");  // and self recursion
  B.write("visit", "depth");
  Reachability R = B.reach();
  EXPECT_EQ(R.requestChain("f:visit"),
            (std::vector<std::string>{"f:handler", "f:walk", "f:visit"}));
  LinkResult L = B.link();
  const Finding *F = findingFor(L, "depth");
  ASSERT_TRUE(F);
  EXPECT_EQ(F->level, Level::Error);
  EXPECT_THAT(F->message, HasSubstr("handler 'tree' (add_tool) → walk → visit → depth = …"));
}

TEST(Phases, UnknownCalleesAndUnrecognisedCallbacks) {
  // A callable handed to an unknown call is assumed to run where it was handed over; a
  // callee with no facts (a library function) is a dead end, not an error.
  FactsBuilder B;
  B.toolHandler("handler", "items");
  B.function("callback");
  B.call("handler", "library_function_without_facts");
  B.handsOver("handler", "callback", "for_each_item", "lib::for_each_item");
  Reachability R = B.reach();
  EXPECT_TRUE(R.isRequest("f:callback"));
  EXPECT_TRUE(R.isRequest("f:library_function_without_facts"));
  EXPECT_EQ(R.requestChain("f:callback"), (std::vector<std::string>{"f:handler", "f:callback"}));
}

TEST(Phases, BackgroundWorkStartedAtStartup) {
  FactsBuilder B;
  B.backgroundWorker("janitor");
  B.function("sweep");
  B.call("janitor", "sweep");
  Reachability R = B.reach();
  EXPECT_TRUE(R.isBackground("f:janitor"));
  EXPECT_TRUE(R.isBackground("f:sweep"));
  EXPECT_FALSE(R.isStartup("f:janitor"));
  EXPECT_FALSE(R.isStartup("f:sweep"));
  EXPECT_FALSE(R.isRequest("f:janitor"));
  EXPECT_TRUE(R.isStartup("f:main"));
}

TEST(Phases, ThreadsStartedByUnplacedCodeAreNotBackgroundWork) {
  FactsBuilder B;
  B.toolHandler("handler", "x"); // an entry point, so unreached code is not request code
  B.function("orphan");
  B.function("worker");
  B.startsThread("orphan", "worker");
  Model M(B.program(), EntryPointOptions::defaults());
  EXPECT_EQ(M.phaseOf("f:worker"), Phase::Unplaced);
  EXPECT_EQ(M.phaseOf("f:orphan"), Phase::Unplaced);
}

TEST(Phases, ExcludedCallbacksRunNeitherPerRequestNorAtStartup) {
  FactsBuilder B;
  B.toolHandler("handler", "x");
  B.function("on_sigterm");
  B.function("once");
  B.function("hooked");
  B.handsOver("main", "on_sigterm", "signal", "signal");
  B.handsOver("main", "once", "call_once", "std::call_once");
  B.handsOver("main", "hooked", "set_socket_options", "lib::set_socket_options");
  Model M(B.program(), EntryPointOptions::defaults());
  // A signal handler runs when the server is told to stop; call_once's callable runs once;
  // another excluded hook is placed nowhere.
  EXPECT_EQ(M.phaseOf("f:on_sigterm"), Phase::Teardown);
  EXPECT_EQ(M.phaseOf("f:once"), Phase::Construction);
  EXPECT_EQ(M.phaseOf("f:hooked"), Phase::Unplaced);
}

TEST(Phases, ConstructionTeardownAndTheSetUpApiAreWhatNoOtherPhaseReaches) {
  FactsBuilder B;
  B.toolHandler("handler", "x");
  FunctionFact &Ctor = B.function("Server::Server");
  Ctor.isCtorOrDtor = true;
  B.function("Server::load");       // called only by the constructor
  B.function("Server::shared");     // called by the constructor and by the set-up API
  FunctionFact &Dtor = B.function("Server::~Server");
  Dtor.isCtorOrDtor = true;
  B.function("Server::stop");
  B.function("Server::register_tool");
  B.function("Server::remember");   // set-up shaped, but a handler calls it
  B.call("Server::Server", "Server::load");
  B.call("Server::Server", "Server::shared");
  B.call("Server::register_tool", "Server::shared");
  B.call("Server::~Server", "Server::stop");
  B.call("handler", "Server::remember");
  Model M(B.program(), EntryPointOptions::defaults());
  EXPECT_EQ(M.phaseOf("f:Server::Server"), Phase::Construction);
  EXPECT_EQ(M.phaseOf("f:Server::load"), Phase::Construction);
  EXPECT_EQ(M.phaseOf("f:Server::shared"), Phase::Configuration);
  EXPECT_EQ(M.phaseOf("f:Server::~Server"), Phase::Teardown);
  EXPECT_EQ(M.phaseOf("f:Server::stop"), Phase::Teardown);
  EXPECT_EQ(M.phaseOf("f:Server::register_tool"), Phase::Configuration);
  EXPECT_EQ(M.phaseOf("f:Server::remember"), Phase::Request);
}

TEST(Phases, AFunctionLocalStaticsConstructorIsConstructionNotRequestCode) {
  FactsBuilder B;
  B.toolHandler("handler", "x");
  B.function("Registry::instance");
  FunctionFact &Ctor = B.function("Registry::Registry");
  Ctor.isCtorOrDtor = true;
  B.call("handler", "Registry::instance");
  B.call("Registry::instance", "Registry::Registry", CallKind::OnceInit);
  Model M(B.program(), EntryPointOptions::defaults());
  EXPECT_EQ(M.phaseOf("f:Registry::instance"), Phase::Request);
  EXPECT_EQ(M.phaseOf("f:Registry::Registry"), Phase::Construction);
}

TEST(Phases, FactoriesHandOverWhatTheyReturn) {
  FactsBuilder B;
  B.mainFunction();
  B.function("make_handler").returnedCallables = {"f:lambda in make_handler"};
  B.function("lambda in make_handler").isLambda = true;
  B.registers("main", "make_handler", "add_tool", "made").viaReturn = true;
  Reachability R = B.reach();
  EXPECT_TRUE(R.isRequest("f:lambda in make_handler"));
  EXPECT_FALSE(R.isRequest("f:make_handler"));
  ASSERT_NE(R.entryFor("f:lambda in make_handler"), nullptr);
  EXPECT_EQ(R.entryFor("f:lambda in make_handler")->description, "handler 'made' (add_tool)");
}

TEST(Phases, RequestCodeReachedFromMainTooIsRequestCode) {
  FactsBuilder B;
  B.toolHandler("handler", "x");
  B.function("shared");
  B.call("main", "shared");
  B.call("handler", "shared");
  Model M(B.program(), EntryPointOptions::defaults());
  EXPECT_EQ(M.phaseOf("f:shared"), Phase::Request);
  EXPECT_EQ(M.chainText("f:shared", Phase::Startup, ""), "main → shared");
  EXPECT_EQ(M.chainText("f:shared", Phase::Request, "op"), "handler 'x' (add_tool) → shared → op");
}

TEST(Phases, NoEntryPointsMeansEverythingButStartupIsRequestCode) {
  FactsBuilder B;
  B.global("a");
  B.global("b");
  B.startupFunction("init");
  B.function("api_function");
  B.write("init", "a");
  B.write("api_function", "b");
  LinkResult R = B.link();
  EXPECT_EQ(R.entryPoints, 0u);
  ASSERT_EQ(R.notes.size(), 1u);
  EXPECT_THAT(R.notes[0], HasSubstr("no request entry points"));
  ASSERT_TRUE(findingFor(R, "a"));
  ASSERT_TRUE(findingFor(R, "b"));
  EXPECT_EQ(findingFor(R, "a")->level, Level::Note);
  EXPECT_EQ(findingFor(R, "b")->level, Level::Error);
}

TEST(Phases, HandlerOverridesAreEntryPoints) {
  FactsBuilder B;
  B.global("x");
  B.function("EchoTool::call").overrideNames = {"sdk::ToolHandler::call"};
  B.mainFunction();
  B.write("EchoTool::call", "x");
  LinkResult R = B.link();
  EXPECT_EQ(R.entryPoints, 1u);
  EXPECT_TRUE(R.notes.empty());
  ASSERT_TRUE(findingFor(R, "x"));
  EXPECT_EQ(findingFor(R, "x")->level, Level::Error);
  EXPECT_THAT(findingFor(R, "x")->message, HasSubstr("overrides sdk::ToolHandler::call"));
}

TEST(Phases, DestructorsOverridingAHandlerInterfaceAreNotEntryPoints) {
  FactsBuilder B;
  FunctionFact &D = B.method("EchoTool", "~EchoTool");
  D.overrideNames = {"sdk::ToolHandler::~ToolHandler"};
  EXPECT_TRUE(B.reach().entries.empty());
}

TEST(Phases, ConfiguredEntryPointsAndPatterns) {
  FactsBuilder B;
  B.global("x");
  B.mainFunction();
  B.function("app::on_tick");
  B.write("app::on_tick", "x");
  LinkOptions O;
  O.entryPoints.entryFunctions = {"re:^app::on_"};
  LinkResult R = B.link(O);
  const Finding *F = findingFor(R, "x");
  ASSERT_TRUE(F);
  EXPECT_EQ(F->level, Level::Error);
  EXPECT_THAT(F->message, HasSubstr("app::on_tick (configured entry point)"));
  O.entryPoints.entryFunctions = {"[bad"};
  LinkResult Bad = B.link(O);
  ASSERT_FALSE(Bad.notes.empty());
  EXPECT_THAT(Bad.notes[0], HasSubstr("entry-point configuration"));
}

TEST(Phases, CallsOnAnObjectTheRequestIsBuildingBuildIt) {
  FactsBuilder B;
  B.toolHandler("h", "call");
  B.method("Server", "setup");
  B.method("Server", "serve");
  B.method("Router", "bind");
  B.method("Router", "route");
  B.call("h", "Server::setup", CallKind::Direct, Receiver::Fresh);
  B.call("h", "Server::serve", CallKind::Direct, Receiver::Fresh);
  B.call("h", "Server::serve", CallKind::Direct, Receiver::Other); // also on a stored server
  B.call("Server::setup", "Router::bind", CallKind::Direct, Receiver::This);
  B.call("Server::serve", "Router::route", CallKind::Direct, Receiver::This);
  Reachability R = B.reach();
  EXPECT_TRUE(R.isRequest("f:Server::setup"));
  EXPECT_EQ(R.buildsOwnObject, (std::set<std::string>{"f:Router::bind", "f:Server::setup"}));
  // Called on its own object by a caller that may run on any object: not building one.
  B.call("Server::serve", "Router::bind", CallKind::Direct, Receiver::This);
  EXPECT_EQ(B.reach().buildsOwnObject, (std::set<std::string>{"f:Server::setup"}));
}

TEST(Phases, WhatARequestWritesOnTheObjectItBuildsIsConstruction) {
  FactsBuilder B;
  B.serverHandler("Runner", "handle", "call");
  B.record("Worker");
  B.method("Worker", "prepare");
  B.method("Worker", "use");
  B.findRecord("Runner")->heldRecords = {recordId("Worker")};
  B.field("Worker", "size_");
  B.field("Worker", "hits_");
  B.call("Runner::handle", "Worker::prepare", CallKind::Direct, Receiver::Fresh);
  B.call("Runner::handle", "Worker::use", CallKind::Direct, Receiver::This);
  B.write("Worker::prepare", "Worker::size_").onThis = true;
  B.write("Worker::use", "Worker::hits_").onThis = true;
  B.read("Worker::use", "Worker::size_");
  B.read("Worker::use", "Worker::hits_");
  LinkResult R = B.link();
  const Finding *Size = findingFor(R, "Worker::size_");
  ASSERT_TRUE(Size);
  EXPECT_EQ(Size->level, Level::Note);
  EXPECT_THAT(Size->message, HasSubstr("set while its object is built"));
  EXPECT_THAT(Size->message, HasSubstr("(handler 'call' (add_tool) → Worker::prepare → size_ = …)"));
  const Finding *Hits = findingFor(R, "Worker::hits_");
  ASSERT_TRUE(Hits);
  EXPECT_EQ(Hits->level, Level::Error);
}

} // namespace
