// Link on hand-built facts: merging TUs, deduplication, findings.
#include "link/Linker.h"

#include <gtest/gtest.h>

using namespace sa;

namespace {

StateDecl global(std::string Id, std::string Name, SourceLoc Loc,
                 TypeShape Shape = TypeShape::Integer) {
  StateDecl D;
  D.id = std::move(Id);
  D.kind = StateKind::Global;
  D.name = std::move(Name);
  D.type = "int";
  D.shape = Shape;
  D.loc = std::move(Loc);
  return D;
}

TEST(Link, HeaderDeclarationSeenByTwoTUsIsOneFinding) {
  TUFacts A, B;
  A.file = "a.cpp";
  B.file = "b.cpp";
  A.decls.push_back(global("c:@g", "g", {"shared.h", 3, 5, 3, 6}));
  B.decls.push_back(global("c:@g", "g", {"shared.h", 3, 5, 3, 6}));
  LinkResult R = link(mergeFacts({A, B}));
  ASSERT_EQ(R.findings.size(), 1u);
  EXPECT_EQ(R.findings[0].rule, "global-variable");
  EXPECT_EQ(R.findings[0].loc.file, "shared.h");
}

TEST(Link, ResultDoesNotDependOnTUOrder) {
  TUFacts A, B;
  A.file = "a.cpp";
  B.file = "b.cpp";
  A.decls.push_back(global("c:@x", "x", {"a.cpp", 1, 5, 1, 6}));
  B.decls.push_back(global("c:@y", "y", {"b.cpp", 1, 5, 1, 6}));
  FileOp Op;
  Op.api = "fopen";
  Op.loc = {"a.cpp", 7, 3, 7, 8};
  A.fileOps.push_back(Op);
  LinkResult AB = link(mergeFacts({A, B}));
  LinkResult BA = link(mergeFacts({B, A}));
  ASSERT_EQ(AB.findings.size(), 3u);
  for (size_t I = 0; I < AB.findings.size(); ++I) {
    EXPECT_EQ(AB.findings[I].symbol, BA.findings[I].symbol);
    EXPECT_EQ(AB.findings[I].fingerprint, BA.findings[I].fingerprint);
  }
  EXPECT_EQ(mergeFacts({B, A}).tus.front().file, "a.cpp");
}

TEST(Link, ThreadLocalAndKindsMapToRules) {
  TUFacts T;
  StateDecl L = global("c:@l", "f::n", {"a.cpp", 2, 1, 2, 2});
  L.kind = StateKind::StaticLocal;
  StateDecl M = global("c:@m", "C::n", {"a.cpp", 3, 1, 3, 2});
  M.kind = StateKind::StaticMember;
  StateDecl TL = global("c:@t", "t", {"a.cpp", 4, 1, 4, 2});
  TL.threadLocal = true;
  T.decls = {L, M, TL};
  LinkResult R = link(mergeFacts({T}));
  ASSERT_EQ(R.findings.size(), 3u);
  EXPECT_EQ(R.findings[0].rule, "static-local");
  EXPECT_EQ(R.findings[1].rule, "static-member");
  EXPECT_EQ(R.findings[2].rule, "thread-local");
}

TEST(Link, LocksAreNotState) {
  TUFacts T;
  T.decls.push_back(global("c:@mu", "mu", {"a.cpp", 1, 1, 1, 2}, TypeShape::Lock));
  EXPECT_TRUE(link(mergeFacts({T})).findings.empty());
}

TEST(Link, HintsFollowTheShape) {
  TUFacts T;
  T.decls.push_back(global("c:@m", "sessions", {"a.cpp", 1, 1, 1, 2}, TypeShape::KeyedContainer));
  T.decls.push_back(global("c:@q", "queue", {"a.cpp", 2, 1, 2, 2}, TypeShape::Sequence));
  FileOp Log;
  Log.api = "fopen";
  Log.logLike = true;
  Log.loc = {"a.cpp", 3, 1, 3, 2};
  T.fileOps.push_back(Log);
  LinkResult R = link(mergeFacts({T}));
  ASSERT_EQ(R.findings.size(), 3u);
  EXPECT_NE(R.findings[0].hint.find("Redis hash"), std::string::npos);
  EXPECT_NE(R.findings[1].hint.find("Redis list"), std::string::npos);
  EXPECT_NE(R.findings[2].hint.find("stdout"), std::string::npos);
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
