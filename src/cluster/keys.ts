/** The key layout of one cluster in the store (DESIGN.md, "The picture"). */
export function clusterPrefix(cluster: string): string {
  return `/tandem/${cluster}/`;
}

export function nodesPrefix(cluster: string): string {
  return `${clusterPrefix(cluster)}nodes/`;
}

export function nodeKey(cluster: string, node: string): string {
  return `${nodesPrefix(cluster)}${node}`;
}

export function electionPrefix(cluster: string): string {
  return `${clusterPrefix(cluster)}election/`;
}

/** The elected DC's record: {name, epoch}, written by the leader under its guard. */
export function dcKey(cluster: string): string {
  return `${clusterPrefix(cluster)}dc`;
}
