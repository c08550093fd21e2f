// Facts: what extraction learns about one translation unit, as plain data.
//
// Extraction (the only Clang-aware stage) fills a TUFacts per translation unit. Everything
// downstream (link, gate, report, cache, shard merge) works on these structs alone, so it can be
// unit-tested with hand-built facts and serialised to JSON for the cache and for sharded scans.
//
// Identity: every declaration, record and function carries an `id` that is the same in every TU
// that sees it (Clang's USR of the canonical, uninstantiated declaration; lambdas get a location-based
// id). Link merges TUs by these ids. Paths are project-root-relative with '/' separators, so facts
// produced on different machines or checkouts merge.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sa {

struct SourceLoc {
  std::string file; // project-root-relative path ('/'-separated)
  unsigned line = 0;
  unsigned column = 0; // 1-based, in bytes (clang's columns)
  unsigned endLine = 0;
  unsigned endColumn = 0;

  bool valid() const { return !file.empty() && line != 0; }
  friend bool operator==(const SourceLoc &A, const SourceLoc &B) {
    return A.file == B.file && A.line == B.line && A.column == B.column &&
           A.endLine == B.endLine && A.endColumn == B.endColumn;
  }
  friend bool operator<(const SourceLoc &A, const SourceLoc &B);
};

/// Where a piece of state lives.
enum class StateKind {
  Global,        // namespace-scope variable (incl. static, anonymous namespace, inline)
  StaticLocal,   // function-local static
  StaticMember,  // static data member
  Field,         // non-static data member of a project class
  CapturedLocal, // local captured by reference into a lambda, or closure state of a mutable lambda
};

/// The shape of a state's type: decides what it means and where it should move.
enum class TypeShape {
  Other,
  KeyedContainer, // map, unordered_map, ... (has mapped_type)
  Set,            // set, unordered_set, ... (key_type, no mapped_type)
  Sequence,       // vector, deque, list, queue, ...
  String,
  Integer,
  Floating,
  Boolean,
  Pointer,      // raw pointer, reference, smart pointer, optional
  Object,       // class with mutable fields
  Atomic,       // std::atomic<T>
  Lock,         // mutex, condition variable, once_flag, thread: not state by itself
  Client,       // a handle to an external service (a Redis or database client, an RPC
                // stub): where state should go, not state itself
  Stream,       // FILE*, std::ofstream, ...
  Callable,     // std::function, function pointer
};

struct StateDecl {
  std::string id;
  StateKind kind = StateKind::Global;
  std::string name; // qualified, for display: "notes::g_history", "Server::sessions_"
  std::string type; // as written by clang's printer
  TypeShape shape = TypeShape::Other;
  SourceLoc loc;    // the definition (expansion location for macro-made declarations)
  bool threadLocal = false;
  bool isConst = false;      // the variable itself is const (a const pointer to mutable data,
                             // a const object with mutable members): it cannot be reassigned
  bool reference = false;    // a reference: the state it names is owned elsewhere
  bool fromMacro = false;    // declared by a macro expansion
  std::string owner;         // StaticLocal/CapturedLocal: owning function id; Field/StaticMember: record id
  std::string typeRecord;    // record the type names directly or through a pointer/smart pointer
  std::string elementRecord; // record stored in a container (the Session in map<string, Session>)
  bool closureCopy = false;  // CapturedLocal: state kept in a mutable lambda's closure (by-copy/init capture)
};

struct RecordFact {
  std::string id;
  std::string name;
  SourceLoc loc;
  std::vector<std::string> bases;        // ids of direct bases
  std::vector<std::string> heldRecords;  // records its fields hold directly or through a pointer
  std::vector<std::string> fieldNames;   // its mutable non-static fields, for evidence
  bool queuesWork = false; // a field holds queued callables: a worker pool or an executor
};

struct FunctionFact {
  std::string id;
  std::string name; // qualified display name; lambdas: "lambda in Server::start"
  SourceLoc loc;
  std::string record; // enclosing class id for methods; for lambdas the class of a captured `this`
  std::string parent; // lambdas: the function the lambda is written in
  bool isLambda = false;
  bool isVirtual = false;
  bool isCtorOrDtor = false;
  bool isMain = false;
  std::vector<std::string> overrides;     // ids of the methods this one directly overrides
  std::vector<std::string> overrideNames; // their qualified names (bases may be third-party)
  std::vector<std::string> captureRecords; // lambdas: records reached through captured variables
  std::vector<std::string> returnedCallables; // callables it returns (factories of handlers)
  std::string returnsStatic;              // static-storage state whose address/reference it returns
};

enum class AccessKind {
  Assign,         // x = v
  CompoundAssign, // x += v
  IncDec,         // ++x, x--
  MutatingCall,   // x.insert(...), x[k] (non-const), x.clear()
  RefArg,         // passed by non-const reference or pointer
  Escape,         // address taken into code that cannot be seen
  Lookup,         // x.find(k), x.count(k), const x.at(k): read of a keyed container
  Read,           // value read
  LimitCheck,     // compared against a per-instance cap: sessions_.size() >= kMaxSessions
  Bind,           // a non-const member function of a project class runs on this object
  StoreWrite,     // a statement run on the database this handle holds (sqlite3_exec(db, ...));
                  // the link decides by where the handle was opened: memory or a file
};

/// How an increment or decrement was written, for messages.
enum class IncDecForm { None, PreIncrement, PreDecrement, PostIncrement, PostDecrement };

/// How an argument hands state to a callee that may write it.
enum class ArgPassing { None, Reference, Pointer };

/// A write (or an interesting read) of a piece of state, and the function it happens in.
struct Access {
  std::string target;   // StateDecl id (for writes through `this`: the field written first)
  std::string function; // enclosing function id; empty: a namespace-scope initialiser (start-up)
  AccessKind kind = AccessKind::Assign;
  std::string path;     // where below the state: ".last_seen", "[]", ".find()->hits"
  std::string method;   // the member function or operator run on it: "push_back", "operator[]"
  IncDecForm incDec = IncDecForm::None;     // IncDec: ++x, --x, x++ or x--
  ArgPassing passing = ArgPassing::None;    // RefArg: by reference or by pointer
  std::string callee;   // RefArg: the function it is passed to
  std::string cap;      // LimitCheck: the cap's expression as written ("kMaxSessions")
  SourceLoc loc;
  bool throughThis = false;  // field accessed through its object (`this`, a pointer, a
                             // reference): the object's lifetime decides
  bool sessionKeyed = false; // keyed by a session id / Mcp-Session-Id value
  bool decides = false;      // the value is used (a condition, a return, a computation), not
                             // discarded as in a statement `++hits;`
  bool onThis = false;       // reached from the function's own object (`this`, its members and
                             // what they point to), not from a parameter or a local
  bool beforeReady = false;  // runs once, before its function signals that it is ready (a
                             // promise's set_value, a notify): a thread's own set-up
};

enum class CallKind {
  Direct,    // f(), obj.m(), static dispatch
  Virtual,   // obj->m() on a virtual method: every override may run
  Construct, // T(...) runs T's constructor
  OnceInit,  // `static T x(...);` in a function: the constructor runs once, on first use
};

/// The callee of an edge to every constructor of a record: an object made where the
/// constructor's choice is not visible (make_shared<T>, make_unique<T>).
inline std::string constructorsOf(const std::string &RecordId) { return "ctors:" + RecordId; }

/// The object a member function is called on, as far as the caller can tell.
enum class Receiver {
  Other, // a parameter, a global, an element, what a call returned: any object
  This,  // the caller's own object: `this`, one of its members, what a member points to
  Fresh, // an object the caller has just made (`auto s = std::make_shared<S>(); s->start();`)
         // and not yet handed to anyone: nothing else can reach it yet
};

struct CallEdge {
  std::string caller;
  std::string callee;
  CallKind kind = CallKind::Direct;
  SourceLoc loc;
  Receiver receiver = Receiver::Other;
};

/// A callable (lambda, function, member function, functor) handed to other code: a registration
/// call (entry point), a thread or timer (background work), or anything else (assumed invoked).
/// Link decides which, from its configuration, so changing entry-point patterns re-links only.
struct CallableRef {
  std::string holder;     // function in which the callable is handed over
  std::string callable;   // the function that will run
  std::string callee;     // qualified name of the receiving call: "httplib::Server::Post", "std::thread::thread"
  std::string calleeName; // unqualified: "Post", "add_tool", "thread"
  std::string label;      // first string-literal argument of the call: "/mcp", "remember"
  std::string thisRecord; // record of an object bound with it (captured `this`, bind(&C::f, this))
  bool viaReturn = false; // `callable` is a function whose returned callables are handed over
  bool stored = false;    // assigned to a variable or field (callee names it) instead of passed
  SourceLoc loc;
};

enum class FileOpKind {
  OpenWrite,  // opened for writing or appending
  Modify,     // rename, remove, mkdir, ... change the filesystem
  OpenUnknown, // opened with a mode that could not be determined
  OpenMemory,  // an embedded database opened in memory: no file (joined to its handle's statements)
  Statement,   // a statement writing a database file opened elsewhere (from the join)
};

struct FileOp {
  std::string function; // enclosing function id
  std::string api;      // "fopen", "std::ofstream", "std::filesystem::remove"
  FileOpKind kind = FileOpKind::OpenWrite;
  std::string mode;     // "a", "ios::out|ios::app", "O_WRONLY|O_CREAT|O_APPEND"; empty when unknown
  std::string target;   // path literal or expression text, when short
  bool append = false;
  bool logLike = false; // the path or variable says log
  std::string store;    // the library of an embedded database or mapped file ("SQLite"), else empty
  std::string handle;   // the state that keeps the opened handle (g_db, Server::db_), else empty
  SourceLoc openedAt;   // Statement: where the database was opened
  SourceLoc loc;
};

/// A downstream connection pool and its per-instance size.
struct PoolFact {
  std::string id;
  std::string name;     // variable or field holding it
  std::string type;
  std::string record;   // the pool class (its fields are the pool's own bookkeeping)
  std::string function; // where it is constructed
  std::optional<std::int64_t> size;
  std::string sizeText; // the size expression as written
  /// What it connects to: the string literal it is given (a connection string or a host), or
  /// the expression as written when it is not a literal (`cfg.db_url`); empty when unknown.
  std::string downstream;
  bool downstreamLiteral = false;
  SourceLoc loc;
};

/// Project code creates an object of `record` in `function` (`T x;`, `new T`, make_shared<T>).
struct Creation {
  std::string record;
  std::string function; // empty: a namespace-scope initialiser
  /// Made once, on first use, into a member of `this` an enclosing `if` found empty
  /// (`if (!store_) store_ = std::make_unique<Store>();`): the holder's, not the caller's.
  bool once = false;
};

enum class SuppressionKind { Allow, NoLint, NoLintNextLine, NoLintBegin, NoLintEnd };

struct SuppressionComment {
  SuppressionKind kind = SuppressionKind::Allow;
  std::vector<std::string> rules; // rule ids; empty for a bare NOLINT (all rules)
  std::string reason;
  SourceLoc loc;
};

enum class TUStatus { Ok, CompileErrors, Failed };

/// What the gate needs to know of one analysed TU.
struct TUSummary {
  std::string file;
  TUStatus status = TUStatus::Ok;
  std::string firstError;
  unsigned errorCount = 0;
  std::vector<std::string> libraryCode = {}; // TUFacts::libraryCode
};

struct TUFacts {
  std::string file; // main file, root-relative
  TUStatus status = TUStatus::Ok;
  std::string firstError; // "path:line:col: message" of the first error
  unsigned errorCount = 0;
  std::vector<StateDecl> decls;
  std::vector<RecordFact> records;
  std::vector<FunctionFact> functions;
  std::vector<Access> accesses;
  std::vector<CallEdge> calls;
  std::vector<CallableRef> callables;
  std::vector<FileOp> fileOps;
  std::vector<PoolFact> pools;
  std::vector<SuppressionComment> suppressions;
  std::vector<std::string> instantiated; // records whose objects project code creates
  std::vector<Creation> creations;       // ... and in which function
  /// Headers the TU includes from outside the project root that are not system headers
  /// (absolute paths): code the scan did not analyse, said so that nothing is lost in silence.
  std::vector<std::string> outsideRoot;
  /// The project's files the TU read that are library code (root-relative, sorted): no
  /// findings, and only their templates' bodies are read. Named in the run's summary.
  std::vector<std::string> libraryCode;

  TUSummary summary() const { return {file, status, firstError, errorCount, libraryCode}; }
};

const char *toString(StateKind);
const char *toString(TypeShape);
const char *toString(AccessKind);
const char *toString(CallKind);
const char *toString(Receiver);
const char *toString(FileOpKind);
const char *toString(IncDecForm);
const char *toString(ArgPassing);
const char *toString(SuppressionKind);
const char *toString(TUStatus);
bool isWrite(AccessKind);
/// Locks, threads and clients of external services hold no request data of their own.
inline bool isNotState(TypeShape S) { return S == TypeShape::Lock || S == TypeShape::Client; }

/// Sorts every list and removes exact duplicates, so facts compare and serialise stably.
/// The order is total (every field counts), so the result does not depend on the order the
/// facts arrived in.
void normalize(TUFacts &);

/// The total orders normalize sorts by, for merges that must not depend on arrival order.
bool totalLess(const StateDecl &, const StateDecl &);
bool totalLess(const FileOp &, const FileOp &);

} // namespace sa
