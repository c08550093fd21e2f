#include "review/LibraryCode.h"

#include "support/Paths.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <cstring>
#include <map>

namespace sa {

namespace {

/// A header's guard is near its top, after the licence: this much is read.
constexpr size_t GuardWindow = 64 * 1024;

std::optional<std::string> readFile(llvm::StringRef Root, llvm::StringRef Relative,
                                    size_t Limit) {
  llvm::SmallString<256> Path(Root);
  llvm::sys::path::append(Path, Relative);
  // Only the first `Limit` bytes, and never past the end (a mapping beyond it faults).
  uint64_t Size = 0;
  if (llvm::sys::fs::file_size(Path, Size) || !llvm::sys::fs::is_regular_file(Path))
    return std::nullopt;
  auto Buffer = llvm::MemoryBuffer::getFileSlice(Path, std::min<uint64_t>(Size, Limit), 0);
  if (!Buffer)
    return std::nullopt;
  return (*Buffer)->getBuffer().take_front(Limit).str();
}

/// The directory components of a '/'-separated relative path (not the file name).
llvm::SmallVector<llvm::StringRef, 8> directories(llvm::StringRef Relative) {
  llvm::SmallVector<llvm::StringRef, 8> Parts;
  Relative.split(Parts, '/', -1, false);
  if (!Parts.empty())
    Parts.pop_back();
  return Parts;
}

} // namespace

LibraryCodeOptions
LibraryCodeOptions::fromConfig(const std::optional<std::vector<std::string>> &Vendored) {
  LibraryCodeOptions O;
  if (!Vendored)
    return O;
  O.builtin = false;
  for (const std::string &E : *Vendored) {
    llvm::StringRef S = llvm::StringRef(E).trim();
    if (S == "default")
      O.builtin = true;
    else if (S.consume_front("!"))
      O.projectGlobs.push_back(S.rtrim('/').str());
    else if (!S.empty())
      O.globs.push_back(S.rtrim('/').str());
  }
  return O;
}

std::vector<std::string> linguistVendoredPatterns(llvm::StringRef Text) {
  std::vector<std::string> Out;
  llvm::SmallVector<llvm::StringRef, 64> Lines;
  Text.split(Lines, '\n');
  for (llvm::StringRef Line : Lines) {
    Line = Line.trim();
    if (Line.empty() || Line.starts_with("#"))
      continue;
    llvm::SmallVector<llvm::StringRef, 8> Fields;
    Line.split(Fields, ' ', -1, false);
    if (Fields.size() < 2)
      continue;
    for (size_t I = 1; I < Fields.size(); ++I) {
      llvm::StringRef A = Fields[I].trim();
      if (A == "linguist-vendored" || A == "linguist-vendored=true")
        Out.push_back(Fields[0].str());
    }
  }
  return Out;
}

std::vector<std::string> submodulePaths(llvm::StringRef Text) {
  std::vector<std::string> Out;
  llvm::SmallVector<llvm::StringRef, 64> Lines;
  Text.split(Lines, '\n');
  for (llvm::StringRef Line : Lines) {
    auto [Key, Value] = Line.trim().split('=');
    if (Key.trim() == "path" && !Value.trim().empty())
      Out.push_back(Value.trim().rtrim('/').str());
  }
  return Out;
}

std::string includeGuard(llvm::StringRef Text) {
  // The first two directives, skipping comments and `#pragma once`.
  llvm::SmallVector<llvm::StringRef, 2> Directives;
  bool InComment = false;
  llvm::SmallVector<llvm::StringRef, 0> Lines;
  Text.split(Lines, '\n');
  for (llvm::StringRef Line : Lines) {
    llvm::StringRef L = Line.trim();
    if (InComment) {
      size_t End = L.find("*/");
      if (End == llvm::StringRef::npos)
        continue;
      InComment = false;
      L = L.drop_front(End + 2).trim();
    }
    if (L.starts_with("/*")) {
      size_t End = L.find("*/", 2);
      if (End == llvm::StringRef::npos) {
        InComment = true;
        continue;
      }
      L = L.drop_front(End + 2).trim();
    }
    if (L.empty() || L.starts_with("//"))
      continue;
    if (!L.consume_front("#"))
      return {}; // code before any guard
    L = L.ltrim();
    if (L.starts_with("pragma"))
      continue;
    Directives.push_back(L);
    if (Directives.size() == 2)
      break;
  }
  if (Directives.size() < 2)
    return {};
  auto Word = [](llvm::StringRef S) {
    S = S.ltrim(" \t(");
    return S.take_while([](char C) { return llvm::isAlnum(C) || C == '_'; });
  };
  llvm::StringRef First = Directives[0], Macro;
  if (First.consume_front("ifndef"))
    Macro = Word(First);
  else if (First.consume_front("if")) {
    llvm::StringRef Rest = First.ltrim();
    if (Rest.consume_front("!") && Rest.ltrim().consume_front("defined"))
      Macro = Word(Rest.ltrim().drop_front(strlen("defined")));
  }
  llvm::StringRef Second = Directives[1];
  if (Macro.empty() || !Second.consume_front("define") || Word(Second) != Macro)
    return {};
  return Macro.str();
}

llvm::StringRef LibraryCode::keep(llvm::StringRef Text) {
  Texts.push_back(std::make_shared<const std::string>(Text.str()));
  return *Texts.back();
}

void LibraryCode::addPattern(std::vector<Pattern> &Into, llvm::StringRef Text, bool Anchored) {
  Text = keep(Text);
  if (Text.consume_front("/"))
    Anchored = true;
  // "dir/**" and "dir/*" stand for what is below dir; a prefix of the path is tested anyway.
  while (Text.consume_back("/**") || Text.consume_back("/*") || Text.consume_back("/"))
    ;
  if (Text.empty())
    return;
  auto G = llvm::GlobPattern::create(Text, MaxGlobSubPatterns);
  if (!G)
    return; // refused when the configuration was read; a bad .gitattributes line is skipped
  Into.push_back({std::move(*G), Anchored || Text.contains('/')});
}

std::optional<std::string> LibraryCode::match(const std::vector<Pattern> &Patterns,
                                              llvm::StringRef Relative) {
  // Each prefix of the path ("a", "a/b", "a/b/c.h"): a pattern naming a folder covers what is
  // below it.
  for (size_t End = 0; End != llvm::StringRef::npos;) {
    End = Relative.find('/', End + 1);
    llvm::StringRef Prefix = Relative.take_front(End);
    llvm::StringRef Last = Prefix.rsplit('/').second.empty() ? Prefix : Prefix.rsplit('/').second;
    for (const Pattern &P : Patterns)
      if (P.glob.match(P.anchored ? Prefix : Last))
        return End == llvm::StringRef::npos ? Prefix.str() : Prefix.str() + "/";
  }
  return std::nullopt;
}

LibraryCode::LibraryCode(std::string R, const Knowledge &K, LibraryCodeOptions O)
    : Root(std::move(R)), Options(std::move(O)) {
  auto Say = [this](llvm::StringRef What, llvm::StringRef Value) {
    Fingerprint += What.str() + "=" + Value.str() + "\n";
  };
  for (const std::string &G : Options.globs) {
    addPattern(Configured, G, /*Anchored=*/true);
    Say("vendored", G);
  }
  for (const std::string &G : Options.projectGlobs) {
    addPattern(Project, G, /*Anchored=*/true);
    Say("project", G);
  }
  if (!Options.builtin)
    return;
  Say("builtin", "1");
  VendoredFolders = K.vendoredFolders;
  for (const std::string &F : VendoredFolders)
    Say("folder", F);
  for (const LibrarySignature &S : K.libraries) {
    Library L{S.name, {}, S.folders};
    Say("library", S.name);
    for (const std::string &G : S.includeGuards) {
      Say("guard", G);
      if (auto P = llvm::GlobPattern::create(keep(G), MaxGlobSubPatterns))
        L.guards.push_back(std::move(*P));
    }
    for (const std::string &F : S.folders)
      Say("library-folder", F);
    Libraries.push_back(std::move(L));
  }
  constexpr size_t MetaLimit = 1 << 20;
  if (std::optional<std::string> Modules = readFile(Root, ".gitmodules", MetaLimit))
    Submodules = submodulePaths(*Modules);
  for (const std::string &S : Submodules)
    Say("submodule", S);
  if (std::optional<std::string> Attributes = readFile(Root, ".gitattributes", MetaLimit))
    for (const std::string &P : linguistVendoredPatterns(*Attributes)) {
      addPattern(LinguistVendored, P, /*Anchored=*/false);
      Say("linguist-vendored", P);
    }
}

std::string LibraryVerdict::describe() const {
  return llvm::StringRef(scope).ends_with("/") ? reason + " " + scope : reason;
}

std::optional<LibraryVerdict> LibraryCode::why(llvm::StringRef Relative) {
  std::lock_guard<std::mutex> Hold(CacheLock);
  auto [It, New] = Cache.try_emplace(Relative);
  if (New)
    It->second = classify(Relative);
  return It->second;
}

std::optional<std::string> LibraryCode::guardOf(llvm::StringRef Relative) const {
  std::optional<std::string> Text = readFile(Root, Relative, GuardWindow);
  if (!Text)
    return std::nullopt;
  std::string Guard = includeGuard(*Text);
  if (Guard.empty())
    return std::nullopt;
  return Guard;
}

std::optional<LibraryVerdict> LibraryCode::classify(llvm::StringRef Relative) {
  if (match(Project, Relative))
    return std::nullopt;
  if (std::optional<std::string> Scope = match(Configured, Relative))
    return LibraryVerdict{*Scope, "configured as vendored"};
  if (!Options.builtin)
    return std::nullopt;
  for (llvm::StringRef Dir : directories(Relative)) {
    // Dir lies in Relative: the folder is the path up to and including it.
    std::string Folder = Relative.take_front(Dir.end() - Relative.begin()).str() + "/";
    for (const std::string &F : VendoredFolders)
      if (Dir.equals_insensitive(F))
        return LibraryVerdict{Folder, "vendored folder"};
    for (const Library &L : Libraries)
      for (const std::string &F : L.folders)
        if (Dir == F)
          return LibraryVerdict{Folder, L.name + "'s folder"};
  }
  for (const std::string &S : Submodules)
    if (isWithin(Relative, S))
      return LibraryVerdict{S + "/", "git submodule"};
  if (std::optional<std::string> Scope = match(LinguistVendored, Relative))
    return LibraryVerdict{*Scope, "linguist-vendored"};
  if (std::optional<std::string> Guard = guardOf(Relative))
    for (const Library &L : Libraries)
      for (const llvm::GlobPattern &G : L.guards)
        if (G.match(*Guard))
          return LibraryVerdict{Relative.str(), L.name + ", include guard " + *Guard};
  return std::nullopt;
}

std::vector<LibraryScope> libraryScopes(std::vector<std::string> Files, LibraryCode &Library) {
  std::sort(Files.begin(), Files.end());
  Files.erase(std::unique(Files.begin(), Files.end()), Files.end());
  std::map<std::string, LibraryScope> ByScope;
  for (const std::string &F : Files)
    if (std::optional<LibraryVerdict> V = Library.why(F)) {
      LibraryScope &S = ByScope[V->scope];
      S.scope = V->scope;
      S.reason = V->reason;
      ++S.files;
    }
  std::vector<LibraryScope> Out;
  for (auto &[Scope, S] : ByScope)
    Out.push_back(std::move(S));
  return Out;
}

std::string libraryCodeLine(const std::vector<LibraryScope> &Scopes) {
  if (Scopes.empty())
    return {};
  std::string Line = "treated as library code (no findings; only the bodies of its templates "
                     "are read):";
  constexpr size_t Shown = 6;
  for (size_t I = 0; I < Scopes.size() && I < Shown; ++I) {
    const LibraryScope &S = Scopes[I];
    Line += std::string(I ? ", " : " ") + S.scope + " (" + S.reason;
    if (llvm::StringRef(S.scope).ends_with("/"))
      Line += ", " + std::to_string(S.files) + (S.files == 1 ? " file" : " files");
    Line += ")";
  }
  if (Scopes.size() > Shown)
    Line += " and " + std::to_string(Scopes.size() - Shown) +
            " more (the JSON and SARIF reports list them all)";
  std::string First = llvm::StringRef(Scopes.front().scope).rtrim('/').str();
  return Line + "; to analyse " + First + " as the project's own: vendored: [default, \"!" +
         First + "\"] in .state-audit.yaml";
}

} // namespace sa
