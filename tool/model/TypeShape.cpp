#include "model/TypeShape.h"

#include "facts/LibraryNames.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/StringSwitch.h"

using namespace clang;

namespace sa {

namespace {

bool hasMutableField(const CXXRecordDecl *RD, unsigned Depth);

/// Mutability of an object of type T (top-level const included).
bool objectIsMutable(QualType T, unsigned Depth) {
  if (Depth > 8)
    return true;
  // Qualifiers hide behind typedefs (`using CI = const int;`); the canonical type has them all.
  T = T.getCanonicalType();
  if (T->isReferenceType())
    return objectIsMutable(T->getPointeeType(), Depth + 1);
  if (const ArrayType *AT = T->getAsArrayTypeUnsafe()) {
    // `const char kName[]`: the canonical type may carry the const on the array rather than
    // on its elements; it applies to the elements either way.
    QualType Element = AT->getElementType();
    if (T.isConstQualified())
      Element.addConst();
    return objectIsMutable(Element, Depth + 1);
  }
  if (T->isFunctionType())
    return false;
  if (T.isConstQualified()) {
    // const T: the object cannot change, unless it is a pointer whose pointee can, or a
    // class with `mutable` members.
    if (T->isPointerType() || T->isMemberPointerType()) {
      QualType Pointee = T->getPointeeType();
      return !Pointee->isFunctionType() && !Pointee->isVoidType()
                 ? objectIsMutable(Pointee, Depth + 1)
                 : false;
    }
    if (const CXXRecordDecl *RD = T->getAsCXXRecordDecl())
      return hasMutableField(RD, Depth + 1);
    return false;
  }
  if (const CXXRecordDecl *RD = T->getAsCXXRecordDecl()) {
    RD = RD->getDefinition();
    // A class with no data (a tag, a stateless functor, a captureless lambda) holds nothing.
    if (RD && RD->isEmpty())
      return false;
  }
  return true;
}

bool hasMutableField(const CXXRecordDecl *RD, unsigned Depth) {
  RD = RD ? RD->getDefinition() : nullptr;
  if (!RD)
    return false;
  for (const FieldDecl *F : RD->fields())
    if (F->isMutable() || (F->getType()->getAsCXXRecordDecl() &&
                           hasMutableField(F->getType()->getAsCXXRecordDecl(), Depth + 1)))
      return true;
  for (const CXXBaseSpecifier &B : RD->bases())
    if (hasMutableField(B.getType()->getAsCXXRecordDecl(), Depth + 1))
      return true;
  return false;
}

llvm::StringRef templateName(const CXXRecordDecl *RD) {
  if (const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(RD))
    return Spec->getSpecializedTemplate()->getName();
  return RD->getName();
}

QualType firstTypeArg(const CXXRecordDecl *RD) {
  if (const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(RD))
    if (Spec->getTemplateArgs().size() > 0 &&
        Spec->getTemplateArgs()[0].getKind() == TemplateArgument::Type)
      return Spec->getTemplateArgs()[0].getAsType();
  return {};
}

const TypeDecl *memberType(const CXXRecordDecl *RD, llvm::StringRef Name,
                           const ASTContext &Ctx) {
  if (!RD || !RD->hasDefinition())
    return nullptr;
  auto &Idents = const_cast<ASTContext &>(Ctx).Idents;
  for (const NamedDecl *D : RD->getDefinition()->lookup(&Idents.get(Name)))
    if (const auto *TD = dyn_cast<TypeDecl>(D))
      return TD;
  return nullptr;
}

bool isLockName(llvm::StringRef Name) {
  return llvm::StringSwitch<bool>(Name)
             .Cases("mutex", "recursive_mutex", "timed_mutex", "recursive_timed_mutex", true)
             .Cases("shared_mutex", "shared_timed_mutex", "condition_variable", true)
             .Cases("condition_variable_any", "once_flag", "counting_semaphore", true)
             .Cases("latch", "barrier", "thread", "jthread", true)
             .Default(false) ||
         Name.ends_with_insensitive("mutex") || Name.ends_with("SpinLock") ||
         Name.ends_with("spinlock");
}

bool inSystemHeader(const Decl *D) {
  const SourceManager &SM = D->getASTContext().getSourceManager();
  return SM.isInSystemHeader(SM.getExpansionLoc(D->getLocation()));
}

/// A typedef on the way to the type names a store client (`PGconn`, `MYSQL`, `CURL`): the C
/// libraries' handles are typedefs of structs.
bool isClientTypedef(QualType T, const StoreClientNames &Clients) {
  for (QualType Cur = T; !Cur.isNull();) {
    const auto *TT = Cur->getAs<TypedefType>();
    if (!TT)
      break;
    if (Clients.matches(TT->getDecl()->getName(), inSystemHeader(TT->getDecl())))
      return true;
    Cur = TT->desugar();
  }
  return false;
}

bool isTypedefNamed(QualType T, std::initializer_list<llvm::StringRef> Names) {
  for (QualType Cur = T; !Cur.isNull();) {
    if (const auto *TT = Cur->getAs<TypedefType>()) {
      for (llvm::StringRef N : Names)
        if (TT->getDecl()->getName() == N)
          return true;
      Cur = TT->desugar();
      continue;
    }
    break;
  }
  return false;
}

} // namespace

bool isMutableType(QualType T) { return !T.isNull() && objectIsMutable(T, 0); }

const CXXRecordDecl *heldRecord(QualType T) {
  if (T.isNull())
    return nullptr;
  T = T.getNonReferenceType();
  if (T->isPointerType())
    T = T->getPointeeType();
  const CXXRecordDecl *RD = T->getAsCXXRecordDecl();
  if (RD && RD->isInStdNamespace()) {
    llvm::StringRef Name = templateName(RD);
    if (Name == "unique_ptr" || Name == "shared_ptr" || Name == "weak_ptr" ||
        Name == "optional" || Name == "reference_wrapper") {
      QualType Arg = firstTypeArg(RD);
      return Arg.isNull() ? nullptr : Arg->getAsCXXRecordDecl();
    }
  }
  return RD;
}

const CXXRecordDecl *elementRecord(QualType T, const ASTContext &Ctx) {
  if (T.isNull())
    return nullptr;
  T = T.getNonReferenceType();
  if (const ArrayType *AT = T->getAsArrayTypeUnsafe())
    return heldRecord(AT->getElementType());
  const CXXRecordDecl *RD = T->getAsCXXRecordDecl();
  for (llvm::StringRef Member : {"mapped_type", "value_type"})
    if (const TypeDecl *TD = memberType(RD, Member, Ctx))
      if (const auto *Alias = dyn_cast<TypedefNameDecl>(TD))
        if (const CXXRecordDecl *E = heldRecord(Alias->getUnderlyingType()))
          return E;
  return nullptr;
}

bool holdsCallables(QualType T, const ASTContext &Ctx) {
  if (T.isNull())
    return false;
  const CXXRecordDecl *RD = T.getNonReferenceType()->getAsCXXRecordDecl();
  if (!RD || shapeOf(T.getNonReferenceType(), Ctx) != TypeShape::Sequence)
    return false;
  if (const auto *Alias = dyn_cast_or_null<TypedefNameDecl>(memberType(RD, "value_type", Ctx)))
    return shapeOf(Alias->getUnderlyingType(), Ctx) == TypeShape::Callable;
  return false;
}

bool isDataShape(TypeShape S) {
  switch (S) {
  case TypeShape::KeyedContainer:
  case TypeShape::Set:
  case TypeShape::Sequence:
  case TypeShape::String:
  case TypeShape::Integer:
  case TypeShape::Floating:
  case TypeShape::Boolean:
  case TypeShape::Atomic:
    return true;
  default:
    return false;
  }
}

bool isSmartPointer(QualType T) {
  if (T.isNull())
    return false;
  const CXXRecordDecl *RD = T.getNonReferenceType()->getAsCXXRecordDecl();
  if (!RD || !RD->isInStdNamespace() || !RD->getIdentifier())
    return false;
  llvm::StringRef N = RD->getName();
  return N == "unique_ptr" || N == "shared_ptr" || N == "weak_ptr" ||
         N == "__shared_ptr" || N == "__shared_ptr_access" || N == "__weak_ptr";
}

TypeShape shapeOf(QualType T, const ASTContext &Ctx,
                  llvm::function_ref<bool(const CXXRecordDecl *)> IsLibrary,
                  const StoreClientNames *ClientNames) {
  if (T.isNull())
    return TypeShape::Other;
  const StoreClientNames &Clients = ClientNames ? *ClientNames : StoreClientNames::builtin();
  auto isClientName = [&](llvm::StringRef Name, bool Library) {
    return Clients.matches(Name, Library);
  };
  auto Library = [&](const CXXRecordDecl *RD) {
    return IsLibrary ? IsLibrary(RD) : inSystemHeader(RD);
  };
  if (isTypedefNamed(T, {"pthread_mutex_t", "pthread_rwlock_t", "pthread_cond_t",
                         "pthread_once_t", "pthread_spinlock_t"}))
    return TypeShape::Lock;
  if (isTypedefNamed(T, {"FILE"}))
    return TypeShape::Stream;
  if (isClientTypedef(T, Clients))
    return TypeShape::Client;
  T = T.getNonReferenceType();
  // A pointer or smart pointer to a lock or a client is one too.
  if (const CXXRecordDecl *Held = heldRecord(T); Held && Held->getIdentifier()) {
    bool Indirect = T->isPointerType() || (T->getAsCXXRecordDecl() != Held);
    if (Indirect && isClientName(Held->getName(), Library(Held)))
      return TypeShape::Client;
    if (Indirect && isLockName(Held->getName()) && Held->isInStdNamespace())
      return TypeShape::Lock;
  }
  if (T->isAtomicType())
    return TypeShape::Atomic;
  if (T->isBooleanType())
    return TypeShape::Boolean;
  if (T->isEnumeralType())
    return TypeShape::Other;
  if (T->isAnyCharacterType() && !T->isArrayType())
    return TypeShape::Integer;
  if (T->isIntegerType())
    return TypeShape::Integer;
  if (T->isRealFloatingType())
    return TypeShape::Floating;
  if (T->isFunctionPointerType() || T->isMemberFunctionPointerType())
    return TypeShape::Callable;
  if (const ArrayType *AT = T->getAsArrayTypeUnsafe())
    return AT->getElementType()->isAnyCharacterType() ? TypeShape::String : TypeShape::Sequence;
  if (T->isPointerType()) {
    QualType P = T->getPointeeType();
    if (P->isAnyCharacterType())
      return TypeShape::String;
    if (isTypedefNamed(P, {"FILE"}))
      return TypeShape::Stream;
    return TypeShape::Pointer;
  }
  const CXXRecordDecl *RD = T->getAsCXXRecordDecl();
  if (!RD)
    return TypeShape::Other;
  llvm::StringRef Name = templateName(RD);
  if (RD->isInStdNamespace()) {
    if (Name == "atomic" || Name == "atomic_flag" || Name == "atomic_ref")
      return TypeShape::Atomic;
    if (Name == "basic_ofstream" || Name == "basic_fstream" || Name == "basic_filebuf" ||
        Name == "basic_ostream")
      return TypeShape::Stream;
    if (Name == "function" || Name == "move_only_function" || Name == "copyable_function")
      return TypeShape::Callable;
    if (Name == "basic_string" || Name == "basic_string_view")
      return TypeShape::String;
    if (Name == "unique_ptr" || Name == "shared_ptr" || Name == "weak_ptr" ||
        Name == "optional" || Name == "reference_wrapper")
      return TypeShape::Pointer;
    if (Name == "queue" || Name == "stack" || Name == "priority_queue" || Name == "array" ||
        Name == "valarray")
      return TypeShape::Sequence;
    if (Name == "bitset")
      return TypeShape::Set;
  }
  if (isLockName(Name) && (RD->isInStdNamespace() || !Name.equals_insensitive("thread")))
    return TypeShape::Lock;
  if (isClientName(Name, Library(RD)))
    return TypeShape::Client;
  // A container of threads or mutexes is bookkeeping of this process's own resources.
  if (const TypeDecl *VT = memberType(RD, "value_type", Ctx))
    if (const auto *Alias = dyn_cast<TypedefNameDecl>(VT))
      if (const CXXRecordDecl *E = Alias->getUnderlyingType()->getAsCXXRecordDecl())
        if (E->isInStdNamespace() && E->getIdentifier() && isLockName(E->getName()))
          return TypeShape::Lock;
  if (memberType(RD, "mapped_type", Ctx))
    return TypeShape::KeyedContainer;
  if (memberType(RD, "key_type", Ctx))
    return TypeShape::Set;
  if (memberType(RD, "value_type", Ctx) &&
      (memberType(RD, "iterator", Ctx) || memberType(RD, "container_type", Ctx)))
    return TypeShape::Sequence;
  return TypeShape::Object;
}

} // namespace sa
