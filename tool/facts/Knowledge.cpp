#include "facts/Knowledge.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

LLVM_YAML_IS_SEQUENCE_VECTOR(sa::LibrarySignature)
LLVM_YAML_IS_SEQUENCE_VECTOR(sa::PersistenceApi)
LLVM_YAML_IS_SEQUENCE_VECTOR(sa::FlagTest)
LLVM_YAML_IS_SEQUENCE_VECTOR(sa::StoreStatement)
LLVM_YAML_IS_SEQUENCE_VECTOR(sa::StoreClient)
LLVM_YAML_IS_SEQUENCE_VECTOR(sa::PoolClass)
LLVM_YAML_IS_SEQUENCE_VECTOR(sa::InfrastructureClass)

namespace llvm::yaml {

template <> struct MappingTraits<sa::LibrarySignature> {
  static void mapping(IO &Io, sa::LibrarySignature &L) {
    Io.mapRequired("name", L.name);
    Io.mapOptional("include-guards", L.includeGuards);
    Io.mapOptional("folders", L.folders);
  }
};

template <> struct CustomMappingTraits<std::map<std::string, int64_t>> {
  static void inputOne(IO &Io, StringRef Key, std::map<std::string, int64_t> &M) {
    Io.mapRequired(Key.str().c_str(), M[Key.str()]);
  }
  static void output(IO &Io, std::map<std::string, int64_t> &M) {
    for (auto &[Key, Value] : M)
      Io.mapRequired(Key.c_str(), Value);
  }
};

template <> struct MappingTraits<sa::FlagTest> {
  static void mapping(IO &Io, sa::FlagTest &F) {
    Io.mapRequired("arg", F.arg);
    Io.mapRequired("any-of", F.anyOf);
  }
  static std::string validate(IO &, sa::FlagTest &F) {
    if (F.arg < 0 || F.anyOf.empty())
      return "a flag test needs an argument index (arg >= 0) and at least one flag (any-of)";
    return {};
  }
};

template <> struct MappingTraits<sa::PersistenceApi> {
  static void mapping(IO &Io, sa::PersistenceApi &P) {
    Io.mapRequired("library", P.library);
    Io.mapRequired("function", P.function);
    Io.mapOptional("path-arg", P.pathArg, -1);
    Io.mapOptional("writes-when", P.writesWhen);
    Io.mapOptional("read-only-when", P.readOnlyWhen);
    Io.mapOptional("memory-when", P.memoryWhen);
    Io.mapOptional("memory-paths", P.memoryPaths);
    Io.mapOptional("handle-arg", P.handleArg, -1);
  }
};

template <> struct MappingTraits<sa::StoreStatement> {
  static void mapping(IO &Io, sa::StoreStatement &S) {
    Io.mapRequired("library", S.library);
    Io.mapRequired("function", S.function);
    Io.mapOptional("handle-arg", S.handleArg, -1);
    Io.mapOptional("sql-arg", S.sqlArg, -1);
    Io.mapOptional("read-only-when", S.readOnlyWhen);
  }
};

template <> struct MappingTraits<sa::StoreClient> {
  static void mapping(IO &Io, sa::StoreClient &C) {
    Io.mapRequired("library", C.library);
    Io.mapRequired("types", C.types);
    Io.mapOptional("project-classes", C.projectClasses, false);
  }
  static std::string validate(IO &, sa::StoreClient &C) {
    return C.types.empty() ? "a store client needs at least one type name (types)" : "";
  }
};

template <> struct MappingTraits<sa::PoolClass> {
  static void mapping(IO &Io, sa::PoolClass &P) {
    Io.mapRequired("library", P.library);
    Io.mapRequired("class", P.name);
    Io.mapOptional("size-arg", P.sizeArg, -1);
  }
};

template <> struct MappingTraits<sa::InfrastructureClass> {
  static void mapping(IO &Io, sa::InfrastructureClass &I) {
    Io.mapRequired("kind", I.kind);
    Io.mapRequired("library", I.library);
    Io.mapRequired("types", I.types);
  }
  static std::string validate(IO &, sa::InfrastructureClass &I) {
    for (const char *K : {"worker-pool", "timer", "logger", "log-sink", "connection"})
      if (I.kind == K)
        return I.types.empty() ? "an infrastructure entry needs at least one type name (types)"
                               : "";
    return "unknown infrastructure kind '" + I.kind +
           "' (worker-pool, timer, logger, log-sink or connection)";
  }
};

template <> struct MappingTraits<sa::EntryPointKnowledge> {
  static void mapping(IO &Io, sa::EntryPointKnowledge &E) {
    Io.mapOptional("registration-calls", E.registrationCalls);
    Io.mapOptional("excluded-calls", E.excludedCalls);
    Io.mapOptional("background-calls", E.backgroundCalls);
    Io.mapOptional("handler-methods", E.handlerMethods);
    Io.mapOptional("teardown-functions", E.teardownFunctions);
    Io.mapOptional("teardown-calls", E.teardownCalls);
    Io.mapOptional("once-calls", E.onceCalls);
    Io.mapOptional("configuration-functions", E.configurationFunctions);
  }
};

void MappingTraits<sa::Knowledge>::mapping(IO &Io, sa::Knowledge &K) {
  Io.mapOptional("replace-defaults", K.replaceDefaults, false);
  Io.mapOptional("vendored-folders", K.vendoredFolders);
  Io.mapOptional("libraries", K.libraries);
  Io.mapOptional("entry-points", K.entryPoints);
  Io.mapOptional("file-writes", K.persistence);
  Io.mapOptional("database-statements", K.statements);
  Io.mapOptional("store-clients", K.storeClients);
  Io.mapOptional("connection-pools", K.poolClasses);
  Io.mapOptional("not-connection-pools", K.notPoolClasses);
  Io.mapOptional("infrastructure", K.infrastructure);
}

} // namespace llvm::yaml


namespace sa {

namespace {

template <typename T> void append(std::vector<T> &Into, const std::vector<T> &From) {
  Into.insert(Into.end(), From.begin(), From.end());
}

} // namespace

void Knowledge::extend(const Knowledge &More) {
  append(vendoredFolders, More.vendoredFolders);
  append(libraries, More.libraries);
  append(persistence, More.persistence);
  append(statements, More.statements);
  append(storeClients, More.storeClients);
  append(poolClasses, More.poolClasses);
  append(notPoolClasses, More.notPoolClasses);
  append(infrastructure, More.infrastructure);
  std::vector<std::vector<std::string> *> Into = entryPoints.lists();
  std::vector<const std::vector<std::string> *> From = More.entryPoints.lists();
  for (size_t I = 0; I < Into.size(); ++I)
    append(*Into[I], *From[I]);
}

Knowledge Knowledge::extractionPart() const {
  Knowledge K;
  K.persistence = persistence;
  K.statements = statements;
  K.storeClients = storeClients;
  K.poolClasses = poolClasses;
  K.notPoolClasses = notPoolClasses;
  return K;
}

std::string Knowledge::toYaml() const {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  llvm::yaml::Output Y(OS);
  Knowledge Copy = *this;
  Y << Copy;
  return Out;
}

llvm::Expected<Knowledge> parseKnowledge(llvm::StringRef Text, llvm::StringRef Path) {
  std::string Diagnostic;
  auto Handler = [](const llvm::SMDiagnostic &D, void *Context) {
    std::string &Out = *static_cast<std::string *>(Context);
    if (!Out.empty())
      return;
    llvm::raw_string_ostream OS(Out);
    OS << D.getFilename() << ":" << D.getLineNo() << ":" << (D.getColumnNo() + 1) << ": "
       << D.getMessage();
  };
  auto Buffer = llvm::MemoryBuffer::getMemBuffer(Text, Path);
  Knowledge K;
  llvm::yaml::Input In(*Buffer, nullptr, Handler, &Diagnostic);
  In >> K;
  if (In.error())
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   Diagnostic.empty() ? Path.str() + ": not valid knowledge"
                                                      : Diagnostic);
  return K;
}

const Knowledge &builtinKnowledge() {
  static const Knowledge K = [] {
    llvm::Expected<Knowledge> Parsed = parseKnowledge(builtinKnowledgeText(), "rules/knowledge.yaml");
    if (!Parsed) {
      // The shipped file is tested; a broken one is a build defect, not a user's problem.
      llvm::report_fatal_error(llvm::Twine("the shipped knowledge does not parse: ") +
                               llvm::toString(Parsed.takeError()));
    }
    return std::move(*Parsed);
  }();
  return K;
}

} // namespace sa
