#include "facts/Facts.h"

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <tuple>

namespace sa {

bool operator<(const SourceLoc &A, const SourceLoc &B) {
  return std::tie(A.file, A.line, A.column, A.endLine, A.endColumn) <
         std::tie(B.file, B.line, B.column, B.endLine, B.endColumn);
}

const char *toString(StateKind K) {
  switch (K) {
  case StateKind::Global: return "global";
  case StateKind::StaticLocal: return "local-static";
  case StateKind::StaticMember: return "static-data-member";
  case StateKind::Field: return "field";
  case StateKind::CapturedLocal: return "captured-local";
  }
  return "?";
}

const char *toString(TypeShape S) {
  switch (S) {
  case TypeShape::Other: return "other";
  case TypeShape::KeyedContainer: return "keyed-container";
  case TypeShape::Set: return "set";
  case TypeShape::Sequence: return "sequence";
  case TypeShape::String: return "string";
  case TypeShape::Integer: return "integer";
  case TypeShape::Floating: return "floating";
  case TypeShape::Boolean: return "boolean";
  case TypeShape::Pointer: return "pointer";
  case TypeShape::Object: return "object";
  case TypeShape::Atomic: return "atomic";
  case TypeShape::Lock: return "lock";
  case TypeShape::Client: return "client";
  case TypeShape::Stream: return "stream";
  case TypeShape::Callable: return "callable";
  }
  return "?";
}

const char *toString(AccessKind K) {
  switch (K) {
  case AccessKind::Assign: return "assign";
  case AccessKind::CompoundAssign: return "compound-assign";
  case AccessKind::IncDec: return "inc-dec";
  case AccessKind::MutatingCall: return "mutating-call";
  case AccessKind::RefArg: return "ref-arg";
  case AccessKind::Escape: return "escape";
  case AccessKind::Lookup: return "lookup";
  case AccessKind::Read: return "read";
  case AccessKind::LimitCheck: return "limit-check";
  case AccessKind::Bind: return "bind";
  case AccessKind::StoreWrite: return "store-write";
  }
  return "?";
}

const char *toString(Receiver R) {
  switch (R) {
  case Receiver::Other: return "other";
  case Receiver::This: return "this";
  case Receiver::Fresh: return "fresh";
  }
  return "?";
}

const char *toString(CallKind K) {
  switch (K) {
  case CallKind::Direct: return "direct";
  case CallKind::Virtual: return "virtual";
  case CallKind::Construct: return "construct";
  case CallKind::OnceInit: return "once-init";
  }
  return "?";
}

const char *toString(FileOpKind K) {
  switch (K) {
  case FileOpKind::OpenWrite: return "open-write";
  case FileOpKind::Modify: return "modify";
  case FileOpKind::OpenUnknown: return "open-unknown";
  case FileOpKind::OpenMemory: return "open-memory";
  case FileOpKind::Statement: return "statement";
  }
  return "?";
}

const char *toString(IncDecForm F) {
  switch (F) {
  case IncDecForm::None: return "none";
  case IncDecForm::PreIncrement: return "pre-increment";
  case IncDecForm::PreDecrement: return "pre-decrement";
  case IncDecForm::PostIncrement: return "post-increment";
  case IncDecForm::PostDecrement: return "post-decrement";
  }
  return "?";
}

const char *toString(ArgPassing P) {
  switch (P) {
  case ArgPassing::None: return "none";
  case ArgPassing::Reference: return "reference";
  case ArgPassing::Pointer: return "pointer";
  }
  return "?";
}

const char *toString(SuppressionKind K) {
  switch (K) {
  case SuppressionKind::Allow: return "allow";
  case SuppressionKind::NoLint: return "nolint";
  case SuppressionKind::NoLintNextLine: return "nolintnextline";
  case SuppressionKind::NoLintBegin: return "nolintbegin";
  case SuppressionKind::NoLintEnd: return "nolintend";
  }
  return "?";
}

const char *toString(TUStatus S) {
  switch (S) {
  case TUStatus::Ok: return "ok";
  case TUStatus::CompileErrors: return "compile-errors";
  case TUStatus::Failed: return "failed";
  }
  return "?";
}

bool isWrite(AccessKind K) {
  switch (K) {
  case AccessKind::Assign:
  case AccessKind::CompoundAssign:
  case AccessKind::IncDec:
  case AccessKind::MutatingCall:
  case AccessKind::RefArg:
  case AccessKind::StoreWrite:
    return true;
  case AccessKind::Escape:
  case AccessKind::Lookup:
  case AccessKind::Read:
  case AccessKind::LimitCheck:
  case AccessKind::Bind:
    return false;
  }
  return false;
}

namespace {
// Keys cover every field, so sorting is a total order: equal keys are equal facts, and
// the normalised lists do not depend on the order facts arrived in (TUs, file groups, shards).
// The leading fields keep the order readers rely on (id or location first).
auto key(const StateDecl &D) {
  return std::tie(D.id, D.loc, D.kind, D.name, D.type, D.shape, D.threadLocal, D.isConst,
                  D.reference, D.fromMacro, D.owner, D.typeRecord, D.elementRecord,
                  D.closureCopy);
}
auto key(const RecordFact &R) {
  return std::tie(R.id, R.loc, R.name, R.bases, R.heldRecords, R.fieldNames, R.queuesWork);
}
auto key(const FunctionFact &F) {
  return std::tie(F.id, F.loc, F.name, F.record, F.parent, F.isLambda, F.isVirtual,
                  F.isCtorOrDtor, F.isMain, F.overrides, F.overrideNames, F.captureRecords,
                  F.returnedCallables, F.returnsStatic);
}
auto key(const Access &A) {
  return std::tie(A.target, A.function, A.loc, A.kind, A.path, A.method, A.incDec, A.passing,
                  A.callee, A.cap, A.throughThis, A.sessionKeyed, A.decides, A.onThis,
                  A.beforeReady);
}
auto key(const CallEdge &C) { return std::tie(C.caller, C.callee, C.kind, C.loc, C.receiver); }
auto key(const CallableRef &C) {
  return std::tie(C.holder, C.callable, C.callee, C.loc, C.calleeName, C.label, C.thisRecord,
                  C.viaReturn, C.stored);
}
auto key(const FileOp &F) {
  return std::tie(F.loc, F.function, F.api, F.kind, F.mode, F.target, F.handle, F.append,
                  F.logLike, F.store, F.openedAt);
}
auto key(const PoolFact &P) {
  return std::tie(P.loc, P.id, P.name, P.type, P.record, P.function, P.size, P.sizeText,
                  P.downstream, P.downstreamLiteral);
}
auto key(const SuppressionComment &S) { return std::tie(S.loc, S.kind, S.rules, S.reason); }
auto key(const Creation &C) { return std::tie(C.record, C.function, C.once); }

template <typename T> void sortUnique(std::vector<T> &V) {
  auto Less = [](const T &A, const T &B) { return key(A) < key(B); };
  // Facts are normalised again after every split and join, mostly already in order: a
  // sort of 80 000 sorted facts still compares n log n times.
  if (!std::is_sorted(V.begin(), V.end(), Less)) {
    // Sorted as indexes, then each fact moved once into place: a fact is a few hundred
    // bytes of strings, and sorting them in place moved each some log n times.
    std::vector<uint32_t> Order(V.size());
    std::iota(Order.begin(), Order.end(), 0u);
    std::sort(Order.begin(), Order.end(), [&](uint32_t A, uint32_t B) { return Less(V[A], V[B]); });
    for (size_t I = 0; I < V.size(); ++I) {
      if (Order[I] == I)
        continue;
      T Held = std::move(V[I]);
      size_t J = I;
      for (;;) {
        size_t From = Order[J];
        Order[J] = static_cast<uint32_t>(J);
        if (From == I) {
          V[J] = std::move(Held);
          break;
        }
        V[J] = std::move(V[From]);
        J = From;
      }
    }
  }
  V.erase(std::unique(V.begin(), V.end(),
                      [](const T &A, const T &B) { return key(A) == key(B); }),
          V.end());
}
} // namespace

bool totalLess(const StateDecl &A, const StateDecl &B) { return key(A) < key(B); }
bool totalLess(const FileOp &A, const FileOp &B) { return key(A) < key(B); }

void normalize(TUFacts &F) {
  sortUnique(F.decls);
  sortUnique(F.records);
  sortUnique(F.functions);
  sortUnique(F.accesses);
  sortUnique(F.calls);
  sortUnique(F.callables);
  sortUnique(F.fileOps);
  sortUnique(F.pools);
  sortUnique(F.suppressions);
  sortUnique(F.creations);
  std::sort(F.instantiated.begin(), F.instantiated.end());
  F.instantiated.erase(std::unique(F.instantiated.begin(), F.instantiated.end()),
                       F.instantiated.end());
}

} // namespace sa
