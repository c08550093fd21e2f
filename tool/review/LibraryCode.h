// Which of the project's files are other people's code: vendored folders (third_party/,
// vendor/, deps/, ...), git submodules, what .gitattributes marks linguist-vendored, and
// well-known libraries recognised by their include guard or folder wherever they sit (a copy of
// httplib.h in common/). Library code's declarations and templates are parsed and followed like
// the project's own — a template of it may run the project's code — but the bodies of its
// other functions are skipped like a system header's (they cannot see the project's state),
// and its findings are not the user's to fix, so the review drops them and says how many it
// dropped, where. Each TU lists the library files it read, so every run can say what it took
// for library code and why, from the cache and after a merge of shards alike.
#pragma once

#include "facts/Knowledge.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/GlobPattern.h"

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace sa {

/// The configuration's `vendored:` list: absent means the built-in detection; given, it is
/// exactly what it lists: `default` (the built-in detection), root-relative globs or folders
/// ("src/ext" = that folder and below), and "!glob" for project code the detection would take.
struct LibraryCodeOptions {
  bool builtin = true;
  std::vector<std::string> globs;
  std::vector<std::string> projectGlobs;

  /// From the configuration's list; nullopt = absent.
  static LibraryCodeOptions fromConfig(const std::optional<std::vector<std::string>> &Vendored);
};

/// Why a file is library code: the folder or file the reason covers, and the reason.
struct LibraryVerdict {
  /// Root-relative: a folder with a trailing '/' ("third_party/", "ext/json/"), or the file.
  std::string scope;
  /// "vendored folder", "git submodule", "Boost's folder", "linguist-vendored", "configured as
  /// vendored", or a library and its include guard ("cpp-httplib, include guard X").
  std::string reason;
  /// The reason with its folder: "vendored folder third_party/".
  std::string describe() const;
  bool operator==(const LibraryVerdict &O) const {
    return scope == O.scope && reason == O.reason;
  }
};

class LibraryCode {
public:
  /// `Root` is the canonical project root; files are read from it for their include guards,
  /// and its .gitmodules and .gitattributes are read once.
  LibraryCode(std::string Root, const Knowledge &K, LibraryCodeOptions Options);

  /// Why the root-relative file is library code, or nullopt for the project's own code.
  /// Safe to call from several threads (extraction asks from every worker).
  std::optional<LibraryVerdict> why(llvm::StringRef Relative);
  const std::string &root() const { return Root; }
  /// Everything the answers depend on besides the files' own text (the configured list, the
  /// knowledge's folders and libraries, .gitmodules, .gitattributes): part of the cache key
  /// of facts extracted with it.
  const std::string &fingerprint() const { return Fingerprint; }

private:
  struct Pattern {
    llvm::GlobPattern glob;
    bool anchored; // matched against the path from the root, else against any component
  };
  std::optional<LibraryVerdict> classify(llvm::StringRef Relative);
  std::optional<std::string> guardOf(llvm::StringRef Relative) const;
  /// What a pattern matches of the path (a folder with a trailing '/', or the file), if any.
  static std::optional<std::string> match(const std::vector<Pattern> &Patterns,
                                          llvm::StringRef Relative);
  void addPattern(std::vector<Pattern> &Into, llvm::StringRef Text, bool Anchored);
  /// A GlobPattern keeps a reference into its pattern's text: the texts live as long as the
  /// patterns, whatever becomes of the strings they came from.
  llvm::StringRef keep(llvm::StringRef Text);

  std::string Root;
  LibraryCodeOptions Options;
  std::vector<std::string> VendoredFolders;
  struct Library {
    std::string name;
    std::vector<llvm::GlobPattern> guards;
    std::vector<std::string> folders;
  };
  std::vector<Library> Libraries;
  std::vector<std::string> Submodules;  // root-relative paths from .gitmodules
  std::vector<Pattern> LinguistVendored; // from .gitattributes
  std::vector<Pattern> Configured, Project;
  llvm::StringMap<std::optional<LibraryVerdict>> Cache;
  std::mutex CacheLock;
  std::string Fingerprint;
  std::vector<std::shared_ptr<const std::string>> Texts;
};

/// The library code a run read, for its summary: each folder or file a reason covers, with
/// how many of the files were read under it.
struct LibraryScope {
  std::string scope; // LibraryVerdict::scope
  std::string reason;
  unsigned files = 0;
};

/// Groups the root-relative library files (any order, repeats allowed) by what covers them;
/// sorted by scope.
std::vector<LibraryScope> libraryScopes(std::vector<std::string> Files, LibraryCode &Library);

/// The run's one line about library code: each scope with its reason, and how to have one
/// analysed as the project's own (the configuration's `vendored:`). Empty for none.
std::string libraryCodeLine(const std::vector<LibraryScope> &Scopes);

/// Parses .gitattributes text: the patterns whose attributes set linguist-vendored.
std::vector<std::string> linguistVendoredPatterns(llvm::StringRef GitAttributes);
/// Parses .gitmodules text: the submodules' paths.
std::vector<std::string> submodulePaths(llvm::StringRef GitModules);
/// The include-guard macro of a header's text (`#ifndef X` then `#define X` as its first
/// directives, or `#if !defined(X)`), or empty.
std::string includeGuard(llvm::StringRef Text);

} // namespace sa
