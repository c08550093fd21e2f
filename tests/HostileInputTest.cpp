// Hostile and unlucky input (issue 11): never a crash, a hang, a silent pass or a destroyed
// file. Each test reproduces one reported case through the program as users run it.
#include "TestSupport.h"
#include "support/Hmac.h"
#include "support/Output.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Program.h"

#include <gtest/gtest.h>

#include <map>

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

using namespace sa;
using namespace sa::testing;

namespace {

struct RunResult {
  int code = -1;
  std::string out, err;
};

std::string quote(llvm::StringRef S) {
  std::string Q = "'";
  for (char C : S)
    Q += C == '\'' ? std::string("'\\''") : std::string(1, C);
  return Q + "'";
}

/// Runs `Script` with bash; "$SA" is the binary. stdout and stderr are captured.
RunResult shell(const std::string &Script, unsigned TimeoutSeconds = 300) {
  TempDir IO;
  std::string Out = IO.file("stdout"), Err = IO.file("stderr");
  std::string Full = "SA=" + quote(SA_BINARY) + "; " + Script;
  std::vector<llvm::StringRef> Argv{"/bin/bash", "-c", Full};
  std::optional<llvm::StringRef> Redirects[] = {llvm::StringRef("/dev/null"), llvm::StringRef(Out),
                                                llvm::StringRef(Err)};
  RunResult R;
  R.code = llvm::sys::ExecuteAndWait("/bin/bash", Argv, std::nullopt, Redirects, TimeoutSeconds);
  R.out = readFile(Out);
  R.err = readFile(Err);
  return R;
}

RunResult run(const std::vector<std::string> &Args, const std::string &Cwd = {}) {
  std::string Cmd = Cwd.empty() ? "" : "cd " + quote(Cwd) + " && ";
  Cmd += "exec \"$SA\"";
  for (const std::string &A : Args)
    Cmd += " " + quote(A);
  return shell(Cmd);
}

bool contains(const std::string &Haystack, const std::string &Needle) {
  return Haystack.find(Needle) != std::string::npos;
}

const char *Source = "#include <map>\n#include <string>\n"
                     "std::map<std::string, int> g_sessions;\n"
                     "int hit(const std::string &k) { return ++g_sessions[k]; }\n";

bool isSymlink(const std::string &P) {
  struct stat St;
  return lstat(P.c_str(), &St) == 0 && S_ISLNK(St.st_mode);
}

// Case 1: -o through a symlink, into a FIFO, /dev/stdout and process substitution.
TEST(Hostile, OutputGoesThroughLinksFifosAndDescriptors) {
  TempDir T, O;
  T.write("a.cpp", Source);
  // A symlink: the target gets the report, the link stays a link.
  std::string Target = O.write("target.json", "old");
  ASSERT_EQ(symlink(Target.c_str(), O.file("link.json").c_str()), 0);
  RunResult L = run({"scan", T.path(), "-q", "--no-cache", "--format", "json", "-o",
                     O.file("link.json")});
  EXPECT_EQ(L.code, 1) << L.err;
  EXPECT_TRUE(isSymlink(O.file("link.json")));
  EXPECT_TRUE(bool(llvm::json::parse(readFile(Target)))) << readFile(Target);

  // A FIFO: written directly, read by the other end.
  std::string Fifo = O.file("fifo");
  ASSERT_EQ(mkfifo(Fifo.c_str(), 0600), 0);
  RunResult F = shell("cat " + quote(Fifo) + " > " + quote(O.file("from-fifo")) + " & \"$SA\" scan " +
                      quote(T.path()) + " -q --no-cache -o " + quote(Fifo) + "; rc=$?; wait; exit $rc");
  EXPECT_EQ(F.code, 1) << F.err;
  struct stat St;
  ASSERT_EQ(lstat(Fifo.c_str(), &St), 0);
  EXPECT_TRUE(S_ISFIFO(St.st_mode)) << "the FIFO was replaced";
  EXPECT_TRUE(contains(readFile(O.file("from-fifo")), "g_sessions"));

  // /dev/stdout: the report reaches stdout, whatever stdout is.
  RunResult S = run({"scan", T.path(), "-q", "--no-cache", "-o", "/dev/stdout"});
  EXPECT_EQ(S.code, 1) << S.err;
  EXPECT_TRUE(contains(S.out, "g_sessions")) << S.out;

  // Process substitution: -o >(cmd) is /dev/fd/N.
  RunResult P = shell("\"$SA\" scan " + quote(T.path()) + " -q --no-cache -o >(cat > " +
                      quote(O.file("from-subst")) + "); rc=$?; sleep 1; exit $rc");
  EXPECT_EQ(P.code, 1) << P.err;
  EXPECT_TRUE(contains(readFile(O.file("from-subst")), "g_sessions"));
}

// Case 2: an output naming an input is refused, and the input is left alone.
TEST(Hostile, OutputNamingAnInputIsRefused) {
  TempDir T;
  std::string Src = T.write("src/a.cpp", Source);
  std::string Db = T.write("build/compile_commands.json",
                           "[{\"directory\": \"" + T.path() + "/build\", \"file\": \"../src/a.cpp\", "
                           "\"arguments\": [\"g++\", \"-c\", \"../src/a.cpp\"]}]");
  RunResult R = run({"scan", T.file("src"), "-p", T.file("build"), "--root", T.path(), "-o", Src});
  EXPECT_EQ(R.code, 2);
  EXPECT_EQ(R.err, "state-audit: error: -o '" + Src +
                       "' names a scanned source file 'src/a.cpp'; refusing to overwrite it\n");
  EXPECT_EQ(readFile(Src), Source);
  RunResult F = run({"scan", T.file("src"), "-p", T.file("build"), "--root", T.path(),
                     "--facts-out", Db});
  EXPECT_EQ(F.code, 2);
  EXPECT_EQ(F.err, "state-audit: error: --facts-out '" + Db +
                       "' names the compile database 'build/compile_commands.json'; refusing to "
                       "overwrite it\n");
  EXPECT_TRUE(contains(readFile(Db), "../src/a.cpp"));
}

// Case 3: configuration the YAML reader would crash on.
TEST(Hostile, MalformedConfigurationIsAnErrorNotACrash) {
  TempDir T;
  T.write("a.cpp", Source);
  struct Case {
    std::string yaml, message;
  } Cases[] = {
      {std::string("\x01rules: {}\n"),
       ":1:1: control character 0x01 is not allowed in a configuration file"},
      {std::string("fail-on: error\n\0\n", 17),
       ":2:1: control character 0x00 (NUL) is not allowed in a configuration file"},
      // Found by fuzz_config: invalid UTF-8 made the reader crash reporting its own error.
      {"fail-on: error\nexclude: [\"a\xff" "b\"]\n", ":2:13: not valid UTF-8"},
      {"*a\n", ":1:1: an alias is not supported in a configuration file (quote a value that "
               "starts with '*')"},
      {"fail-on: &x error\nexclude: [*x]\n",
       ":1:10: an anchor is not supported in a configuration file (quote a value that starts "
       "with '&')"},
      {std::string(100000, '[') + "\n", ":1:33: nested too deeply (more than 32 levels of brackets)"},
      {std::string("exclude: ") + std::string(50000, '[') + std::string(50000, ']') + "\n",
       ":1:42: nested too deeply (more than 32 levels of brackets)"},
      {[] {
         std::string S;
         for (int I = 0; I < 100000; ++I)
           S += "- ";
         return S + "x\n";
       }(),
       ":1:65: nested too deeply"},
      {[] {
         std::string S;
         for (int I = 0; I < 300; ++I)
           S += std::string(I, ' ') + "k" + std::to_string(I) + ":\n";
         return S;
       }(),
       ":202:202: nested too deeply (indented more than 200 columns)"},
  };
  for (const Case &C : Cases) {
    std::string Path = T.write(".state-audit.yaml", C.yaml);
    RunResult R = run({"scan", T.path(), "-q", "--no-cache"});
    EXPECT_EQ(R.code, 2) << C.message;
    EXPECT_EQ(R.err, "state-audit: error: " + Path + C.message + "\n");
  }
  // Found by fuzz_config: a file holding only a comment crashed the YAML reader's
  // nextDocument(). It is an empty configuration.
  // Found by fuzz_config: a document that YAML I/O half-reads, where a validate() error
  // dereferenced a null node (SIGSEGV before this fix).
  std::string Path = T.write(".state-audit.yaml",
                             "#fail-on\xd6\xae l.eor\n%xcludeclude:\n  ail-on :error\nexclude:\nonrror\n"
                             "exor\n%xcludeclude:\n  ail-on :error\nexclude:\non: error:\n \nexc.ai:-");
  RunResult Half = run({"scan", T.path(), "-q", "--no-cache"});
  EXPECT_EQ(Half.code, 2);
  EXPECT_EQ(Half.err, "state-audit: error: " + Path + ": not a valid configuration\n");
  T.write(".state-audit.yaml", "#fail-on: note\n");
  RunResult Comment = run({"scan", T.path(), "-q", "--no-cache"});
  EXPECT_EQ(Comment.code, 1) << Comment.err;
  EXPECT_EQ(Comment.err, "");
}

// Case 4: JSON nested 50 000 levels deep, in every JSON input.
TEST(Hostile, DeeplyNestedJsonIsAnErrorNotACrash) {
  TempDir T, O;
  T.write("a.cpp", Source);
  std::string Deep = std::string(50000, '[') + std::string(50000, ']');
  std::string Db = T.write("build/compile_commands.json", Deep);
  RunResult D = run({"scan", T.path(), "-p", T.file("build"), "-q", "--no-cache"});
  EXPECT_EQ(D.code, 2);
  EXPECT_EQ(D.err, "state-audit: error: " + Db +
                       ":1:513: not valid JSON: nested deeper than 512 levels\n");
  llvm::sys::fs::remove(Db);

  std::string Base = O.write("base.sarif", "{\"runs\": " + Deep + "}");
  RunResult B = run({"scan", T.path(), "-q", "--no-cache", "--baseline", Base});
  EXPECT_EQ(B.code, 2);
  EXPECT_EQ(B.err, "state-audit: error: " + Base +
                       ":1:521: not valid JSON: nested deeper than 512 levels\n");

  std::string Facts = O.write("facts.json", Deep);
  RunResult M = run({"merge", Facts});
  EXPECT_EQ(M.code, 2);
  EXPECT_EQ(M.err, "state-audit: error: " + Facts +
                       ":1:513: not valid JSON: nested deeper than 512 levels\n");

  // A cache entry: treated as a miss and rebuilt, every later scan works. The entry is signed
  // and checked before it is parsed; a facts object is checked against its hash first.
  TempDir C;
  RunResult Cold = run({"scan", T.path(), "--cache-dir", C.path(), "--format", "json"});
  ASSERT_EQ(Cold.code, 1) << Cold.err;
  std::vector<std::string> Entries = cacheFiles(C.path(), "entries");
  ASSERT_EQ(Entries.size(), 1u);
  std::string Text = readFile(Entries[0]);
  std::string Header = Text.substr(0, Text.find('\n') + 1);
  writeFile(Entries[0], Header + std::to_string(Deep.size()) + "\n" + zstdCompress(Deep));
  RunResult Warm = run({"scan", T.path(), "--cache-dir", C.path(), "--format", "json"});
  EXPECT_EQ(Warm.code, 1) << Warm.err;
  EXPECT_EQ(Warm.out, Cold.out);
  EXPECT_TRUE(contains(Warm.err, "(1 unreadable cache entry rebuilt)")) << Warm.err;

  std::vector<std::string> Objects = cacheFiles(C.path(), "objects");
  ASSERT_FALSE(Objects.empty());
  for (const std::string &O : Objects)
    writeFile(O, zstdCompress(Deep));
  llvm::sys::fs::remove_directories(C.file("v3/links")); // so that the facts are read
  RunResult Objs = run({"scan", T.path(), "--cache-dir", C.path(), "--format", "json"});
  EXPECT_EQ(Objs.code, 1) << Objs.err;
  EXPECT_EQ(Objs.out, Cold.out);
  EXPECT_TRUE(contains(Objs.err, "(1 unreadable cache entry rebuilt)")) << Objs.err;
}

// Case 5: a TU that overflows clang's stack does not take the scan down. 20 000 chained `=`
// overflow a normal 8 MB stack; on the TU's own 512 MB stack they parse. When a TU still
// crashes (here: forced with a 256 KB stack), it is named and the others are reported.
TEST(Hostile, TUThatCrashesTheParserIsIsolated) {
  TempDir T;
  T.write("good.cpp", Source);
  std::string Chain = "int a;\nvoid f() { a";
  for (int I = 0; I < 20000; ++I)
    Chain += " = a";
  Chain += ";}\n";
  T.write("chain.cpp", Chain);
  RunResult R = run({"scan", T.path(), "--no-cache", "--format", "json", "-j", "2"});
  EXPECT_EQ(R.code, 1) << R.err;
  EXPECT_TRUE(contains(R.out, "g_sessions"));

  for (const char *Jobs : {"1", "2"}) {
    RunResult C = shell("STATE_AUDIT_TU_STACK_KB=256 exec \"$SA\" scan " + quote(T.path()) +
                        " --no-cache --format json -j " + Jobs);
    EXPECT_EQ(C.code, 3) << C.err;
    EXPECT_TRUE(contains(C.out, "g_sessions")) << "the good TU's findings are reported";
    EXPECT_TRUE(contains(C.err, "state-audit: chain.cpp: not analysed: the parser crashed on "
                                "this file\n"))
        << C.err;
  }
}

// Case 7: merge checks that the shards are complete and of one scan.
TEST(Hostile, MergeNeedsEveryShardOfOneScanOnce) {
  TempDir T, Other, O;
  for (int I = 0; I < 4; ++I)
    T.write("tu" + std::to_string(I) + ".cpp",
            "static int s_n" + std::to_string(I) + " = 0;\nint f" + std::to_string(I) +
                "() { return ++s_n" + std::to_string(I) + "; }\n");
  Other.write("x.cpp", "int g_other = 0;\n");
  auto Shard = [&](const TempDir &Dir, int K, const std::string &Name) {
    std::string F = O.file(Name);
    RunResult S = run({"scan", Dir.path(), "--no-cache", "-q", "--shard",
                       std::to_string(K) + "/3", "--facts-out", F, "--fail-on", "never"});
    EXPECT_EQ(S.code, 0) << S.err;
    return F;
  };
  std::string S1 = Shard(T, 1, "s1.json"), S2 = Shard(T, 2, "s2.json"), S3 = Shard(T, 3, "s3.json");
  std::string Foreign = Shard(Other, 3, "foreign.json");

  RunResult Partial = run({"merge", S1, S2});
  EXPECT_EQ(Partial.code, 3);
  EXPECT_EQ(Partial.err,
            "state-audit: error: shard 3/3 is missing: the merged report would be partial\n");
  EXPECT_TRUE(Partial.out.empty());
  RunResult Alone = run({"merge", S3});
  EXPECT_EQ(Alone.code, 3);
  EXPECT_EQ(Alone.err, "state-audit: error: shards 1/3, 2/3 are missing: the merged report "
                       "would be partial\n");
  RunResult Twice = run({"merge", S1, S2, S2, S3});
  EXPECT_EQ(Twice.code, 2);
  EXPECT_EQ(Twice.err, "state-audit: error: " + S2 + ": shard 2/3 is given twice (also " + S2 +
                           ")\n");
  RunResult Mixed = run({"merge", S1, S2, Foreign});
  EXPECT_EQ(Mixed.code, 2);
  EXPECT_EQ(Mixed.err, "state-audit: error: " + Foreign + ": shard 3/3 of another scan than " +
                           S1 + " (a different TU list, shard count or state-audit version)\n");
  RunResult Whole = run({"merge", S1, S2, S3, "--fail-on", "never"});
  EXPECT_EQ(Whole.code, 0) << Whole.err;
  EXPECT_TRUE(contains(Whole.out, "s_n3")) << Whole.out;
}

// Case 8: a FIFO named *.cpp is skipped, with a word, instead of blocking forever.
TEST(Hostile, FifoSourceIsSkippedNotWaitedFor) {
  TempDir T;
  T.write("a.cpp", Source);
  ASSERT_EQ(mkfifo(T.file("pipe.cpp").c_str(), 0600), 0);
  RunResult R = shell("exec \"$SA\" scan " + quote(T.path()) + " -q --no-cache", 120);
  EXPECT_EQ(R.code, 1) << R.err;
  EXPECT_EQ(R.err, "state-audit: warning: skipping 'pipe.cpp': a FIFO, not a regular file\n");
}

// Case 9: an unreadable directory is named, and the scan is incomplete. As root (CI
// containers), the scan runs as nobody, for whom permissions apply.
TEST(Hostile, UnreadableDirectoryIsNamedAndIncomplete) {
  TempDir T;
  T.write("a.cpp", Source);
  T.write("locked/b.cpp", "int g_b = 0;\n");
  std::string As;
  if (geteuid() == 0) {
    if (shell("command -v setpriv").code != 0)
      GTEST_SKIP() << "root reads every directory, and there is no setpriv";
    As = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
    chmod(T.path().c_str(), 0755);
    chmod(T.file("a.cpp").c_str(), 0644);
  }
  chmod(T.file("locked").c_str(), 0);
  RunResult R = shell("cd " + quote(T.path()) + " && exec " + As + "\"$SA\" scan . -q --no-cache");
  chmod(T.file("locked").c_str(), 0700);
  EXPECT_EQ(R.code, 3) << R.err;
  EXPECT_EQ(R.err, "state-audit: warning: cannot read directory 'locked': Permission denied; "
                   "the sources in it are not analysed\n");
  EXPECT_TRUE(contains(R.out, "g_sessions"));
}

// Case 10: a full disk or a full stdout: exit 2 and one message, no LLVM ERROR.
TEST(Hostile, WriteErrorsAreExitTwoWithOneMessage) {
  TempDir T;
  T.write("a.cpp", Source);
  RunResult F = run({"scan", T.path(), "-q", "--no-cache", "-o", "/dev/full"});
  EXPECT_EQ(F.code, 2);
  EXPECT_EQ(F.err, "state-audit: error: cannot write '/dev/full': No space left on device\n");
  RunResult S = shell("\"$SA\" scan " + quote(T.path()) + " -q --no-cache > /dev/full");
  EXPECT_EQ(S.code, 2);
  EXPECT_EQ(S.err, "state-audit: error: cannot write standard output: No space left on device\n");
  RunResult Facts = run({"scan", T.path(), "-q", "--no-cache", "--facts-out", "/dev/full"});
  EXPECT_EQ(Facts.code, 2);
  EXPECT_EQ(Facts.err, "state-audit: error: cannot write '/dev/full': No space left on device\n");
  RunResult Rules = shell("\"$SA\" rules > /dev/full");
  EXPECT_EQ(Rules.code, 2);
  EXPECT_EQ(Rules.err, "state-audit: error: cannot write to standard output: No space left on device\n");
}

// Case 11: pool budget values are range-checked.
TEST(Hostile, PoolBudgetValuesAreRangeChecked) {
  TempDir T;
  T.write("a.cpp", Source);
  std::string Conf =
      T.write(".state-audit.yaml", "connection-pools:\n  max-instances: 922337203685477581\n"
                                   "  downstream-limit: 100\n");
  RunResult R = run({"scan", T.path(), "-q", "--no-cache"});
  EXPECT_EQ(R.code, 2);
  EXPECT_EQ(R.err, "state-audit: error: " + Conf +
                       ":2:3: connection-pools: max-instances must be between 1 and 1000000, got "
                       "922337203685477581\n");
}

// Case 12: an invalid glob and a second YAML document are errors.
TEST(Hostile, InvalidGlobAndSecondDocumentAreErrors) {
  TempDir T;
  T.write("a.cpp", Source);
  std::string Conf = T.write(".state-audit.yaml", "exclude: [\"src/[a\"]\n");
  RunResult G = run({"scan", T.path(), "-q", "--no-cache"});
  EXPECT_EQ(G.code, 2);
  EXPECT_TRUE(contains(G.err, "exclude: invalid glob 'src/[a'")) << G.err;
  EXPECT_EQ(std::count(G.err.begin(), G.err.end(), '\n'), 1);
  T.write(".state-audit.yaml", "fail-on: never\n---\nfail-on: note\n");
  RunResult D = run({"scan", T.path(), "-q", "--no-cache"});
  EXPECT_EQ(D.code, 2);
  EXPECT_EQ(D.err, "state-audit: error: " + Conf +
                       ":2:1: a second YAML document; a configuration file holds exactly one\n");
}

// Case 13: a baseline from another tool, and a huge one.
TEST(Hostile, BaselineOfAnotherToolOrTooLarge) {
  TempDir T, O;
  T.write("a.cpp", Source);
  std::string Codeql = O.write("codeql.sarif",
                               R"({"runs":[{"tool":{"driver":{"name":"CodeQL"}},"results":[]}]})");
  RunResult C = run({"scan", T.path(), "-q", "--no-cache", "--baseline", Codeql});
  EXPECT_EQ(C.code, 2);
  EXPECT_EQ(C.err, "state-audit: warning: " + Codeql +
                       ": run 1 is from 'CodeQL', not state-audit; its results are not used\n"
                       "state-audit: error: " + Codeql +
                       ": has no state-audit run: not a baseline of this tool\n");
  std::string Mixed = O.write(
      "mixed.sarif", R"({"runs":[{"tool":{"driver":{"name":"CodeQL"}},"results":[]},
                                {"tool":{"driver":{"name":"state-audit"}},"results":[]}]})");
  RunResult M = run({"scan", T.path(), "-q", "--no-cache", "--baseline", Mixed});
  EXPECT_EQ(M.code, 1);
  EXPECT_EQ(M.err, "state-audit: warning: " + Mixed +
                       ": run 1 is from 'CodeQL', not state-audit; its results are not used\n");
  std::string Huge = O.file("huge.sarif");
  ASSERT_EQ(truncate(O.write("huge.sarif", "{").c_str(), 400ll << 20), 0); // sparse
  RunResult H = run({"scan", T.path(), "-q", "--no-cache", "--baseline", Huge});
  EXPECT_EQ(H.code, 2);
  EXPECT_EQ(H.err, "state-audit: error: " + Huge +
                       ": too large for a baseline (400 MB, at most 32 MB: some 8,000 results; a "
                       "baseline lists accepted findings)\n");
}

// Case 14: a tampered but well-formed cache entry is not trusted.
TEST(Hostile, TamperedCacheEntryIsRebuilt) {
  TempDir T, C;
  T.write("a.cpp", Source);
  RunResult Cold = run({"scan", T.path(), "--cache-dir", C.path(), "--format", "json"});
  ASSERT_EQ(Cold.code, 1) << Cold.err;
  struct stat St;
  ASSERT_EQ(stat(C.file("secret").c_str(), &St), 0);
  EXPECT_EQ(St.st_mode & 0777, 0600u);
  // Hide the finding: rename the global, keep everything well-formed. In the linked result
  // (signed): it does not verify, the facts are linked again.
  auto Hide = [](std::string Text) {
    size_t At;
    while ((At = Text.find("g_sessions")) != std::string::npos)
      Text.replace(At, 10, "g_harmless");
    return Text;
  };
  std::vector<std::string> Links = cacheFiles(C.path(), "links");
  ASSERT_EQ(Links.size(), 1u);
  {
    std::string Text = readFile(Links[0]);
    size_t Body = Text.find('\n', Text.find('\n') + 1) + 1;
    std::string Json = Hide(zstdDecompress(llvm::StringRef(Text).substr(Body)));
    ASSERT_NE(Json.find("g_harmless"), std::string::npos);
    writeFile(Links[0], Text.substr(0, Text.find('\n') + 1) + std::to_string(Json.size()) +
                            "\n" + zstdCompress(Json));
  }
  RunResult Relinked = run({"scan", T.path(), "--cache-dir", C.path(), "--format", "json"});
  EXPECT_EQ(Relinked.code, 1) << Relinked.err;
  EXPECT_EQ(Relinked.out, Cold.out);
  EXPECT_TRUE(contains(Relinked.err, "(1 unreadable cache entry rebuilt)")) << Relinked.err;

  // In the facts object (named by its content hash in the signed entry): it is not what the
  // entry names, the TU is parsed again.
  unsigned Tampered = 0;
  for (const std::string &O : cacheFiles(C.path(), "objects")) {
    std::string Json = zstdDecompress(readFile(O));
    if (Json.find("g_sessions") == std::string::npos)
      continue;
    ++Tampered;
    writeFile(O, zstdCompress(Hide(Json)));
  }
  ASSERT_EQ(Tampered, 1u);
  llvm::sys::fs::remove_directories(C.file("v3/links")); // so that the facts are read
  RunResult Warm = run({"scan", T.path(), "--cache-dir", C.path(), "--format", "json", "-v"});
  EXPECT_EQ(Warm.code, 1) << Warm.err;
  EXPECT_EQ(Warm.out, Cold.out);
  EXPECT_TRUE(contains(Warm.err, "(1 unreadable cache entry rebuilt)")) << Warm.err;
  EXPECT_FALSE(contains(Warm.err, "(cache)")) << Warm.err;
}

// Case 15: response files: missing, cyclic, outside the tree; their contents never echoed.
TEST(Hostile, ResponseFilesAreReportedNotEchoed) {
  TempDir T, Outside;
  T.write("src/a.cpp", Source);
  T.write("build/cycle.rsp", "-DX @cycle.rsp\n");
  T.write("build/secret.rsp", "-fapi-token=s3cr3t-value\n");
  std::string Far = Outside.write("far.rsp", "-DFAR=1\n");
  T.write("build/compile_commands.json",
          "[{\"directory\": \".\", \"file\": \"../src/a.cpp\", \"arguments\": [\"g++\", "
          "\"@missing.rsp\", \"@cycle.rsp\", \"@secret.rsp\", \"@" + Far +
              "\", \"-c\", \"../src/a.cpp\"]}]");
  RunResult R = run({"scan", T.file("src"), "-p", T.file("build"), "--root", T.path(), "-q",
                     "--no-cache"});
  EXPECT_EQ(R.code, 1) << R.err;
  EXPECT_FALSE(contains(R.err, "s3cr3t")) << R.err;
  EXPECT_TRUE(contains(R.err, "src/a.cpp: response file '" + T.file("build/missing.rsp") +
                                  "' does not exist; its arguments are missing\n"))
      << R.err;
  EXPECT_TRUE(contains(R.err, "src/a.cpp: response file '" + T.file("build/cycle.rsp") +
                                  "' includes itself (cyclic); its arguments are left out\n"))
      << R.err;
  EXPECT_TRUE(contains(R.err, "src/a.cpp: reads response file '" + Far +
                                  "' from outside the project and build tree\n"))
      << R.err;
  EXPECT_TRUE(contains(R.err, "1 from response files (not shown)")) << R.err;
}

// Case 16: module flags from the database do not make the scan write a module cache.
TEST(Hostile, ModuleCacheFlagsWriteNothing) {
  TempDir T;
  T.write("src/a.cpp", Source);
  std::string Cache = T.file("modcache");
  T.write("build/compile_commands.json",
          "[{\"directory\": \".\", \"file\": \"../src/a.cpp\", \"arguments\": [\"clang++\", "
          "\"-fmodules\", \"-fcxx-modules\", \"-fmodules-cache-path=" + Cache +
              "\", \"-c\", \"../src/a.cpp\"]}]");
  RunResult R = run({"scan", T.file("src"), "-p", T.file("build"), "-q", "--no-cache"});
  EXPECT_EQ(R.code, 1) << R.err;
  EXPECT_FALSE(llvm::sys::fs::exists(Cache));
}

// Case 17: a backtick in a file name cannot break out of the Markdown code span.
TEST(Hostile, MarkdownCodeSpansHoldAnyFileName) {
  TempDir T;
  T.write("we`ird.cpp", "int g_x = 0;\nint f() { return ++g_x; }\n");
  RunResult R = run({"scan", T.path(), "-q", "--no-cache", "--format", "markdown"});
  EXPECT_EQ(R.code, 1) << R.err;
  EXPECT_TRUE(contains(R.out, "``we`ird.cpp:1``")) << R.out;
}

// Case 18: the small ones.
TEST(Hostile, SmallOnesSayWhatIsWrong) {
  TempDir T;
  T.write("a.cpp", Source);
  T.write("README.md", "hello");
  ASSERT_EQ(symlink("loop2", T.file("loop1").c_str()), 0);
  ASSERT_EQ(symlink("loop1", T.file("loop2").c_str()), 0);
  RunResult Loop = run({"scan", "loop1"}, T.path());
  EXPECT_EQ(Loop.code, 2);
  EXPECT_EQ(Loop.err, "state-audit: error: path 'loop1' is a symlink loop\n");
  RunResult Readme = run({"scan", "README.md"}, T.path());
  EXPECT_EQ(Readme.code, 2);
  EXPECT_EQ(Readme.err, "state-audit: error: path 'README.md' is not a C or C++ source file (.c, "
                        ".cc, .cpp, .cxx, .c++, .C, .cp, .CPP) or a directory\n");
  RunResult Jobs = run({"scan", T.path(), "-j", "-1"});
  EXPECT_EQ(Jobs.code, 2);
  EXPECT_LT(Jobs.err.size(), 120u) << Jobs.err;
  EXPECT_TRUE(contains(Jobs.err, "0 to 1024")) << Jobs.err;

  T.write("build/compile_commands.json",
          "[{\"directory\": \".\", \"file\": \"../a.cpp\", \"arguments\": [\"g++\", \"-c\", "
          "\"../a.cpp\"]}]");
  RunResult Excluded = run({"scan", T.path(), "-p", T.file("build"), "--exclude", T.path()});
  EXPECT_EQ(Excluded.code, 2);
  EXPECT_TRUE(contains(Excluded.err, "all 1 translation units of the given paths in "
                                     "'build/compile_commands.json' are excluded"))
      << Excluded.err;
  llvm::sys::fs::remove(T.file("build/compile_commands.json"));

  // Devices where files are expected are refused, not read forever.
  RunResult Zero = run({"scan", T.path(), "--config", "/dev/zero"});
  EXPECT_EQ(Zero.code, 2);
  EXPECT_EQ(Zero.err, "state-audit: error: /dev/zero: not a regular file\n");
  RunResult ZeroDb = run({"scan", T.path(), "-p", "/dev/zero"});
  EXPECT_EQ(ZeroDb.code, 2);
  EXPECT_EQ(ZeroDb.err, "state-audit: error: /dev/zero: not a regular file\n");
  RunResult ZeroBase = run({"scan", T.path(), "--baseline", "/dev/zero"});
  EXPECT_EQ(ZeroBase.code, 2);
  EXPECT_EQ(ZeroBase.err, "state-audit: error: /dev/zero: not a regular file\n");

  // -include of a missing file: the message names <built-in>, not <cwd>/<built-in>.
  TempDir Elsewhere;
  RunResult Inc = run({"scan", T.file("a.cpp"), "--root", T.path(), "-q", "--no-cache", "--",
                       "-include", "/nonexistent.h"},
                      Elsewhere.path());
  EXPECT_EQ(Inc.code, 3);
  EXPECT_TRUE(contains(Inc.err, "first: <built-in>:1:10: error: '/nonexistent.h' file not found"))
      << Inc.err;

  // Without a build directory the cache goes to $XDG_CACHE_HOME, not into the sources.
  TempDir Xdg;
  RunResult Cached = shell("XDG_CACHE_HOME=" + quote(Xdg.path()) + " \"$SA\" scan " +
                           quote(T.path()) + " -q");
  EXPECT_EQ(Cached.code, 1) << Cached.err;
  EXPECT_FALSE(llvm::sys::fs::exists(T.file(".state-audit-cache")));
  EXPECT_TRUE(llvm::sys::fs::exists(Xdg.file("state-audit/secret")));
}

/// Every file and directory under `Dir` with its type, mode, size, modification time and, for
/// a regular file, its content: two states are equal only when nothing was written.
std::map<std::string, std::string> treeState(const std::string &Dir) {
  std::map<std::string, std::string> State;
  std::error_code EC;
  for (llvm::sys::fs::recursive_directory_iterator It(Dir, EC, /*follow=*/false), End;
       It != End && !EC; It.increment(EC)) {
    struct stat St;
    if (lstat(It->path().c_str(), &St) != 0)
      continue;
    std::string What = std::to_string(St.st_mode) + " " + std::to_string(St.st_size) + " " +
                       std::to_string(St.st_mtim.tv_sec) + "." +
                       std::to_string(St.st_mtim.tv_nsec);
    if (S_ISREG(St.st_mode))
      What += " " + readFile(It->path());
    State[It->path()] = What;
  }
  return State;
}

/// Names of the differences between two tree states.
std::string changes(const std::map<std::string, std::string> &Before,
                    const std::map<std::string, std::string> &After) {
  std::string Out;
  for (const auto &[Path, What] : After) {
    auto It = Before.find(Path);
    if (It == Before.end())
      Out += "created " + Path + "\n";
    else if (It->second != What)
      Out += "changed " + Path + "\n";
  }
  for (const auto &[Path, What] : Before)
    if (!After.count(Path))
      Out += "removed " + Path + "\n";
  return Out;
}

// Issue 25, N1-N3: the compile database is written by whoever opens a pull request. Whatever it
// asks for, a scan writes nothing but its report and its cache: one TU per family of options
// that write files, load code or pass arguments to clang's stages, with outputs aimed at files
// of the tree (an executable hook among them) and at new paths. Relative outputs and clang's
// default locations ($HOME, $XDG_CACHE_HOME) would fall inside the tree too.
TEST(Hostile, CompileDatabaseNeverMakesTheScanWriteAFile) {
  TempDir T, O, C;
  std::string Victim = T.write("victim.txt", "PRECIOUS DATA\n");
  std::string Hook = T.write("hook.sh", "#!/bin/sh\necho original hook\n");
  chmod(Hook.c_str(), 0755);
  T.write("build/flags.rsp", "--serialize-diagnostics " + Victim + " -Wp,-MD," + Hook + "\n");
  llvm::sys::fs::create_directories(T.file("home"));
  std::string New = T.file("new");
  std::vector<std::pair<std::string, std::vector<std::string>>> Families = {
      {"serdiag", {"--serialize-diagnostics", Victim}},
      {"wp", {"-Wp,-MD," + Hook, "-Wp,-MT,\ntouch " + T.file("pwned") + ";"}},
      {"wpmmd", {"-Wp,-MMD," + Victim, "-Wp,-dependency-file," + Hook}},
      {"xpreprocessor", {"-Xpreprocessor", "-MD", "-Xpreprocessor", "-MF", "-Xpreprocessor", Hook}},
      {"xclang", {"-Xclang", "-dependency-file", "-Xclang", Victim, "-Xclang", "-MT", "-Xclang",
                  "x", "-Xclang", "-diagnostic-log-file", "-Xclang", Hook, "-Xclang",
                  "-stats-file=" + New}},
      {"mflags", {"-MD", "-MF", Victim, "-MJ", Hook, "-o", Victim}},
      {"trace", {"-ftime-trace=" + New, "-ftime-trace", "-save-temps", "-ftime-report"}},
      {"plugins", {"-fplugin=" + T.file("evil.so"), "-fpass-plugin=" + T.file("evil.so"),
                   "-Xclang", "-load", "-Xclang", T.file("evil.so"), "-mllvm",
                   "-load=" + T.file("evil.so")}},
      {"modules", {"-fmodules", "-fcxx-modules", "-fmodules-cache-path=" + New}},
      {"crash", {"-fcrash-diagnostics-dir=" + New, "-gen-reproducer=always"}},
      {"profile", {"-fprofile-instr-generate=" + Victim, "-fprofile-generate=" + New,
                   "-fcoverage-mapping", "-ftest-coverage", "-fprofile-arcs"}},
      {"dwarf", {"-gsplit-dwarf", "-o", Victim, "-fsave-optimization-record",
                 "-foptimization-record-file=" + Hook}},
      {"stages", {"-Xanalyzer", "-analyzer-output=html", "-Xlinker", "-o", "-Xlinker", Victim,
                  "-Xarch_x86_64", "-Wp,-MD," + Victim, "-Wl,-o," + Victim}},
      {"rsp", {"@flags.rsp"}},
      {"dangling", {"--serialize-diagnostics"}}};
  std::string Db = "[";
  for (const auto &[Name, Flags] : Families) {
    T.write("src/" + Name + ".cpp", "#include <map>\n#include <string>\n"
                                    "std::map<std::string, int> g_" + Name + ";\n"
                                    "int hit_" + Name + "(const std::string &k) { return ++g_" +
                                    Name + "[k]; }\n");
    // The flags last: "--serialize-diagnostics" at the very end must not take an argument
    // of ours as its value.
    llvm::json::Array Args{"clang++", "-std=c++17", "-c", "../src/" + Name + ".cpp"};
    for (const std::string &F : Flags)
      Args.push_back(F);
    llvm::json::Object Entry{{"directory", T.file("build")},
                             {"file", "../src/" + Name + ".cpp"},
                             {"arguments", std::move(Args)}};
    Db += (Db.size() > 1 ? "," : "") + llvm::formatv("{0}", llvm::json::Value(std::move(Entry))).str();
  }
  T.write("build/compile_commands.json", Db + "]");
  std::string Env = "cd " + quote(T.path()) + " && HOME=" + quote(T.file("home")) +
                    " XDG_CACHE_HOME=" + quote(T.file("xdg")) + " TMPDIR=" + quote(T.path()) + " ";
  auto Before = treeState(T.path());
  for (const char *Cache : {"--no-cache", "--cache-dir"}) {
    std::string Args = std::string(" ") + Cache +
                       (std::string(Cache) == "--cache-dir" ? " " + quote(C.path()) : "");
    RunResult R = shell(Env + "\"$SA\" scan src -p build --root . --format json -o " +
                        quote(O.file("report.json")) + Args);
    EXPECT_EQ(R.code, 1) << R.err;
    EXPECT_EQ(changes(Before, treeState(T.path())), "") << Cache;
    llvm::Expected<llvm::json::Value> Report = llvm::json::parse(readFile(O.file("report.json")));
    ASSERT_TRUE(bool(Report)) << llvm::toString(Report.takeError());
    for (const auto &Family : Families)
      EXPECT_TRUE(contains(readFile(O.file("report.json")), "g_" + Family.first)) << Family.first;
    EXPECT_FALSE(contains(R.err, "not analysed")) << R.err;
    EXPECT_TRUE(contains(R.err, "warning: src/serdiag.cpp: ignoring '--serialize-diagnostics' "
                                "from the compile database: it would make clang write a file "
                                "(also in 1 other translation unit)\n"))
        << R.err;
    EXPECT_TRUE(contains(R.err, "warning: src/wp.cpp: ignoring '-Wp,' from the compile database: "
                                "it passes arguments to a compiler stage unchecked (also in 2 "
                                "other translation units)\n"))
        << R.err;
    EXPECT_TRUE(contains(R.err, "warning: src/plugins.cpp: ignoring '-fplugin=' from the compile "
                                "database: it would make clang load code or a precompiled file\n"))
        << R.err;
    EXPECT_FALSE(contains(R.err, Victim)) << "values are not echoed: " << R.err;
  }
  EXPECT_EQ(readFile(Victim), "PRECIOUS DATA\n");
  EXPECT_EQ(readFile(Hook), "#!/bin/sh\necho original hook\n");
}

/// Sets the modification time of a file (not through a link) to `Days` days ago.
void age(const std::string &Path, int Days) {
  struct timespec Times[2];
  clock_gettime(CLOCK_REALTIME, &Times[0]);
  Times[0].tv_sec -= Days * 86400;
  Times[1] = Times[0];
  utimensat(AT_FDCWD, Path.c_str(), Times, AT_SYMLINK_NOFOLLOW);
}

// Issue 25, N42: --cache-dir naming a directory that holds other files (a build directory,
// $HOME, /tmp) is refused, and nothing in it is removed; in the cache's own directory,
// pruning removes only files named by its scheme, and never an old *.tmp of someone else.
TEST(Hostile, CacheRemovesOnlyItsOwnFiles) {
  TempDir T, B;
  T.write("a.cpp", Source);
  for (const char *F : {"compile_commands.json", "build.ninja", "CMakeCache.txt", "report.tmp"})
    age(B.write(F, std::string(100000, 'x')), 2);
  auto Before = treeState(B.path());
  for (const char *Limit : {"1K", "5G"}) {
    RunResult R = run({"scan", T.path(), "-q", "--cache-dir", B.path(), "--cache-max-size", Limit});
    EXPECT_EQ(R.code, 2);
    EXPECT_EQ(R.err, "state-audit: error: cannot use cache directory '" + B.path() +
                         "': not a state-audit cache: it holds 'CMakeCache.txt' and no "
                         "CACHEDIR.TAG, and the cache removes old files from its directory; give "
                         "--cache-dir a directory of your own, or --no-cache\n");
  }
  EXPECT_EQ(changes(Before, treeState(B.path())), "");

  // A cache of its own, with other files put into it afterwards.
  TempDir C;
  RunResult Cold = run({"scan", T.path(), "-q", "--cache-dir", C.path()});
  ASSERT_EQ(Cold.code, 1) << Cold.err;
  EXPECT_TRUE(contains(readFile(C.file("CACHEDIR.TAG")), "created by state-audit")) << "marked";
  std::vector<std::string> Foreign = {
      C.write("report.tmp", "draft"), C.write("notes.txt", std::string(100000, 'n')),
      C.write("v3/entry-123456.tmp", "x"), C.write("v3/entries/zz/not-a-key", "x"),
      C.write("v3/objects/ab/cd00000000000000000000000000000000000000", "wrong directory"),
      C.write("v3/elsewhere/ab/ab00000000000000000000000000000000000000", "not a kind"),
      C.write("v2/ab/ab00000000000000000000000000000000000000.json", "other format")};
  std::string Abandoned =
      C.write("v3/entries/ab/ab00000000000000000000000000000000000000-1a2b3c.tmp", "partial");
  std::string OldEntry =
      C.write("v3/entries/ab/ab00000000000000000000000000000000000000", std::string(5000, 'o'));
  std::error_code EC;
  for (llvm::sys::fs::recursive_directory_iterator It(C.path(), EC), End; It != End && !EC;
       It.increment(EC))
    age(It->path(), 3);
  llvm::sys::fs::remove(C.file("last-prune"));
  RunResult Warm = run({"scan", T.path(), "--cache-dir", C.path(), "--cache-max-size", "1K"});
  EXPECT_EQ(Warm.code, 1) << Warm.err;
  EXPECT_TRUE(contains(Warm.err, "cache: removed 2 least recently used files")) << Warm.err;
  EXPECT_FALSE(llvm::sys::fs::exists(Abandoned));
  EXPECT_FALSE(llvm::sys::fs::exists(OldEntry));
  for (const std::string &F : Foreign)
    EXPECT_TRUE(llvm::sys::fs::exists(F)) << F;
}

// Issue 25, N43: a cache directory or secret another user made, or that others may write, is
// not trusted: whoever holds the secret can sign entries that hide findings.
TEST(Hostile, CacheOfAnotherUserIsRefused) {
  TempDir T;
  T.write("a.cpp", Source);
  {
    TempDir C;
    chmod(C.path().c_str(), 0777);
    RunResult R = run({"scan", T.path(), "-q", "--cache-dir", C.path()});
    EXPECT_EQ(R.code, 2);
    EXPECT_EQ(R.err, "state-audit: error: cannot use cache directory '" + C.path() +
                         "': others may write it (mode 0777), and could plant entries there; "
                         "give --cache-dir a directory of your own, or --no-cache\n");
    chmod(C.path().c_str(), 0700);
    ASSERT_EQ(run({"scan", T.path(), "-q", "--cache-dir", C.path()}).code, 1);
    chmod(C.file("secret").c_str(), 0644);
    RunResult Secret = run({"scan", T.path(), "-q", "--cache-dir", C.path()});
    EXPECT_EQ(Secret.code, 2);
    EXPECT_TRUE(contains(Secret.err, "others may read or write its 'secret' (mode 0644)"))
        << Secret.err;
  }
  if (geteuid() != 0 || shell("command -v setpriv").code != 0)
    GTEST_SKIP() << "making files of another user needs root and setpriv";
  // As the case did: nobody scans first into a shared directory, then root scans with it.
  TempDir Shared;
  chmod(Shared.path().c_str(), 0777);
  chmod(T.path().c_str(), 0755);
  chmod(T.file("a.cpp").c_str(), 0644);
  std::string C = Shared.file("sa-cache");
  RunResult Nobody = shell("exec setpriv --reuid=65534 --regid=65534 --clear-groups \"$SA\" scan " +
                           quote(T.path()) + " -q --cache-dir " + quote(C));
  ASSERT_EQ(Nobody.code, 1) << Nobody.err;
  ASSERT_TRUE(llvm::sys::fs::exists(C + "/secret"));
  RunResult Root = run({"scan", T.path(), "-q", "--cache-dir", C});
  EXPECT_EQ(Root.code, 2);
  EXPECT_EQ(Root.err, "state-audit: error: cannot use cache directory '" + C +
                          "': it belongs to another user (uid 65534), who could sign entries "
                          "that hide findings; give --cache-dir a directory of your own, or "
                          "--no-cache\n");
  // A directory of root's own holding nobody's secret.
  TempDir Mine;
  ASSERT_EQ(run({"scan", T.path(), "-q", "--cache-dir", Mine.path()}).code, 1);
  ASSERT_EQ(chown(Mine.file("secret").c_str(), 65534, 65534), 0);
  RunResult Theirs = run({"scan", T.path(), "-q", "--cache-dir", Mine.path()});
  EXPECT_EQ(Theirs.code, 2);
  EXPECT_TRUE(contains(Theirs.err, "its 'secret' belongs to another user (uid 65534)"))
      << Theirs.err;
}

// Issue 25, N47: symbolic links planted in the cache, for a directory of it or for a file,
// are never followed: what they point to stays untouched and the scan's result is the same.
TEST(Hostile, CacheFollowsNoSymlinkInsideIt) {
  TempDir T, C, Victim;
  T.write("a.cpp", Source);
  RunResult Cold = run({"scan", T.path(), "--cache-dir", C.path(), "--format", "json"});
  ASSERT_EQ(Cold.code, 1) << Cold.err;
  // Every directory of the cache becomes a link to a directory elsewhere with a copy of it.
  std::vector<std::string> Links;
  std::error_code EC;
  for (llvm::sys::fs::recursive_directory_iterator It(C.file("v3"), EC), End; It != End && !EC;
       It.increment(EC))
    if (llvm::sys::fs::is_directory(It->path()) &&
        llvm::sys::path::filename(It->path()).size() == 2)
      Links.push_back(It->path());
  ASSERT_FALSE(Links.empty());
  for (size_t I = 0; I < Links.size(); ++I) {
    const std::string &L = Links[I];
    std::string Target = Victim.file(std::to_string(I));
    llvm::sys::fs::create_directories(Target);
    for (llvm::sys::fs::directory_iterator It(L, EC), End; It != End && !EC; It.increment(EC))
      llvm::sys::fs::copy_file(It->path(),
                               Target + "/" + llvm::sys::path::filename(It->path()).str());
    llvm::sys::fs::remove_directories(L);
    ASSERT_EQ(symlink(Target.c_str(), L.c_str()), 0);
  }
  auto Before = treeState(Victim.path());
  RunResult Linked = run({"scan", T.path(), "--cache-dir", C.path(), "--format", "json"});
  EXPECT_EQ(Linked.code, 1) << Linked.err;
  EXPECT_EQ(Linked.out, Cold.out);
  EXPECT_EQ(changes(Before, treeState(Victim.path())), "");
  for (const std::string &L : Links)
    EXPECT_FALSE(isSymlink(L)) << L << " was replaced by a directory of the cache";
  // The whole v3 as a link.
  llvm::sys::fs::remove_directories(C.file("v3"));
  ASSERT_EQ(symlink(Victim.path().c_str(), C.file("v3").c_str()), 0);
  RunResult Top = run({"scan", T.path(), "--cache-dir", C.path(), "--format", "json"});
  EXPECT_EQ(Top.code, 1) << Top.err;
  EXPECT_EQ(Top.out, Cold.out);
  EXPECT_EQ(changes(Before, treeState(Victim.path())), "");
  EXPECT_FALSE(isSymlink(C.file("v3")));
}

// Issue 25, N46: a linked result that verifies but cannot be read (nested too deeply) is
// replaced by the scan that finds it, not relinked by every scan after.
TEST(Hostile, UnreadableSignedLinkedResultIsReplaced) {
  TempDir T, C;
  T.write("a.cpp", Source);
  std::string Secret = "0123456789abcdef0123456789abcdef-test";
  std::string Env = "STATE_AUDIT_CACHE_SECRET=" + Secret + " ";
  auto Scan = [&] {
    return shell(Env + "\"$SA\" scan " + quote(T.path()) + " --cache-dir " + quote(C.path()) +
                 " --format json");
  };
  RunResult Cold = Scan();
  ASSERT_EQ(Cold.code, 1) << Cold.err;
  std::vector<std::string> Links = cacheFiles(C.path(), "links");
  ASSERT_EQ(Links.size(), 1u);
  std::string Key = llvm::sys::path::filename(Links[0]).str();
  std::string Deep = std::string(100000, '[') + std::string(100000, ']');
  std::string Body = std::to_string(Deep.size()) + "\n" + zstdCompress(Deep);
  writeFile(Links[0], "state-audit-cache-hmac-sha256 " + hmacSha256(Secret, "links/" + Key + "\n" + Body) +
                          "\n" + Body);
  RunResult Relinked = Scan();
  EXPECT_EQ(Relinked.code, 1) << Relinked.err;
  EXPECT_EQ(Relinked.out, Cold.out);
  EXPECT_TRUE(contains(Relinked.err, "(1 unreadable cache entry rebuilt)")) << Relinked.err;
  RunResult Warm = Scan();
  EXPECT_EQ(Warm.code, 1) << Warm.err;
  EXPECT_EQ(Warm.out, Cold.out);
  EXPECT_FALSE(contains(Warm.err, "unreadable")) << Warm.err;
}

// Issue 25, N61: -o and --facts-out naming a header the project includes, or a response file
// of the compile database, are refused like sources and the database are.
TEST(Hostile, OutputNamingAHeaderOrAResponseFileIsRefused) {
  TempDir T;
  std::string Header = T.write("src/x.h", "#pragma once\nextern int g_x;\n");
  T.write("src/a.cpp", std::string("#include \"x.h\"\n") + Source);
  std::string Rsp = T.write("build/flags.rsp", "-DFLAG=1\n");
  T.write("build/compile_commands.json",
          "[{\"directory\": \".\", \"file\": \"../src/a.cpp\", \"arguments\": [\"g++\", "
          "\"@flags.rsp\", \"-c\", \"../src/a.cpp\"]}]");
  for (const char *Option : {"-o", "--facts-out"}) {
    RunResult H = run({"scan", T.file("src"), "-p", T.file("build"), "--root", T.path(), Option,
                       Header});
    EXPECT_EQ(H.code, 2);
    EXPECT_EQ(H.err, "state-audit: error: " + std::string(Option) + " '" + Header +
                         "' names a C or C++ source file 'src/x.h'; refusing to overwrite it\n");
    RunResult R = run({"scan", T.file("src"), "-p", T.file("build"), "--root", T.path(), Option,
                       Rsp});
    EXPECT_EQ(R.code, 2);
    EXPECT_EQ(R.err, "state-audit: error: " + std::string(Option) + " '" + Rsp +
                         "' names a response file of the compile database 'build/flags.rsp'; "
                         "refusing to overwrite it\n");
  }
  EXPECT_EQ(readFile(Header), "#pragma once\nextern int g_x;\n");
  EXPECT_EQ(readFile(Rsp), "-DFLAG=1\n");
}

// Issue 25, N30: control characters from file names and source lines reach a terminal only
// escaped, as clang shows them (<U+001B>): a repository cannot clear the screen, retitle the
// terminal or write the clipboard of whoever reads the log. The same in `explain`.
TEST(Hostile, TerminalOutputEscapesControlCharacters) {
  TempDir T, O;
  std::string Name = "x\x1b]0;PWNED\x07y.cpp";
  T.write(Name, "#include <map>\n#include <string>\n"
                "std::map<std::string, int> g_sessions; // \x1b[2J reason\n"
                "int hit(const std::string &k) { return ++g_sessions[k]; }\n");
  RunResult R = run({"scan", T.path(), "--no-cache", "-v"});
  EXPECT_EQ(R.code, 1) << R.err;
  EXPECT_EQ(R.out.find('\x1b'), std::string::npos) << R.out;
  EXPECT_EQ(R.out.find('\x07'), std::string::npos) << R.out;
  EXPECT_EQ(R.err.find('\x1b'), std::string::npos) << R.err;
  EXPECT_TRUE(contains(R.out, "x<U+001B>]0;PWNED<U+0007>y.cpp:3:28: error:")) << R.out;
  // The caret stays under the name: one column per character shown.
  EXPECT_TRUE(contains(R.out, "    3 | std::map<std::string, int> g_sessions; // <U+001B>[2J reason\n"
                              "      |                            ^~~~~~~~~~\n"))
      << R.out;
  EXPECT_TRUE(contains(R.err, "x<U+001B>]0;PWNED<U+0007>y.cpp")) << R.err;

  std::string Report = O.file("r.json");
  ASSERT_EQ(run({"scan", T.path(), "--no-cache", "-q", "--format", "json", "-o", Report}).code, 1);
  RunResult E = run({"explain", Name + ":3", "--report", Report});
  EXPECT_EQ(E.code, 0) << E.err;
  EXPECT_EQ(E.out.find('\x1b'), std::string::npos) << E.out;
  EXPECT_TRUE(contains(E.out, "x<U+001B>]0;PWNED<U+0007>y.cpp:3:28: error:")) << E.out;
  // Not UTF-8, and a C1 control (U+009B, CSI on some terminals).
  EXPECT_EQ(printable("a\xff" "b\xc2\x9b" "c\xc3\xa9"), "a<FF>b<U+009B>c\xc3\xa9");
}

/// The columns of a markdown table row: its pipes that are not escaped, less one.
size_t columns(llvm::StringRef Row) {
  size_t Pipes = 0;
  for (size_t I = 0; I < Row.size(); ++I)
    if (Row[I] == '\\')
      ++I;
    else if (Row[I] == '|')
      ++Pipes;
  return Pipes - 1;
}

// Issue 25, N34: --format plan holds any file name: every table row keeps its columns, and the
// name stays in one code span (its fence longer than the backticks in it).
TEST(Hostile, PlanHoldsAnyFileName) {
  TempDir T;
  T.write("a|b`c<b>```d.cpp",
          "#include <map>\n#include <string>\nstd::map<std::string, int> g_sessions;\n"
          "struct Server { template <class F> void add_tool(const char *, F) {} };\n"
          "void setup(Server &s) {\n"
          "  s.add_tool(\"lo|<img src=x>\", [](const std::string &id) { g_sessions[id] = 1; });\n"
          "}\n");
  RunResult R = run({"scan", T.path(), "--root", T.path(), "--no-cache", "-q", "--format", "plan"});
  EXPECT_EQ(R.code, 1) << R.err;
  unsigned Rows = 0;
  for (llvm::StringRef Line : llvm::split(R.out, '\n'))
    if (Line.starts_with("|")) {
      ++Rows;
      EXPECT_EQ(columns(Line), 4u) << Line.str();
    }
  EXPECT_GE(Rows, 6u) << R.out;
  EXPECT_TRUE(contains(R.out, "| handler 'lo\\|\\<img src=x\\>' (add\\_tool) | ````a\\|b`c<b>```d.cpp:6```` |"))
      << R.out;
  EXPECT_TRUE(contains(R.out, "(`std::map<std::string, int>`, ````a|b`c<b>```d.cpp:3````)")) << R.out;
  EXPECT_FALSE(contains(R.out, "<img src=x>")) << R.out;
}

// Issue 25, N37: shards scanned with configurations that decide extraction differently
// (here: what is library code) would merge into a report matching neither; refused.
TEST(Hostile, ShardsOfDifferentConfigurationsDoNotMerge) {
  TempDir T, O;
  for (int I = 0; I < 4; ++I)
    T.write("src/mcp/tu" + std::to_string(I) + ".cpp",
            "static int s_n" + std::to_string(I) + " = 0;\nint f" + std::to_string(I) +
                "() { return ++s_n" + std::to_string(I) + "; }\n");
  std::string Plain = O.write("plain.yaml", "fail-on: never\n");
  std::string Vendored = O.write("vendored.yaml", "fail-on: never\nvendored: [default, src/mcp]\n");
  auto Shard = [&](int K, const std::string &Config) {
    std::string F = O.file("s" + std::to_string(K) + ".json");
    RunResult S = run({"scan", T.path(), "--root", T.path(), "--no-cache", "-q", "--config",
                       Config, "--shard", std::to_string(K) + "/2", "--facts-out", F});
    EXPECT_EQ(S.code, 0) << S.err;
    return F;
  };
  std::string S1 = Shard(1, Plain), S2 = Shard(2, Vendored);
  RunResult M = run({"merge", S1, S2, "--root", T.path()});
  EXPECT_EQ(M.code, 2);
  EXPECT_EQ(M.err, "state-audit: error: " + S2 + ": shard 2/2 was scanned with another "
                   "configuration than " + S1 + " (exclude, vendored, knowledge, "
                   "--no-skip-bodies or the arguments after --): the merged report would match "
                   "neither; scan every shard with the same configuration\n");
  EXPECT_EQ(M.out, "");
  std::string Same = Shard(2, Plain);
  EXPECT_EQ(run({"merge", S1, Same, "--root", T.path(), "--fail-on", "never"}).code, 0);
}

// Issue 25, M7: merge reads the sources for source lines and SARIF's line hashes; a --root
// that does not hold them would drop both silently.
TEST(Hostile, MergeRootMustHoldTheSources) {
  TempDir T, O, Empty;
  T.write("a.cpp", Source);
  std::string F = O.file("facts.json");
  ASSERT_EQ(run({"scan", T.path(), "--root", T.path(), "--no-cache", "-q", "--facts-out", F}).code, 1);
  RunResult Missing = run({"merge", F, "--root", "/nonexistent"});
  EXPECT_EQ(Missing.code, 2);
  EXPECT_EQ(Missing.err, "state-audit: error: --root '/nonexistent' is not a directory\n");
  RunResult File = run({"merge", F, "--root", "/etc/passwd"});
  EXPECT_EQ(File.code, 2);
  EXPECT_EQ(File.err, "state-audit: error: --root '/etc/passwd' is not a directory\n");
  RunResult Elsewhere = run({"merge", F, "--root", Empty.path(), "--format", "sarif"});
  EXPECT_EQ(Elsewhere.code, 2);
  EXPECT_EQ(Elsewhere.err, "state-audit: error: --root '" + Empty.path() +
                               "' does not hold the scanned sources ('a.cpp' missing): the report "
                               "would lose its source lines and SARIF line hashes\n");
  EXPECT_EQ(Elsewhere.out, "");
  RunResult Right = run({"merge", F, "--root", T.path(), "--format", "sarif"});
  EXPECT_EQ(Right.code, 1) << Right.err;
  EXPECT_TRUE(contains(Right.out, "primaryLocationLineHash"));
}

// Issue 25, N58: sources that are symbolic links to files outside the root. Whether the scan
// finds them under a path, through the compile database, or both, they are located at their
// real paths (outside the project) and the three say so alike.
TEST(Hostile, SourcesLinkedFromOutsideTheRootAreNamedAlike) {
  TempDir Proj, Outside;
  ASSERT_EQ(shell("git -C " + quote(Proj.path()) + " init -q").code, 0);
  for (const char *N : {"a", "b"}) {
    std::string Real = Outside.write(std::string(N) + ".cpp", Source);
    llvm::sys::fs::create_directories(Proj.file("src"));
    ASSERT_EQ(symlink(Real.c_str(), Proj.file("src/" + std::string(N) + ".cpp").c_str()), 0);
  }
  std::string Expected =
      "state-audit: error: 2 source files in the project resolve through symbolic links to "
      "files outside the root '" + Proj.path() + "' (src/a.cpp -> " + Outside.file("a.cpp") +
      ", src/b.cpp -> " + Outside.file("b.cpp") + "): they are not analysed; give --root a "
      "directory that holds their targets\n";
  RunResult Paths = run({"scan", "src", "--no-cache", "-q"}, Proj.path());
  EXPECT_EQ(Paths.code, 2);
  EXPECT_EQ(Paths.err, Expected);
  Proj.write("compile_commands.json",
             "[{\"directory\": \"" + Proj.path() + "\", \"file\": \"src/a.cpp\", \"arguments\": "
             "[\"g++\", \"-c\", \"src/a.cpp\"]}, {\"directory\": \"" + Proj.path() + "\", "
             "\"file\": \"src/b.cpp\", \"arguments\": [\"g++\", \"-c\", \"src/b.cpp\"]}]");
  RunResult WithDb = run({"scan", "src", "-p", ".", "--no-cache", "-q"}, Proj.path());
  EXPECT_EQ(WithDb.code, 2);
  EXPECT_EQ(WithDb.err, Expected);
  TempDir Elsewhere; // no git work tree here: the database's directory gives the root
  RunResult DbOnly = run({"scan", "-p", Proj.path(), "--no-cache", "-q"}, Elsewhere.path());
  EXPECT_EQ(DbOnly.code, 2);
  EXPECT_EQ(DbOnly.err, Expected);
  // With a root that holds the targets, they are analysed.
  RunResult Wide = run({"scan", "-p", Proj.path(), "--root", "/", "--no-cache", "-q"},
                       Elsewhere.path());
  EXPECT_EQ(Wide.code, 1) << Wide.err;
}

// Issue 25, N63: each parsing thread reserves a 512 MB stack; under `ulimit -v` -j 8 aborted
// with "pthread_create failed" and no report. Fewer TUs are parsed at once, and it is said.
TEST(Hostile, LimitedAddressSpaceParsesFewerAtOnce) {
  TempDir T;
  for (int I = 0; I < 8; ++I)
    T.write("tu" + std::to_string(I) + ".cpp", Source);
  RunResult R = shell("ulimit -v 3000000 && exec \"$SA\" scan " + quote(T.path()) +
                      " -q --no-cache -j 8 --format json");
  EXPECT_EQ(R.code, 1) << R.err;
  EXPECT_TRUE(bool(llvm::json::parse(R.out))) << R.out;
  EXPECT_TRUE(contains(R.err, "state-audit: warning: the address space is limited (ulimit -v) and "
                              "each parsing thread reserves a 512 MB stack: at most "))
      << R.err;
  EXPECT_FALSE(contains(R.err, "not analysed")) << R.err;
}

// Issue 25, N53: lambdas nested 2 000 deep took minutes: each immediately called lambda was
// recorded as a callable handed to its own call operator, named by clang's qualified name of
// that operator, which spells every enclosing scope (and clang walks them all again for each).
// A lambda called in place is a call (its call edge), not a callable handed to anything; the
// facts stay linear in the nesting. (Time and memory: bench/memory.py --shapes.)
TEST(Hostile, LambdasCalledInPlaceAreCallsNotHandedCallables) {
  TempDir T, O;
  std::string Src = "int g_hits = 0;\nint main() { return ";
  for (int I = 0; I < 300; ++I)
    Src += "[]{ return ";
  Src += "++g_hits";
  for (int I = 0; I < 300; ++I)
    Src += ";}()";
  T.write("deep.cpp", Src + "; }\n");
  std::string Facts = O.file("facts.json");
  RunResult R = run({"scan", T.path(), "--root", T.path(), "--no-cache", "-q", "--format", "json",
                     "--facts-out", Facts, "--", "-fbracket-depth=2000"});
  EXPECT_EQ(R.code, 0) << R.err;
  EXPECT_TRUE(contains(R.out, "g_hits")) << "the write in the innermost lambda is seen";
  llvm::Expected<llvm::json::Value> Doc = llvm::json::parse(readFile(Facts));
  ASSERT_TRUE(bool(Doc)) << llvm::toString(Doc.takeError());
  const llvm::json::Object *TU = (*Doc->getAsObject()->getArray("tus"))[0].getAsObject();
  EXPECT_EQ(TU->getArray("callables")->size(), 0u);
  EXPECT_EQ(TU->getArray("calls")->size(), 300u);
}

// Issue 25, N41: CLI11 reads a size as unsigned, so "-1" wrapped around to 16 EiB and was
// taken silently; a negative size is refused with the usage exit code, as garbage is.
TEST(Hostile, NegativeCacheSizeIsRefused) {
  TempDir T;
  T.write("a.cpp", Source);
  for (const char *Size : {"-1", "-1K", " -5G"}) {
    RunResult R = run({"scan", T.path(), "-q", "--cache-max-size", Size});
    EXPECT_EQ(R.code, 2) << Size;
    EXPECT_EQ(R.err, std::string("state-audit: error: --cache-max-size: a size cannot be "
                                 "negative, got '") +
                         Size + "' (see state-audit --help)\n");
    EXPECT_EQ(R.out, "");
  }
}

// Issue 25, D6: a compile database or configuration saved with a UTF-8 byte order mark (as
// Windows editors write them) is read like the same file without it, as clang-tidy reads it;
// a problem in it is placed where an editor shows it, the mark taking no column.
TEST(Hostile, ByteOrderMarkIsAccepted) {
  const std::string Bom = "\xEF\xBB\xBF";
  TempDir T;
  T.write("a.cpp", Source);
  T.write("build/compile_commands.json",
          Bom + "[{\"directory\": \"" + T.path() + "\", \"file\": \"a.cpp\", "
                "\"arguments\": [\"clang++\", \"-c\", \"a.cpp\"]}]");
  std::string Conf = T.write(".state-audit.yaml", Bom + "fail-on: never\n");
  RunResult R =
      run({"scan", T.path(), "-p", T.file("build"), "--no-cache", "-q", "--format", "json"});
  EXPECT_EQ(R.code, 0) << R.err;
  EXPECT_TRUE(contains(R.out, "g_sessions")) << R.out;
  EXPECT_EQ(R.err, "");

  T.write(".state-audit.yaml", Bom + "fail-on: [never\n");
  RunResult Broken = run({"scan", T.path(), "-p", T.file("build"), "--no-cache", "-q"});
  T.write(".state-audit.yaml", "fail-on: [never\n");
  RunResult Plain = run({"scan", T.path(), "-p", T.file("build"), "--no-cache", "-q"});
  EXPECT_EQ(Broken.code, 2);
  EXPECT_EQ(Broken.err, Plain.err);
  T.write(".state-audit.yaml", "fail-on: never\n");
  T.write("build/compile_commands.json", Bom + "[{\"directory\": 1}");
  RunResult BrokenDb = run({"scan", T.path(), "-p", T.file("build"), "--no-cache", "-q"});
  EXPECT_EQ(BrokenDb.code, 2);
  EXPECT_TRUE(contains(BrokenDb.err, "compile_commands.json:1:18: not valid JSON"))
      << BrokenDb.err;
}

// Issue 25, N60: a negative pool size is a constant, but no pool has that size. With a budget
// configured it is an error naming the size, and the downstream's budget is not checked
// because of it (it was "not a constant", a warning, and the gate passed).
TEST(Hostile, NegativePoolSizeIsAnInvalidSize) {
  TempDir T;
  T.write("pools.cpp", "#include <string>\n"
                       "class PgPool {\npublic:\n  PgPool(std::string url, int size);\n};\n"
                       "int main() {\n  PgPool a(\"postgres://db/x\", -5);\n"
                       "  PgPool b(\"postgres://db/x\", 10);\n}\n");
  T.write(".state-audit.yaml", "connection-pools:\n  max-instances: 4\n"
                               "  downstream-limit: 100\n");
  RunResult R = run({"scan", T.path(), "--root", T.path(), "--no-cache", "-q"});
  EXPECT_EQ(R.code, 1) << R.err;
  EXPECT_TRUE(contains(R.out, "pools.cpp:7:10: error: 'a', a PgPool, is given the size -5 (in "
                              "main): a negative size is not a valid pool size"))
      << R.out;
  EXPECT_TRUE(contains(R.out, "cannot be checked because the size is negative")) << R.out;
  EXPECT_TRUE(contains(R.out, "cannot be checked because another pool of the downstream has a "
                              "negative size"))
      << R.out;
  EXPECT_TRUE(contains(R.out, "'a', of the negative size -5")) << R.out;
  EXPECT_TRUE(contains(R.out, "not checked: a size is negative")) << R.out;
  EXPECT_FALSE(contains(R.out, "not a constant")) << R.out;
}

// Issue 25, O10: a report write killed by SIGKILL leaves its temporary file beside the report.
// The next write of that report removes the ones it provably made (its own name pattern,
// regular files of this user, untouched for an hour, so never a write in progress) and
// nothing else.
TEST(Hostile, AbandonedReportTempFilesAreRemovedByTheNextWrite) {
  TempDir T, O;
  T.write("a.cpp", Source);
  std::string Abandoned = O.write("r.json-1a2b3c.tmp", "partial");
  std::vector<std::string> Kept = {O.write("r.json-abcdef.tmp", "a write in progress"),
                                    O.write("r.json-1a2b3z.tmp", "not our pattern"),
                                    O.write("r.json-1a2b3c4.tmp", "not our pattern"),
                                    O.write("other.json-1a2b3c.tmp", "another report's"),
                                    O.write("victim", "a link's target")};
  ASSERT_EQ(symlink(O.file("victim").c_str(), O.file("r.json-000000.tmp").c_str()), 0);
  Kept.push_back(O.file("r.json-000000.tmp"));
  for (const std::string &P : {Abandoned, Kept[1], Kept[2], Kept[3], Kept[4], Kept[5]})
    age(P, 1);
  RunResult R = run({"scan", T.path(), "-q", "--no-cache", "--format", "json", "-o",
                     O.file("r.json")});
  EXPECT_EQ(R.code, 1) << R.err;
  EXPECT_FALSE(llvm::sys::fs::exists(Abandoned));
  for (const std::string &P : Kept)
    EXPECT_TRUE(isSymlink(P) || llvm::sys::fs::exists(P)) << P;
  EXPECT_EQ(readFile(O.file("victim")), "a link's target");
  EXPECT_TRUE(contains(readFile(O.file("r.json")), "g_sessions"));
}

// Issue 25: counts agree with their nouns wherever they are printed ("1 errors", "1 more
// finding ... are not listed", "1 translation units analysed" were printed).
TEST(Hostile, OneOfAKindIsSingular) {
  TempDir T;
  T.write("a.cpp", Source);
  RunResult Md = run({"scan", T.path(), "--no-cache", "--format", "markdown"});
  EXPECT_EQ(Md.code, 1) << Md.err;
  EXPECT_TRUE(contains(Md.out, "## state-audit: 1 error, 0 warnings, 0 notes\n")) << Md.out;
  EXPECT_TRUE(contains(Md.out, "**failed** — 1 finding at or above error")) << Md.out;
  EXPECT_TRUE(contains(Md.out, "<sub>1 translation unit analysed.</sub>")) << Md.out;
  EXPECT_TRUE(contains(Md.err, "state-audit: 1 translation unit analysed in ")) << Md.err;

  // A summary cut to its limit by one finding of 6 KB.
  TempDir L;
  L.write("a.cpp", "#include <map>\n#include <string>\nstd::map<std::string, int> g_" +
                       std::string(6000, 'x') + ";\nint hit(const std::string &k) { return ++g_" +
                       std::string(6000, 'x') + "[k]; }\n");
  RunResult Cut = run({"scan", L.path(), "--no-cache", "-q", "--format", "markdown",
                       "--markdown-limit", "4096"});
  EXPECT_TRUE(contains(Cut.out, "> 1 more finding (1 error) is not listed")) << Cut.out;
}

} // namespace
