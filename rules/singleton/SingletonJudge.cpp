// singleton: an accessor returning a reference or pointer to static storage of a project class.
// It takes the worst level of its class's fields (as the other rules judge them): what it hands
// out is exactly that state.
#include "rules/Judge.h"

#include "llvm/ADT/StringExtras.h"

#include <map>

namespace sa {

namespace {

class SingletonJudge : public Judge {
public:
  RuleId rule() const override { return RuleId::Singleton; }

  void judge(JudgeContext &Ctx, std::vector<Finding> &Out) override {
    const Model &M = Ctx.model();
    const Program &P = M.program();
    for (const auto &[StateId, Accessors] : M.accessors()) {
      const StateDecl *Instance = P.state(StateId);
      if (!Instance)
        continue;
      const RecordFact *Class = P.record(Instance->typeRecord);
      std::optional<Level> Worst;
      std::map<Level, std::vector<std::string>> FieldsAt;
      std::vector<Evidence> Flow; // the first worst field's path to its write
      for (const auto &[Id, D] : P.states) {
        if (D.kind != StateKind::Field || !M.inClassOrBases(D.owner, Instance->typeRecord))
          continue;
        const StateVerdict *V = Ctx.verdict(Id);
        if (!V)
          continue;
        FieldsAt[V->level].push_back(shortName(D.name));
        if (!Worst || V->level > *Worst) {
          Worst = V->level;
          Flow = V->flow;
        }
      }
      if (!Worst)
        continue;
      std::string Fields = llvm::join(FieldsAt[*Worst], ", ");
      for (const FunctionFact *Accessor : Accessors)
        Out.push_back(finding(*Accessor, *Instance, Class, *Worst, Fields, Flow));
    }
  }

private:
  Finding finding(const FunctionFact &Accessor, const StateDecl &Instance, const RecordFact *Class,
                  Level Worst, const std::string &Fields,
                  const std::vector<Evidence> &Flow) const {
    Finding F;
    F.flow = Flow;
    F.rule = ruleId(rule());
    F.level = Worst;
    // A Meyers singleton is its static local: the finding stands on it, as a finding on any
    // other state stands on its declaration, and names the accessor. An accessor returning a
    // static member or a global is reported itself (the instance may have several).
    bool OwnStatic = Instance.kind == StateKind::StaticLocal && Instance.owner == Accessor.id;
    F.loc = OwnStatic ? Instance.loc : Accessor.loc;
    F.symbol = Accessor.name;
    F.type = Instance.type;
    F.stateId = Instance.id;
    std::string ClassName = Class ? Class->name : Instance.type;
    std::string Head = "'" + Accessor.name + "' returns the process-wide " + ClassName;
    switch (Worst) {
    case Level::Error:
      F.message = Head + ", whose fields are written while serving requests (" + Fields +
                  "); every instance has its own";
      break;
    case Level::Warning:
      F.message = Head + ", whose fields change outside requests and start-up (" + Fields +
                  "); every instance has its own";
      break;
    case Level::Note:
      F.message = Head + ", whose fields are set only at start-up or are instance-local "
                         "by nature (" + Fields + ")";
      break;
    }
    if (OwnStatic)
      F.evidence.push_back({"the accessor: " + Accessor.name, Accessor.loc});
    else
      F.evidence.push_back({"the instance: " + Instance.name, Instance.loc});
    F.hint = "pass the object explicitly and keep what requests write in a shared store "
             "(Redis, a database); a singleton hides per-instance state behind a global "
             "accessor";
    return F;
  }
};

} // namespace

std::unique_ptr<Judge> makeSingletonJudge() { return std::make_unique<SingletonJudge>(); }

} // namespace sa
