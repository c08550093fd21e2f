#include "driver/CommandAdjuster.h"

#include "clang/Driver/Options.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Option/Arg.h"
#include "llvm/Option/ArgList.h"
#include "llvm/Option/OptTable.h"
#include "llvm/Support/Path.h"

#include <set>

using namespace clang::driver;

namespace sa {

namespace {

bool isWrapper(llvm::StringRef Program) {
  llvm::StringRef Name = llvm::sys::path::filename(Program);
  return Name == "ccache" || Name == "sccache" || Name == "distcc" || Name == "icecc" ||
         Name == "buildcache";
}

/// The clang driver name matching the build's compiler: C++ drivers by name (g++, c++,
/// clang++, x86_64-linux-gnu-g++-12, ...), C drivers otherwise.
std::string clangDriverFor(llvm::StringRef Program) {
  llvm::StringRef Name = llvm::sys::path::filename(Program);
  if (Name.contains("++") || Name.contains("cxx") || Name.contains("CC"))
    return "clang++";
  return "clang";
}

} // namespace

AdjustedCommand adjustCommand(const std::vector<std::string> &Arguments,
                              const std::string &File, const AdjustOptions &Options) {
  AdjustedCommand Out;
  std::vector<std::string> Args = Arguments;
  while (Args.size() > 1 && isWrapper(Args.front()))
    Args.erase(Args.begin());
  if (Args.empty())
    return Out;

  std::vector<const char *> Argv;
  for (size_t I = 1; I < Args.size(); ++I)
    Argv.push_back(Args[I].c_str());
  const llvm::opt::OptTable &Table = getDriverOptTable();
  unsigned MissingIndex = 0, MissingCount = 0;
  llvm::opt::InputArgList Parsed =
      Table.ParseArgs(Argv, MissingIndex, MissingCount,
                      llvm::opt::Visibility(options::ClangOption));

  // Indices (into Argv) of arguments to leave out, with the values they own.
  std::set<unsigned> Drop;

  for (const llvm::opt::Arg *A : Parsed) {
    const llvm::opt::Option &O = A->getOption();
    unsigned First = A->getIndex();
    // How many argv slots the argument spans: 1, or 1 + values for "-o out" forms.
    unsigned Span = 1;
    if (First + 1 < Argv.size() && A->getNumValues() > 0 &&
        llvm::StringRef(Argv[First]) == A->getSpelling())
      Span = 1 + A->getNumValues();
    auto DropSpan = [&] {
      for (unsigned K = 0; K < Span; ++K)
        Drop.insert(First + K);
    };

    if (O.getKind() == llvm::opt::Option::UnknownClass) {
      Out.dropped.push_back(Argv[First]);
      DropSpan();
      continue;
    }
    if (O.getKind() == llvm::opt::Option::InputClass) {
      // Every input goes; this TU's file is added back, absolute, at the end ("g++ a.cpp
      // b.cpp" databases exist). An "@file" left here is a response file that was unreadable.
      if (llvm::StringRef(A->getValue()).starts_with("@"))
        Out.dropped.push_back(A->getValue());
      DropSpan();
      continue;
    }
    // Outputs, dependency files, precompiled headers and plugins: irrelevant or harmful to a
    // syntax-only parse, and they would write files.
    if (O.matches(options::OPT_o) || O.matches(options::OPT_c) || O.matches(options::OPT_S) ||
        O.matches(options::OPT_E) || O.matches(options::OPT_M_Group) ||
        O.matches(options::OPT_MD) || O.matches(options::OPT_MMD) ||
        O.matches(options::OPT_MF) || O.matches(options::OPT_MT) ||
        O.matches(options::OPT_MQ) || O.matches(options::OPT_MP) ||
        O.matches(options::OPT_save_temps_EQ) || O.matches(options::OPT_save_temps) ||
        O.matches(options::OPT_include_pch) || O.matches(options::OPT_emit_pch) ||
        O.matches(options::OPT_fplugin_EQ) || O.matches(options::OPT_Xclang) ||
        O.matches(options::OPT_W_Joined) ||
        O.matches(options::OPT_fcolor_diagnostics) ||
        O.matches(options::OPT_fno_color_diagnostics) ||
        O.matches(options::OPT_fdiagnostics_color_EQ) ||
        O.matches(options::OPT_resource_dir) || O.matches(options::OPT_resource_dir_EQ) ||
        O.matches(options::OPT_fsyntax_only)) {
      DropSpan();
      continue;
    }
    // Clang modules: an implicit module build writes compiled modules into the module cache
    // (-fmodules-cache-path= from the database, else ~/.cache/clang). A syntax-only parse
    // includes the headers textually instead and writes nothing.
    if (O.matches(options::OPT_fmodules) || O.matches(options::OPT_fcxx_modules) ||
        O.matches(options::OPT_fimplicit_module_maps) ||
        O.matches(options::OPT_fmodules_cache_path) ||
        O.matches(options::OPT_fmodules_user_build_path) ||
        O.matches(options::OPT_fmodule_output) || O.matches(options::OPT_fmodule_output_EQ) ||
        O.matches(options::OPT_fmodules_prune_after) ||
        O.matches(options::OPT_fmodules_prune_interval) ||
        O.matches(options::OPT_fmodules_validate_once_per_build_session) ||
        O.matches(options::OPT_fbuild_session_file)) {
      DropSpan();
      continue;
    }
  }

  Out.arguments.push_back(clangDriverFor(Args.front()));
  for (unsigned I = 0; I < Argv.size(); ++I)
    if (!Drop.count(I))
      Out.arguments.push_back(Argv[I]);
  // Errors only: warnings are never shown, and computing them costs time.
  Out.arguments.push_back("-fsyntax-only");
  Out.arguments.push_back("-w");
  Out.arguments.push_back("-fno-color-diagnostics");
  if (!Options.ResourceDir.empty())
    Out.arguments.push_back("-resource-dir=" + Options.ResourceDir);
  for (const std::string &E : Options.ExtraArgs)
    Out.arguments.push_back(E);
  Out.arguments.push_back(File);
  return Out;
}

} // namespace sa
