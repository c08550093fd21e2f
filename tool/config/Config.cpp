#include "config/Config.h"

#include "config/ConfigSyntax.h"

#include "support/Paths.h"
#include "support/Untrusted.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/ConvertUTF.h"

#include <cstdio>
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/GlobPattern.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/YAMLParser.h"
#include "llvm/Support/YAMLTraits.h"

using namespace sa;

namespace {

/// The integer fields of connection-pools, read as optional non-negative numbers.
struct PoolBudgetYaml {
  std::optional<int64_t> maxInstances;
  std::optional<int64_t> downstreamLimit;
  std::vector<sa::Downstream> downstreams;
};

} // namespace

/// The first problem a validate() found, and a text to locate it by. validate() never returns
/// it to YAML I/O: IO::setError() from validate() dereferences a null node on some documents
/// (found by fuzz_config), so parseConfig reports it after the read.
struct ValidationProblem {
  std::string message;
  std::string needle; // located in the text for line:col
};
thread_local std::optional<ValidationProblem> Problem;

static std::string note(std::string Message, std::string Needle) {
  if (!Problem)
    Problem = ValidationProblem{std::move(Message), std::move(Needle)};
  return {};
}

/// The first pattern of `List` that does not compile: its error, and the pattern itself, by
/// which the message is placed at the pattern's line rather than at the section's.
static std::optional<std::pair<std::string, std::string>>
firstBadPattern(const std::vector<std::string> &List) {
  for (const std::string &P : List) {
    sa::NamePatterns One({P});
    if (!One.errors().empty())
      return std::make_pair(One.errors().front(), P);
  }
  return std::nullopt;
}

LLVM_YAML_IS_SEQUENCE_VECTOR(sa::Downstream)

namespace llvm {
namespace yaml {

template <> struct ScalarEnumerationTraits<Level> {
  static void enumeration(IO &Io, Level &L) {
    Io.enumCase(L, "error", Level::Error);
    Io.enumCase(L, "warning", Level::Warning);
    Io.enumCase(L, "note", Level::Note);
  }
};

template <> struct MappingTraits<RuleConfig> {
  static void mapping(IO &Io, RuleConfig &R) {
    Io.mapOptional("enabled", R.enabled);
    Io.mapOptional("level", R.level);
  }
};

template <> struct CustomMappingTraits<std::map<std::string, RuleConfig>> {
  static void inputOne(IO &Io, StringRef Key, std::map<std::string, RuleConfig> &M) {
    if (!findRule(Key)) {
      Io.setError("unknown rule '" + Key + "' (see state-audit rules)");
      return;
    }
    Io.mapRequired(Key.str().c_str(), M[Key.str()]);
  }
  static void output(IO &Io, std::map<std::string, RuleConfig> &M) {
    for (auto &[Key, Value] : M)
      Io.mapRequired(Key.c_str(), Value);
  }
};

template <> struct MappingTraits<EntryPointConfig> {
  static std::string validate(IO &, EntryPointConfig &E) {
    for (const auto *List : {&E.registrationCalls, &E.backgroundCalls, &E.excludedCalls,
                             &E.handlerMethods, &E.functions, &E.longLivedClasses}) {
      if (auto Bad = firstBadPattern(*List))
        return note("entry-points: " + Bad->first, Bad->second);
    }
    return {};
  }
  static void mapping(IO &Io, EntryPointConfig &E) {
    Io.mapOptional("replace-defaults", E.replaceDefaults, false);
    Io.mapOptional("registration-calls", E.registrationCalls);
    Io.mapOptional("background-calls", E.backgroundCalls);
    Io.mapOptional("excluded-calls", E.excludedCalls);
    Io.mapOptional("handler-methods", E.handlerMethods);
    Io.mapOptional("functions", E.functions);
    Io.mapOptional("long-lived-classes", E.longLivedClasses);
  }
};

template <> struct MappingTraits<sa::Downstream> {
  static void mapping(IO &Io, sa::Downstream &D) {
    Io.mapRequired("name", D.name);
    Io.mapOptional("limit", D.limit);
    Io.mapOptional("pools", D.pools);
  }
  static std::string validate(IO &, sa::Downstream &D) {
    if (D.name.empty())
      return note("connection-pools: a downstream needs a name", "downstreams");
    if (D.limit && (*D.limit < 1 || *D.limit > sa::MaxPoolBudgetValue))
      return note("connection-pools: downstream '" + D.name + "': limit must be between 1 and " +
                      std::to_string(sa::MaxPoolBudgetValue) + ", got " + std::to_string(*D.limit),
                  D.name);
    return {};
  }
};

template <> struct MappingTraits<PoolBudgetYaml> {
  static void mapping(IO &Io, PoolBudgetYaml &P) {
    Io.mapOptional("max-instances", P.maxInstances);
    Io.mapOptional("downstream-limit", P.downstreamLimit);
    Io.mapOptional("downstreams", P.downstreams);
  }
  static std::string validate(IO &, PoolBudgetYaml &P) {
    // Bounded so that max-instances × pool size cannot overflow in the budget's arithmetic.
    for (auto [Name, V] : {std::pair<const char *, std::optional<int64_t>>{"max-instances",
                                                                             P.maxInstances},
                           {"downstream-limit", P.downstreamLimit}})
      if (V && (*V < 1 || *V > sa::MaxPoolBudgetValue))
        return note(std::string("connection-pools: ") + Name + " must be between 1 and " +
                        std::to_string(sa::MaxPoolBudgetValue) + ", got " + std::to_string(*V),
                    Name);
    return {};
  }
};

template <> struct MappingTraits<Config> {
  static void mapping(IO &Io, Config &C) {
    Io.mapOptional("fail-on", C.failOn);
    Io.mapOptional("exclude", C.exclude);
    Io.mapOptional("rules", C.rules);
    Io.mapOptional("entry-points", C.entryPoints);
    Io.mapOptional("vendored", C.vendored);
    Io.mapOptional("knowledge", C.knowledge);
    PoolBudgetYaml Pools{C.connectionPools.maxInstances, C.connectionPools.downstreamLimit,
                         C.connectionPools.downstreams};
    Io.mapOptional("connection-pools", Pools);
    C.connectionPools.maxInstances = Pools.maxInstances;
    C.connectionPools.downstreamLimit = Pools.downstreamLimit;
    C.connectionPools.downstreams = Pools.downstreams;
  }
  static std::string validate(IO &, Config &C) {
    if (C.failOn && *C.failOn != "error" && *C.failOn != "warning" && *C.failOn != "note" &&
        *C.failOn != "never")
      return note("fail-on must be error, warning, note or never", "fail-on");
    if (C.vendored)
      for (const std::string &G : *C.vendored) {
        llvm::StringRef Pattern = llvm::StringRef(G).trim();
        Pattern.consume_front("!");
        Pattern = Pattern.rtrim('/');
        auto Compiled = llvm::GlobPattern::create(Pattern, sa::MaxGlobSubPatterns);
        if (Pattern.empty() || !Compiled)
          return note("vendored: invalid entry '" + G + "'" +
                          (Compiled ? std::string() : ": " + llvm::toString(Compiled.takeError())),
                      G.empty() ? std::string("vendored") : G);
      }
    for (const std::vector<std::string> *List : C.knowledge.entryPoints.lists()) {
      if (auto Bad = firstBadPattern(*List))
        return note("knowledge: " + Bad->first, Bad->second);
    }
    for (const sa::LibrarySignature &L : C.knowledge.libraries)
      for (const std::string &G : L.includeGuards)
        if (auto Compiled = llvm::GlobPattern::create(G, sa::MaxGlobSubPatterns); !Compiled)
          return note("knowledge: include guard '" + G + "' of " + L.name + ": " +
                          llvm::toString(Compiled.takeError()),
                      G);
    for (const std::string &G : C.exclude) {
      llvm::StringRef Pattern = llvm::StringRef(G).rtrim('/');
      if (Pattern.empty())
        return note("exclude: an empty pattern would exclude everything", "exclude");
      auto Compiled = llvm::GlobPattern::create(Pattern, sa::MaxGlobSubPatterns);
      if (!Compiled)
        return note("exclude: invalid glob '" + G + "': " + llvm::toString(Compiled.takeError()),
                    G.empty() ? std::string("exclude") : G);
    }
    return {};
  }
};

} // namespace yaml
} // namespace llvm

namespace sa {

static void extend(std::vector<std::string> &Into, const std::vector<std::string> &From,
                   bool Replace) {
  if (Replace)
    Into.clear();
  Into.insert(Into.end(), From.begin(), From.end());
}

Knowledge Config::effectiveKnowledge() const {
  Knowledge K = knowledge.replaceDefaults ? Knowledge() : builtinKnowledge();
  K.extend(knowledge);
  K.replaceDefaults = false;
  return K;
}

LinkOptions Config::linkOptions() const {
  LinkOptions O;
  O.entryPoints = EntryPointOptions::fromKnowledge(effectiveKnowledge());
  EntryPointOptions &E = O.entryPoints;
  bool R = entryPoints.replaceDefaults;
  extend(E.registrationCalls, entryPoints.registrationCalls, R);
  extend(E.backgroundCalls, entryPoints.backgroundCalls, R);
  extend(E.excludedCalls, entryPoints.excludedCalls, R);
  extend(E.handlerMethods, entryPoints.handlerMethods, R);
  extend(E.entryFunctions, entryPoints.functions, false);
  extend(E.longLivedClasses, entryPoints.longLivedClasses, false);
  O.pools = connectionPools;
  return O;
}

bool Config::ruleEnabled(llvm::StringRef Rule) const {
  auto It = rules.find(Rule.str());
  return It == rules.end() || It->second.enabled.value_or(true);
}

std::string Config::fingerprint() const {
  Config Copy = *this;
  Copy.path.clear();
  return dumpConfig(Copy);
}


llvm::Expected<Config> parseConfig(llvm::StringRef Content, llvm::StringRef Path) {
  Content = withoutByteOrderMark(Content); // as an editor shows it: the mark takes no column
  std::string Diagnostic;
  auto Handler = [](const llvm::SMDiagnostic &D, void *Context) {
    std::string &Out = *static_cast<std::string *>(Context);
    if (!Out.empty())
      return; // the first problem is the one to fix
    llvm::raw_string_ostream OS(Out);
    OS << D.getFilename() << ":" << D.getLineNo() << ":" << (D.getColumnNo() + 1) << ": "
       << D.getMessage();
  };
  Config C;
  C.path = Path.str();
  if (Content.trim().empty())
    return C;
  if (llvm::Error E = prevalidateYaml(Content, Path))
    return std::move(E);
  if (unsigned Line = secondDocumentLine(Content))
    return configError(Path, Line, 1, "a second YAML document; a configuration file holds "
                                      "exactly one");
  auto Buffer = llvm::MemoryBuffer::getMemBuffer(Content, Path);
  // A syntax check with the plain YAML parser first: yaml::Input crashes on several kinds of
  // broken documents (it calls setError() on a null node, steps past the last document), so
  // it only ever sees a document that parses.
  {
    llvm::SourceMgr SM;
    SM.setDiagHandler(Handler, &Diagnostic);
    llvm::yaml::Stream S(Buffer->getMemBufferRef(), SM, /*ShowColors=*/false);
    unsigned Documents = 0;
    for (llvm::yaml::document_iterator D = S.begin(), End = S.end(); D != End; ++D) {
      llvm::yaml::Node *Root = D->getRoot();
      if (!Root || S.failed())
        break;
      Root->skip();
      if (S.failed())
        break;
      if (!llvm::isa<llvm::yaml::NullNode>(Root) && ++Documents > 1)
        break;
    }
    if (S.failed() || Documents > 1) {
      if (Diagnostic.empty())
        Diagnostic = Path.str() + (Documents > 1 ? ": a second YAML document; a configuration "
                                                   "file holds exactly one"
                                                 : ": not valid YAML");
      return llvm::createStringError(llvm::inconvertibleErrorCode(), Diagnostic);
    }
  }
  Problem.reset();
  llvm::yaml::Input In(*Buffer, nullptr, Handler, &Diagnostic);
  In >> C;
  std::optional<ValidationProblem> Found = std::move(Problem);
  Problem.reset();
  if (In.error()) {
    if (Diagnostic.empty())
      Diagnostic = Path.str() + ": not a valid configuration";
    return llvm::createStringError(llvm::inconvertibleErrorCode(), Diagnostic);
  }
  if (Found) {
    size_t At = Content.find(Found->needle);
    if (At == llvm::StringRef::npos)
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     Path.str() + ": " + Found->message);
    size_t LineStart = Content.rfind('\n', At);
    LineStart = LineStart == llvm::StringRef::npos ? 0 : LineStart + 1;
    unsigned Line = 1 + static_cast<unsigned>(Content.take_front(At).count('\n'));
    return configError(Path, Line, static_cast<unsigned>(At - LineStart + 1), Found->message);
  }
  C.path = Path.str();
  return C;
}

llvm::Expected<Config> loadConfig(llvm::StringRef Path) {
  // Not a FIFO or /dev/zero (read forever), and not megabytes: a configuration is small.
  llvm::sys::fs::file_status St;
  if (!llvm::sys::fs::status(Path, St) && St.type() != llvm::sys::fs::file_type::regular_file)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   Path.str() + ": not a regular file");
  if (!llvm::sys::fs::status(Path, St) && St.getSize() > (1u << 20))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   Path.str() + ": too large for a configuration file (over 1 MB)");
  auto Buffer = llvm::MemoryBuffer::getFile(Path, /*IsText=*/true);
  if (!Buffer)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   Path.str() + ": cannot read: " + Buffer.getError().message());
  return parseConfig((*Buffer)->getBuffer(), Path);
}

std::string findConfig(llvm::StringRef Start) {
  llvm::SmallString<256> Dir(canonicalPath(Start));
  if (!llvm::sys::fs::is_directory(Dir))
    llvm::sys::path::remove_filename(Dir);
  for (llvm::StringRef D = Dir; !D.empty(); D = llvm::sys::path::parent_path(D)) {
    llvm::SmallString<256> Candidate(D);
    llvm::sys::path::append(Candidate, ".state-audit.yaml");
    if (llvm::sys::fs::is_regular_file(Candidate))
      return std::string(Candidate);
  }
  return {};
}

std::string dumpConfig(const Config &In) {
  // Spell the defaults out: what the scan really uses.
  // The library knowledge is spelled out in full (replacing the shipped one when read back);
  // `entry-points` keeps the project's own lists.
  Config C = In;
  if (In.entryPoints.replaceDefaults) {
    // The project's lists replace the knowledge's: say so by dumping exactly them.
    C.knowledge = In.effectiveKnowledge();
    EntryPointKnowledge &E = C.knowledge.entryPoints;
    E.registrationCalls.clear();
    E.backgroundCalls.clear();
    E.excludedCalls.clear();
    E.handlerMethods.clear();
    C.entryPoints.replaceDefaults = false;
  } else {
    C.knowledge = In.effectiveKnowledge();
  }
  C.knowledge.replaceDefaults = true;
  if (!C.failOn)
    C.failOn = "error";
  if (!C.vendored)
    C.vendored = std::vector<std::string>{"default"};
  for (const RuleInfo &R : allRules()) {
    RuleConfig &RC = C.rules[R.id];
    if (!RC.enabled)
      RC.enabled = true;
  }
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  if (!In.path.empty())
    OS << "# from " << In.path << "\n";
  llvm::yaml::Output Y(OS);
  Y << C;
  return OS.str();
}

} // namespace sa
