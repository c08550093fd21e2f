#include "link/Linker.h"

#include "link/Hints.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/SHA256.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace sa {

namespace {

const char *ruleFor(const StateDecl &D) {
  if (D.threadLocal)
    return "thread-local";
  switch (D.kind) {
  case StateKind::Global: return "global-variable";
  case StateKind::StaticLocal: return "static-local";
  case StateKind::StaticMember: return "static-member";
  case StateKind::Field: return "member-state";
  case StateKind::CapturedLocal: return "captured-state";
  }
  return "global-variable";
}

std::string describe(const StateDecl &D) {
  std::string Q = "'" + D.name + "'";
  if (D.threadLocal)
    return "thread_local " + Q + " keeps per-thread state between requests on this instance";
  switch (D.kind) {
  case StateKind::Global:
    return "mutable global " + Q +
           " is per-process state: each instance behind a load balancer keeps its own copy";
  case StateKind::StaticLocal:
    return "mutable function-local static " + Q +
           " outlives the request and is per-process state that other instances do not share";
  case StateKind::StaticMember:
    return "mutable static data member " + Q +
           " is per-process state: each instance behind a load balancer keeps its own copy";
  case StateKind::Field:
    return "field " + Q + " of a long-lived object keeps state between requests";
  case StateKind::CapturedLocal:
    return "local " + Q + " captured into a handler keeps state between requests";
  }
  return Q;
}

std::string describe(const FileOp &Op) {
  std::string What = Op.target.empty() ? "a file" : "'" + Op.target + "'";
  switch (Op.kind) {
  case FileOpKind::OpenWrite:
    return "'" + Op.api + "' opens " + What + (Op.append ? " for appending" : " for writing") +
           (Op.mode.empty() ? std::string() : " (" + Op.mode + ")") +
           " on the local filesystem, which exists on this instance only";
  case FileOpKind::OpenUnknown:
    return "'" + Op.api + "' opens " + What +
           " with a mode that could not be determined; if it writes, the file exists on this "
           "instance only";
  case FileOpKind::Modify:
    return "'" + Op.api + "' changes the local filesystem" +
           (Op.target.empty() ? std::string() : " (" + Op.target + ")") +
           ", which other instances do not see";
  }
  return Op.api;
}

} // namespace

void assignFingerprints(std::vector<Finding> &Findings) {
  std::map<std::tuple<std::string, std::string, std::string>, unsigned> Seen;
  for (Finding &F : Findings) {
    unsigned Ordinal = Seen[{F.rule, F.loc.file, F.symbol}]++;
    llvm::SHA256 H;
    for (llvm::StringRef Part : {llvm::StringRef(F.rule), llvm::StringRef(F.loc.file),
                                 llvm::StringRef(F.symbol)}) {
      H.update(Part);
      H.update(llvm::StringRef("\0", 1));
    }
    H.update(std::to_string(Ordinal));
    auto Digest = H.final();
    F.fingerprint = llvm::toHex(llvm::ArrayRef<uint8_t>(Digest).take_front(16), true);
  }
}

LinkResult link(const Program &P) {
  LinkResult R;
  for (const auto &[Id, D] : P.states) {
    // Fields and captured locals are state only through the objects and handlers that hold
    // them; they are judged by the request-path analysis.
    if (D.kind == StateKind::Field || D.kind == StateKind::CapturedLocal)
      continue;
    // A mutex or once_flag guards state; it is not state by itself.
    if (D.shape == TypeShape::Lock)
      continue;
    Finding F;
    F.rule = ruleFor(D);
    F.level = Level::Warning;
    F.loc = D.loc;
    F.symbol = D.name;
    F.type = D.type;
    F.message = describe(D);
    F.hint = stateHint(D);
    F.stateId = D.id;
    R.findings.push_back(std::move(F));
  }
  for (const FileOp &Op : P.fileOps) {
    Finding F;
    F.rule = "file-write";
    F.level = Level::Warning;
    F.loc = Op.loc;
    const FunctionFact *Fn = P.function(Op.function);
    F.symbol = Op.api + " in " + (Fn ? Fn->name : std::string("namespace scope"));
    F.message = describe(Op);
    F.hint = fileHint(Op);
    R.findings.push_back(std::move(F));
  }
  std::sort(R.findings.begin(), R.findings.end(), findingLess);
  assignFingerprints(R.findings);
  return R;
}

} // namespace sa
