/**
 * Assignment of resources to nodes, per variant (primitive, group, clone), following
 * Pacemaker's pcmk__*_assign: colocation primaries first, mandatory colocations before
 * optional ones, dependents' preferences scaled into the primary, rollback of optional
 * scores that would leave no node, then the best node by (score, resources assigned in
 * this run, current node, name).
 */

import { INFINITY, MINUS_INFINITY, addScores } from "../core/index.js";
import {
  isAvailable,
  roleRank,
  type Colocation,
  type Role,
  type WNode,
  type WorkingSet,
  type WRsc,
} from "./model.js";
import { addPromotionScores, promotionScore, type Promoter } from "./promotion.js";
import { byteCompare } from "./views.js";

type Table = Map<string, number>;

export class Assigner {
  private promoter: Promoter | undefined;

  constructor(private readonly ws: WorkingSet) {}

  /** Promotion runs inside each promotable clone's assignment (dependents then see roles). */
  setPromoter(p: Promoter): void {
    this.promoter = p;
  }

  assignAll(): void {
    for (const r of this.ws.resources) this.assign(r, undefined, true);
  }

  assign(rsc: WRsc, prefer: WNode | undefined, stopIfFail: boolean): WNode | undefined {
    switch (rsc.variant) {
      case "primitive":
        return this.assignPrimitive(rsc, prefer, stopIfFail);
      case "group":
        return this.assignGroup(rsc, prefer, stopIfFail);
      case "clone":
        this.assignClone(rsc);
        return undefined;
      default: {
        const never: never = rsc.variant;
        return never;
      }
    }
  }

  // ---- node availability and ordering ----

  private nodeAvailable(name: string, table: Table, considerScore: boolean): boolean {
    const n = this.ws.nodeByName.get(name);
    if (n === undefined || !isAvailable(n)) return false;
    return !considerScore || (table.get(name) ?? MINUS_INFINITY) >= 0;
  }

  private anyAvailable(table: Table): boolean {
    for (const [name, score] of table) if (score >= 0 && this.nodeAvailable(name, table, false)) return true;
    return false;
  }

  /** Candidate nodes best first: score, fewer resources assigned in this run, current node, name. */
  sortNodes(table: Table, current: WNode | undefined): WNode[] {
    const strategy = this.ws.options.placementStrategy;
    const entries: { node: WNode; score: number }[] = [];
    for (const [name, score] of table) {
      const node = this.ws.nodeByName.get(name);
      if (node === undefined) continue;
      entries.push({ node, score: isAvailable(node) ? score : MINUS_INFINITY });
    }
    entries.sort((a, b) => {
      if (a.score !== b.score) return b.score - a.score;
      if (strategy !== "minimal") {
        if (strategy === "balanced") {
          const c = compareCapacity(a.node, b.node);
          if (c !== 0) return c;
        }
        if (a.node.numResources !== b.node.numResources) return a.node.numResources - b.node.numResources;
        if (current !== undefined) {
          if (a.node === current) return -1;
          if (b.node === current) return 1;
        }
      }
      return byteCompare(a.node.name, b.node.name);
    });
    return entries.map((e) => e.node);
  }

  // ---- primitives ----

  private assignPrimitive(rsc: WRsc, prefer: WNode | undefined, stopIfFail: boolean): WNode | undefined {
    if (rsc.parent !== undefined && !rsc.parent.assigning && rsc.parent.unassigned) {
      this.assign(rsc.parent, prefer, stopIfFail);
    }
    if (!rsc.unassigned) return rsc.assigned;
    if (rsc.assigning) return undefined;
    rsc.assigning = true;
    const thisWith = this.thisWithColocations(rsc);
    const withThis = this.withThisColocations(rsc);
    const mandatory = (c: Colocation): boolean => c.score >= INFINITY || c.score <= MINUS_INFINITY;
    for (const c of thisWith) if (mandatory(c)) this.applyThisWith(c, rsc);
    for (const c of withThis) if (mandatory(c)) this.addDependentScores(c, rsc);
    for (const c of thisWith) if (!mandatory(c)) this.applyThisWith(c, rsc);
    for (const c of withThis) if (!mandatory(c)) this.addDependentScores(c, rsc);

    if (rsc.nextRole === "Stopped") {
      for (const n of this.ws.nodes) {
        const old = rsc.allowed.get(n.name);
        rsc.allowed.set(n.name, MINUS_INFINITY);
        if (old !== MINUS_INFINITY) rsc.contributions.push({ node: n.name, delta: MINUS_INFINITY, source: "target-role=Stopped" });
      }
    } else if (
      roleRank(rsc.nextRole) > roleRank(rsc.role) &&
      !this.ws.options.haveQuorum &&
      this.ws.options.noQuorumPolicy === "freeze"
    ) {
      this.setNextRole(rsc, rsc.role, "no-quorum-policy=freeze");
    }
    if (this.ws.options.stonithEnabled && !this.ws.options.haveFencing) rsc.managed = false;

    if (!rsc.managed) {
      this.setNextRole(rsc, rsc.role, "unmanaged");
      this.assignTo(rsc, rsc.runningOn[0], true, stopIfFail);
    } else if (this.ws.options.stopAllResources) {
      this.assignTo(rsc, undefined, true, stopIfFail);
    } else {
      const mostFree = this.banInsufficientCapacity(rsc);
      this.assignBestNode(rsc, prefer ?? mostFree, stopIfFail);
    }
    rsc.assigning = false;
    return rsc.assigned;
  }

  /**
   * pcmk__ban_insufficient_capacity: with a placement strategy, nodes without room for
   * the resource (and, when some node has room for all, for everything mandatorily
   * colocated with it that is still unplaced) are banned. Returns the node with most
   * free capacity when no node can take them all.
   */
  private banInsufficientCapacity(rsc: WRsc): WNode | undefined {
    if (this.ws.options.placementStrategy === "default") return undefined;
    const group = this.colocatedResources(rsc);
    const needed = new Map<string, number>();
    for (const r of group) {
      if (!r.unassigned && r !== rsc) continue;
      for (const [k, v] of r.utilization) needed.set(k, (needed.get(k) ?? 0) + v);
    }
    let mostFree: WNode | undefined;
    let anyCapable = false;
    const usable = [...rsc.allowed.keys()].map((n) => this.ws.nodeByName.get(n)).filter((n): n is WNode => n !== undefined && this.nodeAvailable(n.name, rsc.allowed, true));
    if (group.length > 1) {
      for (const n of usable) {
        if (hasCapacity(n, needed)) anyCapable = true;
        if (mostFree === undefined || compareCapacity(n, mostFree) < 0) mostFree = n;
      }
      if (anyCapable) {
        for (const n of usable) if (!hasCapacity(n, needed)) this.ban(rsc, n, "insufficient capacity for colocated resources");
        mostFree = undefined;
      }
    }
    for (const n of usable) if (!hasCapacity(n, rsc.utilization)) this.ban(rsc, n, "insufficient capacity");
    return mostFree;
  }

  private ban(rsc: WRsc, n: WNode, source: string): void {
    rsc.allowed.set(n.name, MINUS_INFINITY);
    rsc.contributions.push({ node: n.name, delta: MINUS_INFINITY, source });
  }

  /** Resources mandatorily colocated with `rsc`, transitively (pcmk__colocated_resources). */
  private colocatedResources(rsc: WRsc): WRsc[] {
    const seen = new Set<WRsc>([rsc]);
    const queue = [rsc];
    while (queue.length > 0) {
      const r = queue.pop() as WRsc;
      const next: WRsc[] = [];
      for (const c of this.thisWithColocations(r)) if (c.score >= INFINITY) next.push(c.primary);
      for (const c of this.withThisColocations(r)) if (c.score >= INFINITY) next.push(c.dependent);
      for (const n of next) {
        for (const p of n.variant === "primitive" ? [n] : n.variant === "group" ? n.children : []) {
          if (!seen.has(p)) {
            seen.add(p);
            queue.push(p);
          }
        }
      }
    }
    return [...seen];
  }

  private setNextRole(rsc: WRsc, role: Role, reason: string): void {
    rsc.nextRole = role;
    rsc.nextRoleReason = reason;
  }

  private assignBestNode(rsc: WRsc, prefer: WNode | undefined, stopIfFail: boolean): void {
    const current = rsc.runningOn[0];
    const nodes = this.sortNodes(rsc.allowed, current);
    const best = nodes[0];
    let chosen: WNode | undefined;
    if (prefer !== undefined && best !== undefined) {
      const score = rsc.allowed.get(prefer.name);
      if (score === undefined) chosen = undefined;
      else if (score < (rsc.allowed.get(best.name) ?? MINUS_INFINITY) && isAvailable(best)) chosen = undefined;
      else if (!this.nodeAvailable(prefer.name, rsc.allowed, true)) chosen = undefined;
      else chosen = prefer;
    }
    if (chosen === undefined && best !== undefined) {
      chosen = best;
      const bestScore = isAvailable(best) ? (rsc.allowed.get(best.name) ?? MINUS_INFINITY) : MINUS_INFINITY;
      const uniqueInstance = rsc.parent?.variant === "clone" && rsc.parent.unique;
      if (!uniqueInstance && bestScore > 0 && isAvailable(best) && current !== undefined && isAvailable(current)) {
        for (const n of nodes.slice(1)) {
          const s = isAvailable(n) ? (rsc.allowed.get(n.name) ?? MINUS_INFINITY) : MINUS_INFINITY;
          if (s !== bestScore) break;
          if (n === current) chosen = n;
        }
      }
    }
    this.assignTo(rsc, chosen, false, stopIfFail);
  }

  /** pcmk__assign_resource: record the choice (or the failure to place). */
  assignTo(rsc: WRsc, node: WNode | undefined, force: boolean, stopIfFail: boolean): void {
    if (rsc.children.length > 0) {
      for (const c of rsc.children) this.assignTo(c, node, force, stopIfFail);
      rsc.unassigned = false;
      rsc.assigned = node;
      return;
    }
    let target = node;
    if (!force && target !== undefined) {
      const score = rsc.allowed.get(target.name) ?? MINUS_INFINITY;
      if (score < 0 || !isAvailable(target)) {
        if (stopIfFail) this.setNextRole(rsc, "Stopped", "node availability");
        target = undefined;
      }
    }
    this.unassign(rsc);
    rsc.unassigned = false;
    if (target === undefined) {
      if (stopIfFail) this.setNextRole(rsc, "Stopped", "unable to assign");
      return;
    }
    rsc.assigned = target;
    target.numResources++;
    for (const [k, v] of utilizationOf(rsc)) target.remaining.set(k, (target.remaining.get(k) ?? 0) - v);
  }

  unassign(rsc: WRsc): void {
    if (rsc.children.length > 0) {
      for (const c of rsc.children) this.unassign(c);
    }
    const n = rsc.assigned;
    if (n !== undefined && rsc.children.length === 0) {
      n.numResources--;
      for (const [k, v] of utilizationOf(rsc)) n.remaining.set(k, (n.remaining.get(k) ?? 0) + v);
    }
    rsc.assigned = undefined;
    rsc.unassigned = true;
  }

  // ---- colocation lists ----

  thisWithColocations(rsc: WRsc): Colocation[] {
    const list = [...rsc.thisWith];
    const parent = rsc.parent;
    if (parent !== undefined) {
      if (parent.variant === "group") {
        if (parent.children[0] === rsc) list.push(...this.thisWithColocations(parent));
        else {
          // Later members follow the first through the group's internal colocations, unless
          // an earlier member is unmanaged: then the group's mandatory colocations apply.
          for (const m of parent.children) {
            if (m === rsc) break;
            if (!m.managed) {
              list.push(...this.thisWithColocations(parent).filter((c) => c.score >= INFINITY || c.score <= MINUS_INFINITY));
              break;
            }
          }
        }
      } else {
        list.push(...parent.thisWith);
      }
    }
    return list;
  }

  withThisColocations(rsc: WRsc): Colocation[] {
    const list = [...rsc.withThis];
    const parent = rsc.parent;
    if (parent !== undefined && parent.variant === "group") {
      const last = parent.children[parent.children.length - 1];
      if (last === rsc) list.push(...this.withThisColocations(parent));
    } else if (parent !== undefined && parent.variant === "clone") {
      // Instances take only colocations whose dependent is not itself a clone (instances of
      // a dependent clone are matched one by one when that clone is assigned).
      for (const c of parent.withThis) if (c.dependent.variant !== "clone") list.push(c);
    }
    return list;
  }

  // ---- applying colocations ----

  private applyThisWith(c: Colocation, rsc: WRsc): void {
    const primary = c.primary;
    let archive: Table | undefined;
    if (roleRank(c.dependentRole) >= roleRank("Promoted") || (c.score < 0 && c.score > MINUS_INFINITY)) {
      archive = new Map(rsc.allowed);
    }
    if (primary.unassigned) this.assign(primary, undefined, true);
    const before = rsc.contributions.length;
    this.applyColocScore(rsc, primary, c);
    if (archive !== undefined && !this.anyAvailable(rsc.allowed)) {
      rsc.allowed = archive;
      rsc.contributions.splice(before);
      rsc.contributions.push({ node: "*", delta: 0, source: `colocation ${c.id} with ${primary.id} rolled back (no node left)` });
    }
  }

  /** Applies a colocation of `dependent` (a primitive being assigned) with `primary`. */
  applyColocScore(dependent: WRsc, primary: WRsc, c: Colocation): void {
    switch (primary.variant) {
      case "primitive":
        this.applyWithPrimitive(dependent, primary, c);
        return;
      case "group": {
        if (primary.groupColocated) {
          const member = c.score >= INFINITY ? primary.children[primary.children.length - 1] : primary.children[0];
          if (member !== undefined) this.applyColocScore(dependent, member, c);
          return;
        }
        if (c.score >= INFINITY) return;
        for (const m of primary.children) this.applyColocScore(dependent, m, c);
        return;
      }
      case "clone":
        this.applyWithClone(dependent, primary, c);
        return;
      default: {
        const never: never = primary.variant;
        return never;
      }
    }
  }

  private filter(dependent: WRsc, primary: WRsc, c: Colocation): "location" | "role" | "nothing" {
    const depClone = dependent.parent?.variant === "clone" ? dependent.parent : undefined;
    if (roleRank(c.dependentRole) >= roleRank("Unpromoted") && depClone?.promotable === true && !dependent.unassigned) return "role";
    if (!dependent.unassigned) return "nothing";
    // A primary still unassigned (a colocation loop) cannot constrain anything yet.
    if (primary.unassigned) return "nothing";
    if (c.dependentRole !== "Unknown" && c.dependentRole !== dependent.nextRole) return "nothing";
    if (c.primaryRole !== "Unknown" && c.primaryRole !== effectiveNextRole(primary)) return "nothing";
    return "location";
  }

  private applyWithPrimitive(dependent: WRsc, primary: WRsc, c: Colocation): void {
    const f = this.filter(dependent, primary, c);
    if (f === "role") {
      this.applyColocToPriority(dependent, primary, c);
      return;
    }
    if (f !== "location") return;
    this.applyColocToScores(dependent, primary.assigned, c, primary.id);
  }

  applyColocToPriority(dependent: WRsc, primary: WRsc, c: Colocation): void {
    const pn = primary.assigned;
    const dn = dependent.assigned;
    if (pn === undefined || dn === undefined) return;
    const attr = c.nodeAttribute;
    const same = (pn.attrs.get(attr) ?? "") === (dn.attrs.get(attr) ?? "");
    let score = 0;
    if (c.primaryRole !== "Unknown" && c.primaryRole !== effectiveNextRole(primary)) return;
    if (same) score = c.score;
    else if (c.score >= INFINITY) score = MINUS_INFINITY;
    else return;
    dependent.promotionPriority = addScores(dependent.promotionPriority, score);
  }

  /** pcmk__apply_coloc_to_scores. */
  applyColocToScores(dependent: WRsc, primaryNode: WNode | undefined, c: Colocation, primaryId: string): void {
    const attr = c.nodeAttribute;
    if (primaryNode === undefined && c.score < 0) return;
    const value = primaryNode?.attrs.get(attr);
    const work: Table = new Map(dependent.allowed);
    const changes: { node: string; delta: number }[] = [];
    for (const [name, score] of work) {
      if (primaryNode === undefined) {
        work.set(name, addScores(-c.score, score));
        changes.push({ node: name, delta: -c.score });
        continue;
      }
      const node = this.ws.nodeByName.get(name);
      if (node !== undefined && node.attrs.get(attr) === value) {
        if (c.score < INFINITY) {
          work.set(name, addScores(c.score, score));
          changes.push({ node: name, delta: c.score });
        }
      } else if (c.score >= INFINITY) {
        work.set(name, MINUS_INFINITY);
        changes.push({ node: name, delta: MINUS_INFINITY });
      }
    }
    if (c.score <= MINUS_INFINITY || c.score >= INFINITY || this.anyAvailable(work)) {
      dependent.allowed = work;
      const why = primaryNode === undefined ? `colocation ${c.id} with ${primaryId} (which cannot run)` : `colocation ${c.id} with ${primaryId}`;
      for (const ch of changes) if (ch.delta !== 0) dependent.contributions.push({ node: ch.node, delta: ch.delta, source: why });
    } else {
      dependent.contributions.push({ node: "*", delta: 0, source: `colocation ${c.id} with ${primaryId} rolled back (no node left)` });
    }
  }

  private applyWithClone(dependent: WRsc, clone: WRsc, c: Colocation): void {
    if (clone.unassigned) return;
    if (clone.promotable && c.primaryRole !== "Unknown") {
      if (!dependent.unassigned) return;
      // Where the clone will have instances in that role (update_dependent_with_promotable).
      const nodes = new Map<string, number>();
      for (const inst of clone.children) {
        const n = inst.assigned ?? (inst.variant === "group" ? inst.children[0]?.assigned : undefined);
        if (n === undefined || effectiveNextRole(inst) !== c.primaryRole) continue;
        const target = inst.variant === "primitive" ? inst : inst.children[0];
        nodes.set(n.name, target?.allowed.get(n.name) ?? 0);
        if (c.score < INFINITY) {
          const value = n.attrs.get(c.nodeAttribute);
          for (const [name, score] of dependent.allowed) {
            if (this.ws.nodeByName.get(name)?.attrs.get(c.nodeAttribute) === value) {
              dependent.allowed.set(name, addScores(score, c.score));
              dependent.contributions.push({ node: name, delta: c.score, source: `colocation ${c.id} with ${clone.id} (${c.primaryRole})` });
            }
          }
        }
      }
      if (c.score >= INFINITY && (c.dependentRole !== "Promoted" || c.primaryRole !== "Promoted")) {
        for (const [name, score] of dependent.allowed) {
          const add = nodes.get(name);
          if (add === undefined) {
            dependent.allowed.set(name, MINUS_INFINITY);
            dependent.contributions.push({ node: name, delta: MINUS_INFINITY, source: `colocation ${c.id} with ${clone.id} (${c.primaryRole})` });
          } else dependent.allowed.set(name, addScores(score, add));
        }
      }
      return;
    }
    const depClone = dependent.parent?.variant === "clone" ? dependent.parent : dependent.parent?.parent?.variant === "clone" ? dependent.parent.parent : undefined;
    if (depClone !== undefined && depClone.interleave && depClone !== clone) {
      const inst = this.findCompatibleInstance(dependent, clone);
      if (inst !== undefined) {
        this.applyColocScore(dependent, inst, c);
      } else if (c.score >= INFINITY) {
        this.assignTo(dependent, undefined, true, true);
      }
      return;
    }
    if (c.score >= INFINITY) {
      const nodes = new Set<string>();
      for (const inst of clone.children) {
        const n = inst.assigned ?? (inst.variant === "group" ? inst.children[0]?.assigned : undefined);
        if (n !== undefined && !inst.blocked) nodes.add(n.name);
      }
      this.intersectOrAdd(dependent, nodes, c, clone.id);
      return;
    }
    for (const inst of clone.children) this.applyColocScore(dependent, inst, c);
  }

  private intersectOrAdd(dependent: WRsc, nodes: Set<string>, c: Colocation, primaryId: string): void {
    if (c.score >= INFINITY) {
      for (const [name] of dependent.allowed) {
        if (!nodes.has(name)) {
          dependent.allowed.set(name, MINUS_INFINITY);
          dependent.contributions.push({ node: name, delta: MINUS_INFINITY, source: `colocation ${c.id} with ${primaryId}` });
        }
      }
      return;
    }
    const work = new Map(dependent.allowed);
    for (const [name, score] of work) {
      if (nodes.has(name)) work.set(name, addScores(score, c.score));
    }
    if (c.score <= MINUS_INFINITY || this.anyAvailable(work)) {
      dependent.allowed = work;
      for (const name of nodes) dependent.contributions.push({ node: name, delta: c.score, source: `colocation ${c.id} with ${primaryId}` });
    }
  }

  private findCompatibleInstance(dependent: WRsc, clone: WRsc): WRsc | undefined {
    const onNode = (n: WNode): WRsc | undefined =>
      clone.children.find((inst) => (inst.assigned ?? (inst.variant === "group" ? inst.children[0]?.assigned : undefined)) === n);
    if (dependent.assigned !== undefined) return onNode(dependent.assigned);
    for (const n of this.sortNodes(dependent.allowed, undefined)) {
      const inst = onNode(n);
      if (inst !== undefined) return inst;
    }
    return undefined;
  }

  // ---- dependents' preferences ----

  private addDependentScores(c: Colocation, target: WRsc): void {
    if (!c.influence) return;
    const work = this.addColocatedNodeScores(c.dependent, target, target.allowed, c, c.score / INFINITY, target.variant === "clone", true);
    if (work !== undefined) {
      for (const [name, score] of work) {
        const old = target.allowed.get(name) ?? 0;
        if (score !== old) target.contributions.push({ node: name, delta: score - old, source: `preferences of ${c.dependent.id} (colocated with it by ${c.id})` });
      }
      target.allowed = work;
    }
  }

  /**
   * pcmk__add_colocated_node_scores: a copy of `nodes` with `source`'s preferences (and,
   * recursively, those of resources colocated with it) added, scaled by `factor`.
   * Returns undefined when nothing changes.
   */
  addColocatedNodeScores(
    source: WRsc,
    target: WRsc,
    nodes: Table,
    c: Colocation,
    factor: number,
    onlyPositive: boolean,
    selectActive: boolean,
  ): Table | undefined {
    if (source.variant === "group") {
      const member = source.children[0];
      if (member === undefined) return undefined;
      return this.addColocatedNodeScores(member, target, nodes, c, factor, onlyPositive, selectActive);
    }
    if (source.updatingNodes) return undefined;
    source.updatingNodes = true;
    const work: Table = new Map(nodes);
    this.addNodeScoresMatchingAttr(work, source, target, c, factor, onlyPositive);
    let result: Table | undefined = work;
    if (this.anyAvailable(work)) {
      for (const other of this.withThisColocations(source)) {
        if (!other.influence) continue;
        const otherFactor = (factor * other.score) / INFINITY;
        const next = this.addColocatedNodeScores(other.dependent, target, result, other, otherFactor, onlyPositive, true);
        if (next !== undefined) result = next;
      }
    } else if (selectActive) {
      result = undefined;
    }
    if (result !== undefined && onlyPositive) {
      for (const [k, v] of result) if (v === INFINITY_HACK) result.set(k, 1);
    }
    source.updatingNodes = false;
    return result;
  }

  private addNodeScoresMatchingAttr(work: Table, source: WRsc, target: WRsc, c: Colocation, factor: number, onlyPositive: boolean): void {
    const attr = c.nodeAttribute;
    // Best score of `source` among nodes sharing the attribute value.
    const byValue = new Map<string, number>();
    const table = source.variant === "clone" ? source.allowed : source.allowed;
    for (const [name, score] of table) {
      const n = this.ws.nodeByName.get(name);
      if (n === undefined || !isAvailable(n)) continue;
      const v = n.attrs.get(attr) ?? "";
      const best = byValue.get(v);
      if (best === undefined || score > best) byValue.set(v, score);
    }
    void target;
    for (const [name, weight] of work) {
      const n = this.ws.nodeByName.get(name);
      const value = n?.attrs.get(attr) ?? "";
      const score = byValue.get(value) ?? MINUS_INFINITY;
      if (factor < 0 && score < 0) {
        // A double negative counts only when the dependent can run on a single node.
        if (c.primary.stickiness >= -score || !c.influence || !this.allowedOnOne(c.dependent)) continue;
      }
      if (weight === INFINITY_HACK) continue;
      const deltaF = factor * score;
      let delta = deltaF < 0 ? Math.trunc(deltaF - 0.5) : Math.trunc(deltaF + 0.5);
      if (delta === 0 && score !== 0) delta = factor > 0 ? 1 : factor < 0 ? -1 : 0;
      const newScore = addScores(delta, weight);
      if (onlyPositive && newScore < 0 && weight > 0) {
        work.set(name, INFINITY_HACK);
        continue;
      }
      if (onlyPositive && newScore < 0 && weight === 0) continue;
      work.set(name, newScore);
    }
  }

  private allowedOnOne(rsc: WRsc): boolean {
    let n = 0;
    for (const score of rsc.allowed.values()) if (score >= 0 && ++n > 1) return false;
    return n === 1;
  }

  // ---- groups ----

  private assignGroup(rsc: WRsc, prefer: WNode | undefined, stopIfFail: boolean): WNode | undefined {
    if (!rsc.unassigned) return rsc.assigned;
    if (rsc.assigning) return undefined;
    if (rsc.children.length === 0) {
      rsc.unassigned = false;
      return undefined;
    }
    rsc.assigning = true;
    let first: WNode | undefined;
    let firstSet = false;
    for (const m of rsc.children) {
      const n = this.assign(m, prefer, stopIfFail);
      if (!firstSet) {
        first = n;
        firstSet = true;
      }
    }
    rsc.nextRole = rsc.children[0]?.nextRole ?? "Unknown";
    rsc.assigning = false;
    rsc.unassigned = false;
    rsc.assigned = rsc.groupColocated ? first : undefined;
    return rsc.assigned;
  }

  // ---- clones ----

  private assignClone(clone: WRsc): void {
    if (!clone.unassigned || clone.assigning) return;
    clone.assigning = true;
    if (clone.promotable) addPromotionScores(this.ws, clone);
    for (const c of clone.thisWith) if (c.primary.unassigned) this.assign(c.primary, undefined, true);
    for (const c of clone.withThis) {
      if (!c.influence) continue;
      const work = this.addColocatedNodeScores(c.dependent, clone, clone.allowed, c, c.score / INFINITY, true, true);
      if (work !== undefined) clone.allowed = work;
    }
    // Promotable clones: among otherwise equal instances, the one with the best promotion
    // score goes first (it gets its preferred node before the others are spread).
    const bestPromotion = new Map<WRsc, number>();
    if (clone.promotable) {
      for (const inst of clone.children) {
        let best = MINUS_INFINITY;
        for (const n of this.ws.nodes) {
          const { score, isDefault } = promotionScore(inst, clone, n);
          if (!isDefault && score > best) best = score;
        }
        bestPromotion.set(inst, best);
      }
    }
    const instances = [...clone.children].sort((a, b) => {
      const c = cmpInstance(a, b);
      if (c !== 0 || !clone.promotable || activeNodeCount(a) > 0 || activeNodeCount(b) > 0) return c;
      return (bestPromotion.get(b) ?? 0) - (bestPromotion.get(a) ?? 0) || a.instance - b.instance;
    });
    this.assignInstances(clone, instances, clone.cloneMax, clone.cloneNodeMax);
    if (clone.promotable && this.promoter !== undefined) this.promoter.setInstanceRoles(clone);
    clone.unassigned = false;
    clone.assigning = false;
  }

  private instanceNode(inst: WRsc): WNode | undefined {
    if (inst.variant === "primitive") return inst.assigned;
    return inst.children[0]?.assigned;
  }

  assignInstances(clone: WRsc, instances: WRsc[], maxTotal: number, maxPerNode: number): void {
    // Instances assigned per node (Pacemaker reuses the parent's node counts for this).
    let counts = new Map<string, number>();
    let availableNodes = 0;
    for (const [name] of clone.allowed) {
      counts.set(name, 0);
      const n = this.ws.nodeByName.get(name);
      if (n !== undefined && isAvailable(n)) availableNodes++;
    }
    const optimal = Math.max(1, availableNodes > 0 ? Math.floor(maxTotal / availableNodes) : 0);
    let assigned = 0;
    const canRun = (inst: WRsc, node: WNode): boolean => {
      if (inst.orphan) return false;
      if (!isAvailable(node)) return false;
      const parentScore = clone.allowed.get(node.name);
      if (parentScore === undefined || parentScore < 0) return false;
      return (counts.get(node.name) ?? 0) < maxPerNode;
    };
    const banUnavailable = (inst: WRsc): void => {
      for (const [name] of inst.allowed) {
        const node = this.ws.nodeByName.get(name);
        if (node === undefined || !canRun(inst, node)) {
          inst.allowed.set(name, MINUS_INFINITY);
          for (const ch of inst.children) ch.allowed.set(name, MINUS_INFINITY);
        }
      }
    };
    /** assign_instance: ban full nodes, assign (reversibly when preferring a node), count it. */
    const assignInstance = (inst: WRsc, prefer: WNode | undefined): WNode | undefined => {
      if (inst.assigning) return undefined;
      banUnavailable(inst);
      let chosen = this.assign(inst, prefer, prefer === undefined);
      if (inst.variant === "group") chosen = this.instanceNode(inst);
      if (chosen !== undefined) counts.set(chosen.name, (counts.get(chosen.name) ?? 0) + 1);
      return chosen;
    };
    /**
     * assign_instance_early: keep an active instance on its current node unless other
     * nodes need the instances more; each time it would go elsewhere, reserve an
     * instance for that node and retry (no shuffling of active instances).
     */
    const assignEarly = (inst: WRsc, current: WNode, available: number): boolean => {
      const own = inst.variant === "primitive" ? inst.allowed.get(current.name) : inst.children[0]?.allowed.get(current.name);
      if (own === undefined || own < 0 || !isAvailable(current)) return false;
      const backup = snapshotTables(inst);
      const original = counts;
      counts = new Map(original);
      let chosen: WNode | undefined;
      let reserved = 0;
      while (reserved < available) {
        chosen = assignInstance(inst, current);
        if (chosen === current) break;
        restoreTables(inst, backup);
        if (chosen === undefined) {
          this.unassign(inst);
          resetAssignFlags(inst);
          break;
        }
        reserved++;
        this.unassign(inst);
        resetAssignFlags(inst);
        chosen = undefined;
      }
      counts = original;
      if (chosen === undefined) return false;
      counts.set(chosen.name, (counts.get(chosen.name) ?? 0) + 1);
      return true;
    };
    for (const inst of instances) {
      if (assigned >= maxTotal) break;
      if (!inst.unassigned) continue;
      const current = preferredNode(inst);
      if (current === undefined || !isAvailable(current)) continue;
      if ((counts.get(current.name) ?? 0) >= optimal) continue;
      if (assignEarly(inst, current, maxTotal - assigned)) assigned++;
    }
    for (const inst of instances) {
      if (!inst.unassigned) continue;
      if (assigned >= maxTotal) {
        for (const n of this.ws.nodes) setRecursive(inst, n.name, MINUS_INFINITY);
        inst.reasons.push("clone-max instances already placed");
        this.assign(inst, undefined, true);
        continue;
      }
      if (assignInstance(inst, undefined) !== undefined) assigned++;
    }
  }
}

const INFINITY_HACK = INFINITY * -100;

function setRecursive(r: WRsc, node: string, score: number): void {
  r.allowed.set(node, score);
  for (const c of r.children) setRecursive(c, node, score);
}

function snapshotTables(r: WRsc): Map<WRsc, Table> {
  const out = new Map<WRsc, Table>();
  const visit = (x: WRsc): void => {
    out.set(x, new Map(x.allowed));
    x.children.forEach(visit);
  };
  visit(r);
  return out;
}

function restoreTables(r: WRsc, backup: Map<WRsc, Table>): void {
  const visit = (x: WRsc): void => {
    const t = backup.get(x);
    if (t !== undefined) x.allowed = t;
    x.children.forEach(visit);
  };
  visit(r);
}

function resetAssignFlags(r: WRsc): void {
  r.unassigned = true;
  r.assigning = false;
  if (r.nextRoleReason === "node availability" || r.nextRoleReason === "unable to assign") {
    r.nextRole = r.targetRole === "Stopped" ? "Stopped" : "Unknown";
    r.nextRoleReason = "";
  }
  r.children.forEach(resetAssignFlags);
}

function preferredNode(inst: WRsc): WNode | undefined {
  const prims = inst.variant === "primitive" ? [inst] : inst.children;
  if (prims.some((p) => p.failed)) return undefined;
  const nodes = new Set<WNode>();
  for (const p of prims) for (const n of p.runningOn) nodes.add(n);
  if (nodes.size !== 1) return undefined;
  return [...nodes][0];
}

function activeNodeCount(inst: WRsc): number {
  const nodes = new Set<WNode>();
  for (const p of inst.variant === "primitive" ? [inst] : inst.children) for (const n of p.runningOn) nodes.add(n);
  return nodes.size;
}

/** Instance order: active before inactive, fewer nodes, not failed, higher role, then instance number. */
function cmpInstance(a: WRsc, b: WRsc): number {
  const na = activeNodeCount(a);
  const nb = activeNodeCount(b);
  if (na > 0 && nb > 0 && na !== nb) return na - nb;
  if ((na > 0) !== (nb > 0)) return na > 0 ? -1 : 1;
  const fa = (a.variant === "primitive" ? [a] : a.children).some((p) => p.failed);
  const fb = (b.variant === "primitive" ? [b] : b.children).some((p) => p.failed);
  if (fa !== fb) return fa ? 1 : -1;
  const ra = roleRank(a.variant === "primitive" ? a.role : (a.children[0]?.role ?? "Stopped"));
  const rb = roleRank(b.variant === "primitive" ? b.role : (b.children[0]?.role ?? "Stopped"));
  if (ra !== rb) return rb - ra;
  if (na === 0 && nb === 0) return 0;
  return a.instance - b.instance;
}

export function effectiveNextRole(r: WRsc): Role {
  if (r.nextRole !== "Unknown") return r.nextRole;
  if (!r.unassigned) return r.assigned === undefined && r.variant === "primitive" ? "Stopped" : "Started";
  return r.role === "Stopped" || r.role === "Unknown" ? "Started" : r.role;
}

function utilizationOf(rsc: WRsc): Map<string, number> {
  return rsc.utilization;
}

/** pcmk__compare_node_capacities: negative when `a` has more free capacity than `b`. */
function compareCapacity(a: WNode, b: WNode): number {
  let result = 0;
  for (const [k, v] of a.remaining) {
    const w = b.remaining.get(k) ?? 0;
    if (v > w) result--;
    else if (v < w) result++;
  }
  for (const [k, w] of b.remaining) {
    if (a.remaining.has(k)) continue;
    if (w > 0) result++;
    else if (w < 0) result--;
  }
  return result;
}

/** Whether a node has room for `needed` in every capacity it defines (undefined ones are unlimited). */
function hasCapacity(node: WNode, needed: Map<string, number>): boolean {
  for (const [k, remaining] of node.remaining) if ((needed.get(k) ?? 0) > remaining) return false;
  return true;
}
