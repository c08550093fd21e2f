// How accesses read in messages. The wording is part of the reports (and of their goldens).
#include "program/Model.h"

#include <cctype>

namespace sa {

namespace {

/// The path below the holder followed by the operation's name, as one member path:
/// ".items" + "push_back" → ".items.push_back"; a bare name gets its leading dot.
std::string memberPath(const std::string &Path, const std::string &Operation) {
  std::string Out = Path;
  if (!Operation.empty())
    Out += (Out.empty() ? "" : ".") + Operation;
  if (!Out.empty() && (std::isalpha(static_cast<unsigned char>(Out[0])) || Out[0] == '_'))
    Out = "." + Out;
  return Out;
}

const char *stepSpelling(IncDecForm F) {
  switch (F) {
  case IncDecForm::PreIncrement:
  case IncDecForm::PostIncrement: return "++";
  case IncDecForm::PreDecrement:
  case IncDecForm::PostDecrement: return "--";
  case IncDecForm::None: break;
  }
  return "++";
}

} // namespace

std::string describeAccess(const StateDecl &D, const Access &A) {
  std::string Name = shortName(D.name);
  switch (A.kind) {
  case AccessKind::Assign: return Name + memberPath(A.path, "") + " = …";
  case AccessKind::CompoundAssign: return Name + memberPath(A.path, "") + " updated";
  case AccessKind::IncDec:
    if (A.incDec == IncDecForm::PostIncrement || A.incDec == IncDecForm::PostDecrement)
      return Name + A.path + stepSpelling(A.incDec);
    return stepSpelling(A.incDec) + Name + (A.incDec == IncDecForm::None ? memberPath(A.path, "") : A.path);
  case AccessKind::MutatingCall:
    if (A.method == "operator()")
      return Name + memberPath(A.path, "") + "()";
    return Name + memberPath(A.path, A.method) + "()";
  case AccessKind::RefArg: {
    std::string To = A.callee.empty() ? std::string() : " to " + A.callee;
    switch (A.passing) {
    case ArgPassing::Pointer: return "&" + Name + A.path + " passed" + To;
    case ArgPassing::Reference: return Name + A.path + " passed by non-const reference" + To;
    case ArgPassing::None: break;
    }
    return Name + memberPath(A.path, "") + " passed by non-const reference";
  }
  case AccessKind::Escape: return "&" + Name + memberPath(A.path, "");
  case AccessKind::LimitCheck: return Name + memberPath(A.cap, "");
  case AccessKind::StoreWrite:
    return Name + A.path + " (an in-memory " + A.callee + " database) written by " + A.method +
           "()";
  case AccessKind::Lookup:
  case AccessKind::Read:
  case AccessKind::Bind:
    return Name + memberPath(A.path, A.method);
  }
  return Name;
}

} // namespace sa
