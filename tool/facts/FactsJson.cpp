#include "facts/FactsJson.h"

#include "llvm/Support/NativeFormatting.h"

using llvm::json::Array;
using llvm::json::Object;
using llvm::json::ObjectMapper;
using llvm::json::Path;
using llvm::json::Value;

namespace sa {

namespace {

template <typename E, std::size_t N>
bool enumFromJSON(const Value &V, E &Out, Path P, const E (&All)[N]) {
  auto S = V.getAsString();
  if (!S) {
    P.report("expected a string");
    return false;
  }
  for (E Candidate : All)
    if (*S == toString(Candidate)) {
      Out = Candidate;
      return true;
    }
  P.report("unknown value");
  return false;
}

constexpr StateKind AllStateKinds[] = {StateKind::Global, StateKind::StaticLocal,
                                       StateKind::StaticMember, StateKind::Field,
                                       StateKind::CapturedLocal};
constexpr TypeShape AllShapes[] = {
    TypeShape::Other,   TypeShape::KeyedContainer, TypeShape::Set,      TypeShape::Sequence,
    TypeShape::String,  TypeShape::Integer,        TypeShape::Floating, TypeShape::Boolean,
    TypeShape::Pointer, TypeShape::Object,         TypeShape::Atomic,   TypeShape::Lock,
    TypeShape::Stream,  TypeShape::Callable,       TypeShape::Client};
constexpr AccessKind AllAccessKinds[] = {
    AccessKind::Assign, AccessKind::CompoundAssign, AccessKind::IncDec,
    AccessKind::MutatingCall, AccessKind::RefArg, AccessKind::Escape,
    AccessKind::Lookup, AccessKind::Read, AccessKind::LimitCheck, AccessKind::Bind,
    AccessKind::StoreWrite};
constexpr CallKind AllCallKinds[] = {CallKind::Direct, CallKind::Virtual, CallKind::Construct,
                                     CallKind::OnceInit};
constexpr Receiver AllReceivers[] = {Receiver::Other, Receiver::This, Receiver::Fresh};
constexpr FileOpKind AllFileOpKinds[] = {FileOpKind::OpenWrite, FileOpKind::Modify,
                                         FileOpKind::OpenUnknown, FileOpKind::OpenMemory,
                                         FileOpKind::Statement};
constexpr SuppressionKind AllSuppressionKinds[] = {
    SuppressionKind::Allow, SuppressionKind::NoLint, SuppressionKind::NoLintNextLine,
    SuppressionKind::NoLintBegin, SuppressionKind::NoLintEnd};
constexpr IncDecForm AllIncDecForms[] = {IncDecForm::None, IncDecForm::PreIncrement,
                                         IncDecForm::PreDecrement, IncDecForm::PostIncrement,
                                         IncDecForm::PostDecrement};
constexpr ArgPassing AllArgPassings[] = {ArgPassing::None, ArgPassing::Reference,
                                         ArgPassing::Pointer};
constexpr TUStatus AllStatuses[] = {TUStatus::Ok, TUStatus::CompileErrors, TUStatus::Failed};

Value strings(const std::vector<std::string> &V) {
  Array A;
  for (const std::string &S : V)
    A.push_back(S);
  return A;
}

/// ObjectMapper has no overload for `unsigned`; read through int64_t and range-check.
bool mapUnsigned(ObjectMapper &O, llvm::StringLiteral Key, unsigned &Out, Path P) {
  int64_t V = 0;
  if (!O.map(Key, V))
    return false;
  if (V < 0 || V > UINT32_MAX) {
    P.field(Key).report("out of range");
    return false;
  }
  Out = static_cast<unsigned>(V);
  return true;
}

} // namespace

// The fromJSON overloads are found by ObjectMapper through argument-dependent lookup.
bool fromJSON(const Value &V, StateKind &Out, Path P) { return enumFromJSON(V, Out, P, AllStateKinds); }
bool fromJSON(const Value &V, TypeShape &Out, Path P) { return enumFromJSON(V, Out, P, AllShapes); }
bool fromJSON(const Value &V, AccessKind &Out, Path P) { return enumFromJSON(V, Out, P, AllAccessKinds); }
bool fromJSON(const Value &V, CallKind &Out, Path P) { return enumFromJSON(V, Out, P, AllCallKinds); }
bool fromJSON(const Value &V, Receiver &Out, Path P) { return enumFromJSON(V, Out, P, AllReceivers); }
bool fromJSON(const Value &V, FileOpKind &Out, Path P) { return enumFromJSON(V, Out, P, AllFileOpKinds); }
bool fromJSON(const Value &V, SuppressionKind &Out, Path P) {
  return enumFromJSON(V, Out, P, AllSuppressionKinds);
}
bool fromJSON(const Value &V, TUStatus &Out, Path P) { return enumFromJSON(V, Out, P, AllStatuses); }
bool fromJSON(const Value &V, IncDecForm &Out, Path P) { return enumFromJSON(V, Out, P, AllIncDecForms); }
bool fromJSON(const Value &V, ArgPassing &Out, Path P) { return enumFromJSON(V, Out, P, AllArgPassings); }

Value toJSON(const SourceLoc &L) {
  return Object{{"file", L.file}, {"line", L.line}, {"column", L.column},
                {"endLine", L.endLine}, {"endColumn", L.endColumn}};
}
bool fromJSON(const Value &V, SourceLoc &L, Path P) {
  ObjectMapper O(V, P);
  return O && O.map("file", L.file) && mapUnsigned(O, "line", L.line, P) &&
         mapUnsigned(O, "column", L.column, P) && mapUnsigned(O, "endLine", L.endLine, P) &&
         mapUnsigned(O, "endColumn", L.endColumn, P);
}

static Value toJSON(const StateDecl &D) {
  return Object{{"id", D.id},
                {"kind", toString(D.kind)},
                {"name", D.name},
                {"type", D.type},
                {"shape", toString(D.shape)},
                {"loc", toJSON(D.loc)},
                {"threadLocal", D.threadLocal},
                {"isConst", D.isConst},
                {"reference", D.reference},
                {"fromMacro", D.fromMacro},
                {"owner", D.owner},
                {"typeRecord", D.typeRecord},
                {"elementRecord", D.elementRecord},
                {"closureCopy", D.closureCopy}};
}
bool fromJSON(const Value &V, StateDecl &D, Path P) {
  ObjectMapper O(V, P);
  return O && O.map("id", D.id) && O.map("kind", D.kind) && O.map("name", D.name) &&
         O.map("type", D.type) && O.map("shape", D.shape) && O.map("loc", D.loc) &&
         O.map("threadLocal", D.threadLocal) && O.map("isConst", D.isConst) &&
         O.map("reference", D.reference) &&
         O.map("fromMacro", D.fromMacro) && O.map("owner", D.owner) &&
         O.map("typeRecord", D.typeRecord) && O.map("elementRecord", D.elementRecord) &&
         O.map("closureCopy", D.closureCopy);
}

static Value toJSON(const RecordFact &R) {
  return Object{{"id", R.id},
                {"name", R.name},
                {"loc", toJSON(R.loc)},
                {"bases", strings(R.bases)},
                {"heldRecords", strings(R.heldRecords)},
                {"fieldNames", strings(R.fieldNames)},
                {"queuesWork", R.queuesWork}};
}
bool fromJSON(const Value &V, RecordFact &R, Path P) {
  ObjectMapper O(V, P);
  return O && O.map("id", R.id) && O.map("name", R.name) && O.map("loc", R.loc) &&
         O.map("bases", R.bases) && O.map("heldRecords", R.heldRecords) &&
         O.map("fieldNames", R.fieldNames) && O.map("queuesWork", R.queuesWork);
}

static Value toJSON(const FunctionFact &F) {
  return Object{{"id", F.id},
                {"name", F.name},
                {"loc", toJSON(F.loc)},
                {"record", F.record},
                {"parent", F.parent},
                {"isLambda", F.isLambda},
                {"isVirtual", F.isVirtual},
                {"isCtorOrDtor", F.isCtorOrDtor},
                {"isMain", F.isMain},
                {"overrides", strings(F.overrides)},
                {"overrideNames", strings(F.overrideNames)},
                {"captureRecords", strings(F.captureRecords)},
                {"returnedCallables", strings(F.returnedCallables)},
                {"returnsStatic", F.returnsStatic}};
}
bool fromJSON(const Value &V, FunctionFact &F, Path P) {
  ObjectMapper O(V, P);
  return O && O.map("id", F.id) && O.map("name", F.name) && O.map("loc", F.loc) &&
         O.map("record", F.record) && O.map("parent", F.parent) &&
         O.map("isLambda", F.isLambda) && O.map("isVirtual", F.isVirtual) &&
         O.map("isCtorOrDtor", F.isCtorOrDtor) && O.map("isMain", F.isMain) &&
         O.map("overrides", F.overrides) && O.map("overrideNames", F.overrideNames) &&
         O.map("captureRecords", F.captureRecords) &&
         O.map("returnedCallables", F.returnedCallables) &&
         O.map("returnsStatic", F.returnsStatic);
}

static Value toJSON(const Access &A) {
  Object O{{"target", A.target},          {"function", A.function},
           {"kind", toString(A.kind)},    {"loc", toJSON(A.loc)},
           {"throughThis", A.throughThis}, {"sessionKeyed", A.sessionKeyed},
           {"decides", A.decides}};
  // The operation's details are written only when present: most accesses have none.
  for (auto [Key, Text] : {std::pair<const char *, const std::string *>{"path", &A.path},
                           {"method", &A.method}, {"callee", &A.callee}, {"cap", &A.cap}})
    if (!Text->empty())
      O[Key] = *Text;
  if (A.incDec != IncDecForm::None)
    O["incDec"] = toString(A.incDec);
  if (A.passing != ArgPassing::None)
    O["passing"] = toString(A.passing);
  if (A.onThis)
    O["onThis"] = true;
  if (A.beforeReady)
    O["beforeReady"] = true;
  return O;
}
bool fromJSON(const Value &V, Access &A, Path P) {
  ObjectMapper O(V, P);
  return O && O.map("target", A.target) && O.map("function", A.function) &&
         O.map("kind", A.kind) && O.mapOptional("path", A.path) &&
         O.mapOptional("method", A.method) && O.mapOptional("incDec", A.incDec) &&
         O.mapOptional("passing", A.passing) && O.mapOptional("callee", A.callee) &&
         O.mapOptional("cap", A.cap) && O.map("loc", A.loc) &&
         O.map("throughThis", A.throughThis) && O.map("sessionKeyed", A.sessionKeyed) &&
         O.map("decides", A.decides) && O.mapOptional("onThis", A.onThis) &&
         O.mapOptional("beforeReady", A.beforeReady);
}

static Value toJSON(const Creation &C) {
  Object O{{"record", C.record}, {"function", C.function}};
  if (C.once)
    O["once"] = true;
  return O;
}
bool fromJSON(const Value &V, Creation &C, Path P) {
  ObjectMapper O(V, P);
  return O && O.map("record", C.record) && O.map("function", C.function) &&
         O.mapOptional("once", C.once);
}

static Value toJSON(const CallEdge &C) {
  Object O{{"caller", C.caller}, {"callee", C.callee}, {"kind", toString(C.kind)},
           {"loc", toJSON(C.loc)}};
  if (C.receiver != Receiver::Other)
    O["receiver"] = toString(C.receiver);
  return O;
}
bool fromJSON(const Value &V, CallEdge &C, Path P) {
  ObjectMapper O(V, P);
  return O && O.map("caller", C.caller) && O.map("callee", C.callee) && O.map("kind", C.kind) &&
         O.map("loc", C.loc) && O.mapOptional("receiver", C.receiver);
}

static Value toJSON(const CallableRef &C) {
  return Object{{"holder", C.holder},         {"callable", C.callable},
                {"callee", C.callee},         {"calleeName", C.calleeName},
                {"label", C.label},           {"thisRecord", C.thisRecord},
                {"viaReturn", C.viaReturn},   {"stored", C.stored},
                {"loc", toJSON(C.loc)}};
}
bool fromJSON(const Value &V, CallableRef &C, Path P) {
  ObjectMapper O(V, P);
  return O && O.map("holder", C.holder) && O.map("callable", C.callable) &&
         O.map("callee", C.callee) && O.map("calleeName", C.calleeName) &&
         O.map("label", C.label) && O.map("thisRecord", C.thisRecord) &&
         O.map("viaReturn", C.viaReturn) && O.map("stored", C.stored) && O.map("loc", C.loc);
}

static Value toJSON(const FileOp &F) {
  Object O{{"function", F.function}, {"api", F.api},       {"kind", toString(F.kind)},
           {"mode", F.mode},         {"target", F.target}, {"append", F.append},
           {"logLike", F.logLike},   {"loc", toJSON(F.loc)}};
  if (!F.store.empty())
    O["store"] = F.store;
  if (!F.handle.empty())
    O["handle"] = F.handle;
  return O;
}
bool fromJSON(const Value &V, FileOp &F, Path P) {
  ObjectMapper O(V, P);
  return O && O.map("function", F.function) && O.map("api", F.api) && O.map("kind", F.kind) &&
         O.map("mode", F.mode) && O.map("target", F.target) && O.map("append", F.append) &&
         O.map("logLike", F.logLike) && O.map("loc", F.loc) && O.mapOptional("store", F.store) &&
         O.mapOptional("handle", F.handle);
}

Value toJSON(const PoolFact &F) {
  Object O{{"id", F.id},           {"name", F.name},         {"type", F.type}, {"record", F.record},
           {"function", F.function}, {"sizeText", F.sizeText}, {"loc", toJSON(F.loc)},
           {"downstream", F.downstream}, {"downstreamLiteral", F.downstreamLiteral}};
  if (F.size)
    O["size"] = *F.size;
  return O;
}
bool fromJSON(const Value &V, PoolFact &F, Path P) {
  ObjectMapper O(V, P);
  return O && O.map("id", F.id) && O.map("name", F.name) && O.map("type", F.type) &&
         O.map("record", F.record) && O.map("function", F.function) && O.mapOptional("size", F.size) &&
         O.map("sizeText", F.sizeText) && O.map("loc", F.loc) &&
         O.map("downstream", F.downstream) && O.map("downstreamLiteral", F.downstreamLiteral);
}

Value toJSON(const SuppressionComment &S) {
  return Object{{"kind", toString(S.kind)}, {"rules", strings(S.rules)}, {"reason", S.reason},
                {"loc", toJSON(S.loc)}};
}
bool fromJSON(const Value &V, SuppressionComment &S, Path P) {
  ObjectMapper O(V, P);
  return O && O.map("kind", S.kind) && O.map("rules", S.rules) && O.map("reason", S.reason) &&
         O.map("loc", S.loc);
}

template <typename T> static Value list(const std::vector<T> &V) {
  Array A;
  A.reserve(V.size());
  for (const T &E : V)
    A.push_back(toJSON(E));
  return A;
}

Value toJSON(const TUFacts &F) {
  return Object{{"accesses", list(F.accesses)},
                {"callables", list(F.callables)},
                {"calls", list(F.calls)},
                {"creations", list(F.creations)},
                {"decls", list(F.decls)},
                {"errorCount", F.errorCount},
                {"file", F.file},
                {"fileOps", list(F.fileOps)},
                {"firstError", F.firstError},
                {"functions", list(F.functions)},
                {"instantiated", strings(F.instantiated)},
                {"libraryCode", strings(F.libraryCode)},
                {"outsideRoot", strings(F.outsideRoot)},
                {"pools", list(F.pools)},
                {"records", list(F.records)},
                {"status", toString(F.status)},
                {"suppressions", list(F.suppressions)},
                {"version", FactsFormatVersion}};
}

namespace {

/// Writes facts as JSON text directly, exactly as printing their toJSON tree would (compact,
/// keys sorted, strings escaped as llvm::json escapes them and made valid UTF-8 as it makes
/// them), without building a tree or a json::Value per field: a TU with 80 000 functions
/// printed element by element through llvm::json spent more time writing than clang parsing.
/// Each object below lists its keys in sorted order; FactsJson.WrittenTextIsThePrintedObject
/// compares the two texts.
class FactsWriter {
public:
  explicit FactsWriter(llvm::raw_ostream &OS) : OS(OS) {}

  /// A JSON string as llvm::json prints it.
  void string(llvm::StringRef S) {
    std::string Fixed;
    if (!isAscii(S) && !llvm::json::isUTF8(S)) {
      Fixed = llvm::json::fixUTF8(S);
      S = Fixed;
    }
    OS << '"';
    size_t Start = 0;
    for (size_t I = 0, E = S.size(); I < E; ++I) {
      auto C = static_cast<unsigned char>(S[I]);
      if (C >= 0x20 && C != '"' && C != '\\')
        continue;
      OS.write(S.data() + Start, I - Start);
      Start = I + 1;
      OS << '\\';
      switch (C) {
      case '"': OS << '"'; break;
      case '\\': OS << '\\'; break;
      case '\t': OS << 't'; break;
      case '\n': OS << 'n'; break;
      case '\r': OS << 'r'; break;
      default:
        OS << 'u';
        llvm::write_hex(OS, C, llvm::HexPrintStyle::Lower, 4);
        break;
      }
    }
    OS.write(S.data() + Start, S.size() - Start);
    OS << '"';
  }

  /// One object: `Fields(O)` calls O's members in key order.
  class Object {
  public:
    Object(FactsWriter &W) : W(W) { W.OS << '{'; }
    ~Object() { W.OS << '}'; }
    Object &str(llvm::StringLiteral K, llvm::StringRef V) {
      key(K);
      W.string(V);
      return *this;
    }
    Object &num(llvm::StringLiteral K, int64_t V) {
      key(K);
      W.OS << V;
      return *this;
    }
    Object &flag(llvm::StringLiteral K, bool V) {
      key(K);
      W.OS << (V ? "true" : "false");
      return *this;
    }
    Object &strings(llvm::StringLiteral K, const std::vector<std::string> &V) {
      key(K);
      W.list(V);
      return *this;
    }
    Object &loc(llvm::StringLiteral K, const SourceLoc &L) {
      key(K);
      W.write(L);
      return *this;
    }
    template <typename T> Object &list(llvm::StringLiteral K, const std::vector<T> &V) {
      key(K);
      W.list(V);
      return *this;
    }

  private:
    void key(llvm::StringLiteral K) {
      W.OS << (First ? "\"" : ",\"") << K << "\":";
      First = false;
    }
    FactsWriter &W;
    bool First = true;
  };

  template <typename T> void list(const std::vector<T> &V) {
    OS << '[';
    for (size_t I = 0; I < V.size(); ++I) {
      if (I)
        OS << ',';
      write(V[I]);
    }
    OS << ']';
  }

  void write(const std::string &S) { string(S); }
  void write(const SourceLoc &L) {
    Object(*this)
        .num("column", L.column)
        .num("endColumn", L.endColumn)
        .num("endLine", L.endLine)
        .str("file", L.file)
        .num("line", L.line);
  }
  void write(const StateDecl &D) {
    Object(*this)
        .flag("closureCopy", D.closureCopy)
        .str("elementRecord", D.elementRecord)
        .flag("fromMacro", D.fromMacro)
        .str("id", D.id)
        .flag("isConst", D.isConst)
        .str("kind", toString(D.kind))
        .loc("loc", D.loc)
        .str("name", D.name)
        .str("owner", D.owner)
        .flag("reference", D.reference)
        .str("shape", toString(D.shape))
        .flag("threadLocal", D.threadLocal)
        .str("type", D.type)
        .str("typeRecord", D.typeRecord);
  }
  void write(const RecordFact &R) {
    Object(*this)
        .strings("bases", R.bases)
        .strings("fieldNames", R.fieldNames)
        .strings("heldRecords", R.heldRecords)
        .str("id", R.id)
        .loc("loc", R.loc)
        .str("name", R.name)
        .flag("queuesWork", R.queuesWork);
  }
  void write(const FunctionFact &F) {
    Object(*this)
        .strings("captureRecords", F.captureRecords)
        .str("id", F.id)
        .flag("isCtorOrDtor", F.isCtorOrDtor)
        .flag("isLambda", F.isLambda)
        .flag("isMain", F.isMain)
        .flag("isVirtual", F.isVirtual)
        .loc("loc", F.loc)
        .str("name", F.name)
        .strings("overrideNames", F.overrideNames)
        .strings("overrides", F.overrides)
        .str("parent", F.parent)
        .str("record", F.record)
        .strings("returnedCallables", F.returnedCallables)
        .str("returnsStatic", F.returnsStatic);
  }
  void write(const Access &A) {
    // The operation's details only when present, as toJSON(Access) leaves them out.
    Object O(*this);
    if (A.beforeReady)
      O.flag("beforeReady", true);
    if (!A.callee.empty())
      O.str("callee", A.callee);
    if (!A.cap.empty())
      O.str("cap", A.cap);
    O.flag("decides", A.decides).str("function", A.function);
    if (A.incDec != IncDecForm::None)
      O.str("incDec", toString(A.incDec));
    O.str("kind", toString(A.kind)).loc("loc", A.loc);
    if (!A.method.empty())
      O.str("method", A.method);
    if (A.onThis)
      O.flag("onThis", true);
    if (A.passing != ArgPassing::None)
      O.str("passing", toString(A.passing));
    if (!A.path.empty())
      O.str("path", A.path);
    O.flag("sessionKeyed", A.sessionKeyed).str("target", A.target).flag("throughThis",
                                                                          A.throughThis);
  }
  void write(const Creation &C) {
    Object O(*this);
    O.str("function", C.function);
    if (C.once)
      O.flag("once", true);
    O.str("record", C.record);
  }
  void write(const CallEdge &C) {
    Object O(*this);
    O.str("callee", C.callee).str("caller", C.caller).str("kind", toString(C.kind)).loc("loc",
                                                                                          C.loc);
    if (C.receiver != Receiver::Other)
      O.str("receiver", toString(C.receiver));
  }
  void write(const CallableRef &C) {
    Object(*this)
        .str("callable", C.callable)
        .str("callee", C.callee)
        .str("calleeName", C.calleeName)
        .str("holder", C.holder)
        .str("label", C.label)
        .loc("loc", C.loc)
        .flag("stored", C.stored)
        .str("thisRecord", C.thisRecord)
        .flag("viaReturn", C.viaReturn);
  }
  void write(const FileOp &F) {
    Object O(*this);
    O.str("api", F.api).flag("append", F.append).str("function", F.function);
    if (!F.handle.empty())
      O.str("handle", F.handle);
    O.str("kind", toString(F.kind)).loc("loc", F.loc).flag("logLike", F.logLike).str("mode",
                                                                                       F.mode);
    if (!F.store.empty())
      O.str("store", F.store);
    O.str("target", F.target);
  }
  void write(const PoolFact &P) {
    Object O(*this);
    O.str("downstream", P.downstream)
        .flag("downstreamLiteral", P.downstreamLiteral)
        .str("function", P.function)
        .str("id", P.id)
        .loc("loc", P.loc)
        .str("name", P.name)
        .str("record", P.record);
    if (P.size)
      O.num("size", *P.size);
    O.str("sizeText", P.sizeText).str("type", P.type);
  }
  void write(const SuppressionComment &S) {
    Object(*this)
        .str("kind", toString(S.kind))
        .loc("loc", S.loc)
        .str("reason", S.reason)
        .strings("rules", S.rules);
  }
  void write(const TUFacts &F) {
    Object(*this)
        .list("accesses", F.accesses)
        .list("callables", F.callables)
        .list("calls", F.calls)
        .list("creations", F.creations)
        .list("decls", F.decls)
        .num("errorCount", F.errorCount)
        .str("file", F.file)
        .list("fileOps", F.fileOps)
        .str("firstError", F.firstError)
        .list("functions", F.functions)
        .strings("instantiated", F.instantiated)
        .strings("libraryCode", F.libraryCode)
        .strings("outsideRoot", F.outsideRoot)
        .list("pools", F.pools)
        .list("records", F.records)
        .str("status", toString(F.status))
        .list("suppressions", F.suppressions)
        .num("version", FactsFormatVersion);
  }

private:
  static bool isAscii(llvm::StringRef S) {
    for (char C : S)
      if (static_cast<unsigned char>(C) >= 0x80)
        return false;
    return true;
  }

  llvm::raw_ostream &OS;
};

} // namespace

void writeFactsJson(llvm::raw_ostream &OS, const TUFacts &F) { FactsWriter(OS).write(F); }

static bool fromJSON(const Value &V, TUFacts &F, Path P) {
  ObjectMapper O(V, P);
  int Version = 0;
  if (!O || !O.map("version", Version))
    return false;
  if (Version != FactsFormatVersion) {
    P.field("version").report("unsupported facts format version");
    return false;
  }
  return O.map("file", F.file) && O.map("status", F.status) &&
         O.map("firstError", F.firstError) && mapUnsigned(O, "errorCount", F.errorCount, P) &&
         O.map("decls", F.decls) && O.map("records", F.records) &&
         O.map("functions", F.functions) && O.map("accesses", F.accesses) &&
         O.map("calls", F.calls) && O.map("callables", F.callables) &&
         O.map("fileOps", F.fileOps) && O.map("pools", F.pools) &&
         O.map("suppressions", F.suppressions) && O.map("instantiated", F.instantiated) &&
         O.map("creations", F.creations) && O.mapOptional("outsideRoot", F.outsideRoot) &&
         O.mapOptional("libraryCode", F.libraryCode);
}

Value toJSON(const TUSummary &S) {
  return Object{{"file", S.file},
                {"status", toString(S.status)},
                {"firstError", S.firstError},
                {"errorCount", S.errorCount},
                {"libraryCode", strings(S.libraryCode)}};
}
bool fromJSON(const Value &V, TUSummary &S, Path P) {
  ObjectMapper O(V, P);
  return O && O.map("file", S.file) && O.map("status", S.status) &&
         O.map("firstError", S.firstError) && mapUnsigned(O, "errorCount", S.errorCount, P) &&
         O.mapOptional("libraryCode", S.libraryCode);
}

static Value toJSON(const Evidence &E) {
  return Object{{"message", E.message}, {"loc", toJSON(E.loc)}};
}
bool fromJSON(const Value &V, Evidence &E, Path P) {
  ObjectMapper O(V, P);
  return O && O.map("message", E.message) && O.map("loc", E.loc);
}

bool fromJSON(const Value &V, Level &L, Path P) {
  auto S = V.getAsString();
  std::optional<Level> Parsed = S ? parseLevel(*S) : std::nullopt;
  if (!Parsed) {
    P.report("expected a level");
    return false;
  }
  L = *Parsed;
  return true;
}

constexpr BaselineState AllBaselineStates[] = {BaselineState::None, BaselineState::New,
                                               BaselineState::Unchanged, BaselineState::Absent};
bool fromJSON(const Value &V, BaselineState &Out, Path P) {
  return enumFromJSON(V, Out, P, AllBaselineStates);
}

Value toJSON(const Finding &F) {
  return Object{{"rule", F.rule},
                {"level", toString(F.level)},
                {"loc", toJSON(F.loc)},
                {"symbol", F.symbol},
                {"type", F.type},
                {"message", F.message},
                {"hint", F.hint},
                {"evidence", list(F.evidence)},
                {"flow", list(F.flow)},
                {"stateId", F.stateId},
                {"fingerprint", F.fingerprint},
                {"suppressed", F.suppressed},
                {"suppressionReason", F.suppressionReason},
                {"baseline", toString(F.baseline)}};
}
bool fromJSON(const Value &V, Finding &F, Path P) {
  ObjectMapper O(V, P);
  return O && O.map("rule", F.rule) && O.map("level", F.level) && O.map("loc", F.loc) &&
         O.map("symbol", F.symbol) && O.map("type", F.type) && O.map("message", F.message) &&
         O.map("hint", F.hint) && O.map("evidence", F.evidence) && O.map("flow", F.flow) &&
         O.map("stateId", F.stateId) && O.map("fingerprint", F.fingerprint) &&
         O.map("suppressed", F.suppressed) && O.map("suppressionReason", F.suppressionReason) &&
         O.map("baseline", F.baseline);
}

llvm::Expected<TUFacts> tuFactsFromJSON(const Value &V) {
  TUFacts F;
  llvm::json::Path::Root Root("facts");
  if (!fromJSON(V, F, Root))
    return Root.getError();
  return F;
}

Value factsFileToJSON(const FactsFile &File) {
  Array A;
  for (const TUFacts &F : File.tus)
    A.push_back(toJSON(F));
  return Object{{"format", "state-audit-facts"},
                {"version", FactsFormatVersion},
                {"root", File.root},
                {"shard", static_cast<int64_t>(File.shard)},
                {"shards", static_cast<int64_t>(File.shards)},
                {"scan", File.scan},
                {"extraction", File.extraction},
                {"tus", std::move(A)}};
}

llvm::Expected<FactsFile> factsFileFromJSON(const Value &V) {
  const Object *O = V.getAsObject();
  auto Fail = [](const llvm::Twine &Why) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), Why.str());
  };
  if (!O || O->getString("format") != llvm::StringRef("state-audit-facts"))
    return Fail("not a state-audit facts file");
  if (O->getInteger("version") != FactsFormatVersion)
    return Fail("facts format version " + llvm::Twine(O->getInteger("version").value_or(0)) +
                ", this state-audit reads version " + llvm::Twine(FactsFormatVersion));
  const Array *TUs = O->getArray("tus");
  std::optional<llvm::StringRef> Root = O->getString("root");
  if (!TUs || !Root)
    return Fail("missing \"tus\" or \"root\"");
  FactsFile Out;
  Out.root = Root->str();
  std::optional<int64_t> K = O->getInteger("shard"), N = O->getInteger("shards");
  std::optional<llvm::StringRef> Scan = O->getString("scan");
  if (!K || !N || !Scan)
    return Fail("no shard information (\"shard\", \"shards\", \"scan\"); written by an older "
                "state-audit? Scan again");
  if (*N < 1 || *N > 1000000 || *K < 1 || *K > *N)
    return Fail("shard " + llvm::Twine(*K) + "/" + llvm::Twine(*N) + " is out of range");
  Out.shard = static_cast<unsigned>(*K);
  Out.shards = static_cast<unsigned>(*N);
  Out.scan = Scan->str();
  Out.extraction = O->getString("extraction").value_or("").str();
  for (size_t I = 0; I < TUs->size(); ++I) {
    auto F = tuFactsFromJSON((*TUs)[I]);
    if (!F)
      return Fail("TU " + llvm::Twine(I + 1) + ": " + llvm::toString(F.takeError()));
    Out.tus.push_back(std::move(*F));
  }
  return Out;
}

} // namespace sa
