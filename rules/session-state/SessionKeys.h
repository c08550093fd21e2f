// session-state: what counts as a session key. A variable, member or function named like a
// session id, or a value read from the Mcp-Session-Id header, wherever it flows into an index,
// a lookup or an insertion. Extraction marks the accesses keyed by one (Access::sessionKeyed).
#pragma once

namespace clang {
class Expr;
}

namespace sa {

/// Is this expression a session id?
bool isSessionKey(const clang::Expr *E, unsigned Depth = 0);

} // namespace sa
