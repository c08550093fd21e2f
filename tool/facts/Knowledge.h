// Library knowledge as data: rules/knowledge.yaml, embedded in the tool at build time and
// extended from the configuration's `knowledge:` key. What a library is (how to recognise its
// files), which of its calls register handlers or start background work, which of its APIs
// write local files. Plain data, read with LLVM's YAML I/O; nothing here depends on Clang, so
// the extraction side and the link side read the same lists.
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/YAMLTraits.h"

#include <map>
#include <string>
#include <vector>

namespace sa {

/// A third-party library recognised by content or by folder, wherever its files sit.
struct LibrarySignature {
  std::string name;
  std::vector<std::string> includeGuards; // globs over the guard macro of `#ifndef X`/`#define X`
  std::vector<std::string> folders;       // a path component of this name
};

/// A test of an integer argument: true when the argument has any of the flags set. Each flag
/// is a macro name with its usual value, used when the macro is not visible in the TU.
struct FlagTest {
  int arg = -1;
  std::map<std::string, int64_t> anyOf;
};

/// A call that creates, writes or changes local files beyond the stdio/POSIX/iostream ones the
/// file-write check decodes itself: embedded databases, memory-mapped files, ...
struct PersistenceApi {
  std::string library;  // "SQLite"
  std::string function; // qualified name, or its last components: "sqlite3_open_v2", "leveldb::DB::Open"
  int pathArg = -1;     // the argument naming the file or directory; -1 when none
  std::vector<FlagTest> writesWhen;   // all must hold for the call to write (none: it always does)
  std::vector<FlagTest> readOnlyWhen; // any holding: the call only reads
  std::vector<FlagTest> memoryWhen;   // any holding: the data is in memory, not in a file
  std::vector<std::string> memoryPaths; // globs of path literals that mean memory (":memory:")
  /// The argument that receives the opened handle (`&db` of sqlite3_open); -1 when none. A
  /// handle kept in state joins the statements later run on it to this open.
  int handleArg = -1;
};

/// A call that runs a statement on an open database: `sqlite3_exec(db, sql, ...)`,
/// `db->Put(...)`. Where the handle was opened decides what it writes: the database's file,
/// or this instance's memory for a database opened in memory.
struct StoreStatement {
  std::string library;
  std::string function;  // as PersistenceApi::function
  int handleArg = -1;    // the argument holding the handle; -1: the object of a member call
  int sqlArg = -1;       // SQL text: a literal that only queries (SELECT ...) writes nothing
  std::vector<FlagTest> readOnlyWhen; // any holding: the statement only reads
};

/// Clients of external stores and services: where state should go, never state themselves.
struct StoreClient {
  std::string library;
  std::vector<std::string> types; // globs over the name of a class or typedef, unqualified
  bool projectClasses = false;    // the project's own classes of such a name count too
};

/// Connection pools by class: each instance opens its own, so their sizes add up.
struct PoolClass {
  std::string library;
  std::string name;   // glob over the lowercased class name, unqualified
  int sizeArg = -1;   // the constructor argument giving the size; -1: the first integer one
};

/// Instance infrastructure: thread pools, executors, timers, loggers and their sinks. Their
/// fields are this process's own machinery (threads, queued work, buffered log lines), not
/// data a request leaves for the next one; a sink's writes are reported as the files it writes.
struct InfrastructureClass {
  std::string kind;   // "worker-pool", "timer", "logger", "log-sink", "connection"
  std::string library;
  std::vector<std::string> types; // globs over the class name, unqualified
};

/// Whether a knowledge entry's function ("sqlite3_open_v2", "leveldb::DB::Open") names this
/// qualified function: the whole name, or its last components.
inline bool namesFunction(llvm::StringRef Entry, llvm::StringRef Qualified) {
  return Qualified == Entry ||
         (Qualified.ends_with(Entry) && Qualified.drop_back(Entry.size()).ends_with("::"));
}

struct EntryPointKnowledge {
  std::vector<std::string> registrationCalls;
  std::vector<std::string> excludedCalls;
  std::vector<std::string> backgroundCalls;
  std::vector<std::string> handlerMethods;
  std::vector<std::string> teardownFunctions;
  std::vector<std::string> teardownCalls;
  std::vector<std::string> onceCalls;
  std::vector<std::string> configurationFunctions;

  /// Every list, in declaration order: for what treats them alike (extending, validating).
  std::vector<std::vector<std::string> *> lists() { return listsOf(*this); }
  std::vector<const std::vector<std::string> *> lists() const { return listsOf(*this); }

private:
  template <typename Self>
  static auto listsOf(Self &S) -> std::vector<decltype(&S.registrationCalls)> {
    return std::vector<decltype(&S.registrationCalls)>{
        &S.registrationCalls, &S.excludedCalls, &S.backgroundCalls, &S.handlerMethods,
        &S.teardownFunctions, &S.teardownCalls, &S.onceCalls,       &S.configurationFunctions};
  }
};

struct Knowledge {
  /// In a configuration: true makes these lists replace the shipped ones instead of extending
  /// them (what `config --dump` writes, so that its output reads back as the same knowledge).
  bool replaceDefaults = false;
  std::vector<std::string> vendoredFolders;
  std::vector<LibrarySignature> libraries;
  EntryPointKnowledge entryPoints;
  std::vector<PersistenceApi> persistence;
  std::vector<StoreStatement> statements;
  std::vector<StoreClient> storeClients;
  std::vector<PoolClass> poolClasses;
  std::vector<std::string> notPoolClasses; // globs over the lowercased name: pools of threads, memory
  std::vector<InfrastructureClass> infrastructure;

  /// The part the extraction reads (its cache key): file writes, statements, clients, pools.
  Knowledge extractionPart() const;

  /// Adds `More`'s entries to these (a configuration extending the shipped file).
  void extend(const Knowledge &More);
  /// A stable text of everything here, for cache keys and `config --dump`.
  std::string toYaml() const;
};

/// Parses knowledge in rules/knowledge.yaml's format; `Path` names the source in errors
/// ("file:line:col: ..."), unknown keys included.
llvm::Expected<Knowledge> parseKnowledge(llvm::StringRef Text, llvm::StringRef Path);

/// The text shipped with the tool (rules/knowledge.yaml).
llvm::StringRef builtinKnowledgeText();
/// The shipped knowledge, parsed once.
const Knowledge &builtinKnowledge();

} // namespace sa

// The YAML form, shared with the configuration's `knowledge:` key.
namespace llvm::yaml {
template <> struct MappingTraits<sa::Knowledge> {
  static void mapping(IO &Io, sa::Knowledge &K);
};
} // namespace llvm::yaml
