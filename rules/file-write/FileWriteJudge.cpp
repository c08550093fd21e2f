// file-write: writes to the local filesystem, judged by where they run.
#include "rules/Judge.h"

#include <set>

namespace sa {

namespace {

class FileWriteJudge : public Judge {
public:
  RuleId rule() const override { return RuleId::FileWrite; }

  void judge(JudgeContext &Ctx, std::vector<Finding> &Out) override {
    const Model &M = Ctx.model();
    // A handle opened while serving is reported where it is opened; the statements run on it
    // in the same request add nothing.
    std::set<std::string> OpenedOnRequest;
    for (const FileOp &Op : M.program().fileOps)
      if (!Op.handle.empty() && Op.kind != FileOpKind::Statement &&
          M.phaseOf(Op.function) == Phase::Request)
        OpenedOnRequest.insert(Op.handle);
    for (const FileOp &Op : M.program().fileOps)
      if (Op.kind != FileOpKind::Statement || !OpenedOnRequest.count(Op.handle))
        Out.push_back(finding(M, Op));
  }

private:
  static std::string whatItDoes(const FileOp &Op) {
    std::string What = Op.target.empty() ? "a file" : "'" + Op.target + "'";
    switch (Op.kind) {
    case FileOpKind::OpenWrite:
      return "'" + Op.api + "' opens " + What + (Op.append ? " for appending" : " for writing") +
             (Op.mode.empty() ? std::string() : " (" + Op.mode + ")");
    case FileOpKind::OpenUnknown:
      return "'" + Op.api + "' opens " + What + " with a mode that could not be determined";
    case FileOpKind::Modify:
      return "'" + Op.api + "' changes the local filesystem" +
             (Op.target.empty() ? std::string() : " (" + Op.target + ")");
    case FileOpKind::Statement:
      return "'" + Op.api + "' writes the " + Op.store + " database " + What + " opened at " +
             Op.openedAt.file + ":" + std::to_string(Op.openedAt.line);
    case FileOpKind::OpenMemory:
      break; // joined to its handle's statements by the program model, never reported
    }
    return "'" + Op.api + "' writes " + What;
  }

  /// The function that opened a statement's database (the first open of its handle).
  static std::string openerOf(const Model &M, const FileOp &Statement) {
    for (const FileOp &Op : M.program().fileOps)
      if (Op.handle == Statement.handle && Op.kind != FileOpKind::Statement &&
          Op.loc == Statement.openedAt)
        return Op.function;
    return {};
  }

  Finding finding(const Model &M, const FileOp &Op) const {
    Finding F;
    F.rule = ruleId(rule());
    F.loc = Op.loc;
    F.symbol = Op.api + " in " + (Op.function.empty() ? std::string("namespace scope")
                                                      : M.functionName(Op.function));
    F.hint = fileHint(Op);
    std::string Does = whatItDoes(Op);
    Phase Ph = M.phaseOf(Op.function);
    std::string Chain = M.chainText(Op.function, Ph, "");
    if (Chain.empty())
      Chain = "a namespace-scope initialiser";
    F.flow = M.chainSteps(Op.function, Ph, Does, Op.loc);
    if (Op.kind == FileOpKind::Statement)
      F.evidence.push_back({"the " + Op.store + " database is opened here (" +
                                M.functionName(openerOf(M, Op)) + ")",
                            Op.openedAt});
    bool Unknown = Op.kind == FileOpKind::OpenUnknown;
    std::string Consequence = Unknown ? "; if it writes, the file exists on this instance only"
                                      : "; the file exists on this instance only";
    switch (Ph) {
    case Phase::Request:
      F.level = Level::Error;
      F.message = Does + " while serving requests (" + Chain + ")" + Consequence;
      if (const EntryPoint *E = M.entryOfChain(Op.function))
        F.evidence.push_back({"request entry point: " + E->description, E->loc});
      break;
    case Phase::Startup:
      F.level = Level::Note;
      F.message = Does + " at start-up (" + Chain + "): " +
                  (Unknown ? "if it writes, the file is " : "a file ") +
                  "local to this instance, written before serving";
      break;
    case Phase::Construction:
    case Phase::Configuration:
    case Phase::Teardown:
      F.level = Level::Note;
      F.message = Does + (Ph == Phase::Teardown        ? " when the server stops ("
                          : Ph == Phase::Construction ? " while an object is built ("
                                                      : " in the set-up API (") +
                  Chain + "), not while serving: " +
                  (Unknown ? "if it writes, the file is " : "a file ") + "local to this instance";
      break;
    case Phase::Background:
      F.level = Level::Warning;
      F.message = Does + " in background work started at start-up (" + Chain + ")" + Consequence;
      break;
    case Phase::Unplaced:
      F.level = Level::Warning;
      F.message = Does + " in " + M.functionName(Op.function) +
                  ", which is reached neither from a recognised request handler nor from "
                  "main()" + Consequence;
      break;
    }
    return F;
  }
};

} // namespace

std::unique_ptr<Judge> makeFileWriteJudge() { return std::make_unique<FileWriteJudge>(); }

} // namespace sa
