#include "model/ExtractContext.h"
#include "model/StmtPlaces.h"
#include "model/TypeShape.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/Expr.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Index/USRGeneration.h"
#include "clang/Lex/Lexer.h"
#include "clang/Lex/Preprocessor.h"
#include "llvm/ADT/SmallString.h"

using namespace clang;

namespace sa {

ExtractContext::ExtractContext(const ProjectPaths &Paths, TUFacts &Facts,
                               const Knowledge &Libraries)
    : Paths(Paths), Facts(Facts), Libraries(Libraries), Clients(Libraries.storeClients),
      Pools(Libraries.poolClasses, Libraries.notPoolClasses) {}

ExtractContext::~ExtractContext() = default;

template <typename T> static void makeRoomIn(std::vector<T> &V, size_t More) {
  size_t Needed = V.size() + More;
  if (Needed > V.capacity())
    V.reserve(std::max(Needed, 2 * V.capacity()));
}

void ExtractContext::makeRoom(size_t Functions, size_t Accesses) {
  makeRoomIn(Facts.functions, Functions);
  makeRoomIn(Facts.accesses, Accesses);
}

void ExtractContext::attach(ASTContext &C, Preprocessor &P) {
  Ctx = &C;
  PP = &P;
  Places.reset();
}

StmtPlaces &ExtractContext::places() {
  if (!Places)
    Places = std::make_unique<StmtPlaces>(*Ctx);
  return *Places;
}

const FunctionDecl *ExtractContext::functionOf(const Stmt *S) { return places().function(S); }

const VarDecl *ExtractContext::initialisedVar(const Expr *E, bool ThroughCleanups) {
  return places().initialised(E, ThroughCleanups);
}

const SourceManager &ExtractContext::sourceManager() const { return Ctx->getSourceManager(); }

std::optional<std::string> ExtractContext::projectFile(FileID FID) {
  auto It = FileCache.find(FID);
  if (It != FileCache.end())
    return It->second;
  const SourceManager &SM = sourceManager();
  std::optional<std::string> Result;
  OptionalFileEntryRef FE = SM.getFileEntryRefForID(FID);
  bool System = SrcMgr::isSystem(SM.getSLocEntry(FID).getFile().getFileCharacteristic());
  if (FE && !System) {
    llvm::SmallString<256> Abs(FE->getName());
    SM.getFileManager().makeAbsolutePath(Abs);
    std::string Canonical = canonicalPath(Abs);
    Result = Paths.projectRelative(Canonical);
    if (!Result && !isWithin(Canonical, Paths.root()) && FID != SM.getMainFileID())
      Facts.outsideRoot.push_back(Canonical);
  }
  FileCache[FID] = Result;
  return Result;
}

std::optional<SourceLoc> ExtractContext::projectLoc(SourceLocation Loc) {
  if (Loc.isInvalid())
    return std::nullopt;
  const SourceManager &SM = sourceManager();
  SourceLocation E = SM.getExpansionLoc(Loc);
  std::optional<std::string> File = projectFile(SM.getFileID(E));
  if (!File)
    return std::nullopt;
  SourceLoc L;
  L.file = *File;
  L.line = SM.getExpansionLineNumber(E);
  L.column = SM.getExpansionColumnNumber(E);
  unsigned Len = Lexer::MeasureTokenLength(E, SM, Ctx->getLangOpts());
  L.endLine = L.line;
  L.endColumn = L.column + (Len ? Len : 1);
  return L;
}

std::optional<SourceLoc> ExtractContext::projectRange(const Stmt *S) {
  return projectRange(SourceRange(chainLoc(S, /*First=*/true), chainLoc(S, /*First=*/false)));
}

/// The operand an operator's start (`First`) or end comes from, when clang takes it from an
/// operand: binary and conditional operators, unary operators, implicit casts, overloaded
/// infix operators.
static const Stmt *rangeOperand(const Stmt *S, bool First) {
  if (const auto *B = dyn_cast<BinaryOperator>(S))
    return First ? B->getLHS() : B->getRHS();
  if (const auto *C = dyn_cast<ConditionalOperator>(S))
    return First ? C->getCond() : C->getFalseExpr();
  if (const auto *U = dyn_cast<UnaryOperator>(S))
    return U->isPostfix() == First ? U->getSubExpr() : nullptr;
  if (const auto *I = dyn_cast<ImplicitCastExpr>(S))
    return I->getSubExpr();
  if (const auto *O = dyn_cast<CXXOperatorCallExpr>(S))
    if (O->isInfixBinaryOp() && O->getOperator() != OO_PlusPlus &&
        O->getOperator() != OO_MinusMinus)
      return O->getArg(First ? 0 : 1);
  return nullptr;
}

SourceLocation ExtractContext::chainLoc(const Stmt *S, bool First) {
  const Stmt *Operand = rangeOperand(S, First);
  if (!Operand)
    return First ? S->getBeginLoc() : S->getEndLoc();
  llvm::DenseMap<const Stmt *, SourceLocation> &Known = First ? Begins : Ends;
  auto It = Known.find(S);
  if (It != Known.end())
    return It->second;
  SourceLocation L = chainLoc(Operand, First);
  if (L.isInvalid())
    L = First ? S->getBeginLoc() : S->getEndLoc(); // an operand without a location: clang's
  Known[S] = L;
  return L;
}

std::optional<SourceLoc> ExtractContext::projectRange(SourceRange R) {
  std::optional<SourceLoc> L = projectLoc(R.getBegin());
  if (!L)
    return L;
  const SourceManager &SM = sourceManager();
  SourceLocation End = SM.getExpansionRange(R.getEnd()).getEnd();
  if (End.isValid() && SM.getFileID(End) == SM.getFileID(SM.getExpansionLoc(R.getBegin()))) {
    unsigned Line = SM.getExpansionLineNumber(End);
    unsigned Col = SM.getExpansionColumnNumber(End);
    unsigned Len = Lexer::MeasureTokenLength(End, SM, Ctx->getLangOpts());
    if (Line > L->line || (Line == L->line && Col + Len > L->endColumn)) {
      L->endLine = Line;
      L->endColumn = Col + (Len ? Len : 1);
    }
  }
  return L;
}

bool ExtractContext::isProjectCode(SourceLocation Loc) {
  if (Loc.isInvalid())
    return false;
  const SourceManager &SM = sourceManager();
  return projectFile(SM.getFileID(SM.getExpansionLoc(Loc))).has_value();
}

static std::string locationKey(const SourceManager &SM, SourceLocation Loc,
                               const std::optional<SourceLoc> &Project) {
  if (Project)
    return Project->file + ":" + std::to_string(Project->line) + ":" +
           std::to_string(Project->column);
  PresumedLoc P = SM.getPresumedLoc(SM.getExpansionLoc(Loc));
  if (P.isInvalid())
    return "<unknown>";
  return std::string(P.getFilename()) + ":" + std::to_string(P.getLine()) + ":" +
         std::to_string(P.getColumn());
}

std::string ExtractContext::declId(const Decl *D) {
  if (!D)
    return {};
  D = D->getCanonicalDecl();
  // Locals (statics and captured ones) are named by where they are declared: the same in a
  // template and its instantiations, and in every TU that includes an inline function.
  if (const auto *VD = dyn_cast<VarDecl>(D); VD && VD->isLocalVarDeclOrParm())
    return "local:" + locationKey(sourceManager(), VD->getLocation(), projectLoc(VD->getLocation())) +
           ":" + VD->getNameAsString();
  llvm::SmallString<128> USR;
  const auto *ND = dyn_cast<NamedDecl>(D);
  std::optional<SourceLoc> Where = projectLoc(D->getLocation());
  if (index::generateUSRForDecl(D, USR) || !ND) {
    std::string Name = ND ? ND->getNameAsString() : std::string("decl");
    return "decl:" + locationKey(sourceManager(), D->getLocation(), Where) + ":" + Name;
  }
  std::string Id(USR);
  // Clang's USR for an internal-linkage declaration names its file by base name only; the
  // project-relative path keeps same-named statics in different directories apart.
  if (!ND->isExternallyVisible())
    Id += "@" + locationKey(sourceManager(), D->getLocation(), Where);
  return Id;
}

std::string ExtractContext::lambdaId(const CXXRecordDecl *Closure) {
  const SourceManager &SM = sourceManager();
  SourceLocation Loc = Closure->getLocation();
  std::string Id = "lambda:" + locationKey(SM, Loc, projectLoc(Loc));
  // Two lambdas from one macro expansion share the expansion location; their spelling
  // locations in the macro tell them apart.
  if (Loc.isMacroID())
    Id += "@" + std::to_string(SM.getFileOffset(SM.getSpellingLoc(Loc)));
  return Id;
}

static const FunctionDecl *pattern(const FunctionDecl *FD) {
  if (const FunctionDecl *P = FD->getTemplateInstantiationPattern(/*ForDefinition=*/false))
    return P;
  return FD;
}

std::string ExtractContext::functionId(const FunctionDecl *FD) {
  if (!FD)
    return {};
  FD = pattern(FD);
  if (const auto *MD = dyn_cast<CXXMethodDecl>(FD))
    if (MD->getParent()->isLambda()) {
      // The call operator is the lambda; its conversion to a function pointer is not.
      if (MD->getOverloadedOperator() == OO_Call)
        return lambdaId(MD->getParent());
      return lambdaId(MD->getParent()) + "#" + MD->getNameAsString();
    }
  return declId(FD);
}

static const CXXRecordDecl *recordPattern(const CXXRecordDecl *RD) {
  if (const CXXRecordDecl *P = RD->getTemplateInstantiationPattern())
    return P;
  return RD;
}

std::string ExtractContext::recordId(const CXXRecordDecl *RD) {
  if (!RD)
    return {};
  RD = recordPattern(RD);
  if (RD->isLambda())
    return lambdaId(RD);
  return declId(RD);
}

PrintingPolicy ExtractContext::namePolicy() const {
  PrintingPolicy Policy(Ctx->getLangOpts());
  Policy.SuppressUnwrittenScope = false;
  return Policy;
}

/// How clang names one enclosing context in a qualified name (the loop body of
/// NamedDecl::printNestedNameSpecifier), with its "::"; nothing for an unscoped enum.
static void printScopeSegment(llvm::raw_ostream &OS, const DeclContext *DC,
                              const PrintingPolicy &P, const PrintingPolicy &Names) {
  auto Name = [&](const NamedDecl *ND) { ND->printName(OS, Names); };
  if (const auto *Spec = dyn_cast<ClassTemplateSpecializationDecl>(DC)) {
    OS << Spec->getName();
    printTemplateArgumentList(OS, Spec->getTemplateArgs().asArray(), P,
                              Spec->getSpecializedTemplate()->getTemplateParameters());
  } else if (const auto *RD = dyn_cast<RecordDecl>(DC)) {
    if (!RD->getIdentifier())
      OS << "(anonymous " << RD->getKindName() << ')';
    else
      Name(RD);
  } else if (const auto *FD = dyn_cast<FunctionDecl>(DC)) {
    const FunctionProtoType *FT = nullptr;
    if (FD->hasWrittenPrototype())
      FT = dyn_cast<FunctionProtoType>(FD->getType()->castAs<FunctionType>());
    Name(FD);
    OS << '(';
    if (FT) {
      for (unsigned I = 0; I < FD->getNumParams(); ++I)
        OS << (I ? ", " : "") << FD->getParamDecl(I)->getType().stream(P);
      if (FT->isVariadic())
        OS << (FD->getNumParams() ? ", ..." : "...");
    }
    OS << ')';
  } else if (const auto *ED = dyn_cast<EnumDecl>(DC)) {
    if (!ED->isScoped())
      return;
    Name(ED);
  } else {
    Name(cast<NamedDecl>(DC));
  }
  OS << "::";
}

const std::string &ExtractContext::localScopePrefix(const DeclContext *DC) {
  auto It = ScopePrefixes.find(DC);
  if (It != ScopePrefixes.end())
    return It->second;
  std::string Prefix;
  llvm::raw_string_ostream OS(Prefix);
  PrintingPolicy P = namePolicy();
  const DeclContext *Up = DC->getParent();
  while (Up && !isa<NamedDecl>(Up) && !Up->isFileContext())
    Up = Up->getParent(); // a block, a captured statement: not named, not printed
  if (Up && !Up->isFileContext())
    OS << localScopePrefix(Up);
  else
    cast<NamedDecl>(DC)->printNestedNameSpecifier(OS, P); // namespaces, as clang prints them
  printScopeSegment(OS, DC, P, Ctx->getPrintingPolicy());
  OS.flush();
  return ScopePrefixes[DC] = std::move(Prefix);
}

std::string ExtractContext::qualifiedName(const NamedDecl *D) {
  if (const auto *VD = dyn_cast<VarDecl>(D))
    if (const FunctionDecl *Owner = enclosingFunction(VD))
      return scopeName(Owner) + "::" + VD->getNameAsString();
  PrintingPolicy Policy = namePolicy();
  std::string S;
  llvm::raw_string_ostream OS(S);
  // A member of a class defined in a function (a lambda's call operator): clang prints every
  // enclosing scope again for each name, walking up to the translation unit for each, which
  // took minutes for lambdas nested 2 000 deep. The scopes are printed once each instead,
  // the same way. (Elsewhere the scopes are namespaces and classes, and few.)
  const DeclContext *DC = D->getDeclContext();
  if (isa<RecordDecl>(DC) && cast<Decl>(DC)->getParentFunctionOrMethod() && D->getDeclName()) {
    OS << localScopePrefix(DC);
    D->printName(OS, Ctx->getPrintingPolicy());
    return OS.str();
  }
  D->printQualifiedName(OS, Policy);
  return OS.str();
}

std::string ExtractContext::scopeName(const FunctionDecl *FD) {
  FD = pattern(FD);
  auto It = ScopeNames.find(FD);
  if (It != ScopeNames.end())
    return It->second;
  std::string Name;
  const auto *MD = dyn_cast<CXXMethodDecl>(FD);
  if (MD && MD->getParent()->isLambda()) {
    const FunctionDecl *Outer = enclosingFunction(MD->getParent());
    Name = (Outer ? scopeName(Outer) + "::" : std::string()) + "(lambda)";
  } else {
    Name = qualifiedName(FD);
  }
  return ScopeNames[FD] = Name;
}

std::string ExtractContext::functionName(const FunctionDecl *FD) {
  if (!FD)
    return {};
  FD = pattern(FD);
  auto It = FunctionNames.find(FD);
  if (It != FunctionNames.end())
    return It->second;
  std::string Name;
  const auto *MD = dyn_cast<CXXMethodDecl>(FD);
  if (MD && MD->getParent()->isLambda()) {
    // Names of lambdas nested in lambdas are built on their enclosing one's, each once.
    if (const FunctionDecl *Outer = enclosingFunction(MD->getParent())) {
      Name = "lambda in " + functionName(Outer);
    } else {
      std::optional<SourceLoc> L = projectLoc(MD->getParent()->getLocation());
      Name = L ? "lambda at " + L->file + ":" + std::to_string(L->line) : "lambda";
    }
  } else {
    Name = qualifiedName(FD);
  }
  return FunctionNames[FD] = Name;
}

std::string ExtractContext::typeName(QualType T) const {
  PrintingPolicy Policy(Ctx->getLangOpts());
  Policy.SuppressTagKeyword = true;
  Policy.FullyQualifiedName = false;
  return T.getAsString(Policy);
}

const FunctionDecl *ExtractContext::enclosingFunction(const Decl *D) {
  for (const DeclContext *DC = D->getDeclContext(); DC; DC = DC->getParent())
    if (const auto *FD = dyn_cast<FunctionDecl>(DC))
      return FD;
  return nullptr;
}

static const CXXRecordDecl *thisClassOfLambda(const CXXRecordDecl *Closure) {
  for (const DeclContext *DC = Closure->getDeclContext(); DC; DC = DC->getParent())
    if (const auto *MD = dyn_cast<CXXMethodDecl>(DC))
      if (!MD->getParent()->isLambda())
        return MD->getParent();
  return nullptr;
}

FunctionFact *ExtractContext::functionFact(const std::string &Id) {
  auto It = FunctionIndex.find(Id);
  return It == FunctionIndex.end() ? nullptr : &Facts.functions[It->second];
}

const FieldDecl *ExtractContext::patternField(const FieldDecl *F) {
  const auto *RD = dyn_cast<CXXRecordDecl>(F->getParent());
  const CXXRecordDecl *P = RD ? RD->getTemplateInstantiationPattern() : nullptr;
  if (!P || P == RD)
    return F;
  for (const FieldDecl *Candidate : P->fields())
    if (Candidate->getFieldIndex() == F->getFieldIndex())
      return Candidate;
  return F;
}

std::string ExtractContext::fieldId(const FieldDecl *F) { return declId(patternField(F)); }

std::string ExtractContext::closureStateId(const CXXRecordDecl *Closure, const VarDecl *V) {
  return "closure:" + lambdaId(Closure) + ":" + V->getNameAsString();
}

TypeShape ExtractContext::shape(QualType T) {
  return shapeOf(
      T, *Ctx, [this](const CXXRecordDecl *RD) { return !isProjectCode(RD->getLocation()); },
      &Clients);
}

bool ExtractContext::referenceHoldsData(QualType T) {
  return T->isReferenceType() && !isProjectRecord(heldRecord(T)) &&
         isDataShape(shape(T.getNonReferenceType()));
}

bool ExtractContext::isProjectRecord(const CXXRecordDecl *RD) {
  return RD && !RD->isLambda() && isProjectCode(RD->getLocation());
}

std::string ExtractContext::withoutTemplateArgs(llvm::StringRef Name) {
  std::string Out;
  int Depth = 0;
  for (size_t I = 0; I < Name.size(); ++I) {
    char C = Name[I];
    // "operator<", "operator<<" and "operator<=" are names, not argument lists.
    if (Name.substr(0, I).ends_with("operator") && (C == '<' || C == '>')) {
      Out += C;
      continue;
    }
    if (C == '<')
      ++Depth;
    else if (C == '>' && Depth > 0)
      --Depth;
    else if (Depth == 0)
      Out += C;
  }
  return Out;
}

std::string ExtractContext::noteFunction(const FunctionDecl *FD) {
  if (!FD)
    return {};
  FD = pattern(FD);
  std::string Id = functionId(FD);
  if (!NotedFunctions.insert(FD).second)
    return Id;
  std::optional<SourceLoc> Loc = projectLoc(FD->getLocation());
  if (!Loc)
    return Id;
  FunctionFact F;
  F.id = Id;
  F.name = functionName(FD);
  F.loc = *Loc;
  F.isMain = FD->isMain();
  F.isCtorOrDtor = isa<CXXConstructorDecl>(FD) || isa<CXXDestructorDecl>(FD);
  if (const auto *MD = dyn_cast<CXXMethodDecl>(FD)) {
    const CXXRecordDecl *Parent = MD->getParent();
    if (Parent->isLambda()) {
      F.isLambda = true;
      F.parent = functionId(enclosingFunction(Parent));
      for (const LambdaCapture &C : Parent->captures()) {
        if (C.capturesThis()) {
          if (const CXXRecordDecl *This = thisClassOfLambda(Parent))
            F.record = recordId(This);
        } else if (C.capturesVariable()) {
          if (const auto *VD = dyn_cast<VarDecl>(C.getCapturedVar()))
            if (const CXXRecordDecl *RD = heldRecord(VD->getType()))
              if (isProjectCode(RD->getLocation()))
                F.captureRecords.push_back(recordId(RD));
        }
      }
    } else {
      F.record = recordId(Parent);
      F.isVirtual = MD->isVirtual();
      for (const CXXMethodDecl *O : MD->overridden_methods()) {
        F.overrides.push_back(functionId(O));
        F.overrideNames.push_back(withoutTemplateArgs(qualifiedName(pattern(O))));
      }
    }
  }
  FunctionIds.push_back(Id);
  FunctionIndex[FunctionIds.back()] = Facts.functions.size();
  Facts.functions.push_back(std::move(F));
  return Id;
}

std::string ExtractContext::noteRecord(const CXXRecordDecl *RD) {
  if (!RD)
    return {};
  RD = recordPattern(RD);
  if (const CXXRecordDecl *Def = RD->getDefinition())
    RD = Def;
  std::optional<SourceLoc> Loc = projectLoc(RD->getLocation());
  if (!Loc || RD->isLambda())
    return {};
  std::string Id = recordId(RD);
  if (!NotedRecords.insert(RD).second)
    return Id;
  RecordFact R;
  R.id = Id;
  R.name = qualifiedName(RD);
  R.loc = *Loc;
  if (RD->hasDefinition()) {
    for (const CXXBaseSpecifier &B : RD->bases())
      if (const CXXRecordDecl *Base = B.getType()->getAsCXXRecordDecl())
        R.bases.push_back(recordId(Base));
    for (const FieldDecl *Field : RD->fields()) {
      if (const CXXRecordDecl *Held = heldRecord(Field->getType()); isProjectRecord(Held))
        R.heldRecords.push_back(recordId(Held));
      if (isMutableType(Field->getType()) && !isNotState(shape(Field->getType())))
        R.fieldNames.push_back(Field->getNameAsString());
      R.queuesWork |= holdsCallables(Field->getType(), ast());
    }
  }
  Facts.records.push_back(std::move(R));
  return Id;
}

std::optional<std::int64_t> ExtractContext::macroValue(llvm::StringRef Name) {
  auto It = MacroCache.find(Name.str());
  if (It != MacroCache.end())
    return It->second;
  std::optional<std::int64_t> Value;
  Preprocessor &PP = *this->PP;
  if (const MacroInfo *MI = PP.getMacroInfo(PP.getIdentifierInfo(Name)))
    if (MI->getNumTokens() == 1 && MI->getReplacementToken(0).is(tok::numeric_constant)) {
      const Token &T = MI->getReplacementToken(0);
      llvm::StringRef Spelling(T.getLiteralData(), T.getLength());
      std::int64_t V;
      if (!Spelling.getAsInteger(0, V))
        Value = V;
    }
  MacroCache[Name.str()] = Value;
  return Value;
}

/// Whether an integer argument has one of the test's flags: true, false, or nullopt when the
/// argument is not a constant. `Set` receives the flags found.
std::optional<bool> ExtractContext::flagTest(const CallExpr *Call, const FlagTest &T,
                                             std::string &Set) {
  if (T.arg < 0 || static_cast<unsigned>(T.arg) >= Call->getNumArgs())
    return std::nullopt;
  const Expr *E = Call->getArg(T.arg);
  Expr::EvalResult R;
  if (!E || E->isValueDependent() || !E->EvaluateAsInt(R, *Ctx))
    return std::nullopt;
  std::int64_t V = R.Val.getInt().getExtValue();
  bool Any = false;
  for (const auto &[Name, Fallback] : T.anyOf) {
    std::int64_t Bit = macroValue(Name).value_or(Fallback);
    if (Bit && (V & Bit) == Bit) {
      Any = true;
      Set += (Set.empty() ? "" : "|") + Name;
    }
  }
  return Any;
}

} // namespace sa
