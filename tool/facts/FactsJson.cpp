#include "facts/FactsJson.h"

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

/// The members of a TUFacts document in key order, to `Member(Key, Value)` where a value is a
/// vector (an array of its elements' JSON) or a scalar. toJSON builds the object from them;
/// writeFactsJson writes them one by one, in the order printing the object gives (json
/// prints keys sorted), so the text is the same without ever holding the whole tree.
template <typename Fn> static void members(const TUFacts &F, Fn &&Member) {
  Member("accesses", F.accesses);
  Member("callables", F.callables);
  Member("calls", F.calls);
  Member("creations", F.creations);
  Member("decls", F.decls);
  Member("errorCount", F.errorCount);
  Member("file", F.file);
  Member("fileOps", F.fileOps);
  Member("firstError", F.firstError);
  Member("functions", F.functions);
  Member("instantiated", F.instantiated);
  Member("libraryCode", F.libraryCode);
  Member("outsideRoot", F.outsideRoot);
  Member("pools", F.pools);
  Member("records", F.records);
  Member("status", toString(F.status));
  Member("suppressions", F.suppressions);
  Member("version", FactsFormatVersion);
}

template <typename T> static Value memberValue(const std::vector<T> &V) { return list(V); }
static Value memberValue(const std::vector<std::string> &V) { return strings(V); }
template <typename T> static Value memberValue(const T &Scalar) { return Scalar; }
template <typename T> static Value element(const T &E) { return toJSON(E); }
static Value element(const std::string &S) { return S; }

Value toJSON(const TUFacts &F) {
  Object O;
  members(F, [&](llvm::StringRef Key, const auto &V) { O[Key] = memberValue(V); });
  return O;
}

template <typename T>
static void writeMember(llvm::json::OStream &J, llvm::StringRef Key, const std::vector<T> &V) {
  J.attributeArray(Key, [&] {
    for (const T &E : V)
      J.value(element(E)); // one element's tree at a time
  });
}
template <typename T>
static void writeMember(llvm::json::OStream &J, llvm::StringRef Key, const T &Scalar) {
  J.attribute(Key, Scalar);
}

void writeFactsJson(llvm::raw_ostream &OS, const TUFacts &F) {
  llvm::json::OStream J(OS);
  J.object([&] { members(F, [&](llvm::StringRef Key, const auto &V) { writeMember(J, Key, V); }); });
}

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
