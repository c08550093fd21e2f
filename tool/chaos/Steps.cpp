#include "chaos/Steps.h"

#include "config/ConfigSyntax.h"
#include "support/Untrusted.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/YAMLParser.h"

#include <cmath>

namespace sa::chaos {
namespace json = llvm::json;
namespace yaml = llvm::yaml;

namespace {

/// A problem at a place in the step file.
struct Problem {
  unsigned line = 0;
  std::string message;
};

class Converter {
public:
  Converter(llvm::SourceMgr &SM) : SM(SM) {}

  /// 0 when the node's place is not in the text (a node made while recovering from an
  /// error may point anywhere).
  unsigned lineOf(yaml::Node *N) const {
    llvm::SMLoc At = N->getSourceRange().Start;
    return At.isValid() && SM.FindBufferContainingLoc(At) ? SM.getLineAndColumn(At).first : 0;
  }

  /// YAML (and so JSON) into a JSON value: quoted scalars are strings; plain ones are null,
  /// booleans, numbers or strings, as JSON would read them.
  /// With `IsStepList`, the lines of the sequence's items are kept in StepLines (a YAML
  /// collection can be walked only once).
  std::optional<json::Value> convert(yaml::Node *N, bool IsStepList = false) {
    if (!N || Failed)
      return std::nullopt;
    if (llvm::isa<yaml::NullNode>(N))
      return json::Value(nullptr);
    if (auto *S = llvm::dyn_cast<yaml::ScalarNode>(N))
      return scalar(S);
    if (auto *B = llvm::dyn_cast<yaml::BlockScalarNode>(N))
      return json::Value(B->getValue().str());
    if (auto *Seq = llvm::dyn_cast<yaml::SequenceNode>(N)) {
      json::Array A;
      for (yaml::Node &Item : *Seq) {
        if (IsStepList)
          StepLines.push_back(lineOf(&Item));
        std::optional<json::Value> V = convert(&Item);
        if (!V)
          return std::nullopt;
        A.push_back(std::move(*V));
      }
      return json::Value(std::move(A));
    }
    if (auto *M = llvm::dyn_cast<yaml::MappingNode>(N)) {
      json::Object O;
      for (yaml::KeyValueNode &KV : *M) {
        auto *Key = llvm::dyn_cast_or_null<yaml::ScalarNode>(KV.getKey());
        if (!Key)
          return fail(KV.getKey() ? KV.getKey() : N, "a key must be a plain string");
        llvm::SmallString<32> Storage;
        std::string K = Key->getValue(Storage).str();
        if (O.get(K))
          return fail(Key, "duplicate key '" + K + "'");
        std::optional<json::Value> V = convert(KV.getValue(), IsStepList && K == "steps");
        if (!V)
          return std::nullopt;
        O[K] = std::move(*V);
      }
      return json::Value(std::move(O));
    }
    return fail(N, "aliases, anchors and tags are not supported");
  }

  std::optional<json::Value> fail(yaml::Node *N, std::string Message) {
    if (!Failed)
      Error = Problem{lineOf(N), std::move(Message)};
    Failed = true;
    return std::nullopt;
  }

  bool Failed = false;
  Problem Error;
  std::vector<unsigned> StepLines;

private:
  std::optional<json::Value> scalar(yaml::ScalarNode *S) {
    llvm::SmallString<64> Storage;
    llvm::StringRef V = S->getValue(Storage);
    llvm::StringRef Raw = S->getRawValue();
    if (Raw.starts_with("\"") || Raw.starts_with("'"))
      return json::Value(V.str());
    if (V == "null" || V == "~")
      return json::Value(nullptr);
    if (V == "true")
      return json::Value(true);
    if (V == "false")
      return json::Value(false);
    int64_t I;
    if (!V.getAsInteger(10, I))
      return json::Value(I);
    double D;
    if (!V.getAsDouble(D) && std::isfinite(D))
      return json::Value(D);
    return json::Value(V.str());
  }

  llvm::SourceMgr &SM;
};

llvm::Error problem(llvm::StringRef Name, unsigned Line, const llvm::Twine &Message) {
  std::string Where = Name.str();
  if (Line)
    Where += ":" + std::to_string(Line);
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 Where + ": " + Message.str());
}

const char *const StepKeys[] = {"name", "call", "method", "sse", "arguments", "params", "expect"};

llvm::Expected<Step> makeStep(const json::Value &V, unsigned Line, size_t Index,
                              llvm::StringRef Name) {
  auto Bad = [&](const llvm::Twine &Message) {
    return problem(Name, Line, "step " + std::to_string(Index + 1) + ": " + Message);
  };
  const json::Object *O = V.getAsObject();
  if (!O)
    return Bad("a step must be a mapping with 'call', 'method' or 'sse'");
  for (const auto &KV : *O)
    if (!llvm::is_contained(StepKeys, llvm::StringRef(KV.first)))
      return Bad("unknown key '" + KV.first.str() +
                 "' (expected name, call, method, sse, arguments, params, expect)");

  Step S;
  S.line = Line;
  int Kinds = int(O->get("call") != nullptr) + int(O->get("method") != nullptr) +
              int(O->get("sse") != nullptr);
  if (Kinds != 1)
    return Bad("needs exactly one of 'call' (a tool), 'method' (a JSON-RPC request) or "
               "'sse: true' (the GET stream)");
  const char *ArgsKey = "arguments";
  if (O->get("call")) {
    std::optional<llvm::StringRef> Tool = O->getString("call");
    if (!Tool || Tool->empty())
      return Bad("'call' must name a tool");
    S.kind = Step::Kind::ToolCall;
    S.target = Tool->str();
    if (O->get("params"))
      return Bad("'params' goes with 'method'; a tool call takes 'arguments'");
  } else if (O->get("method")) {
    std::optional<llvm::StringRef> Method = O->getString("method");
    if (!Method || Method->empty())
      return Bad("'method' must name a JSON-RPC method");
    if (*Method == "initialize" || Method->starts_with("notifications/"))
      return Bad("'" + *Method + "' is sent by the runner itself; a step sends a request");
    S.kind = Step::Kind::Request;
    S.target = Method->str();
    ArgsKey = "params";
    if (O->get("arguments"))
      return Bad("'arguments' goes with 'call'; a request takes 'params'");
  } else {
    if (O->getBoolean("sse") != std::optional<bool>(true))
      return Bad("'sse' must be true");
    S.kind = Step::Kind::Stream;
    S.target = "GET stream";
    for (const char *K : {"arguments", "params", "expect"})
      if (O->get(K))
        return Bad(std::string("'") + K + "' does not apply to the GET stream");
  }
  if (const json::Value *Args = O->get(ArgsKey)) {
    if (!Args->getAsObject())
      return Bad(std::string("'") + ArgsKey + "' must be a mapping");
    S.arguments = *Args->getAsObject();
  }
  if (const json::Value *E = O->get("expect"))
    S.expect = *E;
  if (const json::Value *N = O->get("name")) {
    if (!N->getAsString() || N->getAsString()->empty())
      return Bad("'name' must be a non-empty string");
    S.name = N->getAsString()->str();
  } else {
    S.name = S.kind == Step::Kind::Stream ? "sse" : S.target;
  }
  return S;
}

} // namespace

llvm::Expected<std::vector<Step>> parseSteps(llvm::StringRef Text, llvm::StringRef Name) {
  Text = withoutByteOrderMark(Text); // as an editor shows it: the mark takes no column
  if (Text.size() > MaxStepFileBytes)
    return problem(Name, 0, "too large for a step file (at most " +
                                std::to_string(MaxStepFileBytes >> 20) + " MiB)");
  // LLVM's YAML reader recurses once per nesting level and does not survive every input:
  // what would crash it is refused first, as for the configuration.
  if (llvm::Error E = prevalidateYaml(Text, Name, "a step file"))
    return std::move(E);
  if (unsigned Line = secondDocumentLine(Text))
    return problem(Name, Line, "only one document is allowed");
  llvm::SourceMgr SM;
  // The parser reports syntax errors through the source manager; keep the first.
  struct SyntaxState {
    bool failed = false;
    Problem error;
  } Syntax;
  SM.setDiagHandler(
      [](const llvm::SMDiagnostic &D, void *Context) {
        auto *State = static_cast<SyntaxState *>(Context);
        if (State->failed)
          return;
        State->failed = true;
        State->error = Problem{unsigned(D.getLineNo() > 0 ? D.getLineNo() : 0),
                               D.getMessage().str()};
      },
      &Syntax);

  // A syntax check first, walking every node: the reader's nodes after an error are not fit
  // to be looked at (as the configuration reader found).
  {
    yaml::Stream Check(Text, SM, /*ShowColors=*/false);
    for (yaml::document_iterator D = Check.begin(), End = Check.end(); D != End; ++D) {
      yaml::Node *Root = D->getRoot();
      if (!Root || Check.failed())
        break;
      Root->skip();
      if (Check.failed())
        break;
    }
    if (Syntax.failed)
      return problem(Name, Syntax.error.line, Syntax.error.message);
  }
  yaml::Stream Stream(Text, SM, /*ShowColors=*/false);
  Converter Conv(SM);
  std::optional<json::Value> Root;
  unsigned RootLine = 0;
  // A document's nodes live as long as the iterator stays on it: take what is needed first.
  yaml::document_iterator Doc = Stream.begin();
  if (Doc != Stream.end()) {
    yaml::Node *RootNode = Doc->getRoot();
    RootLine = RootNode ? Conv.lineOf(RootNode) : 0;
    Root = Conv.convert(RootNode, /*IsStepList=*/true);
    if (!Syntax.failed && ++Doc != Stream.end() && Doc->getRoot() &&
        !llvm::isa<yaml::NullNode>(Doc->getRoot()))
      return problem(Name, Conv.lineOf(Doc->getRoot()), "only one document is allowed");
  }
  if (Syntax.failed)
    return problem(Name, Syntax.error.line, Syntax.error.message);
  if (Conv.Failed)
    return problem(Name, Conv.Error.line, Conv.Error.message);

  // The list: the document itself, or its 'steps'.
  const json::Array *Items = Root ? Root->getAsArray() : nullptr;
  if (const json::Object *O = Root ? Root->getAsObject() : nullptr) {
    for (const auto &KV : *O)
      if (KV.first != "steps")
        return problem(Name, RootLine,
                       "unknown key '" + KV.first.str() + "' (the file holds 'steps:')");
    Items = O->getArray("steps");
  }
  if (!Items)
    return problem(Name, RootLine, "expected a list of steps (or 'steps:' holding one)");
  if (Items->empty())
    return problem(Name, RootLine, "the list of steps is empty");

  std::vector<Step> Steps;
  for (size_t Index = 0; Index < Items->size(); ++Index) {
    unsigned Line = Index < Conv.StepLines.size() ? Conv.StepLines[Index] : 0;
    llvm::Expected<Step> S = makeStep((*Items)[Index], Line, Index, Name);
    if (!S)
      return S.takeError();
    Steps.push_back(std::move(*S));
  }
  return Steps;
}

llvm::Expected<std::vector<Step>> loadSteps(llvm::StringRef Path) {
  llvm::sys::fs::file_status St;
  if (std::error_code EC = llvm::sys::fs::status(Path, St))
    return problem(Path, 0, "cannot read the step file: " + EC.message());
  if (St.type() != llvm::sys::fs::file_type::regular_file)
    return problem(Path, 0, "not a regular file");
  if (St.getSize() > MaxStepFileBytes)
    return problem(Path, 0, "too large for a step file (at most " +
                                std::to_string(MaxStepFileBytes >> 20) + " MiB)");
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> Buffer =
      llvm::MemoryBuffer::getFile(Path, /*IsText=*/true);
  if (!Buffer)
    return problem(Path, 0, "cannot read the step file: " + Buffer.getError().message());
  return parseSteps((*Buffer)->getBuffer(), Path);
}

std::vector<Step> defaultSteps() {
  Step List;
  List.kind = Step::Kind::Request;
  List.name = List.target = "tools/list";
  Step Stream;
  Stream.kind = Step::Kind::Stream;
  Stream.name = "sse";
  Stream.target = "GET stream";
  return {List, Stream, List, Stream};
}

json::Value substituteRun(const json::Value &V, llvm::StringRef Token) {
  if (std::optional<llvm::StringRef> S = V.getAsString()) {
    std::string Out;
    llvm::StringRef Rest = *S;
    for (size_t At; (At = Rest.find("${run}")) != llvm::StringRef::npos;) {
      Out += Rest.take_front(At).str();
      Out += Token.str();
      Rest = Rest.drop_front(At + 6);
    }
    Out += Rest.str();
    return json::Value(std::move(Out));
  }
  if (const json::Array *A = V.getAsArray()) {
    json::Array Out;
    for (const json::Value &E : *A)
      Out.push_back(substituteRun(E, Token));
    return json::Value(std::move(Out));
  }
  if (const json::Object *O = V.getAsObject()) {
    json::Object Out;
    for (const auto &KV : *O)
      Out[KV.first] = substituteRun(KV.second, Token);
    return json::Value(std::move(Out));
  }
  return V;
}

bool matchesExpectation(const json::Value &Expected, const json::Value &Actual) {
  if (const json::Object *E = Expected.getAsObject()) {
    const json::Object *A = Actual.getAsObject();
    if (!A)
      return false;
    for (const auto &KV : *E) {
      const json::Value *Got = A->get(KV.first);
      if (!Got || !matchesExpectation(KV.second, *Got))
        return false;
    }
    return true;
  }
  if (const json::Array *E = Expected.getAsArray()) {
    const json::Array *A = Actual.getAsArray();
    if (!A)
      return false;
    return llvm::all_of(*E, [&](const json::Value &Want) {
      return llvm::any_of(*A, [&](const json::Value &Got) {
        return matchesExpectation(Want, Got);
      });
    });
  }
  if (Expected.kind() == json::Value::Number && Actual.kind() == json::Value::Number)
    return Expected.getAsNumber() == Actual.getAsNumber();
  return Expected == Actual;
}

} // namespace sa::chaos
