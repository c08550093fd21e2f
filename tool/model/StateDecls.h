// Shared by the declaration checks: a VarDecl as a StateDecl fact.
#pragma once

#include "model/ExtractContext.h"

#include <optional>

namespace clang {
class VarDecl;
}

namespace sa {

/// The StateDecl for a variable in project code whose type is mutable, or nullopt.
std::optional<StateDecl> makeStateDecl(ExtractContext &Ctx, const clang::VarDecl *VD,
                                       StateKind Kind);

/// True for the declaration that defines a variable (not `extern int x;`, not the in-class
/// declaration of a static member defined out of line), outside template instantiations.
bool isReportableDefinition(const clang::VarDecl *VD);

} // namespace sa
