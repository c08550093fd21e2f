#include "driver/FactsCache.h"

#include "Version.h"
#include "driver/CacheDirectory.h"
#include "facts/FactGroups.h"
#include "facts/FactsJson.h"
#include "support/Hmac.h"
#include "support/Output.h"
#include "support/Untrusted.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/Compression.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/RandomNumberGenerator.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>

#include <functional>
#include <tuple>
#include <unistd.h>

namespace sa {

namespace {
constexpr int CacheFormat = 3; // 2: entries carry an HMAC; 3: facts grouped per file, stored
                                // once as compressed objects; linked results

/// zstd level of every cache file (bench/README.md: level 3 against plain JSON and level 9).
constexpr int CompressionLevel = 3;
/// Largest uncompressed size a cache file may claim (a signed entry names it).
constexpr uint64_t MaxUncompressed = 1ull << 31;

std::string compress(llvm::StringRef Text) {
  llvm::SmallVector<uint8_t, 0> Out;
  llvm::compression::zstd::compress(
      llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(Text.data()), Text.size()), Out,
      CompressionLevel);
  return std::string(reinterpret_cast<const char *>(Out.data()), Out.size());
}

std::optional<std::string> decompress(llvm::StringRef Bytes, uint64_t Size) {
  if (Size > MaxUncompressed)
    return std::nullopt;
  llvm::SmallVector<uint8_t, 0> Out;
  if (llvm::Error E = llvm::compression::zstd::decompress(
          llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(Bytes.data()), Bytes.size()),
          Out, Size)) {
    llvm::consumeError(std::move(E));
    return std::nullopt;
  }
  if (Out.size() != Size)
    return std::nullopt;
  return std::string(reinterpret_cast<const char *>(Out.data()), Out.size());
}

/// What built these facts: the executable's own contents (a rebuilt state-audit at the same
/// version may extract differently) and the Clang it runs on.
const std::string &toolFingerprint() {
  static const std::string Fingerprint = [] {
    static int Anchor;
    std::string Exe = llvm::sys::fs::getMainExecutable(nullptr, &Anchor);
    std::string Id = std::string(STATE_AUDIT_VERSION) + "/llvm-" LLVM_VERSION_STRING;
    if (auto Buffer = llvm::MemoryBuffer::getFile(Exe, /*IsText=*/false,
                                                  /*RequiresNullTerminator=*/false)) {
      llvm::StringRef Bytes = (*Buffer)->getBuffer();
      llvm::XXH128_hash_t H = llvm::xxh3_128bits(llvm::ArrayRef<uint8_t>(
          reinterpret_cast<const uint8_t *>(Bytes.data()), Bytes.size()));
      Id += "/" + llvm::utohexstr(H.high64, true, 16) + llvm::utohexstr(H.low64, true, 16);
    }
    return Id;
  }();
  return Fingerprint;
}

constexpr llvm::StringLiteral MacPrefix = "state-audit-cache-hmac-sha256 ";

/// SHA-256 over NUL-terminated parts: the cache's keys, 40 hex digits.
class KeyHash {
public:
  KeyHash &operator<<(llvm::StringRef Part) {
    H.update(Part);
    H.update(llvm::StringRef("\0", 1));
    return *this;
  }
  std::string hex() {
    auto Digest = H.final();
    return llvm::toHex(llvm::ArrayRef<uint8_t>(Digest).take_front(20), true);
  }

private:
  llvm::SHA256 H;
};

bool constantTimeEqual(llvm::StringRef A, llvm::StringRef B) {
  if (A.size() != B.size())
    return false;
  unsigned char Diff = 0;
  for (size_t I = 0; I < A.size(); ++I)
    Diff |= static_cast<unsigned char>(A[I] ^ B[I]);
  return Diff == 0;
}
} // namespace

FactsCache::FactsCache(std::string D, std::string S) : Dir(std::move(D)), Salt(std::move(S)) {}

llvm::Error FactsCache::open() {
  if (llvm::Error E = claimCacheDirectory(Dir))
    return E;
  if (const char *Env = std::getenv("STATE_AUDIT_CACHE_SECRET"); Env && *Env)
    return llvm::Error::success();
  llvm::SmallString<256> P(Dir);
  llvm::sys::path::append(P, "secret");
  return checkCacheSecret(std::string(P));
}

const std::string &FactsCache::secret() {
  std::call_once(SecretOnce, [&] {
    if (const char *Env = std::getenv("STATE_AUDIT_CACHE_SECRET"); Env && *Env) {
      Secret = Env;
      return;
    }
    llvm::SmallString<256> P(Dir);
    llvm::sys::path::append(P, "secret");
    auto Read = [&]() -> bool {
      std::unique_ptr<llvm::MemoryBuffer> B = readCacheFile(std::string(P));
      if (!B || B->getBufferSize() < 32)
        return false;
      Secret = B->getBuffer().str();
      return true;
    };
    if (Read())
      return;
    uint8_t Bytes[32];
    if (llvm::getRandomBytes(Bytes, sizeof Bytes))
      return;
    std::string Hex = llvm::toHex(llvm::ArrayRef<uint8_t>(Bytes), true);
    // Written beside, then linked into place: link() never replaces an existing secret, so
    // concurrent first scans agree on one.
    auto Temp = llvm::sys::fs::TempFile::create(P + "-%%%%%%.tmp",
                                                llvm::sys::fs::owner_read |
                                                    llvm::sys::fs::owner_write);
    if (!Temp) {
      llvm::consumeError(Temp.takeError());
      return;
    }
    {
      llvm::raw_fd_ostream OS(Temp->FD, /*shouldClose=*/false);
      OS << Hex;
      OS.flush();
      if (OS.has_error()) {
        OS.clear_error();
        llvm::consumeError(Temp->discard());
        return;
      }
    }
    if (::link(Temp->TmpName.c_str(), P.c_str()) == 0 || errno == EEXIST) {
      llvm::consumeError(Temp->discard());
    } else if (llvm::Error E = Temp->keep(P)) {
      // No hard links on this file system: rename (a concurrent first scan may win).
      llvm::consumeError(std::move(E));
    }
    Read();
  });
  return Secret;
}

std::string FactsCache::key(llvm::StringRef Directory,
                            const std::vector<std::string> &Arguments) const {
  KeyHash H;
  H << "state-audit facts cache" << toolFingerprint() << std::to_string(FactsFormatVersion)
    << std::to_string(CacheFormat) << Salt << Directory;
  for (const std::string &A : Arguments)
    H << A;
  return H.hex();
}

std::vector<std::string> FactsCache::directoriesOf(llvm::StringRef Kind,
                                                   const std::string &Name) const {
  return {"v" + std::to_string(CacheFormat), Kind.str(), Name.substr(0, 2)};
}

std::string FactsCache::path(llvm::StringRef Kind, const std::string &Name) const {
  llvm::SmallString<256> P(Dir);
  for (const std::string &D : directoriesOf(Kind, Name))
    llvm::sys::path::append(P, D);
  llvm::sys::path::append(P, Name);
  return std::string(P);
}

std::unique_ptr<llvm::MemoryBuffer> FactsCache::read(llvm::StringRef Kind,
                                                     const std::string &Name) const {
  if (!areCacheDirectories(Dir, directoriesOf(Kind, Name)))
    return nullptr; // a link in place of a directory is a miss, and replaced when writing
  return readCacheFile(path(Kind, Name));
}

bool FactsCache::prepare(llvm::StringRef Kind, const std::string &Name) const {
  return makeCacheDirectories(Dir, directoriesOf(Kind, Name));
}

std::string FactsCache::contentHash(const std::string &Path) {
  {
    std::lock_guard<std::mutex> Lock(Mutex);
    auto It = Hashes.find(Path);
    if (It != Hashes.end())
      return It->second;
  }
  std::string Hash;
  if (auto Buffer = llvm::MemoryBuffer::getFile(Path, /*IsText=*/false,
                                                /*RequiresNullTerminator=*/false)) {
    llvm::StringRef Bytes = (*Buffer)->getBuffer();
    llvm::XXH128_hash_t X =
        llvm::xxh3_128bits(llvm::ArrayRef<uint8_t>(
            reinterpret_cast<const uint8_t *>(Bytes.data()), Bytes.size()));
    Hash = llvm::utohexstr(X.high64, true, 16) + llvm::utohexstr(X.low64, true, 16);
  }
  std::lock_guard<std::mutex> Lock(Mutex);
  Hashes[Path] = Hash;
  return Hash;
}

// A signed file: "<prefix><hmac>\n<size>\n<zstd bytes>", the HMAC under this cache's secret
// of its key and everything after the first line, so nothing untrusted is decompressed or
// parsed, and a signed file copied under another key does not verify. A file edited by anyone
// without the secret (a poisoned CI cache) fails here.
std::optional<std::string> FactsCache::readSigned(llvm::StringRef Kind, const std::string &Key) {
  const std::string &Secret = secret();
  if (Secret.empty())
    return std::nullopt;
  std::unique_ptr<llvm::MemoryBuffer> Buffer = read(Kind, Key);
  if (!Buffer)
    return std::nullopt; // not cached yet
  auto [Header, Body] = Buffer->getBuffer().split('\n');
  auto [SizeText, Compressed] = Body.split('\n');
  uint64_t Size = 0;
  std::optional<std::string> Text;
  if (Header.consume_front(MacPrefix) &&
      constantTimeEqual(Header, hmacSha256(Secret, Kind.str() + "/" + Key + "\n" + Body.str())) &&
      !SizeText.getAsInteger(10, Size))
    Text = decompress(Compressed, Size);
  if (!Text)
    ++Corrupt;
  else
    renew(Kind, Key);
  return Text;
}

void FactsCache::renew(llvm::StringRef Kind, const std::string &Name) {
  if (areCacheDirectories(Dir, directoriesOf(Kind, Name)))
    touchCacheFile(path(Kind, Name));
}

void FactsCache::writeSigned(llvm::StringRef Kind, const std::string &Key, llvm::StringRef Text) {
  const std::string &Secret = secret();
  std::string Path = path(Kind, Key);
  if (Secret.empty() || !prepare(Kind, Key))
    return; // an unwritable cache slows the next scan down, nothing more
  std::string Body = std::to_string(Text.size()) + "\n" + compress(Text);
  std::string File =
      MacPrefix.str() + hmacSha256(Secret, Kind.str() + "/" + Key + "\n" + Body) + "\n" + Body;
  if (llvm::Error E = writeFileAtomically(Path, File))
    llvm::consumeError(std::move(E));
}

std::optional<CachedTU> FactsCache::lookup(const std::string &Key) {
  std::optional<std::string> Text = readSigned("entries", Key);
  if (!Text)
    return std::nullopt;
  llvm::Expected<llvm::json::Value> Doc = parseUntrustedJson(*Text);
  const llvm::json::Object *O = Doc ? Doc->getAsObject() : nullptr;
  auto Bad = [&]() -> std::optional<CachedTU> {
    ++Corrupt;
    return std::nullopt;
  };
  if (!Doc)
    llvm::consumeError(Doc.takeError());
  if (!O || O->getString("format") != llvm::StringRef("state-audit-cache") ||
      O->getInteger("version") != CacheFormat || O->getString("key") != llvm::StringRef(Key) ||
      O->getString("tool") != llvm::StringRef(STATE_AUDIT_VERSION))
    return Bad();
  const llvm::json::Array *Inputs = O->getArray("inputs");
  const llvm::json::Array *Groups = O->getArray("groups");
  const llvm::json::Value *Summary = O->get("summary");
  CachedTU TU;
  llvm::json::Path::Root Root("entry");
  if (!Inputs || !Groups || !Summary || !fromJSON(*Summary, TU.summary, Root) ||
      !O->get("outsideRoot") || !fromJSON(*O->get("outsideRoot"), TU.outsideRoot, Root)) {
    llvm::consumeError(Root.getError());
    return Bad();
  }
  for (const llvm::json::Value &G : *Groups) {
    const llvm::json::Object *Ref = G.getAsObject();
    std::optional<llvm::StringRef> Hash = Ref ? Ref->getString("hash") : std::nullopt;
    std::optional<int64_t> Size = Ref ? Ref->getInteger("size") : std::nullopt;
    if (!Hash || !Size || *Size < 0 || Hash->size() != 40 ||
        Hash->find_first_not_of("0123456789abcdef") != llvm::StringRef::npos)
      return Bad();
    TU.groups.push_back({Hash->str(), static_cast<uint64_t>(*Size)});
  }
  for (const llvm::json::Value &I : *Inputs) {
    const llvm::json::Object *File = I.getAsObject();
    std::optional<llvm::StringRef> Path = File ? File->getString("path") : std::nullopt;
    std::optional<llvm::StringRef> Hash = File ? File->getString("hash") : std::nullopt;
    if (!Path || !Hash)
      return Bad();
    if (contentHash(Path->str()) != *Hash)
      return std::nullopt; // an input changed: parse again
  }
  // A scan that uses the entry needs its objects, read or not (a warm scan reads none).
  for (const GroupRef &G : TU.groups) {
    {
      std::lock_guard<std::mutex> Lock(Mutex);
      if (!Renewed.insert(G.hash).second)
        continue;
    }
    renew("objects", G.hash);
  }
  return TU;
}

std::optional<TUFacts> FactsCache::loadGroup(const GroupRef &Ref) {
  auto Reject = [&]() -> std::optional<TUFacts> {
    std::lock_guard<std::mutex> Lock(Mutex);
    Written.erase(Ref.hash);
    Rejected.insert(Ref.hash);
    return std::nullopt;
  };
  std::unique_ptr<llvm::MemoryBuffer> Buffer = read("objects", Ref.hash);
  if (!Buffer)
    return Reject();
  // The signed entry named this hash: content that hashes to it is what was stored.
  std::optional<std::string> Text = decompress(Buffer->getBuffer(), Ref.size);
  if (!Text || groupHash(*Text) != Ref.hash)
    return Reject();
  llvm::Expected<llvm::json::Value> Doc = parseUntrustedJson(*Text);
  if (!Doc) {
    llvm::consumeError(Doc.takeError());
    return Reject();
  }
  llvm::Expected<TUFacts> F = tuFactsFromJSON(*Doc);
  if (!F) {
    llvm::consumeError(F.takeError());
    return Reject();
  }
  return std::move(*F);
}

void FactsCache::store(const std::string &Key, const TUSummary &Summary,
                       const std::vector<std::string> &OutsideRoot,
                       const std::vector<FactGroup> &Groups,
                       const std::vector<std::string> &Inputs) {
  if (secret().empty())
    return;
  llvm::json::Array Files;
  for (const std::string &Path : Inputs) {
    std::string Hash = contentHash(Path);
    if (Hash.empty()) {
      if (std::getenv("STATE_AUDIT_DEBUG_CACHE"))
        llvm::errs() << "cache: cannot hash " << Path << "\n";
      return; // an input vanished while parsing: do not cache what cannot be checked
    }
    Files.push_back(llvm::json::Object{{"path", Path}, {"hash", Hash}});
  }
  // Objects first: an entry is written only once every group it names is in place.
  llvm::json::Array Refs;
  for (const FactGroup &G : Groups) {
    Refs.push_back(llvm::json::Object{{"hash", G.hash},
                                      {"size", static_cast<int64_t>(G.json.size())}});
    std::string Object = path("objects", G.hash);
    {
      std::lock_guard<std::mutex> Lock(Mutex);
      if (Written.count(G.hash))
        continue;
      if (!Rejected.count(G.hash) && areCacheDirectories(Dir, directoriesOf("objects", G.hash)) &&
          isCacheFile(Object)) {
        Written.insert(G.hash);
        if (Renewed.insert(G.hash).second)
          touchCacheFile(Object);
        continue;
      }
    }
    if (!prepare("objects", G.hash))
      return;
    if (llvm::Error E = writeFileAtomically(Object, compress(G.json))) {
      llvm::consumeError(std::move(E));
      return;
    }
    std::lock_guard<std::mutex> Lock(Mutex);
    Written.insert(G.hash);
    Rejected.erase(G.hash);
  }
  llvm::json::Value Entry = llvm::json::Object{{"format", "state-audit-cache"},
                                               {"version", CacheFormat},
                                               {"tool", STATE_AUDIT_VERSION},
                                               {"key", Key},
                                               {"summary", toJSON(Summary)},
                                               {"outsideRoot", OutsideRoot},
                                               {"inputs", std::move(Files)},
                                               {"groups", std::move(Refs)}};
  std::string Body;
  llvm::raw_string_ostream(Body) << Entry;
  writeSigned("entries", Key, Body);
}

std::string FactsCache::linkKey(llvm::StringRef LinkSalt, const std::vector<TUSummary> &TUs,
                                const std::vector<std::string> &GroupHashes) const {
  KeyHash H;
  H << "state-audit linked result" << toolFingerprint() << std::to_string(FactsFormatVersion)
    << std::to_string(CacheFormat) << LinkSalt;
  for (const TUSummary &S : TUs) {
    std::string Text;
    llvm::raw_string_ostream(Text) << toJSON(S);
    H << Text;
  }
  H << "groups";
  for (const std::string &G : GroupHashes)
    H << G;
  return H.hex();
}

std::optional<std::string> FactsCache::lookupLinked(const std::string &Key) {
  return readSigned("links", Key);
}

void FactsCache::storeLinked(const std::string &Key, llvm::StringRef Text) {
  writeSigned("links", Key, Text);
}

namespace {

/// The regular files of one directory whose names `Own` accepts; symbolic links and
/// directories are neither followed nor listed.
void listOwnFiles(const std::string &Dir, const std::function<bool(llvm::StringRef)> &Own,
                  bool Temporary, std::vector<CacheFile> &Out) {
  namespace fs = llvm::sys::fs;
  std::error_code EC;
  for (fs::directory_iterator It(Dir, EC, /*follow_symlinks=*/false), End; It != End && !EC;
       It.increment(EC)) {
    fs::file_status St;
    if (!Own(llvm::sys::path::filename(It->path())) || fs::status(It->path(), St, false) ||
        St.type() != fs::file_type::regular_file)
      continue;
    Out.push_back({St.getLastModificationTime(), St.getSize(), It->path(), Temporary});
  }
}

/// Subdirectories of `Dir` (not symbolic links) whose names `Own` accepts.
std::vector<std::string> ownDirectories(const std::string &Dir,
                                        const std::function<bool(llvm::StringRef)> &Own) {
  namespace fs = llvm::sys::fs;
  std::vector<std::string> Out;
  std::error_code EC;
  for (fs::directory_iterator It(Dir, EC, /*follow_symlinks=*/false), End; It != End && !EC;
       It.increment(EC))
    if (Own(llvm::sys::path::filename(It->path())) &&
        areCacheDirectories(std::string(llvm::sys::path::parent_path(It->path())),
                            {std::string(llvm::sys::path::filename(It->path()))}))
      Out.push_back(It->path());
  return Out;
}

bool isTwoHexDigits(llvm::StringRef Name) {
  return Name.size() == 2 && Name.find_first_not_of("0123456789abcdef") == llvm::StringRef::npos;
}

} // namespace

std::vector<CacheFile> FactsCache::ownFiles() const {
  std::vector<CacheFile> Files;
  // Temporary files of the files at the top (secret, last-prune, CACHEDIR.TAG).
  listOwnFiles(Dir, [](llvm::StringRef Name) {
    return isCacheTempName(Name, "secret") || isCacheTempName(Name, "last-prune") ||
           isCacheTempName(Name, "CACHEDIR.TAG");
  }, /*Temporary=*/true, Files);
  std::string Version = "v" + std::to_string(CacheFormat);
  if (!areCacheDirectories(Dir, {Version}))
    return Files;
  llvm::SmallString<256> Top(Dir);
  llvm::sys::path::append(Top, Version);
  for (const std::string &Kind : ownDirectories(std::string(Top), [](llvm::StringRef Name) {
         return Name == "entries" || Name == "objects" || Name == "links";
       }))
    for (const std::string &Sub : ownDirectories(Kind, isTwoHexDigits)) {
      llvm::StringRef Prefix = llvm::sys::path::filename(Sub);
      listOwnFiles(Sub, [&](llvm::StringRef Name) { return isCacheKeyName(Name, Prefix); },
                   /*Temporary=*/false, Files);
      listOwnFiles(Sub, [&](llvm::StringRef Name) {
        return isCacheKeyName(Name.take_front(40), Prefix) &&
               isCacheTempName(Name, Name.take_front(40));
      }, /*Temporary=*/true, Files);
    }
  return Files;
}

FactsCache::Pruned FactsCache::prune(uint64_t MaxBytes, std::chrono::seconds Interval) {
  Pruned Result;
  if (MaxBytes == 0 || !areCacheDirectories(Dir, {}))
    return Result;
  // One scan in an interval walks the cache: on a large one the walk costs more than a warm
  // scan. The stamp's time says when the last walk started.
  llvm::SmallString<256> Stamp(Dir);
  llvm::sys::path::append(Stamp, "last-prune");
  llvm::sys::fs::file_status St;
  auto Now = std::chrono::system_clock::now();
  if (isCacheFile(std::string(Stamp)) && !llvm::sys::fs::status(Stamp, St, false) &&
      Now - St.getLastModificationTime() < Interval)
    return Result;
  if (llvm::Error E = writeFileAtomically(std::string(Stamp), ""))
    llvm::consumeError(std::move(E));
  Result.ran = true;

  // Only files named by the cache's own scheme: whatever else is in the directory (it may be
  // a build directory given by mistake) is not the cache's to remove.
  std::vector<CacheFile> Files, Old;
  uint64_t Total = 0;
  for (CacheFile &F : ownFiles()) {
    // Written beside a file and renamed into place: one left for a day was abandoned.
    if (F.temporary) {
      if (Now - F.time > std::chrono::hours(24) && !llvm::sys::fs::remove(F.path)) {
        ++Result.files;
        Result.bytes += F.size;
      }
      continue;
    }
    Total += F.size;
    if (F.time < Started)
      Old.push_back(std::move(F));
  }
  if (Total > MaxBytes) {
    std::sort(Old.begin(), Old.end(), [](const CacheFile &A, const CacheFile &B) {
      return std::tie(A.time, A.path) < std::tie(B.time, B.path);
    });
    uint64_t Target = MaxBytes / 10 * 9;
    for (const CacheFile &F : Old) {
      if (Total <= Target)
        break;
      if (llvm::sys::fs::remove(F.path))
        continue;
      Total -= F.size;
      ++Result.files;
      Result.bytes += F.size;
    }
  }
  Result.left = Total;
  return Result;
}

} // namespace sa
