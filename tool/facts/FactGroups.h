// Facts grouped by the file they belong to.
//
// A TU's facts are mostly its headers' facts: every TU that includes a header extracts the
// same declarations, functions, calls and accesses for it. Split by file, a header's group is
// the same (byte for byte in its canonical JSON) in every TU that includes it with the same
// macros, so the cache stores it once, a scan holds it once in memory and the link merges it
// once. A header that TUs see differently (other -D flags) has one group per variant.
//
// Which file a fact belongs to: a declaration, record or function by its location; an access,
// call, callable, file operation, pool or suppression comment by its location; a creation (and
// the `instantiated` record it makes) by the file of the function it is in, or the TU's main
// file for namespace-scope initialisers. A fact without a location goes with the main file.
#pragma once

#include "facts/Facts.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "llvm/ADT/StringRef.h"

namespace sa {

/// One file's facts as one TU saw them. `facts.file` is the file; the TU summary fields
/// (status, errors, outsideRoot) stay empty: they belong to the TU.
struct FactGroup {
  std::string hash; // content hash of `json`: the group's identity
  std::string json; // canonical serialisation (toJSON of `facts`); empty unless kept
  TUFacts facts;
};

/// The TU's facts split by file, sorted by file, each with its hash, and with its canonical
/// JSON when `KeepJson` (what a cache stores; without one the text is only hashed).
/// `TU` must be normalised (extraction normalises); it is moved from, never copied.
std::vector<FactGroup> splitByFile(TUFacts TU, bool KeepJson = true);

/// The content hash groups are named by: BLAKE3 of the canonical JSON, 160 bits as 40 hex
/// digits. (SHA-256 before: LLVM's is portable C, and hashing 44 MB of facts took a tenth of
/// the time clang took to parse them; BLAKE3 uses the CPU's vector units.)
std::string groupHash(llvm::StringRef Json);

/// The canonical JSON of a group's facts.
std::string groupJson(const TUFacts &Facts);

/// A TU rebuilt from its summary and its groups (the facts files of sharded scans are
/// TU-shaped): the lists concatenated and normalised.
TUFacts joinGroups(const TUSummary &Summary, const std::vector<std::string> &OutsideRoot,
                   const std::vector<const TUFacts *> &Groups);

/// A distinct group and how many TUs have it.
struct GroupUse {
  const TUFacts *facts = nullptr;
  unsigned tus = 1;
};

/// A distinct group given away by the store, and how many TUs have it.
struct OwnedGroup {
  TUFacts facts;
  unsigned tus = 1;
};

/// Distinct groups by hash, shared by every TU that has them. Thread-safe.
class GroupStore {
public:
  GroupStore() = default;
  /// Moving is not thread-safe: only while no other thread uses either store.
  GroupStore(GroupStore &&Other) : Groups(std::move(Other.Groups)) {}
  GroupStore &operator=(GroupStore &&Other) {
    Groups = std::move(Other.Groups);
    return *this;
  }

  /// The group stored under `Hash`, or null.
  std::shared_ptr<const TUFacts> find(const std::string &Hash) const;
  /// Keeps `Facts` under `Hash` unless a group is already there; returns the one kept.
  std::shared_ptr<const TUFacts> add(const std::string &Hash, TUFacts Facts);
  bool contains(const std::string &Hash) const;
  size_t size() const;
  /// The groups `Uses` names (hash -> number of TUs that have it), ordered by hash; those not
  /// in the store are left out.
  std::vector<GroupUse> uses(const std::map<std::string, unsigned> &Uses) const;
  /// The same groups given away, ordered by hash; the store is left empty. A group still
  /// held elsewhere (find) is copied, any other moved.
  std::vector<OwnedGroup> take(const std::map<std::string, unsigned> &Uses);
  void clear();

private:
  mutable std::mutex Mutex;
  std::map<std::string, std::shared_ptr<TUFacts>> Groups;
};

} // namespace sa
