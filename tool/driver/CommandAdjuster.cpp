#include "driver/CommandAdjuster.h"

#include "clang/Driver/Options.h"
#include "clang/Driver/Types.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Option/Arg.h"
#include "llvm/Option/ArgList.h"
#include "llvm/Option/OptTable.h"
#include "llvm/Support/Path.h"

#include <optional>

using namespace clang::driver;
using llvm::opt::OptSpecifier;

namespace sa {

namespace {

// What a syntax-only parse keeps: where headers come from, macros, the language and the
// target. Anything else clang knows is left out; an entry here is an option ID or a group.
const OptSpecifier KeptOptions[] = {
    // Header search. These read directories and files, never write.
    options::OPT_I, options::OPT_I_, options::OPT_isystem, options::OPT_iquote,
    options::OPT_idirafter, options::OPT_iprefix, options::OPT_iwithprefix,
    options::OPT_iwithprefixbefore, options::OPT_isysroot, options::OPT_iwithsysroot,
    options::OPT_isystem_after, options::OPT_cxx_isystem, options::OPT_stdlibxx_isystem,
    options::OPT_iframework, options::OPT_iframeworkwithsysroot, options::OPT_F,
    options::OPT_nostdinc, options::OPT_nostdlibinc, options::OPT_nostdincxx,
    options::OPT_nobuiltininc, options::OPT_ibuiltininc, options::OPT_system_header_prefix,
    options::OPT_no_system_header_prefix, options::OPT_embed_dir_EQ, options::OPT__sysroot_EQ,
    options::OPT_gcc_toolchain, options::OPT_gcc_install_dir_EQ, options::OPT_gcc_triple_EQ,
    options::OPT_stdlib_EQ,
    // Macros and forced includes (-O and -pthread define macros too).
    options::OPT_D, options::OPT_U, options::OPT_undef, options::OPT_include, options::OPT_imacros,
    options::OPT_O_Group, options::OPT_pthread, options::OPT_pthreads,
    // Language and target.
    options::OPT_std_EQ, options::OPT_ansi, options::OPT_target, options::OPT_m_Group,
    options::OPT_faligned_new_EQ, options::OPT_fcheck_new, options::OPT_fno_check_new,
    options::OPT_fheinous_gnu_extensions, options::OPT_fno_unsigned_char};

// -f options with a value that change how code parses or what it means; other -f options
// with a value (code generation, instrumentation, diagnostics layout) are left out.
const OptSpecifier KeptLanguageValues[] = {
    options::OPT_cl_std_EQ, options::OPT_sycl_std_EQ, options::OPT_fbracket_depth_EQ,
    options::OPT_fcxx_abi_EQ, options::OPT_fclang_abi_compat_EQ,
    options::OPT_fcomment_block_commands, options::OPT_fcomplex_arithmetic_EQ,
    options::OPT_fconstexpr_depth_EQ, options::OPT_fconstexpr_steps_EQ,
    options::OPT_fdenormal_fp_math_EQ, options::OPT_fexcess_precision_EQ,
    options::OPT_fexec_charset_EQ, options::OPT_finput_charset_EQ, options::OPT_ffp_contract,
    options::OPT_ffp_eval_method_EQ, options::OPT_ffp_exception_behavior_EQ,
    options::OPT_ffp_model_EQ, options::OPT_fgnuc_version_EQ,
    options::OPT_flax_vector_conversions_EQ, options::OPT_fmacro_prefix_map_EQ,
    options::OPT_ffile_prefix_map_EQ, options::OPT_fmax_type_align_EQ,
    options::OPT_fms_compatibility_version, options::OPT_fms_memptr_rep_EQ,
    options::OPT_fms_runtime_lib_EQ, options::OPT_fmsc_version, options::OPT_fnew_alignment_EQ,
    options::OPT_fno_builtin_, options::OPT_fopenmp_EQ, options::OPT_fopenmp_version_EQ,
    options::OPT_foperator_arrow_depth_EQ, options::OPT_fpack_struct_EQ,
    options::OPT_fsanitize_EQ, options::OPT_fno_sanitize_EQ, options::OPT_fstrict_flex_arrays_EQ,
    options::OPT_ftemplate_depth_EQ, options::OPT_fcf_protection_EQ,
    options::OPT_fobjc_runtime_EQ, options::OPT_fvisibility_EQ, options::OPT_fwchar_type_EQ,
    options::OPT_fextend_args_EQ, options::OPT_fdefault_calling_conv_EQ};

// Options clang knows that are refused with a warning, by what they would do. Whatever is not
// kept is dropped either way; these are the ones a reader of the log should hear about.
const OptSpecifier WriteFiles[] = {
    options::OPT__serialize_diags, options::OPT_MJ, options::OPT_dependency_file,
    options::OPT_dependency_dot, options::OPT_module_dependency_dir,
    options::OPT_gen_cdb_fragment_path, options::OPT_save_temps, options::OPT_save_temps_EQ,
    options::OPT_save_stats, options::OPT_save_stats_EQ, options::OPT_ftime_trace,
    options::OPT_ftime_trace_EQ, options::OPT_fproc_stat_report,
    options::OPT_fproc_stat_report_EQ, options::OPT_fsave_optimization_record,
    options::OPT_fsave_optimization_record_EQ, options::OPT_foptimization_record_file_EQ,
    options::OPT_fcrash_diagnostics_dir, options::OPT_fmodules, options::OPT_fcxx_modules,
    options::OPT_fmodules_cache_path, options::OPT_fmodules_user_build_path,
    options::OPT_fmodule_output, options::OPT_fmodule_output_EQ, options::OPT_fprofile_generate,
    options::OPT_fprofile_generate_EQ, options::OPT_fprofile_instr_generate,
    options::OPT_fprofile_instr_generate_EQ, options::OPT_fcs_profile_generate,
    options::OPT_fcs_profile_generate_EQ, options::OPT_fprofile_arcs, options::OPT_ftest_coverage,
    options::OPT_coverage, options::OPT_fcoverage_mapping, options::OPT_fmemory_profile,
    options::OPT_fmemory_profile_EQ, options::OPT_gsplit_dwarf, options::OPT_gsplit_dwarf_EQ,
    options::OPT_arcmt_migrate_report_output, options::OPT_emit_pch};
const OptSpecifier LoadCode[] = {
    options::OPT_fplugin_EQ, options::OPT_fpass_plugin_EQ, options::OPT_fplugin_arg,
    options::OPT_include_pch, options::OPT_fmodule_file, options::OPT_fprebuilt_module_path,
    options::OPT_B, options::OPT_config, options::OPT_fuse_ld_EQ, options::OPT_ld_path_EQ,
    options::OPT_ivfsoverlay, options::OPT_vfsoverlay, options::OPT_mllvm, options::OPT_mmlir};
const OptSpecifier PassOn[] = {
    options::OPT_Xclang, options::OPT_Wp_COMMA, options::OPT_Xpreprocessor,
    options::OPT_Xanalyzer, options::OPT_Xlinker, options::OPT_Wl_COMMA, options::OPT_Xassembler,
    options::OPT_Wa_COMMA, options::OPT_Xarch__, options::OPT_Xarch_host,
    options::OPT_Xarch_device, options::OPT_Xcuda_fatbinary, options::OPT_Xcuda_ptxas,
    options::OPT_Xopenmp_target, options::OPT_Xopenmp_target_EQ, options::OPT_Xoffload_linker};

// -f flags left out quietly: we set these ourselves, they print reports of their own, or they
// read files only a module build or a profile-guided build would use.
const OptSpecifier DroppedFlags[] = {
    options::OPT_ftime_report, options::OPT_fcolor_diagnostics, options::OPT_fno_color_diagnostics,
    options::OPT_fansi_escape_codes, options::OPT_fimplicit_module_maps,
    options::OPT_fimplicit_modules, options::OPT_fprofile_instr_use,
    options::OPT_fprofile_sample_use, options::OPT_fintegrated_cc1,
    options::OPT_fno_integrated_cc1};

bool matchesAny(const llvm::opt::Option &O, llvm::ArrayRef<OptSpecifier> Ids) {
  return llvm::any_of(Ids, [&](OptSpecifier Id) { return O.matches(Id); });
}

/// -x names a C-family source language (not an AST, a precompiled header or another
/// front end's language).
bool isSourceLanguage(llvm::StringRef Name) {
  if (Name == "none")
    return true;
  types::ID T = types::lookupTypeForTypeSpecifier(Name.str().c_str());
  if (T == types::TY_INVALID || !types::isSrcFile(T))
    return false;
  return types::isCXX(T) || types::isObjC(T) || T == types::TY_C || T == types::TY_CHeader;
}

bool isKept(const llvm::opt::Arg &A) {
  const llvm::opt::Option &O = A.getOption();
  if (matchesAny(O, KeptOptions))
    return true;
  if (O.matches(options::OPT_x))
    return isSourceLanguage(A.getValue());
  if (!O.matches(options::OPT_f_Group) && !O.matches(options::OPT_f_clang_Group))
    return false;
  // A flag names no file: -fno-exceptions, -fms-extensions, -fno-rtti, ... (those that make
  // clang write were refused before this).
  if (O.getUnaliasedOption().getKind() == llvm::opt::Option::FlagClass)
    return !matchesAny(O, DroppedFlags);
  return matchesAny(O, KeptLanguageValues);
}

std::optional<RefusedBecause> refusal(const llvm::opt::Option &O) {
  if (matchesAny(O, WriteFiles))
    return RefusedBecause::Writes;
  if (matchesAny(O, LoadCode))
    return RefusedBecause::Loads;
  if (matchesAny(O, PassOn))
    return RefusedBecause::PassesOn;
  return std::nullopt;
}

/// How the command spelled the option, without its value (a value from a response file may be
/// a secret): "--save-temps=" for "--save-temps=obj", "-Wp," for "-Wp,-MD,x".
std::string spellingOf(const llvm::opt::Arg &A, llvm::StringRef Token) {
  if (A.getNumValues() == 0)
    return Token.str();
  std::string Joined = A.getOption().getKind() == llvm::opt::Option::CommaJoinedClass
                           ? llvm::join(A.getValues(), ",")
                           : std::string(A.getValue(0));
  if (Token.size() > Joined.size() && Token.ends_with(Joined))
    Token = Token.drop_back(Joined.size());
  return Token.str();
}

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

const char *describe(RefusedBecause Why) {
  switch (Why) {
  case RefusedBecause::Writes:
    return "it would make clang write a file";
  case RefusedBecause::Loads:
    return "it would make clang load code or a precompiled file";
  case RefusedBecause::PassesOn:
    return "it passes arguments to a compiler stage unchecked";
  }
  return "";
}

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
  // An option at the end whose value is missing is not in `Parsed`: it owns the slots from
  // MissingIndex on and goes with them (kept, it would take our own arguments as its value).
  size_t End = MissingCount ? MissingIndex : Argv.size();

  std::vector<const llvm::opt::Arg *> InOrder(Parsed.begin(), Parsed.end());
  Out.arguments.push_back(clangDriverFor(Args.front()));
  for (size_t K = 0; K < InOrder.size(); ++K) {
    const llvm::opt::Arg &A = *InOrder[K];
    const llvm::opt::Option &O = A.getOption();
    if (O.getKind() == llvm::opt::Option::UnknownClass) {
      Out.dropped.push_back(Argv[A.getIndex()]);
      continue;
    }
    if (O.getKind() == llvm::opt::Option::InputClass) {
      // Every input goes; this TU's file is added back, absolute, at the end ("g++ a.cpp
      // b.cpp" databases exist). An "@file" left here is a response file that was unreadable.
      if (llvm::StringRef(A.getValue()).starts_with("@"))
        Out.dropped.push_back(A.getValue());
      continue;
    }
    if (std::optional<RefusedBecause> Why = refusal(O)) {
      Out.refused.push_back({spellingOf(A, Argv[A.getIndex()]), *Why});
      continue;
    }
    if (!isKept(A))
      continue;
    // The argv slots the option spans, up to where the next one starts: the parser reads
    // them the same way again, and a value is never split from its option.
    size_t From = A.getIndex();
    size_t To = K + 1 < InOrder.size() ? InOrder[K + 1]->getIndex() : End;
    for (size_t I = From; I < To; ++I)
      Out.arguments.push_back(Argv[I]);
  }
  // Errors only: warnings are never shown, and computing them costs time. No configuration
  // file: one beside the compiler or in the working directory would add options unchecked.
  Out.arguments.push_back("-fsyntax-only");
  Out.arguments.push_back("-w");
  Out.arguments.push_back("-fno-color-diagnostics");
  Out.arguments.push_back("--no-default-config");
  if (!Options.ResourceDir.empty())
    Out.arguments.push_back("-resource-dir=" + Options.ResourceDir);
  for (const std::string &E : Options.ExtraArgs)
    Out.arguments.push_back(E);
  Out.arguments.push_back(File);
  return Out;
}

} // namespace sa
