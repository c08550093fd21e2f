// The facts cache: a TU whose compile command, configuration and input files are unchanged
// is not parsed again.
//
// An entry is found by a key hashing the tool (its version and the executable's contents, so a
// rebuilt state-audit never reuses another build's facts), the facts format, what decides which
// code is the project's (root, exclusions), the body-skipping switch and the TU's adjusted
// compile command and directory. It records every file the TU read with a hash of its
// contents; it is used only when all of them still hash the same, so touching a header
// re-parses exactly the TUs that include it. Entries are written atomically (two scans may
// run at once); an entry that cannot be read, is corrupt, or comes from another version is
// ignored and rewritten, never trusted.
//
// Each entry carries an HMAC-SHA256 of its text under a secret: $STATE_AUDIT_CACHE_SECRET when
// set, else 32 random bytes in <cache>/secret (mode 0600) made by the first scan. An entry that
// does not verify is rebuilt. See docs/trust-model.md for what this does and does not protect.
#pragma once

#include "facts/Facts.h"

#include "llvm/ADT/StringRef.h"

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace sa {

class FactsCache {
public:
  /// `Salt` is everything besides the command that changes what extraction produces.
  FactsCache(std::string Dir, std::string Salt);

  std::string key(llvm::StringRef Directory, const std::vector<std::string> &Arguments) const;
  std::optional<TUFacts> lookup(const std::string &Key);
  void store(const std::string &Key, const TUFacts &Facts, const std::vector<std::string> &Inputs);

  const std::string &directory() const { return Dir; }
  unsigned corruptEntries() const { return Corrupt; }

private:
  std::string entryPath(const std::string &Key) const;
  /// The key entries are signed with; empty when there is none (the cache is then unused).
  const std::string &secret();
  /// Content hash of a file, once per scan; empty when it cannot be read.
  std::string contentHash(const std::string &Path);

  std::string Dir;
  std::string Salt;
  std::mutex Mutex;
  std::map<std::string, std::string> Hashes;
  std::atomic<unsigned> Corrupt{0};
  std::once_flag SecretOnce;
  std::string Secret;
};

} // namespace sa
