// What a type means as state: is it mutable, what shape is it, which class does it hold.
#pragma once

#include "facts/Facts.h"

#include "clang/AST/Type.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace clang {
class ASTContext;
class CXXRecordDecl;
} // namespace clang

namespace sa {

class StoreClientNames;

/// True when a variable of type `T` is state that can change after initialisation:
/// not const/constexpr all the way down. A const pointer to mutable data, a reference to
/// mutable data and a const object with `mutable` fields are mutable; an empty class is not.
bool isMutableType(clang::QualType T);

/// `IsLibrary` says whether a class is someone else's code (for names such as Redis or
/// *Connection, which mark clients only in libraries); by default: declared in a system header.
/// `Clients` names the clients of external stores (the knowledge's store-clients; by default
/// the shipped ones).
TypeShape shapeOf(clang::QualType T, const clang::ASTContext &Ctx,
                  llvm::function_ref<bool(const clang::CXXRecordDecl *)> IsLibrary = nullptr,
                  const StoreClientNames *Clients = nullptr);

/// Containers, strings and numbers: data a reference can hold on behalf of an object (as
/// opposed to a library object such as a server, which is reached, not held).
bool isDataShape(TypeShape S);

/// std::unique_ptr, shared_ptr, weak_ptr, or the bases they implement operator-> in.
bool isSmartPointer(clang::QualType T);

/// A container of callables (`std::queue<std::function<void()>>`): queued work.
bool holdsCallables(clang::QualType T, const clang::ASTContext &Ctx);

/// The class a type names directly or through a pointer, reference, smart pointer or optional.
const clang::CXXRecordDecl *heldRecord(clang::QualType T);

/// The class stored in a container type (the Session in std::map<std::string, Session>).
const clang::CXXRecordDecl *elementRecord(clang::QualType T, const clang::ASTContext &Ctx);

} // namespace sa
