// The facts cache: a TU whose compile command, configuration and input files are unchanged
// is not parsed again, and a scan whose facts and configuration are unchanged links nothing.
//
// Layout under <cache>/v3/ (facts/FactGroups.h says what a group is):
// - objects/: each distinct file group once, zstd-compressed JSON named by its content hash.
//   A header included by 100 TUs with the same facts is one object; a header that TUs see
//   differently (other -D macros) is one object per variant.
// - entries/: one per TU, found by a key hashing the tool (its version and the executable's
//   contents, so a rebuilt state-audit never reuses another build's facts), the facts format,
//   what decides which code is the project's (root, exclusions), the body-skipping switch and
//   the TU's adjusted compile command and directory. It holds the TU's summary (status,
//   errors, headers outside the root), every file the TU read with a hash of its contents,
//   and the hashes (and sizes) of its groups. It is used only when every input still hashes
//   the same, so touching a header re-parses exactly the TUs that include it.
// - links/: the linked result (findings, suppression comments, pools) keyed by the set of
//   group hashes, the TU summaries and the link's configuration.
//
// Every file a scan uses or writes has its modification time set to the scan's time (an entry
// also renews the objects it names), so the oldest files are the least recently used: `prune`
// removes them, at most once an hour, when the cache outgrows its limit (--cache-max-size).
// Files of other formats and other builds of the tool age out the same way.
//
// Entries and linked results are signed with HMAC-SHA256 under a secret
// ($STATE_AUDIT_CACHE_SECRET when set, else 32 random bytes in <cache>/secret, mode 0600, made
// by the first scan); an object is trusted because a signed entry names its content hash, and
// is checked against it when read. Whatever does not verify is not used: the TU is parsed
// again, counted as an unreadable entry rebuilt. All files are written atomically (two scans
// may run at once). See docs/trust-model.md for what this does and does not protect.
#pragma once

#include "facts/Facts.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace sa {

struct FactGroup;

/// A group a cache entry names: its content hash and the size of its JSON.
struct GroupRef {
  std::string hash;
  uint64_t size = 0;
};

/// A file of the cache that pruning may remove.
struct CacheFile {
  std::chrono::system_clock::time_point time;
  uint64_t size;
  std::string path;
  bool temporary; // written beside a file and renamed into place
};

/// What a cache entry says about a TU without its facts.
struct CachedTU {
  TUSummary summary;
  std::vector<std::string> outsideRoot;
  std::vector<GroupRef> groups;
};

class FactsCache {
public:
  /// `Salt` is everything besides the command that changes what extraction produces.
  FactsCache(std::string Dir, std::string Salt);

  /// Makes the directory, or checks that it may be used (driver/CacheDirectory.h), and the
  /// secret file. An error says why not: a usage error, the scan does not start.
  llvm::Error open();

  std::string key(llvm::StringRef Directory, const std::vector<std::string> &Arguments) const;
  /// The entry under `Key` when it verifies and every input is unchanged; its groups are not
  /// read (loadGroup reads them).
  std::optional<CachedTU> lookup(const std::string &Key);
  /// A group object, checked against the hash the entry names; nullopt when it is missing,
  /// corrupt or not what the hash says (and it is then rewritten by the next store).
  std::optional<TUFacts> loadGroup(const GroupRef &Ref);
  void store(const std::string &Key, const TUSummary &Summary,
             const std::vector<std::string> &OutsideRoot, const std::vector<FactGroup> &Groups,
             const std::vector<std::string> &Inputs);

  /// The key of a linked result: the tool, `Salt` (the link's configuration), the TUs'
  /// summaries and the sorted distinct group hashes.
  std::string linkKey(llvm::StringRef Salt, const std::vector<TUSummary> &TUs,
                      const std::vector<std::string> &GroupHashes) const;
  std::optional<std::string> lookupLinked(const std::string &Key);
  void storeLinked(const std::string &Key, llvm::StringRef Text);

  /// What prune did.
  struct Pruned {
    bool ran = false;     // false: the last pruning was less than `Interval` ago
    size_t files = 0;     // removed
    uint64_t bytes = 0;   // removed
    uint64_t left = 0;    // bytes in the cache afterwards
  };
  /// Keeps the cache under `MaxBytes` (0: no limit): when pruning last ran more than `Interval`
  /// ago, removes the least recently used files until the cache is at 90 % of the limit, and
  /// temporary files abandoned for a day. Files this scan used or wrote are kept.
  Pruned prune(uint64_t MaxBytes, std::chrono::seconds Interval = std::chrono::hours(1));

  const std::string &directory() const { return Dir; }
  /// Entries, objects and linked results that did not verify.
  unsigned corruptEntries() const { return Corrupt; }
  void countCorrupt() { ++Corrupt; }

private:
  /// v3/<Kind>/<first two of Name>, where a file of a kind lives.
  std::vector<std::string> directoriesOf(llvm::StringRef Kind, const std::string &Name) const;
  std::string path(llvm::StringRef Kind, const std::string &Name) const;
  /// A file of the cache, never through a symbolic link; null when there is none.
  std::unique_ptr<llvm::MemoryBuffer> read(llvm::StringRef Kind, const std::string &Name) const;
  /// Makes the directories of a file of the cache; false when they cannot be made.
  bool prepare(llvm::StringRef Kind, const std::string &Name) const;
  /// The files prune may remove: those named by the cache's own scheme.
  std::vector<CacheFile> ownFiles() const;
  /// Marks a file as used by this scan (its modification time: now).
  void renew(llvm::StringRef Kind, const std::string &Name);
  /// The key entries are signed with; empty when there is none (the cache is then unused).
  const std::string &secret();
  /// Content hash of a file, once per scan; empty when it cannot be read.
  std::string contentHash(const std::string &Path);
  /// A signed, compressed file of a kind ("entries", "links") under a key: its text when it
  /// verifies.
  std::optional<std::string> readSigned(llvm::StringRef Kind, const std::string &Key);
  void writeSigned(llvm::StringRef Kind, const std::string &Key, llvm::StringRef Text);

  std::string Dir;
  std::string Salt;
  std::mutex Mutex;
  std::map<std::string, std::string> Hashes;
  std::set<std::string> Written;  // objects known to be in place this scan
  std::set<std::string> Rejected; // objects that did not verify: rewritten on store
  std::set<std::string> Renewed;  // objects whose time this scan already set
  // When this scan started, less the file system's clock granularity: a file's time comes
  // from the kernel's coarse clock (and some file systems keep seconds), so a file this scan
  // renewed can read a little earlier than the scan's own clock.
  std::chrono::system_clock::time_point Started =
      std::chrono::system_clock::now() - std::chrono::seconds(2);
  std::atomic<unsigned> Corrupt{0};
  std::once_flag SecretOnce;
  std::string Secret;
};

} // namespace sa
