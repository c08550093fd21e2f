// Runs one TU through Clang and the checks, producing its facts. The only entry point into
// Clang for the rest of the tool.
#pragma once

#include "facts/Facts.h"
#include "facts/Knowledge.h"
#include "review/LibraryCode.h"
#include "support/Paths.h"

#include <string>
#include <vector>

namespace sa {

struct ExtractOptions {
  /// Skip parsing the bodies of functions outside the project (system headers, excluded and
  /// third-party directories): they cannot hold findings. With `Library`, also those of the
  /// project's library code that are not templates: such a body sees only the library's own
  /// declarations, so it can neither reach the project's state nor call the project's code
  /// (a template may, through what it is instantiated with, and is kept). A library file is
  /// read from where it includes one of the project's own files on.
  bool SkipForeignBodies = true;
  /// Which of the project's files are library code (vendored, submodules, known libraries);
  /// null: none. Its fingerprint is part of the cache key.
  LibraryCode *Library = nullptr;
  /// The library APIs that write local files (rules/knowledge.yaml's file-writes, with the
  /// configuration's additions).
  /// What extraction knows of libraries: file writes, database statements, store clients,
  /// connection pools (Knowledge::extractionPart of the effective knowledge).
  Knowledge Libraries = builtinKnowledge().extractionPart();
};

/// Parses `File` with the given compiler command line (argv[0] first, already adjusted to
/// clang) from `Directory`, runs every check, and returns the TU's facts. Never throws or
/// aborts: a TU that cannot be parsed comes back with status Failed and the reason, one that
/// has compile errors with CompileErrors and the first error.
/// `Inputs`, when given, receives the absolute path of every file the TU read (for the cache).
TUFacts extractTU(const std::string &File, const std::string &Directory,
                  const std::vector<std::string> &CommandLine, const ProjectPaths &Paths,
                  const ExtractOptions &Options, std::vector<std::string> *Inputs = nullptr);

} // namespace sa
