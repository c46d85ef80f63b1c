/**
 * HTTP transport to etcd's v3 JSON gateway (the grpc-gateway every etcd 3.4 member serves
 * on its client URL): endpoint failover, timeouts, TLS, user/password tokens, and the
 * mapping of gRPC status codes to store error codes. No npm dependency: node's http(s).
 */
import http from "node:http";
import https from "node:https";
import { TandemError } from "../core/index.js";
import { storeError } from "./errors.js";

export interface EtcdTlsOptions {
  /** PEM contents (not paths). */
  readonly ca?: string | Buffer;
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
  /** Defaults to true; only tests with self-made certificates should turn it off. */
  readonly rejectUnauthorized?: boolean;
}

export interface EtcdAuthOptions {
  readonly username: string;
  readonly password: string;
}

export interface EtcdConnectionOptions {
  /** Client URLs, e.g. ["http://10.0.0.1:2379", "http://10.0.0.2:2379"]. */
  readonly endpoints: readonly string[];
  /** Whole-request timeout for unary calls (default 1500 ms). */
  readonly requestTimeoutMs?: number;
  /** Time allowed to open a TCP/TLS connection (default 500 ms). */
  readonly connectTimeoutMs?: number;
  readonly tls?: EtcdTlsOptions;
  readonly auth?: EtcdAuthOptions;
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface CallOptions {
  /** Safe to send again to another member if the first try may have been applied. */
  readonly idempotent: boolean;
  readonly timeoutMs?: number;
}

/** Why one attempt failed, and whether the request can have reached etcd. */
function isTlsError(code: string | undefined): boolean {
  return code !== undefined && (TLS_ERRORS.has(code) || code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_"));
}

class AttemptError extends Error {
  constructor(
    message: string,
    readonly maybeApplied: boolean,
    readonly grpcCode: number | undefined,
    readonly httpStatus: number | undefined,
  ) {
    super(message);
  }
}

/** Certificate problems: configuration errors, not outages; retrying cannot help. */
const TLS_ERRORS = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
  "EPROTO",
]);

const UNAVAILABLE_MESSAGES = ["no leader", "leader changed", "request timed out", "too many requests", "not capable", "server stopped", "timed out waiting"];

/** Maps a gRPC status (as the gateway reports it) to a store error. */
export function grpcToStoreError(code: number | undefined, message: string, endpoint: string): TandemError {
  const details = { endpoint, grpcCode: code ?? null };
  if (message.includes("compacted")) return storeError("STORE_COMPACTED", `etcd: ${message}`, details);
  if (message.includes("future revision")) return storeError("STORE_FUTURE_REVISION", `etcd: ${message}`, details);
  if (message.includes("lease not found")) return storeError("STORE_LEASE_NOT_FOUND", `etcd: ${message}`, details);
  if (isAuthMissingError(message)) return storeError("STORE_AUTH_FAILED", `etcd: ${message}`, details);
  if (UNAVAILABLE_MESSAGES.some((m) => message.includes(m))) return storeError("STORE_UNAVAILABLE", `etcd at ${endpoint}: ${message}`, details);
  switch (code) {
    case 3: // INVALID_ARGUMENT
      if (message.includes("authentication failed")) return storeError("STORE_AUTH_FAILED", `etcd: ${message}`, details);
      return storeError("STORE_BAD_REQUEST", `etcd: ${message}`, details);
    case 7: // PERMISSION_DENIED
    case 16: // UNAUTHENTICATED
      return storeError("STORE_AUTH_FAILED", `etcd: ${message}`, details);
    case 4: // DEADLINE_EXCEEDED
    case 14: // UNAVAILABLE
    case 8: // RESOURCE_EXHAUSTED
      return storeError("STORE_UNAVAILABLE", `etcd at ${endpoint}: ${message}`, details);
    case 9: // FAILED_PRECONDITION (e.g. auth not enabled)
    case 11: // OUT_OF_RANGE
      return storeError("STORE_BAD_REQUEST", `etcd: ${message}`, details);
    default:
      return storeError("STORE_PROTOCOL", `etcd at ${endpoint} answered an unexpected error: ${message}`, details);
  }
}

function isAuthTokenError(message: string): boolean {
  return message.includes("invalid auth token") || message.includes("user name is empty");
}

function isAuthMissingError(message: string): boolean {
  return isAuthTokenError(message) || message.includes("permission denied");
}

/** Reads the gateway's error body: `{error, message, code}` or `{error: {grpc_code, message}}`. */
export function parseGatewayError(body: Json): { code: number | undefined; message: string } | undefined {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return undefined;
  const e = body["error"];
  if (e === undefined) return undefined;
  if (typeof e === "string") {
    const code = body["code"];
    const message = body["message"];
    return { code: typeof code === "number" ? code : undefined, message: typeof message === "string" ? message : e };
  }
  if (e !== null && typeof e === "object" && !Array.isArray(e)) {
    const code = e["grpc_code"] ?? e["code"];
    const message = e["message"];
    return { code: typeof code === "number" ? code : undefined, message: typeof message === "string" ? message : JSON.stringify(e) };
  }
  return { code: undefined, message: JSON.stringify(e) };
}

export class EtcdHttp {
  readonly endpoints: readonly URL[];
  private current = 0;
  private token: string | undefined;
  private tokenPromise: Promise<string> | undefined;
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  private readonly httpsAgent: https.Agent;
  private closed = false;
  readonly requestTimeoutMs: number;
  readonly connectTimeoutMs: number;
  private readonly streams = new Set<http.ClientRequest>();

  constructor(readonly options: EtcdConnectionOptions) {
    if (options.endpoints.length === 0) throw storeError("STORE_BAD_REQUEST", "no etcd endpoints given");
    this.endpoints = options.endpoints.map((e) => {
      let url: URL;
      try {
        url = new URL(e);
      } catch {
        throw storeError("STORE_BAD_REQUEST", `invalid etcd endpoint '${e}': expected a URL like http://127.0.0.1:2379`);
      }
      if (url.protocol !== "http:" && url.protocol !== "https:") {
        throw storeError("STORE_BAD_REQUEST", `invalid etcd endpoint '${e}': the scheme must be http or https`);
      }
      return url;
    });
    this.requestTimeoutMs = options.requestTimeoutMs ?? 1500;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 500;
    const tls = options.tls;
    this.httpsAgent = new https.Agent({
      keepAlive: true,
      maxSockets: 16,
      ...(tls?.ca === undefined ? {} : { ca: tls.ca }),
      ...(tls?.cert === undefined ? {} : { cert: tls.cert }),
      ...(tls?.key === undefined ? {} : { key: tls.key }),
      rejectUnauthorized: tls?.rejectUnauthorized ?? true,
    });
  }

  /** The endpoint calls go to first (moves on after a failure). */
  get currentEndpoint(): string {
    return (this.endpoints[this.current] as URL).origin;
  }

  private advance(from: number): void {
    if (this.current === from) this.current = (from + 1) % this.endpoints.length;
  }

  /**
   * One unary call. Tries members in turn: always when the request cannot have been
   * applied (connection refused or not connected in time), and also after a timeout or an
   * "unavailable" answer when the call is idempotent. Non-idempotent calls that may have
   * been applied fail with a retryable STORE_UNAVAILABLE: the caller re-reads and decides.
   */
  async call(path: string, body: JsonObject, options: CallOptions): Promise<JsonObject> {
    if (this.closed) throw storeError("STORE_CLOSED", "the etcd client is closed");
    // Each member gets the whole per-request timeout: a hung member must not use up the
    // time of the healthy ones. A call takes at most (members × timeout).
    const timeoutMs = options.timeoutMs ?? this.requestTimeoutMs;
    let lastError: AttemptError | undefined;
    let reauthenticated = false;
    for (let attempt = 0; attempt < this.endpoints.length; attempt++) {
      const index = this.current;
      const endpoint = this.endpoints[index] as URL;
      try {
        const headers = await this.authHeaders(timeoutMs);
        return await this.attempt(endpoint, path, body, headers, timeoutMs);
      } catch (error) {
        if (error instanceof TandemError) throw error; // auth failures and closed client
        if (!(error instanceof AttemptError)) throw error;
        lastError = error;
        if (error.grpcCode !== undefined) {
          const mapped = grpcToStoreError(error.grpcCode, error.message, endpoint.origin);
          if (isAuthTokenError(error.message) && this.options.auth !== undefined && !reauthenticated) {
            reauthenticated = true;
            this.token = undefined;
            attempt--;
            continue;
          }
          if (mapped.code !== "STORE_UNAVAILABLE") throw mapped;
        }
        this.advance(index);
        if (error.maybeApplied && !options.idempotent) break;
      }
    }
    throw storeError(
      "STORE_UNAVAILABLE",
      `etcd is unavailable (${lastError?.message ?? "no answer"}; endpoints: ${this.endpoints.map((e) => e.origin).join(", ")})`,
      { endpoints: this.endpoints.map((e) => e.origin) },
      lastError,
    );
  }

  private async authHeaders(timeoutMs: number): Promise<Record<string, string>> {
    const auth = this.options.auth;
    if (auth === undefined) return {};
    if (this.token === undefined) {
      this.tokenPromise ??= this.authenticate(auth, timeoutMs).finally(() => {
        this.tokenPromise = undefined;
      });
      this.token = await this.tokenPromise;
    }
    return { authorization: this.token };
  }

  private async authenticate(auth: EtcdAuthOptions, timeoutMs: number): Promise<string> {
    let last: AttemptError | undefined;
    for (let i = 0; i < this.endpoints.length; i++) {
      const index = this.current;
      const endpoint = this.endpoints[index] as URL;
      try {
        const res = await this.attempt(endpoint, "/v3/auth/authenticate", { name: auth.username, password: auth.password }, {}, timeoutMs);
        const token = res["token"];
        if (typeof token !== "string" || token.length === 0) throw storeError("STORE_PROTOCOL", "etcd returned no auth token");
        return token;
      } catch (error) {
        if (!(error instanceof AttemptError)) throw error;
        if (error.grpcCode !== undefined) {
          const mapped = grpcToStoreError(error.grpcCode, error.message, endpoint.origin);
          if (mapped.code !== "STORE_UNAVAILABLE") {
            throw storeError("STORE_AUTH_FAILED", `etcd refused user '${auth.username}': ${error.message}`, { endpoint: endpoint.origin });
          }
        }
        last = error;
        this.advance(index);
      }
    }
    throw storeError("STORE_UNAVAILABLE", `etcd is unavailable for authentication (${last?.message ?? "no answer"})`);
  }

  private requestFn(endpoint: URL): typeof http.request {
    return endpoint.protocol === "https:" ? https.request : http.request;
  }

  private attempt(endpoint: URL, path: string, body: JsonObject, headers: Record<string, string>, timeoutMs: number): Promise<JsonObject> {
    return new Promise<JsonObject>((resolve, reject) => {
      const payload = JSON.stringify(body);
      let connected = false;
      let settled = false;
      const finish = (error: AttemptError | TandemError | undefined, value?: JsonObject): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearTimeout(connectTimer);
        if (error !== undefined) reject(error);
        else resolve(value as JsonObject);
      };
      const req = this.requestFn(endpoint)(
        {
          protocol: endpoint.protocol,
          hostname: endpoint.hostname,
          port: endpoint.port,
          method: "POST",
          path,
          agent: endpoint.protocol === "https:" ? this.httpsAgent : this.httpAgent,
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload), ...headers },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", (e) => finish(new AttemptError(`${endpoint.origin}: ${e.message}`, true, undefined, res.statusCode)));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let parsed: Json;
            try {
              parsed = JSON.parse(text) as Json;
            } catch {
              finish(new AttemptError(`${endpoint.origin}${path}: HTTP ${res.statusCode ?? 0} with a body that is not JSON`, true, undefined, res.statusCode));
              return;
            }
            // Streaming endpoints (keepalive) wrap their answer in {"result": …}.
            const gatewayError = parseGatewayError(parsed);
            if (gatewayError !== undefined) {
              // "no leader" is refused before proposing: safe to send to another member.
              const notApplied = gatewayError.message.includes("no leader") || gatewayError.message.includes("not capable");
              finish(new AttemptError(gatewayError.message, !notApplied, gatewayError.code ?? 2, res.statusCode));
              return;
            }
            if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
              finish(new AttemptError(`${endpoint.origin}${path}: unexpected answer`, true, undefined, res.statusCode));
              return;
            }
            const inner = parsed["result"];
            if (inner !== undefined && inner !== null && typeof inner === "object" && !Array.isArray(inner)) finish(undefined, inner);
            else finish(undefined, parsed);
          });
        },
      );
      const timer = setTimeout(() => {
        finish(new AttemptError(`${endpoint.origin}: no answer within ${Math.round(timeoutMs)} ms`, connected, undefined, undefined));
        req.destroy();
      }, timeoutMs);
      const connectTimer = setTimeout(() => {
        if (connected) return;
        finish(new AttemptError(`${endpoint.origin}: could not connect within ${this.connectTimeoutMs} ms`, false, undefined, undefined));
        req.destroy();
      }, Math.min(this.connectTimeoutMs, timeoutMs));
      req.on("socket", (socket) => {
        // A reused keep-alive socket is already connected.
        if (!socket.connecting) connected = true;
        else socket.once(endpoint.protocol === "https:" ? "secureConnect" : "connect", () => (connected = true));
      });
      req.on("error", (e: NodeJS.ErrnoException) => {
        if (isTlsError(e.code)) {
          finish(storeError("STORE_TLS_FAILED", `${endpoint.origin}: TLS: ${e.message} (${e.code})`, { endpoint: endpoint.origin }));
          return;
        }
        const notSent = e.code === "ECONNREFUSED" || e.code === "EHOSTUNREACH" || e.code === "ENETUNREACH" || e.code === "ENOTFOUND";
        finish(new AttemptError(`${endpoint.origin}: ${e.message}`, !notSent && connected, undefined, undefined));
      });
      req.end(payload);
    });
  }

  /**
   * Opens a streaming POST (the watch) on the current endpoint. `onLine` gets each
   * newline-delimited JSON message; `onEnd` is called once when the stream ends for any
   * reason (with the error, if any). Returns a function that aborts the stream.
   */
  async openStream(
    path: string,
    body: JsonObject,
    onLine: (message: JsonObject) => void,
    onEnd: (error: Error | undefined) => void,
  ): Promise<{ abort: () => void; endpointIndex: number }> {
    if (this.closed) throw storeError("STORE_CLOSED", "the etcd client is closed");
    const index = this.current;
    const endpoint = this.endpoints[index] as URL;
    let headers: Record<string, string>;
    try {
      headers = await this.authHeaders(this.requestTimeoutMs);
    } catch (error) {
      onEnd(error instanceof Error ? error : new Error(String(error)));
      return { abort: () => undefined, endpointIndex: index };
    }
    let ended = false;
    const end = (error: Error | undefined): void => {
      if (ended) return;
      ended = true;
      clearTimeout(connectTimer);
      this.streams.delete(req);
      if (error !== undefined) this.advance(index);
      onEnd(error);
    };
    const payload = JSON.stringify(body);
    const req = this.requestFn(endpoint)(
      {
        protocol: endpoint.protocol,
        hostname: endpoint.hostname,
        port: endpoint.port,
        method: "POST",
        path,
        // Streams get their own connection so they never hold up unary calls.
        agent: false,
        ...(endpoint.protocol === "https:" ? this.tlsRequestOptions() : {}),
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(payload),
          // etcd's "require leader" metadata: a member that loses its leader ends the
          // stream instead of leaving us on a partitioned member that sees no changes.
          "grpc-metadata-hasleader": "true",
          ...headers,
        },
      },
      (res) => {
        clearTimeout(connectTimer);
        let buffered = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          buffered += chunk;
          let nl: number;
          while ((nl = buffered.indexOf("\n")) >= 0) {
            const line = buffered.slice(0, nl).trim();
            buffered = buffered.slice(nl + 1);
            if (line.length === 0) continue;
            let parsed: Json;
            try {
              parsed = JSON.parse(line) as Json;
            } catch {
              end(storeError("STORE_PROTOCOL", `etcd at ${endpoint.origin} sent a stream line that is not JSON`));
              req.destroy();
              return;
            }
            const gatewayError = parseGatewayError(parsed);
            if (gatewayError !== undefined) {
              end(this.streamError(gatewayError.code, gatewayError.message, endpoint.origin));
              req.destroy();
              return;
            }
            if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) {
              const result = parsed["result"];
              if (result !== null && typeof result === "object" && !Array.isArray(result) && result !== undefined) onLine(result);
            }
            if (ended) return;
          }
        });
        res.on("end", () => end(storeError("STORE_UNAVAILABLE", `etcd at ${endpoint.origin} ended the stream`)));
        res.on("error", (e) => end(storeError("STORE_UNAVAILABLE", `etcd at ${endpoint.origin}: ${e.message}`)));
      },
    );
    this.streams.add(req);
    const connectTimer = setTimeout(() => {
      end(storeError("STORE_UNAVAILABLE", `etcd at ${endpoint.origin}: stream not answered within ${this.requestTimeoutMs} ms`));
      req.destroy();
    }, this.requestTimeoutMs);
    req.on("error", (e: NodeJS.ErrnoException) =>
      end(
        isTlsError(e.code)
          ? storeError("STORE_TLS_FAILED", `etcd at ${endpoint.origin}: TLS: ${e.message} (${e.code})`)
          : storeError("STORE_UNAVAILABLE", `etcd at ${endpoint.origin}: ${e.message}`),
      ),
    );
    req.end(payload);
    return {
      abort: () => {
        ended = true;
        clearTimeout(connectTimer);
        this.streams.delete(req);
        req.destroy();
      },
      endpointIndex: index,
    };
  }

  /**
   * Maps an error of a call without built-in retry (streams, probes). An expired token is
   * dropped and reported as retryable, so the caller's retry authenticates afresh.
   */
  private streamError(code: number | undefined, message: string, endpoint: string): TandemError {
    if (isAuthTokenError(message) && this.options.auth !== undefined) {
      this.token = undefined;
      return storeError("STORE_UNAVAILABLE", `etcd at ${endpoint}: auth token expired (${message})`, { endpoint });
    }
    return grpcToStoreError(code, message, endpoint);
  }

  /** Records that an endpoint failed, so the next call or stream starts elsewhere. */
  markFailed(index: number): void {
    this.advance(index);
  }

  private tlsRequestOptions(): https.RequestOptions {
    const tls = this.options.tls;
    return {
      ...(tls?.ca === undefined ? {} : { ca: tls.ca }),
      ...(tls?.cert === undefined ? {} : { cert: tls.cert }),
      ...(tls?.key === undefined ? {} : { key: tls.key }),
      rejectUnauthorized: tls?.rejectUnauthorized ?? true,
    };
  }

  /** Which endpoint to try first for the next call (used by status probes). */
  setCurrent(index: number): void {
    this.current = ((index % this.endpoints.length) + this.endpoints.length) % this.endpoints.length;
  }

  /** A call to exactly one endpoint, no failover (status probes). */
  async callOne(index: number, path: string, body: JsonObject, timeoutMs: number): Promise<JsonObject> {
    const endpoint = this.endpoints[index] as URL;
    try {
      const headers = await this.authHeaders(timeoutMs);
      return await this.attempt(endpoint, path, body, headers, timeoutMs);
    } catch (error) {
      if (error instanceof AttemptError) {
        if (error.grpcCode !== undefined) throw this.streamError(error.grpcCode, error.message, endpoint.origin);
        throw storeError("STORE_UNAVAILABLE", error.message, { endpoint: endpoint.origin });
      }
      throw error;
    }
  }

  close(): void {
    this.closed = true;
    for (const s of this.streams) s.destroy();
    this.streams.clear();
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
