// link() as a whole on hand-built facts: merging TUs, independence from TU order, the order and
// fingerprints of what the judges found. Each rule's own judgement is tested in
// tests/unit/rules/<id>/.
#include "unit/FactsBuilder.h"

#include <gtest/gtest.h>

using namespace sa;
using namespace sa::test;

namespace {

TEST(Link, HeaderDeclarationSeenByTwoTUsIsOneFinding) {
  FactsBuilder A("a.cpp"), B("b.cpp");
  A.global("g").loc = at("a.h", 3);
  B.global("g").loc = at("a.h", 3);
  LinkResult R = sa::link(mergeFacts({A.TU, B.TU}));
  ASSERT_EQ(R.findings.size(), 1u);
  EXPECT_EQ(R.findings[0].rule, "global-variable");
  EXPECT_EQ(R.findings[0].loc.file, "a.h");
}

TEST(Link, ResultDoesNotDependOnTUOrder) {
  FactsBuilder A("a.cpp"), B("b.cpp");
  A.global("x");
  A.toolHandler("handler", "t");
  A.write("handler", "x");
  A.startupFunction("init");
  B.global("y");
  B.write("init", "y");
  LinkResult AB = sa::link(mergeFacts({A.TU, B.TU}));
  LinkResult BA = sa::link(mergeFacts({B.TU, A.TU}));
  ASSERT_EQ(AB.findings.size(), 2u);
  ASSERT_EQ(AB.findings.size(), BA.findings.size());
  for (size_t I = 0; I < AB.findings.size(); ++I) {
    EXPECT_EQ(AB.findings[I].message, BA.findings[I].message);
    EXPECT_EQ(AB.findings[I].fingerprint, BA.findings[I].fingerprint);
  }
}

TEST(Link, FindingsAreSortedAndFingerprinted) {
  FactsBuilder B;
  B.global("z_first_declared");
  B.global("a_second_declared");
  LinkResult R = B.link();
  ASSERT_EQ(R.findings.size(), 2u);
  EXPECT_EQ(R.findings[0].symbol, "z_first_declared"); // by location, not by name
  EXPECT_EQ(R.findings[0].fingerprint.size(), 32u);
  EXPECT_NE(R.findings[0].fingerprint, R.findings[1].fingerprint);
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

namespace {

// A database handle kept in a global, opened in one TU and written by a statement in another:
// the link joins them by the handle.
struct HandleProgram {
  FactsBuilder Opener{"main.cpp"}, User{"handler.cpp"};
  explicit HandleProgram(FileOpKind OpenKind) {
    Opener.global("g_db", TypeShape::Pointer);
    Opener.startupFunction("init");
    FileOp &Open = Opener.fileOp("init", "sqlite3_open", OpenKind, OpenKind == FileOpKind::OpenMemory ? ":memory:" : "notes.db");
    Open.store = "SQLite";
    Open.handle = stateId("g_db");
    User.toolHandler("handler", "remember");
    Access &A = User.write("handler", "g_db", AccessKind::StoreWrite);
    A.method = "sqlite3_exec";
    A.callee = "SQLite";
  }
  LinkResult link() const { return sa::link(mergeFacts({Opener.TU, User.TU})); }
};

const Finding *findingOf(const LinkResult &R, const std::string &Rule, Level L) {
  for (const Finding &F : R.findings)
    if (F.rule == Rule && F.level == L)
      return &F;
  return nullptr;
}

} // namespace

TEST(DatabaseHandles, StatementOnAFileDatabaseIsAFileWriteWhereItRuns) {
  HandleProgram P(FileOpKind::OpenWrite);
  LinkResult R = P.link();
  const Finding *F = findingOf(R, "file-write", Level::Error);
  ASSERT_NE(F, nullptr);
  EXPECT_EQ(F->loc.file, "handler.cpp");
  EXPECT_NE(F->message.find("'sqlite3_exec' writes the SQLite database 'notes.db' opened at main.cpp"),
            std::string::npos)
      << F->message;
  // The handle itself is only set at start-up: no request-time write of g_db.
  EXPECT_EQ(findingOf(R, "global-variable", Level::Error), nullptr);
}

TEST(DatabaseHandles, StatementOnAnInMemoryDatabaseWritesTheHandlesState) {
  HandleProgram P(FileOpKind::OpenMemory);
  LinkResult R = P.link();
  const Finding *F = findingOf(R, "global-variable", Level::Error);
  ASSERT_NE(F, nullptr);
  EXPECT_NE(F->message.find("in-memory SQLite database"), std::string::npos) << F->message;
  EXPECT_NE(F->hint.find("PostgreSQL"), std::string::npos) << F->hint;
  // No file: the in-memory open is never a file-write finding.
  for (const Finding &G : R.findings)
    EXPECT_NE(G.rule, "file-write") << G.message;
}

TEST(DatabaseHandles, AHandleWhoseOpeningIsNotSeenIsWrittenByNothing) {
  FactsBuilder B;
  B.global("g_db", TypeShape::Pointer);
  B.toolHandler("handler", "remember");
  B.write("handler", "g_db", AccessKind::StoreWrite).method = "sqlite3_exec";
  Program P = B.program();
  EXPECT_TRUE(P.accesses.empty());
  EXPECT_TRUE(P.fileOps.empty());
}
