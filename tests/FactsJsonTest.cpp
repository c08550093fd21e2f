#include "facts/FactsJson.h"

#include <gtest/gtest.h>

using namespace sa;

namespace {

TUFacts sample() {
  TUFacts F;
  F.file = "src/a.cpp";
  F.status = TUStatus::CompileErrors;
  F.firstError = "src/a.cpp:3:1: error: boom";
  F.errorCount = 2;
  StateDecl D;
  D.id = "c:@g";
  D.kind = StateKind::StaticLocal;
  D.name = "f::cache";
  D.type = "std::map<int, int>";
  D.shape = TypeShape::KeyedContainer;
  D.loc = {"src/a.cpp", 4, 7, 4, 12};
  D.threadLocal = true;
  D.owner = "c:@F@f#";
  F.decls.push_back(D);
  RecordFact R;
  R.id = "c:@S@Server";
  R.name = "Server";
  R.loc = {"src/s.h", 1, 7, 1, 13};
  R.bases = {"c:@S@Base"};
  R.heldRecords = {"c:@S@Impl"};
  R.fieldNames = {"sessions_"};
  F.records.push_back(R);
  FunctionFact Fn;
  Fn.id = "c:@F@f#";
  Fn.name = "f";
  Fn.loc = {"src/a.cpp", 2, 6, 2, 7};
  Fn.overrides = {"c:@S@Base@F@f#"};
  Fn.isVirtual = true;
  F.functions.push_back(Fn);
  Access A;
  A.target = "c:@g";
  A.function = "c:@F@f#";
  A.kind = AccessKind::MutatingCall;
  A.method = "insert";
  A.path = "[]";
  A.loc = {"src/a.cpp", 5, 3, 5, 8};
  A.sessionKeyed = true;
  F.accesses.push_back(A);
  // Every typed operation field survives the round trip.
  A.kind = AccessKind::RefArg;
  A.method.clear();
  A.passing = ArgPassing::Pointer;
  A.callee = "init";
  A.incDec = IncDecForm::PostDecrement;
  A.cap = "kMax";
  A.loc.line = 6;
  F.accesses.push_back(A);
  F.calls.push_back({"c:@F@main#", "c:@F@f#", CallKind::Virtual, {"src/a.cpp", 9, 3, 9, 4}});
  CallableRef C;
  C.holder = "c:@F@main#";
  C.callable = "lambda:src/a.cpp:10:20";
  C.callee = "httplib::Server::Post";
  C.calleeName = "Post";
  C.label = "/mcp";
  F.callables.push_back(C);
  FileOp Op;
  Op.function = "c:@F@f#";
  Op.api = "fopen";
  Op.mode = "a";
  Op.append = Op.logLike = true;
  Op.loc = {"src/a.cpp", 6, 3, 6, 9};
  F.fileOps.push_back(Op);
  PoolFact P;
  P.id = "pool";
  P.size = 20;
  P.sizeText = "20";
  F.pools.push_back(P);
  SuppressionComment S;
  S.kind = SuppressionKind::NoLintNextLine;
  S.rules = {"global-variable"};
  S.reason = "why";
  S.loc = {"src/a.cpp", 1, 1, 1, 2};
  F.suppressions.push_back(S);
  return F;
}

TEST(FactsJson, RoundTripsEveryField) {
  TUFacts F = sample();
  llvm::json::Value V = toJSON(F);
  auto Back = tuFactsFromJSON(V);
  ASSERT_TRUE(bool(Back)) << llvm::toString(Back.takeError());
  // Serialising the result again gives the same document: nothing was lost or altered.
  EXPECT_EQ(V, toJSON(*Back));
  EXPECT_EQ(Back->decls[0].shape, TypeShape::KeyedContainer);
  EXPECT_EQ(Back->decls[0].loc, F.decls[0].loc);
  EXPECT_EQ(Back->calls[0].kind, CallKind::Virtual);
  EXPECT_EQ(Back->pools[0].size, std::optional<std::int64_t>(20));
  EXPECT_EQ(Back->suppressions[0].kind, SuppressionKind::NoLintNextLine);
  EXPECT_EQ(Back->status, TUStatus::CompileErrors);
}

// The facts are written member by member (holding one element's JSON at a time): the text is
// exactly what printing the whole object gives, so a member added to one and not the other,
// or out of key order, shows here.
TEST(FactsJson, WrittenTextIsThePrintedObject) {
  TUFacts F = sample();
  F.instantiated = {"c:@S@Impl"};
  F.outsideRoot = {"/usr/include/x.h"};
  F.creations.push_back({});
  std::string Printed, Written;
  llvm::raw_string_ostream(Printed) << toJSON(F);
  llvm::raw_string_ostream W(Written);
  writeFactsJson(W, F);
  W.flush();
  EXPECT_EQ(Written, Printed);
  for (std::string Key : {std::string("\"instantiated\":[\"c:@S@Impl\"]"),
                          std::string("\"creations\":[{"),
                          "\"version\":" + std::to_string(FactsFormatVersion) + "}"})
    EXPECT_NE(Written.find(Key), std::string::npos) << Key;
}

// Every optional member set, and strings that need escaping or are not valid UTF-8: the
// written text still equals llvm::json's printing of the tree, character for character.
TEST(FactsJson, WrittenTextEscapesAsLlvmJsonPrints) {
  TUFacts F = sample();
  std::string Hostile = std::string("q\"b\\t\tn\nr\rc\x01\x1f\x7f e\xc3\xa9 bad\xff\xc3(") +
                        std::string(1, '\0') + "end";
  F.file = Hostile;
  F.firstError = Hostile;
  F.decls[0].name = Hostile;
  F.decls[0].isConst = F.decls[0].reference = F.decls[0].fromMacro = true;
  F.decls[0].closureCopy = true;
  F.decls[0].typeRecord = "r";
  F.decls[0].elementRecord = "e";
  F.records[0].queuesWork = true;
  F.functions[0].isLambda = F.functions[0].isCtorOrDtor = F.functions[0].isMain = true;
  F.functions[0].overrideNames = {Hostile};
  F.functions[0].captureRecords = {"c"};
  F.functions[0].returnedCallables = {"l"};
  F.functions[0].returnsStatic = "s";
  F.functions[0].parent = "p";
  F.functions[0].record = "r";
  F.accesses[1].onThis = F.accesses[1].beforeReady = F.accesses[1].decides = true;
  F.accesses[1].throughThis = true;
  F.accesses[1].path = Hostile;
  F.accesses[1].method = "m";
  F.calls[0].receiver = Receiver::Fresh;
  F.callables[0].viaReturn = F.callables[0].stored = true;
  F.callables[0].thisRecord = "t";
  F.fileOps[0].store = "SQLite";
  F.fileOps[0].handle = "g_db";
  F.fileOps[0].target = Hostile;
  F.pools[0].downstream = "db:5432";
  F.pools[0].downstreamLiteral = true;
  F.pools.push_back(F.pools[0]);
  F.pools[1].size = -5;
  F.pools.push_back(F.pools[0]);
  F.pools[2].size.reset();
  F.creations.push_back({"c:@S@S", "c:@F@f#", true});
  F.creations.push_back({"c:@S@T", "", false});
  F.instantiated = {"c:@S@S"};
  F.libraryCode = {"third_party/x.h"};
  F.outsideRoot = {Hostile};
  for (const TUFacts &Facts : {F, TUFacts()}) {
    std::string Printed, Written;
    llvm::raw_string_ostream(Printed) << toJSON(Facts);
    llvm::raw_string_ostream W(Written);
    writeFactsJson(W, Facts);
    W.flush();
    EXPECT_EQ(Written, Printed);
  }
}

TEST(FactsJson, RejectsOtherVersionsAndBadValues) {
  llvm::json::Value V = toJSON(sample());
  V.getAsObject()->find("version")->second = FactsFormatVersion + 1;
  auto Old = tuFactsFromJSON(V);
  ASSERT_FALSE(bool(Old));
  EXPECT_NE(llvm::toString(Old.takeError()).find("version"), std::string::npos);

  llvm::json::Value Bad = toJSON(sample());
  (*Bad.getAsObject()->getArray("decls"))[0].getAsObject()->find("shape")->second = "blob";
  auto R = tuFactsFromJSON(Bad);
  ASSERT_FALSE(bool(R));
  EXPECT_NE(llvm::toString(R.takeError()).find("unknown value"), std::string::npos);
}

TEST(Facts, NormalizeSortsAndRemovesDuplicates) {
  TUFacts F = sample();
  size_t Distinct = F.accesses.size();
  F.accesses.push_back(F.accesses[0]); // an exact duplicate goes
  Access Earlier = F.accesses[0];
  Earlier.loc.line = 1;
  F.accesses.push_back(Earlier); // the same access elsewhere stays, sorted first
  normalize(F);
  ASSERT_EQ(F.accesses.size(), Distinct + 1);
  EXPECT_EQ(F.accesses[0].loc.line, 1u);
}

} // namespace
