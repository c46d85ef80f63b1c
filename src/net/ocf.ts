/**
 * The OCF exit codes the network agents return (OCF resource agent API, "Return codes").
 * Agent operations return them as values: "not running" is an answer, not an error.
 */

export const OCF_SUCCESS = 0;
export const OCF_ERR_GENERIC = 1;
export const OCF_ERR_ARGS = 2;
export const OCF_ERR_UNIMPLEMENTED = 3;
export const OCF_ERR_INSTALLED = 5;
export const OCF_ERR_CONFIGURED = 6;
export const OCF_NOT_RUNNING = 7;

export type OcfRc =
  | typeof OCF_SUCCESS
  | typeof OCF_ERR_GENERIC
  | typeof OCF_ERR_ARGS
  | typeof OCF_ERR_UNIMPLEMENTED
  | typeof OCF_ERR_INSTALLED
  | typeof OCF_ERR_CONFIGURED
  | typeof OCF_NOT_RUNNING;

export interface AgentResult {
  rc: OcfRc;
  /** One sentence for logs and `tandem status` failure lines. */
  message: string;
}

export function ok(message: string): AgentResult {
  return { rc: OCF_SUCCESS, message };
}
