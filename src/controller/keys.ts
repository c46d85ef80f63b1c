/**
 * The controller's part of the key layout (DESIGN.md): the CIB, what each node reports
 * (op history and node attributes) and the work the DC hands to each node.
 *
 *   /tandem/<c>/cib                              configuration XML (CAS on its modRevision)
 *   /tandem/<c>/status/<node>/lrm/<rsc>/<op-id>  one OpRecord (JSON) per lrm_rsc_op entry
 *   /tandem/<c>/status/<node>/attrs/<name>       a transient node attribute (fail-count-…)
 *   /tandem/<c>/actions/<node>/<action-key>      an ActionEnvelope (JSON) for node's executor
 */

export function clusterRoot(cluster: string): string {
  return `/tandem/${cluster}/`;
}

export function cibKey(cluster: string): string {
  return `${clusterRoot(cluster)}cib`;
}

export function statusPrefix(cluster: string): string {
  return `${clusterRoot(cluster)}status/`;
}

export function nodeStatusPrefix(cluster: string, node: string): string {
  return `${statusPrefix(cluster)}${node}/`;
}

export function opKey(cluster: string, node: string, resourceId: string, opId: string): string {
  return `${nodeStatusPrefix(cluster, node)}lrm/${resourceId}/${opId}`;
}

export function resourceStatusPrefix(cluster: string, node: string, resourceId: string): string {
  return `${nodeStatusPrefix(cluster, node)}lrm/${resourceId}/`;
}

export function attrKey(cluster: string, node: string, name: string): string {
  return `${nodeStatusPrefix(cluster, node)}attrs/${name}`;
}

export function actionsPrefix(cluster: string): string {
  return `${clusterRoot(cluster)}actions/`;
}

export function nodeActionsPrefix(cluster: string, node: string): string {
  return `${actionsPrefix(cluster)}${node}/`;
}

export function actionKey(cluster: string, node: string, key: string): string {
  return `${nodeActionsPrefix(cluster, node)}${key}`;
}

export type StatusKey =
  | { kind: "op"; node: string; resourceId: string; opId: string }
  | { kind: "attr"; node: string; name: string };

/** Parses a key under statusPrefix; undefined for anything else. */
export function parseStatusKey(cluster: string, key: string): StatusKey | undefined {
  const prefix = statusPrefix(cluster);
  if (!key.startsWith(prefix)) return undefined;
  const parts = key.slice(prefix.length).split("/");
  const [node, kind, a, b] = parts;
  if (node === undefined || node === "") return undefined;
  if (kind === "lrm" && a !== undefined && b !== undefined && parts.length === 4) return { kind: "op", node, resourceId: a, opId: b };
  if (kind === "attrs" && a !== undefined && parts.length === 3) return { kind: "attr", node, name: a };
  return undefined;
}

/** Parses a key under actionsPrefix into its node and action key. */
export function parseActionKey(cluster: string, key: string): { node: string; key: string } | undefined {
  const prefix = actionsPrefix(cluster);
  if (!key.startsWith(prefix)) return undefined;
  const rest = key.slice(prefix.length);
  const slash = rest.indexOf("/");
  if (slash <= 0 || slash === rest.length - 1) return undefined;
  return { node: rest.slice(0, slash), key: rest.slice(slash + 1) };
}

/** Requests to one node from the CLI (e.g. `resource cleanup`), outside the DC's graph. */
export function nodeRequestsPrefix(cluster: string, node: string): string {
  return `${clusterRoot(cluster)}requests/${node}/`;
}

/**
 * A fence request for one node (`{incarnation, by, atMs}`): written when the node was
 * declared dead; if that incarnation is alive after all, it stops everything and rejoins.
 */
export function fenceKey(cluster: string, node: string): string {
  return `${clusterRoot(cluster)}fence/${node}`;
}
